"""Numba kernels for the Wick enumerations with a covariance: permutations (complex) and perfect
matchings (real), each counted by the cycles of two graphs built incrementally.

Complex, ``beta = 2``: ``E p_mu(W) = sum_{s in S_k} n^{c(s)} p_{type(s g)}(Sigma)`` with ``g`` the
permutation of cycle type ``mu`` (``type`` is the cycle type, each cycle of length ``l`` gives
``p_l = tr Sigma^l``). ``s`` is built as ``s(0), s(1), ...``; a partial permutation is a set of
closed cycles and directed open paths, for ``s`` (arcs ``t -> s(t)``) and for ``s g`` (arcs
``g^{-1}(t) -> s(t)``). ``other[x]`` is the other end of the path with end point ``x``
(``other[x] = x`` for a lone point) and ``cnt[x]`` its number of points; an arc ``u -> v`` closes a
cycle when ``other[u] == v`` and otherwise joins two paths, in O(1) and undone in O(1).

Real, ``beta = 1``: positions ``0 .. 2k-1`` are the factors ``X[a_t, j_t]`` (``2t``) and
``X[b_t, j_t]`` (``2t + 1``). The column pairs ``C`` and the row pairs ``R`` (through Sigma) are
perfect matchings; a Wick matching ``M`` contributes ``n^{cycles(C + M)}`` times ``p_l`` for each
cycle of ``R + M`` with ``2l`` points. Paths are undirected here (``part[x]`` the other end).

A cycle type is kept as the key ``sum_l m_l * strides[l]`` (see
:func:`wishart_moments.kernels.matchings.partition_strides`) and mapped to a dense index by the
table ``pindex``. Counts are ``int64`` (exact while the number of terms, ``k!`` or
``(2k-1)!!``, stays below ``2^63``).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .matchings import lowest_bit


@njit(cache=True, inline="always")
def _arc(other, u, v):
    """Add ``u -> v``: return ``(-1, -1)`` if it closes a cycle, else the joined ends ``(s, e)``."""
    if other[u] == v:
        return -1, -1
    s = other[u]
    e = other[v]
    other[s] = e
    other[e] = s
    return s, e


@njit(cache=True)
def count_permutations_subtree(ginv, prefix, strides, pindex, counts):
    """Add to ``counts[c(s), pindex[type(s g)]]`` every ``s`` starting with ``s(t) = prefix[t]``.

    ``ginv`` is ``g^{-1}`` as an array.
    """
    k = ginv.shape[0]
    oth_a = np.arange(k)
    oth_b = np.arange(k)
    cnt_b = np.ones(k, np.int64)
    used = np.int64(0)
    a = 0
    key = 0
    depth = prefix.shape[0]
    for t in range(depth):
        v = prefix[t]
        s, e = _arc(oth_a, t, v)
        if s < 0:
            a += 1
        u = ginv[t]
        if oth_b[u] == v:
            key += strides[cnt_b[u]]
        else:
            s, e = _arc(oth_b, u, v)
            cnt_b[s] = cnt_b[u] + cnt_b[v]
            cnt_b[e] = cnt_b[s]
        used |= np.int64(1) << v
    levels = k - depth
    if levels == 0:
        counts[a, pindex[key]] += 1
        return
    val = np.full(levels, -1, np.int64)
    a_at = np.empty(levels, np.int64)
    key_at = np.empty(levels, np.int64)
    sa = np.empty(levels, np.int64)
    ea = np.empty(levels, np.int64)
    sb = np.empty(levels, np.int64)
    eb = np.empty(levels, np.int64)
    cu = np.empty(levels, np.int64)
    cv = np.empty(levels, np.int64)
    a_at[0] = a
    key_at[0] = key
    i = 0
    while i >= 0:
        t = depth + i
        u = ginv[t]
        if val[i] >= 0:  # undo the previous choice of this level
            v = val[i]
            if sa[i] >= 0:
                oth_a[sa[i]] = t
                oth_a[ea[i]] = v
            if sb[i] >= 0:
                oth_b[sb[i]] = u
                oth_b[eb[i]] = v
                cnt_b[sb[i]] = cu[i]
                cnt_b[eb[i]] = cv[i]
            used &= ~(np.int64(1) << v)
        v = val[i] + 1
        while v < k and (used >> v) & 1:
            v += 1
        if v >= k:
            val[i] = -1
            i -= 1
            continue
        val[i] = v
        used |= np.int64(1) << v
        s, e = _arc(oth_a, t, v)
        sa[i] = s
        ea[i] = e
        a_new = a_at[i] + (1 if s < 0 else 0)
        key_new = key_at[i]
        if oth_b[u] == v:
            key_new += strides[cnt_b[u]]
            sb[i] = -1
        else:
            c1 = cnt_b[u]
            c2 = cnt_b[v]
            s, e = _arc(oth_b, u, v)
            sb[i] = s
            eb[i] = e
            cu[i] = c1
            cv[i] = c2
            cnt_b[s] = c1 + c2
            cnt_b[e] = c1 + c2
        if i == levels - 1:
            counts[a_new, pindex[key_new]] += 1
        else:
            i += 1
            val[i] = -1
            a_at[i] = a_new
            key_at[i] = key_new


@njit(cache=True, parallel=True)
def count_permutations(ginv, prefixes, strides, pindex, nparts):
    """``out[t, c, j]``: the permutations starting with ``prefixes[t]`` with ``c`` cycles whose
    product with ``g`` has the cycle type numbered ``j``."""
    k = ginv.shape[0]
    tasks = prefixes.shape[0]
    out = np.zeros((tasks, k + 1, nparts), np.int64)
    for t in prange(tasks):
        count_permutations_subtree(ginv, prefixes[t], strides, pindex, out[t])
    return out


@njit(cache=True, inline="always")
def _pair(part, p, q):
    """Pair ``p`` with ``q``: ``(-1, -1)`` if that closes a cycle, else the joined ends."""
    x = part[p]
    if x == q:
        return -1, -1
    y = part[q]
    part[x] = y
    part[y] = x
    return x, y


@njit(cache=True)
def count_matchings_subtree(pair_c, pair_r, prefix, strides, pindex, counts):
    """Add to ``counts[cycles(C + M), pindex[type(R + M)]]`` every matching ``M`` that starts
    with the pairs ``prefix`` (each pairing the lowest unmatched position)."""
    npos = pair_c.shape[0]
    k = npos // 2
    part_c = pair_c.copy()
    part_r = pair_r.copy()
    cnt_r = np.full(npos, 2, np.int64)
    mask = (np.int64(1) << npos) - 1
    a = 0
    key = 0
    depth = prefix.shape[0]
    for s in range(depth):
        p = prefix[s, 0]
        q = prefix[s, 1]
        x, y = _pair(part_c, p, q)
        if x < 0:
            a += 1
        if part_r[p] == q:
            key += strides[cnt_r[p] // 2]
        else:
            c = cnt_r[p] + cnt_r[q]
            x, y = _pair(part_r, p, q)
            cnt_r[x] = c
            cnt_r[y] = c
        mask &= ~((np.int64(1) << p) | (np.int64(1) << q))
    levels = k - depth
    if levels == 0:
        counts[a, pindex[key]] += 1
        return
    ps = np.empty(levels, np.int64)
    qs = np.empty(levels, np.int64)
    xc = np.empty(levels, np.int64)
    yc = np.empty(levels, np.int64)
    xr = np.empty(levels, np.int64)
    yr = np.empty(levels, np.int64)
    a_at = np.empty(levels, np.int64)
    key_at = np.empty(levels, np.int64)
    p = lowest_bit(mask)
    ps[0] = p
    qs[0] = p
    mask &= ~(np.int64(1) << p)
    a_at[0] = a
    key_at[0] = key
    i = 0
    while i >= 0:
        p = ps[i]
        q = qs[i]
        if q != p:  # undo the previous choice of this level
            if xc[i] >= 0:
                part_c[xc[i]] = p
                part_c[yc[i]] = q
            if xr[i] >= 0:
                part_r[xr[i]] = p
                part_r[yr[i]] = q
                cnt_r[xr[i]] = cnt_r[p]
                cnt_r[yr[i]] = cnt_r[q]
            mask |= np.int64(1) << q
        q += 1
        while q < npos and not (mask >> q) & 1:
            q += 1
        if q >= npos:
            mask |= np.int64(1) << p
            i -= 1
            continue
        qs[i] = q
        mask &= ~(np.int64(1) << q)
        x, y = _pair(part_c, p, q)
        xc[i] = x
        yc[i] = y
        a_new = a_at[i] + (1 if x < 0 else 0)
        key_new = key_at[i]
        if part_r[p] == q:
            key_new += strides[cnt_r[p] // 2]
            xr[i] = -1
        else:
            c = cnt_r[p] + cnt_r[q]
            x, y = _pair(part_r, p, q)
            xr[i] = x
            yr[i] = y
            cnt_r[x] = c
            cnt_r[y] = c
        if i == levels - 1:
            counts[a_new, pindex[key_new]] += 1
        else:
            i += 1
            p2 = lowest_bit(mask)
            ps[i] = p2
            qs[i] = p2
            mask &= ~(np.int64(1) << p2)
            a_at[i] = a_new
            key_at[i] = key_new


@njit(cache=True, parallel=True)
def count_matchings(pair_c, pair_r, prefixes, strides, pindex, nparts):
    """``out[t, c, j]``: the matchings starting with ``prefixes[t]`` (an ``(T, D, 2)`` array) with
    ``c`` cycles of ``C + M`` and cycle type numbered ``j`` of ``R + M``."""
    k = pair_c.shape[0] // 2
    tasks = prefixes.shape[0]
    out = np.zeros((tasks, k + 1, nparts), np.int64)
    for t in prange(tasks):
        count_matchings_subtree(pair_c, pair_r, prefixes[t], strides, pindex, out[t])
    return out
