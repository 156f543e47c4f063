"""Output variance against the normalized weight variance (paper figures 4-5, abstract numbers).

Square weights ``W`` (``n x n``), ``alpha = gamma = 1``. Figure 4 puts ``sigma^2 n`` on the x axis
(the ``n`` scaling: ``sigma = c / sqrt(n)`` is ``sigma^2 n = c^2``), figure 5 ``sigma^2 sqrt(n)``
(the ``sqrt(n)`` scaling). Each size is drawn from our exact engine (``output_variance``, method
``auto``, interval within ``--tol``) and, dashed, from the paper's series truncated at ``k = 10``
(what the paper plotted), which leaves [0, 1] beyond its range of validity.

The table evaluates ``Var[y]`` at ``sigma = 1/sqrt(n)`` (He/Kaiming-like, the paper's 0.41) and
``sigma = 10/sqrt(n)`` (the paper's 0.9) for the paper's sizes, for large ``n``, for the
Marchenko-Pastur limit ``n -> infinity`` in closed form (below), and for ``m = 3, n = 5``, the shape
that gives 0.41. For ``m = n -> infinity`` with ``sigma^2 n = c^2`` and ``t = alpha / c^2``:

    Var[y] -> gamma^2 (1 - t G(t)),  t G(t) = (sqrt(t^2 + 4 t) - t) / 2,

``G`` the Stieltjes transform ``int dmu(x) / (x + t)`` of the Marchenko-Pastur law of ratio 1.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

import numpy as np

from . import _common

PAPER_CLAIMS = {1.0: 0.41, 10.0: 0.9}  # abstract and section IV-F
FIGURE_SIZES = [2, 5, 10, 50, 100, 512, 1000]
QUICK_FIGURE_SIZES = [2, 10, 100]
TABLE_SHAPES = (
    [(n, n) for n in (*range(2, 10), *range(10, 100, 10), *range(100, 1000, 100))]
    + [(n, n) for n in (512, 1024, 4096, 10**4, 10**5, 10**6)]
    + [(3, 5), (5, 3)]
)
QUICK_TABLE_SHAPES = [(2, 2), (9, 9), (90, 90), (512, 512), (10**4, 10**4), (3, 5)]


def marchenko_pastur_limit(c: float, alpha: float = 1.0, gamma: float = 1.0) -> float:
    """``lim_{n -> inf} Var[y]`` for square ``W`` with ``sigma = c / sqrt(n)`` (closed form)."""
    t = alpha / c**2
    return gamma**2 * (1.0 - (math.sqrt(t * t + 4.0 * t) - t) / 2.0)


def exact_variance(m: int, n: int, sigma2: float, tol: float) -> Any:
    from wishart_moments.variance import output_variance

    return output_variance(m, n, sigma2, tol=tol, seed=0)


def series_variance(m: int, n: int, sigma2: float, order: int = 10) -> float:
    """The paper's truncated series (eq. 9) through ``k = order``, alpha = gamma = 1."""
    from wishart_moments.variance.series import series_h

    return 1.0 - series_h(m, n, 1.0 / sigma2, order)[0]


def curves(
    sizes: list[int], grid: np.ndarray, tol: float, progress: _common.Progress
) -> list[dict[str, Any]]:
    """Rows ``n, sigma2, sigma2_n, sigma2_sqrt_n, exact (+ interval), series_k10``."""
    rows = []
    for n in sizes:
        for s2n in grid:
            sigma2 = float(s2n) / n
            exact = exact_variance(n, n, sigma2, tol)
            rows.append(
                {
                    "n": n,
                    "sigma2": sigma2,
                    "sigma2_n": float(s2n),
                    "sigma2_sqrt_n": sigma2 * math.sqrt(n),
                    "exact": exact.value,
                    "exact_lower": exact.lower,
                    "exact_upper": exact.upper,
                    "exact_method": exact.method,
                    "series_k10": series_variance(n, n, sigma2),
                }
            )
        progress.step(f"curve n={n}")
    return rows


def table(
    shapes: list[tuple[int, int]], tol: float, progress: _common.Progress
) -> list[dict[str, Any]]:
    """``Var[y]`` at ``sigma = c / sqrt(n)`` for ``c = 1, 10`` for every shape ``(m, n)``."""
    rows = []
    for m, n in shapes:
        row: dict[str, Any] = {"m": m, "n": n}
        for c in PAPER_CLAIMS:
            sigma2 = c * c / n
            exact = exact_variance(m, n, sigma2, tol)
            key = f"c{c:g}"
            row[f"var_{key}"] = exact.value
            row[f"lower_{key}"] = exact.lower
            row[f"upper_{key}"] = exact.upper
            row[f"method_{key}"] = exact.method
            row[f"series_k10_{key}"] = series_variance(m, n, sigma2) if n <= 10**4 else ""
        rows.append(row)
        progress.step(f"table m={m} n={n}")
    rows.append(
        {
            "m": "inf",
            "n": "inf",
            "method_c1": "Marchenko-Pastur closed form",
            "method_c10": "Marchenko-Pastur closed form",
            **{f"var_c{c:g}": marchenko_pastur_limit(c) for c in PAPER_CLAIMS},
        }
    )
    return rows


