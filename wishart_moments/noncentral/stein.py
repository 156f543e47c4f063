"""Noncentral Wishart moments by Gaussian integration by parts on words in Sigma and Omega.

``W = Y Y^*``, ``Y = X + M`` (``m x n``), the columns of ``X`` iid ``N_m(0, Sigma)``, real
(``beta = 1``) or circular complex (``beta = 2``). Integration by parts with a mean,

    E[Y_ij F(Y)] = M_ij E[F] + sum_l Sigma_il d/dM_lj E[F]        (real; complex: d/d conj M),

says that multiplying by an entry of ``Y`` acts on the expectation ``g(M) = E[F]`` as the
operator ``M + Sigma d/dM``. So ``E[G W] = L(E[G])`` for every matrix polynomial ``G`` of ``Y``,
where (complex; the real case sums over both factors of each ``Omega = M M^T``)

    L(g)_ik = sum_{p, j} (M_pj + Sigma_pl d/d conj M_lj) (conj M_kj + Sigma_qk d/dM_qj) g_ip.

Its expectations are polynomials in ``n`` whose coefficients are products of traces of words in
``Sigma``, ``Omega`` times one open word (:mod:`.words`), and ``L`` acts on such a term by rules
on strings: ``g Omega``, ``n g Sigma``, and for each ``Omega`` of the term (open or under a trace)
the cuts made by one derivative, for each pair of ``Omega`` the cuts made by two (the derivative
``d/dM`` of ``Omega = M M^*`` removes its ``M``, ``d/d conj M`` its ``M^*``; the two derivatives
share the column index ``j``, which closes the remaining pieces into new words). With
``P Omega Q`` the open word and ``tr(Omega R)`` a trace, the first-order complex rules are

    P Omega Q   -> tr(Q Omega) P Sigma + tr(Q Sigma) P Omega + n tr(Q Sigma) P Sigma,
    tr(Omega R) -> P Omega R Sigma + P Sigma R Omega + n P Sigma R Sigma,

and the real case adds the same with ``Q``, ``R`` reversed (``M^T`` hit instead of ``M``). The
chain ``E[p_mu(W) W^r] = L^r(E[p_mu(W)] I)`` and ``E[tr(W^k) p_rest] = tr L^k(E[p_rest] I)``
gives every moment from ``E[1] = 1`` in ``|mu| + r`` steps, as the central Stein engine does
(:mod:`wishart_moments.engines.stein`).

``identity=True`` evaluates at ``Sigma = I`` after every step (words become powers of
``Omega``, ``tr I = m``): the commutative engine behind the polynomials in ``n, m, w_j``.

Terms are ``{(closed, open): {e: c}}``: ``c n^e prod tr(closed) open`` with integer ``c``,
``closed`` a sorted tuple of canonical closed words (``""`` is ``tr I = m``) and ``open`` a word.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from .words import canonical

Closed = tuple[str, ...]
Key = tuple[Closed, str]
Poly = dict[int, int]
Terms = dict[Key, Poly]

__all__ = ["matrix_terms", "scalar_terms", "step"]


def _rev(word: str) -> str:
    return word[::-1]


def _project(word: str) -> str:
    return "O" * word.count("O")


class _Out:
    """Accumulates the transitions of one term (``closed`` minus some words, plus others)."""

    def __init__(self, closed: Closed, beta: int, identity: bool) -> None:
        self.closed = closed
        self.beta = beta
        self.identity = identity
        self.acc: dict[tuple[int, Closed, str], int] = {}

    def add(self, de: int, drop: tuple[int, ...], new: tuple[str, ...], word: str) -> None:
        if drop:
            kept = [w for i, w in enumerate(self.closed) if i not in drop]
        else:
            kept = list(self.closed)
        for w in new:
            c = canonical(w, self.beta)
            kept.append(_project(c) if self.identity else c)
        key = (de, tuple(sorted(kept)), _project(word) if self.identity else word)
        self.acc[key] = self.acc.get(key, 0) + 1


def _occurrences(closed: Closed) -> list[tuple[int, int, str]]:
    """``(trace index, position, R)`` for each ``Omega`` under a trace, ``tr(Omega R)``."""
    out = []
    for t, word in enumerate(closed):
        for i, ch in enumerate(word):
            if ch == "O":
                out.append((t, i, word[i + 1 :] + word[:i]))
    return out


@lru_cache(maxsize=1 << 20)
def _transitions(closed: Closed, word: str, beta: int, identity: bool) -> tuple:
    """``L`` on ``prod tr(closed) word``: ``((de, closed', word', weight), ...)``."""
    out = _Out(closed, beta, identity)
    real = beta == 1
    add = out.add
    add(0, (), (), word + "O")
    add(1, (), (), word + "S")
    opens = [i for i, ch in enumerate(word) if ch == "O"]
    shut = _occurrences(closed)
    # first order and both derivatives on the same Omega
    for i in opens:
        a, b = word[:i], word[i + 1 :]
        add(0, (), (b + "O",), a + "S")
        add(0, (), (b + "S",), a + "O")
        add(1, (), (b + "S",), a + "S")
        if real:
            rb = _rev(b)
            add(0, (), (), a + "O" + rb + "S")
            add(0, (), (), a + "S" + rb + "O")
            add(1, (), (), a + "S" + rb + "S")
    for t, _i, r in shut:
        add(0, (t,), (), word + "O" + r + "S")
        add(0, (t,), (), word + "S" + r + "O")
        add(1, (t,), (), word + "S" + r + "S")
        if real:
            rr = _rev(r)
            add(0, (t,), (), word + "O" + rr + "S")
            add(0, (t,), (), word + "S" + rr + "O")
            add(1, (t,), (), word + "S" + rr + "S")
    # second order: X (d/dM, with Sigma_qk) and Z (d/d conj M, with Sigma_pl) on two Omegas
    for x, i in enumerate(opens):
        for i2 in opens[x + 1 :]:
            p, q, t = word[:i], word[i + 1 : i2], word[i2 + 1 :]
            # X = i, Z = i2 (X first)
            add(0, (), (q + "O", t + "S"), p + "S")
            # Z = i, X = i2 (Z first)
            add(0, (), (), p + "O" + t + "S" + q + "S")
            if real:
                rq, rt = _rev(q), _rev(t)
                add(0, (), (rq + "O" + t + "S",), p + "S")
                add(0, (), (t + "S",), p + "O" + rq + "S")
                add(0, (), (), p + "O" + t + "S" + rq + "S")
                add(0, (), (), p + "O" + rq + "S" + rt + "S")
                add(0, (), (), p + "S" + rt + "O" + q + "S")
                add(0, (), (q + "O",), p + "S" + rt + "S")
    for i in opens:
        p, q = word[:i], word[i + 1 :]
        for t, _j, r in shut:
            # X open, Z under a trace; then Z open, X under a trace
            add(0, (t,), ("O" + q + "S" + r,), p + "S")
            add(0, (t,), (q + "S",), p + "O" + r + "S")
            if real:
                rq, rr = _rev(q), _rev(r)
                add(0, (t,), ("O" + q + "S" + rr,), p + "S")
                add(0, (t,), (), p + "O" + rr + "S" + rq + "S")
                add(0, (t,), (), p + "O" + r + "S" + rq + "S")
                add(0, (t,), (q + "S",), p + "O" + rr + "S")
                add(0, (t,), (), p + "S" + rq + "O" + r + "S")
                add(0, (t,), (), p + "S" + rq + "O" + rr + "S")
    for t1, i1, r1 in shut:
        for t2, i2, r2 in shut:
            if t1 != t2:  # X in trace t1, Z in trace t2
                add(0, (t1, t2), (), word + "S" + r2 + "O" + r1 + "S")
                if real:
                    rr1, rr2 = _rev(r1), _rev(r2)
                    add(0, (t1, t2), (), word + "S" + r2 + "O" + rr1 + "S")
                    add(0, (t1, t2), (), word + "S" + rr2 + "O" + r1 + "S")
                    add(0, (t1, t2), (), word + "S" + rr2 + "O" + rr1 + "S")
            elif i1 != i2:  # the same trace: tr(Omega_X A Omega_Z B)
                gap = (i2 - i1) % len(closed[t1])
                a, b = r1[: gap - 1], r1[gap:]
                add(0, (t1,), (a + "O",), word + "S" + b + "S")
                if real:
                    ra, rb = _rev(a), _rev(b)
                    add(0, (t1,), (rb + "O",), word + "S" + ra + "S")
                    add(0, (t1,), (), word + "S" + ra + "O" + b + "S")
                    add(0, (t1,), (), word + "S" + b + "O" + ra + "S")
    return tuple((de, c, w, weight) for (de, c, w), weight in out.acc.items())


def step(terms: Terms, beta: int, identity: bool = False) -> Terms:
    """``L`` applied to ``terms``: from ``E[G]`` to ``E[G W]``."""
    out: Terms = {}
    for (closed, word), poly in terms.items():
        for de, closed2, word2, weight in _transitions(closed, word, beta, identity):
            target = out.get((closed2, word2))
            if target is None:
                target = out[(closed2, word2)] = {}
            for e, c in poly.items():
                target[e + de] = target.get(e + de, 0) + weight * c
    return out


def _trace(terms: Terms, beta: int, identity: bool) -> Terms:
    out: Terms = {}
    for (closed, word), poly in terms.items():
        w = canonical(word, beta)
        if identity:
            w = _project(w)
        key = (tuple(sorted((*closed, w))), "")
        target = out.setdefault(key, {})
        for e, c in poly.items():
            target[e] = target.get(e, 0) + c
    return out


@lru_cache(maxsize=256)
def _scalar(mu: tuple[int, ...], beta: int, identity: bool) -> Terms:
    if not mu:
        return {((), ""): {0: 1}}
    terms = dict(_scalar(mu[1:], beta, identity))
    for _ in range(mu[0]):
        terms = step(terms, beta, identity)
    return _trace(terms, beta, identity)


def scalar_terms(mu: Iterable[int], beta: int, identity: bool = False) -> Terms:
    """``E prod_i tr(W^{mu_i})`` as ``{(closed, ""): {e: c}}`` (parts positive, any order)."""
    return _scalar(tuple(sorted(mu, reverse=True)), beta, identity)


def matrix_terms(mu: Iterable[int], power: int, beta: int, identity: bool = False) -> Terms:
    """``E[prod_i tr(W^{mu_i}) W^power]`` as ``{(closed, open): {e: c}}``."""
    terms = scalar_terms(mu, beta, identity)
    for _ in range(power):
        terms = step(terms, beta, identity)
    return terms
