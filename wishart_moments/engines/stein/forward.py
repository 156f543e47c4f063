"""Forward moments ``E[p_mu(W) W^r]`` for any ``Sigma``: the chain
``M_r = n M_{r-1} Sigma + D(M_{r-1})`` on integer terms ``{(e, lam, a): c}``.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from fractions import Fraction
from functools import cache, lru_cache
from typing import Any

from .arguments import (
    MatrixKey,
    Number,
    Partition,
    _add_part,
    _check_power,
    _removals,
    alpha_of,
    normalize_parts,
)

# ---------------------------------------------------------------------------------------------
# forward moments E[p_mu(W) W^r]


@cache
def _forward_transitions(
    lam: Partition, a: int, au: int, av: int
) -> tuple[tuple[Partition, int, int], ...]:
    """``av * D(p_lam Sigma^a)`` as ``(lam', a', integer coefficient)`` (alpha = au/av)."""
    acc: dict[tuple[Partition, int], int] = {}
    for t in range(a):
        key = (_add_part(lam, a - t), t + 1)
        acc[key] = acc.get(key, 0) + av
    if a and au != av:
        key = (lam, a + 1)
        acc[key] = acc.get(key, 0) + a * (au - av)
    for j, mult, rest in _removals(lam):
        key = (rest, a + j + 1)
        acc[key] = acc.get(key, 0) + au * j * mult
    return tuple((k[0], k[1], c) for k, c in acc.items() if c)


def _steps_symbolic(terms: dict[MatrixKey, int], steps: int, au: int, av: int) -> dict:
    """``av^steps`` times ``steps`` applications of ``X -> n X Sigma + D(X)`` (keys with n^e)."""
    for _ in range(steps):
        out: dict[MatrixKey, int] = {}
        get = out.get
        for (e, lam, a), c in terms.items():
            key = (e + 1, lam, a + 1)
            out[key] = get(key, 0) + av * c
            for lam2, a2, w in _forward_transitions(lam, a, au, av):
                key = (e, lam2, a2)
                out[key] = get(key, 0) + w * c
        terms = {k: c for k, c in out.items() if c}
    return terms


def _steps_numeric(terms: dict, steps: int, au: int, av: int, n: Number) -> dict:
    """The same with ``n`` a number: keys ``(lam, a)``."""
    nv = av * n
    for _ in range(steps):
        out: dict[tuple[Partition, int], Number] = {}
        get = out.get
        for (lam, a), c in terms.items():
            key = (lam, a + 1)
            out[key] = get(key, 0) + nv * c
            for lam2, a2, w in _forward_transitions(lam, a, au, av):
                key = (lam2, a2)
                out[key] = get(key, 0) + w * c
        terms = {k: c for k, c in out.items() if c}
    return terms


@lru_cache(maxsize=256)
def _scalar_scaled(mu: Partition, au: int, av: int, n: Number | None) -> tuple[dict, int]:
    """``(terms, s)``: ``E[p_mu(W)] = terms / av^s``, keys ``(e, lam)`` (``lam`` at a number n)."""
    if not mu:
        return ({(0, ()): 1} if n is None else {(): 1}), 0
    k, rest = mu[0], mu[1:]
    low, s = _scalar_scaled(rest, au, av, n)
    if n is None:
        mat = _steps_symbolic({(e, lam, 0): c for (e, lam), c in low.items()}, k, au, av)
        out: dict = {}
        for (e, lam, a), c in mat.items():
            key = (e, _add_part(lam, a))
            out[key] = out.get(key, 0) + c
    else:
        mat = _steps_numeric({(lam, 0): c for lam, c in low.items()}, k, au, av, n)
        out = {}
        for (lam, a), c in mat.items():
            key = _add_part(lam, a)
            out[key] = out.get(key, 0) + c
    return {key: c for key, c in out.items() if c}, s + k


def _unscale(terms: dict, av: int, s: int) -> dict:
    if av == 1 or s == 0:
        return dict(terms)
    scale = av**s
    return {
        k: (c / scale if isinstance(c, float) else Fraction(c, scale)) for k, c in terms.items()
    }


def _forward(mu: Partition, power: int, alpha: Fraction, n: Number | None) -> tuple[dict, int, int]:
    au, av = alpha.numerator, alpha.denominator
    low, s = _scalar_scaled(mu, au, av, n)
    if power == 0:
        return low, s, av
    if n is None:
        mat = _steps_symbolic({(e, lam, 0): c for (e, lam), c in low.items()}, power, au, av)
    else:
        mat = _steps_numeric({(lam, 0): c for lam, c in low.items()}, power, au, av, n)
    return mat, s + power, av


def moment_terms_cov(parts: Iterable[int], beta: object = 1) -> dict[tuple[int, Partition], Any]:
    """``E prod_i tr(W^{parts_i}) = sum c n^e p_lam(Sigma)`` as ``{(e, lam): c}`` (exact)."""
    mu = normalize_parts(parts)
    terms, s, av = _forward(mu, 0, alpha_of(beta), None)
    return _unscale(terms, av, s)


def moment_terms_cov_at(parts: Iterable[int], beta: object, n: Number) -> dict[Partition, Any]:
    """``E prod_i tr(W^{parts_i}) = sum c p_lam(Sigma)`` at a number ``n`` as ``{lam: c}``."""
    mat = matrix_moment_terms_at(parts, 0, beta, n)
    return {lam: c for (lam, _a), c in mat.items()}


def matrix_moment_terms(parts: Iterable[int], power: int, beta: object = 1) -> dict[MatrixKey, Any]:
    """``E[p_mu(W) W^power] = sum c n^e p_lam(Sigma) Sigma^a`` as ``{(e, lam, a): c}`` (exact).

    ``power = 0`` gives the scalar moment times ``Sigma^0 = I`` (keys with ``a = 0``).
    """
    mu = normalize_parts(parts)
    power = _check_power(power)
    alpha = alpha_of(beta)
    terms, s, av = _forward(mu, power, alpha, None)
    if power == 0:
        terms = {(e, lam, 0): c for (e, lam), c in terms.items()}
    return _unscale(terms, av, s)


def matrix_moment_terms_at(
    parts: Iterable[int], power: int, beta: object, n: Number
) -> dict[tuple[Partition, int], Any]:
    """``E[p_mu(W) W^power]`` at a number ``n`` as ``{(lam, a): c}`` (``c p_lam Sigma^a``).

    Exact for int/Fraction ``n``, floating point for float ``n``.
    """
    mu = normalize_parts(parts)
    power = _check_power(power)
    alpha = alpha_of(beta)
    if isinstance(n, numbers.Rational) and not isinstance(n, int):
        n = Fraction(n)
    terms, s, av = _forward(mu, power, alpha, n)
    if power == 0:
        terms = {(lam, 0): c for lam, c in terms.items()}
    return _unscale(terms, av, s)
