"""The inverse problem: the ``sigma^2`` whose output variance is a given target.

``h_p(x)`` (see :mod:`._common`) increases with ``x = alpha / sigma^2`` from 0 to 1, so
``Var[y] = gamma^2 (1 - h_m)`` decreases in ``x`` from ``gamma^2 p / m`` (never reached) to 0. The
solver bisects in ``log x`` on a deterministic evaluator: the certified quadrature midpoint where
its bracket is within ``tol``, else the 1/n-corrected Marchenko-Pastur form for
``min(m, n) >= 32``, else Monte Carlo on one fixed set of bidiagonal samples (common random
numbers keep it exactly monotone in ``x``), clipped to the certified bracket. Same input, same
output. All targets of a grid are bisected together (vectorised).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from ._common import check_positive, check_size, check_tol, shape
from .asymptotic import asymptotic_h
from .auto import ASYMPTOTIC_MIN_SIZE, DEFAULT_SEED, PER_SAMPLE_STD
from .exact import exact_h1
from .monte_carlo import bidiagonal_squares, resolvent_h
from .quadrature import quadrature_h

SOLVE_SAMPLE_STEPS = 2_000_000
_LOG_X_RANGE = (-60.0, 60.0)  # natural log of x / q
_ITERATIONS = 64


@lru_cache(maxsize=32)
def _fixed_samples(p: int, q: int, samples: int) -> tuple[np.ndarray, np.ndarray]:
    return bidiagonal_squares(p, q, samples, np.random.default_rng(DEFAULT_SEED))


def _deterministic_h(p: int, q: int, x: np.ndarray, tol_p: float) -> np.ndarray:
    """``h_p`` at every ``x`` by the first deterministic engine within ``tol_p``."""
    if p == 1:
        return np.array([exact_h1(q, float(v)) for v in x])
    lower, upper = quadrature_h(p, q, x)
    value = (lower + upper) / 2
    todo = (upper - lower) / 2 > tol_p
    if todo.any() and p >= ASYMPTOTIC_MIN_SIZE:
        asym, error = asymptotic_h(p, q, x[todo])
        good = error <= tol_p
        idx = np.flatnonzero(todo)[good]
        value[idx] = np.clip(asym[good], lower[idx], upper[idx])
        todo[idx] = False
    if todo.any():
        wanted = math.ceil((3 * PER_SAMPLE_STD / (p * tol_p)) ** 2)
        samples = max(1000, min(wanted, SOLVE_SAMPLE_STEPS // p))
        diag2, sub2 = _fixed_samples(p, q, samples)
        for i in np.flatnonzero(todo):
            mc = float(resolvent_h(diag2, sub2, float(x[i])).mean())
            value[i] = min(max(mc, lower[i]), upper[i])
    return value


def solve_sigma2_grid(
    m: int,
    n: int,
    targets: np.ndarray | list[float],
    alpha: float = 1.0,
    gamma: float = 1.0,
    tol: float = 1e-4,
) -> np.ndarray:
    """``sigma^2`` for every target variance (array in, array out); see :func:`solve_sigma2`."""
    m, n = check_size(m, "m"), check_size(n, "n")
    alpha, gamma = check_positive(alpha, "alpha"), check_positive(gamma, "gamma")
    tol = check_tol(tol)
    p, q = shape(m, n)
    sup = gamma**2 * p / m
    t = np.asarray(targets, dtype=float)
    flat = t.ravel()
    bad = ~(np.isfinite(flat) & (flat > 0) & (flat < sup))
    if bad.any():
        raise ValueError(
            f"target variance {float(flat[bad][0])!r} is not reachable for m={m}, n={n}, "
            f"gamma={gamma}: "
            f"allowed 0 < target < gamma^2 min(m, n) / m = {sup!r} (the supremum is never reached)"
        )
    # Var = gamma^2 (1 - ((p h_p) + m - p) / m)  <=>  h_p = 1 - m Var / (p gamma^2)
    h_target = 1.0 - m * flat / (p * gamma**2)
    tol_p = tol / gamma**2 * m / p
    lo = np.full(flat.shape, _LOG_X_RANGE[0])
    hi = np.full(flat.shape, _LOG_X_RANGE[1])
    for _ in range(_ITERATIONS):
        mid = (lo + hi) / 2
        above = _deterministic_h(p, q, q * np.exp(mid), tol_p) > h_target
        hi = np.where(above, mid, hi)
        lo = np.where(above, lo, mid)
    x = q * np.exp((lo + hi) / 2)
    return (alpha / x).reshape(t.shape)


def solve_sigma2(
    m: int, n: int, target: float, alpha: float = 1.0, gamma: float = 1.0, tol: float = 1e-4
) -> float:
    """The ``sigma^2`` with ``Var[y] = target`` (``0 < target < gamma^2 min(m, n) / m``).

    ``tol`` bounds the error of the variance evaluations the bisection runs on (as in
    :func:`output_variance` with ``method="auto"``); deterministic; raises ValueError naming the
    reachable range when the target is outside it.
    """
    if isinstance(target, bool) or not isinstance(target, (int, float, np.floating)):
        raise ValueError(f"target must be a real number, got {target!r}")
    return float(solve_sigma2_grid(m, n, [float(target)], alpha, gamma, tol)[0])
