"""The two worked examples of docs/noncentral.md: exact moments and their Monte Carlo checks.

    python3 docs/noncentral_examples.py [--samples 200000]

1. MANOVA: the hypothesis matrix H of a one-way MANOVA (m = 3 responses, g = 4 groups of 5) is
   noncentral Wishart W_3(g - 1, Sigma, Omega), Omega = sum_g n_g (mu_g - mu)(mu_g - mu)^T. The
   Monte Carlo simulates raw observations and forms H from them (not the sampler).
2. Rician MIMO: H = sqrt(K/(K+1)) H_los + sqrt(1/(K+1)) R^(1/2) H_w (4 x 4, K = 3, exponential
   receive correlation rho = 1/2, H_w iid CN(0, 1)); W = H H^* is complex noncentral Wishart with
   n = 4, Sigma = R/(K+1), Omega = K/(K+1) H_los H_los^*. The Monte Carlo draws H directly.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import sympy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import wishart_moments as wm

SEED = 20260607


def _report(name: str, exact: sympy.Expr, values: np.ndarray) -> None:
    mean = values.mean()
    err = values.std(ddof=1) / np.sqrt(len(values))
    print(
        f"  {name:<14} exact {sympy.nsimplify(exact)} = {float(exact):.6g}; Monte Carlo "
        f"{mean:.6g} +- {err:.2g} ({(mean - float(exact)) / err:+.2f} standard errors)"
    )


def manova(samples: int) -> None:
    sigma = sympy.Matrix([[4, 2, 0], [2, 3, 1], [0, 1, 2]])
    means = sympy.Matrix([[0, 0, 0], [1, 0, 1], [2, 1, 0], [1, 1, 1]])  # one row per group
    sizes = [5, 5, 5, 5]
    grand = sum((sizes[g] * means.row(g) for g in range(4)), sympy.zeros(1, 3)) / sum(sizes)
    omega = sum(
        (sizes[g] * (means.row(g) - grand).T * (means.row(g) - grand) for g in range(4)),
        sympy.zeros(3, 3),
    )
    dof = len(sizes) - 1
    exact = {
        "E tr H": wm.moment([1], n=dof, omega=omega.tolist(), cov=sigma.tolist()),
        "E tr H^2": wm.moment([2], n=dof, omega=omega.tolist(), cov=sigma.tolist()),
        "E (tr H)^2": wm.moment([1, 1], n=dof, omega=omega.tolist(), cov=sigma.tolist()),
    }
    print(f"MANOVA: Omega = {omega.tolist()}, n = g - 1 = {dof}")
    n_sym = sympy.Symbol("n")
    print("  E tr H^2 in n:", wm.moment([2], n=n_sym, omega=omega.tolist(), cov=sigma.tolist()))
    rng = np.random.default_rng(SEED)
    root = np.linalg.cholesky(np.array(sigma, dtype=float))
    mu = np.array(means, dtype=float)
    labels = np.repeat(np.arange(4), sizes)
    traces, squares = [], []
    for start in range(0, samples, 20000):
        chunk = min(20000, samples - start)
        y = mu[labels][None] + rng.standard_normal((chunk, len(labels), 3)) @ root.T
        group_means = np.stack([y[:, labels == g].mean(axis=1) for g in range(4)], axis=1)
        d = (group_means - y.mean(axis=1, keepdims=True)) * np.sqrt(sizes)[None, :, None]
        h = np.swapaxes(d, 1, 2) @ d
        traces.append(np.trace(h, axis1=1, axis2=2))
        squares.append(np.einsum("sij,sji->s", h, h))
    tr, tr2 = np.concatenate(traces), np.concatenate(squares)
    _report("E tr H", exact["E tr H"], tr)
    _report("E tr H^2", exact["E tr H^2"], tr2)
    _report("E (tr H)^2", exact["E (tr H)^2"], tr**2)
    var = exact["E (tr H)^2"] - exact["E tr H"] ** 2
    print(f"  Var tr H = {var} (Monte Carlo {tr.var(ddof=1):.6g})")


def rician(samples: int) -> None:
    k_factor = sympy.Integer(3)
    rho = sympy.Rational(1, 2)
    size = 4
    corr = sympy.Matrix(size, size, lambda i, j: rho ** abs(i - j))
    steer = sympy.Matrix([sympy.I**t for t in range(size)])  # ULA, quarter-wavelength phase
    los = steer * steer.H  # rank one line of sight, |entries| = 1
    sigma = corr / (k_factor + 1)
    omega = k_factor / (k_factor + 1) * los * los.H
    n = size
    exact_tr2 = wm.moment([2], n=n, omega=omega.tolist(), cov=sigma.tolist(), beta=2)
    exact_sq = wm.moment([1, 1], n=n, omega=omega.tolist(), cov=sigma.tolist(), beta=2)
    exact_tr = wm.moment([1], n=n, omega=omega.tolist(), cov=sigma.tolist(), beta=2)
    print(f"Rician MIMO 4 x 4, K = {k_factor}, rho = {rho}: E tr W = {exact_tr}")
    expr = wm.moment_expression([2], noncentral=True, cov="general", beta=2)
    print("  E tr W^2 =", expr)
    rng = np.random.default_rng(SEED + 1)
    root = np.linalg.cholesky(np.array(corr, dtype=float))
    hbar = np.sqrt(3 / 4) * np.array(los, dtype=complex)
    tr, tr2 = [], []
    for start in range(0, samples, 50000):
        chunk = min(50000, samples - start)
        hw = rng.standard_normal((chunk, size, size)) + 1j * rng.standard_normal(
            (chunk, size, size)
        )
        h = hbar + np.sqrt(1 / 4) * root @ (hw / np.sqrt(2))
        w = h @ np.swapaxes(h.conj(), 1, 2)
        tr.append(np.trace(w, axis1=1, axis2=2).real)
        tr2.append(np.einsum("sij,sji->s", w, w).real)
    t, t2 = np.concatenate(tr), np.concatenate(tr2)
    _report("E tr W", exact_tr, t)
    _report("E tr W^2", exact_tr2, t2)
    _report("E (tr W)^2", exact_sq, t**2)
    amount = (exact_sq - exact_tr**2) / exact_tr**2
    print(f"  amount of fading Var(tr W)/(E tr W)^2 = {amount} = {float(amount):.6g}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200_000)
    args = parser.parse_args()
    manova(args.samples)
    rician(args.samples)


if __name__ == "__main__":
    main()
