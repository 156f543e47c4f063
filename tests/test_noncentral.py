"""Noncentral Wishart moments: the engines against each other, against explicit Gaussian
integration at tiny sizes, against closed forms (noncentral chi-square, the issue's E tr W^2),
against the central engine at Omega = 0, and the symbolic forms against each other."""

from __future__ import annotations

from fractions import Fraction
from math import comb, prod

import numpy as np
import pytest
import sympy

from wishart_moments.covariance import moment_cov
from wishart_moments.engines._parts import partitions_of
from wishart_moments.kernels import noncentral as kernel
from wishart_moments.kernels import noncentral_words as coded
from wishart_moments.noncentral import (
    contractions,
    evaluate_words,
    noncentral_moment,
    noncentral_moment_expression,
    noncentral_moment_matrix,
    stein,
    wick,
    wick_reference,
    word_symbol,
)
from wishart_moments.noncentral.words import canonical, compress, expand_word, word_of_symbol

n, m = sympy.Symbol("n"), sympy.Symbol("m")


# ---------------------------------------------------------------------------------------------
# words


def test_canonical_words_and_symbols() -> None:
    assert canonical("SOSSO", 2) == "OSOSS" == canonical("OSSOS", 2)
    assert canonical("OSS", 2) == "OSS" and canonical("OOSOS", 2) == "OOSOS"
    # reversal identifies words only for beta = 1: OOSOS reversed is SOSOO ~ OOSOS; OSOOS
    assert canonical("OSOOSS", 2) != canonical("SSOOSO", 2)
    assert canonical("OSOOSS", 1) == canonical("SSOOSO", 1)
    assert compress("OSOSS") == "OSOS2" and expand_word("OSOS2") == "OSOSS"
    assert expand_word("S^2 O") == "SSO" and expand_word("I") == ""
    assert word_symbol("SO") == sympy.Symbol("t_OS") == word_symbol("OS")
    assert word_symbol("S2") == sympy.Symbol("p2") and word_symbol("O3") == sympy.Symbol("w3")
    assert word_symbol("") == m
    for word in ("OS", "OSOS2", "S3", "O", ""):
        assert word_of_symbol(word_symbol(word)) == canonical(expand_word(word), 1)
    assert word_of_symbol(sympy.Symbol("x")) is None
    with pytest.raises(ValueError, match="letters S"):
        expand_word("SXO")
    with pytest.raises(ValueError, match="letters S"):
        expand_word("S0O")


def test_kernel_pack_round_trip() -> None:
    words = [(0b101, 3), (0, 1), (0b1, 1), (0b0110, 4), (0, 0)]
    wb = np.array([b for b, _ in words] + [0] * 3, np.int64)
    wl = np.array([ln for _, ln in words] + [0] * 3, np.int64)
    hi = coded.pack(wb.copy(), wl.copy(), len(words))
    ob, ol = np.zeros(8, np.int64), np.zeros(8, np.int64)
    count = coded.unpack(hi, ob, ol)
    assert sorted(zip(ob[:count].tolist(), ol[:count].tolist(), strict=True)) == sorted(words)
    assert coded.canonical(0b1101, 4, False) == 0b0111 and coded.reverse(0b1101, 4) == 0b1011


# ---------------------------------------------------------------------------------------------
# the engines agree exactly


CASES = [(mu, r) for k in range(0, 5) for mu in partitions_of(k) for r in range(0, 5 - k) if k + r]


@pytest.mark.parametrize("beta", [1, 2])
@pytest.mark.parametrize(("mu", "power"), CASES)
def test_engines_agree(mu: tuple[int, ...], power: int, beta: int) -> None:
    ibp = stein.matrix_terms(mu, power, beta)
    assert ibp == contractions.matrix_terms(mu, power, beta)
    assert ibp == wick.matrix_terms(mu, power, beta)
    if sum(mu) + power <= 3:
        assert ibp == wick_reference.wick_terms_reference(mu, power, beta)
    assert stein.matrix_terms(mu, power, beta, True) == wick.matrix_terms(mu, power, beta, True)


@pytest.mark.parametrize("beta", [1, 2])
def test_engines_agree_higher(beta: int) -> None:
    for mu, power in [((7,), 0), ((4, 3), 0), ((3, 2, 1), 1), ((2,), 4), ((5,), 2)]:
        fast = wick.matrix_terms(mu, power, beta)
        assert fast == contractions.matrix_terms(mu, power, beta)
        if sum(mu) + power <= 6:
            assert fast == stein.matrix_terms(mu, power, beta)
    assert contractions.scalar_terms([9], beta, True) == wick.scalar_terms([9], beta, True)


