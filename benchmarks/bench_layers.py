"""Cost of LDLTLinear against nn.Linear, and of the variance-prescribed initialization.

    python3 benchmarks/bench_layers.py                  # CPU, 512 x 512, batch 256
    python3 benchmarks/bench_layers.py --device cuda

Prints median times over interleaved rounds (each round times both layers back to back, so a
busy machine slows both alike) and the median of the per-round ratios:
- eval forward: ``model.eval()`` under ``torch.no_grad()``; LDLTLinear uses its cached weight;
- training step: forward, backward, SGD step (LDLTLinear recomputes ``gamma W R^{-1}``);
- ``reset_parameters`` of a 100-layer LDLTMLP with ``variance_prescribed_`` (cold and warm
  cache of the sigma^2 solutions; the cold one runs two solves: unit and propagated input).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import torch
from torch import nn

from lipschitz_layers import LDLTMLP, LDLTLinear
from lipschitz_layers import init as ldlt_init


def _timed(function: Callable[[], object], iterations: int, device: torch.device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    for _ in range(iterations):
        function()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return (time.perf_counter() - start) / iterations


def compare(
    name: str,
    baseline: Callable[[], object],
    candidate: Callable[[], object],
    device: torch.device,
    rounds: int,
    iterations: int,
) -> None:
    for function in (baseline, candidate):  # warm-up (allocator, kernels, cache fill)
        _timed(function, max(2, iterations // 4), device)
    base, cand, ratios = [], [], []
    for _ in range(rounds):
        base.append(_timed(baseline, iterations, device))
        cand.append(_timed(candidate, iterations, device))
        ratios.append(cand[-1] / base[-1])
    print(
        f"{name:<15} nn.Linear {statistics.median(base) * 1e3:8.3f} ms   "
        f"LDLTLinear {statistics.median(cand) * 1e3:8.3f} ms   "
        f"ratio {statistics.median(ratios):6.2f}x  (per-round ratios {min(ratios):.2f}"
        f"..{max(ratios):.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--features", type=int, default=512)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (torch default)")
    args = parser.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    torch.manual_seed(0)
    n, batch = args.features, args.batch
    print(
        f"torch {torch.__version__}, device {device}"
        + (f" ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else "")
        + f", {torch.get_num_threads()} CPU threads, float32, {n} x {n}, batch {batch}"
    )
    linear = nn.Linear(n, n, device=device)
    ldlt = LDLTLinear(n, n, device=device)
    x = torch.randn(batch, n, device=device)

    linear.eval()
    ldlt.eval()
    with torch.no_grad():
        compare("eval forward", lambda: linear(x), lambda: ldlt(x), device, args.rounds, 50)

    def step(model: nn.Module, optimizer: torch.optim.Optimizer) -> Callable[[], None]:
        def run() -> None:
            optimizer.zero_grad(set_to_none=True)
            model(x).square().mean().backward()
            optimizer.step()

        return run

    linear.train()
    ldlt.train()
    compare(
        "training step",
        step(linear, torch.optim.SGD(linear.parameters(), lr=1e-3)),
        step(ldlt, torch.optim.SGD(ldlt.parameters(), lr=1e-3)),
        device,
        args.rounds,
        args.iterations,
    )
    with torch.no_grad():
        weight_time = _timed(ldlt.normalized_weight, args.iterations, device)
    print(f"normalized_weight() alone: {weight_time * 1e3:.3f} ms")

    net = LDLTMLP(n, n, n, depth=100, gamma=2.0, device=device)
    for label in ("cold", "warm"):
        if label == "cold":
            ldlt_init._solve_sigma2_cached.cache_clear()
        start = time.perf_counter()
        net.reset_parameters("variance_prescribed", target_variance=1.0, propagate_variance=True)
        elapsed = time.perf_counter() - start
        print(
            f"LDLTMLP depth 100, width {n}: reset_parameters('variance_prescribed', "
            f"propagate_variance=True), {label} solve cache: {elapsed:.3f} s"
        )


if __name__ == "__main__":
    main()
