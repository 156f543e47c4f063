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

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from fractions import Fraction
from functools import cache, lru_cache
from typing import Any

from . import _univariate as up
from ._parts import integer_items
from ._parts import partitions_of as _partitions

Partition = tuple[int, ...]
MatrixKey = tuple[int, Partition, int]
Number = Any  # int | Fraction | float

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


# ---------------------------------------------------------------------------------------------
# arguments and partitions


def alpha_of(beta: object) -> Fraction:
    """``alpha = 2 / beta`` as a Fraction; ``beta`` must be a positive rational (int/Fraction)."""
    if isinstance(beta, bool) or not isinstance(beta, (numbers.Rational, float)):
        raise ValueError(f"beta must be a positive rational number, got {beta!r}")
    if isinstance(beta, float):
        if not (math.isfinite(beta) and beta > 0):
            raise ValueError(f"beta must be a positive rational number, got {beta!r}")
        beta = Fraction(beta).limit_denominator(10**6)
    b = Fraction(beta)
    if b <= 0:
        raise ValueError(f"beta must be a positive rational number, got {beta!r}")
    return 2 / b


def normalize_parts(parts: Iterable[object], name: str = "parts") -> Partition:
    """``parts`` as a non-increasing tuple of positive ints (any order in; empty allowed)."""
    if isinstance(parts, (str, bytes)):
        raise ValueError(f"{name} must be a sequence of positive integers, got {parts!r}")
    out = integer_items(
        parts,
        minimum=1,
        not_iterable=f"{name} must be a sequence of positive integers, got {{parts!r}}",
        bad_item=f"{name} must contain positive integers only, got {{p!r}} in {{items!r}}",
    )
    return tuple(sorted(out, reverse=True))


@cache
def _add_part(lam: Partition, s: int) -> Partition:
    return tuple(sorted((*lam, s), reverse=True))


@cache
def _removals(lam: Partition) -> tuple[tuple[int, int, Partition], ...]:
    """``(j, multiplicity of j, lam minus one j)`` for each distinct part ``j`` of ``lam``."""
    out = []
    for j in sorted(set(lam), reverse=True):
        i = lam.index(j)
        out.append((j, lam.count(j), lam[:i] + lam[i + 1 :]))
    return tuple(out)


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


def _check_power(power: object) -> int:
    if isinstance(power, bool) or not isinstance(power, numbers.Integral) or int(power) < 0:
        raise ValueError(f"power must be a non-negative integer, got {power!r}")
    return int(power)


# ---------------------------------------------------------------------------------------------
# evaluation with numbers for the power sums


def evaluate_terms(terms: Mapping, p: Mapping[int, Any] | Any, n: Any = None) -> Any:
    """``sum c n^e p_lam`` for scalar terms ``{(e, lam): c}`` or ``{lam: c}``.

    ``p`` maps ``j -> p_j`` (``p[0]`` is used for ``tr I = m`` where it occurs) or is a callable.
    """
    get = p if callable(p) else p.__getitem__
    cache: dict[Partition, Any] = {}
    total: Any = 0
    for key, c in terms.items():
        e, lam = (
            key if (isinstance(key, tuple) and key and isinstance(key[-1], tuple)) else (0, key)
        )
        if lam not in cache:
            val: Any = 1
            for j in lam:
                val = val * get(j)
            cache[lam] = val
        term = c * cache[lam]
        if e:
            term = term * n**e
        total = total + term
    return total


def evaluate_matrix_terms(
    terms: Mapping, p: Mapping[int, Any] | Any, powers: Mapping[int, Any] | Any, n: Any = None
) -> Any:
    """``sum c n^e p_lam Sigma^a`` with ``powers[a] = Sigma^a`` (any matrix type times scalars).

    Keys ``(e, lam, a)`` or ``(lam, a)``; ``powers`` may be a callable.
    """
    getp = powers if callable(powers) else powers.__getitem__
    by_power: dict[int, dict] = {}
    for key, c in terms.items():
        if len(key) == 3:
            e, lam, a = key
            k2: Any = (e, lam)
        else:
            lam, a = key
            k2 = lam
        by_power.setdefault(a, {})[k2] = c
    result: Any = None
    for a in sorted(by_power):
        scalar = evaluate_terms(by_power[a], p, n)
        part = getp(a) * scalar
        result = part if result is None else result + part
    return result


