"""Engine ``"auto"``: the cheapest engine whose interval meets the tolerance, in this order.

1. The certified Gauss / Gauss-Radau bracket (``"quadrature"``, 15 nodes) if its half-width is
   within the tolerance.
2. ``min(m, n) = 1``: the closed form (``"exact"``; mpmath, slower for large ``max(m, n)``).
3. The 1/n-corrected Marchenko-Pastur form (``"asymptotic"``) for ``min(m, n) >= 32`` if its error
   estimate is within the tolerance; its interval is intersected with the certified bracket.
4. Otherwise ``"monte_carlo"`` with as many samples as the tolerance needs (3 standard errors),
   capped by a time budget (for ``min(m, n)`` so large that not even two samples fit, the
   certified bracket alone); the interval is 3 standard errors intersected with the certified
   bracket, and if the budget capped the samples the interval is wider than the tolerance and the
   result says so (``meets_tol`` is false). This happens only for small nearly square shapes at
   large ``sigma^2`` (the hard edge).
"""

from __future__ import annotations

import numpy as np

from .asymptotic import asymptotic_h
from .exact import exact_h1
from .monte_carlo import monte_carlo_h
from .quadrature import quadrature_h

ASYMPTOTIC_MIN_SIZE = 32
MAX_SAMPLE_STEPS = 8_000_000  # samples * min(m, n): at most ~0.7 s on a quiet 2-core machine
PER_SAMPLE_STD = 0.4  # bound on p * std of one sample of h_p (measured 0.27..0.35)
DEFAULT_SEED = 0


def auto_h(p: int, q: int, x: float, tol_p: float, seed: int | None) -> dict:
    """Pick an engine for ``h_p(x)`` with target half-width ``tol_p``; returns its fields."""
    lower, upper = (float(v) for v in quadrature_h(p, q, x))
    if (upper - lower) / 2 <= tol_p:
        return dict(
            value=(lower + upper) / 2,
            lower=lower,
            upper=upper,
            method="quadrature",
            meets_tol=True,
            interval="certified (Gauss / Gauss-Radau bracket)",
        )
    if p == 1:
        value = exact_h1(q, x)
        return dict(
            value=value,
            lower=value,
            upper=value,
            method="exact",
            meets_tol=True,
            interval="closed form (double precision)",
        )
    if p >= ASYMPTOTIC_MIN_SIZE:
        value, error = (float(v) for v in asymptotic_h(p, q, x))
        if error <= tol_p:
            value = min(max(value, lower), upper)
            return dict(
                value=value,
                lower=max(value - error, lower),
                upper=min(value + error, upper),
                method="asymptotic",
                meets_tol=True,
                interval="estimate of the neglected O(1/min(m,n)^2) terms, "
                "within the certified quadrature bracket",
            )
    if 2 * p > MAX_SAMPLE_STEPS:  # not even two samples fit the budget: the certified bracket
        return dict(
            value=(lower + upper) / 2,
            lower=lower,
            upper=upper,
            method="quadrature",
            meets_tol=False,
            interval="certified (Gauss / Gauss-Radau bracket); min(m, n) is too large for "
            "Monte Carlo within the time budget",
        )
    wanted = int(np.ceil((3 * PER_SAMPLE_STD / max(p * tol_p, 1e-150)) ** 2))
    samples = max(2, min(max(1000, wanted), MAX_SAMPLE_STEPS // p))
    mean, stderr = monte_carlo_h(p, q, x, samples, DEFAULT_SEED if seed is None else seed)
    value = min(max(mean, lower), upper)
    lo, hi = max(mean - 3 * stderr, lower), min(mean + 3 * stderr, upper)
    return dict(
        value=value,
        lower=lo,
        upper=hi,
        method="monte_carlo",
        samples=samples,
        stderr=stderr,
        meets_tol=(hi - lo) / 2 <= tol_p,
        interval="3 standard errors (99.7% confidence), within the certified quadrature bracket",
    )
