#!/usr/bin/env bash
# Builds dist/cl2cm-linux-x64.tar.xz: a portable cl2cm for Linux x86-64 machines without Java, e.g. GPU hosts.
# Contents: cl2cm/bin/cl2cm (the launcher), cl2cm/lib/cl2cm.jar (engine with its PTX kernels and cuBLAS
# compatibility library, JCuda, the CLI) and cl2cm/runtime (a jlink'd JDK 25 with only the modules cl2cm uses).
#   tools/bundle.sh && tar xf dist/cl2cm-linux-x64.tar.xz && cl2cm/bin/cl2cm bench --device cuda
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jdk="${JDK25:-}"
if [ -z "$jdk" ]; then
  for d in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    if [ -n "$d" ] && [ -x "$d/bin/jlink" ] && "$d/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then jdk="$d"; break; fi
  done
fi
[ -n "$jdk" ] || { echo "bundle: no JDK 25+ with jlink found (set JDK25=/path/to/jdk)" >&2; exit 1; }
(cd "$root" && mvn -B -q -Dstyle.color=never -DskipTests package -pl cl2cm -am)
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/cl2cm/bin" "$stage/cl2cm/lib"
"$jdk/bin/jlink" --add-modules java.base,java.desktop,java.sql,java.logging,java.management,jdk.incubator.vector,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$stage/cl2cm/runtime"
cp "$root/bin/cl2cm" "$stage/cl2cm/bin/"
# A font for machines that have none (GPU servers often don't): bin/cl2cm hands it to fontconfig only there.
font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
if [ -f "$font" ]; then
  mkdir -p "$stage/cl2cm/fonts"
  cp "$font" "$stage/cl2cm/fonts/"
  [ -f /usr/share/doc/fonts-dejavu-core/copyright ] && cp /usr/share/doc/fonts-dejavu-core/copyright "$stage/cl2cm/fonts/LICENSE"
else
  echo "bundle: $font not found (apt-get install fonts-dejavu-core); the bundle will have no font of its own" >&2
fi
cp "$root/cl2cm/target/cl2cm.jar" "$stage/cl2cm/lib/"
cat > "$stage/cl2cm/README.txt" <<'TXT'
cl2cm portable bundle (Linux x86-64). No Java needed: runtime/ is a trimmed JDK 25.
  cl2cm/bin/cl2cm --help
  cl2cm/bin/cl2cm bench --preset bench-small --device cuda --precision tf32
  cl2cm/bin/cl2cm demo --device cuda
GPU use needs an NVIDIA driver (libcuda.so.1) and cuBLAS (libcublas.so.12, or libcublas.so.13 from CUDA 13).
TXT
mkdir -p "$root/dist"
tar -C "$stage" -cf - cl2cm | xz -T0 -9 > "$root/dist/cl2cm-linux-x64.tar.xz.tmp"
mv "$root/dist/cl2cm-linux-x64.tar.xz.tmp" "$root/dist/cl2cm-linux-x64.tar.xz"
ls -la "$root/dist/cl2cm-linux-x64.tar.xz"