# ---------------------------------------------------------------------------------------------
# inverse moments E[p_mu(W^{-1}) W^{-r}]


@cache
def _inverse_space(d: int, alpha: Fraction) -> tuple[tuple, dict, tuple]:
    """Basis ``(lam, a)`` (``a >= 1``, ``|lam| + a = d``), its index and the columns of ``K``."""
    basis = tuple((lam, a) for a in range(d, 0, -1) for lam in _partitions(d - a))
    index = {key: i for i, key in enumerate(basis)}
    columns = []
    for lam, a in basis:
        col: dict[int, Fraction] = {}
        if a and alpha != 1:
            col[index[(lam, a)]] = a * (alpha - 1)
        for s in range(1, a):
            i = index[(_add_part(lam, s), a - s)]
            col[i] = col.get(i, Fraction(0)) + 1
        for j, mult, rest in _removals(lam):
            i = index[(rest, a + j)]
            col[i] = col.get(i, Fraction(0)) + alpha * j * mult
        columns.append(tuple((i, c) for i, c in col.items() if c))
    return basis, index, tuple(columns)


def _solve(a: list[list[Any]], b: list[Any]) -> tuple[list[Any], Any]:
    """Solve ``a x = b`` by Gaussian elimination (partial pivoting); also return ``det a``."""
    size = len(b)
    a = [row[:] for row in a]
    b = b[:]
    det: Any = 1
    for col in range(size):
        piv = max(range(col, size), key=lambda r: abs(a[r][col]))
        if a[piv][col] == 0:
            return [], 0
        if piv != col:
            a[col], a[piv] = a[piv], a[col]
            b[col], b[piv] = b[piv], b[col]
            det = -det
        pivot = a[col][col]
        det = det * pivot
        row_c = a[col]
        for r in range(col + 1, size):
            f = a[r][col]
            if f:
                f = f / pivot
                row_r = a[r]
                for k in range(col, size):
                    if row_c[k]:
                        row_r[k] = row_r[k] - f * row_c[k]
                b[r] = b[r] - f * b[col]
    x: list[Any] = [0] * size
    for r in range(size - 1, -1, -1):
        s = b[r]
        row = a[r]
        for k in range(r + 1, size):
            if row[k]:
                s = s - row[k] * x[k]
        x[r] = s / row[r]
    return x, det


def _bareiss_solve(a: list[list[int]], b: list[int]) -> tuple[list[Fraction], int]:
    """Exact solve of the integer system ``a x = b`` (fraction-free Bareiss); also ``det a``."""
    size = len(b)
    rows = [[*row, b[i]] for i, row in enumerate(a)]
    prev, sign = 1, 1
    for k in range(size):
        if rows[k][k] == 0:
            piv = next((r for r in range(k + 1, size) if rows[r][k]), None)
            if piv is None:
                return [], 0
            rows[k], rows[piv] = rows[piv], rows[k]
            sign = -sign
        rk = rows[k]
        akk = rk[k]
        for i in range(k + 1, size):
            ri = rows[i]
            aik = ri[k]
            if aik:
                for j in range(k + 1, size + 1):
                    ri[j] = (akk * ri[j] - aik * rk[j]) // prev
            else:
                for j in range(k + 1, size + 1):
                    ri[j] = (akk * ri[j]) // prev
            ri[k] = 0
        prev = akk
    x = [Fraction(0)] * size
    for r in range(size - 1, -1, -1):
        row = rows[r]
        s = Fraction(row[size])
        for c in range(r + 1, size):
            if row[c]:
                s -= row[c] * x[c]
        x[r] = s / row[r]
    return x, sign * rows[size - 1][size - 1]


