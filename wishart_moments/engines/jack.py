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

At each degree this is a linear system ``(C - a I) x = b`` (``C`` constant): solved exactly over
``Q(a)`` with polynomials in ``m``. The inverse moment of degree ``k`` is finite iff
``beta (n - m + 1) / 2 > k`` (i.e. ``a + 1 > k``).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from fractions import Fraction
from functools import cache
from math import factorial, gcd, lcm, prod
from operator import mul
from typing import TYPE_CHECKING, Any

from . import _univariate as up
from .zonal import (
    _boxes,
    _dominance_below,
    _partitions,
    _power_sums_in_monomials,
    _reduced,
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
    try:
        raw = list(parts)
    except TypeError:
        raise ValueError(f"parts must be a sequence of positive integers, got {parts!r}") from None
    for p in raw:
        if isinstance(p, bool) or not isinstance(p, numbers.Integral) or p < 1:
            raise ValueError(f"parts must be positive integers, got {parts!r}")
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


@cache
def _monomials_in_power_sums(k: int) -> tuple[tuple[list[int], int], ...]:
    """``m_mu`` in the power-sum basis for every ``mu`` of ``k`` (increasing lexicographic order),
    each as integer numerators over one denominator; independent of alpha, cached.

    Back substitution in ``p_r = sum_{c >= r} L[r][c] m_c`` (``L`` upper triangular in this
    order, so ``m_c`` is supported on the indices ``>= c``: only that slice is updated).
    """
    order = tuple(reversed(_partitions(k)))
    size = len(order)
    index = {lam: i for i, lam in enumerate(order)}
    trans = [[0] * size for _ in range(size)]
    for lam, row in _power_sums_in_monomials(k).items():
        for mu, coef in row.items():
            trans[index[lam]][index[mu]] = coef
    mono: list[tuple[list[int], int]] = [([], 1)] * size
    for r in range(size - 1, -1, -1):
        deps = [(trans[r][c], c) for c in range(r + 1, size) if trans[r][c]]
        den = lcm(1, *(mono[c][1] for _, c in deps))
        num = [0] * size
        num[r] = den
        for coef, c in deps:
            factor = coef * (den // mono[c][1])
            vec = mono[c][0]
            num[c:] = [x - factor * y for x, y in zip(num[c:], vec[c:], strict=True)]
        mono[r] = _reduced(num, den * trans[r][r])
    return tuple(mono)


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
        size = len(order)
        self._index = {lam: i for i, lam in enumerate(order)}
        below = _dominance_below(order)
        mono = _monomials_in_power_sums(k)
        # <p_lam, p_lam> = z_lam alpha^{l(lam)}, times the common factor q^k (alpha = p/q)
        ap, aq = alpha.numerator, alpha.denominator
        weight = [_z(lam) * ap ** len(lam) * aq ** (k - len(lam)) for lam in order]
        self._weight = [Fraction(w, aq**k) for w in weight]
        jack: list[tuple[list[int], int]] = []
        norms: list[Fraction] = []  # <P, P> times q^k
        for r in range(size):
            num_r, den_r = mono[r]
            weighted = [w * x for w, x in zip(weight, num_r, strict=True)]
            steps = []
            for q in below[r]:
                num_q, den_q = jack[q]
                dot = sum(map(mul, weighted, num_q))
                if dot:
                    steps.append((Fraction(dot, den_r * den_q * den_q) / norms[q], q))
            den = lcm(den_r, *(c.denominator for c, _ in steps))
            num = [(den // den_r) * x for x in num_r]
            for c, q in steps:
                factor = c.numerator * (den // c.denominator)
                num = [x - factor * y for x, y in zip(num, jack[q][0], strict=True)]
            num, den = _reduced(num, den)
            jack.append((num, den))
            norms.append(
                Fraction(sum(w * x * x for w, x in zip(weight, num, strict=True)), den * den)
            )
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
    return {ij: c for ij, c in acc.items() if c}


# ---------------------------------------------------------------------------------------------
# Inverse moments at Sigma = I: loop equations over Q(a)
# ---------------------------------------------------------------------------------------------

# A polynomial in m with coefficients in Q[a]: list of a-polynomials, constant (m^0) first. A
# value of Q(a)[m] is such a numerator over one common denominator (a polynomial in a).
MPoly = list[up.Poly]


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


def _exact_div(p: up.Poly, q: up.Poly) -> up.Poly:
    quot, rem = up.divmod_poly(p, q)
    if rem:
        raise ArithmeticError("inexact polynomial division")
    return quot


def _madd_scaled(acc: MPoly, p: MPoly, c: Fraction) -> None:
    """``acc += c p`` in place."""
    while len(acc) < len(p):
        acc.append(up.ZERO)
    for e, x in enumerate(p):
        if x:
            acc[e] = up.add(acc[e], up.scale(x, c))


def loop_equations(degree: int, beta: Fraction, choice: str = "smallest") -> list[tuple]:
    """The loop equations of degree ``degree`` at ``Sigma = I``, one per ``lambda``:
    ``(lambda, {target: (c0, c1)}, (sign, source, shift))`` meaning
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


def _reduce(
    values: dict[Partition, MPoly], den: up.Poly | up.IPoly
) -> tuple[dict[Partition, MPoly], up.IPoly]:
    """``N / den`` with the common factor of ``den`` and every numerator cancelled: rational
    numerators over a primitive integer denominator with positive leading coefficient."""
    g = up.monic(_frac(den))
    for p in values.values():
        for x in p:
            if len(g) == 1:
                break
            if x:
                g = up.gcd(g, _frac(x))
    den_red = up.divmod_poly(_frac(den), g)[0]
    new_den = up.primitive(den_red)
    c = Fraction(new_den[-1]) / den_red[-1]
    out = {
        lam: [up.scale(_exact_div(_frac(x), g), c) if x else up.ZERO for x in p]
        for lam, p in values.items()
    }
    return out, new_den


@cache
def _inverse_power_moments(degree: int, beta: Fraction) -> tuple[dict[Partition, MPoly], up.IPoly]:
    """``({lambda: N_lambda}, D)``: ``E q_lambda = N_lambda(m, a) / D(a)`` for ``|lambda| = degree``
    at ``Sigma = I``, ``q_r = tr S^{-r}``, ``a = beta(n - m + 1)/2 - 1`` (exact, reduced)."""
    if degree == 0:
        return {(): [(Fraction(1),)]}, (1,)
    lower, lower_den = _inverse_power_moments(degree - 1, beta)
    order = _partitions(degree)
    index = {lam: r for r, lam in enumerate(order)}
    width = degree + 1  # the m-degree of E q_lambda is at most l(lambda)
    eqs = loop_equations(degree, beta)
    # clear denominators: equations times `scale`, right-hand sides' numerators times `rscale`
    scale = lcm(*(c.denominator for _, row, _ in eqs for cs in row.values() for c in cs))
    rscale = (beta / 2).denominator * lcm(
        *(c.denominator for p in lower.values() for x in p for c in x)
    )
    matrix: list[list[up.IPoly]] = [[()] * len(order) for _ in order]
    rhs: list[list[up.IPoly]] = [[()] * width for _ in order]
    for lam, row, (source, shift) in eqs:
        r = index[lam]
        for target, (c0, c1) in row.items():
            matrix[r][index[target]] = up.itrim([_as_int(c0 * scale), _as_int(c1 * scale)])
        for e, x in enumerate(lower[source]):
            rhs[r][e + shift] = tuple(_as_int(-beta / 2 * c * rscale) for c in x)
    sol, det = _bareiss_solve(matrix, rhs)
    values = {lam: _mtrim(list(sol[index[lam]])) for lam in order}
    # E q_lambda = (sol / det) * scale / (rscale * lower_den)
    factor = Fraction(scale, rscale)
    values = {lam: [up.scale(_frac(x), factor) for x in p] for lam, p in values.items()}
    return _reduce(values, up.imul(det, lower_den))


def _divide_linear(p: MPoly, c: Fraction) -> MPoly:
    """``p / (m + c)`` in ``Q[a][m]`` (synthetic division); ``ArithmeticError`` if inexact."""
    if not p:
        return []
    quot = [up.ZERO] * (len(p) - 1)
    carry = p[-1]
    for e in range(len(p) - 1, 0, -1):
        quot[e - 1] = carry
        carry = up.sub(p[e - 1], up.scale(carry, c))
    if carry:
        raise ArithmeticError("E C_kappa(S^{-1}) is not divisible by C_kappa(I_m)")
    return quot


@cache
def _inverse_jack_factors(k: int, beta: Fraction) -> tuple[dict[Partition, MPoly], up.Poly]:
    """``({kappa: N_kappa}, D)``: ``E C_kappa(W^{-1}) = (N_kappa / D) C_kappa(Sigma^{-1})``,
    ``|kappa| = k``; the division of ``E C_kappa(S^{-1})`` by ``C_kappa(I_m)`` is checked exact."""
    alpha = 2 / beta
    basis = _basis(k, alpha)
    moments, den = _inverse_power_moments(k, beta)
    out = {}
    for kappa in basis.partitions:
        acc: MPoly = []
        for lam, c in basis.jack_in_power(kappa).items():
            _madd_scaled(acc, moments[lam], c)
        acc = _mtrim(acc)
        for i, j, _, _ in _boxes(kappa):
            acc = _divide_linear(acc, alpha * (j - 1) - (i - 1))
        inv_scale = 1 / identity_scale(kappa, alpha)
        out[kappa] = [up.scale(x, inv_scale) for x in acc]
    return out, den


def inverse_terms_cov(parts: Iterable[int], beta: Any) -> dict[Partition, tuple[MPoly, up.Poly]]:
    """``E prod_i tr(W^{-parts_i}) = sum_lam (N_lam / D_lam) q_lam(Sigma)`` as
    ``{lam: (N_lam, D_lam)}``: ``N_lam`` a polynomial in ``m`` over ``Q[a]`` (list of
    a-polynomials, ``m^0`` first), ``D_lam`` a monic polynomial in ``a = beta(n - m + 1)/2 - 1``."""
    mu = check_parts(parts)
    beta_q = as_rational(beta, "beta")
    if not mu:
        return {(): ([up.ONE], up.ONE)}
    alpha = 2 / beta_q
    basis = _basis(sum(mu), alpha)
    factors, den = _inverse_jack_factors(sum(mu), beta_q)
    acc: dict[Partition, MPoly] = {}
    for kappa, a in basis.power_in_jack(mu).items():
        for lam, c in basis.jack_in_power(kappa).items():
            _madd_scaled(acc.setdefault(lam, []), factors[kappa], a * c)
    out = {}
    for lam, p in acc.items():
        p = _mtrim(p)
        if p:
            values, d = _reduce({lam: p}, den)
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
    num: MPoly, den: up.Poly | up.IPoly, beta: Fraction, known: up.IPoly | None = None
) -> sympy.Expr:
    """``N(m, a) / D(a)`` at ``a = beta(n - m + 1)/2 - 1``: expanded numerator in ``n, m``,
    denominator factored (as a polynomial in ``a``, then substituted)."""
    import sympy

    from ..symbolic import m, n

    coefs = _nm_numerator(num, beta)
    scale_num = Fraction(
        gcd(*(c.numerator for c in coefs.values())), lcm(*(c.denominator for c in coefs.values()))
    )
    numer = sympy.Add(
        *(sympy.Integer(c / scale_num) * n**i * m**j for (i, j), c in sorted(coefs.items()))
    )
    rest = _frac(den)
    pieces = []
    for f in _irreducible_factors(den if known is None else known):
        e = 0
        while len(rest) > 1:
            quot, rem = up.divmod_poly(rest, f)
            if rem:
                break
            rest, e = quot, e + 1
        if e:
            pieces.append((f, e))
    if len(rest) > 1:  # not covered by the known factors (not expected): keep it whole
        pieces.append((rest, 1))
        rest = up.ONE
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
    known = _inverse_jack_factors(k, beta_q)[1] if k else None
    q = {j: sympy.Symbol(f"q{j}", positive=True) for lam in terms for j in lam}
    return sympy.Add(
        *(
            _to_sympy(num, den, beta_q, known) * sympy.Mul(*(q[j] for j in lam))
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
    values, den = _inverse_power_moments(sum(mu), beta_q)
    reduced, d = _reduce({mu: values[mu]}, den)
    return _to_sympy(reduced[mu], d, beta_q, den)


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
]
