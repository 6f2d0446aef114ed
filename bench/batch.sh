#!/usr/bin/env bash
# convscope batch on one machine and on Spark in local mode, same images, same LibTorch threads; prints each
# run's summary line (images/s from the model loaded, or for Spark from before its session starts, to the table
# written) and the whole command's wall time.
#
#   bench/batch.sh [MODELS_DIR] [THREADS] [COPIES] [ALEXNET_COPIES]
#
# The images are the bundled samples, COPIES times each (default 4: 32 images) for the bundled model and
# ALEXNET_COPIES times (default 1: 8 images) for AlexNet. Models: the bundled one (64 x 64,
# default grid 13 x 13) and MODELS_DIR/alexnet.pt (torchvision architecture, random weights, 224 x 224, default
# grid 18 x 18; `mvn test` writes it to target/test-models). Needs the Spark module built
# (mvn install -DskipTests, then mvn -f spark/pom.xml package -DskipTests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
models="${1:-$root/target/test-models}"
threads="${2:-2}"
copies="${3:-4}"
alexnet_copies="${4:-1}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/many" "$work/few"
for f in "$root"/models/samples/*.png; do
  name="$(basename "$f" .png)"
  for i in $(seq 1 "$alexnet_copies"); do cp "$f" "$work/few/$name-$i.png"; done
  for i in $(seq 1 "$copies"); do cp "$f" "$work/many/$name-$i.png"; done
done

run() {  # LABEL IMAGES ARGS...
  local label="$1" images="$2"
  shift 2
  local out="$work/out-$RANDOM" start end line
  start="$(date +%s.%N)"
  line="$("$root/convscope" batch --images "$images" --out "$out" "$@" 2>/dev/null | tail -1)"
  end="$(date +%s.%N)"
  printf '%-40s %s | command %.1f s\n' "$label" "$line" "$(echo "$end - $start" | bc)"
}

t=(--threads "$threads")
run "bundled, one machine" "$work/many" "${t[@]}"
run "bundled, spark local[1]" "$work/many" "${t[@]}" --spark 'local[1]'
run "bundled, spark local[$threads] x 1 thread" "$work/many" --threads 1 --spark "local[$threads]"
run "bundled, one machine, parallel $threads x 1" "$work/many" --threads 1 --parallel "$threads"
run "alexnet, one machine" "$work/few" "${t[@]}" --model "$models/alexnet.pt"
run "alexnet, spark local[1]" "$work/few" "${t[@]}" --model "$models/alexnet.pt" --spark 'local[1]'
run "alexnet, one machine, parallel $threads x 1" "$work/few" --threads 1 --parallel "$threads" --model "$models/alexnet.pt"
