"""Public beta-family moments and tables: exact known values, independent recursions, the shipped
tables, JSON round trips with Fractions, Monte Carlo for complex and quaternion, bad input."""

from __future__ import annotations

import json
from fractions import Fraction
from math import factorial
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

import wishart_moments as wm
from wishart_moments.coefficients import coefficient_matrix
from wishart_moments.engines.loop_equations import moment_terms, moment_terms_at
from wishart_moments.engines.recursion import multi_trace_moment
from wishart_moments.layout import CoefficientMatrix, expected_total
from wishart_moments.moments import BETA, moment, moment_expression
from wishart_moments.symbolic import m, n
from wishart_moments.tables import (
    SHIPPED_DIRECTORY,
    checksum,
    load_polynomial,
    load_table,
    read_polynomial,
    read_table,
    save_polynomial,
    save_table,
)

ALPHA = 2 / BETA


# ---------------------------------------------------------------- exact known values


def test_first_moments_every_beta() -> None:
    assert moment_expression([1], beta=None) == n * m
    assert (
        sympy.expand(moment_expression([2], beta=None) - (n * m * (n + m) + (ALPHA - 1) * n * m))
        == 0
    )
    assert moment([2], n=7, m=3, beta=2) == 210  # nm(n + m)
    assert moment([2], n=7, m=3) == 231  # real: nm(n + m + 1)
    assert moment([2], n=7, m=3, beta=4) == sympy.Rational(399, 2)  # nm(n + m - 1/2)
    assert isinstance(moment([3, 1], n=7, m=3, beta=2), sympy.Integer)


@pytest.mark.parametrize("beta", [1, 2, 4, Fraction(1, 2), 3, Fraction(2, 5)])
def test_power_of_the_trace_is_a_gamma_moment(beta: object) -> None:
    """tr S = chi^2_{beta n m} / beta (sum of the bidiagonal chi^2's), so
    E (tr S)^k = prod_{i<k} (nm + alpha i) for every beta."""
    alpha = 2 / Fraction(beta)
    for k in range(1, 7):
        want = sympy.Integer(1)
        for i in range(k):
            want *= n * m + sympy.Rational(alpha.numerator, alpha.denominator) * i
        assert sympy.expand(moment_expression([1] * k, beta=beta) - want) == 0


@pytest.mark.parametrize("beta", [1, 2, 4, Fraction(3, 2)])
def test_m_equals_one_is_a_chi_square(beta: object) -> None:
    """m = 1: S = chi^2_{beta n} / beta, E S^k = prod_{i<k} (n + alpha i)."""
    alpha = 2 / Fraction(beta)
    for k in range(1, 9):
        want = sympy.Integer(1)
        for i in range(k):
            want *= n + sympy.Rational(alpha.numerator, alpha.denominator) * i
        assert sympy.expand(moment([k], n=n, m=1, beta=beta) - want) == 0


def test_complex_moments_count_permutations() -> None:
    assert sympy.expand(moment_expression([3], beta=2) - n * m * (n**2 + 3 * n * m + m**2 + 1)) == 0
    for k in range(1, 41):
        cm = load_table(k, beta=2, rebuild=False)
        assert cm.total() == factorial(k)
        assert all(type(c) is int and c >= 0 for row in cm for c in row)


def _times(poly: dict, factor: dict) -> dict:
    out: dict = {}
    for (a, b), c in poly.items():
        for (x, y), d in factor.items():
            out[(a + x, b + y)] = out.get((a + x, b + y), 0) + c * d
    return out


def _plus(*polys: dict) -> dict:
    out: dict = {}
    for poly in polys:
        for key, c in poly.items():
            out[key] = out.get(key, 0) + c
    return {key: c for key, c in out.items() if c}


def test_complex_tables_satisfy_the_haagerup_thorbjornsen_recursion() -> None:
    """(k + 2) D_{k+1} = (2k + 1)(n + m) D_k + (k - 1)(k^2 - (n - m)^2) D_{k-1}, a three-term
    recursion proven by Haagerup and Thorbjornsen (2003), independent of the loop equations."""
    d = {0: {(0, 1): 1}, **{k: load_table(k, beta=2).terms() for k in range(1, 41)}}
    s = {(1, 0): 1, (0, 1): 1}
    for k in range(1, 40):
        lhs = {key: (k + 2) * c for key, c in d[k + 1].items()}
        quad = {(0, 0): k * k, (2, 0): -1, (1, 1): 2, (0, 2): -1}
        rhs = _plus(
            {key: (2 * k + 1) * c for key, c in _times(d[k], s).items()},
            {key: (k - 1) * c for key, c in _times(d[k - 1], quad).items()},
        )
        assert lhs == rhs, k


