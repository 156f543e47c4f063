"""Draw docs/figures/variance_engines.png: Var[y] against sigma^2 n, every engine overlaid.

PYTHONPATH=. python3 docs/make_variance_figure.py      (about half a minute)
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from wishart_moments.variance import output_variance

SHAPES = [(3, 5), (16, 16), (64, 256), (512, 512)]
SCALES = np.logspace(-2, 4, 49)  # sigma^2 n
MC_SCALES = np.logspace(-2, 4, 13)
ENGINES = [("series", "C3", "--"), ("asymptotic", "C1", "-."), ("auto", "k", "-")]


def _values(m: int, n: int, method: str, scales: np.ndarray) -> np.ndarray:
    return np.array([output_variance(m, n, s / n, method=method).value for s in scales])


def main() -> None:
    fig, axes = plt.subplots(2, 2, figsize=(10, 7.5), sharex=True)
    for ax, (m, n) in zip(axes.ravel(), SHAPES, strict=True):
        quad = [output_variance(m, n, s / n, method="quadrature") for s in SCALES]
        ax.fill_between(
            SCALES,
            [r.lower for r in quad],
            [r.upper for r in quad],
            color="C0",
            alpha=0.3,
            label="quadrature bracket (Gauss / Radau, 15 nodes)",
        )
        for method, color, style in ENGINES:
            if method == "asymptotic" and min(m, n) == 1:
                continue
            values = _values(m, n, method, SCALES)
            shown = np.where((values > -0.5) & (values < 1.5), values, np.nan)
            ax.plot(SCALES, shown, style, color=color, label=method)
        mc = [
            output_variance(m, n, s / n, method="monte_carlo", samples=4000, seed=1)
            for s in MC_SCALES
        ]
        ax.errorbar(
            MC_SCALES,
            [r.value for r in mc],
            yerr=[3 * r.stderr for r in mc],
            fmt="o",
            ms=3,
            color="C2",
            label="Monte Carlo (4000 samples, 3 s.e.)",
        )
        ax.axhline(min(m, n) / m, color="grey", lw=0.8, ls=":")
        ax.set_xscale("log")
        ax.set_ylim(-0.05, 1.05)
        ax.set_title(f"m = {m}, n = {n}  (alpha = gamma = 1)")
        ax.axvline(1, color="grey", lw=0.5)
        ax.axvline(100, color="grey", lw=0.5)
    for ax in axes[1]:
        ax.set_xlabel("sigma^2 n   (lines at sigma = 1/sqrt(n) and 10/sqrt(n))")
    for ax in axes[:, 0]:
        ax.set_ylabel("Var[y]")
    axes[0, 0].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    target = Path(__file__).resolve().parent / "figures" / "variance_engines.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".png")
    with os.fdopen(fd, "wb") as handle:
        fig.savefig(handle, format="png", dpi=110)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    print(target)


if __name__ == "__main__":
    main()
