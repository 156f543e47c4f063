"""Slow reference for the Stein operator of :mod:`wishart_moments.engines.stein` (SymPy).

The score identity for ``W ~ W_m^beta(n, Sigma)``, density ``propto det(Lambda)^{beta n/2}
etr(-beta Lambda W / 2)``, ``Lambda = Sigma^{-1}``, gives for a matrix function ``G(Lambda) = E[F]``

    E[F W]_{ik} = n (E[F] Sigma)_{ik} + D(G)_{ik},
    D(G)_{ik} = -sum_j [dG_{ij}/dLambda_{kj} + (alpha - 1) dG_{ij}/dLambda_{jk}]

(``Lambda`` entries treated as independent: for complex Hermitian ``W`` only the first term
appears, ``alpha = 1``; the real symmetric case symmetrises the derivative, which is the second
term with ``alpha = 2``). Here the derivatives are taken literally, ``dSigma = -Sigma dLambda
Sigma``, with SymPy at a concrete ``Sigma``, to check the closed form of ``D`` on
``p_lam(Sigma) Sigma^a`` that the fast engine uses.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy


def basis_element(lam: Sequence[int], a: int, sigma: sympy.Matrix) -> sympy.Matrix:
    """``p_lam(Sigma) Sigma^a``."""
    value = sympy.Integer(1)
    for j in lam:
        value *= (sigma**j).trace()
    return value * sigma**a


def d_operator_reference(
    lam: Sequence[int], a: int, alpha: sympy.Rational, sigma: sympy.Matrix
) -> sympy.Matrix:
    """``D(p_lam Sigma^a)`` at ``sigma`` by explicit first-order perturbation of ``Lambda``."""
    size = sigma.rows
    eps = sympy.Symbol("eps")
    derivative: dict[tuple[int, int], sympy.Matrix] = {}
    for k in range(size):
        for j in range(size):
            unit = sympy.zeros(size, size)
            unit[k, j] = 1
            moved = sigma - eps * sigma * unit * sigma  # Sigma(Lambda + eps E_kj) to first order
            g = basis_element(lam, a, moved)
            derivative[(k, j)] = g.applyfunc(lambda x: sympy.diff(x, eps).subs(eps, 0))
    out = sympy.zeros(size, size)
    for i in range(size):
        for k in range(size):
            total = sympy.Integer(0)
            for j in range(size):
                total += derivative[(k, j)][i, j] + (alpha - 1) * derivative[(j, k)][i, j]
            out[i, k] = -sympy.expand(total)
    return out
