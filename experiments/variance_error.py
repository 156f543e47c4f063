"""Error of the paper's truncated-moment variance against Monte Carlo (paper figures 1-3).

For square weights ``W`` (``n x n``, ``n`` = 2..9, 10..90, 100..900) and ``alpha = gamma = 1``,
the truncated series (paper eq. 9) through ``k = 1..10``,

    Var_k = gamma^2 (1 - (alpha/m) sum_{j<=k} (-1)^j alpha^{-(j+1)} E tr(S^j)),

is compared with a Monte Carlo estimate of ``Var[y] = gamma^2 (1 - (alpha/m) E tr((alpha I + S)^
{-1}))`` over a grid of normalized weight variances ``sigma^2 n``. The Monte Carlo is direct and
independent of the moment tables: dense Gaussian ``W_1`` (``sigma = 1``), the eigenvalues
``lambda_i`` of ``W_1 W_1^T`` once per sample, then for every ``sigma^2`` the per-sample value
``gamma^2 (1 - (alpha/m) sum_i 1 / (alpha + sigma^2 lambda_i))`` (the exact expectation over
``x ~ N(0, I)`` given ``W``). Error bars: one standard error of the Monte Carlo mean (the paper
draws one standard deviation). Our exact engine (``wishart_moments.variance.output_variance``,
method ``auto``) is drawn as the reference: its distance to the Monte Carlo stays at the noise
floor at every ``sigma^2``, while the series leaves it beyond about ``sigma^2 (sqrt m + sqrt n)^2
= alpha`` (dotted line).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np

from . import _common

PAPER_GROUPS = {
    "fig01_sizes_2_to_9": list(range(2, 10)),
    "fig02_sizes_10_to_90": list(range(10, 100, 10)),
    "fig03_sizes_100_to_900": list(range(100, 1000, 100)),
}
QUICK_GROUPS = {"quick_sizes": [2, 5, 20, 60]}
ORDERS = tuple(range(1, 11))


def monte_carlo_variance(
    n: int,
    sigma2: np.ndarray,
    samples: int,
    rng: np.random.Generator,
    alpha: float = 1.0,
    gamma: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard error of ``Var[y | W]`` over ``samples`` dense ``n x n`` Gaussian ``W``.

    ``Var[y | W] = gamma^2 (1 - (alpha/n) sum_i 1/(alpha + sigma^2 lambda_i))``, ``lambda_i`` the
    eigenvalues of ``W_1 W_1^T`` at ``sigma = 1``; one eigen-decomposition serves every ``sigma2``.
    """
    sigma2 = np.asarray(sigma2, dtype=float)
    per_sample = np.empty((samples, sigma2.size))
    chunk = max(1, 4_000_000 // (n * n))  # keep each batch of matrices to about 32 MB
    for start in range(0, samples, chunk):
        count = min(chunk, samples - start)
        w = rng.standard_normal((count, n, n))
        eigenvalues = np.linalg.eigvalsh(w @ np.swapaxes(w, 1, 2))  # (count, n)
        inverse = 1.0 / (alpha + sigma2[None, :, None] * eigenvalues[:, None, :])
        per_sample[start : start + count] = gamma**2 * (1 - alpha / n * inverse.sum(axis=2))
    return per_sample.mean(axis=0), per_sample.std(axis=0, ddof=1) / np.sqrt(samples)


def series_variance(
    n: int, sigma2: float, order: int, alpha: float = 1.0, gamma: float = 1.0
) -> float:
    """The paper's truncated series through ``k = order`` for a square ``n x n`` weight."""
    from wishart_moments.variance.series import series_h

    value, _, _ = series_h(n, n, alpha / sigma2, order)
    return gamma**2 * (1 - value)


def run_size(
    n: int, normalized: np.ndarray, samples: int, rng: np.random.Generator, tol: float
) -> list[dict[str, Any]]:
    """Rows (one per ``sigma^2 n`` and order ``k``) for one size ``n``."""
    from wishart_moments.variance import output_variance

    sigma2 = normalized / n
    mc_mean, mc_stderr = monte_carlo_variance(n, sigma2, samples, rng)
    rows = []
    for i, s2 in enumerate(sigma2):
        exact = output_variance(n, n, float(s2), tol=tol, seed=0)
        for k in ORDERS:
            series = series_variance(n, float(s2), k)
            rows.append(
                {
                    "n": n,
                    "sigma2": float(s2),
                    "sigma2_n": float(normalized[i]),
                    "k": k,
                    "series": series,
                    "monte_carlo": float(mc_mean[i]),
                    "mc_stderr": float(mc_stderr[i]),
                    "exact": exact.value,
                    "exact_lower": exact.lower,
                    "exact_upper": exact.upper,
                    "exact_method": exact.method,
                    "series_error": series - float(mc_mean[i]),
                    "exact_error": exact.value - float(mc_mean[i]),
                }
            )
    return rows


def validity_limits(rows: list[dict[str, Any]], tol: float) -> list[dict[str, Any]]:
    """Per size ``n`` and order ``k``: the largest grid value of ``sigma^2 n`` up to which the
    series is within ``tol`` of the exact engine (whose interval is added to ``tol``) at every grid
    point, and the share of grid points where the exact engine is within 3 standard errors of the
    Monte Carlo (a check of the reference; the Monte Carlo errors are correlated along the grid,
    since one set of matrices serves every ``sigma^2``)."""
    out = []
    for n in sorted({r["n"] for r in rows}):
        for k in ORDERS:
            mine = sorted(
                (r for r in rows if r["n"] == n and r["k"] == k), key=lambda r: r["sigma2_n"]
            )
            limit = 0.0
            for r in mine:
                slack = tol + (r["exact_upper"] - r["exact_lower"]) / 2
                if abs(r["series"] - r["exact"]) > slack:
                    break
                limit = r["sigma2_n"]
            agree = np.mean(
                [
                    abs(r["exact_error"])
                    <= 3 * r["mc_stderr"] + (r["exact_upper"] - r["exact_lower"]) / 2
                    for r in mine
                ]
            )
            out.append(
                {
                    "n": n,
                    "k": k,
                    "tol": tol,
                    "series_valid_up_to_sigma2_n": limit,
                    "exact_within_3se_of_mc": float(agree),
                }
            )
    return out


def plot_group(rows: list[dict[str, Any]], sizes: list[int], path: Any) -> Any:
    import matplotlib.cm as cm

    columns = min(3, len(sizes))
    fig, axes = _common.new_figure((len(sizes) + columns - 1) // columns, columns, sharey=True)
    colors = cm.viridis(np.linspace(0, 0.95, len(ORDERS)))
    for ax, n in zip(axes.flat, sizes, strict=False):
        mine = [r for r in rows if r["n"] == n]
        for k, color in zip(ORDERS, colors, strict=True):
            line = sorted((r for r in mine if r["k"] == k), key=lambda r: r["sigma2_n"])
            x = np.array([r["sigma2_n"] for r in line])
            ax.errorbar(
                x,
                [abs(r["series_error"]) for r in line],
                yerr=[r["mc_stderr"] for r in line],
                color=color,
                lw=0.9,
                elinewidth=0.5,
                capsize=1.5,
                label=f"k={k}",
            )
        ref = sorted((r for r in mine if r["k"] == 1), key=lambda r: r["sigma2_n"])
        x = np.array([r["sigma2_n"] for r in ref])
        ax.plot(x, [abs(r["exact_error"]) for r in ref], "k--", lw=1.4, label="exact engine")
        ax.fill_between(x, 1e-12, [r["mc_stderr"] for r in ref], color="0.8", label="MC ±1 s.e.")
        ax.axvline(0.25, color="r", ls=":", lw=1)  # sigma^2 (sqrt n + sqrt n)^2 = 1
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(1e-7, 1.0)
        ax.set_title(f"W: {n} x {n}, alpha = gamma = 1", fontsize=9)
        ax.set_xlabel("sigma^2 n")
    for ax in axes.flat[len(sizes) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("|Var estimate - Monte Carlo|")
    axes.flat[0].legend(fontsize=6, ncol=2)
    return _common.save_figure_atomic(fig, path)


def main(args: argparse.Namespace) -> int:
    tol = args.tol or (2e-3 if args.quick else 1e-4)
    groups = QUICK_GROUPS if args.quick else PAPER_GROUPS
    points = args.points or (8 if args.quick else 25)
    samples = args.samples or (300 if args.quick else 2000)
    normalized = np.logspace(np.log10(args.min_sigma2_n), np.log10(args.max_sigma2_n), points)
    rng = np.random.default_rng(args.seed)
    sizes = [n for group in groups.values() for n in group]
    progress = _common.Progress("variance_error", len(sizes))
    rows: list[dict[str, Any]] = []
    for n in sizes:
        # fewer dense samples for large n: the per-sample spread of Var[y|W] shrinks like 1/n
        count = samples if n <= 100 else max(200, samples * 100 // n)
        rows.extend(run_size(n, normalized, count, rng, tol))
        progress.step(f"n={n}, {count} Monte Carlo samples")
    out = args.out
    _common.write_csv_atomic(out / "variance_error.csv", rows)
    limits = validity_limits(rows, args.valid_tol)
    _common.write_csv_atomic(out / "series_validity.csv", limits)
    for name, group in groups.items():
        print(plot_group(rows, group, out / f"{name}.png"))
    print(out / "variance_error.csv")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _common.make_parser("variance_error", __doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, help="dense Monte Carlo samples per size")
    parser.add_argument("--points", type=int, help="grid points in sigma^2 n")
    parser.add_argument(
        "--valid-tol",
        type=float,
        default=1e-3,
        help="|series - exact| counted as valid in series_validity.csv",
    )
    parser.add_argument("--min-sigma2-n", type=float, default=1e-3)
    parser.add_argument("--max-sigma2-n", type=float, default=10.0)
    parser.add_argument(
        "--tol", type=float, help="tolerance of the exact engine (default 1e-4; 2e-3 with --quick)"
    )
    return parser


if __name__ == "__main__":
    sys.exit(_common.run_main(main, build_parser()))
