"""Numba kernels for the Wick (perfect-matching) enumeration of ``E tr(S^k)``.

Positions ``0 .. 2k-1`` sit on a cycle. Position ``2t`` is ``W[i_t, j_t]`` and ``2t+1`` is
``W[i_{t+1}, j_t]``, so the column index is shared by the pairs ``C = {(2t, 2t+1)}`` and the row
index by the pairs ``R = {(2t-1, 2t)}``: both are perfect matchings of the positions. For a Wick
matching ``M`` the column classes are the cycles of the graph ``C + M`` and the row classes the
cycles of ``R + M``; the matching contributes ``n^a m^b`` with ``a = cycles(C + M)`` and
``b = cycles(R + M)``.

The enumeration is depth first (the lowest unmatched position is paired with each other unmatched
one). A partial ``M`` leaves ``C + M`` a set of closed cycles and open paths whose two ends are
unmatched; ``part[p]`` holds the other end of the path ending at ``p``. Pairing ``p`` with ``q``
closes a cycle if ``part[p] == q`` and otherwise joins two paths, in O(1) and undone in O(1)
(no union-find, no component count at a leaf). The last ``r`` pairs are not enumerated: on the
``2r`` unmatched positions the open paths of ``C + M`` and of ``R + M`` are two perfect matchings
``P_C`` and ``P_R``, and a completion ``M'`` adds ``cycles(P_C + M')`` column classes and
``cycles(P_R + M')`` row classes. The histogram of these over the ``(2r-1)!!`` completions
depends only on the cycle type of ``P_C + P_R`` (a partition of ``r``), so it is tabulated once
per partition (by listing the completions) and each subtree of ``(2r-1)!!`` leaves costs one
walk around ``P_C + P_R`` and one table look-up.

Counts are ``int64``, exact while ``(2k-1)!! < 2^63``, i.e. ``k <= 17``.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True)
def decode_matching(code, npoints, partner):
    """Fill ``partner`` with the perfect matching of ``0 .. npoints-1`` numbered ``code``.

    ``code`` in ``[0, (npoints-1)!!)`` is read in mixed radix ``(npoints-1, npoints-3, ..., 1)``:
    digit ``s`` says which unused point (in increasing order) the lowest unused point pairs with.
    """
    digits = np.empty(npoints // 2, np.int64)
    for s in range(npoints // 2 - 1, -1, -1):
        radix = npoints - 2 * s - 1
        digits[s] = code % radix
        code //= radix
    used = 0
    i = 0
    for s in range(npoints // 2):
        while (used >> i) & 1:
            i += 1
        rk = digits[s]
        j = i + 1
        while True:
            if not (used >> j) & 1:
                if rk == 0:
                    break
                rk -= 1
            j += 1
        partner[i] = j
        partner[j] = i
        used |= (np.int64(1) << i) | (np.int64(1) << j)


@njit(cache=True)
def _cycles(p1, p2, npoints):
    """Number of cycles of the union of two perfect matchings ``p1``, ``p2`` of ``npoints``."""
    seen = 0
    cycles = 0
    for s in range(npoints):
        if (seen >> s) & 1:
            continue
        cycles += 1
        x = s
        while not (seen >> x) & 1:
            y = p2[x]
            seen |= (np.int64(1) << x) | (np.int64(1) << y)
            x = p1[y]
    return cycles


def partition_strides(r):
    """Mixed-radix strides that number the partitions of ``r`` by their part multiplicities.

    A partition with ``m_L`` parts equal to ``L`` gets the key ``sum_L m_L * strides[L]``; keys
    lie in ``[0, strides[r + 1])`` (not every key is a partition of ``r``).
    """
    strides = np.zeros(r + 2, np.int64)
    stride = 1
    for length in range(1, r + 1):
        strides[length] = stride
        stride *= r // length + 1
    strides[r + 1] = stride
    return strides


@njit(cache=True)
def tail_histogram(r, strides, partitions):
    """``hist[key, u, v]``: how many matchings ``M'`` of ``2r`` points give
    ``cycles(P_C + M') = u + 1`` and ``cycles(P_R + M') = v + 1``, for two perfect matchings
    ``P_C``, ``P_R`` whose union has cycle type ``key`` (see :func:`partition_strides`; a cycle
    of ``2L`` points counts as a part ``L``).

    The histogram depends on ``(P_C, P_R)`` only through that cycle type: two pairs with the same
    type differ by a relabelling of the points, which permutes the ``M'``. So one pair per
    partition of ``r`` (the rows of ``partitions``, parts padded with zeros) is tabulated, by
    listing all ``(2r-1)!!`` matchings ``M'``.
    """
    npoints = 2 * r
    total = 1
    for f in range(npoints - 1, 0, -2):
        total *= f
    n_part = partitions.shape[0]
    keys = np.zeros(n_part, np.int64)
    p_c = np.empty(npoints, np.int64)  # the same for every partition: pairs (2t, 2t + 1)
    p_r = np.empty((n_part, npoints), np.int64)
    for i in range(n_part):
        base = 0
        for length in partitions[i]:
            if length == 0:
                break
            keys[i] += strides[length]
            for t in range(length):  # one cycle on points base .. base + 2 length - 1
                x = base + 2 * t
                p_c[x] = x + 1
                p_c[x + 1] = x
                y = base + (2 * t + 2) % (2 * length)
                p_r[i, x + 1] = y
                p_r[i, y] = x + 1
            base += 2 * length
    hist = np.zeros((strides[r + 1], r, r), np.int64)
    m = np.empty(npoints, np.int64)
    for code in range(total):
        decode_matching(code, npoints, m)
        u = _cycles(p_c, m, npoints) - 1
        for i in range(n_part):
            hist[keys[i], u, _cycles(p_r[i], m, npoints) - 1] += 1
    return hist


@njit(cache=True, inline="always")
def lowest_bit(mask):
    """The lowest position set in ``mask`` (``mask != 0``)."""
    p = 0
    while not (mask >> p) & 1:
        p += 1
    return p


@njit(cache=True, inline="always")
def _join(part, p, q):
    """Pair ``p`` with ``q`` in the path structure ``part``; 1 if that closes a cycle, else 0."""
    x = part[p]
    if x == q:
        return 1
    y = part[q]
    part[x] = y
    part[y] = x
    return 0


@njit(cache=True, inline="always")
def _unjoin(part, p, q):
    """Undo :func:`_join` (``part[p]`` and ``part[q]`` were left untouched by it)."""
    x = part[p]
    if x != q:
        part[x] = p
        part[part[q]] = q


@njit(cache=True)
def _close_tail(mask, a, b, npos, part_c, part_r, strides, r, hist, counts):
    """Add the ``(2r-1)!!`` completions of the partial matching (unmatched set ``mask``)."""
    key = 0
    seen = 0
    for s in range(npos):
        if not (mask >> s) & 1 or (seen >> s) & 1:
            continue
        length = 0
        x = s
        while True:  # walk the cycle of P_C + P_R through s
            y = part_c[x]
            seen |= (np.int64(1) << x) | (np.int64(1) << y)
            length += 1
            x = part_r[y]
            if x == s:
                break
        key += strides[length]
    for u in range(r):
        for v in range(r):
            h = hist[key, u, v]
            if h:
                counts[a + u + 1, b + v + 1] += h


@njit(cache=True)
def count_subtree(k, prefix, r, strides, hist, counts):
    """Add to ``counts[a, b]`` every Wick matching that starts with the pairs ``prefix``.

    ``prefix`` is an ``(D, 2)`` array of pairs, each pairing the lowest position still unmatched;
    the remaining ``k - D`` pairs are enumerated, the last ``r`` of them through ``hist``
    (:func:`tail_histogram` of ``r``).
    """
    npos = 2 * k
    part_c = np.empty(npos, np.int64)
    part_r = np.empty(npos, np.int64)
    for p in range(npos):
        part_c[p] = p ^ 1
        part_r[p] = (p - 1) % npos if p % 2 == 0 else (p + 1) % npos
    mask = (np.int64(1) << npos) - 1
    a = 0
    b = 0
    for s in range(prefix.shape[0]):
        p = prefix[s, 0]
        q = prefix[s, 1]
        a += _join(part_c, p, q)
        b += _join(part_r, p, q)
        mask &= ~((np.int64(1) << p) | (np.int64(1) << q))
    levels = k - prefix.shape[0] - r
    if levels <= 0:
        _close_tail(mask, a, b, npos, part_c, part_r, strides, r, hist, counts)
        return
    stack_p = np.empty(levels, np.int64)
    stack_q = np.empty(levels, np.int64)
    stack_a = np.empty(levels, np.int64)
    stack_b = np.empty(levels, np.int64)
    d = 0
    p = lowest_bit(mask)
    stack_p[0] = p
    stack_q[0] = p
    stack_a[0] = a
    stack_b[0] = b
    mask &= ~(np.int64(1) << p)
    while d >= 0:
        p = stack_p[d]
        q = stack_q[d] + 1
        while q < npos and not (mask >> q) & 1:
            q += 1
        if q >= npos:  # level d exhausted: put p back, undo the pair of level d - 1
            mask |= np.int64(1) << p
            d -= 1
            if d >= 0:
                pp = stack_p[d]
                qq = stack_q[d]
                _unjoin(part_c, pp, qq)
                _unjoin(part_r, pp, qq)
                mask |= np.int64(1) << qq
            continue
        stack_q[d] = q
        a = stack_a[d] + _join(part_c, p, q)
        b = stack_b[d] + _join(part_r, p, q)
        mask &= ~(np.int64(1) << q)
        if d + 1 == levels:
            _close_tail(mask, a, b, npos, part_c, part_r, strides, r, hist, counts)
            _unjoin(part_c, p, q)
            _unjoin(part_r, p, q)
            mask |= np.int64(1) << q
        else:
            d += 1
            p2 = lowest_bit(mask)
            stack_p[d] = p2
            stack_q[d] = p2
            stack_a[d] = a
            stack_b[d] = b
            mask &= ~(np.int64(1) << p2)


@njit(cache=True, parallel=True)
def count_subtrees(k, prefixes, r, strides, hist):
    """``out[t, a, b]``: the matchings starting with ``prefixes[t]`` that give ``n^a m^b``."""
    tasks = prefixes.shape[0]
    out = np.zeros((tasks, k + 1, k + 1), np.int64)
    for t in prange(tasks):
        count_subtree(k, prefixes[t], r, strides, hist, out[t])
    return out