@pytest.mark.parametrize("k", [1, 5, 12, 25, 40])
def test_beta_one_tables_agree(k: int) -> None:
    shipped = load_table(k, rebuild=False)
    assert coefficient_matrix(k, "loop_equations") == shipped
    assert coefficient_matrix(k, "loop_equations", beta=1).engine == "loop_equations"


@given(st.lists(st.integers(0, 5), min_size=1, max_size=4).filter(lambda p: 0 < sum(p) <= 9))
def test_beta_one_multi_trace_is_the_stein_recursion(parts: list[int]) -> None:
    assert moment_terms_at(parts, 1) == multi_trace_moment(parts)
    assert moment_expression(parts) == sympy.Add(
        *(c * n**a * m**b for (a, b), c in multi_trace_moment(parts).items())
    )


def test_general_polynomial_specialises() -> None:
    for parts in ([5], [3, 2], [2, 1, 1]):
        general = moment_expression(parts, beta=None)
        for beta in (1, 2, 4, sympy.Rational(2, 3)):
            assert sympy.expand(general.subs(BETA, beta) - moment_expression(parts, beta=beta)) == 0
    x = sympy.Symbol("x", positive=True)
    assert (
        sympy.expand(
            moment([2, 2], n=n, m=m, beta=x) - moment_expression([2, 2], beta=None).subs(BETA, x)
        )
        == 0
    )


def test_symmetry_n_m_every_beta() -> None:
    """S and X^* X share their nonzero eigenvalues (beta = 1, 2, 4); the polynomial identity
    holds for every beta (the recursion lives in n + m and nm)."""
    for parts in ([6], [3, 3], [4, 1, 1]):
        for beta in (None, 4, Fraction(1, 3)):
            e = moment_expression(parts, beta=beta)
            assert sympy.expand(e - e.subs({n: m, m: n}, simultaneous=True)) == 0


def test_numeric_kinds() -> None:
    exact = moment([3, 1], n=sympy.Rational(15, 2), m=3, beta=Fraction(1, 2))
    assert isinstance(exact, sympy.Rational)
    assert exact == moment([3, 1], n=Fraction(15, 2), m=sympy.Integer(3), beta="1/2")
    floating = moment([3, 1], n=7.5, m=3, beta=0.3)
    assert isinstance(floating, sympy.Float)
    want = moment_expression([3, 1], beta=None).subs({n: 7.5, m: 3, BETA: 0.3})
    assert abs(float(floating) - float(want)) <= 1e-9 * abs(float(want))
    assert moment([2], n=7, m=3, beta=0.5) == moment([2], n=7, m=3, beta=Fraction(1, 2))
    assert moment(2, n=7, m=3) == moment([2], n=7, m=3)
    assert moment([0, 2], n=7, m=3) == 3 * moment([2], n=7, m=3)  # tr S^0 = m


def test_three_term_is_single_trace_only() -> None:
    from wishart_moments.engines import three_term

    assert three_term.moment_terms([6]) == moment_terms_at([6], 2)
    with pytest.raises(ValueError, match="single traces"):
        three_term.moment_terms([2, 1])


def test_exports_and_light_import() -> None:
    assert wm.moment is moment and wm.moment_expression is moment_expression
    assert "moment_matrix" in dir(wm)


# ---------------------------------------------------------------- tables: shipped, JSON, Fractions


def test_shipped_tables_load_and_match_the_engine() -> None:
    for k in (1, 2, 7, 20, 40):
        for beta in (2, 4):
            cm = load_table(k, beta=beta, rebuild=False)
            assert cm.beta == beta and cm == coefficient_matrix(k, beta=beta)
            assert cm.violations() == []
    for k in (1, 3, 10, 20):
        assert read_polynomial(SHIPPED_DIRECTORY / "general" / f"k{k:02d}.json") == moment_terms(
            [k]
        )
        assert load_polynomial(k) == moment_terms([k])
    assert load_polynomial(23) == moment_terms([23])  # not shipped: computed


