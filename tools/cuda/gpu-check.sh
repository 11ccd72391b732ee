#!/usr/bin/env bash
# On a GPU host (no JDK needed): runs the device test suite and the speed comparison with PyTorch, printing a short
# report. Expects dist/cl2cm-linux-x64.tar.xz (tools/bundle.sh) and .devcheck/ (tools/cuda/pack-gpu-tests.sh).
#   tools/cuda/gpu-check.sh [tests|bench|all]   (default: all)
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
what="${1:-all}"
steps="${STEPS:-20}"
. "$root/tools/cuda/use-bundle.sh"
cl2cm="$work/cl2cm/bin/cl2cm"
java="$work/cl2cm/runtime/bin/java"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader

if [ "$what" = all ] || [ "$what" = tests ]; then
  echo "== device tests (JUnit; CUDA cases compare with the CPU backend)"
  jqwik="$(ls "$root"/.devcheck/lib/*.jar 2>/dev/null | tr '\n' ':')"   # the readers' fuzz tests (CPU)
  mkdir -p "$root/engine/target"   # jqwik keeps its run database there (junit-platform.properties)
  (cd "$root/engine" && "$java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    -jar "$root/.devcheck/junit.jar" execute --disable-banner --details=summary --details-theme=ascii \
    -cp "$work/cl2cm/lib/cl2cm.jar:$root/.devcheck/engine-tests:$root/.devcheck/cl2cm-tests:$jqwik" \
    --select-package cl2cm.engine --select-class cl2cm.train.DeviceStepParityTest 2>&1 \
    | grep -v "^WARNING: Using incubator" | tail -40)
fi

if [ "$what" = all ] || [ "$what" = bench ]; then
  echo "== speed: cl2cm (bundle) and PyTorch eager on the same card, medians of $steps steps"
  for n in 4096; do
    for prec in fp32 tf32; do
      "$cl2cm" bench --device cuda --precision "$prec" --matmul "$n" --steps "$steps" 2>&1 | grep '^{'
      python3 "$root/tools/pytorch/bench_cl2cm.py" --matmul "$n" --precision "$prec" --steps "$steps"
    done
  done
  for preset in bench-small bench-base; do
    for prec in fp32 tf32; do
      "$cl2cm" bench --device cuda --precision "$prec" --preset "$preset" --steps "$steps" 2>&1 | grep '^{\|Error\|error'
      python3 "$root/tools/pytorch/bench_cl2cm.py" --preset "$preset" --precision "$prec" --steps "$steps"
    done
  done
fi
