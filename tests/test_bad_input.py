"""Malformed and oversized input at every public entry point: refused at once, nothing written.

Two tables drive the test: ``API`` (an entry point and a strategy of calls to it that differ from
a valid call in one bad argument) and ``CLI`` (a subcommand and a strategy of bad argument lists).
Every example must raise ``ValueError`` or ``TypeError`` (API), or print one line ``... error:
...`` on stderr and exit non-zero (CLI), within ``BOUND_S`` seconds, leaving no file behind in the
working directory, the user cache (``XDG_CACHE_HOME``) or the packages. The valid call of each
row is run too, so a row cannot pass because its base call was broken.

A new entry point is covered by one line in ``API`` or ``CLI``; the coverage tests fail until it
is (every callable in ``__all__`` of both packages, every subcommand of the CLI).
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import math
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import lipschitz_layers
import wishart_moments as wm
from lipschitz_layers import init as ll_init
from lipschitz_layers import lyapunov as ll_lyapunov
from wishart_moments import limits
from wishart_moments.cli import build_parser, main

BOUND_S = 1.0  # each refusal, measured; a hang is stopped by an alarm at HANG_S
HANG_S = 20
PACKAGES = [Path(wm.__file__).parent, Path(lipschitz_layers.__file__).parent]
COUNT: dict[str, float] = {"api": 0, "cli": 0, "slowest_s": 0.0}

# ------------------------------------------------------------------------------------------------
# Bad values


def huge_int(above: int) -> st.SearchStrategy[int]:
    """Integers past ``above``: just past it, and far past it (up to 40 digits)."""
    return st.one_of(st.integers(above + 1, above + 3), st.integers(above + 1, 10**40))


NOT_A_NUMBER = st.one_of(
    st.none(),
    st.booleans(),
    st.text(alphabet="abc xyz,;/-", max_size=6),
    st.lists(st.integers(1, 3), max_size=2),
    st.just(object()),
    st.just(1 + 2j),
)
NONFINITE = st.sampled_from([math.nan, math.inf, -math.inf])


def bad_order(limit: int | None) -> st.SearchStrategy[Any]:
    """Not a positive integer, or past ``limit``."""
    bad = [
        st.integers(max_value=0),
        st.floats(),
        NOT_A_NUMBER,
    ]
    if limit is not None:
        bad.append(huge_int(limit))
    return st.one_of(*bad)


def bad_positive_real() -> st.SearchStrategy[Any]:
    return st.one_of(st.floats(max_value=0.0), st.integers(max_value=0), NONFINITE, NOT_A_NUMBER)


BAD_BETA = st.one_of(
    st.integers(max_value=0),
    st.floats(max_value=0.0),
    NONFINITE,
    st.sampled_from(["x", "1/0", "-2", "", "beta2"]),
    st.booleans(),
    st.just(1 + 1j),
    st.lists(st.integers(1, 4), min_size=1, max_size=2),
)


def bad_parts(limit: int, even: bool = False) -> st.SearchStrategy[Any]:
    """Parts that are not nonnegative integers, or whose total order is past ``limit`` (an even
    total with ``even``: an odd moment of a symmetric ensemble is 0 at once, not an error)."""
    if even:
        return st.one_of(
            bad_parts(limit).filter(lambda p: not (isinstance(p, list) and _odd_total(p))),
            huge_int(limit // 2).map(lambda k: [2 * k]),
        )
    return st.one_of(
        st.lists(st.integers(max_value=-1), min_size=1, max_size=3),
        st.lists(st.floats(0.5, 3.5).filter(lambda x: not x.is_integer()), min_size=1, max_size=2),
        st.sampled_from(["3,1", b"2", None, [[2]], [2, "1"], [True], [None], 2.5, -3]),
        huge_int(limit).map(lambda k: [k]),
        st.integers(limit // 2 + 1, 10**6).map(lambda h: [h, h]),
    )


def _odd_total(parts: list) -> bool:
    try:
        return sum(parts) % 2 == 1
    except TypeError:
        return False


def bad_cov() -> st.SearchStrategy[Any]:
    return st.sampled_from(
        [
            np.ones(3),
            np.zeros((0, 0)),
            np.ones((2, 3)),
            np.array([[1.0, 2.0], [0.0, 1.0]]),  # not symmetric
            np.array([[1.0, 2.0], [2.0, 1.0]]),  # not positive definite
            np.array([[np.nan, 0.0], [0.0, 1.0]]),
            np.ones((2, 2, 2)),
            [[1, 2], [3]],
            [["a", "b"], ["c", "d"]],
            [],
            "2,1;1,3",
            5,
            [[-1]],
        ]
    )


def calls(args: tuple, kwargs: dict, **bad: st.SearchStrategy) -> st.SearchStrategy:
    """Calls ``(args, kwargs)`` that differ from the valid ``(args, kwargs)`` in one argument,
    drawn from ``bad[name]`` (a positional argument is named ``_0``, ``_1``, ...)."""

    def replace(name: str, value: Any) -> tuple[tuple, dict]:
        if name.startswith("_") and name[1:].isdigit():
            new_args = list(args)
            new_args[int(name[1:])] = value
            return tuple(new_args), dict(kwargs)
        return args, {**kwargs, name: value}

    return st.one_of(
        *(strategy.map(lambda v, n=name: replace(n, v)) for name, strategy in bad.items())
    )


# ------------------------------------------------------------------------------------------------
# The API table: name -> (callable, the valid call (args, kwargs), strategy of bad calls)

L = limits.limit
EYE2 = [[1, 0], [0, 1]]
NONCENTRAL_GENERAL = wm.noncentral_moment_expression([1], cov="general")
WEIGHT = torch.randn(4, 3)


def _is_psd_2x2(c: Any) -> bool:
    """Whether ``c`` is a valid 2 x 2 Omega (nonnegative definite) for the EYE2 rows: those are
    not bad values there."""
    try:
        a = np.asarray(c, dtype=float)
        return a.shape == (2, 2) and bool(np.all(np.linalg.eigvalsh(a) >= 0)) and (a == a.T).all()
    except (TypeError, ValueError):
        return False


def _row(fn: Callable, args: tuple, kwargs: dict, **bad: st.SearchStrategy) -> tuple:
    """A row; each bad keyword must bind to a parameter the valid call leaves free (else every
    example would fail for the wrong reason: a duplicate argument)."""
    signature = inspect.signature(fn)
    for name in bad:
        if not name.startswith("_"):
            signature.bind_partial(*args, **{**kwargs, name: None})
    return fn, (args, kwargs), calls(args, kwargs, **bad)


def _api_table() -> dict[str, tuple]:
    cm3 = wm.coefficient_matrix(3)
    return {
        "CoefficientMatrix": _row(
            wm.CoefficientMatrix,
            ([[1, 0], [1, 1]],),
            {},
            _0=st.sampled_from([[], [[1, 2], [3]], [["x"]], "12", None, [[1.5]], 3]),
            beta=BAD_BETA,
        ),
        "coefficient_matrix": _row(
            wm.coefficient_matrix,
            (3,),
            {},
            _0=bad_order(L("recursion")),
            beta=BAD_BETA,
            engine=st.sampled_from(["", "wick", 3, "RECURSION"]),
        ),
        "coefficient_matrix(five_term)": _row(
            wm.coefficient_matrix, (3, "five_term"), {}, _0=bad_order(L("five_term"))
        ),
        "coefficient_matrix(beta=2)": _row(
            wm.coefficient_matrix, (3,), {"beta": 2}, _0=bad_order(L("three_term"))
        ),
        "coefficient_matrix(beta=4)": _row(
            wm.coefficient_matrix, (3,), {"beta": 4}, _0=bad_order(L("loop_equations"))
        ),
        "double_factorial": _row(
            wm.double_factorial,
            (7,),
            {},
            _0=st.one_of(NOT_A_NUMBER, huge_int(L("double_factorial")), st.integers(max_value=-2)),
        ),
        "engine_limit": _row(
            wm.engine_limit, ("matchings",), {}, _0=st.sampled_from(["", "x", None, 3])
        ),
        "five_term_matrix": _row(wm.five_term_matrix, (3,), {}, _0=bad_order(L("five_term"))),
        "generalized_pochhammer": _row(
            wm.generalized_pochhammer,
            (2, (2, 1)),
            {},
            _1=st.one_of(
                st.sampled_from([(), (1, 2), (-1,), "21", None, (1.5,)]),
                huge_int(L("zonal-closed-form")).map(lambda k: (k,)),
            ),
            alpha=st.sampled_from([0, None, "1/0"]),
        ),
        "generate_tables": _row(
            wm.generate_tables,
            (2,),
            {"out": "tables-out"},
            _0=bad_order(L("recursion")),
            kmin=st.one_of(st.integers(max_value=0), st.integers(3, 10**6)),
            engine=st.sampled_from(["", "x", 2]),
            beta=BAD_BETA,
        ),
        "james_expectation": _row(
            wm.james_expectation,
            ((2, 1),),
            {},
            _0=st.one_of(
                st.sampled_from([(), (1, 2), (-1,), "21", None]),
                huge_int(L("zonal-closed-form")).map(lambda k: (k,)),
            ),
        ),
        "load_table": _row(
            wm.load_table,
            (3,),
            {},
            _0=bad_order(L("recursion")),
            beta=BAD_BETA,
        ),
        "matchings_matrix": _row(wm.matchings_matrix, (3,), {}, _0=bad_order(L("matchings"))),
        "moment": _row(
            wm.moment,
            ([2, 1],),
            {"n": 5, "m": 3},
            _0=bad_parts(L("loop_equations")),
            n=st.one_of(bad_positive_real(), st.just("5")),
            m=st.one_of(bad_positive_real(), st.just(2.5)),
            beta=BAD_BETA,
        ),
        "moment(cov)": _row(
            wm.moment,
            ([2],),
            {"n": 5, "cov": EYE2},
            _0=bad_parts(L("stein-numeric")),
            cov=bad_cov(),
            n=bad_positive_real(),
            beta=BAD_BETA,
        ),
        "moment(inverse)": _row(
            wm.moment,
            ([1],),
            {"n": 9, "cov": EYE2, "inverse": True},
            _0=bad_parts(L("stein-inverse-numeric")),
            n=st.one_of(bad_positive_real(), st.sampled_from([1, 2, 2.5])),  # 2 too few for m=2
        ),
        "moment_expression": _row(
            wm.moment_expression,
            ([2],),
            {},
            _0=bad_parts(L("loop_equations")),
            beta=BAD_BETA,
            cov=st.sampled_from(["specific", 3, "I", [[1, 2], [3]]]),
        ),
        "moment_expression(general beta)": _row(
            wm.moment_expression,
            ([2],),
            {"beta": None},
            _0=huge_int(L("loop_equations-general")).map(lambda k: [k]),
        ),
        "moment_expression(cov)": _row(
            wm.moment_expression,
            ([2],),
            {"cov": "general"},
            _0=bad_parts(L("stein")),
            beta=BAD_BETA,
        ),
        "moment_expression(inverse)": _row(
            wm.moment_expression,
            ([2],),
            {"cov": "general", "inverse": True},
            _0=bad_parts(L("stein-inverse")),
        ),
        "moment_matrix": _row(
            wm.moment_matrix,
            ([1], 1),
            {"n": 5, "cov": EYE2},
            _0=bad_parts(L("stein-numeric")),
            _1=st.one_of(st.integers(max_value=-1), huge_int(L("stein-numeric")), NOT_A_NUMBER),
            cov=bad_cov(),
            n=bad_positive_real(),
        ),
        "multi_trace_moment": _row(
            wm.multi_trace_moment, ([2, 1],), {}, _0=bad_parts(L("recursion"))
        ),
        "output_variance": _row(
            wm.output_variance,
            (4, 5, 0.1),
            {},
            _0=bad_order(None),
            _1=bad_order(None),
            _2=bad_positive_real(),
            alpha=bad_positive_real(),
            gamma=bad_positive_real(),
            method=st.sampled_from(["", "magic", None, 3]),
            tol=bad_positive_real(),
            samples=st.one_of(st.integers(max_value=1), st.floats(2.5, 9.5), st.just("100")),
            seed=st.one_of(st.integers(max_value=-1), st.just("x")),
        ),
        "output_variance(monte_carlo)": _row(
            wm.output_variance,
            (4, 5, 0.1),
            {"method": "monte_carlo", "tol": 0.01, "seed": 0},  # 1000 samples
            samples=huge_int(L("monte_carlo") // 4),
            tol=st.floats(1e-300, 1e-9),  # the samples 3 standard errors within tol need
        ),
        "paper_differences": _row(
            wm.paper_differences, (cm3,), {}, _0=st.sampled_from([None, "x", 3, [["a"]]])
        ),
        "paper_table": _row(wm.paper_table, (3,), {}, _0=bad_order(10)),
        "read_table": _row(
            wm.read_table,
            ("good.json",),
            {},
            _0=st.sampled_from(["bad.json", "empty.json", "vector.npy", None, 3]),
            k=st.one_of(st.integers(max_value=0), st.just(4), st.sampled_from(["x", 2.5])),
            beta=st.one_of(BAD_BETA, st.just(2)),
        ),
        "recursion_matrix": _row(wm.recursion_matrix, (3,), {}, _0=bad_order(L("recursion"))),
        "save_table": _row(
            wm.save_table,
            (cm3, "saved"),
            {},
            _0=st.sampled_from([None, [[1]], "x", 3]),
            _1=st.sampled_from(["good.json/below", 3.5]),
        ),
        "solve_sigma2": _row(
            wm.solve_sigma2,
            (4, 5, 0.5),
            {},
            _0=bad_order(None),
            _1=bad_order(None),
            _2=st.one_of(st.floats(max_value=0.0), st.floats(1.0, 1e300), NONFINITE, NOT_A_NUMBER),
            alpha=bad_positive_real(),
            tol=bad_positive_real(),
        ),
        "solve_sigma2_grid": _row(
            wm.solve_sigma2_grid,
            (4, 5, [0.2, 0.5]),
            {},
            _0=bad_order(None),
            _2=st.sampled_from([[0.2, 1.5], [-1.0], [math.nan], "x", [[0.2, "a"]]]),
            gamma=bad_positive_real(),
        ),
        "trace_moment": _row(
            wm.trace_moment, (3,), {}, _0=bad_order(L("recursion")), beta=BAD_BETA
        ),
        "trace_zonal_coefficients": _row(
            wm.trace_zonal_coefficients, (3,), {}, _0=bad_order(L("zonal"))
        ),
        "variance_series": _row(wm.variance_series, (3,), {}, _0=bad_order(L("recursion"))),
        "zonal_at_identity": _row(
            wm.zonal_at_identity,
            ((2, 1),),
            {},
            _0=st.one_of(
                st.sampled_from([(), (1, 2), (-1,), "21", None, (2.5,)]),
                huge_int(L("zonal-closed-form")).map(lambda k: (k,)),
            ),
        ),
        "zonal_expansion": _row(
            wm.zonal_expansion,
            ((2, 1),),
            {},
            _0=st.one_of(
                st.sampled_from([(), (1, 2), (-1,), "21", None]),
                huge_int(L("zonal")).map(lambda k: (k,)),
            ),
            basis=st.sampled_from(["", "schur", None]),
        ),
        "zonal_matrix": _row(wm.zonal_matrix, (3,), {}, _0=bad_order(L("zonal"))),
        "zonal_polynomial": _row(
            wm.zonal_polynomial,
            ((2, 1),),
            {},
            _0=st.one_of(
                st.sampled_from([(), (1, 2), "21"]), huge_int(L("zonal")).map(lambda k: (k,))
            ),
            basis=st.sampled_from(["", "schur"]),
            variables=st.sampled_from([(), 3, [f"x{i}" for i in range(200)]]),
        ),
        "coefficient_matrices": _row(
            wm.coefficient_matrices,
            (3,),
            {},
            _0=bad_order(L("whole-matrices")),
            beta=BAD_BETA,
            order=st.sampled_from(["", "random", 3, None]),
        ),
        "coefficient_matrices(inverse)": _row(
            wm.coefficient_matrices,
            (3,),
            {"inverse": True},
            _0=bad_order(L("whole-matrices-inverse")),
        ),
        "evaluate_words": _row(
            wm.evaluate_words,
            (NONCENTRAL_GENERAL,),
            {"omega": EYE2, "cov": EYE2, "n": 5},
            _0=st.sampled_from([None, [1], "x y", object()]),
            omega=bad_cov(),
            cov=bad_cov(),
            n=st.sampled_from(["x", math.nan, -1.0, 0]),
            beta=st.sampled_from([0, "x", None, -1]),
        ),
        "gaussian_moment": _row(
            wm.gaussian_moment,
            ([2, 2],),
            {"m": 3},
            _0=st.one_of(
                bad_parts(L("gaussian-loop_equations_fixed"), even=True).filter(
                    lambda p: not (isinstance(p, list) and len(p) == 1)  # one trace: maps
                ),
                huge_int(L("gaussian-loop_equations_fixed") // 2).map(lambda k: [2 * k, 2]),
            ),
            m=st.one_of(bad_positive_real(), st.just(2.5)),
            beta=BAD_BETA,
            engine=st.sampled_from(["", "wick", 3]),
        ),
        "gaussian_moment(single trace)": _row(
            wm.gaussian_moment,
            ([4],),
            {"m": 3, "beta": 2},
            _0=huge_int(L("gaussian-map_recursions") // 2).map(lambda k: [2 * k]),
        ),
        "gaussian_moment(general beta)": _row(
            wm.gaussian_moment,
            ([4],),
            {"m": 3, "beta": None},
            _0=huge_int(L("gaussian-loop_equations") // 2).map(lambda k: [2 * k]),
        ),
        "jacobi_moment": _row(
            wm.jacobi_moment,
            ([2, 1],),
            {"m": 2, "n1": 5, "n2": 6},
            _0=bad_parts(L("jacobi-jack")),
            m=st.one_of(bad_positive_real(), st.just(2.5)),
            n1=st.one_of(st.sampled_from([0, 1, -1, 0.5]), NONFINITE, NOT_A_NUMBER),
            n2=st.one_of(st.sampled_from([0, 1, -1]), NONFINITE, NOT_A_NUMBER),
            beta=st.one_of(BAD_BETA, st.none()),
            engine=st.sampled_from(["", "wick", 3]),
        ),
        "noncentral_moment": _row(
            wm.noncentral_moment,
            ([2, 1],),
            {"n": 5, "omega": EYE2},
            _0=bad_parts(L("noncentral-identity")),
            n=bad_positive_real(),
            omega=bad_cov().filter(lambda c: not _is_psd_2x2(c)),
            beta=st.sampled_from([3, 0, "x", 1.5]),
            engine=st.sampled_from(["", "magic", 3]),
            inverse=st.just(True),
        ),
        "moment(noncentral)": _row(
            wm.moment,
            ([2],),
            {"n": 5, "m": 2, "omega": EYE2},
            _0=bad_parts(L("noncentral-identity")),
            omega=bad_cov().filter(lambda c: not _is_psd_2x2(c)),
            mean=st.sampled_from([[1, 2, 3], "x", [[1, 2, 3]]]),
        ),
        "noncentral_moment_expression": _row(
            wm.noncentral_moment_expression,
            ([2],),
            {},
            _0=bad_parts(L("noncentral-identity")),
            beta=st.sampled_from([3, 0, "x", None]),
            cov=st.sampled_from(["x", "specific", -1, [[1, 2], [3]]]),
            power=st.one_of(st.integers(max_value=-1), NOT_A_NUMBER),
            engine=st.sampled_from(["", "magic"]),
        ),
        "noncentral_moment_matrix": _row(
            wm.noncentral_moment_matrix,
            ([1], 1),
            {"n": 5, "omega": EYE2},
            _0=bad_parts(L("noncentral-identity")),
            _1=st.one_of(st.integers(max_value=-1), huge_int(L("noncentral-identity"))),
            n=bad_positive_real(),
            omega=bad_cov().filter(lambda c: not _is_psd_2x2(c)),
        ),
        "word_symbol": _row(
            wm.word_symbol,
            ("OS",),
            {},
            _0=st.sampled_from(["X", 3, None, "os", "S0", "OX"]),
            beta=st.sampled_from([3, 0, "x"]),
        ),
        "zonal_values": _row(
            wm.zonal_values,
            ((2, 1), [1.0, 2.0]),
            {},
            _0=st.one_of(st.sampled_from([(), (1, 2)]), huge_int(L("zonal")).map(lambda k: (k,))),
            _1=st.sampled_from([[], 3.0, "x", [["a"]]]),
        ),
        # lipschitz_layers
        "LDLTLinear": _row(
            lipschitz_layers.LDLTLinear,
            (3, 2),
            {},
            _0=st.one_of(st.integers(max_value=0), st.floats(1.5, 9.5), NOT_A_NUMBER),
            _1=st.one_of(st.integers(max_value=0), NOT_A_NUMBER),
            alpha=bad_positive_real(),
            gamma=bad_positive_real(),
        ),
        "LDLTMLP": _row(
            lipschitz_layers.LDLTMLP,
            (3, 4, 2, 2),
            {},
            _0=st.one_of(st.integers(max_value=0), NOT_A_NUMBER),
            _3=st.one_of(st.integers(max_value=0), NOT_A_NUMBER),
            init=st.sampled_from(["", "magic", 3]),
        ),
        "LDLTNormalization": _row(
            lipschitz_layers.LDLTNormalization,
            (),
            {"alpha": 1.0, "gamma": 1.0},
            alpha=bad_positive_real(),
            gamma=bad_positive_real(),
        ),
        "activation_lipschitz": _row(
            lipschitz_layers.activation_lipschitz,
            (torch.nn.ReLU(),),
            {},
            _0=st.sampled_from([None, "relu", torch.nn.Linear(2, 2), 3]),
        ),
        "activation_second_moment": _row(
            lipschitz_layers.activation_second_moment,
            (torch.nn.ELU(), 1.0),
            {},
            _0=st.sampled_from([None, "elu", 3]),
            _1=st.one_of(st.floats(max_value=-1e-9), NONFINITE, NOT_A_NUMBER),
            nodes=st.one_of(st.integers(max_value=0), huge_int(L("gauss-legendre")), NOT_A_NUMBER),
        ),
        "certified_accuracy": _row(
            lipschitz_layers.certified_accuracy,
            (torch.randn(4, 3), torch.tensor([0, 1, 2, 0]), 1.0, [0.0, 0.1]),
            {},
            _0=st.sampled_from([None, "x", torch.randn(4), torch.randn(4, 1)]),
            _1=st.sampled_from([None, torch.tensor([0, 1]), [0, 1, 2, 0]]),
            _2=bad_positive_real(),
            _3=st.sampled_from([-0.1, math.nan, "x", [0.1, -1.0], None]),
        ),
        "certified_radius": _row(
            lipschitz_layers.certified_radius,
            (torch.randn(4, 3), 1.0),
            {},
            _0=st.sampled_from([None, "x", torch.randn(4), torch.randn(4, 1), [[1.0, 2.0]]]),
            _1=bad_positive_real(),
        ),
        "critical_scale": _row(
            lipschitz_layers.critical_scale,
            (8, 0.1),
            {},
            _0=st.one_of(st.integers(max_value=0), st.floats(1.5, 9.5), NOT_A_NUMBER),
            _1=st.one_of(st.floats(max_value=-1e-9), st.floats(1.0, 1e9), NONFINITE, NOT_A_NUMBER),
            weights=st.sampled_from(["", "uniform", None, 3]),
        ),
        "ldlt_normalize": _row(
            lipschitz_layers.ldlt_normalize,
            (WEIGHT, 1.0, 1.0),
            {},
            _0=st.sampled_from([None, "x", torch.randn(3), torch.randn(2, 2, 2), [[1.0]]]),
            _1=bad_positive_real(),
            _2=bad_positive_real(),
        ),
        "lyapunov_exponent": _row(
            lipschitz_layers.lyapunov_exponent,
            (8, 0.1, 1.0),
            {},
            _0=st.one_of(st.integers(max_value=0), NOT_A_NUMBER),
            _1=st.one_of(st.floats(1.0, 1e9), NONFINITE, NOT_A_NUMBER),
            _2=bad_positive_real(),
            weights=st.sampled_from(["", "uniform", None]),
        ),
        "lyapunov_variance": _row(
            lipschitz_layers.lyapunov_variance,
            (8, 0.1),
            {},
            _0=st.one_of(st.integers(max_value=0), NOT_A_NUMBER),
            _1=st.one_of(st.floats(1.0, 1e9), NONFINITE, NOT_A_NUMBER),
            weights=st.sampled_from(["", "uniform", None]),
        ),
        "init.scaled_normal_": _row(
            ll_init.scaled_normal_,
            (torch.empty(4, 3),),
            {},
            _0=st.sampled_from([None, "x", torch.empty(3), torch.empty(0, 3), [[1.0]]]),
            scale=bad_positive_real(),
        ),
        "init.he_normal_": _row(
            ll_init.he_normal_,
            (torch.empty(4, 3),),
            {},
            _0=st.sampled_from([None, "x", torch.empty(3), [[1.0]]]),
        ),
        "init.variance_prescribed_": _row(
            ll_init.variance_prescribed_,
            (torch.empty(4, 3), 0.5),
            {},
            _0=st.sampled_from([None, "x", torch.empty(3), [[1.0]]]),
            _1=st.one_of(bad_positive_real(), st.floats(1.0, 1e300)),
            alpha=bad_positive_real(),
        ),
        "lyapunov.lyapunov_normal_": _row(
            ll_lyapunov.lyapunov_normal_,
            (torch.empty(4, 4), 0.1),
            {},
            _0=st.sampled_from([None, "x", torch.empty(3), [[1.0]]]),
            _1=st.one_of(st.floats(1.0, 1e9), NONFINITE, NOT_A_NUMBER),
        ),
        "lyapunov.lyapunov_orthogonal_": _row(
            ll_lyapunov.lyapunov_orthogonal_,
            (torch.empty(4, 4), 0.1),
            {},
            _0=st.sampled_from([None, "x", torch.empty(3), [[1.0]]]),
            _1=st.one_of(st.floats(1.0, 1e9), NONFINITE, NOT_A_NUMBER),
        ),
    }


API = _api_table()
# lipschitz_layers.init re-exports the Lyapunov initializers
API["init.lyapunov_normal_"] = API["lyapunov.lyapunov_normal_"]
API["init.lyapunov_orthogonal_"] = API["lyapunov.lyapunov_orthogonal_"]

# Names in __all__ that take no input worth throwing bad values at (constants, modules, a plain
# result record), with the reason.
NOT_ENTRY_POINTS = {
    "CoefficientMatrices": "the record coefficient_matrices returns",
    "MAX_K_MATCHINGS": "constant",
    "MAX_K_ZONAL": "constant",
    "VarianceResult": "the record output_variance returns",
    "__version__": "constant",
    "init": "module: its functions are rows",
    "lyapunov": "module: its functions are rows",
    "invariant_violations": "reports violations of any matrix it is given (a list, no raise)",
}

# ------------------------------------------------------------------------------------------------
# The CLI table: subcommand -> (a valid argv, strategy of bad argvs)


def _text(strategy: st.SearchStrategy) -> st.SearchStrategy[str]:
    return strategy.map(str)


BAD_K_TEXT = st.one_of(
    _text(st.integers(max_value=0)),
    st.sampled_from(["x", "1.5", "", "3,1", "1e3", "0x10"]),
)


def bad_k_text(limit: int) -> st.SearchStrategy[str]:
    return st.one_of(BAD_K_TEXT, _text(huge_int(limit)))


BAD_BETA_TEXT = st.sampled_from(["0", "-1", "x", "1/0", "nan", "inf", "", "2+i"])
BAD_REAL_TEXT = st.sampled_from(["0", "-1", "x", "nan", "inf", "-inf", ""])


def cli_calls(base: list[str], **bad: st.SearchStrategy) -> st.SearchStrategy[list[str]]:
    """Argument lists that differ from ``base`` in one option's value (added if absent)."""

    def replace(option: str, value: str) -> list[str]:
        argv = list(base)
        flag = option if option.startswith("--") or option.isdigit() else f"--{option}"
        if option.isdigit():  # a positional argument, by index in base
            argv[int(option)] = value
        elif flag in argv:
            argv[argv.index(flag) + 1] = value
        else:
            argv += [flag, value]
        return argv

    return st.one_of(
        *(strategy.map(lambda v, o=option: replace(o, v)) for option, strategy in bad.items())
    )