def test_shipped_beta_tables_match_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((SHIPPED_DIRECTORY / "schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    for folder in ("beta2", "beta4"):
        files = sorted((SHIPPED_DIRECTORY / folder).glob("k*.json"))
        assert len(files) == 40
        for path in files[::7]:
            validator.validate(json.loads(path.read_text()))
    doc = json.loads((SHIPPED_DIRECTORY / "beta4" / "k03.json").read_text())
    doc["format_version"] = 1  # a real-format file may not carry fractions or beta
    assert not validator.is_valid(doc)


def test_json_round_trip_with_fractions(tmp_path: Path) -> None:
    cm = coefficient_matrix(9, beta=Fraction(3, 2))
    assert any(isinstance(c, Fraction) for row in cm for c in row)
    path = save_table(cm, tmp_path)
    assert path == tmp_path / "beta3_2" / "k09.json"
    back = read_table(path)
    assert back == cm and back.beta == Fraction(3, 2) and back.engine == "loop_equations"
    raw = json.loads(path.read_text())
    assert raw["beta"] == "3/2" and raw["format_version"] == 2 and raw["sha256"] == checksum(raw)
    assert [[Fraction(c) for c in row] for row in raw["matrix"]] == cm.tolist()
    assert Fraction(raw["total"]) == expected_total(9, Fraction(3, 2)) == cm.total()
    assert load_table(9, tmp_path, beta=Fraction(3, 2), rebuild=False) == cm
    with pytest.raises(ValueError, match="expected beta=2"):
        read_table(path, beta=2)


def test_corrupt_beta_table(tmp_path: Path) -> None:
    path = save_table(coefficient_matrix(5, beta=4), tmp_path)
    doc = json.loads(path.read_text())
    doc["matrix"][1][0] = "-5/2"
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="checksum"):
        read_table(path)
    doc["sha256"] = checksum(doc)
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match=r"sum to|persymmetric"):
        read_table(path)
    with pytest.warns(UserWarning, match=r"sum to|persymmetric"):  # skipped: the shipped copy
        assert load_table(5, tmp_path, beta=4) == coefficient_matrix(5, beta=4)
    assert path.read_text() == json.dumps(doc)  # a directory that is read is never rewritten


def test_polynomial_file_round_trip_and_corruption(tmp_path: Path) -> None:
    terms = moment_terms([6])
    path = save_polynomial(6, terms, tmp_path)
    assert read_polynomial(path, k=6) == terms
    doc = json.loads(path.read_text())
    doc["terms"][0][3] = "2"
    doc["sha256"] = checksum(doc)
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="corrupt"):
        read_polynomial(path)
    with pytest.warns(UserWarning, match="corrupt.*skipping it"):
        assert load_polynomial(6, tmp_path) == terms
    with pytest.raises(ValueError, match="invalid polynomial"):
        save_polynomial(6, {**terms, (6, 1, 0): 2}, tmp_path)


def test_coefficient_matrix_fraction_type() -> None:
    cm = CoefficientMatrix([[1, 0], [Fraction(-1, 2), 1]], beta=4, engine="loop_equations")
    assert cm == coefficient_matrix(2, beta=4) and cm.violations() == []
    assert cm != coefficient_matrix(2, beta=2)
    assert cm.evaluate(Fraction(3), Fraction(2)) == moment([2], n=3, m=2, beta=4)
    assert "beta=4" in repr(cm) and "-1/2" in str(cm)
    bad = CoefficientMatrix([[1, 0], [Fraction(-1, 3), 1]], beta=4)
    assert bad.violations()
    with pytest.raises(ValueError, match="exact"):
        CoefficientMatrix([[1.5]])


# ---------------------------------------------------------------- Monte Carlo (dense samplers)


def _complex_gaussian(rng: np.random.Generator, shape: tuple[int, ...], var: float) -> np.ndarray:
    scale = np.sqrt(var / 2)
    return scale * (rng.standard_normal(shape) + 1j * rng.standard_normal(shape))


@pytest.mark.parametrize(("beta", "parts"), [(2, (3,)), (2, (2, 1)), (4, (2,)), (4, (3,))])
def test_monte_carlo_complex_and_quaternion(beta: int, parts: tuple[int, ...]) -> None:
    """Dense samplers: complex X with E|x|^2 = 1; quaternion X as the 2m x 2n complex matrix
    [[A, B], [-conj(B), conj(A)]] with E|a|^2 = E|b|^2 = 1/2, whose trace is twice the real
    part of the quaternion trace. 20,000 samples, 5 standard errors."""
    m0, n0, samples = 3, 4, 20_000
    rng = np.random.default_rng([beta, *parts])
    if beta == 2:
        x = _complex_gaussian(rng, (samples, m0, n0), 1.0)
        traces_scale = 1.0
    else:
        a = _complex_gaussian(rng, (samples, m0, n0), 0.5)
        b = _complex_gaussian(rng, (samples, m0, n0), 0.5)
        x = np.block([[a, b], [-b.conj(), a.conj()]])
        traces_scale = 0.5
    s = x @ x.conj().transpose(0, 2, 1)
    eig = np.linalg.eigvalsh(s)
    values = np.ones(samples)
    for p in parts:
        values *= traces_scale * (eig**p).sum(axis=1)
    mean, se = values.mean(), values.std() / np.sqrt(samples)
    exact = float(moment(list(parts), n=n0, m=m0, beta=beta))
    assert abs(mean - exact) < 5 * se, (mean, exact, se)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"parts": []}, "nonempty"),
        ({"parts": [-1]}, "nonnegative"),
        ({"parts": [2.0]}, "nonnegative"),
        ({"parts": "21"}, "nonempty list"),
        ({"parts": [2], "m": 2.5}, "m must be a positive integer"),
        ({"parts": [2], "m": 0}, "m must be a positive integer"),
        ({"parts": [2], "m": None}, "m .* is required"),
        ({"parts": [2], "n": 0}, "n must be > 0"),
        ({"parts": [2], "n": float("nan")}, "finite"),
        ({"parts": [2], "n": Fraction(3, 2)}, "n > m - 1"),
        ({"parts": [2], "beta": 0}, "beta must be > 0"),
        ({"parts": [2], "beta": -2.0}, "beta must be > 0"),
        ({"parts": [2], "beta": float("nan")}, "beta"),
        ({"parts": [2], "beta": "x"}, "beta must be an exact rational"),
        ({"parts": [2], "beta": True}, "beta"),
    ],
)
def test_bad_input(kwargs: dict, match: str) -> None:
    args = {"n": 5, "m": 3, **kwargs}
    with pytest.raises(ValueError, match=match):
        moment(**args)


