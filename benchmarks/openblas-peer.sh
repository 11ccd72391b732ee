#!/usr/bin/env bash
# Same-run float32 GEMM comparison with OpenBLAS on this machine, at 1 and 2 threads: cl2cm.benchmarks.OpenBlasPeer
# times the engine and OpenBLAS (Debian's libopenblas0-pthread, the library behind python3-numpy, called through
# java.lang.foreign) alternately in one JVM, so that the speed swings of a shared VM hit both alike.
#   benchmarks/openblas-peer.sh [shape ...]        shapes as MxNxK, default the three of the kernels issue
#   THREADS="1 2 4 8 16" benchmarks/openblas-peer.sh   thread counts to run (default "1 2")
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -e /usr/lib/x86_64-linux-gnu/libopenblas.so.0 ] && ! ldconfig -p | grep -q 'libopenblas.so.0 '; then
  echo "installing the peer: Debian libopenblas0-pthread (needs root and apt)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenblas0-pthread >/dev/null
fi
[ -f benchmarks/target/benchmarks.jar ] || mvn -B -q -Dstyle.color=never -DskipTests package -pl benchmarks -am
java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
[ -x "$java" ] || java=$(command -v java)

first=1
for t in ${THREADS:-1 2}; do
  # OPENBLAS_CORETYPE/L2_SIZE may be set on these machines for old OpenBLAS builds; they slow a current one.
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$java" --add-modules jdk.incubator.vector \
    --enable-native-access=ALL-UNNAMED -Dcl2cm.threads=$t -cp benchmarks/target/benchmarks.jar \
    cl2cm.benchmarks.OpenBlasPeer "$@" 2>&1 | grep -v '^WARNING: Using incubator' | { [ $first = 1 ] && cat || tail -n +2; }
  first=0
done