CLI: dict[str, tuple[list[str], st.SearchStrategy[list[str]]]] = {
    "show": (
        ["show", "3"],
        st.one_of(
            cli_calls(["show", "3"], **{"1": bad_k_text(L("recursion")), "beta": BAD_BETA_TEXT}),
            cli_calls(["show", "3", "--engine", "matchings"], **{"1": bad_k_text(L("matchings"))}),
            cli_calls(
                ["show", "3", "--beta", "general"], **{"1": bad_k_text(L("loop_equations-general"))}
            ),
            st.just(["show", "3", "--engine", "wick"]),
            st.just(["show", "3", "--format", "pdf"]),
        ),
    ),
    "generate": (
        ["generate", "--kmax", "2", "--out", "gen-out", "--quiet"],
        st.one_of(
            cli_calls(
                ["generate", "--kmax", "2", "--out", "gen-out", "--quiet"],
                kmax=bad_k_text(L("recursion")),
                kmin=st.sampled_from(["0", "3", "x", "1000000"]),
                beta=BAD_BETA_TEXT,
            ),
            cli_calls(
                ["generate", "--kmax", "2", "--out", "gen-out", "--engine", "matchings"],
                kmax=bad_k_text(L("matchings")),
            ),
            cli_calls(
                ["generate", "--kmax", "2", "--out", "gen-out", "--beta", "general", "--quiet"],
                kmax=bad_k_text(L("loop_equations-general")),
            ),
        ),
    ),
    "verify": (
        ["verify", "--kmax", "2"],
        st.one_of(
            cli_calls(
                ["verify", "--kmax", "2"], kmax=bad_k_text(L("recursion")), beta=BAD_BETA_TEXT
            ),
            cli_calls(
                ["verify", "--kmax", "2", "--beta", "general"],
                kmax=bad_k_text(L("loop_equations-general")),
            ),
            cli_calls(
                ["verify", "--kmax", "2"],
                **{"matchings-kmax": BAD_K_TEXT, "zonal-kmax": BAD_K_TEXT},
            ),
        ),
    ),
    "moment": (
        ["moment", "--parts", "2,1", "--n", "5", "--m", "3"],
        st.one_of(
            cli_calls(
                ["moment", "--parts", "2,1", "--n", "5", "--m", "3"],
                parts=st.one_of(
                    st.sampled_from(["", "x", "2,-1", "1.5", "2;1", ",,"]),
                    _text(huge_int(L("loop_equations"))),
                ),
                n=BAD_REAL_TEXT,
                m=st.sampled_from(["0", "-1", "x", "2.5", "1/2"]),
                beta=BAD_BETA_TEXT,
                power=st.sampled_from(["-1", "x"]),
            ),
            cli_calls(
                ["moment", "--parts", "2", "--n", "5", "--cov", "2,1;1,3"],
                cov=st.sampled_from(["", "x", "1,2;3", "1,2;2,1", "1,2;0,1", "nan", "1;2"]),
                parts=_text(huge_int(L("stein-numeric"))),
            ),
            cli_calls(
                ["moment", "--parts", "2", "--n", "5", "--m", "2", "--omega", "1,0;0,2"],
                omega=st.sampled_from(["", "x", "1,2;3", "1,2;2,1", "-1,0;0,1"]),
                parts=_text(huge_int(L("noncentral-identity"))),
            ),
            cli_calls(
                ["moment", "--parts", "4", "--m", "3", "--ensemble", "gaussian"],
                m=st.sampled_from(["0", "-1", "x"]),
                parts=_text(huge_int(L("gaussian-map_recursions") // 2).map(lambda k: 2 * k)),
            ),
            cli_calls(
                [
                    "moment",
                    "--parts",
                    "2",
                    "--m",
                    "2",
                    "--ensemble",
                    "jacobi",
                    "--n1",
                    "5",
                    "--n2",
                    "6",
                ],
                n1=st.sampled_from(["0", "1", "-1", "x"]),
                parts=_text(huge_int(L("jacobi-jack"))),
            ),
            st.sampled_from(
                [
                    ["moment", "--parts", "2", "--n", "5", "--cov-file", f]
                    for f in ("vector.npy", "empty.npy", "bad.json", "missing.npy", "cov.txt")
                ]
            ),
        ),
    ),
    "verify-ensembles": (
        [
            "verify-ensembles",
            "--kmax",
            "2",
            "--degree",
            "2",
            "--jacobi-degree",
            "1",
            "--jacobi-numeric-degree",
            "1",
        ],
        cli_calls(
            [
                "verify-ensembles",
                "--kmax",
                "2",
                "--degree",
                "2",
                "--jacobi-degree",
                "1",
                "--jacobi-numeric-degree",
                "1",
            ],
            kmax=st.one_of(BAD_K_TEXT, _text(huge_int(1000))),
            degree=st.one_of(BAD_K_TEXT, _text(huge_int(1000))),
            **{
                "jacobi-degree": st.one_of(BAD_K_TEXT, _text(huge_int(1000))),
                "jacobi-numeric-degree": st.one_of(BAD_K_TEXT, _text(huge_int(1000))),
            },
        ),
    ),
    "verify-noncentral": (
        ["verify-noncentral", "--kmax", "2", "--power-max", "1"],
        cli_calls(
            ["verify-noncentral", "--kmax", "2", "--power-max", "1"],
            kmax=st.one_of(BAD_K_TEXT, _text(huge_int(100))),
            **{"power-max": st.sampled_from(["-1", "x", "1000000"])},
        ),
    ),
    "variance": (
        ["variance", "--m", "4", "--n", "5", "--sigma2", "0.1"],
        cli_calls(
            ["variance", "--m", "4", "--n", "5", "--sigma2", "0.1"],
            m=st.sampled_from(["0", "-1", "x", "2.5"]),
            n=st.sampled_from(["0", "x"]),
            sigma2=BAD_REAL_TEXT,
            alpha=BAD_REAL_TEXT,
            method=st.sampled_from(["", "magic"]),
            tol=BAD_REAL_TEXT,
            samples=st.sampled_from(["1", "-5", "x"]),
        )
        | cli_calls(
            ["variance", "--m", "4", "--n", "5", "--sigma2", "0.1", "--method", "monte_carlo"],
            samples=_text(huge_int(L("monte_carlo") // 4)),
            tol=st.sampled_from(["1e-9", "1e-300"]),
        ),
    ),
    "solve": (
        ["solve", "--m", "4", "--n", "5", "--target", "0.5"],
        cli_calls(
            ["solve", "--m", "4", "--n", "5", "--target", "0.5"],
            m=st.sampled_from(["0", "x"]),
            target=st.sampled_from(["0", "-1", "1", "2", "nan", "inf", "x"]),
            gamma=BAD_REAL_TEXT,
            tol=BAD_REAL_TEXT,
        ),
    ),
    "verify-cov": (
        ["verify-cov", "--kmax", "1", "--inverse-kmax", "1"],
        cli_calls(
            ["verify-cov", "--kmax", "1", "--inverse-kmax", "1"],
            kmax=st.one_of(BAD_K_TEXT, _text(huge_int(12))),
            **{"inverse-kmax": st.one_of(BAD_K_TEXT, _text(huge_int(8)))},
        ),
    ),
}

# ------------------------------------------------------------------------------------------------
# The sandbox: a working directory, a user cache, and the listings that must not change


def _listing() -> set[str]:
    """Every file and folder under the working directory, the cache and the packages (their
    ``__pycache__`` folders, Python's and Numba's own, excepted)."""
    out: set[str] = set()
    for root in (Path.cwd(), Path(os.environ["XDG_CACHE_HOME"]), *PACKAGES):
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            out.update(os.path.join(folder, name) for name in dirs + files)
    return out


@pytest.fixture(scope="module", autouse=True)
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A fresh working directory holding the files the rows read, and a fresh user cache."""
    work = tmp_path_factory.mktemp("work")
    cache = tmp_path_factory.mktemp("cache")
    wm.save_table(wm.coefficient_matrix(2), work)
    (work / "k02.json").rename(work / "good.json")
    (work / "bad.json").write_text("{not json")
    (work / "empty.json").write_text("")
    (work / "cov.txt").write_text("1 0\n0 1\n")
    np.save(work / "vector.npy", np.ones(3))
    (work / "empty.npy").write_bytes(b"")
    old_cwd, old_cache = Path.cwd(), os.environ.get("XDG_CACHE_HOME")
    old_tables = os.environ.pop("WISHART_MOMENTS_TABLES", None)
    os.chdir(work)
    os.environ["XDG_CACHE_HOME"] = str(cache)
    _warm_up()
    yield work
    os.chdir(old_cwd)
    if old_cache is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old_cache
    if old_tables is not None:
        os.environ["WISHART_MOMENTS_TABLES"] = old_tables


def _warm_up() -> None:
    """Run every row's valid call once, so that imports and first-use set-up are not timed
    (a failing one is reported by the ``valid_base_call`` tests)."""
    for fn, (args, kwargs), _ in API.values():
        with contextlib.suppress(Exception):
            fn(*args, **kwargs)
    for argv, _ in CLI.values():
        with contextlib.suppress(Exception):
            _run_cli(argv)


class _Hang(Exception):
    pass


@contextlib.contextmanager
def _bounded() -> Any:
    """Measure a call; raise ``_Hang`` if it runs past ``HANG_S`` (SIGALRM)."""

    def alarm(signum: int, frame: Any) -> None:
        raise _Hang(f"still running after {HANG_S} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(HANG_S)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _short(call: Any) -> str:
    text = repr(call)
    return text if len(text) < 300 else text[:297] + "..."


# ------------------------------------------------------------------------------------------------
# The tests


@pytest.mark.parametrize("name", sorted(API))
def test_api_refuses_bad_input(name: str) -> None:
    fn, _, strategy = API[name]

    @given(strategy)
    def check(call: tuple[tuple, dict]) -> None:
        args, kwargs = call
        before = _listing()
        start = time.perf_counter()
        with _bounded(), pytest.raises((ValueError, TypeError)):
            fn(*args, **kwargs)
        elapsed = time.perf_counter() - start
        COUNT["api"] += 1
        COUNT["slowest_s"] = max(COUNT["slowest_s"], elapsed)
        assert elapsed < BOUND_S, f"{name}{_short(call)} took {elapsed:.2f} s to refuse"
        assert _listing() == before, f"{name}{_short(call)} left files behind"

    check()


@pytest.mark.parametrize("name", sorted(API))
def test_api_valid_base_call_works(name: str) -> None:
    """The valid call each row varies works, so the bad calls fail for their bad argument."""
    fn, (args, kwargs), _ = API[name]
    fn(*args, **kwargs)


def _run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("command", sorted(CLI))
def test_cli_refuses_bad_input(command: str) -> None:
    _, strategy = CLI[command]

    @given(strategy)
    def check(argv: list[str]) -> None:
        before = _listing()
        start = time.perf_counter()
        with _bounded():
            code, out, err = _run_cli(argv)
        elapsed = time.perf_counter() - start
        COUNT["cli"] += 1
        COUNT["slowest_s"] = max(COUNT["slowest_s"], elapsed)
        lines = err.strip().splitlines()
        assert code != 0, f"{argv} exited 0:\n{out}{err}"
        assert len(lines) == 1 and "error:" in lines[0], f"{argv}: stderr is not one line:\n{err}"
        assert "Traceback" not in err
        assert elapsed < BOUND_S, f"{argv} took {elapsed:.2f} s to refuse"
        assert _listing() == before, f"{argv} left files behind"

    check()


@pytest.mark.parametrize("command", sorted(CLI))
def test_cli_valid_base_call_works(command: str) -> None:
    argv, _ = CLI[command]
    code, _, err = _run_cli(argv)
    assert code == 0, err


def test_every_entry_point_has_a_row() -> None:
    """Each callable of ``wishart_moments.__all__`` and ``lipschitz_layers.__all__`` (and of its
    public modules ``init``, ``lyapunov``) is a row of ``API`` or listed as no entry point."""
    names = set(wm.__all__) | set(lipschitz_layers.__all__)
    for module in ("init", "lyapunov"):
        mod = importlib.import_module(f"lipschitz_layers.{module}")
        names |= {f"{module}.{n}" for n in getattr(mod, "__all__", []) if callable(getattr(mod, n))}
    covered = {name.split("(")[0] for name in API}
    missing = sorted(names - covered - set(NOT_ENTRY_POINTS))
    assert not missing, f"add a row to API for {missing}"


def test_every_subcommand_has_a_row() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    missing = sorted(set(commands) - set(CLI))
    assert not missing, f"add a row to CLI for {missing}"


def test_report_count() -> None:
    """Runs last in this file: how many bad inputs were thrown (shown with ``pytest -s``)."""
    print(
        f"\nbad inputs thrown: {COUNT['api']:.0f} API calls, {COUNT['cli']:.0f} CLI runs; "
        f"slowest refusal {COUNT['slowest_s']:.3f} s"
    )
