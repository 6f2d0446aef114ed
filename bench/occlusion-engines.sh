#!/usr/bin/env bash
# The incremental engine against the full engine and a one-window-per-forward loop, on the cases of the
# incremental-occlusion issue, each in one process with interleaved rounds. Prints each case's summary line.
#
#   bench/occlusion-engines.sh [MODELS_DIR] [REPEAT]
#
# MODELS_DIR holds alexnet.pt and vgg16.pt (torchvision architectures, random weights; `mvn test` writes them to
# target/test-models, or use models/export_torchvision.py). VGG16 is slow on two cores, so its cases time a fixed
# block of windows from the middle of the grid (the summary's timed_windows says how many).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
models="${1:-$root/target/test-models}"
repeat="${2:-3}"
jar="$root/target/convscope.jar"
[ -f "$jar" ] || { echo "bench: $jar is missing; build it with: mvn -B package -DskipTests" >&2; exit 2; }

run() {
  java -jar "$jar" bench occlusion --engine incremental --repeat "$repeat" --loop-windows 3 "$@" | grep occlusion-summary
}

run --model "$models/alexnet.pt" --window 50 --stride 10
run --model "$models/alexnet.pt" --window 16 --stride 8
run --model "$models/vgg16.pt" --window 50 --stride 10 --windows 24
run --model "$models/vgg16.pt" --window 16 --stride 16 --windows 24
run --window 16 --stride 4   # the bundled model, 64 x 64
