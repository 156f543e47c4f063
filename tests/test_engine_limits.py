"""Every engine has a limit in one table (wishart_moments.limits); an order beyond it is refused at
once, however large, with the order, the limit and what goes further in the message (a huge k
once failed with Python's int-to-string digit limit while formatting (2k-1)!!)."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest

import wishart_moments as wm
from wishart_moments import limits
from wishart_moments._validation import ENGINES
from wishart_moments.coefficients import check_engine_order, engine_limit


@pytest.mark.parametrize("k", [14, 200, 100_000, 10**9])
def test_matchings_refusal_is_immediate(k: int) -> None:
    with pytest.raises(ValueError, match=rf"kmax={k} is too large .* kmax <= 13") as info:
        check_engine_order(k, "matchings", name="kmax")
    assert "use engine 'recursion'" in str(info.value)


def test_every_coefficient_engine_has_a_limit() -> None:
    for engine in ENGINES:
        assert engine_limit(engine) == limits.limit(engine) >= 10
    assert engine_limit("matchings") == wm.MAX_K_MATCHINGS == 13
    assert engine_limit("zonal") == wm.MAX_K_ZONAL


@pytest.mark.parametrize("reach", limits.reaches(), ids=lambda r: r.engine)
def test_limit_is_accepted_and_one_more_refused(reach: limits.Reach) -> None:
    assert limits.check_order(reach.engine, reach.limit) == reach.limit
    with pytest.raises(ValueError) as info:
        limits.check_order(reach.engine, reach.limit + 1)
    message = str(info.value)
    assert f"k={reach.limit + 1} is too large for engine {reach.engine!r}" in message
    assert f"k <= {reach.limit} ({reach.cost})" in message
    further = re.sub(r"\{([\w-]+)\}", lambda m: str(limits.limit(m.group(1))), reach.further)
    assert further in message and "{" not in message


def test_huge_orders_are_described_not_printed() -> None:
    with pytest.raises(ValueError, match=r"k \(an integer of about 1001 digits\) is too large"):
        limits.check_order("recursion", 10**1000)


@pytest.mark.parametrize("bad", [0, -1, 2.5, "3", True, None])
def test_orders_that_are_not_positive_integers(bad: object) -> None:
    with pytest.raises(ValueError, match="k must be a positive integer"):
        limits.check_order("recursion", bad)
    with pytest.raises(ValueError, match=r"no limit is registered"):
        limits.check_order("wick", 3)


def test_register_adds_an_engine() -> None:
    try:
        limits.register("test-engine", 5, "a test", "use another")
        with pytest.raises(ValueError, match=r"k=6 .* k <= 5 \(a test\); use another"):
            limits.check_order("test-engine", 6)
        with pytest.raises(ValueError, match="limit must be a positive integer"):
            limits.register("test-engine", 0, "a test")
    finally:
        limits._REACH.pop("test-engine")


EXAMPLES = [  # the examples, each refused at once
    lambda: wm.moment([10**6], n=5, m=3),
    lambda: wm.moment([10**6], n=5, m=3, beta=None),
    lambda: wm.moment([10**6], n=5, cov=np.eye(2)),
    lambda: wm.moment([10**6], n=5, m=3, inverse=True),
    lambda: wm.moment_expression([10**6]),
    lambda: wm.moment_expression([10**6], cov="general", inverse=True),
    lambda: wm.moment_matrix([1], 10**6, n=5, cov=np.eye(2)),
    lambda: wm.coefficient_matrix(10**6),
    lambda: wm.coefficient_matrix(10**6, beta=2),
    lambda: wm.coefficient_matrix(10**6, beta="1/2"),
    lambda: wm.trace_moment(10**6),
    lambda: wm.variance_series(10**6),
    lambda: wm.multi_trace_moment([10**6, 1]),
    lambda: wm.double_factorial(10**12),
    lambda: wm.zonal_at_identity((10**6,)),
]


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_public_functions_refuse_at_once(index: int) -> None:
    start = time.perf_counter()
    with pytest.raises(ValueError, match="too large"):
        EXAMPLES[index]()
    assert time.perf_counter() - start < 5  # measured in ms; a run would take hours