def test_kernel_at_a_number_matches_counts() -> None:
    hi = wick._pack([(0, 6), (0, 2)])
    his, los, es, cs = kernel.expand(np.int64(hi), np.int64(2), 10, True, False)
    h2, l2, _e2, c2 = kernel.expand_at(np.int64(hi), np.int64(2), 10, True, False, 7.0)
    exact: dict = {}
    for h, lo, e, c in zip(his, los, es, cs, strict=True):
        exact[(h, lo)] = exact.get((h, lo), 0) + int(c) * 7**e
    assert {(int(h), int(lo)) for h, lo in zip(h2, l2, strict=True)} == set(exact)
    for h, lo, c in zip(h2, l2, c2, strict=True):
        assert c == pytest.approx(exact[(int(h), int(lo))], rel=1e-13)


# ---------------------------------------------------------------------------------------------
# explicit Gaussian integration at tiny sizes


def _gaussian_moment(exponents: tuple[int, ...], beta: int) -> int:
    """``E prod z_i^{a_i}`` (real) or ``E prod z_i^{a_i} conj(z_i)^{b_i}`` (complex, exponents
    listed as a_1.., b_1..) for iid standard z."""
    if beta == 1:
        return prod(0 if a % 2 else prod(range(a - 1, 0, -2)) for a in exponents)
    half = len(exponents) // 2
    out = 1
    for a, b in zip(exponents[:half], exponents[half:], strict=True):
        if a != b:
            return 0
        out *= prod(range(1, a + 1))
    return out


def _brute_force(mu: tuple[int, ...], power: int, lower: list, mean: list, beta: int):
    """``E[prod tr(W^mu_i) W^power]`` by expanding in the entries ``z`` of ``Y = L z + M``."""
    L, M = sympy.Matrix(lower), sympy.Matrix(mean)
    rows, cols = M.shape
    z = sympy.Matrix(rows, cols, sympy.symbols(f"z0:{rows * cols}"))
    gens = list(z)
    y = L * z + M
    if beta == 1:
        y_star = y.T
    else:
        zb = sympy.Matrix(rows, cols, sympy.symbols(f"zb0:{rows * cols}"))
        gens += list(zb)
        y_star = (L.conjugate() * zb + M.conjugate()).T
    w = (y * y_star).applyfunc(sympy.expand)
    f = sympy.Integer(1)
    for k in mu:
        f *= (w**k).trace()
    f = f * (w**power if power else sympy.eye(1))

    def expect(expr: sympy.Expr) -> sympy.Expr:
        poly = sympy.Poly(sympy.expand(expr), *gens)
        return sympy.expand(
            sum(
                c * _gaussian_moment(e, beta)
                for e, c in zip(poly.monoms(), poly.coeffs(), strict=True)
            )
        )

    if not power:
        return expect(f[0, 0]), L * L.H, M
    return f.applyfunc(expect), L * L.H, M


CONFIGS = [
    (1, [[1, 0], [Fraction(1, 2), 2]], [[1, -1], [2, Fraction(1, 2)]]),
    (1, [[2]], [[1, 3, -1]]),
    (2, [[1, 0], [1 + sympy.I, 2]], [[1 + sympy.I, 0], [2, -sympy.I]]),
    (2, [[1, 0], [sympy.I, 1]], [[1], [1 - 2 * sympy.I]]),
]
LOW = [((1,), 0), ((2,), 0), ((1, 1), 0), ((), 2), ((1,), 1)]


@pytest.mark.parametrize(
    ("beta", "lower", "mean", "mu", "power"),
    [(*config, *case) for config in CONFIGS for case in LOW]
    + [(*CONFIGS[i], (3,), 0) for i in (0, 1, 3)]
    + [(*CONFIGS[1], (2, 1), 0), (*CONFIGS[3], (), 3)],
)
def test_brute_force(beta: int, lower: list, mean: list, mu: tuple, power: int) -> None:
    lower = [[sympy.nsimplify(x) for x in r] for r in lower]
    mean = [[sympy.nsimplify(x) for x in r] for r in mean]
    expected, sigma, M = _brute_force(mu, power, lower, mean, beta)
    cols = M.shape[1]
    if power:
        got = noncentral_moment_matrix(mu, power, n=cols, mean=mean, cov=sigma.tolist(), beta=beta)
        assert (got - expected).applyfunc(sympy.expand) == sympy.zeros(*got.shape)
    else:
        got = noncentral_moment(mu, n=cols, mean=mean, cov=sigma.tolist(), beta=beta)
        assert sympy.expand(got - expected) == 0


