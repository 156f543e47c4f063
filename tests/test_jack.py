"""Jack polynomials at any alpha and the Jack route to beta-Wishart moments (engines/jack/)."""

from __future__ import annotations

import itertools
from fractions import Fraction
from math import factorial, prod

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from wishart_moments.engines import jack, zonal
from wishart_moments.engines import jack_reference as ref
from wishart_moments.engines._univariate import RatFun
from wishart_moments.engines.jack import inverse as jack_inverse
from wishart_moments.engines.jack import inverse_at_identity as jack_id
from wishart_moments.engines.recursion import multi_trace_moment
from wishart_moments.symbolic import m, n

F = Fraction
ALPHAS = [F(1, 2), F(1), F(2), F(3, 7), F(5)]
Q = [sympy.Symbol(f"q{j}") for j in range(1, 9)]


def _conj(kappa: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(sum(1 for p in kappa if p > j) for j in range(kappa[0]))


def _eval_power(expansion: dict, values: dict[int, Fraction]) -> Fraction:
    """Evaluate ``sum c p_lambda`` at ``p_j = values[j]``."""
    return sum((c * prod(values[j] for j in lam) for lam, c in expansion.items()), F(0))


def _hooks(kappa: tuple[int, ...]) -> int:
    conj = _conj(kappa)
    return prod(kappa[i] - j + conj[j] - i - 1 for i in range(len(kappa)) for j in range(kappa[i]))


# ---------------------------------------------------------------------------------------------
# The Jack basis
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("alpha", ALPHAS)
def test_basis_equals_plain_gram_schmidt(alpha: Fraction) -> None:
    for k in range(1, 8):
        slow = ref.jack_in_power_reference(k, alpha)
        basis = jack.jack_basis(k, alpha)
        assert set(slow) == set(basis.partitions)
        for kappa in basis.partitions:
            assert basis.jack_in_power(kappa) == slow[kappa], (alpha, kappa)


def test_alpha_two_is_the_zonal_engine() -> None:
    for k in range(1, 11):
        basis = jack.jack_basis(k, 2)
        for kappa in basis.partitions:
            assert basis.jack_in_power(kappa) == zonal.zonal_expansion(kappa)
        coefs = zonal.trace_zonal_coefficients(k)
        assert basis.power_in_jack((k,)) == {kap: c for kap, c in coefs.items() if c}


def _h(r: int) -> dict[tuple[int, ...], Fraction]:
    """Complete homogeneous h_r = sum_{lam |- r} p_lam / z_lam."""
    return {lam: F(1, ref._z(lam)) for lam in zonal.partitions(r)} if r > 0 else {(): F(1)}


def _pmul(a: dict, b: dict) -> dict:
    out: dict = {}
    for la, x in a.items():
        for lb, y in b.items():
            key = tuple(sorted(la + lb, reverse=True))
            out[key] = out.get(key, F(0)) + x * y
    return {k: v for k, v in out.items() if v}


def _schur_jacobi_trudi(kappa: tuple[int, ...]) -> dict:
    """s_kappa = det(h_{kappa_i - i + j}) in power sums (Leibniz expansion)."""
    size = len(kappa)
    out: dict = {}
    for perm in itertools.permutations(range(size)):
        sign = prod(-1 if perm[i] > perm[j] else 1 for i in range(size) for j in range(i + 1, size))
        term: dict = {(): F(sign)}
        for i in range(size):
            r = kappa[i] - i + perm[i]
            if r < 0:
                term = {}
                break
            term = _pmul(term, _h(r))
        for key, v in term.items():
            out[key] = out.get(key, F(0)) + v
    return {k: v for k, v in out.items() if v}


def test_alpha_one_is_schur() -> None:
    """C^{(1)}_kappa = k!/H_kappa s_kappa, s_kappa by Jacobi-Trudi; hook-content values."""
    for k in range(1, 7):
        basis = jack.jack_basis(k, 1)
        for kappa in basis.partitions:
            scale = F(factorial(k), _hooks(kappa))
            expected = {lam: scale * c for lam, c in _schur_jacobi_trudi(kappa).items()}
            assert basis.jack_in_power(kappa) == expected
            for dim in range(1, 5):  # s_kappa(1^m) = prod (m + c) / H_kappa
                content = prod(dim + j - i for i in range(len(kappa)) for j in range(kappa[i]))
                value = _eval_power(basis.jack_in_power(kappa), dict.fromkeys(range(1, k + 1), dim))
                assert value == scale * F(content, _hooks(kappa))


@pytest.mark.parametrize("alpha", [F(1, 2), F(2), F(3, 7), F(4, 3)])
def test_omega_duality(alpha: Fraction) -> None:
    """omega_alpha J^{(alpha)}_kappa = alpha^k J^{(1/alpha)}_{kappa'},
    omega_alpha p_r = (-1)^{r-1} alpha p_r; J = j_kappa / (alpha^k k!) C."""
    for k in range(1, 8):
        a_basis, b_basis = jack.jack_basis(k, alpha), jack.jack_basis(k, 1 / alpha)
        for kappa in a_basis.partitions:
            sa = jack.hook_product(kappa, alpha) / (alpha**k * factorial(k))
            sb = jack.hook_product(_conj(kappa), 1 / alpha) / ((1 / alpha) ** k * factorial(k))
            lhs = {
                lam: sa * c * prod((-1) ** (r - 1) * alpha for r in lam)
                for lam, c in a_basis.jack_in_power(kappa).items()
            }
            rhs = {lam: alpha**k * sb * c for lam, c in b_basis.jack_in_power(_conj(kappa)).items()}
            assert lhs == rhs, (alpha, kappa)


@pytest.mark.parametrize("alpha", ALPHAS)
def test_normalisation_norms_and_identity_values(alpha: Fraction) -> None:
    for k in range(1, 8):
        basis = jack.jack_basis(k, alpha)
        total: dict = {}
        for kappa in basis.partitions:
            for lam, c in basis.jack_in_power(kappa).items():
                total[lam] = total.get(lam, F(0)) + c
            # <C, C> = (alpha^k k!)^2 / j_kappa
            assert basis.norm(kappa) == (alpha**k * factorial(k)) ** 2 / jack.hook_product(
                kappa, alpha
            )
            poly = jack.content_polynomial(kappa, alpha)
            for dim in range(1, 5):
                value = _eval_power(basis.jack_in_power(kappa), dict.fromkeys(range(1, k + 1), dim))
                at = sum((c * dim**e for e, c in enumerate(poly)), F(0))
                assert value == jack.identity_scale(kappa, alpha) * at
        assert {lam: c for lam, c in total.items() if c} == {(1,) * k: 1}
        # power_in_jack inverts jack_in_power
        for mu in basis.partitions:
            back: dict = {}
            for kappa, a in basis.power_in_jack(mu).items():
                for lam, c in basis.jack_in_power(kappa).items():
                    back[lam] = back.get(lam, F(0)) + a * c
            assert {lam: c for lam, c in back.items() if c} == {mu: 1}


def test_bad_input() -> None:
    for bad in (0, -1, "x", None, True, float("nan")):
        with pytest.raises(ValueError, match="positive rational"):
            jack.jack_basis(3, bad)
    with pytest.raises(ValueError, match="k must be"):
        jack.jack_basis(jack.MAX_K_JACK + 1, 2)
    with pytest.raises(ValueError, match="positive integers"):
        jack.moment_terms([2, 0], 1)
    with pytest.raises(ValueError, match="beta"):
        jack.moment_terms([2], -1)
    with pytest.raises(ValueError, match="not a partition of 3"):
        jack.jack_basis(3, 2).jack_in_power((2, 2))
    assert jack.as_rational(0.5) == F(1, 2) and jack.as_rational("3/2") == F(3, 2)
    assert jack.as_rational(sympy.Rational(2, 3)) == F(2, 3)


# ---------------------------------------------------------------------------------------------
# Forward moments
# ---------------------------------------------------------------------------------------------


def test_real_identity_covariance_equals_the_recursion() -> None:
    for k in range(1, 9):
        for mu in zonal.partitions(k):
            expected = {key: F(c) for key, c in multi_trace_moment(mu).items()}
            assert jack.moment_terms(mu, 1) == expected, mu
            cov = jack.moment_terms_cov(mu, 1)
            at_identity: dict = {}
            for (e, lam), c in cov.items():  # p_lam(I_m) = m^{l(lam)}
                at_identity[(e, len(lam))] = at_identity.get((e, len(lam)), F(0)) + c
            assert {key: c for key, c in at_identity.items() if c} == expected, mu


@pytest.mark.parametrize("beta", [F(1, 2), F(1), F(2), F(3), F(4), F(2, 7)])
def test_second_moment_and_scalar_case(beta: Fraction) -> None:
    alpha = 2 / beta
    # E tr S^2 = nm(n + m) + (alpha - 1) nm
    expected = {(2, 1): F(1), (1, 2): F(1), (1, 1): alpha - 1}
    assert jack.moment_terms([2], beta) == {key: c for key, c in expected.items() if c}
    assert jack.moment_terms([1], beta) == {(1, 1): 1}
    # n = m = 1: every tr S^j is x^j with x ~ chi^2_beta / beta: E x^k = prod_{i<k} (1 + alpha i)
    for k in range(1, 8):
        for mu in zonal.partitions(k):
            assert sum(jack.moment_terms(mu, beta).values()) == prod(
                1 + alpha * i for i in range(k)
            )


@given(
    parts=st.lists(st.integers(1, 4), min_size=1, max_size=3).filter(lambda p: sum(p) <= 7),
    beta=st.fractions(min_value=F(1, 4), max_value=6, max_denominator=7),
)
def test_cov_at_identity_equals_identity_route(parts: list[int], beta: Fraction) -> None:
    """sum_lam c_{e,lam} m^{l(lam)} == the Sigma = I expansion with C_kappa(I_m) in closed form."""
    cov = jack.moment_terms_cov(parts, beta)
    at_identity: dict = {}
    for (e, lam), c in cov.items():
        at_identity[(e, len(lam))] = at_identity.get((e, len(lam)), F(0)) + c
    assert {key: c for key, c in at_identity.items() if c} == jack.moment_terms(parts, beta)


def _cycles(perm: tuple[int, ...]) -> list[int]:
    seen, out = set(), []
    for start in range(len(perm)):
        if start not in seen:
            length, j = 0, start
            while j not in seen:
                seen.add(j)
                j = perm[j]
                length += 1
            out.append(length)
    return out


def test_complex_covariance_equals_genus_expansion() -> None:
    """beta = 2: E prod tr W^{mu_i} = sum_{s in S_k} n^{c(s)} p_{type(g s^{-1})}(Sigma)."""
    for k in range(1, 6):
        for mu in zonal.partitions(k):
            g, start = [0] * k, 0
            for part in mu:  # g: cycles on consecutive blocks
                for i in range(part):
                    g[start + i] = start + (i + 1) % part
                start += part
            expected: dict = {}
            for s in itertools.permutations(range(k)):
                inv = [0] * k
                for i, x in enumerate(s):
                    inv[x] = i
                gs = tuple(g[inv[i]] for i in range(k))
                key = (len(_cycles(s)), tuple(sorted(_cycles(gs), reverse=True)))
                expected[key] = expected.get(key, 0) + 1
            assert jack.moment_terms_cov(mu, 2) == {key: F(c) for key, c in expected.items()}


def test_covariance_closed_forms() -> None:
    # E W^2 = n(n+1) Sigma^2 + n p1 Sigma (real), n^2 Sigma^2 + n p1 Sigma (complex)
    assert jack.moment_terms_cov([2], 1) == {(2, (2,)): 1, (1, (2,)): 1, (1, (1, 1)): 1}
    assert jack.moment_terms_cov([2], 2) == {(2, (2,)): 1, (1, (1, 1)): 1}
    # E (tr W)^2 = n^2 p1^2 + (2/beta) n p2
    for beta in (1, 2, 4):
        assert jack.moment_terms_cov([1, 1], beta) == {(2, (1, 1)): 1, (1, (2,)): F(2, beta)}


def _quaternion_sample(rng: np.random.Generator, rows: int, cols: int, size: int) -> np.ndarray:
    """Complex 2rows x 2cols representation [[a, b], [-conj b, conj a]], E|x|^2 = 1."""
    parts = rng.normal(scale=0.5, size=(4, size, rows, cols))
    a, b = parts[0] + 1j * parts[1], parts[2] + 1j * parts[3]
    return np.block([[a, b], [-b.conj(), a.conj()]])


def _sigma(rng: np.random.Generator, dim: int) -> np.ndarray:
    g = rng.normal(size=(dim, dim))
    return g @ g.T / dim + 0.5 * np.eye(dim)


def _evaluate_cov(terms: dict, n_value: int, sigma: np.ndarray) -> float:
    power = {j: np.trace(np.linalg.matrix_power(sigma, j)) for j in range(1, 8)}
    return sum(float(c) * n_value**e * prod(power[j] for j in lam) for (e, lam), c in terms.items())


def _sigma_root_sample(
    rng: np.random.Generator, beta: int, sigma: np.ndarray, cols: int, size: int
) -> np.ndarray:
    """``size`` draws of ``Sigma^{1/2} X`` (Cholesky root), ``X`` ``dim x cols`` of the field
    (quaternions as ``2 dim x 2 cols`` complex blocks)."""
    dim = sigma.shape[0]
    root = np.linalg.cholesky(sigma)
    if beta == 1:
        x = rng.normal(size=(size, dim, cols))
    elif beta == 2:
        x = (
            rng.normal(size=(size, dim, cols)) + 1j * rng.normal(size=(size, dim, cols))
        ) / np.sqrt(2)
    else:
        x = _quaternion_sample(rng, dim, cols, size)
        root = np.kron(np.eye(2), root)
    return root @ x


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_covariance_monte_carlo(beta: int) -> None:
    rng = np.random.default_rng(20261204 + beta)
    dim, cols, size = 3, 4, 40_000
    sigma = _sigma(rng, dim)
    y = _sigma_root_sample(rng, beta, sigma, cols, size)
    w = y @ np.conj(np.swapaxes(y, 1, 2))
    scale = 2 if beta == 4 else 1  # quaternion trace = half the complex trace
    t1 = np.trace(w, axis1=1, axis2=2).real / scale
    t3 = np.trace(w @ w @ w, axis1=1, axis2=2).real / scale
    t2 = np.trace(w @ w, axis1=1, axis2=2).real / scale
    for parts, sample in (((3,), t3), ((2, 1), t2 * t1)):
        exact = _evaluate_cov(jack.moment_terms_cov(parts, beta), cols, sigma)
        err = sample.std() / np.sqrt(size)
        assert abs(sample.mean() - exact) < 5 * err, (beta, parts)
        wrong_beta = 1 if beta != 1 else 2
        wrong = _evaluate_cov(jack.moment_terms_cov(parts, wrong_beta), cols, sigma)
        assert abs(sample.mean() - wrong) > 5 * err, (beta, parts)


# ---------------------------------------------------------------------------------------------
# Inverse moments
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("beta", [F(1), F(2), F(1, 2)])
def test_inverse_loop_equations_equal_reference(beta: Fraction) -> None:
    for degree in range(1, 5):
        slow = ref.inverse_power_moments_reference(degree, beta)
        num, den = jack_id._inverse_power_moments(degree, beta)
        for lam, row in slow.items():
            fast = [RatFun(jack_id._frac(x), jack_id._frac(den)) for x in num[lam]]
            assert fast == row, (beta, lam)


@pytest.mark.parametrize("beta", [F(1, 2), F(1), F(2), F(3), F(4)])
def test_inverse_scalar_case(beta: Fraction) -> None:
    """m = 1: S ~ Gamma(beta n/2, 2/beta), E S^{-D} = (beta/2)^D / prod_{i=1}^D (beta n/2 - i)."""
    for degree in range(1, 6):
        for n_value in (F(37, 3), F(29)):
            expected = (beta / 2) ** degree / prod(
                beta * n_value / 2 - i for i in range(1, degree + 1)
            )
            for mu in zonal.partitions(degree):
                got = jack.inverse_moment(mu, beta).subs(
                    {m: 1, n: sympy.Rational(n_value.numerator, n_value.denominator)}
                )
                assert got == sympy.Rational(expected.numerator, expected.denominator), (beta, mu)


def test_inverse_closed_forms() -> None:
    q1, q2 = Q[0], Q[1]
    d = n - m
    checks = {
        # E W^{-1} = Sigma^{-1} / (n - m - 1) real, / (n - m) complex, 2 / (2(n-m) + 1) quaternion
        ((1,), 1): q1 / (d - 1),
        ((1,), 2): q1 / d,
        ((1,), 4): 2 * q1 / (2 * d + 1),
        # real: E W^{-2} = ((n-m-1) Sigma^{-2} + q1 Sigma^{-1}) / ((n-m)(n-m-1)(n-m-3))
        ((2,), 1): ((d - 1) * q2 + q1**2) / (d * (d - 1) * (d - 3)),
        ((1, 1), 1): ((d - 2) * q1**2 + 2 * q2) / (d * (d - 1) * (d - 3)),
        # complex: E W^{-2} = ((n-m) Sigma^{-2} + q1 Sigma^{-1}) / ((n-m)^2 - 1)(n-m)
        ((2,), 2): (d * q2 + q1**2) / (d * (d**2 - 1)),
        ((1, 1), 2): (d * q1**2 + q2) / (d * (d**2 - 1)),
    }
    for (parts, beta), expected in checks.items():
        assert sympy.cancel(jack.inverse_moment_cov(parts, beta) - expected) == 0, (parts, beta)
    # Sigma = I, any beta: E tr S^{-1} = beta m / (beta (n - m + 1) - 2)
    for beta in (F(1, 2), F(3), F(5, 2)):
        b = sympy.Rational(beta.numerator, beta.denominator)
        got = jack.inverse_moment([1], beta)
        assert sympy.cancel(got - b * m / (b * (n - m + 1) - 2)) == 0


def _eval_mpoly(num: list, den: tuple, m_value: Fraction, a_value: Fraction) -> Fraction:
    def at(poly: tuple) -> Fraction:
        return sum((F(c) * a_value**i for i, c in enumerate(poly)), F(0))

    return sum((at(x) * m_value**e for e, x in enumerate(num)), F(0)) / at(den)


@pytest.mark.parametrize("beta", [F(1), F(2), F(4), F(1, 2)])
def test_inverse_cov_at_identity(beta: Fraction) -> None:
    """The Jack route at Sigma = I (q_lam = m^{l(lam)}) equals the loop-equation value, exactly
    at a few rational points (n, m)."""
    points = [(F(61, 3), F(2)), (F(45, 2), F(5)), (F(30), F(7))]
    for mu in [(1,), (2,), (1, 1), (3,), (2, 1), (2, 2), (4, 1), (2, 2, 1)]:
        cov = jack.inverse_terms_cov(mu, beta)
        num, den = jack_id._inverse_power_moments(sum(mu), beta)
        for n_value, m_value in points:
            a_value = beta * (n_value - m_value + 1) / 2 - 1
            via_jack = sum(
                _eval_mpoly(nu, d, m_value, a_value) * m_value ** len(lam)
                for lam, (nu, d) in cov.items()
            )
            assert via_jack == _eval_mpoly(num[mu], den, m_value, a_value), (beta, mu)
    # and the SymPy form at one point
    expr = jack.inverse_moment_cov((2, 1), beta).subs(dict.fromkeys(Q, 3)).subs({n: 20, m: 3})
    assert expr == jack.inverse_moment((2, 1), beta).subs({n: 20, m: 3})


def test_inverse_existence_rule() -> None:
    assert jack.inverse_moment_exists(2, n=6, m=2, beta=1)  # (6 - 2 + 1)/2 = 2.5 > 2
    assert not jack.inverse_moment_exists(2, n=5, m=2, beta=1)  # 2 > 2 fails
    assert jack.inverse_moment_exists(3, n=5, m=3, beta=4)  # 4 * 3 / 2 = 6 > 3


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_inverse_covariance_monte_carlo(beta: int) -> None:
    rng = np.random.default_rng(7 + beta)
    dim, size = 3, 40_000
    cols = {1: 16, 2: 10, 4: 8}[beta]
    sigma = _sigma(rng, dim)
    y = _sigma_root_sample(rng, beta, sigma, cols, size)
    inv = np.linalg.inv(y @ np.conj(np.swapaxes(y, 1, 2)))
    scale = 2 if beta == 4 else 1  # quaternion trace = half the complex trace
    t1 = np.trace(inv, axis1=1, axis2=2).real / scale
    t2 = np.trace(inv @ inv, axis1=1, axis2=2).real / scale
    sig_inv = np.linalg.inv(sigma)
    q_values = {Q[j - 1]: np.trace(np.linalg.matrix_power(sig_inv, j)) for j in range(1, 4)}
    for parts, sample in (((2,), t2), ((1, 1), t1 * t1), ((2, 1), t2 * t1)):
        assert jack.inverse_moment_exists(2 * sum(parts), cols, dim, beta)  # finite variance

        def value(b: int, parts: tuple[int, ...] = parts) -> float:
            expr = jack.inverse_moment_cov(parts, b).subs({n: cols, m: dim})
            return float(expr.subs(q_values))

        err = sample.std() / np.sqrt(size)
        assert abs(sample.mean() - value(beta)) < 5 * err, (beta, parts)
        assert abs(sample.mean() - value({1: 2, 2: 1, 4: 2}[beta])) > 5 * err, (beta, parts)


def test_inverse_without_rational_roots_falls_back_to_gcd(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the root search disabled, the Q-gcd and SymPy-factor fallbacks give the same values."""
    beta = F(3, 2)
    expected = {mu: jack.inverse_moment_cov(mu, beta) for mu in [(2,), (2, 1), (1, 1, 1)]}
    for fn in (jack_id._inverse_level, jack_inverse._inverse_jack_factors):
        fn.cache_clear()
    monkeypatch.setattr(jack_id, "_rational_roots", lambda p, bound: ({}, p))
    try:
        for mu, value in expected.items():
            got = jack.inverse_moment_cov(mu, beta)
            assert sympy.cancel(got - value) == 0, mu
            num, den = jack_id._inverse_power_moments(sum(mu), beta)
            slow = ref.inverse_power_moments_reference(sum(mu), beta)
            for lam, row in slow.items():
                assert [RatFun(jack_id._frac(x), jack_id._frac(den)) for x in num[lam]] == row
    finally:
        for fn in (jack_id._inverse_level, jack_inverse._inverse_jack_factors):
            fn.cache_clear()


def test_general_alpha_polynomial() -> None:
    """Interpolation in alpha: E tr S^2 = nm(n+m) + (alpha-1) nm; a non-node alpha agrees."""
    assert jack.moment_terms_general([2]) == {
        (2, 1, 0): 1,
        (1, 2, 0): 1,
        (1, 1, 1): 1,
        (1, 1, 0): -1,
    }
    for mu in [(3,), (2, 1), (2, 2), (3, 1, 1)]:
        general = jack.moment_terms_general(mu)
        for alpha in (F(3, 5), F(7, 2)):
            at: dict = {}
            for (i, j, e), c in general.items():
                at[(i, j)] = at.get((i, j), F(0)) + c * alpha**e
            assert {key: c for key, c in at.items() if c} == jack.moment_terms(mu, 2 / alpha)


def test_docs_examples() -> None:
    import doctest
    from pathlib import Path

    page = Path(__file__).resolve().parents[1] / "docs" / "jack.md"
    result = doctest.testfile(str(page), module_relative=False)
    assert result.failed == 0 and result.attempted >= 3
