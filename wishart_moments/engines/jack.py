"""Jack polynomials at any rational ``alpha`` and the Jack route to beta-Wishart moments.

Conventions (DESIGN section 7): ``X`` is ``m x n`` with iid entries of the field, ``E|x|^2 = 1``,
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

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from fractions import Fraction
from functools import cache
from math import factorial, gcd, lcm, prod
from typing import TYPE_CHECKING, Any

from . import _univariate as up
from ._parts import integer_items
from .zonal import (
    _boxes,
    _dominance_below,
    _gram_schmidt,
    _monomials_in_power_sums,
    _partitions,
    _z,
)

if TYPE_CHECKING:
    import sympy

Partition = tuple[int, ...]

#: Largest degree for which a whole Jack basis is built (the change of basis costs O(p(k)^3)).
MAX_K_JACK = 20

_WHY = " (the exact Jack change of basis costs O(p(k)^3) rational operations)"


# ---------------------------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------------------------


def as_rational(value: object, name: str = "alpha") -> Fraction:
    """``value`` as a positive ``Fraction`` (ints, Fractions, SymPy rationals, ``"1/2"``, floats
    read as their shortest decimal), else ``ValueError``."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a positive rational number, got {value!r}")
    try:
        if isinstance(value, (numbers.Rational, str)):
            out = Fraction(value)  # type: ignore[arg-type]
        elif isinstance(value, float):
            out = Fraction(repr(value))
        elif hasattr(value, "p") and hasattr(value, "q"):  # sympy.Rational
            out = Fraction(int(value.p), int(value.q))  # type: ignore[attr-defined]
        else:
            raise TypeError
    except (TypeError, ValueError, ZeroDivisionError):
        raise ValueError(f"{name} must be a positive rational number, got {value!r}") from None
    if out <= 0:
        raise ValueError(f"{name} must be a positive rational number, got {value!r}")
    return out


