#!/usr/bin/env bash
# Same-run float32 GEMM comparison with OpenBLAS on this machine: numpy (Debian python3-numpy, linked to
# libopenblas0-pthread) against the engine's JMH GemmBenchmark.engine, at 1 and 2 threads, as one table.
#   benchmarks/openblas-peer.sh [shape ...]        shapes as MxNxK, default the three of the kernels issue
set -euo pipefail
cd "$(dirname "$0")/.."
shapes=("$@")
[ ${#shapes[@]} -gt 0 ] || shapes=(1024x1024x1024 2048x256x1024 2048x1024x256)

if ! /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  echo "installing the peer: Debian python3-numpy and libopenblas0-pthread (needs root and apt)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy libopenblas0-pthread >/dev/null
fi
[ -f benchmarks/target/benchmarks.jar ] || mvn -B -q -Dstyle.color=never -DskipTests package -pl benchmarks -am
java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
[ -x "$java" ] || java=$(command -v java)

printf '%-8s %-16s %12s %12s %8s\n' threads shape "ours GF/s" "OpenBLAS" ratio
for t in 1 2; do
  for s in "${shapes[@]}"; do
    IFS=x read -r m n k <<<"$s"
    # OPENBLAS_CORETYPE/L2_SIZE may be set on these machines for old OpenBLAS builds; they slow a current one.
    peer=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=$t /usr/bin/python3 - "$m" "$n" "$k" <<'PY'
import sys, time
import numpy as np
m, n, k = map(int, sys.argv[1:])
a = np.random.rand(m, k).astype(np.float32)
b = np.random.rand(k, n).astype(np.float32)
for _ in range(3):
    a @ b
reps = max(5, int(4e9 / (2 * m * n * k)))
best = float("inf")
for _ in range(3):
    t0 = time.perf_counter()
    for _ in range(reps):
        a @ b
    best = min(best, (time.perf_counter() - t0) / reps)
print(f"{2 * m * n * k / best / 1e9:.1f}")
PY
)
    csv=$(mktemp)
    "$java" -Dcl2cm.threads=$t -jar benchmarks/target/benchmarks.jar 'GemmBenchmark.engine' -p shape="$s" \
      -wi 2 -w 1 -i 3 -r 1 -f 1 -rf csv -rff "$csv" >/dev/null 2>&1
    ms=$(awk -F, 'NR==2 {gsub(/"/,"",$5); print $5}' "$csv")
    rm -f "$csv"
    ours=$(awk -v ms="$ms" -v m="$m" -v n="$n" -v k="$k" 'BEGIN {printf "%.1f", 2*m*n*k/(ms/1000)/1e9}')
    ratio=$(awk -v a="$ours" -v b="$peer" 'BEGIN {printf "%.2fx", a/b}')
    printf '%-8s %-16s %12s %12s %8s\n' "$t" "$s" "$ours" "$peer" "$ratio"
  done
done
