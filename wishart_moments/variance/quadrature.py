"""Engine ``"quadrature"``: certified Gauss / Gauss-Radau bracket from the exact moments.

``mu`` = expected spectral measure of the ``p x p`` Wishart ``S_1`` (``q`` dof), a probability
measure on ``(0, inf)`` with exactly known rational moments. ``f(x) = int dmu(t) / (x + t)`` is a
Stieltjes function: the derivatives of ``t -> 1/(x + t)`` alternate in sign, so by the remainder
formulas

    N-point Gauss rule              <=  f(x)  <=  (N+1)-point Gauss-Radau rule with a node at 0

for every ``x > 0`` and every ``N`` (both converge as ``N`` grows). The recurrence coefficients
come from the moments by the Chebyshev algorithm in exact rational arithmetic (the step is
violently ill-conditioned in floating point); only the final continued fractions are evaluated in
floating point, where they are stable (all partial denominators are positive).

Cost: the moments up to order ``2N + 1`` (milliseconds, cached) and ``O(N)`` per ``x``. Tight for
small ``sigma^2`` and for ``m`` far from ``n``; near the hard edge (``m = n``, large ``sigma^2``)
the Radau weight at 0 keeps the bracket wide, and the bracket says so.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import numpy as np

from .._validation import check_positive_int
from .moments import trace_moments

DEFAULT_NODES = 15  # moments up to order 31: the recursion's cheap range


def _chebyshev(moments: tuple[Fraction, ...], count: int) -> tuple[list[Fraction], list[Fraction]]:
    """Recurrence coefficients ``alpha_0..alpha_{count-1}``, ``beta_0..beta_{count-1}`` (exact).

    Monic orthogonal polynomials ``pi_{k+1} = (t - alpha_k) pi_k - beta_k pi_{k-1}``, with
    ``beta_0 = moments[0]``; needs ``moments[0..2 count - 1]`` (Gautschi's Chebyshev algorithm).
    """
    width = 2 * count
    alpha = [moments[1] / moments[0]]
    beta = [moments[0]]
    sig_prev = [Fraction(0)] * width
    sig = list(moments[:width])
    for k in range(1, count):
        new = [Fraction(0)] * width
        for ell in range(k, width - k):
            new[ell] = sig[ell + 1] - alpha[k - 1] * sig[ell] - beta[k - 1] * sig_prev[ell]
        alpha.append(new[k + 1] / new[k] - sig[k] / sig[k - 1])
        beta.append(new[k] / sig[k - 1])
        sig_prev, sig = sig, new
    return alpha, beta


@lru_cache(maxsize=256)
def jacobi_pair(p: int, q: int, nodes: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Float ``(alpha_gauss, alpha_radau, beta)`` of the ``nodes``-point Gauss rule and the
    ``nodes + 1``-point Radau rule at 0 (``beta`` has ``nodes + 1`` entries, ``beta_0 = 1``)."""
    nodes = check_positive_int(nodes, "nodes")
    alpha, beta = _chebyshev(trace_moments(p, q, 2 * nodes + 1), nodes + 1)
    # Radau: replace alpha_N so that pi_{N+1}(0) = 0; r_k = pi_k(0) / pi_{k-1}(0).
    ratio = -alpha[0]
    for k in range(1, nodes):
        ratio = -alpha[k] - beta[k] / ratio
    radau_last = -beta[nodes] / ratio
    gauss = np.array([float(a) for a in alpha[:nodes]])
    radau = np.array([float(a) for a in alpha[:nodes]] + [float(radau_last)])
    return gauss, radau, np.array([float(b) for b in beta])


def _continued_fraction(x: np.ndarray, diag: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """``beta_0 e_1^T (x I + J)^{-1} e_1`` for the Jacobi matrix ``J`` (diag, sqrt(beta[1:]))."""
    value = x + diag[-1]
    for k in range(len(diag) - 2, -1, -1):
        value = x + diag[k] - beta[k + 1] / value
    return beta[0] / value


def quadrature_h(
    p: int, q: int, x: np.ndarray | float, nodes: int = DEFAULT_NODES
) -> tuple[np.ndarray, np.ndarray]:
    """Certified ``(lower, upper)`` for ``h_p(x) = x f(x)``; vectorised over ``x``."""
    x = np.asarray(x, dtype=float)
    gauss, radau, beta = jacobi_pair(p, q, nodes)
    lower = x * _continued_fraction(x, gauss, beta[:nodes])
    # The Radau matrix is singular (node at 0): at x ~ 1e-16 of the spectrum the last pivot can
    # round to 0; h <= 1 always, so the upper bound is then clipped to 1 (still valid).
    with np.errstate(divide="ignore", invalid="ignore"):
        upper = x * _continued_fraction(x, radau, beta)
    return lower, np.where(np.isfinite(upper), np.minimum(upper, 1.0), 1.0)
