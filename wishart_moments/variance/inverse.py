"""The inverse problem: the ``sigma^2`` whose output variance is a given target.

``h_p(x)`` (see :mod:`._common`) increases with ``x = alpha / sigma^2`` from 0 to 1, so
``Var[y] = gamma^2 (1 - h_m)`` decreases in ``x`` from ``gamma^2 p / m`` (never reached) to 0. The
solver works in ``log x`` on a deterministic evaluator: the certified quadrature midpoint where
its bracket is within ``tol``, else the 1/n-corrected Marchenko-Pastur form for
``min(m, n) >= 32``, else Monte Carlo on one fixed set of bidiagonal samples (common random
numbers keep it exactly monotone in ``x``), clipped to the certified bracket. The search is
seeded by the cheap asymptotic form, bracketed, and finished by Illinois regula falsi, so the
expensive evaluator runs a handful of times. Same input, same output. All targets of a grid are
solved together (vectorised).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .._validation import check_positive_int, check_positive_real
from ._common import check_tol, shape
from .asymptotic import asymptotic_h
from .auto import ASYMPTOTIC_MIN_SIZE, DEFAULT_SEED, PER_SAMPLE_STD
from .exact import exact_h1
from .monte_carlo import bidiagonal_squares, resolvent_h
from .quadrature import quadrature_h

SOLVE_SAMPLE_STEPS = 2_000_000
_LOG_X_RANGE = (-60.0, 60.0)  # natural log of x / q
_ITERATIONS = 40


@lru_cache(maxsize=32)
def _fixed_samples(p: int, q: int, samples: int) -> tuple[np.ndarray, np.ndarray]:
    return bidiagonal_squares(p, q, samples, np.random.default_rng(DEFAULT_SEED))


def _deterministic_h(p: int, q: int, x: np.ndarray, tol_p: float) -> np.ndarray:
    """``h_p`` at every ``x`` by the first deterministic engine within ``tol_p``."""
    lower, upper = quadrature_h(p, q, x)
    value = (lower + upper) / 2
    todo = (upper - lower) / 2 > tol_p
    if p == 1:
        value[todo] = [exact_h1(q, float(v)) for v in x[todo]]
        return value
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


def _cheap_h(p: int, q: int, x: np.ndarray) -> np.ndarray:
    """A fast monotone approximation of ``h_p`` that only seeds the search."""
    return np.clip(asymptotic_h(p, q, x)[0], 0.0, 1.0)


def _solve_log_x(p: int, q: int, h_target: np.ndarray, tol_p: float) -> np.ndarray:
    """``log(x / q)`` with ``h_p(x) = h_target`` (vectorised): a seed from the cheap form, a
    bracket around it, then Illinois regula falsi on the deterministic evaluator."""

    def residual(log_x: np.ndarray) -> np.ndarray:
        return _deterministic_h(p, q, q * np.exp(log_x), tol_p) - h_target

    lo = np.full(h_target.shape, _LOG_X_RANGE[0])
    hi = np.full(h_target.shape, _LOG_X_RANGE[1])
    for _ in range(60):  # seed: bisection on the cheap monotone form
        mid = (lo + hi) / 2
        above = _cheap_h(p, q, q * np.exp(mid)) > h_target
        hi, lo = np.where(above, mid, hi), np.where(above, lo, mid)
    seed = (lo + hi) / 2
    step = np.full(seed.shape, 0.25)
    lo, hi = seed - step, seed + step
    f_lo, f_hi = residual(lo), residual(hi)
    while np.any(f_lo > 0) or np.any(f_hi < 0):  # widen until the target is bracketed
        step *= 4
        move_lo, move_hi = f_lo > 0, f_hi < 0
        lo = np.where(move_lo, np.maximum(seed - step, _LOG_X_RANGE[0]), lo)
        hi = np.where(move_hi, np.minimum(seed + step, _LOG_X_RANGE[1]), hi)
        f_lo = np.where(move_lo, residual(lo), f_lo)
        f_hi = np.where(move_hi, residual(hi), f_hi)
        if np.all(step > _LOG_X_RANGE[1]):
            break
    side = np.zeros(seed.shape)
    for _ in range(_ITERATIONS):
        span = f_hi - f_lo
        safe = np.where(span > 0, span, 1.0)
        new = np.where(span > 0, lo - f_lo * (hi - lo) / safe, (lo + hi) / 2)
        new = np.clip(new, lo, hi)
        f_new = residual(new)
        right = f_new > 0  # root to the left of new
        # Illinois: halve the stale end's residual when the same end is kept twice
        f_lo = np.where(right & (side == 1), f_lo / 2, f_lo)
        f_hi = np.where(~right & (side == -1), f_hi / 2, f_hi)
        hi, f_hi = np.where(right, new, hi), np.where(right, f_new, f_hi)
        lo, f_lo = np.where(right, lo, new), np.where(right, f_lo, f_new)
        side = np.where(right, 1, -1)
        if np.all((np.abs(f_new) < tol_p * 1e-3) | (hi - lo < 1e-12)):
            break
    return np.where(np.abs(f_lo) < np.abs(f_hi), lo, hi)


def solve_sigma2_grid(
    m: int,
    n: int,
    targets: np.ndarray | list[float],
    alpha: float = 1.0,
    gamma: float = 1.0,
    tol: float = 1e-4,
) -> np.ndarray:
    """``sigma^2`` for every target variance (array in, array out); see :func:`solve_sigma2`."""
    m, n = check_positive_int(m, "m"), check_positive_int(n, "n")
    alpha, gamma = check_positive_real(alpha, "alpha"), check_positive_real(gamma, "gamma")
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
    x = q * np.exp(_solve_log_x(p, q, h_target, tol_p))
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
    m, n = check_positive_int(m, "m"), check_positive_int(n, "n")
    alpha, gamma = check_positive_real(alpha, "alpha"), check_positive_real(gamma, "gamma")
    return _solve_cached(m, n, float(target), alpha, gamma, check_tol(tol))


@lru_cache(maxsize=1024)
def _solve_cached(m: int, n: int, target: float, alpha: float, gamma: float, tol: float) -> float:
    """Memoised single solve (deterministic, so caching changes nothing but the time)."""
    return float(solve_sigma2_grid(m, n, [target], alpha, gamma, tol)[0])