def test_bad_input_expression_and_tables() -> None:
    with pytest.raises(ValueError, match="cov must be None or 'general'"):
        moment_expression([2], cov=[[1]])
    with pytest.raises(ValueError, match="beta must be > 0"):
        moment_expression([2], beta=-1)
    with pytest.raises(ValueError, match=r"not an exact binary fraction.*1/10"):
        coefficient_matrix(3, beta=0.1)
    with pytest.raises(ValueError, match="engine 'zonal' computes beta=1 only"):
        coefficient_matrix(3, "zonal", beta=2)
    with pytest.raises(ValueError, match="positive integer"):
        coefficient_matrix(0, beta=2)


# ---------------------------------------------------------------- other derivations (if present)


def test_tables_agree_with_the_other_engines() -> None:
    """Schur functions and the genus expansion (beta = 2) and the Jack route (any beta) give the
    same tables as the loop equations, where those engines are installed."""
    from wishart_moments.coefficients import engine_available

    checks = [("three_term", 2, 45), ("schur", 2, 30), ("permutations", 2, 7), ("jack", 2, 8)]
    checks += [("jack", 4, 8)]
    checks += [("jack", Fraction(1, 2), 7), ("jack", 3, 7), ("jack", 1, 8)]
    ran = 0
    for engine, beta, top in checks:
        if not engine_available(engine):
            continue
        for k in range(1, top + 1):
            other = coefficient_matrix(k, engine, beta=beta)
            assert other.matrix == coefficient_matrix(k, "loop_equations", beta=beta).matrix
        ran += 1
    if not ran:
        pytest.skip("no other beta engine installed")


@pytest.mark.parametrize("parts", [(2, 1), (3, 2), (2, 2, 1), (4, 1)])
def test_multi_trace_agrees_with_the_other_engines(parts: tuple[int, ...]) -> None:
    from wishart_moments.coefficients import engine_available

    if engine_available("schur"):
        from wishart_moments.engines import schur

        assert schur.moment_terms(parts) == moment_terms_at(parts, 2)
    if not engine_available("jack"):
        pytest.skip("jack engine not installed")
    from wishart_moments.engines import jack

    for beta in (2, 4, Fraction(2, 3)):
        assert jack.moment_terms(parts, beta) == moment_terms_at(parts, beta)


def test_trace_moment_takes_beta() -> None:
    sigma = sympy.Symbol("sigma")  # the user's own symbol
    for beta in (2, 4, Fraction(1, 3)):
        want = sigma**6 * moment_expression([3], beta=beta)
        assert sympy.expand(wm.trace_moment(3, beta=beta) - want) == 0


def test_shipped_polynomials_match_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((SHIPPED_DIRECTORY / "general" / "schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted((SHIPPED_DIRECTORY / "general").glob("k*.json"))
    assert len(files) == 20
    for path in files:
        validator.validate(json.loads(path.read_text()))
    doc = json.loads(files[2].read_text())
    doc["terms"][0][3] = 1  # a JSON number, not a string
    assert not validator.is_valid(doc)


@pytest.mark.parametrize("parts", [(5,), (7,), (3, 2), (2, 2, 1), (4, 1, 1)])
def test_general_polynomial_agrees_with_the_jack_interpolation(parts: tuple[int, ...]) -> None:
    """The Jack route interpolated in alpha (jack.moment_terms_general) is independent."""
    jack = pytest.importorskip("wishart_moments.engines.jack")
    if not hasattr(jack, "moment_terms_general"):
        pytest.skip("this jack engine has no moment_terms_general")
    assert jack.moment_terms_general(parts) == moment_terms(parts)
