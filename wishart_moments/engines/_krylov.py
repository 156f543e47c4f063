"""Splitting a vector into eigenvectors of a sparse integer matrix with known distinct eigenvalues.

If ``x`` lies in the sum of the eigenspaces of ``A`` for the distinct eigenvalues
``e_1, ..., e_h``, its part in the eigenspace of ``e_t`` is ``L_t(A) x`` with the Lagrange
polynomial ``L_t(z) = prod_{s != t} (z - e_s) / (e_t - e_s)``: a combination of the Krylov vectors
``x, A x, ..., A^{h-1} x``, with no linear solve. The premise is checked on a fixed functional
``r``: ``r prod_t (A - e_t) x = 0`` (it uses ``r A``, given, for the top power), else
``ArithmeticError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import lcm
from operator import mul

Columns = Sequence[Sequence[tuple[int, int]]]


def probe(size: int) -> list[int]:
    """A fixed functional with entries in ``[1, 10^6]`` (the check's ``r``)."""
    return [(i * 2654435761 + 12345) % 1000003 + 1 for i in range(size)]


def probe_times(r: list[int], columns: Columns) -> list[int]:
    """``r A`` for ``A`` given by its columns ``[(row, value), ...]``."""
    return [sum(r[i] * c for i, c in col) for col in columns]


def poly_from_roots(roots: Sequence[int]) -> list[int]:
    """Coefficients (lowest first) of ``prod (z - r)``."""
    poly = [1]
    for r in roots:
        nxt = [0] * (len(poly) + 1)
        for t, c in enumerate(poly):
            nxt[t] -= r * c
            nxt[t + 1] += c
        poly = nxt
    return poly


def combine(vectors: Sequence[list[int]], coefs: Sequence[int]) -> list[int]:
    """``sum coefs[t] vectors[t]`` (dense vectors of one length; ``coefs`` may be shorter)."""
    out = [0] * len(vectors[0])
    for coef, vec in zip(coefs, vectors, strict=False):
        if coef:
            out = [o + coef * x for o, x in zip(out, vec, strict=True)]
    return out


def eigen_split(
    x: list[int],
    columns: Columns,
    roots: Sequence[int],
    r: list[int],
    r_a: list[int],
    wanted: Sequence[int] | None = None,
) -> dict[int, tuple[int, list[int]]]:
    """``{t: (den_t, den_t * part of x for roots[t])}`` for ``t`` in ``wanted`` (default all),
    integers; ``r`` and ``r_a = r A`` for the check (see the module docstring)."""
    size = len(x)
    krylov = [x]
    for _ in roots[1:]:
        nxt = [0] * size
        for col, c in zip(columns, krylov[-1], strict=True):
            if c:
                for i, w in col:
                    nxt[i] += w * c
        krylov.append(nxt)
    seen = [sum(map(mul, r, v)) for v in krylov]
    seen.append(sum(map(mul, r_a, krylov[-1])))
    if sum(map(mul, poly_from_roots(roots), seen)):
        raise ArithmeticError("the vector is not in the sum of the given eigenspaces")
    last = len(roots) - 1
    targets = range(len(roots)) if wanted is None else wanted
    out: dict[int, tuple[int, list[int]]] = {}
    for t in targets:
        if t == last and wanted is None:
            continue
        others = [e for s, e in enumerate(roots) if s != t]
        den = 1
        for e in others:
            den *= roots[t] - e
        out[t] = (den, combine(krylov, poly_from_roots(others)))
    if wanted is None:  # the last part: x minus the others
        common = lcm(1, *(den for den, _ in out.values()))
        coefs = [common, *(-(common // den) for den, _ in out.values())]
        out[last] = (common, combine([x, *(v for _, v in out.values())], coefs))
    return out
