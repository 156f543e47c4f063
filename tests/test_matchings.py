"""Wick enumeration: Numba engine vs the networkx reference vs the Stein recursion."""

from __future__ import annotations

import pytest

from wishart_moments import MAX_K_MATCHINGS, matchings_matrix
from wishart_moments.engines.matchings import _count_matchings, _tail_table
from wishart_moments.engines.matchings_reference import (
    factor_indices,
    perfect_matchings,
    reference_matrix,
)
from wishart_moments.engines.recursion import recursion_matrix
from wishart_moments.layout import double_factorial


def test_reference_building_blocks() -> None:
    assert [factor_indices(3, p) for p in range(6)] == [
        (0, 0), (1, 0), (1, 1), (2, 1), (2, 2), (0, 2)
    ]  # fmt: skip
    assert len(list(perfect_matchings(list(range(8))))) == double_factorial(7)
    assert reference_matrix(3) == [[1, 0, 0], [3, 3, 0], [4, 3, 1]]
    with pytest.raises(ValueError, match="1 <= k <= 7"):
        reference_matrix(8)


@pytest.mark.parametrize("k", range(1, 7))
def test_engine_matches_reference(k: int) -> None:
    expected = reference_matrix(k)
    assert matchings_matrix(k) == expected
    # the depth-first part of the kernel (join/undo, subtrees, mirror images) on its own:
    # close only the last 1 or 2 pairs by table, split after 0..3 pairs
    for tail_pairs in (1, 2):
        for split_depth in range(4):
            assert _count_matchings(k, tail_pairs, split_depth, None) == expected


@pytest.mark.parametrize("k", range(1, 11))
def test_engine_matches_recursion(k: int) -> None:
    cm = matchings_matrix(k)
    assert cm.engine == "matchings"
    assert cm == recursion_matrix(k)
    assert cm.violations() == []
    assert cm.total() == double_factorial(2 * k - 1)


@pytest.mark.parametrize("k", [8, 9])
def test_small_tail_table_matches_recursion(k: int) -> None:
    # mostly enumeration (tail of 3 pairs), so the large-k code path is exercised at depth
    assert _count_matchings(k, 3, 3, None) == recursion_matrix(k)


def test_tail_table_sums() -> None:
    # each tabulated histogram lists all (2r-1)!! completions; one row per partition of r
    for r in range(1, 8):
        _, hist = _tail_table(r)
        sums = hist.sum(axis=(1, 2))
        assert sorted(set(sums.tolist())) == [0, double_factorial(2 * r - 1)]
        assert (sums > 0).sum() == [1, 2, 3, 5, 7, 11, 15][r - 1]
        # P_C == P_R (r cycles of length 2): the completion equal to P_C is the only one
        # with r cycles on either side
        key_all_ones = r  # m_1 = r, stride of part 1 is 1
        assert hist[key_all_ones, r - 1, r - 1] == 1
        assert hist[key_all_ones, r - 1, :].sum() == 1


def test_progress_reports_monotone_counts() -> None:
    seen: list[tuple[int, int]] = []
    cm = matchings_matrix(11, progress=lambda done, total: seen.append((done, total)))
    total = double_factorial(21)
    assert cm == recursion_matrix(11)
    assert len(seen) > 1
    assert all(t == total for _, t in seen)
    dones = [d for d, _ in seen]
    assert dones == sorted(dones) and dones[0] > 0 and dones[-1] == total
    assert len(set(dones)) == len(dones)


@pytest.mark.parametrize("bad", [0, -3, 2.0, "5", None, True, MAX_K_MATCHINGS + 1])
def test_bad_order_raises(bad: object) -> None:
    with pytest.raises(ValueError, match="k"):
        matchings_matrix(bad)  # type: ignore[arg-type]


def test_too_large_order_names_limit() -> None:
    with pytest.raises(ValueError, match=rf"1 <= k <= {MAX_K_MATCHINGS}.*recursion_matrix"):
        matchings_matrix(MAX_K_MATCHINGS + 1)
    with pytest.raises(ValueError, match="positive integer"):
        matchings_matrix(0)


def test_limit_keeps_int64_counts_exact() -> None:
    assert MAX_K_MATCHINGS <= 17
    assert double_factorial(2 * MAX_K_MATCHINGS - 1) < 2**63
