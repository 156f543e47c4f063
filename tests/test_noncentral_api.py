"""Noncentral Wishart API: the entry points of wishart_moments, Monte Carlo with the dense
samplers (real and complex, seeded), bad input refused, the CLI."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import numpy as np
import pytest
import sympy
from cli_runner import run
from hypothesis import given
from hypothesis import strategies as st

import wishart_moments as wm
from wishart_moments.noncentral import (
    MAX_DEGREE_IDENTITY,
    MAX_DEGREE_WORDS,
    noncentral_moment,
    noncentral_moment_matrix,
)
from wishart_moments.sampling import sample_noncentral_wishart, trace_power_sums

SIGMA = [[2, 1], [1, 3]]
OMEGA = [[1, 0], [0, 2]]


def test_top_level_entry_points() -> None:
    assert wm.moment([2], n=5, omega=OMEGA, cov=SIGMA) == 706
    mean = [[1, 0, 0, 0, 0], [0, 1, 1, 0, 0]]
    assert wm.moment([2], n=5, mean=mean, cov=SIGMA) == 706
    assert wm.moment_matrix([], 1, n=5, omega=OMEGA, cov=SIGMA) == 5 * sympy.Matrix(
        SIGMA
    ) + sympy.Matrix(OMEGA)
    assert wm.moment_matrix([], 1, n=5, omega=OMEGA) == sympy.Matrix([[6, 0], [0, 7]])
    expr = wm.moment_expression([2], noncentral=True)
    n, m, w1, w2 = sympy.symbols("n m w1 w2")
    assert sympy.expand(expr - (m * n * (m + n + 1) + 2 * (m + n + 1) * w1 + w2)) == 0
    words = wm.moment_expression([1], noncentral=True, cov="general", power=1)
    assert set(words) == {"O", "S", "OS", "SO", "S2"}
    assert wm.moment([1, 0], n=5, omega=OMEGA) == 2 * wm.moment([1], n=5, omega=OMEGA)


def test_symbolic_n_gives_a_polynomial() -> None:
    n = sympy.Symbol("n")
    poly = wm.moment([2, 1], n=n, omega=OMEGA, cov=SIGMA)
    assert sympy.Poly(poly, n).degree() == 3
    for value in (1, 4, 9):
        assert poly.subs(n, value) == wm.moment([2, 1], n=value, omega=OMEGA, cov=SIGMA)
    user_n = sympy.symbols("n")
    assert wm.moment_expression([2], noncentral=True).subs(user_n, 3).free_symbols == set(
        sympy.symbols("m w1 w2")
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"omega": OMEGA, "mean": [[1, 0]]}, "either mean"),
        ({"omega": [[1, 0], [0, -2]]}, "not positive semidefinite"),
        ({"omega": [[1, 2], [0, 2]]}, "not symmetric"),
        ({"omega": [[1, 0], [0, 2]], "inverse": True}, "infinite series"),
        ({"omega": [[1, sympy.I], [-sympy.I, 2]]}, "needs beta=2"),
        ({"omega": [[1, 0], [0, 2]], "beta": 4}, "beta must be 1"),
        ({"omega": [[1, 0], [0, 2]], "cov": [[1, 0, 0]] * 3}, "not symmetric|3 x 3"),
        ({"omega": [[1, 0], [0, 2]], "cov": [[1, 2], [2, 1]]}, "not positive definite"),
        ({"mean": [[1, 0], [0, 1]]}, "2 columns but n=5"),
        ({"omega": [[1, float("nan")], [0, 2]]}, "NaN"),
        ({"omega": [[1, 0]]}, "square"),
        ({"omega": "1,0;0,2"}, "must be a matrix"),
        ({"omega": [[1, 0], [0, 2]], "m": 3}, "does not match"),
    ],
)
def test_bad_input(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        wm.moment([2], n=5, **kwargs)


def test_bad_input_more() -> None:
    with pytest.raises(ValueError, match="integer n"):
        wm.moment([2], n=sympy.Symbol("n"), mean=[[1, 0]])
    with pytest.raises(ValueError, match="infinite series"):
        wm.moment_matrix([1], 1, n=5, omega=OMEGA, inverse=True)
    with pytest.raises(ValueError, match="infinite series"):
        wm.moment_expression([1], noncentral=True, inverse=True)
    with pytest.raises(ValueError, match="needs noncentral=True"):
        wm.moment_expression([1], power=1)
    with pytest.raises(ValueError, match="'general'"):
        wm.moment_expression([1], noncentral=True, cov="diagonal")
    with pytest.raises(ValueError, match="for a given matrix"):
        wm.moment_expression([1], noncentral=True, cov=[[1, 0], [0, 1]])
    with pytest.raises(ValueError, match="nonnegative"):
        wm.moment([-1], n=5, omega=OMEGA)
    with pytest.raises(ValueError, match="n must be positive"):
        wm.moment([1], n=0, omega=OMEGA)


def test_orders_beyond_the_engines_are_refused_at_once() -> None:
    start = time.perf_counter()
    with pytest.raises(ValueError, match=f"limit .* is {MAX_DEGREE_WORDS}"):
        wm.moment_expression([MAX_DEGREE_WORDS + 1], noncentral=True, cov="general")
    with pytest.raises(ValueError, match=f"limit at Sigma = I is {MAX_DEGREE_IDENTITY}"):
        wm.moment_expression([MAX_DEGREE_IDENTITY], noncentral=True, power=1)
    with pytest.raises(ValueError, match="order sum\\(parts\\) \\+ power = 40"):
        wm.moment([20, 20], n=5.0, omega=np.eye(2), cov=np.array(SIGMA, float))
    assert time.perf_counter() - start < 1.0


def test_sigma_multiple_of_identity_takes_the_commutative_engine() -> None:
    """c I (exact or float) gives the same value through the Sigma = I polynomial."""
    omega = [[2, 1, 0], [1, 2, 1], [0, 1, 3]]
    for mu in [(3,), (2, 2)]:
        three = [[3, 0, 0], [0, 3, 0], [0, 0, 3]]
        general = noncentral_moment(mu, n=4, omega=omega, cov=three, engine="stein")
        assert noncentral_moment(mu, n=4, omega=omega, cov=three) == general
        c = sympy.Symbol("c")
        expr = wm.moment_expression(mu, noncentral=True, cov=c)
        subs = {c: 3, sympy.Symbol("n"): 4, sympy.Symbol("m"): 3}
        om = sympy.Matrix(omega)
        subs.update({sympy.Symbol(f"w{j}"): (om**j).trace() for j in range(1, 5)})
        assert expr.subs(subs) == general
    big = noncentral_moment([18], n=10, omega=np.diag([1.0, 2.0]))
    assert big.is_Float and big > 0


# ---------------------------------------------------------------------------------------------
# Monte Carlo


def _monte_carlo(mean: np.ndarray, sigma: np.ndarray, beta: int, parts: list, seed: int):
    samples = sample_noncentral_wishart(mean, sigma, beta, 40_000, seed)
    values = trace_power_sums(samples, parts, beta=beta)
    return values.mean(), values.std(ddof=1) / np.sqrt(len(values)), samples


@given(
    beta=st.sampled_from([1, 2]),
    m=st.integers(1, 3),
    n=st.integers(1, 4),
    parts=st.sampled_from([[1], [2], [3], [1, 1], [2, 1]]),
    seed=st.integers(0, 2**31 - 1),
)
def test_monte_carlo(beta: int, m: int, n: int, parts: list, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((m, m))
    sigma = a @ a.T / m + 0.5 * np.eye(m)
    mean = rng.standard_normal((m, n))
    if beta == 2:
        mean = mean + 1j * rng.standard_normal((m, n))
        b = rng.standard_normal((m, m)) + 1j * rng.standard_normal((m, m))
        sigma = b @ b.conj().T / m + 0.5 * np.eye(m)
    estimate, error, samples = _monte_carlo(mean, sigma, beta, parts, seed + 1)
    exact = float(noncentral_moment(parts, n=n, mean=mean, cov=sigma, beta=beta))
    assert abs(estimate - exact) <= 5 * error + 1e-9 * abs(exact)
    ew = np.array(noncentral_moment_matrix([], 1, n=n, mean=mean, cov=sigma, beta=beta), complex)
    assert np.allclose(ew, n * sigma + mean @ mean.conj().T)
    ew2 = np.array(noncentral_moment_matrix([], 2, n=n, mean=mean, cov=sigma, beta=beta), complex)
    w2 = samples @ samples
    err = w2.std(axis=0) / np.sqrt(len(samples))
    assert np.all(np.abs(w2.mean(axis=0) - ew2) <= 5 * err + 1e-9 * np.abs(ew2).max())


def test_monte_carlo_catches_a_wrong_formula() -> None:
    """The error bars of the Monte Carlo check are narrow enough: the central moment (Omega
    dropped) and the complex formula used for real data both fall outside them."""
    mean = np.array([[1.0, 0.5, 0.0], [0.0, 1.0, 1.0]])
    sigma = np.array([[1.0, 0.3], [0.3, 1.0]])
    estimate, error, _ = _monte_carlo(mean, sigma, 1, [2], 7)
    right = float(noncentral_moment([2], n=3, mean=mean, cov=sigma))
    wrong_central = float(wm.moment([2], n=3, cov=sigma))
    wrong_field = float(noncentral_moment([2], n=3, mean=mean, cov=sigma, beta=2))
    assert abs(estimate - right) <= 5 * error
    assert abs(estimate - wrong_central) > 5 * error and abs(estimate - wrong_field) > 5 * error


def test_sampler_input() -> None:
    with pytest.raises(ValueError, match="complex mean needs beta=2"):
        sample_noncentral_wishart([[1j]], None, 1, 3, 0)
    with pytest.raises(ValueError, match="beta must be 1"):
        sample_noncentral_wishart([[1.0]], None, 4, 3, 0)
    with pytest.raises(ValueError, match="rows"):
        sample_noncentral_wishart([[1.0]], np.eye(2), 1, 3, 0)
    a = sample_noncentral_wishart([[1.0, 2.0]], None, 1, 5, 3)
    b = sample_noncentral_wishart([[1.0, 2.0]], None, 1, 5, 3)
    assert a.shape == (5, 1, 1) and np.array_equal(a, b)


# ---------------------------------------------------------------------------------------------
# command line


def test_cli_moment(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(
        ["moment", "--parts", "2", "--n", "5", "--omega", "1,0;0,2", "--cov", "2,1;1,3"], capsys
    )
    assert code == 0 and out.strip() == "706"
    mean = np.array([[1.0, 0, 0, 0, 0], [0, 1.0, 1.0, 0, 0]])
    np.save(tmp_path / "M.npy", mean)
    code, out, _ = run(
        ["moment", "--parts", "2", "--mean-file", str(tmp_path / "M.npy"), "--cov", "2,1;1,3"],
        capsys,
    )
    assert code == 0 and float(out) == pytest.approx(706)
    (tmp_path / "O.json").write_text(json.dumps([["1", 0], [0, "2"]]))
    code, out, _ = run(
        ["moment", "--parts", "2", "--n", "5", "--omega-file", str(tmp_path / "O.json")], capsys
    )
    assert code == 0 and out.strip() == str(wm.moment([2], n=5, omega=OMEGA))
    code, out, _ = run(
        [
            "moment",
            "--parts",
            "1",
            "--n",
            "3",
            "--omega",
            "2,1+i;1-i,3",
            "--beta",
            "2",
            "--power",
            "1",
            "--format",
            "json",
        ],
        capsys,
    )
    doc = json.loads(out)
    assert code == 0 and doc["power"] == 1
    back = sympy.Matrix([[sympy.sympify(x) for x in r] for r in doc["result"]])
    assert back == wm.moment_matrix([1], 1, n=3, omega=[[2, 1 + sympy.I], [1 - sympy.I, 3]], beta=2)
    code, out, _ = run(["moment", "--parts", "2", "--noncentral", "--cov", "general"], capsys)
    expr = sympy.sympify(out.strip(), locals={"t_OS": sympy.Symbol("t_OS")})
    assert (
        code == 0
        and sympy.expand(expr - wm.moment_expression([2], noncentral=True, cov="general")) == 0
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--omega", "1,x;0,2"], "--omega entry 'x' is not a number"),
        (["--omega", "1,0"], "--omega must be a square matrix"),
        (["--omega", "1,0;0,-1"], "not positive semidefinite"),
        (["--omega", "1,0;0,1", "--inverse"], "--inverse cannot be combined"),
        (["--omega", "1,0;0,1", "--beta", "4"], "beta must be 1"),
        (["--omega", "1,0;0,1", "--cov", "general"], "--cov general goes with --noncentral"),
        (["--omega-file", "missing.json"], "No such file|missing"),
        (["--omega-file", "O.txt"], "must end in .npy or .json"),
        (["--noncentral", "--omega", "1"], "not allowed with argument|give no --omega"),
    ],
)
def test_cli_errors(capsys: pytest.CaptureFixture[str], argv: list, message: str) -> None:
    base = ["moment", "--parts", "2", "--n", "5"]
    code, out, err = run(base + argv, capsys)
    assert code == 2 and not out and len(err.strip().splitlines()) == 1
    assert re.search(message, err), err


def test_cli_verify_noncentral(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["verify-noncentral", "--kmax", "3", "--power-max", "1"], capsys)
    assert code == 0 and out.strip().endswith("0 failure(s): ok")
    code, _, err = run(["verify-noncentral", "--kmax", "40"], capsys)
    assert code == 2 and "--kmax" in err
