"""Depth experiment: log-norm of activations of deep narrow leaky-ReLU networks vs the theory.

For each width ``d`` and each initialization (He, orthogonal with the leaky-ReLU gain, Lyapunov
normal, Lyapunov orthogonal) it runs ``networks`` independent random networks
``x_l = phi(W_l x_{l-1})`` (no bias, slope ``a``) to depth ``L``, accumulating ``log ||x_l||``
(renormalizing ``x`` at every layer, so nothing under- or overflows), and compares the mean and
spread of ``log ||x_L|| / L`` with the Lyapunov exponent ``lambda`` and ``sqrt(v / L)``
(``lipschitz_layers.lyapunov``).

    python -m experiments.lyapunov_depth [--quick] --out DIR [--device cuda]

writes ``DIR/lyapunov_depth.png`` (the figure), ``DIR/lyapunov_depth.csv`` (one row per width and
initialization) and ``DIR/lyapunov_depth.json`` (the settings, the rows and the mean/spread
curves over depth). At slope 0 a layer kills a network with probability ``2^{-d}``; the dead
ones are counted and left out (the theory is then the drift conditioned on survival).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from lipschitz_layers.lyapunov import (
    critical_scale,
    he_scale,
    lyapunov_exponent,
    lyapunov_variance,
)

# name -> (weight distribution, scale rule)
INITIALIZATIONS = {
    "he": ("gaussian", he_scale),
    "orthogonal": ("orthogonal", he_scale),
    "lyapunov_normal": ("gaussian", critical_scale),
    "lyapunov_orthogonal": ("orthogonal", critical_scale),
}
FULL = {"widths": (4, 8, 16, 64), "depth": 300, "networks": 256}
QUICK = {"widths": (4, 16), "depth": 60, "networks": 64}


@dataclass(frozen=True)
class Row:
    """Measured and predicted growth of ``log ||x_L||`` for one width and initialization."""

    width: int
    init: str
    weights: str
    scale: float
    depth: int
    networks: int
    alive: int
    theory_exponent: float  # lambda
    measured_exponent: float  # mean of log ||x_L|| / L over the surviving networks
    exponent_stderr: float  # standard error of that mean
    theory_spread: float  # sqrt(v): sd of log ||x_L|| / sqrt(L)
    measured_spread: float


def haar_orthogonal(
    batch: int, width: int, generator: torch.Generator, device: str
) -> torch.Tensor:
    """``batch`` independent Haar-distributed ``width x width`` orthogonal matrices (float64)."""
    gauss = torch.randn(
        batch, width, width, generator=generator, dtype=torch.float64, device=device
    )
    q, r = torch.linalg.qr(gauss)
    signs = torch.sign(torch.diagonal(r, dim1=-2, dim2=-1))
    return q * signs.unsqueeze(-2)  # fix the column signs: Q diag(sign R_ii) is Haar


def simulate_log_norms(
    width: int,
    negative_slope: float,
    weights: str,
    scale: float,
    depth: int,
    networks: int,
    generator: torch.Generator,
    device: str = "cpu",
) -> torch.Tensor:
    """``log ||x_l|| - log ||x_0||`` for ``l = 0..depth``, shape ``(networks, depth + 1)``.

    Dead networks (``x_l = 0``, only at slope 0) get ``-inf`` from that layer on.
    """
    x = torch.randn(networks, width, generator=generator, dtype=torch.float64, device=device)
    x = x / x.norm(dim=1, keepdim=True)
    log_norms = torch.zeros(networks, depth + 1, dtype=torch.float64, device=device)
    for layer in range(1, depth + 1):
        if weights == "gaussian":
            w = torch.randn(
                networks, width, width, generator=generator, dtype=torch.float64, device=device
            )
        else:
            w = haar_orthogonal(networks, width, generator, device)
        x = torch.nn.functional.leaky_relu(
            scale * (w @ x.unsqueeze(-1)).squeeze(-1), negative_slope
        )
        norm = x.norm(dim=1)
        log_norms[:, layer] = log_norms[:, layer - 1] + torch.log(norm)
        x = x / torch.where(norm > 0, norm, 1.0).unsqueeze(1)
    return log_norms


def run(
    widths: Sequence[int],
    depth: int,
    networks: int,
    negative_slope: float,
    seed: int,
    device: str,
) -> tuple[list[Row], dict[str, dict[str, list[float]]]]:
    """All widths x initializations: the summary rows and the mean/sd curves over depth."""
    generator = torch.Generator(device=device).manual_seed(seed)
    rows, curves = [], {}
    for width in widths:
        for init, (weights, scale_rule) in INITIALIZATIONS.items():
            start = time.perf_counter()
            scale = scale_rule(width, negative_slope, weights)
            log_norms = simulate_log_norms(
                width, negative_slope, weights, scale, depth, networks, generator, device
            )
            alive = torch.isfinite(log_norms[:, -1])
            live = log_norms[alive].cpu()
            final = live[:, -1]
            count = int(alive.sum())
            rows.append(
                Row(
                    width=width,
                    init=init,
                    weights=weights,
                    scale=scale,
                    depth=depth,
                    networks=networks,
                    alive=count,
                    theory_exponent=lyapunov_exponent(width, negative_slope, scale, weights),
                    measured_exponent=float(final.mean()) / depth if count else math.nan,
                    exponent_stderr=(
                        float(final.std()) / depth / math.sqrt(count) if count > 1 else math.nan
                    ),
                    theory_spread=math.sqrt(lyapunov_variance(width, negative_slope, weights)),
                    measured_spread=float(final.std()) / math.sqrt(depth)
                    if count > 1
                    else math.nan,
                )
            )
            curves[f"{width}/{init}"] = {
                "mean": live.mean(dim=0).tolist(),
                "sd": live.std(dim=0).tolist() if count > 1 else [math.nan] * (depth + 1),
            }
            print(
                f"width {width:>4} {init:<20} scale {scale:.5f}: "
                f"lambda {rows[-1].theory_exponent:+.5f} measured "
                f"{rows[-1].measured_exponent:+.5f} +- {rows[-1].exponent_stderr:.5f} "
                f"({time.perf_counter() - start:.1f} s)",
                file=sys.stderr,
                flush=True,
            )
    return rows, curves


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same directory and ``os.replace``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def plot(rows: list[Row], curves: dict, negative_slope: float) -> bytes:
    """PNG bytes: one panel per width, mean +- sd of log ||x_l|| over depth, theory dashed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    widths = sorted({row.width for row in rows})
    fig, axes = plt.subplots(1, len(widths), figsize=(4.2 * len(widths), 3.8), squeeze=False)
    colours = dict(zip(INITIALIZATIONS, ("C3", "C1", "C0", "C2"), strict=True))
    for ax, width in zip(axes[0], widths, strict=True):
        for row in (r for r in rows if r.width == width):
            curve = curves[f"{width}/{row.init}"]
            layers = torch.arange(len(curve["mean"]), dtype=torch.float64)
            mean, sd = torch.tensor(curve["mean"]), torch.tensor(curve["sd"])
            colour = colours[row.init]
            ax.plot(layers, mean, color=colour, label=f"{row.init} ({row.scale:.3g})")
            ax.fill_between(layers, mean - sd, mean + sd, color=colour, alpha=0.15, lw=0)
            theory = layers * row.theory_exponent
            ax.plot(layers, theory, color=colour, ls="--", lw=0.9)
            spread = (layers * row.theory_spread**2).sqrt()
            ax.plot(layers, theory + spread, color=colour, ls=":", lw=0.7)
            ax.plot(layers, theory - spread, color=colour, ls=":", lw=0.7)
        ax.set_title(f"width {width}, slope {negative_slope:g}")
        ax.set_xlabel("layer l")
        ax.axhline(0.0, color="k", lw=0.5)
        ax.legend(fontsize=7, loc="lower left")
    axes[0][0].set_ylabel("log ||x_l|| - log ||x_0||")
    fig.suptitle(
        "measured mean ± sd (band) vs theory l·λ (dashed) ± sqrt(l·v) (dotted)", fontsize=10
    )
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return buffer.getvalue()


