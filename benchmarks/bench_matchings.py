"""Time the Wick enumeration engine against a straightforward Numba depth-first enumeration.

The baseline kernel below pairs the lowest unmatched factor with each other one, tracks the row
and column index classes with an undoable union-find (union by size, no path compression) and
counts components incrementally; it runs in parallel over the same depth-2 subtrees (prange), so
the comparison is between algorithms, not between parallel set-ups. JIT compilation is excluded
(every kernel is warmed up first). Usage::

    PYTHONPATH=. python3 benchmarks/bench_matchings.py [--kmax 13] [--baseline-kmax 10]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import numpy as np
from numba import get_num_threads, njit, prange

from wishart_moments.engines.matchings import _count_matchings, matchings_matrix
from wishart_moments.engines.recursion import recursion_matrix
from wishart_moments.layout import CoefficientMatrix, double_factorial


@njit(cache=True, inline="always")
def _find(parent, x):
    while parent[x] != x:
        x = parent[x]
    return x


@njit(cache=True, inline="always")
def _union(parent, size, undo, top, x, y):
    """Merge the classes of labels ``x`` and ``y``; return the new undo-stack height."""
    rx = _find(parent, x)
    ry = _find(parent, y)
    if rx == ry:
        return top
    if size[rx] < size[ry]:
        rx, ry = ry, rx
    parent[ry] = rx
    size[rx] += size[ry]
    undo[top] = ry
    return top + 1


@njit(cache=True, inline="always")
def _rollback(parent, size, undo, top, target, classes, k):
    """Undo unions down to stack height ``target``; update ``classes[0]`` (rows), ``[1]`` (cols)."""
    while top > target:
        top -= 1
        ry = undo[top]
        rx = parent[ry]
        parent[ry] = ry
        size[rx] -= size[ry]
        classes[0 if ry < k else 1] += 1
    return top


@njit(cache=True)
def _baseline_subtree(k, prefix, counts):
    npos = 2 * k
    # union-find over 2k labels: rows 0..k-1, columns k..2k-1
    parent = np.arange(npos)
    size = np.ones(npos, np.int64)
    undo = np.empty(npos, np.int64)  # the root attached by each union, for rollback
    row = np.empty(npos, np.int64)
    col = np.empty(npos, np.int64)
    for p in range(npos):
        t = p // 2
        row[p] = (t + p % 2) % k
        col[p] = k + t
    used = np.zeros(npos, np.bool_)
    classes = np.array([k, k])  # row classes, column classes
    stack_p = np.empty(k, np.int64)
    stack_q = np.empty(k, np.int64)
    stack_u = np.empty(k, np.int64)  # undo-stack height before the pair of this level
    top = 0
    depth = prefix.shape[0]
    for s in range(depth):
        p = prefix[s, 0]
        q = prefix[s, 1]
        used[p] = True
        used[q] = True
        t0 = top
        top = _union(parent, size, undo, top, row[p], row[q])
        classes[0] -= top - t0
        t0 = top
        top = _union(parent, size, undo, top, col[p], col[q])
        classes[1] -= top - t0
    d = depth
    p = 0
    while used[p]:
        p += 1
    stack_p[d] = p
    stack_q[d] = p
    used[p] = True
    while d >= depth:
        p = stack_p[d]
        q = stack_q[d] + 1
        while q < npos and used[q]:
            q += 1
        if q >= npos:  # level exhausted: back up one level and undo its pair
            used[p] = False
            d -= 1
            if d >= depth:
                used[stack_q[d]] = False
                top = _rollback(parent, size, undo, top, stack_u[d], classes, k)
            continue
        stack_q[d] = q
        stack_u[d] = top
        used[q] = True
        t0 = top
        top = _union(parent, size, undo, top, row[p], row[q])
        classes[0] -= top - t0
        t0 = top
        top = _union(parent, size, undo, top, col[p], col[q])
        classes[1] -= top - t0
        if d + 1 == k:  # leaf: all k pairs placed
            counts[classes[1], classes[0]] += 1
            used[q] = False
            top = _rollback(parent, size, undo, top, stack_u[d], classes, k)
        else:
            d += 1
            p2 = 0
            while used[p2]:
                p2 += 1
            stack_p[d] = p2
            stack_q[d] = p2
            used[p2] = True


@njit(cache=True, parallel=True)
def _baseline_counts(k, prefixes):
    out = np.zeros((prefixes.shape[0], k + 1, k + 1), np.int64)
    for t in prange(prefixes.shape[0]):
        _baseline_subtree(k, prefixes[t], out[t])
    return out.sum(axis=0)


def baseline_matrix(k: int) -> CoefficientMatrix:
    """``C^{(k)}`` by the baseline kernel (k >= 3: parallel over all depth-2 prefixes)."""
    npos = 2 * k
    prefixes = []
    for q0 in range(1, npos):
        rest = [x for x in range(1, npos) if x != q0]
        for q1 in rest[1:]:
            prefixes.append(((0, q0), (rest[0], q1)))
    counts = _baseline_counts(k, np.array(prefixes, dtype=np.int64))
    terms = {(a, b): int(counts[a, b]) for a in range(k + 1) for b in range(k + 1)}
    return CoefficientMatrix.from_terms(k, terms, engine="baseline")


def best_time(fn: Callable[[int], object], k: int, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(k)
        times.append(time.perf_counter() - t0)
    return min(times)


def without_table(k: int) -> CoefficientMatrix:
    """The engine's enumeration with only the forced last pair closed (no tail table)."""
    return _count_matchings(k, 1, 2 if k <= 10 else 3, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kmax", type=int, default=13, help="largest k for the engine")
    parser.add_argument("--baseline-kmax", type=int, default=10, help="largest k for the others")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best is shown)")
    args = parser.parse_args()

    print(f"threads: {get_num_threads()}, cpus: {os.cpu_count()}, load: {os.getloadavg()}")
    # warm-up: compile (or load from the cache), build the tail table, check against recursion
    for k in (3, 7, 8):
        expected = recursion_matrix(k)
        for fn in (matchings_matrix, without_table, baseline_matrix):
            assert fn(k) == expected, (fn.__name__, k)
    print("engine: matchings_matrix (tail table of the last 7 pairs, mirror symmetry)")
    print("no table: the same depth-first kernel closing only the forced last pair")
    print("baseline: depth-first enumeration with undoable union-find, same parallel split")
    header = ("k", "matchings", "engine s", "no table s", "baseline s", "vs baseline")
    print("{:>3} {:>16} {:>10} {:>11} {:>11} {:>12}".format(*header))
    for k in range(7, args.kmax + 1):
        expected = recursion_matrix(k)
        assert matchings_matrix(k) == expected, k
        t_engine = best_time(matchings_matrix, k, args.repeat if k <= 12 else 1)
        line = f"{k:>3} {double_factorial(2 * k - 1):>16,} {t_engine:>10.4f}"
        if k <= args.baseline_kmax:
            assert without_table(k) == expected and baseline_matrix(k) == expected, k
            t_plain = best_time(without_table, k, args.repeat if k <= 9 else 1)
            t_base = best_time(baseline_matrix, k, args.repeat if k <= 9 else 1)
            line += f" {t_plain:>11.3f} {t_base:>11.3f} {t_base / t_engine:>11.0f}x"
        print(line, flush=True)
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
