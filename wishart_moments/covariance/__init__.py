"""Wishart moments for any covariance: scalar, matrix-valued and inverse, exact or numeric.

``W = Sigma^{1/2} X X^* Sigma^{1/2} ~ W_m^beta(n, Sigma)`` with ``X`` an ``m x n`` matrix of iid
standard real (``beta = 1``), complex (2) or quaternion (4) entries, ``E|x|^2 = 1``, so that
``E W = n Sigma``. With ``p_j = tr Sigma^j`` and ``q_j = tr Sigma^{-j}``:

* ``moment_cov(parts, n=, cov=)``: ``E prod_i tr(W^{parts_i})`` (or ``tr(W^{-parts_i})``);
* ``moment_matrix(parts, power, n=, cov=)``: ``E[prod_i tr(W^{+-parts_i}) W^{+-power}]``;
* ``moment_expression_cov(parts)``: the polynomial in ``n, p1, p2, ...`` (forward) or the rational
  function of ``n - m`` with ``q1, q2, ...`` (inverse); with ``power > 0`` the coefficients of
  ``Sigma^j`` (``Sigma^{-j}``) as ``{j: expr}``;
* ``parse_cov(obj)``: the validated covariance (exact SymPy Matrix or float NumPy array).

Exact input (ints, Fractions, SymPy Rationals; Gaussian rationals for a Hermitian ``Sigma`` with
``beta = 2``) gives exact SymPy numbers; floats are evaluated in floating point. The engines are the
Stein recursion of :mod:`wishart_moments.engines.stein` (forward) and the Jack closed form of
:mod:`wishart_moments.engines.inverse_spectral` (inverse). Inverse moments exist iff
``beta (n - m + 1) / 2 > sum(parts) + power``.

    >>> moment_cov([1], n=5, cov=[[2, 1], [1, 3]])
    25
    >>> moment_expression_cov([1], inverse=True)
    q1/(-m + n - 1)
"""

from .moments import (
    inverse_power_sum_symbol,
    moment_cov,
    moment_expression_cov,
    moment_matrix,
    power_sum_symbol,
)
from .parsing import load_cov_file, parse_cov, parse_cov_text

__all__ = [
    "inverse_power_sum_symbol",
    "load_cov_file",
    "moment_cov",
    "moment_expression_cov",
    "moment_matrix",
    "parse_cov",
    "parse_cov_text",
    "power_sum_symbol",
]
