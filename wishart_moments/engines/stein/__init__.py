"""Matrix-valued Wishart moments for any covariance by a Stein recursion, exact.

``W = Sigma^{1/2} X X^* Sigma^{1/2}`` (``X`` is ``m x n`` with iid standard entries of the field,
``E|x|^2 = 1``) has density ``propto det(Lambda)^{beta n/2} etr(-beta Lambda W/2)`` in
``Lambda = Sigma^{-1}``. Differentiating ``E[F]`` in ``Lambda`` (the score identity, Stein's lemma
for Gaussian ``X``) gives, for every matrix polynomial ``F`` of ``W`` and ``alpha = 2/beta``,

    E[F W] = n E[F] Sigma + D(E[F]),      D = -alpha * (contracted d/dLambda),

and ``D`` acts on the equivariant basis ``p_lam Sigma^a`` (``p_j = tr Sigma^j``) as

    D(p_lam Sigma^a) = p_lam sum_{t=0}^{a-1} [p_{a-t} Sigma^{t+1} + (alpha-1) Sigma^{a+1}]
                       + alpha sum_{parts j of lam} j p_{lam - j} Sigma^{a+j+1}.

So ``M_r(mu) = E[p_mu(W) W^r]`` follows from ``M_0(mu) = E[p_mu(W)] I`` in ``r`` steps
``M_{r} = n M_{r-1} Sigma + D(M_{r-1})``, and ``E[p_mu(W)] = tr M_k(mu - k)``
(``tr p_lam Sigma^a = p_{lam + a}``): a chain of ``|mu| + r`` steps in all. Terms are dicts
``{(e, lam, a): c}`` meaning ``c n^e p_lam(Sigma) Sigma^a``; every coefficient is an integer for
``beta = 1, 2`` and an integer over ``2^steps`` for ``beta = 4`` (the recursion runs on integers
scaled by the denominator of ``alpha``).

**Inverse moments.** With ``G = H W^{-1}`` and ``H = p_mu(W^{-1}) W^{-(r-1)}`` the same identity
reads ``N_{r-1} Lambda = n N_r + D(N_r) Lambda`` for ``N_r = E[p_mu(W^{-1}) W^{-r}]``, a polynomial
in ``q_j = tr Lambda^j`` and ``Lambda``. On ``q_lam Lambda^a`` (``a >= 1``)

    D(X) Lambda = -m X - K(X),   K(q_lam Lambda^a) = a(alpha-1) q_lam Lambda^a
                                   + sum_{s=1}^{a-1} q_{lam + s} Lambda^{a-s}
                                   + alpha sum_{parts j of lam} j q_{lam - j} Lambda^{a+j},

so ``((n - m) I - K) N_r = N_{r-1} Lambda``: one linear solve per step in the space of
``(lam, a)`` of degree ``|lam| + a = d`` (size ``sum_{j<d} p(j)``), with a constant rational
matrix ``K``. Inverse moments are therefore rational functions of ``u = n - m`` alone; their
denominators are products of ``(u - c)`` over eigenvalues ``c`` of the matrices ``K``. At an exact
(or float) ``u`` the systems are solved directly; for the symbolic form the chain is evaluated at
enough integer points and the numerators interpolated over a candidate denominator (each pole
once, then twice, ...; accepted when three further exact points agree; the product of all the
step determinants is the last, always valid, candidate), common factors then cancelled. They
exist iff ``beta (n - m + 1) / 2 > |mu| + r``.

:mod:`wishart_moments.engines.stein_reference` holds a slow reference (explicit SymPy matrix
derivatives) for the operator ``D``.
"""

from .arguments import alpha_of, normalize_parts
from .evaluation import evaluate_matrix_terms, evaluate_terms
from .forward import (
    matrix_moment_terms,
    matrix_moment_terms_at,
    moment_terms_cov,
    moment_terms_cov_at,
)
from .inverse import inverse_matrix_terms_at, inverse_moment_terms
from .inverse_symbolic import RationalTerms, inverse_matrix_terms

__all__ = [
    "RationalTerms",
    "alpha_of",
    "evaluate_matrix_terms",
    "evaluate_terms",
    "inverse_matrix_terms",
    "inverse_matrix_terms_at",
    "inverse_moment_terms",
    "matrix_moment_terms",
    "matrix_moment_terms_at",
    "moment_terms_cov",
    "moment_terms_cov_at",
    "normalize_parts",
]
