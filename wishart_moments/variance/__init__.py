"""Output variance of an LDLT layer, ``Var[y] = gamma^2 (1 - (alpha/m) E tr((alpha I + S)^{-1}))``.

``S = W W^T`` with ``W`` an ``m x n`` matrix of iid ``N(0, sigma^2)``. Everything depends on
``x = alpha / sigma^2`` through ``h_m(x) = (x/m) E tr((x I + S_1)^{-1})`` (``S_1`` at
``sigma = 1``): ``Var[y] = gamma^2 (1 - h_m(x))``. ``Var[y]`` rises with ``sigma^2`` towards
``gamma^2 min(m, n) / m``, never reached.

Engines (``method=``): ``"series"`` (the paper's truncated eq. 9), ``"asymptotic"``
(Marchenko-Pastur + real-case 1/n term), ``"quadrature"`` (certified Gauss / Gauss-Radau bracket
from the exact moments), ``"monte_carlo"`` (bidiagonal chi model, O(min(m, n)) a sample),
``"exact"`` (``min(m, n) = 1`` only) and ``"auto"``. This package imports neither SymPy nor Numba.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import limits
from .._validation import check_positive_int, check_positive_real
from ._common import check_tol, lift, shape
from .asymptotic import asymptotic_h
from .auto import auto_h
from .exact import exact_h1
from .inverse import solve_sigma2, solve_sigma2_grid
from .monte_carlo import monte_carlo_h
from .quadrature import DEFAULT_NODES, quadrature_h
from .series import DEFAULT_ORDER, series_h

METHODS = ("auto", "quadrature", "asymptotic", "monte_carlo", "series", "exact")

__all__ = ["METHODS", "VarianceResult", "output_variance", "solve_sigma2", "solve_sigma2_grid"]


@dataclass(frozen=True)
class VarianceResult:
    """``Var[y]`` with an interval ``[lower, upper]``; ``interval`` says what the interval means.

    ``meets_tol`` is false when the engine could not bring the half-width within ``tol``
    (``"auto"`` with a capped Monte Carlo budget, or an engine forced outside its range).
    """

    value: float
    lower: float
    upper: float
    method: str
    interval: str
    meets_tol: bool
    samples: int | None = None
    stderr: float | None = None

    def __str__(self) -> str:
        return (
            f"Var[y] = {self.value:.6f}  in [{self.lower:.6f}, {self.upper:.6f}]  "
            f"method={self.method}  ({self.interval})"
        )


def output_variance(
    m: int,
    n: int,
    sigma2: float,
    alpha: float = 1.0,
    gamma: float = 1.0,
    method: str = "auto",
    tol: float = 1e-4,
    samples: int | None = None,
    seed: int | None = None,
) -> VarianceResult:
    """``Var[y] = gamma^2 (1 - (alpha/m) E tr((alpha I_m + S)^{-1}))``, ``S = W W^T``, ``W_ij ~
    N(0, sigma2)`` (``m x n``), by ``method`` (see :data:`METHODS`); ``tol`` bounds ``|error|``
    of ``Var[y]`` for ``"auto"`` and sets the default sample count of ``"monte_carlo"``.

    ``seed=None``: ``"auto"`` uses a fixed seed (same input, same output); ``"monte_carlo"`` draws
    fresh entropy. Raises ValueError naming any bad argument."""
    m, n = check_positive_int(m, "m"), check_positive_int(n, "n")
    sigma2 = check_positive_real(sigma2, "sigma2")
    alpha, gamma = check_positive_real(alpha, "alpha"), check_positive_real(gamma, "gamma")
    tol = check_tol(tol)
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}: allowed are {', '.join(map(repr, METHODS))}")
    if samples is not None and (
        isinstance(samples, bool) or not isinstance(samples, int) or samples < 2
    ):
        raise ValueError(f"samples must be an integer >= 2, got {samples!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ValueError(f"seed must be a nonnegative integer, got {seed!r}")
    x = alpha / sigma2
    if not (np.isfinite(x) and x > 0):
        raise ValueError(f"alpha / sigma2 = {x!r} is out of floating-point range")
    p, q = shape(m, n)
    tol_p = tol / gamma**2 * m / p  # error on h_p that moves Var[y] by tol
    fields = _engine_h(method, m, n, p, q, x, tol_p, samples, seed)
    g2 = gamma**2
    # Var = g2 (1 - lift(h_p)): decreasing in h_p, so the bounds swap.
    return VarianceResult(
        value=g2 * (1 - lift(fields["value"], m, p)),
        lower=g2 * (1 - lift(fields["upper"], m, p)),
        upper=g2 * (1 - lift(fields["lower"], m, p)),
        method=fields["method"],
        interval=fields["interval"],
        meets_tol=bool(fields["meets_tol"]),
        samples=fields.get("samples"),
        stderr=None if fields.get("stderr") is None else g2 * p / m * fields["stderr"],
    )


def _engine_h(
    method: str,
    m: int,
    n: int,
    p: int,
    q: int,
    x: float,
    tol_p: float,
    samples: int | None,
    seed: int | None,
) -> dict:
    """Fields ``value, lower, upper, method, interval, meets_tol`` for ``h_p(x)``."""
    if method == "auto":
        return auto_h(p, q, x, tol_p, seed)
    if method == "exact":
        if p != 1:
            raise ValueError(f"method 'exact' needs min(m, n) = 1, got m={m}, n={n}")
        value = exact_h1(q, x)
        return dict(
            value=value,
            lower=value,
            upper=value,
            method=method,
            meets_tol=True,
            interval="closed form (double precision)",
        )
    if method == "quadrature":
        lower, upper = (float(v) for v in quadrature_h(p, q, x, DEFAULT_NODES))
        return dict(
            value=(lower + upper) / 2,
            lower=lower,
            upper=upper,
            method=method,
            meets_tol=(upper - lower) / 2 <= tol_p,
            interval=f"certified (Gauss / Gauss-Radau bracket, {DEFAULT_NODES} nodes)",
        )
    if method == "asymptotic":
        value, error = (float(v) for v in asymptotic_h(p, q, x))
        return dict(
            value=value,
            lower=value - error,
            upper=value + error,
            method=method,
            meets_tol=error <= tol_p,
            interval="estimate of the neglected O(1/min(m,n)^2) terms (not certified)",
        )
    if method == "series":
        value, lower, upper = series_h(p, q, x, DEFAULT_ORDER)
        return dict(
            value=value,
            lower=lower,
            upper=upper,
            method=method,
            meets_tol=(upper - lower) / 2 <= tol_p,
            interval=f"certified (partial sums through k={DEFAULT_ORDER} and "
            f"k={DEFAULT_ORDER + 1} bracket a Stieltjes function)",
        )
    # monte_carlo
    if samples is None:
        # 3 standard errors within tol_p (bounded so that a tiny tol cannot overflow)
        samples = max(1000, int(np.ceil((3 * 0.4 / max(p * tol_p, 1e-150)) ** 2)))
    limits.check_order("monte_carlo", samples * p, name="samples x min(m, n)")
    mean, stderr = monte_carlo_h(p, q, x, samples, seed)
    return dict(
        value=mean,
        lower=mean - 3 * stderr,
        upper=mean + 3 * stderr,
        method=method,
        samples=samples,
        stderr=stderr,
        meets_tol=3 * stderr <= tol_p,
        interval="3 standard errors (99.7% confidence)",
    )