def write_outputs(
    out: Path, rows: list[Row], curves: dict, settings: dict, negative_slope: float
) -> list[Path]:
    """Write the PNG, CSV and JSON files into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(asdict(rows[0])))
    writer.writeheader()
    writer.writerows(asdict(row) for row in rows)
    payload = {"settings": settings, "rows": [asdict(row) for row in rows], "curves": curves}
    files = {
        out / "lyapunov_depth.csv": text.getvalue().encode(),
        out / "lyapunov_depth.json": json.dumps(payload, indent=1).encode(),
        out / "lyapunov_depth.png": plot(rows, curves, negative_slope),
    }
    for path, data in files.items():
        _write_atomic(path, data)
    return list(files)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m experiments.lyapunov_depth", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--quick", action="store_true", help=f"small run: {QUICK}")
    parser.add_argument("--widths", type=_positive_int, nargs="+", help=f"default {FULL['widths']}")
    parser.add_argument("--depth", type=_positive_int, help=f"default {FULL['depth']}")
    parser.add_argument("--networks", type=_positive_int, help=f"default {FULL['networks']}")
    parser.add_argument("--slope", type=float, default=0.01, help="negative slope a in [0, 1)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu", help="torch device, e.g. cuda")
    args = parser.parse_args(argv)
    if not 0.0 <= args.slope < 1.0:
        parser.error(f"--slope must lie in [0, 1), got {args.slope}")
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        parser.error("--device cuda: no CUDA device available")
    preset = QUICK if args.quick else FULL
    settings = {
        "widths": list(args.widths or preset["widths"]),
        "depth": args.depth or preset["depth"],
        "networks": args.networks or preset["networks"],
        "negative_slope": args.slope,
        "seed": args.seed,
        "device": args.device,
    }
    threads = torch.get_num_threads()
    if args.device == "cpu":
        # batches of small matrices: extra threads only add overhead (and stall on a busy machine)
        torch.set_num_threads(1)
    try:
        rows, curves = run(
            settings["widths"],
            settings["depth"],
            settings["networks"],
            args.slope,
            args.seed,
            args.device,
        )
    finally:
        torch.set_num_threads(threads)
    for path in write_outputs(args.out, rows, curves, settings, args.slope):
        print(path)
    return 0


if __name__ == "__main__":
    from ._common import check_experiments_extra

    try:
        check_experiments_extra()
    except ValueError as exc:
        print(f"python -m experiments.lyapunov_depth: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    raise SystemExit(main())
