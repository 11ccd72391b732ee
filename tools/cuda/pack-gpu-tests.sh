#!/usr/bin/env bash
# Packs what tools/cuda/gpu-check.sh needs besides the bundle: compiled test classes (with their fixtures) and the
# JUnit console launcher, into .devcheck/ (git-ignored). Run after `mvn -q test-compile` and tools/bundle.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/.devcheck"
rm -rf "$out" && mkdir -p "$out"
(cd "$root" && mvn -B -q -Dstyle.color=never test-compile)
cp -r "$root/engine/target/test-classes" "$out/engine-tests"
cp -r "$root/cl2cm/target/test-classes" "$out/cl2cm-tests"
jar=org/junit/platform/junit-platform-console-standalone/1.14.1/junit-platform-console-standalone-1.14.1.jar
[ -f "$HOME/.m2/repository/$jar" ] || mvn -B -q dependency:get \
  -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.1
cp "$HOME/.m2/repository/$jar" "$out/junit.jar"
# The readers' fuzz tests (jqwik) are in the same test folders; they run on the CPU there too.
mkdir -p "$out/lib"
for a in jqwik-api jqwik-engine jqwik-web jqwik-time; do
  cp "$HOME/.m2/repository/net/jqwik/$a/1.10.1/$a-1.10.1.jar" "$out/lib/"
done
du -sh "$out"