def plot(rows: list[dict[str, Any]], sizes: list[int], x_key: str, xlabel: str, path: Any) -> Any:
    fig, axes = _common.new_figure(1, 1, figsize=(7.0, 4.5))
    ax = axes[0][0]
    for n in sizes:
        mine = sorted((r for r in rows if r["n"] == n), key=lambda r: r[x_key])
        x = [r[x_key] for r in mine]
        (line,) = ax.plot(x, [r["exact"] for r in mine], label=f"n = {n}")
        series = np.array([r["series_k10"] for r in mine])
        inside = (series >= 0) & (series <= 1)
        ax.plot(np.array(x)[inside], series[inside], "--", color=line.get_color(), lw=0.8)
    ax.plot([], [], "k--", lw=0.8, label="series k=10 (paper), where in [0, 1]")
    ax.axhline(1.0, color="0.5", lw=0.5)
    ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Var[y]  (alpha = gamma = 1, x ~ N(0, I))")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7)
    return _common.save_figure_atomic(fig, path)


def findings(table_rows: list[dict[str, Any]]) -> str:
    """Plain-text comparison with the paper's 0.41 and 0.9."""

    def find(m: Any, n: Any) -> dict[str, Any] | None:
        return next((r for r in table_rows if r["m"] == m and r["n"] == n), None)

    lines = [
        "Paper (abstract, section IV-F): sigma = 1/sqrt(n) gives about 0.41; "
        "sigma = 10/sqrt(n) about 0.9 (alpha = gamma = 1)."
    ]
    for m, n in ((512, 512), (3, 5), ("inf", "inf")):
        row = find(m, n)
        if row is not None:
            lines.append(
                f"Ours, m={m}, n={n}: {row['var_c1']:.4f} at 1/sqrt(n), "
                f"{row['var_c10']:.4f} at 10/sqrt(n)."
            )
    squares = [r for r in table_rows if r["m"] == r["n"] and r["m"] != "inf"]
    if squares:
        values = [r["var_c1"] for r in squares]
        lines.append(
            f"Square sizes {squares[0]['n']}..{squares[-1]['n']}: Var at 1/sqrt(n) "
            f"ranges {min(values):.4f}..{max(values):.4f}; none reaches 0.41 "
            f"(the limit is (3 - sqrt 5)/2 = {marchenko_pastur_limit(1.0):.6f})."
        )
    lines.append(
        "0.41 is the value of a 3 x 5 weight (m = 3 outputs, n = 5 inputs), not of a "
        "square or large layer; 0.9 agrees with large square layers (0.904-0.905)."
    )
    return "\n".join(lines) + "\n"


def main(args: argparse.Namespace) -> int:
    tol = args.tol or (2e-3 if args.quick else 1e-4)
    sizes = QUICK_FIGURE_SIZES if args.quick else FIGURE_SIZES
    shapes = QUICK_TABLE_SHAPES if args.quick else TABLE_SHAPES
    points = args.points or (12 if args.quick else 41)
    grid = np.logspace(-2, 3, points)
    progress = _common.Progress("variance_scaling", len(sizes) + len(shapes))
    rows = curves(sizes, grid, tol, progress)
    table_rows = table(shapes, tol, progress)
    out = args.out
    _common.write_csv_atomic(out / "variance_scaling_curves.csv", rows)
    fields = ["m", "n"] + [
        f"{p}_c{c:g}"
        for c in PAPER_CLAIMS
        for p in ("var", "lower", "upper", "method", "series_k10")
    ]
    _common.write_csv_atomic(out / "variance_table.csv", table_rows, fields)
    text = findings(table_rows)
    _common.write_text_atomic(out / "findings.txt", text)
    print(
        plot(
            rows,
            sizes,
            "sigma2_n",
            "sigma^2 n  (n scaling; sigma = c/sqrt(n) is c^2)",
            out / "fig04_variance_n_scaling.png",
        )
    )
    print(
        plot(
            rows,
            sizes,
            "sigma2_sqrt_n",
            "sigma^2 sqrt(n)  (sqrt(n) scaling)",
            out / "fig05_variance_sqrt_n_scaling.png",
        )
    )
    print(text, end="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _common.make_parser("variance_scaling", __doc__.splitlines()[0])
    parser.add_argument("--points", type=int, help="grid points per curve")
    parser.add_argument(
        "--tol", type=float, help="tolerance of the exact engine (default 1e-4; 2e-3 with --quick)"
    )
    return parser


if __name__ == "__main__":
    sys.exit(_common.run_main(main, build_parser()))