def _inverse_step(terms: dict, d: int, alpha: Fraction, u: Any) -> tuple[dict, Any]:
    """Solve ``(u I - K) X = terms * Lambda`` in degree ``d``; return ``(X, det(u I - K))``.

    Exact ``u``: the system is scaled to integers and solved fraction-free; float ``u``: NumPy.
    """
    basis, index, columns = _inverse_space(d, alpha)
    size = len(basis)
    if isinstance(u, float):
        import numpy as np

        mat = np.zeros((size, size))
        for j, col in enumerate(columns):
            for i, c in col:
                mat[i, j] = -float(c)
        mat[np.diag_indices(size)] += u
        rhs = np.zeros(size)
        for (lam, a), c in terms.items():
            rhs[index[(lam, a + 1)]] += c
        det = float(np.linalg.det(mat))
        if det == 0:
            raise ZeroDivisionError(f"n - m = {u} is a pole of the inverse moments of degree {d}")
        x = np.linalg.solve(mat, rhs)
        return {basis[i]: float(v) for i, v in enumerate(x) if v}, det
    u = Fraction(u)
    scale = alpha.denominator * u.denominator  # scale * (u I - K) is an integer matrix
    imat = [[0] * size for _ in range(size)]
    for j, col in enumerate(columns):
        for i, c in col:
            imat[i][j] = -int(c * scale)
    for i in range(size):
        imat[i][i] += int(u * scale)
    rhs_frac = [Fraction(0)] * size
    for (lam, a), c in terms.items():
        rhs_frac[index[(lam, a + 1)]] += c
    common = 1
    for c in rhs_frac:
        common = common * c.denominator // math.gcd(common, c.denominator)
    rhs = [int(c * common) * scale for c in rhs_frac]
    x, det = _bareiss_solve(imat, rhs)
    if det == 0:
        raise ZeroDivisionError(f"n - m = {u} is a pole of the inverse moments of degree {d}")
    return {basis[i]: v / common for i, v in enumerate(x) if v}, Fraction(det, scale**size)


def _inverse_chain(mu: Partition, power: int, alpha: Fraction, u: Any) -> tuple[dict, Any]:
    """``N_power(mu)`` at ``u = n - m`` as ``{(lam, a): c}`` and the product of the step dets."""
    dets: Any = 1
    scalar: dict[Partition, Any] = {(): 1}
    done = 0
    for k in reversed(mu):  # smallest part first
        mat = {(lam, 0): c for lam, c in scalar.items()}
        for step in range(1, k + 1):
            mat, det = _inverse_step(mat, done + step, alpha, u)
            dets = dets * det
        done += k
        scalar = {}
        for (lam, a), c in mat.items():
            key = _add_part(lam, a)
            scalar[key] = scalar.get(key, 0) + c
    mat = {(lam, 0): c for lam, c in scalar.items()}
    for step in range(1, power + 1):
        mat, det = _inverse_step(mat, done + step, alpha, u)
        dets = dets * det
    return mat, dets


def _as_number(u: Any) -> Any:
    if isinstance(u, bool):
        raise ValueError(f"n - m must be a number, got {u!r}")
    if isinstance(u, numbers.Rational):
        return Fraction(u)
    if isinstance(u, (float, numbers.Real)):
        return float(u)
    raise ValueError(f"n - m must be a real number, got {u!r}")


def inverse_matrix_terms_at(
    parts: Iterable[int], power: int, beta: object, u: Any
) -> dict[tuple[Partition, int], Any]:
    """``E[p_mu(W^{-1}) W^{-power}] = sum c q_lam Lambda^a`` at ``u = n - m`` as ``{(lam, a): c}``.

    Exact for rational ``u``, floating point for float ``u``. The existence condition
    ``beta (u + 1) / 2 > |mu| + power`` is the caller's to check (the formula is its analytic
    continuation elsewhere). ``power = 0``: keys ``(lam, 0)`` (the scalar moment times ``I``).
    """
    mu = normalize_parts(parts)
    power = _check_power(power)
    alpha = alpha_of(beta)
    mat, _ = _inverse_chain(mu, power, alpha, _as_number(u))
    return mat


def inverse_moment_terms(parts: Iterable[int], beta: object, u: Any) -> dict[Partition, Any]:
    """``E prod_i tr(W^{-parts_i}) = sum c q_lam`` at ``u = n - m`` as ``{lam: c}``."""
    mat = inverse_matrix_terms_at(parts, 0, beta, u)
    return {lam: c for (lam, _a), c in mat.items()}


