"""The coefficient-matrix container, its invariants, and the Stein recursion's small cases."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wishart_moments.engines.recursion import multi_trace_moment, recursion_matrix
from wishart_moments.layout import (
    CoefficientMatrix,
    double_factorial,
    invariant_violations,
    matrix_from_terms,
    terms_from_matrix,
)


def test_double_factorial() -> None:
    assert [double_factorial(n) for n in (-1, 0, 1, 3, 5, 19)] == [1, 1, 1, 3, 15, 654729075]


def test_small_orders_by_hand() -> None:
    # E tr S = nm, E tr S^2 = nm(n + m + 1), k = 3 as in docs/mathematics.md section 1.
    assert recursion_matrix(1) == [[1]]
    assert recursion_matrix(2) == [[1, 0], [1, 1]]
    assert recursion_matrix(3) == [[1, 0, 0], [3, 3, 0], [4, 3, 1]]


def test_multi_trace_by_hand() -> None:
    # E (tr S)^2 = n^2 m^2 + 2 n m (tr S is sigma^2 chi^2_{nm}); tr S^0 = m.
    assert multi_trace_moment([1, 1]) == {(2, 2): 1, (1, 1): 2}
    assert multi_trace_moment([0, 0]) == {(0, 2): 1}
    assert multi_trace_moment([1, 0]) == {(1, 2): 1}


@given(st.integers(min_value=1, max_value=30))
def test_recursion_invariants(k: int) -> None:
    assert recursion_matrix(k).violations() == []


def test_matrix_terms_round_trip() -> None:
    cm = recursion_matrix(6)
    assert matrix_from_terms(6, terms_from_matrix(cm.matrix)) == cm.tolist()
    assert cm.coefficient(6, 1) == 1 and cm.coefficient(1, 6) == 1 and cm.coefficient(7, 1) == 0


def test_evaluate_is_exact() -> None:
    cm = recursion_matrix(2)
    assert cm.evaluate(3, 2, Fraction(1, 2)) == Fraction(3 * 2 * (3 + 2 + 1), 16)


def test_invariants_catch_errors() -> None:
    good = recursion_matrix(4).tolist()
    assert invariant_violations(good) == []
    broken = [row[:] for row in good]
    broken[2][0] += 1
    assert any("sum" in v for v in invariant_violations(broken))
    assert any("persymmetric" in v for v in invariant_violations(broken))
    assert invariant_violations([[1, 0]]) != []


def test_container_rejects_ragged() -> None:
    with pytest.raises(ValueError, match="square"):
        CoefficientMatrix([[1, 0], [1]])


@pytest.mark.parametrize("bad", [0, -3, 2.0, "3", True, None])
def test_bad_order(bad: object) -> None:
    with pytest.raises(ValueError, match="positive integer"):
        recursion_matrix(bad)  # type: ignore[arg-type]


def test_bad_parts() -> None:
    with pytest.raises(ValueError, match="nonnegative"):
        multi_trace_moment([2, -1])
