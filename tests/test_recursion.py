"""The Stein recursion against independent exact facts, the paper's tables, and Monte Carlo."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest

from wishart_moments.engines import five_term, recursion
from wishart_moments.engines.recursion import multi_trace_moment, recursion_matrix
from wishart_moments.layout import double_factorial
from wishart_moments.paper import PAPER_KMAX, paper_differences

K_MAX = 60  # every table up to here is built once (a few seconds) and checked


def poly_product(factors: list[list[int]]) -> list[int]:
    """Coefficients (constant first) of the product of polynomials given the same way."""
    out = [1]
    for f in factors:
        new = [0] * (len(out) + len(f) - 1)
        for i, a in enumerate(out):
            for j, b in enumerate(f):
                new[i + j] += a * b
        out = new
    return out


def wick_moment(parts: list[int]) -> dict[tuple[int, int], int]:
    """``E prod tr(S^{parts_i})`` by brute-force Wick pairing (independent of the recursion).

    ``tr(S^k) = sum prod_t W[i_t, j_t] W[i_{t+1}, j_t]``; a pairing identifies the row indices and
    the column indices of each pair; a pairing with ``a`` column and ``b`` row classes gives
    ``n^a m^b``. A part 0 is a free row index (a factor ``m``).
    """
    entries: list[tuple[int, int]] = []  # (row variable, column variable)
    rows = cols = 0
    for k in parts:
        if k == 0:
            rows += 1
            continue
        for t in range(k):
            entries += [(rows + t, cols + t), (rows + (t + 1) % k, cols + t)]
        rows, cols = rows + k, cols + k
    terms: dict[tuple[int, int], int] = {}

    def classes(pairs: list[tuple[int, int]], size: int) -> int:
        parent = list(range(size))

        def root(x: int) -> int:
            while parent[x] != x:
                x = parent[x]
            return x

        for x, y in pairs:
            parent[root(x)] = root(y)
        return sum(root(x) == x for x in range(size))

    def match(free: list[int], pairs: list[tuple[int, int]]) -> None:
        if not free:
            a = classes([(entries[x][1], entries[y][1]) for x, y in pairs], cols)
            b = classes([(entries[x][0], entries[y][0]) for x, y in pairs], rows)
            terms[(a, b)] = terms.get((a, b), 0) + 1
            return
        first, rest = free[0], free[1:]
        for i, other in enumerate(rest):
            match(rest[:i] + rest[i + 1 :], [*pairs, (first, other)])

    match(list(range(len(entries))), [])
    return terms


@pytest.fixture(scope="module")
def tables() -> dict[int, object]:
    return {k: five_term.five_term_matrix(k) for k in range(1, K_MAX + 1)}


@pytest.fixture(scope="module")
def multi_trace() -> dict[int, dict[tuple[int, int], int]]:
    """``Q_k`` (``M_k = p Q_k``, in ``s = n + m`` and ``p = nm``): one multi-trace sweep."""
    sweep = recursion._evaluate([(k,) for k in range(1, K_MAX + 1)], recursion._Layout(K_MAX))
    return {k: sweep[(k,)] for k in range(1, K_MAX + 1)}


def test_five_term_tables_match_the_multi_trace_recursion(tables: dict, multi_trace: dict) -> None:
    for k in range(1, K_MAX + 1):
        assert tables[k].terms() == recursion._to_nm_terms(multi_trace[k]), k


def fit_system(q: dict, k_max: int, k_degree: int) -> tuple[list[tuple[int, ...]], list[list[int]]]:
    """Linear equations for ``sum_{j<=4} c_j(k) Q_{k-j} = 0``, ``5 <= k <= k_max``.

    Unknowns: the coefficient of ``s^u p^v k^g`` in ``c_j``, ``u + 2v <= j``, ``g <= k_degree``;
    one equation per monomial ``s^i p^h`` and ``k``.
    """
    unknowns = [
        (j, u, v, g)
        for j in range(5)
        for u in range(j + 1)
        for v in range((j - u) // 2 + 1)
        for g in range(k_degree + 1)
    ]
    rows: list[list[int]] = []
    for k in range(5, k_max + 1):
        equations: dict[tuple[int, int], list[int]] = {}
        for col, (j, u, v, g) in enumerate(unknowns):
            for (i, h), c in q[k - j].items():
                row = equations.setdefault((i + u, h + v), [0] * len(unknowns))
                row[col] += c * k**g
        rows += equations.values()
    return unknowns, rows


def rank_mod_p(rows: list[list[int]], p: int = 2_147_483_647) -> int:
    a = np.array([[x % p for x in row] for row in rows], dtype=np.int64)
    rank = 0
    for col in range(a.shape[1]):
        pivots = np.nonzero(a[rank:, col])[0]
        if not len(pivots):
            continue
        a[[rank, rank + pivots[0]]] = a[[rank + pivots[0], rank]]
        a[rank] = a[rank] * pow(int(a[rank, col]), -1, p) % p
        others = np.nonzero(a[:, col])[0]
        others = others[others != rank]
        a[others] = (a[others] - a[others, col : col + 1] * a[rank]) % p
        rank += 1
    return rank


def test_five_term_recursion_is_the_unique_fit(multi_trace: dict) -> None:
    # Exact moments for k <= 14 leave exactly one recursion of this shape (rank = unknowns - 1
    # mod p, so at most one over Q), and the stored one satisfies the equations exactly.
    unknowns, rows = fit_system(multi_trace, 14, 5)
    assert rank_mod_p(rows) == len(unknowns) - 1
    stored = {(0, 0, 0): (-1, -1), **five_term._COEFFICIENTS}  # c_0 = -(k + 1)
    x = [
        stored[(j, u, v)][g] if g < len(stored.get((j, u, v), ())) else 0 for j, u, v, g in unknowns
    ]
    assert all(sum(a * b for a, b in zip(row, x, strict=True)) == 0 for row in rows)
    # A lower degree in k leaves none.
    unknowns, rows = fit_system(multi_trace, 14, 4)
    assert rank_mod_p(rows) == len(unknowns)


def test_paper_tables(tables: dict) -> None:
    # The paper's printed k = 1..10 (package data; k = 9, 10 printed only in half).
    for k in range(1, PAPER_KMAX + 1):
        assert paper_differences(tables[k]) == [], k


def test_invariants_up_to_k_max(tables: dict) -> None:
    for k, table in tables.items():
        assert table.violations() == [], k
        assert table.engine == "five_term"
        assert table.total() == double_factorial(2 * k - 1)


def test_m_equals_one_is_chi_square_n(tables: dict) -> None:
    # m = 1: S = ||w||^2 ~ chi^2_n, E S^k = n (n + 2) ... (n + 2k - 2); n = 1 likewise in m.
    for k, table in tables.items():
        chi = poly_product([[2 * i, 1] for i in range(k)])
        in_n = [sum(table.coefficient(a, b) for b in range(1, k + 1)) for a in range(k + 1)]
        in_m = [sum(table.coefficient(a, b) for a in range(1, k + 1)) for b in range(k + 1)]
        assert in_n == chi and in_m == chi, k


def test_top_degree_is_narayana(tables: dict) -> None:
    for k, table in tables.items():
        top = [table.coefficient(k + 1 - b, b) for b in range(1, k + 1)]
        assert top == [comb(k, b) * comb(k, b - 1) // k for b in range(1, k + 1)], k


def test_trace_power_is_chi_square_nm() -> None:
    # tr S ~ chi^2_{nm}: E (tr S)^j = prod_{i<j} (nm + 2i).
    for j in range(1, 16):
        expected = poly_product([[2 * i, 1] for i in range(j)])
        assert multi_trace_moment([1] * j) == {(r, r): c for r, c in enumerate(expected) if c}


def partitions(total: int, largest: int | None = None) -> list[list[int]]:
    largest = total if largest is None else largest
    if total == 0:
        return [[]]
    return [
        [p, *rest] for p in range(min(total, largest), 0, -1) for rest in partitions(total - p, p)
    ]


@pytest.mark.parametrize("total", [1, 2, 3, 4, 5])
def test_multi_trace_matches_wick(total: int) -> None:
    for parts in partitions(total):
        assert multi_trace_moment(parts) == wick_moment(parts), parts
    assert multi_trace_moment([2, 0, 1]) == wick_moment([2, 0, 1])


def test_multi_trace_symmetric_and_order_free() -> None:
    for parts in ([7, 3, 3, 1], [12, 5], [4, 4, 4, 2, 1]):
        terms = multi_trace_moment(parts)
        assert terms == {(b, a): c for (a, b), c in terms.items()}
        assert terms == multi_trace_moment(parts[::-1])
        assert sum(terms.values()) == double_factorial(2 * sum(parts) - 1)


def test_peeling_a_part_one() -> None:
    # M(1, P) = (n m + 2|P|) M(P)
    for rest in ([5], [3, 2], [6, 4, 1]):
        inner = multi_trace_moment(rest)
        expected: dict[tuple[int, int], int] = {}
        for (a, b), c in inner.items():
            expected[(a + 1, b + 1)] = expected.get((a + 1, b + 1), 0) + c
            expected[(a, b)] = expected.get((a, b), 0) + 2 * sum(rest) * c
        assert multi_trace_moment([1, *rest]) == expected


def test_any_request_order_gives_the_same_tables(tables: dict) -> None:
    # Orders behind the running five-term sequence (cache cleared) and a fresh multi-trace sweep
    # straight to k agree with the tables built in order.
    five_term._matrix.cache_clear()
    for k in (33, 4, 17):
        assert five_term.five_term_matrix(k) == tables[k]
        assert recursion_matrix(k) == tables[k]
        fresh = recursion._evaluate([(k,)], recursion._Layout(k))[(k,)]
        assert recursion._to_nm_terms(fresh) == tables[k].terms()


def test_monte_carlo_multi_trace() -> None:
    # E tr(S^2) tr(S) for m = 2, n = 3 from 400,000 seeded samples, within 5 standard errors;
    # moving any one coefficient by 2 must put it outside.
    n, m, samples = 3, 2, 400_000
    w = np.random.default_rng(20260123).standard_normal((samples, m, n))
    s = w @ w.transpose(0, 2, 1)
    x = np.einsum("kij,kij->k", s, s) * np.trace(s, axis1=1, axis2=2)
    mean, err = x.mean(), x.std(ddof=1) / np.sqrt(samples)
    terms = multi_trace_moment([2, 1])

    def value(t: dict[tuple[int, int], int]) -> int:
        return sum(c * n**a * m**b for (a, b), c in t.items())

    assert abs(mean - value(terms)) < 5 * err
    for key in terms:
        for delta in (-2, 2):
            wrong = {**terms, key: terms[key] + delta}
            assert abs(mean - value(wrong)) > 5 * err, (key, delta)