def _check_order(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or not 1 <= int(k) <= MAX_K_JACK:
        raise ValueError(f"k must be an integer with 1 <= k <= {MAX_K_JACK}{_WHY}, got {k!r}")
    return int(k)


def check_parts(parts: Iterable[int], *, allow_empty: bool = True) -> Partition:
    """``parts`` (any order) as a partition: positive ints, nonincreasing. Empty = constant 1."""
    raw = integer_items(
        parts,
        minimum=1,
        not_iterable="parts must be a sequence of positive integers, got {parts!r}",
        bad_item="parts must be positive integers, got {parts!r}",
    )
    if not raw and not allow_empty:
        raise ValueError("parts must not be empty")
    out = tuple(sorted((int(p) for p in raw), reverse=True))
    if sum(out) > MAX_K_JACK:
        raise ValueError(f"sum(parts)={sum(out)} is too large: allowed <= {MAX_K_JACK}{_WHY}")
    return out


# ---------------------------------------------------------------------------------------------
# Closed forms
# ---------------------------------------------------------------------------------------------


def hook_product(kappa: Sequence[int], alpha: Any) -> Fraction:
    """``j_kappa = prod_{s in kappa} (alpha a(s) + l(s) + 1)(alpha a(s) + l(s) + alpha)``
    ``= <J_kappa, J_kappa>``."""
    alpha = as_rational(alpha)
    boxes = _boxes(tuple(kappa))
    return prod(
        ((alpha * a + leg + 1) * (alpha * a + leg + alpha) for _, _, a, leg in boxes),
        start=Fraction(1),
    )


def content_polynomial(kappa: Sequence[int], alpha: Any) -> tuple[Fraction, ...]:
    """Coefficients (constant first) of ``[x]_kappa = prod_{(i,j)} (x + alpha(j-1) - (i-1))``."""
    alpha = as_rational(alpha)
    poly: tuple[Fraction, ...] = up.ONE
    for i, j, _, _ in _boxes(tuple(kappa)):
        poly = up.mul(poly, (alpha * (j - 1) - (i - 1), Fraction(1)))
    return poly


def identity_scale(kappa: Sequence[int], alpha: Any) -> Fraction:
    """``alpha^k k! / j_kappa``, so that ``C_kappa(I_m) = identity_scale * [m]_kappa``."""
    alpha = as_rational(alpha)
    k = sum(kappa)
    return alpha**k * factorial(k) / hook_product(kappa, alpha)


# ---------------------------------------------------------------------------------------------
# The Jack basis of degree k
# ---------------------------------------------------------------------------------------------


class JackBasis:
    """All ``C^{(alpha)}_kappa``, ``|kappa| = k``, in the power-sum basis (exact).

    ``partitions``: the partitions of ``k`` in reverse lexicographic order;
    ``jack_in_power(kappa)``: ``{lambda: c}`` with ``C_kappa = sum c p_lambda``;
    ``power_in_jack(mu)``: ``{kappa: a}`` with ``p_mu = sum a C_kappa``.
    """

    def __init__(self, k: int, alpha: Fraction) -> None:
        self.k = k
        self.alpha = alpha
        self.partitions: tuple[Partition, ...] = _partitions(k)
        order = tuple(reversed(self.partitions))  # a linear extension of dominance
        self._order = order
        self._index = {lam: i for i, lam in enumerate(order)}
        below = _dominance_below(order)
        mono = _monomials_in_power_sums(k)
        # <p_lam, p_lam> = z_lam alpha^{l(lam)}, times the common factor q^k (alpha = p/q)
        ap, aq = alpha.numerator, alpha.denominator
        weight = [_z(lam) * ap ** len(lam) * aq ** (k - len(lam)) for lam in order]
        self._weight = [Fraction(w, aq**k) for w in weight]
        jack, norms = _gram_schmidt(mono, weight, below)  # norms: <P, P> times q^k
        scale_num = alpha**k * factorial(k)
        self._jack: dict[Partition, tuple[Fraction, ...]] = {}
        self._norm: dict[Partition, Fraction] = {}
        self._integer_rows: dict[Partition, tuple[list[int], Fraction]] = {}
        for r, kappa in enumerate(order):
            c_prime = prod(
                (alpha * a + leg + alpha for _, _, a, leg in _boxes(kappa)), start=Fraction(1)
            )
            scale = scale_num / c_prime
            num, den = jack[r]
            self._jack[kappa] = tuple(scale * Fraction(x, den) for x in num)
            self._integer_rows[kappa] = (num, scale / den)  # C_kappa = factor * num
            self._norm[kappa] = scale * scale * norms[r] / aq**k

    def jack_in_power(self, kappa: Sequence[int]) -> dict[Partition, Fraction]:
        """``{lambda: c}`` with ``C_kappa = sum_lambda c p_lambda`` (zeros left out)."""
        vec = self._jack[self._key(kappa)]
        return {lam: vec[self._index[lam]] for lam in self.partitions if vec[self._index[lam]]}

    def power_in_jack(self, mu: Sequence[int]) -> dict[Partition, Fraction]:
        """``{kappa: a}`` with ``p_mu = sum_kappa a C_kappa``,
        ``a = <p_mu, C_kappa> / <C_kappa, C_kappa>``."""
        i = self._index[self._key(mu)]
        w = self._weight[i]
        out = {}
        for kappa in self.partitions:
            c = self._jack[kappa][i]
            if c:
                out[kappa] = w * c / self._norm[kappa]
        return out

    def norm(self, kappa: Sequence[int]) -> Fraction:
        """``<C_kappa, C_kappa>`` (computed; equals ``(alpha^k k!)^2 / j_kappa``)."""
        return self._norm[self._key(kappa)]

    def _key(self, kappa: Sequence[int]) -> Partition:
        key = tuple(kappa)
        if key not in self._index:
            raise ValueError(f"{kappa!r} is not a partition of {self.k}")
        return key


@cache
def _basis(k: int, alpha: Fraction) -> JackBasis:
    return JackBasis(k, alpha)


def jack_basis(k: int, alpha: Any) -> JackBasis:
    """The Jack polynomials ``C^{(alpha)}_kappa`` of degree ``k`` (cached per ``(k, alpha)``)."""
    return _basis(_check_order(k), as_rational(alpha))


def _alpha_of_beta(beta: Any) -> Fraction:
    return 2 / as_rational(beta, "beta")


# ---------------------------------------------------------------------------------------------
# Forward moments
# ---------------------------------------------------------------------------------------------


def _pochhammer_weights(mu: Partition, alpha: Fraction) -> list[tuple[Partition, Fraction, tuple]]:
    """``(kappa, a_{mu kappa}, [x]_kappa coefficients)`` for the nonzero ``a_{mu kappa}``."""
    basis = _basis(sum(mu), alpha)
    return [
        (kappa, a, content_polynomial(kappa, alpha)) for kappa, a in basis.power_in_jack(mu).items()
    ]


def moment_terms_cov(parts: Iterable[int], beta: Any) -> dict[tuple[int, Partition], Fraction]:
    """``E prod_i tr(W^{parts_i})`` as ``{(e, lam): coefficient of n^e p_lam(Sigma)}``.

    ``sum_kappa a_{mu kappa} [n]_kappa C_kappa(Sigma)``, exact. Meaningful for beta in {1, 2, 4}
    (for other beta it is the formal continuation in alpha = 2/beta).
    """
    mu = check_parts(parts)
    alpha = _alpha_of_beta(beta)
    if not mu:
        return {(0, ()): Fraction(1)}
    basis = _basis(sum(mu), alpha)
    # sum_kappa (a_kappa factor_kappa [n]_kappa[e]) num_kappa[lam] as one integer product
    weights = []
    for kappa, a, poly in _pochhammer_weights(mu, alpha):
        num, factor = basis._integer_rows[kappa]
        weights.append((num, [a * factor * x for x in poly]))
    den = lcm(*(v.denominator for _, vs in weights for v in vs))
    size, width = len(basis.partitions), sum(mu) + 1
    acc = [[0] * width for _ in range(size)]
    for num, vs in weights:
        ints = [int(v * den) for v in vs]
        for r, x in enumerate(num):
            if x:
                row = acc[r]
                for e, y in enumerate(ints):
                    if y:
                        row[e] += x * y
    order = basis._order
    return {
        (e, order[r]): Fraction(c, den) for r, row in enumerate(acc) for e, c in enumerate(row) if c
    }


def moment_terms(parts: Iterable[int], beta: Any) -> dict[tuple[int, int], Fraction]:
    """``E prod_i tr(S^{parts_i})`` at ``Sigma = I`` as ``{(i, j): coefficient of n^i m^j}``.

    ``sum_kappa a_{mu kappa} [n]_kappa alpha^k k!/j_kappa [m]_kappa``; any rational beta > 0.
    """
    mu = check_parts(parts)
    alpha = _alpha_of_beta(beta)
    if not mu:
        return {(0, 0): Fraction(1)}
    acc: dict[tuple[int, int], Fraction] = {}
    for kappa, a, poly in _pochhammer_weights(mu, alpha):
        w = a * identity_scale(kappa, alpha)
        for i, x in enumerate(poly):
            if x:
                for j, y in enumerate(poly):
                    if y:
                        acc[(i, j)] = acc.get((i, j), Fraction(0)) + w * x * y
    return {ij: acc[ij] for ij in sorted(acc) if acc[ij]}


def _interpolate(xs: list[Fraction], ys: list[Fraction]) -> list[Fraction]:
    """Coefficients (constant first) of the polynomial of degree < len(xs) through the points
    (Newton divided differences, then Horner on the Newton form)."""
    coefs = list(ys)
    size = len(xs)
    for j in range(1, size):
        for i in range(size - 1, j - 1, -1):
            coefs[i] = (coefs[i] - coefs[i - 1]) / (xs[i] - xs[i - j])
    poly: up.Poly = up.trim([coefs[-1]])
    for i in range(size - 2, -1, -1):  # poly = poly * (x - x_i) + c_i
        poly = up.add(up.mul(poly, up.trim([-xs[i], Fraction(1)])), up.trim([coefs[i]]))
    return list(poly)


def moment_terms_general(parts: Iterable[int]) -> dict[tuple[int, int, int], int]:
    """``E prod_i tr(S^{parts_i})`` at ``Sigma = I`` for general ``alpha = 2/beta`` as
    ``{(i, j, l): coefficient of n^i m^j alpha^l}`` (integers), by exact interpolation in alpha.

    The moment is a polynomial of degree ``< k = sum(parts)`` in alpha; it is evaluated at
    ``alpha = 1, ..., k`` through the Jack route and the interpolant is checked at ``alpha = k+1``.
    """
    mu = check_parts(parts)
    if not mu:
        return {(0, 0, 0): 1}
    k = sum(mu)
    points = [Fraction(t) for t in range(1, k + 2)]
    values = [moment_terms(mu, 2 / alpha) for alpha in points]
    keys = sorted(set().union(*values))
    out: dict[tuple[int, int, int], int] = {}
    for key in keys:
        ys = [v.get(key, Fraction(0)) for v in values]
        poly = _interpolate(points[:k], ys[:k])
        check = sum((c * points[k] ** e for e, c in enumerate(poly)), Fraction(0))
        if check != ys[k]:
            raise ArithmeticError(f"degree bound in alpha failed for n^{key[0]} m^{key[1]}")
        for e, c in enumerate(poly):
            if c:
                out[(key[0], key[1], e)] = _as_int(c)
    return out


# ---------------------------------------------------------------------------------------------
# Inverse moments at Sigma = I: loop equations over Q(a)
# ---------------------------------------------------------------------------------------------

# A polynomial in m with coefficients in Z[a] (or Q[a]): a list of a-polynomials, m^0 first. A
# value in Q(a)[m] is such a numerator over one common denominator, a polynomial in a.
MPoly = list[up.IPoly]


def _insert(nu: Partition, *new: int) -> Partition:
    return tuple(sorted((*nu, *new), reverse=True))


def _remove(lam: Partition, part: int) -> Partition:
    out = list(lam)
    out.remove(part)
    return tuple(out)


def _mtrim(p: MPoly) -> MPoly:
    while p and not p[-1]:
        p.pop()
    return p


def loop_equations(degree: int, beta: Fraction, choice: str = "smallest") -> list[tuple]:
    """The loop equations of degree ``degree`` at ``Sigma = I``, one per ``lambda``:
    ``(lambda, {target: (c0, c1)}, (source, shift))`` meaning
    ``sum_target (c0 + c1 a) E q_target = -beta/2 m^shift E q_source``.

    ``choice``: which part ``s`` of ``lambda`` is differentiated (``"smallest"``, ``"largest"``).
    """
    half = beta / 2
    out = []
    for lam in _partitions(degree):
        s = lam[-1] if choice == "smallest" else lam[0]
        nu = _remove(lam, s)
        row: dict[Partition, list[Fraction]] = {lam: [(s - 1) * (1 - half), Fraction(-1)]}
        for j, part in enumerate(nu):
            target = _insert(nu[:j] + nu[j + 1 :], s + part)
            row.setdefault(target, [Fraction(0), Fraction(0)])[0] += part
        for t in range(1, s):
            row.setdefault(_insert(nu, t, s - t), [Fraction(0), Fraction(0)])[0] += half
        source = (nu, 1) if s == 1 else (_insert(nu, s - 1), 0)
        out.append((lam, {t: (c[0], c[1]) for t, c in row.items()}, source))
    return out


def _bareiss_solve(
    matrix: list[list[up.IPoly]], rhs: list[list[up.IPoly]]
) -> tuple[list[list[up.IPoly]], up.IPoly]:
    """``(Y, d)`` with ``matrix @ (Y / d) = rhs`` over ``Z[a]`` (Bareiss fraction-free
    elimination, ``d = +-det``; every division is exact in ``Z[a]``)."""
    size = len(matrix)
    rows = [matrix[r] + rhs[r] for r in range(size)]
    width = len(rows[0])
    prev: up.IPoly = (1,)
    for k in range(size):
        if not rows[k][k]:
            swap = next(r for r in range(k + 1, size) if rows[r][k])
            rows[k], rows[swap] = rows[swap], rows[k]
        piv, pivot_row = rows[k][k], rows[k]
        for i in range(k + 1, size):
            ri = rows[i]
            rik = ri[k]
            for j in range(k + 1, width):
                val = up.imul(ri[j], piv)
                if rik and pivot_row[j]:
                    val = up.isub(val, up.imul(rik, pivot_row[j]))
                ri[j] = up.idiv_exact(val, prev) if val else ()
            ri[k] = ()
        prev = piv
    det = rows[-1][size - 1]
    sol: list[list[up.IPoly]] = [[()] * (width - size) for _ in range(size)]
    for i in range(size - 1, -1, -1):
        for col in range(width - size):
            acc = up.imul(det, rows[i][size + col])
            for j in range(i + 1, size):
                if rows[i][j] and sol[j][col]:
                    acc = up.isub(acc, up.imul(rows[i][j], sol[j][col]))
            sol[i][col] = up.idiv_exact(acc, rows[i][i]) if acc else ()
    return sol, det


def _as_int(x: Fraction) -> int:
    if x.denominator != 1:
        raise ArithmeticError(f"{x} is not an integer")
    return int(x)


def _frac(p: up.Poly | up.IPoly) -> up.Poly:
    return up.trim([Fraction(c) for c in p])


def _hom_eval(p: up.IPoly, u: int, v: int) -> int:
    """``v^deg(p) p(u / v)`` (exact, integers)."""
    acc, vp = 0, 1
    for c in reversed(p):
        acc = acc * u + c * vp
        vp *= v
    return acc


def _div_linear_int(p: up.IPoly, u: int, v: int) -> up.IPoly:
    """``p / (v a - u)`` in ``Z[a]`` (``gcd(u, v) = 1``); ``ArithmeticError`` if not exact."""
    d = len(p) - 1
    quot = [0] * d
    carry = 0  # q_i, from the top: c_{i+1} = v q_i - u q_{i+1}
    for i in range(d - 1, -1, -1):
        num = p[i + 1] + u * carry
        carry, rem = divmod(num, v)
        if rem:
            raise ArithmeticError("inexact division by a linear factor")
        quot[i] = carry
    if p[0] != -u * carry:
        raise ArithmeticError("inexact division by a linear factor")
    return tuple(quot)


def _rational_roots(p: up.IPoly, bound: int) -> tuple[dict[tuple[int, int], int], up.IPoly]:
    """Rational roots ``u/v`` (with multiplicity) of ``p`` with ``|u/v| <= bound`` and ``v`` a
    divisor (``<= 64``) of the leading coefficient, and what is left of ``p`` after dividing them
    out (rational root theorem: ``u`` divides the constant term, ``v`` the leading one)."""
    roots: dict[tuple[int, int], int] = {}
    while len(p) > 1 and p[0] == 0:
        roots[(0, 1)] = roots.get((0, 1), 0) + 1
        p = p[1:]
    for v in range(1, 65):
        if len(p) <= 1:
            break
        if p[-1] % v:
            continue
        for u in range(-bound * v, bound * v + 1):
            if len(p) <= 1:
                break
            if not u or gcd(u, v) != 1 or p[0] % u:
                continue
            while len(p) > 1 and _hom_eval(p, u, v) == 0:
                p = _div_linear_int(p, u, v)
                roots[(u, v)] = roots.get((u, v), 0) + 1
    return roots, p


def _int_content(values: dict[Partition, MPoly], den: up.IPoly) -> int:
    g = 0
    for c in den:
        g = gcd(g, c)
    for p in values.values():
        for x in p:
            for c in x:
                if g == 1:
                    return 1
                g = gcd(g, c)
    return g


@cache
def _inverse_level(
    degree: int, beta: Fraction
) -> tuple[dict[Partition, MPoly], up.IPoly, dict[tuple[int, int], int], up.IPoly]:
    """``(N, D, roots, rest)``: ``E q_lambda = N_lambda(m, a) / D(a)`` for ``|lambda| = degree``,
    integer polynomials; ``D = c prod (v a - u)^e * rest`` with ``roots = {(u, v): e}``. Common
    linear factors of ``D`` and all numerators are cancelled by exact evaluation at the roots."""
    if degree == 0:
        return {(): [(1,)]}, (1,), {}, (1,)
    lower, lower_den, lower_roots, lower_rest = _inverse_level(degree - 1, beta)
    order = tuple(reversed(_partitions(degree)))  # (1^d) first: less fill-in in the elimination
    index = {lam: r for r, lam in enumerate(order)}
    width = degree + 1  # the m-degree of E q_lambda is at most l(lambda)
    eqs = loop_equations(degree, beta)
    scale = lcm(*(c.denominator for _, row, _ in eqs for cs in row.values() for c in cs))
    half = beta / 2
    matrix: list[list[up.IPoly]] = [[()] * len(order) for _ in order]
    rhs: list[list[up.IPoly]] = [[()] * width for _ in order]
    bound = 1
    for lam, row, (source, shift) in eqs:
        r = index[lam]
        gersh = Fraction(0)
        for target, (c0, c1) in row.items():
            matrix[r][index[target]] = up.itrim([_as_int(c0 * scale), _as_int(c1 * scale)])
            gersh += abs(c0)
        bound = max(bound, int(gersh) + 1)  # eigenvalues of C: |a| <= max row sum
        for e, x in enumerate(lower[source]):
            rhs[r][e + shift] = tuple(-half.numerator * c for c in x)
    # E q = (sol / det) * scale / (half.denominator * lower_den)
    sol, det = _bareiss_solve(matrix, rhs)
    values = {lam: [up.iscale(x, scale) for x in _mtrim(list(sol[index[lam]]))] for lam in order}
    den = up.iscale(up.imul(det, lower_den), half.denominator)
    det_roots, det_rest = _rational_roots(up.primitive(det), bound)
    roots = dict(lower_roots)
    for key, e in det_roots.items():
        roots[key] = roots.get(key, 0) + e
    rest = up.imul(lower_rest, det_rest)
    if len(rest) > 1:
        # det(C - a I) can have factors without rational roots (complex eigenvalues of C); in
        # practice they cancel entirely: try that first, else cancel by a gcd over Q
        gi = up.primitive(rest)
        try:
            values = {
                lam: [up.idiv_exact(x, gi) if x else () for x in p] for lam, p in values.items()
            }
            den, rest = up.idiv_exact(den, gi), (1,)
            g = up.ONE
        except ArithmeticError:
            g = up.monic(_frac(rest))
            for p in values.values():
                for x in p:
                    if x and len(g) > 1:
                        g = up.gcd(g, _frac(x))
        if len(g) > 1:
            gi = up.primitive(g)
            values = {
                lam: [up.idiv_exact(x, gi) if x else () for x in p] for lam, p in values.items()
            }
            den, rest = up.idiv_exact(den, gi), up.idiv_exact(rest, gi)
    values, den = _cancel(values, den, roots)
    # keep the multiplicities of the roots still in den (cancelled ones are gone from den)
    remaining = {}
    for (u, v), e in roots.items():
        left, probe = 0, den
        while left < e and len(probe) > 1 and _hom_eval(probe, u, v) == 0:
            probe = _div_linear_int(probe, u, v)
            left += 1
        if left:
            remaining[(u, v)] = left
    roots = remaining
    return values, den, roots, rest


def _inverse_power_moments(degree: int, beta: Fraction) -> tuple[dict[Partition, MPoly], up.IPoly]:
    """``({lambda: N_lambda}, D)``: ``E q_lambda = N_lambda(m, a) / D(a)`` for ``|lambda| = degree``
    at ``Sigma = I``, ``q_r = tr S^{-r}``, ``a = beta(n - m + 1)/2 - 1``: integer polynomials,
    reduced (no common factor of ``D`` and all the ``N_lambda``)."""
    values, den, _, _ = _inverse_level(degree, beta)
    return values, den


def _divide_linear_m(p: MPoly, u: int, v: int) -> MPoly:
    """``p / (v m + u)`` in ``Z[a][m]`` (``gcd(u, v) = 1``, synthetic division in ``m``);
    ``ArithmeticError`` if not exact."""
    if not p:
        return []
    quot: MPoly = [()] * (len(p) - 1)
    carry: up.IPoly = ()  # q_e from the top: p_{e+1} = v q_e + u q_{e+1}
    for e in range(len(p) - 2, -1, -1):
        top = up.isub(p[e + 1], up.iscale(carry, u))
        carry = tuple(c // v for c in top)
        if any(c % v for c in top):
            raise ArithmeticError("E C_kappa(S^{-1}) is not divisible by C_kappa(I_m)")
        quot[e] = carry
    if up.isub(p[0], up.iscale(carry, u)):
        raise ArithmeticError("E C_kappa(S^{-1}) is not divisible by C_kappa(I_m)")
    return quot


def _cancel(
    values: dict[Partition, MPoly], den: up.IPoly, roots: dict[tuple[int, int], int]
) -> tuple[dict[Partition, MPoly], up.IPoly]:
    """Cancel the linear factors ``(v a - u)`` of ``roots`` common to ``den`` and every numerator
    (exact evaluation at ``u / v``), then the integer content; ``den`` gets a positive lead."""
    for (u, v), e in roots.items():
        while e and all(_hom_eval(x, u, v) == 0 for p in values.values() for x in p if x):
            values = {
                lam: [_div_linear_int(x, u, v) if x else () for x in p] for lam, p in values.items()
            }
            den = _div_linear_int(den, u, v)
            e -= 1
    g = _int_content(values, den)
    if den[-1] < 0:
        g = -g
    if g != 1:
        values = {lam: [tuple(c // g for c in x) for x in p] for lam, p in values.items()}
        den = tuple(c // g for c in den)
    return values, den


def _add_scaled(acc: list[list[int]], c: int, poly: Sequence[Sequence[int]]) -> None:
    """``acc += c * poly`` in place, both integer polynomials in two variables (lists of rows)."""
    for e, x in enumerate(poly):
        while len(acc) <= e:
            acc.append([])
        row = acc[e]
        if len(row) < len(x):
            row.extend([0] * (len(x) - len(row)))
        for i, y in enumerate(x):
            row[i] += c * y


@cache
def _inverse_jack_factors(
    k: int, beta: Fraction
) -> tuple[dict[Partition, tuple[MPoly, Fraction]], up.IPoly]:
    """``({kappa: (Q_kappa, s_kappa)}, D)``: ``E C_kappa(W^{-1}) = d_kappa C_kappa(Sigma^{-1})``
    with ``d_kappa = s_kappa Q_kappa(m, a) / D(a)``, ``Q_kappa`` integer, ``|kappa| = k``. The
    division of ``E C_kappa(S^{-1})`` by ``C_kappa(I_m)`` is exact (checked)."""
    alpha = 2 / beta
    basis = _basis(k, alpha)
    moments, den = _inverse_power_moments(k, beta)
    index = basis._index
    out = {}
    for kappa in basis.partitions:
        num, factor = basis._integer_rows[kappa]  # C_kappa = factor * sum num[lam] p_lam
        acc: list[list[int]] = []
        for lam in basis.partitions:
            c = num[index[lam]]
            if c:
                _add_scaled(acc, c, moments[lam])
        qk: MPoly = _mtrim([up.itrim(row) for row in acc])
        scalar = factor / identity_scale(kappa, alpha)
        for i, j, _, _ in _boxes(kappa):  # divide by m + alpha (j-1) - (i-1) = (v m + u) / v
            shift = alpha * (j - 1) - (i - 1)
            qk = _divide_linear_m(qk, shift.numerator, shift.denominator)
            scalar *= shift.denominator
        out[kappa] = (qk, scalar)
    return out, den


def inverse_terms_cov(parts: Iterable[int], beta: Any) -> dict[Partition, tuple[MPoly, up.IPoly]]:
    """``E prod_i tr(W^{-parts_i}) = sum_lam (N_lam / D_lam) q_lam(Sigma)`` as
    ``{lam: (N_lam, D_lam)}``: integer polynomials, ``N_lam`` in ``m`` over ``Z[a]`` (list of
    a-polynomials, ``m^0`` first), ``D_lam`` in ``a = beta(n - m + 1)/2 - 1``, reduced."""
    mu = check_parts(parts)
    beta_q = as_rational(beta, "beta")
    if not mu:
        return {(): ([(1,)], (1,))}
    alpha = 2 / beta_q
    k = sum(mu)
    basis = _basis(k, alpha)
    factors, den = _inverse_jack_factors(k, beta_q)
    roots = _inverse_level(k, beta_q)[2]
    weights: dict[Partition, list[tuple[Fraction, MPoly]]] = {}
    for kappa, a in basis.power_in_jack(mu).items():
        qk, scalar = factors[kappa]
        for lam, c in basis.jack_in_power(kappa).items():
            weights.setdefault(lam, []).append((a * c * scalar, qk))
    out = {}
    for lam in basis.partitions:
        if lam not in weights:
            continue
        common = lcm(*(w.denominator for w, _ in weights[lam]))
        acc: list[list[int]] = []
        for w, qk in weights[lam]:
            _add_scaled(acc, _as_int(w * common), qk)
        num = _mtrim([up.itrim(row) for row in acc])
        if num:
            values, d = _cancel({lam: num}, up.iscale(den, common), roots)
            out[lam] = (values[lam], d)
    return out


def inverse_moment_exists(total: int, n: Any, m: Any, beta: Any) -> bool:
    """Whether ``E prod tr(W^{-parts})`` with ``sum(parts) = total`` is finite:
    ``beta (n - m + 1) / 2 > total``."""
    return as_rational(beta, "beta") * (Fraction(n) - Fraction(m) + 1) / 2 > total


def _sympy_rational(c: Fraction) -> sympy.Rational:
    import sympy

    return sympy.Rational(c.numerator, c.denominator)


def _nm_numerator(num: MPoly, beta: Fraction) -> dict[tuple[int, int], Fraction]:
    """``N(m, a)`` at ``a = b n - b m + (b - 1)``, ``b = beta/2``, as ``{(i, j): c of n^i m^j}``."""
    b = beta / 2
    powers: list[dict[tuple[int, int], Fraction]] = [{(0, 0): Fraction(1)}]
    top = max((len(x) for x in num), default=0)
    for _ in range(1, top):
        last, nxt = powers[-1], {}
        for (i, j), c in last.items():
            for key, f in (((i + 1, j), b), ((i, j + 1), -b), ((i, j), b - 1)):
                if f:
                    nxt[key] = nxt.get(key, Fraction(0)) + c * f
        powers.append(nxt)
    out: dict[tuple[int, int], Fraction] = {}
    for e, x in enumerate(num):
        for i, c in enumerate(x):
            if c:
                for (pn, pm), d in powers[i].items():
                    key = (pn, pm + e)
                    out[key] = out.get(key, Fraction(0)) + c * d
    return {key: c for key, c in out.items() if c}


def _to_sympy(
    num: MPoly, den: up.IPoly, beta: Fraction, roots: dict[tuple[int, int], int]
) -> sympy.Expr:
    """``N(m, a) / D(a)`` at ``a = beta(n - m + 1)/2 - 1``: expanded numerator in ``n, m``,
    denominator as a product of powers of primitive integer polynomials in ``n - m`` (the linear
    factors ``v a - u`` of ``roots`` by trial division; anything left is factored by SymPy)."""
    import sympy

    from ..symbolic import m, n

    coefs = _nm_numerator(num, beta)
    scale_num = Fraction(
        gcd(*(c.numerator for c in coefs.values())), lcm(*(c.denominator for c in coefs.values()))
    )
    numer = sympy.Poly.from_dict(
        {key: int(c / scale_num) for key, c in coefs.items()}, n, m, domain="ZZ"
    ).as_expr()
    rest = tuple(den)
    pieces: list[tuple[up.Poly, int]] = []
    for u, v in sorted(roots):
        e = 0
        while len(rest) > 1 and _hom_eval(rest, u, v) == 0:
            rest, e = _div_linear_int(rest, u, v), e + 1
        if e:
            pieces.append(((Fraction(-u), Fraction(v)), e))
    restf = _frac(rest)
    if len(restf) > 1:  # not covered by the known linear factors (not expected)
        for f in _irreducible_factors(rest):
            e = 0
            while len(restf) > 1:
                quot, rem = up.divmod_poly(restf, f)
                if rem:
                    break
                restf, e = quot, e + 1
            if e:
                pieces.append((f, e))
    rest = restf
    # each factor as a primitive integer polynomial in d = n - m (a = b d + b - 1, b = beta/2)
    b = beta / 2
    shift = up.trim([b - 1, b])
    const = rest[0] / scale_num
    denom = []
    for f, e in pieces:
        in_d: up.Poly = up.ZERO
        for c in reversed(f):  # Horner in a = shift(d)
            in_d = up.add(up.mul(in_d, shift), up.trim([c]))
        prim = up.primitive(in_d)
        const *= (in_d[-1] / prim[-1]) ** e
        denom.append(sympy.Add(*(sympy.Integer(c) * (n - m) ** i for i, c in enumerate(prim))) ** e)
    return numer / (_sympy_rational(const) * sympy.Mul(*denom))


@cache
def _irreducible_factors(den: up.IPoly | up.Poly) -> tuple[up.Poly, ...]:
    """The irreducible factors over Q of ``den`` (SymPy's univariate factorisation), each made
    primitive with positive leading coefficient."""
    import sympy

    t = sympy.Symbol("a")
    poly = sympy.Poly([_sympy_rational(Fraction(c)) for c in reversed(den)], t, domain="QQ")
    out = []
    for f, _ in poly.factor_list()[1]:
        coefs = [Fraction(int(x.p), int(x.q)) for x in reversed(f.all_coeffs())]
        out.append(_frac(up.primitive(coefs)))
    return tuple(out)


def inverse_moment_cov(parts: Iterable[int], beta: Any) -> sympy.Expr:
    """``E prod_i tr(W^{-parts_i})`` as a SymPy expression in ``n, m, q1, q2, ...``
    (``q_j = tr Sigma^{-j}``), through ``E C_kappa(W^{-1}) = d_kappa C_kappa(Sigma^{-1})``.

    Finite iff ``beta (n - m + 1) / 2 > sum(parts)`` (see :func:`inverse_moment_exists`).
    """
    import sympy

    beta_q = as_rational(beta, "beta")
    k = sum(check_parts(parts))
    terms = inverse_terms_cov(parts, beta_q)
    roots = _inverse_level(k, beta_q)[2] if k else {}
    q = {j: sympy.Symbol(f"q{j}", positive=True) for lam in terms for j in lam}
    return sympy.Add(
        *(
            _to_sympy(num, den, beta_q, roots) * sympy.Mul(*(q[j] for j in lam))
            for lam, (num, den) in sorted(terms.items())
        )
    )


def inverse_moment(parts: Iterable[int], beta: Any) -> sympy.Expr:
    """``E prod_i tr(S^{-parts_i})`` at ``Sigma = I``, a rational function of ``n, m``, directly
    from the loop equations."""
    import sympy

    mu = check_parts(parts)
    beta_q = as_rational(beta, "beta")
    if not mu:
        return sympy.Integer(1)
    values, den, roots, _ = _inverse_level(sum(mu), beta_q)
    reduced, d = _cancel({mu: values[mu]}, den, roots)
    return _to_sympy(reduced[mu], d, beta_q, roots)


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
    "moment_terms",
    "moment_terms_cov",
    "moment_terms_general",
]
