"""Numba kernel of the noncentral Wick sum ``E F(M + X) = exp(Delta) F(M)`` on words.

The rules are those of :mod:`wishart_moments.noncentral.contractions` (read that docstring; the
plain-Python version there is the reference this kernel is tested against), on the integer-coded
words of :mod:`wishart_moments.kernels.noncentral_words`.

A term ``c n^e prod tr(closed) open`` is the key ``(hi, lo, e)``: ``lo = 2^L | bits`` holds the
open word, ``hi`` the packed closed words (``3 L + 1`` bits at most for ``L`` letters in all, so
degrees up to 20 fit in an ``int64``). Counts are
``int64``: each is at most the number of partial matchings of ``2K`` factors (``5.7e17`` real,
``K = 16``), so ``j`` times it stays below ``2^63`` for ``K <= 16``.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.typed import Dict

from .noncentral_words import canonical, omegas, pack, rest, reverse, sub, unpack

KEY = types.UniTuple(types.int64, 3)

#: Largest degree ``|mu| + power`` the kernel takes (the ``int64`` counts, see above).
MAX_DEGREE = 16


@njit(cache=True)
def _emit(out, cb, cl, count, d1, d2, b1, l1, b2, l2, ob, ol, e, coef, real, identity, tb, tl):
    """Add ``coef`` to the term: closed words minus ``d1``, ``d2``, plus the new words
    ``(b1, l1)``, ``(b2, l2)`` (``l < 0``: none), open word ``(ob, ol)``, power ``e``."""
    k = 0
    for i in range(count):
        if i != d1 and i != d2:
            tb[k] = cb[i]
            tl[k] = cl[i]
            k += 1
    if l1 >= 0:
        if identity:
            tb[k], tl[k] = 0, omegas(b1, l1)
        else:
            tb[k], tl[k] = canonical(b1, l1, real), l1
        k += 1
    if l2 >= 0:
        if identity:
            tb[k], tl[k] = 0, omegas(b2, l2)
        else:
            tb[k], tl[k] = canonical(b2, l2, real), l2
        k += 1
    if identity:
        ol = omegas(ob, ol)
        ob = 0
    key = (pack(tb, tl, k), (np.int64(1) << ol) | ob, e)
    out[key] = out.get(key, 0) + coef


@njit(cache=True)
def _apply(out, hi, lo, e, coef, e_n, coef_n, real, identity, cb, cl, tb, tl, sb, sl, st, si):
    """``Delta`` on one term (the rules of ``contractions._transitions``); the rules that bring a
    factor ``n`` emit ``(e_n, coef_n)``: ``(e + 1, coef)`` for counts, ``(e, n coef)`` at a
    number ``n``."""
    count = unpack(hi, cb, cl)
    ol = 0
    while (lo >> (ol + 1)) != 0:
        ol += 1
    ob = lo ^ (np.int64(1) << ol)
    one = np.int64(1)
    # the Omegas under traces: (trace, position, R)
    ns = 0
    for t in range(count):
        for i in range(cl[t]):
            if not (cb[t] >> (cl[t] - 1 - i)) & 1:
                st[ns], si[ns] = t, i
                sb[ns], sl[ns] = rest(cb[t], cl[t], i), cl[t] - 1
                ns += 1
    # one Omega: its M with its M^*
    for i in range(ol):
        if not (ob >> (ol - 1 - i)) & 1:
            _emit(
                out,
                cb,
                cl,
                count,
                -1,
                -1,
                0,
                -1,
                0,
                -1,
                ob | (one << (ol - 1 - i)),
                ol,
                e_n,
                coef_n,
                real,
                identity,
                tb,
                tl,
            )
    for s in range(ns):
        r, rl = sb[s], sl[s]
        _emit(
            out,
            cb,
            cl,
            count,
            st[s],
            -1,
            (one << rl) | r,
            rl + 1,
            0,
            -1,
            ob,
            ol,
            e_n,
            coef_n,
            real,
            identity,
            tb,
            tl,
        )
    # two Omegas of the open word: p O q O t
    for i in range(ol):
        if (ob >> (ol - 1 - i)) & 1:
            continue
        for i2 in range(i + 1, ol):
            if (ob >> (ol - 1 - i2)) & 1:
                continue
            p, pl = sub(ob, ol, 0, i), i
            q, ql = sub(ob, ol, i + 1, i2), i2 - i - 1
            t, tlen = sub(ob, ol, i2 + 1, ol), ol - i2 - 1
            # tr(q O) p S t  and  tr(q S) p O t
            short = pl + 1 + tlen
            _emit(
                out,
                cb,
                cl,
                count,
                -1,
                -1,
                q << 1,
                ql + 1,
                0,
                -1,
                (((p << 1) | 1) << tlen) | t,
                short,
                e,
                coef,
                real,
                identity,
                tb,
                tl,
            )
            _emit(
                out,
                cb,
                cl,
                count,
                -1,
                -1,
                (q << 1) | 1,
                ql + 1,
                0,
                -1,
                ((p << 1) << tlen) | t,
                short,
                e,
                coef,
                real,
                identity,
                tb,
                tl,
            )
            if real:
                rq = reverse(q, ql)
                w1 = (((((p << 1) | 1) << ql) | rq) << 1) << tlen | t  # p S rq O t
                w2 = (((((p << 1) << ql) | rq) << 1) | 1) << tlen | t  # p O rq S t
                _emit(
                    out,
                    cb,
                    cl,
                    count,
                    -1,
                    -1,
                    0,
                    -1,
                    0,
                    -1,
                    w1,
                    ol,
                    e,
                    coef,
                    real,
                    identity,
                    tb,
                    tl,
                )
                _emit(
                    out,
                    cb,
                    cl,
                    count,
                    -1,
                    -1,
                    0,
                    -1,
                    0,
                    -1,
                    w2,
                    ol,
                    e,
                    coef,
                    real,
                    identity,
                    tb,
                    tl,
                )
    # one Omega of the open word (p O q), one under a trace tr(O r)
    for i in range(ol):
        if (ob >> (ol - 1 - i)) & 1:
            continue
        p = sub(ob, ol, 0, i)
        q, ql = sub(ob, ol, i + 1, ol), ol - i - 1
        for s in range(ns):
            r, rl = sb[s], sl[s]
            length = ol + rl + 1
            for variant in range(2 if real else 1):
                rr = r if variant == 0 else reverse(r, rl)
                w1 = (((((p << 1) | 1) << rl | rr) << 1) << ql) | q  # p S r O q
                w2 = (((((p << 1) << rl) | rr) << 1 | 1) << ql) | q  # p O r S q
                _emit(
                    out,
                    cb,
                    cl,
                    count,
                    st[s],
                    -1,
                    0,
                    -1,
                    0,
                    -1,
                    w1,
                    length,
                    e,
                    coef,
                    real,
                    identity,
                    tb,
                    tl,
                )
                _emit(
                    out,
                    cb,
                    cl,
                    count,
                    st[s],
                    -1,
                    0,
                    -1,
                    0,
                    -1,
                    w2,
                    length,
                    e,
                    coef,
                    real,
                    identity,
                    tb,
                    tl,
                )
    # two Omegas under traces
    for x in range(ns):
        for y in range(x + 1, ns):
            r1, l1 = sb[x], sl[x]
            if st[x] != st[y]:
                r2, l2 = sb[y], sl[y]
                length = l1 + l2 + 2
                for variant in range(2 if real else 1):
                    rr = r2 if variant == 0 else reverse(r2, l2)
                    v1 = ((((r1 << 1) | 1) << l2) | rr) << 1  # r1 S r2 O
                    v2 = ((((r1 << 1) << l2) | rr) << 1) | 1  # r1 O r2 S
                    _emit(
                        out,
                        cb,
                        cl,
                        count,
                        st[x],
                        st[y],
                        v1,
                        length,
                        0,
                        -1,
                        ob,
                        ol,
                        e,
                        coef,
                        real,
                        identity,
                        tb,
                        tl,
                    )
                    _emit(
                        out,
                        cb,
                        cl,
                        count,
                        st[x],
                        st[y],
                        v2,
                        length,
                        0,
                        -1,
                        ob,
                        ol,
                        e,
                        coef,
                        real,
                        identity,
                        tb,
                        tl,
                    )
            else:  # tr(O_X a O_Z b), r1 = a O b
                gap = si[y] - si[x]
                al = gap - 1
                bl = l1 - gap
                a = sub(r1, l1, 0, al)
                b = sub(r1, l1, gap, l1)
                _emit(
                    out,
                    cb,
                    cl,
                    count,
                    st[x],
                    -1,
                    a << 1,
                    al + 1,
                    (b << 1) | 1,
                    bl + 1,
                    ob,
                    ol,
                    e,
                    coef,
                    real,
                    identity,
                    tb,
                    tl,
                )
                _emit(
                    out,
                    cb,
                    cl,
                    count,
                    st[x],
                    -1,
                    (a << 1) | 1,
                    al + 1,
                    b << 1,
                    bl + 1,
                    ob,
                    ol,
                    e,
                    coef,
                    real,
                    identity,
                    tb,
                    tl,
                )
                if real:
                    rb = reverse(b, bl)
                    v1 = ((((a << 1) | 1) << bl) | rb) << 1  # a S rb O
                    v2 = ((((a << 1) << bl) | rb) << 1) | 1  # a O rb S
                    _emit(
                        out,
                        cb,
                        cl,
                        count,
                        st[x],
                        -1,
                        v1,
                        l1 + 1,
                        0,
                        -1,
                        ob,
                        ol,
                        e,
                        coef,
                        real,
                        identity,
                        tb,
                        tl,
                    )
                    _emit(
                        out,
                        cb,
                        cl,
                        count,
                        st[x],
                        -1,
                        v2,
                        l1 + 1,
                        0,
                        -1,
                        ob,
                        ol,
                        e,
                        coef,
                        real,
                        identity,
                        tb,
                        tl,
                    )


@njit(cache=True)
def _apply_all(level, nxt, degree, real, identity, e_step, n):
    """``nxt = Delta(level)``; a factor ``n`` raises ``e`` by ``e_step`` and multiplies the
    coefficient by ``n`` (counts: ``e_step = 1, n = 1``; at a number: ``e_step = 0``)."""
    size = degree + 4
    cb = np.empty(size, np.int64)
    cl = np.empty(size, np.int64)
    tb = np.empty(size, np.int64)
    tl = np.empty(size, np.int64)
    sb = np.empty(degree + 1, np.int64)
    sl = np.empty(degree + 1, np.int64)
    st = np.empty(degree + 1, np.int64)
    si = np.empty(degree + 1, np.int64)
    nxt.clear()
    for key, coef in level.items():
        _apply(
            nxt,
            key[0],
            key[1],
            key[2],
            coef,
            key[2] + e_step,
            coef * n,
            real,
            identity,
            cb,
            cl,
            tb,
            tl,
            sb,
            sl,
            st,
            si,
        )


@njit(cache=True)
def _fill(total, his, los, es, cs):
    i = 0
    for key, c in total.items():
        his[i], los[i], es[i], cs[i] = key[0], key[1], key[2], c
        i += 1


@njit(cache=True)
def expand(start_hi, start_lo, degree, real, identity):
    """``sum_j T_j`` from ``T_0`` = the term ``(start_hi, start_lo, 0)``: arrays
    ``(hi, lo, e, count)`` of every term of ``E[p_mu(W) W^r]`` (exact ``int64`` counts)."""
    level = Dict.empty(key_type=KEY, value_type=types.int64)
    nxt = Dict.empty(key_type=KEY, value_type=types.int64)
    total = Dict.empty(key_type=KEY, value_type=types.int64)
    level[(start_hi, start_lo, np.int64(0))] = 1
    total[(start_hi, start_lo, np.int64(0))] = 1
    for j in range(1, degree + 1):
        _apply_all(level, nxt, degree, real, identity, 1, 1)
        level.clear()
        for key, c in nxt.items():
            if c % j:
                raise ValueError("Delta T_{j-1} is not divisible by j")
            level[key] = c // j
            total[key] = total.get(key, 0) + c // j
    size = len(total)
    his, los, es = np.empty(size, np.int64), np.empty(size, np.int64), np.empty(size, np.int64)
    cs = np.empty(size, np.int64)
    _fill(total, his, los, es, cs)
    return his, los, es, cs


@njit(cache=True)
def expand_at(start_hi, start_lo, degree, real, identity, n):
    """The same at a number ``n``: ``float64`` coefficients with ``n^e`` multiplied in (every
    ``e`` is 0)."""
    level = Dict.empty(key_type=KEY, value_type=types.float64)
    nxt = Dict.empty(key_type=KEY, value_type=types.float64)
    total = Dict.empty(key_type=KEY, value_type=types.float64)
    level[(start_hi, start_lo, np.int64(0))] = 1.0
    total[(start_hi, start_lo, np.int64(0))] = 1.0
    for j in range(1, degree + 1):
        _apply_all(level, nxt, degree, real, identity, 0, n)
        level.clear()
        for key, c in nxt.items():
            level[key] = c / j
            total[key] = total.get(key, 0.0) + c / j
    size = len(total)
    his, los, es = np.empty(size, np.int64), np.empty(size, np.int64), np.empty(size, np.int64)
    cs = np.empty(size, np.float64)
    _fill(total, his, los, es, cs)
    return his, los, es, cs
