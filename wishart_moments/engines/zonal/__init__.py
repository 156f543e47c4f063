"""Zonal polynomials and the third derivation of ``E tr(S^k)``: James' theorem (paper eq. 4-8).

For ``S ~ W_m(n, sigma^2 I_m)`` (``S = W W^T``, ``W`` real ``m x n`` with iid ``N(0, sigma^2)``)
and a partition ``kappa`` of ``k``, James' theorem reads

    E[C_kappa(S)] = 2^k (n/2)_kappa C_kappa(sigma^2 I_m),
    (a)_kappa = prod_i (a - (i-1)/2)_{kappa_i}

and expanding the power sum in the zonal basis,
``tr(S^k) = sum_{|kappa|=k} a_{k,kappa} C_kappa(S)``, gives (eq. 8)

    E tr(S^k) = 2^k sigma^{2k} sum_{|kappa|=k} a_{k,kappa} (n/2)_kappa C_kappa(I_m).

How each piece is computed here, exactly (``fractions.Fraction`` and Python ints):

* ``C_kappa`` is the Jack polynomial with parameter ``alpha = 2`` in the normalisation
  ``sum_{|kappa|=k} C_kappa(X) = (tr X)^k``: ``C_kappa = 2^k k! / c'_kappa * P_kappa`` with
  ``c'_kappa = prod_{boxes} (2 a(s) + l(s) + 2)`` (equivalently ``2^k k! / j_kappa * J_kappa``,
  ``j_kappa = prod (2a + l + 1)(2a + l + 2)``). ``P_kappa = m_kappa + (terms lower in dominance)``
  is obtained by Gram-Schmidt on the monomial symmetric functions, each ``m_kappa`` made
  orthogonal to the ``P_mu`` with ``mu`` below ``kappa`` in dominance order, under the Jack inner
  product ``<p_lambda, p_mu> = delta z_lambda 2^{l(lambda)}`` of the power sums ``p_j = tr X^j``
  (Macdonald, ch. VI.10; orthogonality to the incomparable ``mu`` then holds by the theorem, and
  the tests check it).
* ``a_{k,kappa} = <p_(k), C_kappa> / <C_kappa, C_kappa>`` (the ``C_kappa`` are orthogonal).
* ``C_kappa(I_m)`` in closed form (Muirhead, Thm 7.2.7)::

      C_kappa(I_m) = 2^{2k} k! (m/2)_kappa prod_{i<j} (2 kappa_i - 2 kappa_j - i + j)
                     / prod_i (2 kappa_i + l - i)!,          l = l(kappa).

Both ``2^k (n/2)_kappa`` and ``2^k (m/2)_kappa`` equal
``prod_{(i,j) in kappa} (x + 2(j-1) - (i-1))`` at ``x = n, m``, so every term of eq. 8 is a
rational multiple of a product of integer polynomials.

The cost is dominated by the exact change of basis, ``O(p(k)^3)`` rational operations
(``p(k)`` partitions of ``k``): see :data:`MAX_K_ZONAL`.
"""

from .basis import ALPHA, MAX_K_ZONAL, Partition, check_partition, partitions
from .james import (
    generalized_pochhammer,
    james_expectation,
    trace_zonal_coefficients,
    zonal_at_identity,
    zonal_matrix,
    zonal_terms,
)
from .polynomials import zonal_expansion, zonal_polynomial, zonal_values

__all__ = [
    "ALPHA",
    "MAX_K_ZONAL",
    "Partition",
    "check_partition",
    "generalized_pochhammer",
    "james_expectation",
    "partitions",
    "trace_zonal_coefficients",
    "zonal_at_identity",
    "zonal_expansion",
    "zonal_matrix",
    "zonal_polynomial",
    "zonal_terms",
    "zonal_values",
]
