#!/usr/bin/env bash
# Compiles the CUDA backend's kernels to PTX and writes the committed resource. Needs nvcc (CUDA 12.8+ or 13).
# PTX for compute_75 runs on every GPU from Turing on (the driver JIT-compiles it for the card it finds).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
nvcc="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
"$nvcc" -ptx -arch=compute_75 -O3 -std=c++17 \
  "$root/engine/src/main/cuda/kernels.cu" -o "$root/engine/src/main/resources/cl2cm/engine/cuda/kernels.ptx"
echo "wrote engine/src/main/resources/cl2cm/engine/cuda/kernels.ptx"
