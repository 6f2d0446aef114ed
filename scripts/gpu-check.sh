#!/usr/bin/env bash
# GPU checks, on a machine with an NVIDIA GPU and driver (finishes in well under 5 minutes):
#   1. builds the native kernels with CUDA required and runs their CTest tests, the CUDA one included
#      (it fails rather than skips when a device is present and the results differ from the CPU twin);
#   2. if target/convscope.jar was built with -Pgpu (LibTorch's CUDA build), runs the occlusion benchmark on
#      the GPU against the same engine on the CPU.
# Usage: scripts/gpu-check.sh [MODEL.pt]   (default: target/test-models/alexnet.pt)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build=target/native-build-gpu
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCONVSCOPE_WITH_CUDA=ON >/dev/null
cmake --build "$build" --parallel >/dev/null
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
ctest --test-dir "$build" --output-on-failure

model="${1:-target/test-models/alexnet.pt}"
if [ -f target/convscope.jar ] && [ -f "$model" ]; then
  java -jar target/convscope.jar bench occlusion --model "$model" --device cuda --repeat 3 --loop-windows 24
  java -jar target/convscope.jar bench occlusion --model "$model" --device cpu --repeat 1 --loop-windows 8
else
  echo "gpu-check: skipping the Java benchmark (build target/convscope.jar with 'mvn -Pgpu -DskipTests package'" \
       "and make $model with models/make_test_models.py)"
fi
