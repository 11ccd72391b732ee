#!/usr/bin/env bash
# On a GPU host (no JDK needed): runs `cl2cm demo --device cuda` over many seeds for several settings at once, one
# process per setting sharing the GPU, and prints each setting's summary (per-seed mR and the paired CL2CM - baseline
# difference with its 95 % interval). Expects dist/cl2cm-linux-x64.tar.xz like gpu-check.sh.
#   tools/cuda/demo-seeds.sh SEEDS NAME=OPTIONS...
#   e.g. tools/cuda/demo-seeds.sh 1,2,3,4 default= tau01='--config tools/configs/tau-teacher-0.1.json'
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
seeds="$1"; shift
. "$root/tools/cuda/use-bundle.sh"
out="${OUT:-$root/runs}/seeds"
mkdir -p "$out"
threads=$(( $(nproc) / $# )); [ "$threads" -ge 1 ] || threads=1
for setting in "$@"; do
  name="${setting%%=*}"; opts="${setting#*=}"
  # shellcheck disable=SC2086
  JAVA_OPTS="-Dcl2cm.threads=$threads" "$work/cl2cm/bin/cl2cm" demo --device cuda --seeds "$seeds" \
    --out "$out/$name" $opts > "$out/$name.log" 2>&1 &
done
wait
for setting in "$@"; do
  name="${setting%%=*}"
  echo "== $name (${setting#*=})"
  grep -E '^(baseline|cl2cm) .*seed|mR .* over|paired|CLN on test|total|Error|error' "$out/$name.log" | grep -v '^cl2cm demo'
done
