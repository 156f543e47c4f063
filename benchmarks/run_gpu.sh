#!/usr/bin/env bash
# On a machine with a CUDA device: the CUDA tests of lipschitz_layers, then the layer benchmark
# (nn.Linear, LDLTLinear, the peers when installed: pip install '.[bench]') on the GPU and on the
# CPU. Run from the repository root: bash benchmarks/run_gpu.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
python3 -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; print(torch.cuda.get_device_name())"
python3 -m pytest -q -p no:cacheprovider -m cuda -rs \
    tests/test_layers.py tests/test_layers_autograd.py tests/test_layers_precision.py tests/test_init.py
python3 benchmarks/bench_layers.py --device cuda --widths 128 512 1024 2048
python3 benchmarks/bench_layers.py --device cpu --threads 2
