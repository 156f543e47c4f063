"""Cost of LDLTLinear against nn.Linear and the Lipschitz peers, and of its initialization.

    python3 benchmarks/bench_layers.py                        # CPU, 2 threads, widths 128 512 1024
    python3 benchmarks/bench_layers.py --device cuda
    python3 benchmarks/bench_layers.py --widths 512 --rounds 9

Layers (square, ``width x width``, batch 256, float32): ``nn.Linear``; ``LDLTLinear``; the same
with the normalization differentiated by plain autograd through ``cholesky``/``solve_triangular``
(the implementation before the custom autograd.Function, for reference); deel-torchlip's
``SpectralLinear`` (power iteration + Bjorck) and orthogonium's ``OrthoLinear`` when installed
(``pip install 'wishart-moments[bench]'``), and a speed-of-light stand-in: the LDLTLinear step
with ``torch.linalg.cholesky_ex`` and ``solve_triangular`` swapped for matrix products of the same
flop count (``lapack_at_gemm_speed``; its numbers are meaningless, its cost is what the step would
take if LAPACK's factorization and solves ran as fast as ``mm``). Two measurements per layer:
- train step: ``zero_grad``, forward, ``square().mean().backward()``, SGD step;
- eval: ``model.eval()`` under ``torch.no_grad()`` (LDLTLinear uses its cached weight; the peers
  run their parametrizations as they do by default).
Rounds are interleaved (each round times every layer back to back, so a busy machine slows all
alike); times are medians over rounds, ratios medians of the per-round ratios (to
``nn.Linear``, and of LDLTLinear to each other layer). ``floor`` is the flop count of the LDLT
train step over ``nn.Linear``'s (``flops_train_step``). Last, ``reset_parameters`` of a
100-layer LDLTMLP with ``variance_prescribed_`` (cold and warm cache of the sigma^2 solutions).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from collections.abc import Callable, Iterator

import torch
from torch import nn

from lipschitz_layers import LDLTMLP, LDLTLinear
from lipschitz_layers import init as ldlt_init
from lipschitz_layers.parametrizations import _row_blocks, _unit_roundoff


def flops_train_step(batch: int, m: int, n: int) -> tuple[int, int]:
    """Flops of one train step (input without gradient) of nn.Linear and of LDLTLinear.

    nn.Linear: forward ``2 B m n``, weight gradient ``2 B m n``. LDLTLinear adds the Gram product
    ``W^T W`` (upper block triangle only: ``f 2 m n^2``, ``f = (k + 1) / (2k)`` with ``k`` row
    blocks, 5/8 at ``n = 512``), Cholesky (``n^3 / 3``), ``M = W R^{-1}`` (``m n^2``), and in the
    backward ``S = M^T Mbar`` (upper block triangle, ``f 2 m n^2``), ``M sym(S)`` (``2 m n^2``)
    and the solve with ``R^T`` (``m n^2``). Elementwise work is not counted.
    """
    blocks = len(_row_blocks(n)) - 1
    upper = 2 * m * n * n * (blocks + 1) // (2 * blocks)
    linear = 4 * batch * m * n
    return linear, linear + 2 * upper + n**3 // 3 + 4 * m * n * n


class PlainAutogradLDLT(LDLTLinear):
    """LDLTLinear with the normalization differentiated by autograd (the old implementation)."""

    def normalized_weight(self, dtype: torch.dtype | None = None) -> torch.Tensor:
        weight = self.weight
        gram = weight.mT @ weight
        delta = _unit_roundoff(weight) * gram.diagonal().sum().detach()
        eye = torch.eye(weight.shape[1], dtype=weight.dtype, device=weight.device)
        factor, _ = torch.linalg.cholesky_ex(gram + (self.alpha + delta) * eye, upper=True)
        normalized = torch.linalg.solve_triangular(factor, weight, upper=True, left=False)
        return self.gamma * normalized


def _cholesky_as_gemm(
    a: torch.Tensor, *, upper: bool = False, check_errors: bool = False, out=None
):
    """``cholesky_ex``'s signature; ``n^3 / 3`` flops of ``mm`` (a ``c^3`` product, ``2 c^3 =
    n^3 / 3``)."""
    n = a.shape[-1]
    c = max(1, round(n / 6 ** (1 / 3)))
    torch.mm(a[:c, :c], a[:c, :c])
    if out is not None:
        return out[0], out[1].zero_()
    return a, torch.zeros((), dtype=torch.int32, device=a.device)


def _solve_as_gemm(
    a: torch.Tensor,
    b: torch.Tensor,
    *,
    upper: bool,
    left: bool = True,
    unitriangular: bool = False,
    out=None,
):
    """``solve_triangular``'s signature and result shape, ``k n^2`` flops of ``mm`` (a triangular
    solve with ``n x n`` ``a`` and ``k`` right-hand sides costs ``k n^2``)."""
    half = a.shape[-1] // 2
    result = torch.mm(a[:, :half], b[:half]) if left else torch.mm(b[:, :half], a[:half])
    return result if out is None else out.copy_(result)


@contextlib.contextmanager
def lapack_at_gemm_speed() -> Iterator[None]:
    """Within: ``torch.linalg.cholesky_ex`` and ``solve_triangular`` replaced by ``mm`` calls of the
    same flop count and result shape, so that the LDLTLinear step runs its own code (buffers,
    products, copies) with the LAPACK kernels at matrix-product speed. Values are meaningless."""
    saved = torch.linalg.cholesky_ex, torch.linalg.solve_triangular
    torch.linalg.cholesky_ex, torch.linalg.solve_triangular = _cholesky_as_gemm, _solve_as_gemm
    try:
        yield
    finally:
        torch.linalg.cholesky_ex, torch.linalg.solve_triangular = saved


def peer_layers() -> dict[str, Callable[[int, torch.device], nn.Module]]:
    """The installed peers: name -> constructor(width, device)."""
    peers: dict[str, Callable[[int, torch.device], nn.Module]] = {}
    try:
        from deel.torchlip import SpectralLinear

        peers["torchlip SpectralLinear"] = lambda w, d: SpectralLinear(w, w).to(d)
    except ImportError:
        pass
    try:
        from orthogonium.layers.linear import OrthoLinear

        peers["orthogonium OrthoLinear"] = lambda w, d: OrthoLinear(w, w).to(d)
    except ImportError:
        pass
    return peers


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _timed(function: Callable[[], object], iterations: int, device: torch.device) -> float:
    _sync(device)
    start = time.perf_counter()
    for _ in range(iterations):
        function()
    _sync(device)
    return (time.perf_counter() - start) / iterations


def interleaved(
    functions: dict[str, Callable[[], object]], device: torch.device, rounds: int, iterations: int
) -> dict[str, list[float]]:
    """Seconds per call of each function, one entry per round (rounds interleaved).

    Each function gets ``iterations`` calls per round, fewer (at least one) when that would take
    more than about 0.3 s (orthogonium's layer at width 1024), judged from the warm-up.
    """
    counts = {}
    for name, function in functions.items():  # warm-up (allocator, kernels, caches)
        single = _timed(function, 2, device)
        counts[name] = max(1, min(iterations, int(0.3 / max(single, 1e-9))))
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(rounds):
        for name, function in functions.items():
            times[name].append(_timed(function, counts[name], device))
    return times


def ratio(times: dict[str, list[float]], name: str, base: str) -> tuple[float, float, float]:
    """Median, min and max over rounds of the per-round ratio ``times[name] / times[base]``."""
    ratios = [t / b for t, b in zip(times[name], times[base], strict=True)]
    return statistics.median(ratios), min(ratios), max(ratios)


GEMM_SPEED = "LDLTLinear step with Cholesky and solves at mm speed (speed of light)"


def bench_width(width: int, batch: int, device: torch.device, rounds: int, iterations: int) -> None:
    torch.manual_seed(0)
    constructors: dict[str, Callable[[int, torch.device], nn.Module]] = {
        "nn.Linear": lambda w, d: nn.Linear(w, w, device=d),
        "LDLTLinear": lambda w, d: LDLTLinear(w, w, device=d),
        "LDLTLinear, plain autograd": lambda w, d: PlainAutogradLDLT(w, w, device=d),
        **peer_layers(),
    }
    models = {name: make(width, device) for name, make in constructors.items()}
    x = torch.randn(batch, width, device=device)

    def step(model: nn.Module, lr: float = 1e-3) -> Callable[[], None]:
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)

        def run() -> None:
            optimizer.zero_grad(set_to_none=True)
            model(x).square().mean().backward()
            optimizer.step()

        return run

    def step_at_gemm_speed(model: nn.Module) -> Callable[[], None]:
        run = step(model, lr=0.0)  # its gradients are meaningless: the weight stays put

        def wrapped() -> None:
            with lapack_at_gemm_speed():
                run()

        return wrapped

    for model in models.values():
        model.train()
    steps = {name: step(model) for name, model in models.items()}
    steps[GEMM_SPEED] = step_at_gemm_speed(LDLTLinear(width, width, device=device))
    train = interleaved(steps, device, rounds, iterations)
    for model in models.values():
        model.eval()

    def forward(model: nn.Module) -> Callable[[], object]:
        def run() -> object:
            with torch.no_grad():
                return model(x)

        return run

    evaluation = interleaved(
        {name: forward(model) for name, model in models.items()}, device, rounds, 2 * iterations
    )
    linear_flops, ldlt_flops = flops_train_step(batch, width, width)
    print(f"\nwidth {width} x {width}, batch {batch}")
    print(
        f"{'layer':<28}{'train ms':>10}{'x Linear':>10}{'(range)':>14}"
        f"{'eval ms':>10}{'x Linear':>10}"
    )
    for name in models:
        middle, low, high = ratio(train, name, "nn.Linear")
        spread = f"{low:.2f}..{high:.2f}"
        print(
            f"{name:<28}{statistics.median(train[name]) * 1e3:>10.3f}{middle:>9.2f}x{spread:>15}"
            f"{statistics.median(evaluation[name]) * 1e3:>10.3f}"
            f"{ratio(evaluation, name, 'nn.Linear')[0]:>9.2f}x"
        )
    print(
        f"LDLTLinear train step: {ratio(train, 'LDLTLinear', 'nn.Linear')[0]:.2f}x nn.Linear, "
        f"flop floor {ldlt_flops / linear_flops:.2f}x ({ldlt_flops / 1e6:.0f} vs "
        f"{linear_flops / 1e6:.0f} Mflop)"
    )
    for name in models:
        if name.startswith(("torchlip", "orthogonium", "LDLTLinear, plain")):
            middle, low, high = ratio(train, "LDLTLinear", name)
            print(
                f"LDLTLinear train step: {middle:.2f}x {name} (per-round {low:.2f}..{high:.2f}; "
                f"eval {ratio(evaluation, 'LDLTLinear', name)[0]:.2f}x)"
            )
    peers = [name for name in models if name.startswith("torchlip")]
    light = f"{statistics.median(train[GEMM_SPEED]) * 1e3:.3f} ms, "
    light += f"{ratio(train, GEMM_SPEED, 'nn.Linear')[0]:.2f}x nn.Linear"
    for name in peers:
        middle, low, high = ratio(train, GEMM_SPEED, name)
        light += f", {middle:.2f}x {name} (per-round {low:.2f}..{high:.2f})"
    print(f"{GEMM_SPEED}: {light}")


def bench_init(width: int, device: torch.device) -> None:
    net = LDLTMLP(width, width, width, depth=100, gamma=2.0, device=device)
    for label in ("cold", "warm"):
        if label == "cold":
            ldlt_init._solve_sigma2_cached.cache_clear()
        start = time.perf_counter()
        net.reset_parameters("variance_prescribed", target_variance=1.0, propagate_variance=True)
        _sync(device)
        elapsed = time.perf_counter() - start
        print(
            f"LDLTMLP depth 100, width {width}: reset_parameters('variance_prescribed', "
            f"propagate_variance=True), {label} solve cache: {elapsed:.3f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--widths", type=int, nargs="+", default=[128, 512, 1024])
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2, help="CPU threads (0: torch default)")
    parser.add_argument("--no-init", action="store_true", help="skip the initialization timing")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    peers = ", ".join(peer_layers()) or "none installed"
    print(
        f"torch {torch.__version__}, device {device}"
        + (f" ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else "")
        + f", {torch.get_num_threads()} CPU threads, float32; peers: {peers}"
    )
    for width in args.widths:
        bench_width(width, args.batch, device, args.rounds, args.iterations)
    if not args.no_init:
        print()
        bench_init(512, device)


if __name__ == "__main__":
    main()