# -- exact univariate polynomials (coefficient lists, lowest degree first; products and division
# -- by engines._univariate) ----------------------------------------------------------------------


def _trim(p: list) -> list:
    while p and p[-1] == 0:
        p.pop()
    return p


def _pmul(p: list, q: list) -> list:
    return list(up.mul(p, q))  # type: ignore[arg-type]


def _pdivmod(p: list, q: list) -> tuple[list, list]:
    quot, rem = up.divmod_poly(p, up.trim(q))  # type: ignore[arg-type]
    return list(quot), list(rem)


def _interpolate(xs: list, ys: list) -> list:
    """Coefficients of the polynomial of degree < len(xs) through ``(xs, ys)`` (Newton form)."""
    size = len(xs)
    coef = list(ys)
    for j in range(1, size):
        for i in range(size - 1, j - 1, -1):
            coef[i] = (coef[i] - coef[i - 1]) / (xs[i] - xs[i - j])
    poly: list = [Fraction(coef[-1])]
    for i in range(size - 2, -1, -1):
        shifted = [Fraction(0), *poly]
        for k, c in enumerate(poly):
            shifted[k] -= xs[i] * c
        shifted[0] += coef[i]
        poly = shifted
    return _trim(poly)


def _peval(p: list, x: Any) -> Any:
    acc: Any = 0
    for c in reversed(p):
        acc = acc * x + c
    return acc


class RationalTerms:
    """Terms ``{key: numerator(u)}`` over one common ``denominator(u)``, ``u = n - m``.

    ``numerators[key]`` is a coefficient list (lowest degree first, Fractions);
    ``roots`` lists ``(c, multiplicity)`` with ``denominator = prod (u - c)^mult * rest``.
    """

    def __init__(self, numerators: dict, roots: list[tuple[Fraction, int]], rest: list) -> None:
        self.numerators = numerators
        self.roots = roots
        self.rest = rest

    def denominator(self) -> list:
        poly = list(self.rest)
        for c, mult in self.roots:
            for _ in range(mult):
                poly = _pmul(poly, [-c, Fraction(1)])
        return poly

    def at(self, u: Any) -> dict:
        den = _peval(self.denominator(), u)
        return {k: _peval(p, u) / den for k, p in self.numerators.items()}


@cache
def _charpoly(d: int, alpha: Fraction) -> tuple[Fraction, ...]:
    """``det(u I - K_d)`` by interpolation of exact (fraction-free) determinants at integers."""
    basis, _index, columns = _inverse_space(d, alpha)
    size = len(basis)
    v = alpha.denominator  # v (u I - K_d) is an integer matrix for integer u
    xs, ys = [], []
    for point in range(size + 1):
        mat = [[0] * size for _ in range(size)]
        for j, col in enumerate(columns):
            for i, c in col:
                mat[i][j] = -int(c * v)
        for i in range(size):
            mat[i][i] += point * v
        _, det = _bareiss_solve(mat, [0] * size)
        xs.append(Fraction(point))
        ys.append(Fraction(det, v**size))
    return tuple(_interpolate(xs, ys))


def _root_bound(d: int, alpha: Fraction) -> Fraction:
    """Bound on the eigenvalues of ``K_d``: its largest absolute column sum."""
    _b, _i, columns = _inverse_space(d, alpha)
    return max((sum((abs(c) for _, c in col), Fraction(0)) for col in columns), default=Fraction(0))


def _synthetic_division(p: list, c: Fraction) -> tuple[list, Fraction]:
    """``p = (u - c) q + r``: return ``(q, r)``."""
    if not p:
        return [], Fraction(0)
    out = [Fraction(0)] * (len(p) - 1)
    acc = Fraction(0)
    for i in range(len(p) - 1, 0, -1):
        acc = acc * c + p[i]
        out[i - 1] = acc
    return out, acc * c + p[0]


