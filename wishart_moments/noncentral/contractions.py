"""Noncentral Wishart moments as a Wick sum organised by the number of contracted pairs.

For ``Y = X + M`` with Gaussian ``X`` (columns iid ``N_m(0, Sigma)``) and any polynomial ``F``,

    E F(Y) = exp(Delta) F(M),     Delta = sum_{i,k,j} Sigma_ik d^2/dM_ij d conj(M_kj)   (complex),
                                  Delta = 1/2 sum_{i,k,j} Sigma_ik d^2/dM_ij dM_kj      (real),

which is Isserlis' theorem with a mean read term by term: ``Delta^j / j!`` contracts ``j`` pairs of
factors and every factor left over takes the mean (Kuriki and Numata's graph sum). On
``F = p_mu(Omega) Omega^r`` (``Omega = M M^*``) one application of ``Delta`` picks two factors
``M`` of the word (complex: an ``M`` and an ``M^*``; real: any two of the ``M``, ``M^T``) and
replaces them by ``Sigma`` on the row side and the identity on the column side. Writing
``tr(Omega_X A Omega_Z B)`` for two ``Omega`` in one trace, ``tr(Omega R1) tr(Omega R2)`` in two,
``P Omega Q`` / ``P Omega_X Q Omega_Z T`` in the open word:

    one Omega (its M with its M^*):    tr(Omega R) -> n tr(Sigma R),   P Omega Q -> n P Sigma Q
    same trace:      tr(A Omega) tr(B Sigma) + tr(A Sigma) tr(B Omega)
    two traces:      tr(R1 Sigma R2 Omega) + tr(R1 Omega R2 Sigma)
    open word:       tr(Q Omega) P Sigma T + tr(Q Sigma) P Omega T
    open and trace:  P Sigma R Omega Q + P Omega R Sigma Q

and for ``beta = 1`` also the pairs ``{M, M}`` and ``{M^T, M^T}``, the same with the second piece
reversed (``tr(A Sigma B' Omega) + tr(A Omega B' Sigma)``, ``B' = reversed B``, and so on). Each
application removes one ``Omega``, so ``E[p_mu(W) W^r] = sum_j T_j`` with ``T_0 = p_mu(Omega)
Omega^r`` and ``T_j = Delta(T_{j-1}) / j`` (exact: ``Delta T_{j-1} = j T_j``), ending at
``j = |mu| + r``. Unlike :mod:`.stein` the states are never matrix-valued intermediates: the
terms of all levels together are the terms of the answer, which makes this the fast engine.

Terms and ``identity=True`` (``Sigma = I``) are as in :mod:`.stein`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from .stein import Closed, Terms, _project
from .words import canonical

__all__ = ["delta", "matrix_terms", "scalar_terms"]


def _rev(word: str) -> str:
    return word[::-1]


@lru_cache(maxsize=1 << 20)
def _transitions(closed: Closed, word: str, beta: int, identity: bool) -> tuple:
    """``Delta`` on ``prod tr(closed) word``: ``((de, closed', word', weight), ...)``."""
    acc: dict[tuple[int, Closed, str], int] = {}
    real = beta == 1

    def add(de: int, drop: tuple[int, ...], new: tuple[str, ...], open_word: str) -> None:
        kept = [w for i, w in enumerate(closed) if i not in drop] if drop else list(closed)
        for w in new:
            c = canonical(w, beta)
            kept.append(_project(c) if identity else c)
        key = (de, tuple(sorted(kept)), _project(open_word) if identity else open_word)
        acc[key] = acc.get(key, 0) + 1

    opens = [i for i, ch in enumerate(word) if ch == "O"]
    shut = [
        (t, i, w[i + 1 :] + w[:i])
        for t, w in enumerate(closed)
        for i, ch in enumerate(w)
        if ch == "O"
    ]
    for i in opens:  # one Omega of the open word
        add(1, (), (), word[:i] + "S" + word[i + 1 :])
    for t, _i, r in shut:  # one Omega under a trace
        add(1, (t,), ("S" + r,), word)
    for x, i in enumerate(opens):  # two Omegas of the open word
        for i2 in opens[x + 1 :]:
            p, q, t = word[:i], word[i + 1 : i2], word[i2 + 1 :]
            add(0, (), (q + "O",), p + "S" + t)
            add(0, (), (q + "S",), p + "O" + t)
            if real:
                rq = _rev(q)
                add(0, (), (), p + "S" + rq + "O" + t)
                add(0, (), (), p + "O" + rq + "S" + t)
    for i in opens:  # one of the open word, one under a trace
        p, q = word[:i], word[i + 1 :]
        for t, _j, r in shut:
            add(0, (t,), (), p + "S" + r + "O" + q)
            add(0, (t,), (), p + "O" + r + "S" + q)
            if real:
                rr = _rev(r)
                add(0, (t,), (), p + "S" + rr + "O" + q)
                add(0, (t,), (), p + "O" + rr + "S" + q)
    for x, (t1, i1, r1) in enumerate(shut):  # two under traces
        for t2, i2, r2 in shut[x + 1 :]:
            if t1 != t2:
                add(0, (t1, t2), (r1 + "S" + r2 + "O",), word)
                add(0, (t1, t2), (r1 + "O" + r2 + "S",), word)
                if real:
                    rr2 = _rev(r2)
                    add(0, (t1, t2), (r1 + "S" + rr2 + "O",), word)
                    add(0, (t1, t2), (r1 + "O" + rr2 + "S",), word)
            else:  # the same trace: tr(Omega_X A Omega_Z B)
                gap = i2 - i1
                a, b = r1[: gap - 1], r1[gap:]
                add(0, (t1,), (a + "O", b + "S"), word)
                add(0, (t1,), (a + "S", b + "O"), word)
                if real:
                    rb = _rev(b)
                    add(0, (t1,), (a + "S" + rb + "O",), word)
                    add(0, (t1,), (a + "O" + rb + "S",), word)
    return tuple((de, c, w, weight) for (de, c, w), weight in acc.items())


@lru_cache(maxsize=1 << 16)
def _commutative_transitions(closed: Closed, word: str, beta: int) -> tuple:
    """``Delta`` at ``Sigma = I``, where every word is a power of ``Omega`` (``closed`` holds
    ``"O" * j``, ``""`` for ``tr I = m``): the rules above summed over the positions of the pairs,
    in ``O(len(closed)^2 + degree)`` per term."""
    acc: dict[tuple[int, Closed, str], int] = {}
    extra = 2 if beta == 1 else 1  # real: the pairs {M, M} and {M^T, M^T} as well
    a = len(word)

    def add(de: int, drop: tuple[int, ...], new: tuple[int, ...], power: int, weight: int) -> None:
        kept = [w for i, w in enumerate(closed) if i not in drop]
        kept.extend("O" * j for j in new)
        key = (de, tuple(sorted(kept)), "O" * power)
        acc[key] = acc.get(key, 0) + weight

    if a:
        add(1, (), (), a - 1, a)
    for q in range(a - 1):  # pairs in the open word with q Omegas between them
        add(0, (), (q + 1,), a - 2 - q, a - 1 - q)
        add(0, (), (q,), a - 1 - q, a - 1 - q)
        if beta == 1:
            add(0, (), (), a - 1, 2 * (a - 1 - q))
    for t, w in enumerate(closed):
        j = len(w)
        if not j:
            continue
        add(1, (t,), (j - 1,), a, j)
        if a:
            add(0, (t,), (), a + j - 1, 2 * extra * a * j)
        for d in range(1, j):  # two Omegas of this trace, d apart
            add(0, (t,), (d, j - 1 - d), a, j - d)
            add(0, (t,), (d - 1, j - d), a, j - d)
            if beta == 1:
                add(0, (t,), (j - 1,), a, 2 * (j - d))
        for t2 in range(t + 1, len(closed)):
            j2 = len(closed[t2])
            if j2:
                add(0, (t, t2), (j + j2 - 1,), a, 2 * extra * j * j2)
    return tuple((de, c, w, weight) for (de, c, w), weight in acc.items())


def delta(terms: Terms, beta: int, identity: bool = False) -> Terms:
    """``Delta`` (real: ``Delta / 2``) applied to ``terms``."""
    out: Terms = {}
    for (closed, word), poly in terms.items():
        if identity:
            moves = _commutative_transitions(closed, word, beta)
        else:
            moves = _transitions(closed, word, beta, False)
        for de, closed2, word2, weight in moves:
            target = out.get((closed2, word2))
            if target is None:
                target = out[(closed2, word2)] = {}
            for e, c in poly.items():
                target[e + de] = target.get(e + de, 0) + weight * c
    return out


@lru_cache(maxsize=256)
def _matrix(mu: tuple[int, ...], power: int, beta: int, identity: bool) -> Terms:
    omega = "O"
    start = (tuple(sorted(omega * k for k in mu)), omega * power)
    level: Terms = {start: {0: 1}}
    total: Terms = {start: {0: 1}}
    for j in range(1, sum(mu) + power + 1):
        level = delta(level, beta, identity)
        for key, poly in level.items():
            target = total.setdefault(key, {})
            for e, c in poly.items():
                assert c % j == 0, "Delta T_{j-1} must be j T_j"
                poly[e] = c // j
                target[e] = target.get(e, 0) + c // j
    return total


def matrix_terms(mu: Iterable[int], power: int, beta: int, identity: bool = False) -> Terms:
    """``E[prod_i tr(W^{mu_i}) W^power]`` as ``{(closed, open): {e: c}}``."""
    return _matrix(tuple(sorted(mu, reverse=True)), power, beta, identity)


def scalar_terms(mu: Iterable[int], beta: int, identity: bool = False) -> Terms:
    """``E prod_i tr(W^{mu_i})`` as ``{(closed, ""): {e: c}}``."""
    return matrix_terms(mu, 0, beta, identity)