# ---------------------------------------------------------------------------------------------
# closed forms


def test_issue_checks() -> None:
    s, w = sympy.symbols("s w")
    general = noncentral_moment_expression([2], cov="general")
    expected = (
        n * (n + 1) * sympy.Symbol("p2")
        + n * sympy.Symbol("p1") ** 2
        + 2 * (n + 1) * word_symbol("SO")
        + 2 * sympy.Symbol("p1") * sympy.Symbol("w1")
        + sympy.Symbol("w2")
    )
    assert sympy.expand(general - expected) == 0
    # m = 1: the noncentral chi-square, E W^2 = n(n+2) s^2 + (2n+4) s w + w^2
    at_one = _at_m1(noncentral_moment_expression([2], cov="general"), s, w)
    assert sympy.expand(at_one - (n * (n + 2) * s**2 + (2 * n + 4) * s * w + w**2)) == 0
    # E W = n Sigma + Omega
    assert noncentral_moment_expression([], cov="general", power=1) == {"O": 1, "S": n}


def _at_m1(expr: sympy.Expr, s: sympy.Symbol, w: sympy.Symbol) -> sympy.Expr:
    """``Sigma = s``, ``Omega = w`` as 1 x 1 matrices: a word with a S and b O is ``s^a w^b``."""
    subs = {}
    for sym in expr.free_symbols:
        word = word_of_symbol(sym)
        if word is not None:
            subs[sym] = s ** word.count("S") * w ** word.count("O") if word else 1
    return sympy.expand(expr.xreplace(subs))


@pytest.mark.parametrize("beta", [1, 2])
def test_noncentral_chi_square(beta: int) -> None:
    """m = 1: ``W / s`` is a noncentral chi-square (complex: ``2 W / s`` with ``2n`` degrees)."""
    s, w = sympy.symbols("s w")
    for k in range(1, 8):
        got = _at_m1(noncentral_moment_expression([k], cov="general", beta=beta), s, w)
        if beta == 1:  # 2^k sum_j C(k,j) (w/2s)^j prod_{i=j}^{k-1} (i + n/2), times s^k
            expected = (
                sum(
                    comb(k, j) * (w / (2 * s)) ** j * prod(i + n / 2 for i in range(j, k))
                    for j in range(k + 1)
                )
                * (2 * s) ** k
            )
        else:
            expected = (
                sum(
                    comb(k, j) * (w / s) ** j * prod(i + n for i in range(j, k))
                    for j in range(k + 1)
                )
                * s**k
            )
        assert sympy.expand(got - expected) == 0, k


@pytest.mark.parametrize("beta", [1, 2])
def test_central_limit_matches_the_covariance_engine(beta: int) -> None:
    sigma = [[3, 1, 0], [1, 2, 1], [0, 1, 4]]
    zero = [[0] * 3 for _ in range(3)]
    for mu in [(1,), (2,), (3, 1), (2, 2, 1), (5,)]:
        assert noncentral_moment(mu, n=7, omega=zero, cov=sigma, beta=beta) == moment_cov(
            mu, n=7, cov=sigma, beta=beta
        )


@pytest.mark.parametrize("beta", [1, 2])
def test_identity_form_is_the_general_form_at_identity(beta: int) -> None:
    for mu, power in [((3,), 0), ((2, 2), 0), ((2, 1), 1), ((), 3)]:
        general = noncentral_moment_expression(mu, cov="general", beta=beta, power=power)
        ident = noncentral_moment_expression(mu, beta=beta, power=power)
        scaled = noncentral_moment_expression(mu, beta=beta, power=power, cov=sympy.Symbol("c"))
        if not power:
            general, ident, scaled = {"I": general}, {"I": ident}, {"I": scaled}

        def at_identity(expr: sympy.Expr, c: sympy.Expr) -> sympy.Expr:
            subs = {}
            for sym in expr.free_symbols:
                word = word_of_symbol(sym)
                if word and "S" in word:
                    subs[sym] = c ** word.count("S") * (
                        sympy.Symbol(f"w{word.count('O')}") if "O" in word else m
                    )
            return sympy.expand(expr.xreplace(subs))

        projected: dict = {}
        scaled_projected: dict = {}
        c = sympy.Symbol("c")
        for word, expr in general.items():
            letters = expand_word(word)
            key = compress("O" * letters.count("O"))
            projected[key] = projected.get(key, 0) + at_identity(expr, 1)
            scaled_projected[key] = scaled_projected.get(key, 0) + at_identity(
                expr, c
            ) * c ** letters.count("S")
        assert {k: sympy.expand(v) for k, v in projected.items()} == ident
        assert {k: sympy.expand(v - scaled[k]) for k, v in scaled_projected.items()} == {
            k: 0 for k in scaled
        }


