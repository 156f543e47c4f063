"""Jack polynomials at any rational ``alpha`` and the Jack route to beta-Wishart moments.

Conventions (docs/mathematics.md): ``X`` is ``m x n`` with iid entries of the field, ``E|x|^2 = 1``,
``S = X X^*``, ``W = Sigma^{1/2} S Sigma^{1/2}``, ``alpha = 2 / beta`` (beta = 1 real, 2 complex,
4 quaternion; any ``beta > 0`` at ``Sigma = I``, the beta-Laguerre ensemble).

**Jack polynomials.** ``C_kappa = C^{(alpha)}_kappa`` is normalised by
``sum_{|kappa| = k} C_kappa = p_1^k``: ``C_kappa = alpha^k k! / c'_kappa P_kappa`` with
``c'_kappa = prod_{s in kappa} (alpha a(s) + l(s) + alpha)`` (arm ``a``, leg ``l``), equivalently
``alpha^k k! / j_kappa J_kappa`` with ``j_kappa = prod_s (alpha a + l + 1)(alpha a + l + alpha)``.
``P_kappa = m_kappa + (lower in dominance)`` comes from Gram-Schmidt on the monomial symmetric
functions under ``<p_lambda, p_mu> = delta z_lambda alpha^{l(lambda)}`` (Macdonald VI.10), as in
:mod:`wishart_moments.engines.zonal` (which is the case ``alpha = 2``): vectors in the power-sum
basis held as integer numerators over one denominator, the weights scaled to integers.
``alpha = 1`` gives the Schur functions (``C = k!/H_kappa s_kappa``), ``alpha = 2`` the zonal ones.

**Expectations.** With ``[x]_kappa := prod_{(i, j) in kappa} (x + alpha (j - 1) - (i - 1))``
(``= (2/beta)^k (beta x / 2)^{(alpha)}_kappa``, the generalised Pochhammer symbol)

    E C_kappa(W) = [n]_kappa C_kappa(Sigma),       C_kappa(I_m) = alpha^k k! / j_kappa [m]_kappa.

(At beta = 1 this is James' theorem, at beta = 2 ``E s_kappa(W) = prod (n + c) s_kappa(Sigma)``.)
Expanding ``p_mu = sum_kappa a_{mu kappa} C_kappa`` (``a = <p_mu, C_kappa> / <C_kappa, C_kappa>``)
and ``C_kappa(Sigma)`` back in power sums gives every multi-trace moment for any ``Sigma``.

**Inverse moments.** ``S^{-1}`` is orthogonally / unitarily invariant, so
``E C_kappa(W^{-1}) = d_kappa C_kappa(Sigma^{-1})`` with
``d_kappa = E C_kappa(S^{-1}) / C_kappa(I_m)`` at ``Sigma = I``. ``E C_kappa(S^{-1})`` comes
from the inverse multi-trace moments ``E q_lambda``, ``q_r = tr S^{-r}``, which solve the loop
equations of the eigenvalues ``y = 1/lambda``, whose density is
``prod y^{-a-2-beta(m-1)} e^{-beta/(2y)} |Delta(y)|^beta`` with ``a = beta(n - m + 1)/2 - 1``.
Integrating ``sum_i d/dy_i [y_i^{s+1} f P]`` by parts (``f = q_nu``, ``s >= 1``):

    [(s-1)(1 - beta/2) - a] E[q_s f] + sum_j nu_j E[q_{s+nu_j} f / q_{nu_j}]
        + beta/2 sum_{t=1}^{s-1} E[q_t q_{s-t} f] = -beta/2 E[q_{s-1} f],      q_0 = m.

At each degree this is a linear system ``(C - a I) x = b`` (``C`` constant), solved exactly by
fraction-free (Bareiss) elimination over ``Z[a]`` with polynomials in ``m`` as right-hand sides;
common factors are cancelled at the rational roots of ``det(C - a I)`` (the eigenvalues of ``C``,
found by the rational root theorem inside the Gershgorin bound; a gcd over ``Q`` covers any other
factor). The inverse moment of degree ``k`` is finite iff ``beta (n - m + 1) / 2 > k``
(i.e. ``a + 1 > k``); the expressions are returned regardless and are valid where it exists.
"""

from .basis import (
    MAX_K_JACK,
    JackBasis,
    as_rational,
    check_parts,
    content_polynomial,
    hook_product,
    identity_scale,
    jack_basis,
)
from .forward import moment_terms, moment_terms_cov, moment_terms_general
from .inverse import inverse_moment, inverse_moment_cov, inverse_moment_exists, inverse_terms_cov
from .inverse_at_identity import loop_equations

__all__ = [
    "MAX_K_JACK",
    "JackBasis",
    "as_rational",
    "check_parts",
    "content_polynomial",
    "hook_product",
    "identity_scale",
    "inverse_moment",
    "inverse_moment_cov",
    "inverse_moment_exists",
    "inverse_terms_cov",
    "jack_basis",
    "loop_equations",
    "moment_terms",
    "moment_terms_cov",
    "moment_terms_general",
]
