#!/usr/bin/env bash
# Same-run comparison of CL2CM training steps on this machine's CPU: `bin/cl2cm bench` against PyTorch eager running
# the same preset (tools/pytorch/bench_cl2cm.py --device cpu; Debian's python3-torch 1.13, which has no
# transformers, so the script's plain-torch BERT of the same layout is used), both on the same thread count.
#   benchmarks/pytorch-cpu-peer.sh [preset] [steps] [threads]     default: bench-small 5 2
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-bench-small}"
steps="${2:-5}"
threads="${3:-2}"

if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "installing the peer: Debian python3-torch (needs root and apt)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch >/dev/null
fi
ours=$(JAVA_OPTS="-Dcl2cm.threads=$threads" bin/cl2cm bench --preset "$preset" --steps "$steps" 2>/dev/null | grep '^{')
peer=$(/usr/bin/python3 tools/pytorch/bench_cl2cm.py --device cpu --threads "$threads" --preset "$preset" \
  --steps "$steps" | grep '^{')
echo "ours:    $ours"
echo "PyTorch: $peer"
/usr/bin/python3 - "$ours" "$peer" <<'PY'
import json, sys
ours, peer = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"{'step':8} {'ours ms':>10} {'PyTorch ms':>11} {'ratio':>7}")
for stage in ("stage1", "stage2"):
    a, b = ours[stage]["median_ms"], peer[stage]["median_ms"]
    print(f"{stage:8} {a:10.1f} {b:11.1f} {a / b:6.2f}x")
PY