def test_symbols_substitute_and_evaluate() -> None:
    expr = noncentral_moment_expression([2, 1], cov="general")
    sigma, omega = [[2, 1], [1, 3]], [[1, 1], [1, 4]]
    value = noncentral_moment([2, 1], n=5, omega=omega, cov=sigma)
    assert evaluate_words(expr, omega=omega, cov=sigma, n=5) == value
    assert evaluate_words(expr, omega=omega, cov=sigma).subs(sympy.symbols("n"), 5) == value
    at_identity = noncentral_moment_expression([3])
    user = dict(zip(sympy.symbols("n m w1 w2 w3"), [4, 2, 5, 25, 125], strict=True))
    assert at_identity.subs(user) == evaluate_words(at_identity, omega=[[1, 2], [2, 4]], n=4)
    matrix = noncentral_moment_expression([1], cov="general", power=2)
    assert evaluate_words(matrix, omega=omega, cov=sigma, n=5) == noncentral_moment_matrix(
        [1], 2, n=5, omega=omega, cov=sigma
    )


@pytest.mark.parametrize("beta", [1, 2])
def test_exact_and_float_agree(beta: int) -> None:
    sigma = [[2, 1, 0], [1, 3, 1], [0, 1, 2]]
    omega = [[4, 2, 1], [2, 2, 0], [1, 0, 1]]
    if beta == 2:
        omega = [[4, 1 + sympy.I, 1], [1 - sympy.I, 2, 0], [1, 0, 1]]
    for mu in [(3,), (2, 2), (4, 1)]:
        exact = noncentral_moment(mu, n=6, omega=omega, cov=sigma, beta=beta)
        assert exact.is_Rational
        as_float = noncentral_moment(
            mu, n=6, omega=np.array(omega, dtype=complex), cov=np.array(sigma, float), beta=beta
        )
        assert float(as_float) == pytest.approx(float(exact), rel=1e-12)
        stein_value = noncentral_moment(mu, n=6, omega=omega, cov=sigma, beta=beta, engine="stein")
        assert stein_value == exact
    symbolic = noncentral_moment([3], n=n, omega=omega, cov=sigma, beta=beta)
    assert (
        sympy.expand(
            symbolic.subs(n, 6) - noncentral_moment([3], n=6, omega=omega, cov=sigma, beta=beta)
        )
        == 0
    )


def test_gaussian_rational_matrix_is_hermitian() -> None:
    omega = [[2, 1 + 2 * sympy.I], [1 - 2 * sympy.I, 5]]
    ew = noncentral_moment_matrix([], 1, n=3, omega=omega, beta=2)
    assert ew == sympy.Matrix(omega) + 3 * sympy.eye(2)
    ew2 = noncentral_moment_matrix([], 2, n=3, omega=omega, beta=2)
    assert ew2 == ew2.H and any(not x.is_real for x in ew2)
    # E W^2 (complex) = Omega^2 + n (Omega Sigma + Sigma Omega) + tr(Omega) Sigma + tr(Sigma) Omega
    #                  + n tr(Sigma) Sigma + n^2 Sigma^2, at Sigma = I
    o = sympy.Matrix(omega)
    expected = o**2 + 6 * o + o.trace() * sympy.eye(2) + 2 * o + 6 * sympy.eye(2) + 9 * sympy.eye(2)
    assert (ew2 - expected).applyfunc(sympy.expand) == sympy.zeros(2, 2)


def test_term_structure() -> None:
    """Every term of E tr W^k has k letters in all; n comes only from an Omega's own pair."""
    for beta in (1, 2):
        for (closed, word), poly in wick.scalar_terms([6], beta).items():
            assert word == "" and sum(map(len, closed)) == 6
            for e in poly:
                assert e + sum(w.count("O") for w in closed) <= 6
    assert all(
        isinstance(c, int) for p in contractions.scalar_terms([5], 1).values() for c in p.values()
    )