@cache
def _charpoly_factors(d: int, alpha: Fraction) -> tuple[tuple[tuple[Fraction, int], ...], tuple]:
    """``det(u I - K_d) = prod (u - c)^mult * rest`` with rational roots ``c``.

    Rational eigenvalues lie in ``Z / denominator(alpha)`` (``denominator(alpha) K_d`` is an
    integer matrix) and within the column-sum bound, so a finite scan finds them all.
    """
    poly = list(_charpoly(d, alpha))
    den = alpha.denominator
    lim = int(_root_bound(d, alpha) * den) + 1
    roots = []
    for j in range(-lim, lim + 1):
        c = Fraction(j, den)
        mult = 0
        while len(poly) > 1:
            q, r = _synthetic_division(poly, c)
            if r:
                break
            poly = q
            mult += 1
        if mult:
            roots.append((c, mult))
    return tuple(roots), tuple(poly)


@lru_cache(maxsize=128)
def _inverse_rational(mu: Partition, power: int, alpha: Fraction) -> RationalTerms:
    degrees = list(range(1, sum(mu) + power + 1))
    multiplicity: dict[Fraction, int] = {}
    rests: list[list] = []
    bound = Fraction(0)
    for d in degrees:
        roots, rest = _charpoly_factors(d, alpha)
        for c, mult in roots:
            multiplicity[c] = multiplicity.get(c, 0) + mult
        if len(rest) > 1:
            rests.append(list(rest))
        bound = max(bound, _root_bound(d, alpha))
    # Candidate denominators: every pole with multiplicity at most `level` (level 1 first), the
    # product of the whole chain's determinants last. A candidate is accepted when the numerators
    # interpolated through it reproduce the chain exactly at three further points.
    full = max(multiplicity.values(), default=0)
    values: dict[Fraction, dict] = {}
    start = Fraction(int(bound) + 2)

    def chain_at(x: Fraction) -> dict:
        if x not in values:
            values[x] = _inverse_chain(mu, power, alpha, x)[0]
        return values[x]

    level = 1
    while True:
        last = level >= full
        den = [Fraction(1)]
        for c, mult in multiplicity.items():
            for _ in range(min(mult, level)):
                den = _pmul(den, [-c, Fraction(1)])
        for rest in rests:
            den = _pmul(den, rest)
        npts = max(len(den) - 1, 1)  # numerators den * value have degree < deg(den)
        xs = [start + i for i in range(npts)]
        scaled = [{k: v * _peval(den, x) for k, v in chain_at(x).items()} for x in xs]
        keys = sorted({k for v in scaled for k in v})
        nums = {k: _interpolate(xs, [v.get(k, Fraction(0)) for v in scaled]) for k in keys}
        nums = {k: p for k, p in nums.items() if p}
        if last:
            break
        checks = [start + npts + i for i in range(3)]
        ok = all(
            {k: v for k, v in chain_at(x).items() if v}
            == {k: _peval(p, x) / _peval(den, x) for k, p in nums.items() if _peval(p, x)}
            for x in checks
        )
        if ok:
            break
        level += 1
    multiplicity = {c: min(mult, level) for c, mult in multiplicity.items()}
    # cancel the factors of den that divide every numerator
    roots = []
    for c in sorted(multiplicity):
        mult = multiplicity[c]
        while mult:
            divided = {k: _synthetic_division(p, c) for k, p in nums.items()}
            if any(r for _q, r in divided.values()):
                break
            nums = {k: _trim(q) for k, (q, _r) in divided.items()}
            mult -= 1
        if mult:
            roots.append((c, mult))
    rest_poly = [Fraction(1)]
    for rest in rests:
        divided = {k: _pdivmod(p, rest) for k, p in nums.items()}
        if any(r for _q, r in divided.values()):
            rest_poly = _pmul(rest_poly, rest)
        else:
            nums = {k: q for k, (q, _r) in divided.items()}
    return RationalTerms(nums, roots, rest_poly)


def inverse_matrix_terms(parts: Iterable[int], power: int, beta: object = 1) -> RationalTerms:
    """``E[p_mu(W^{-1}) W^{-power}]`` as rational functions of ``u = n - m`` (exact).

    Keys ``(lam, a)`` mean ``q_lam Lambda^a`` (``a = 0`` for ``power = 0``: the scalar moment).
    """
    mu = normalize_parts(parts)
    power = _check_power(power)
    if not mu and power == 0:
        return RationalTerms({((), 0): [Fraction(1)]}, [], [Fraction(1)])
    return _inverse_rational(mu, power, alpha_of(beta))
