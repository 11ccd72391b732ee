# Sourced by the GPU-host scripts: unpacks dist/cl2cm-linux-x64.tar.xz into $root/.gpu-bundle (kept between runs on
# the same machine; re-extracted when the tarball changes) and sets $work. Expects $root.
work="$root/.gpu-bundle"
if [ ! -f "$work/.stamp" ] || [ "$root/dist/cl2cm-linux-x64.tar.xz" -nt "$work/.stamp" ]; then
  rm -rf "$work" && mkdir -p "$work" && tar -C "$work" -xJf "$root/dist/cl2cm-linux-x64.tar.xz" && touch "$work/.stamp"
fi
# A freshly built jar carried beside the bundle replaces the bundle's (quicker than re-bundling while developing).
[ -f "$root/cl2cm/target/cl2cm.jar" ] && cp "$root/cl2cm/target/cl2cm.jar" "$work/cl2cm/lib/cl2cm.jar"
