"""The whole coefficient matrices of Hillier and Kan (the R package wishmom), exact, any beta.

For ``W ~ W_m^beta(n, Sigma)`` (``alpha = 2/beta``), ``Q_k(W)`` lists ``W^r p_lam(W)`` with
``r >= 1``, ``r + |lam| = k`` (``p_j = tr W^j``, ``p_lam = prod p_{lam_i}``), and ``p(W)`` lists
``p_lam(W)`` with ``|lam| = k``. Then

    E Q_k(W)      = C_k Q_k(Sigma)          E p(W)      = H_k p(Sigma)
    E Q_k(W^{-1}) = Ct_k Q_k(Sigma^{-1})    E p(W^{-1}) = Ht_k p(Sigma^{-1})

with ``C_k``, ``H_k`` polynomial in ``n`` and ``Ct_k``, ``Ht_k`` rational in
``nt = n - m + 1 - alpha``; ``D_k`` is the constant matrix of the Stein identity
``Sigma^{-1} E Q_{k+1}(W) = (n I + D_k) E [Q_k(W); p(W) I]``. Rows and columns are listed in the
``index`` / ``partitions`` / ``d_index`` fields: by default wishmom's order (``r = k, ..., 1``,
partitions in reverse lexicographic order), so that ``qk_coeff``, ``wish_ps``, ``dkmap``,
``qkn_coeffr`` and ``iwish_psr`` can be compared entry by entry. See docs/covariance.md.

    >>> cm = coefficient_matrices(2)
    >>> cm.index, cm.partitions
    (((2, ()), (1, (1,))), ((2,), (1, 1)))
    >>> cm.C                      # E W^2 = n(n+1) Sigma^2 + n p1 Sigma, E p1 W = 2n Sigma^2 + ...
    Matrix([
    [n**2 + n,   n],
    [     2*n, n**2]])
    >>> coefficient_matrices(1, inverse=True).C
    Matrix([[1/(-m + n - 1)]])
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np
import sympy

from ._validation import check_beta
from .engines import hillier_kan as hk
from .engines._parts import partitions_of
from .limits import limit
from .symbolic import m as m_symbol
from .symbolic import n as n_symbol

__all__ = ["MAX_K_FORWARD", "MAX_K_INVERSE", "CoefficientMatrices", "coefficient_matrices"]

#: Largest ``k`` for the forward matrices (``C_k`` has ``sum_{j<k} p(j)`` rows: 199 at k = 12).
MAX_K_FORWARD = limit("whole-matrices")  # the limits live in wishart_moments.limits
#: Largest ``k`` for the inverse matrices (exact interpolation through fraction-free solves of
#: growing size: about 3 s at k = 8 and 15 s at k = 9 on a 2-core machine).
MAX_K_INVERSE = limit("whole-matrices-inverse")

ORDERS = ("revlex", "lex")

Partition = tuple[int, ...]
Key = tuple[int, Partition]


def _rational(x: Any) -> sympy.Rational:
    x = Fraction(x)
    return sympy.Rational(x.numerator, x.denominator)


def _polynomial(coefs: Sequence[Any], var: Any) -> sympy.Expr:
    """``sum c_e var^e`` (``coefs`` constant first; each ``c_e`` a number or an expression)."""
    return sympy.Add(*(c * var**e for e, c in enumerate(coefs) if c != 0))


@dataclass(frozen=True)
class CoefficientMatrices:
    """The exact matrices of order ``k`` (see the module docstring).

    ``index``: rows and columns of ``C`` (``(r, lam)`` is ``W^r p_lam``); ``partitions``: rows and
    columns of ``H``; ``d_index``: the columns of ``D`` (``r >= 0``; row ``i`` of ``D`` is ``W``
    times column ``i``). ``variable`` is ``n`` (forward) or ``nt = n - m + 1 - 2/beta`` (inverse):
    :meth:`slices` gives the coefficients in descending powers of it, as wishmom's arrays.
    """

    k: int
    beta: int | Fraction | sympy.Expr
    inverse: bool
    order: str
    index: tuple[Key, ...]
    partitions: tuple[Partition, ...]
    d_index: tuple[Key, ...]
    variable: sympy.Expr
    # name -> (coefficients: object array (rows, cols, powers[, alpha powers]), integer divisor)
    _exact: dict[str, tuple[np.ndarray, int]] = field(repr=False, compare=False)
    _den: tuple[Fraction, ...] = field(repr=False, compare=False)

    @cached_property
    def C(self) -> sympy.Matrix:
        """``C_k`` (polynomials in ``n``) or ``Ct_k`` (rational in ``n, m``)."""
        return self._matrix("C", self.denominator)

    @cached_property
    def H(self) -> sympy.Matrix:
        """``H_k`` or ``Ht_k``."""
        return self._matrix("H", self.denominator)

    @cached_property
    def D(self) -> sympy.Matrix:
        """``D_k``: constant (polynomial in ``1/beta`` for a symbolic beta)."""
        return self._matrix("D", sympy.Integer(1))

    @cached_property
    def C_inverse(self) -> sympy.Matrix | None:
        """``Ct_k^{-1}``, polynomial in ``nt`` (wishmom's ``qkn_coeff``); ``None`` if forward."""
        return self._matrix("C_inverse", sympy.Integer(1)) if self.inverse else None

    @cached_property
    def H_inverse(self) -> sympy.Matrix | None:
        """``Ht_k^{-1}``, polynomial in ``nt`` (wishmom's ``iwish_ps``); ``None`` if forward."""
        return self._matrix("H_inverse", sympy.Integer(1)) if self.inverse else None

    @cached_property
    def denominator(self) -> sympy.Expr:
        """1 (forward) or the common denominator of ``Ct_k`` and ``Ht_k``, a product of factors
        ``(nt + c)``: the lcm over ``kappa |- k`` of ``prod_{(i,j) in kappa} (nt + i - 1 -
        alpha (j - 1))`` (wishmom's ``denpoly``)."""
        if not self.inverse:
            return sympy.Integer(1)
        t = sympy.Dummy("t")
        poly = sympy.Poly(_polynomial([_rational(c) for c in self._den], t), t)
        factors = [
            (f.monic().as_expr().subs(t, self.variable), e) for f, e in poly.factor_list()[1]
        ]
        return sympy.Mul(*(f**e for f, e in factors))  # den is monic: the monic factors

    def denominator_coefficients(self) -> list[sympy.Rational]:
        """The denominator's coefficients in descending powers of ``nt`` down to ``nt^0``
        (wishmom's ``den`` vector stops at the coefficient of ``nt``: it omits the final 0)."""
        return [_rational(c) for c in reversed(self._den)] if self.inverse else [sympy.Integer(1)]

    def slices(self, name: str) -> list[sympy.Matrix]:
        """Exact coefficient matrices of ``name`` in descending powers of :attr:`variable`.

        ``"C"``, ``"H"``: forward ``n^k, ..., n^1`` (wishmom's ``qk_coeff``, ``wish_ps``);
        inverse: the numerators over :meth:`denominator_coefficients`, ``nt^(deg den - k), ...,
        nt^0`` (``qkn_coeffr``, ``iwish_psr``). ``"C_inverse"``, ``"H_inverse"``: ``nt^k, ...,
        nt^1`` (``qkn_coeff``, ``iwish_ps``). ``"D"``: one matrix (``dkmap``).
        """
        if name not in self._exact:
            raise ValueError(f"name must be one of {sorted(self._exact)}, got {name!r}")
        arr, div = self._exact[name]
        low = 0 if name == "D" or (self.inverse and name in ("C", "H")) else 1
        top = arr.shape[2] - 1
        if name == "D":
            low = top = 0
        rows, cols = arr.shape[:2]
        return [
            sympy.Matrix(rows, cols, lambda i, j, e=e: self._coef(arr, div, i, j, e))
            for e in range(top, low - 1, -1)
        ]

    def _coef(self, arr: np.ndarray, div: int, i: int, j: int, e: int) -> sympy.Expr:
        value = arr[i, j, e]
        if arr.ndim == 3:
            return sympy.Rational(value, div)
        alpha = 2 / self.beta  # symbolic beta: powers of alpha on the last axis
        return _polynomial([sympy.Rational(c, div) for c in value], alpha)

    def _matrix(self, name: str, den: sympy.Expr) -> sympy.Matrix:
        arr, div = self._exact[name]
        var = self.variable
        alpha = 2 / self.beta if arr.ndim == 4 else None

        def entry(i: int, j: int) -> sympy.Expr:
            coefs = arr[i, j]
            if alpha is None:
                num = _polynomial([sympy.Rational(c, div) for c in coefs], var)
            else:
                num = _polynomial(
                    [_polynomial([sympy.Rational(c, div) for c in row], alpha) for row in coefs],
                    var,
                )
            return sympy.expand(num) / den if num != 0 else sympy.Integer(0)

        return sympy.Matrix(arr.shape[0], arr.shape[1], entry)


def _check_k(k: object, inverse: bool) -> int:
    limit = MAX_K_INVERSE if inverse else MAX_K_FORWARD
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or not 1 <= int(k) <= limit:
        kind = "inverse" if inverse else "forward"
        raise ValueError(
            f"k must be an integer with 1 <= k <= {limit} for the {kind} matrices (exact "
            f"matrices of size sum_{{j<k}} p(j), growing fast), got {k!r}"
        )
    return int(k)


def _check_beta(beta: object, inverse: bool) -> int | Fraction | sympy.Expr:
    if beta is None:
        from .moments import BETA

        beta = BETA
    if isinstance(beta, sympy.Basic) and beta.free_symbols:
        if inverse:
            raise ValueError(
                "the inverse matrices need an exact rational beta (they are rational functions "
                f"of n - m + 1 - 2/beta); got the symbolic beta {beta}"
            )
        return beta
    return check_beta(beta)


def _reorder(arr: np.ndarray, order: str) -> np.ndarray:
    return arr[::-1, ::-1] if order == "lex" else arr


def _alpha_interpolated(k: int) -> dict[str, tuple[np.ndarray, int]]:
    """Forward matrices with ``alpha`` symbolic: exact interpolation through ``alpha = 1..k``
    (``C_k``, ``H_k`` have degree ``< k`` in ``alpha``; ``D_k`` is affine in ``alpha``)."""
    xs = list(range(1, k + 1))
    out = {}
    for which, name in enumerate(("C", "H")):
        values = [hk.forward_matrices(k, Fraction(x))[which] for x in xs]
        out[name] = hk.interpolate(values, xs)
    d0, d1 = (_dense_d(k, Fraction(x)) for x in (0, 1))
    out["D"] = (np.stack([d0[0], d1[0] - d0[0]], axis=-1), d0[1])
    return out


def _dense_d(k: int, alpha: Fraction) -> tuple[np.ndarray, int]:
    rows = hk.d_matrix(k, alpha)
    v = alpha.denominator
    arr = np.zeros((len(rows), len(rows), 1), dtype=object)
    for i, row in enumerate(rows):
        for j, value in row:
            arr[i, j, 0] = int(value * v)
    return arr, v


def coefficient_matrices(
    k: int, *, beta: Any = 1, inverse: bool = False, order: str = "revlex"
) -> CoefficientMatrices:
    """The exact matrices ``C_k``, ``H_k``, ``D_k`` (or ``Ct_k``, ``Ht_k`` and their polynomial
    inverses with ``inverse=True``) of ``W ~ W_m^beta(n, Sigma)``.

    ``beta``: any exact rational ``> 0`` (1 real, 2 complex, 4 quaternion; others the
    beta-Wishart); ``None`` or a SymPy symbol for the forward matrices as polynomials in ``1/beta``.
    ``order``: ``"revlex"`` (wishmom's: ``r = k..1``, partitions in reverse lexicographic order)
    or ``"lex"`` (the same lists reversed). ``1 <= k <= MAX_K_FORWARD`` (``MAX_K_INVERSE``).
    """
    inverse = bool(inverse)
    k = _check_k(k, inverse)
    beta_value = _check_beta(beta, inverse)
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, got {order!r}")
    if isinstance(beta_value, sympy.Basic):
        exact = _alpha_interpolated(k)
        alpha = None
    else:
        alpha = 2 / Fraction(beta_value)
        exact = {"D": _dense_d(k, alpha)}
        if inverse:
            (nc, d), (nh, e), den = hk.inverse_matrices(k, alpha)
            (mc, dm), (mh, em) = hk.inverse_polynomial_matrices(k, alpha)
            exact.update({"C": (nc, d), "H": (nh, e), "C_inverse": (mc, dm), "H_inverse": (mh, em)})
        else:
            (c, d), (h, e) = hk.forward_matrices(k, alpha)
            exact.update({"C": (c, d), "H": (h, e)})
    exact = {name: (_reorder(arr, order), div) for name, (arr, div) in exact.items()}
    flip = (lambda seq: tuple(reversed(seq))) if order == "lex" else tuple
    if inverse:
        variable = n_symbol - m_symbol + 1 - _rational(alpha)
        den = hk.denominator(k, alpha)  # type: ignore[arg-type]
    else:
        variable, den = n_symbol, (Fraction(1),)
    return CoefficientMatrices(
        k=k,
        beta=beta_value,
        inverse=inverse,
        order=order,
        index=flip(hk.c_index(k)),
        partitions=flip(partitions_of(k)),
        d_index=flip(hk.d_index(k)),
        variable=variable,
        _exact=exact,
        _den=den,
    )
