"""Jack polynomials in the power sums, level by level: ``p_1 P_psi`` split by a Laplace-Beltrami
operator (exact integers; no Gram-Schmidt, no monomial basis).

With ``alpha = au / av`` and ``d_i = d / dp_i`` on polynomials in the power sums ``p_i``,

    B = av * sum_{i,j} (i + j) p_i p_j d_{i+j}  (cut a part)
        + au * sum_{i,j} i j p_{i+j} d_i d_j    (join two parts)
        + (au - av) * sum_i i (i - 1) p_i d_i,

``2 av`` times Macdonald's operator ``D(alpha)`` (VI.4, Example 3), has the Jack polynomials
``P_kappa`` as eigenvectors, eigenvalue ``2 au n(kappa') - 2 av n(kappa)``
(``n(kappa) = sum (i - 1) kappa_i``). Adding the box ``(i, j)`` raises it by
``2 au (j - 1) - 2 av (i - 1)``: distinct for the boxes addable to one ``psi``. By the Pieri rule
``p_1 P_psi`` lies in the span of the ``P_phi``, ``phi = psi + box``, so its parts for those
eigenvalues (:func:`wishart_moments.engines._krylov.eigen_split`) are multiples of the
``P_phi``. Each ``phi`` is taken from the ``psi`` without the last box of its last row. The
vectors are integer and primitive, each ``P_phi`` up to a constant factor; the tests compare them
with the Gram-Schmidt construction of :mod:`wishart_moments.engines.jack`.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from math import gcd

from ._krylov import eigen_split, probe, probe_times
from ._parts import partitions_of

Partition = tuple[int, ...]

__all__ = ["jack_vectors"]


def _with(lam: Partition, *parts: int) -> Partition:
    return tuple(sorted((*lam, *parts), reverse=True))


def _without(lam: Partition, *parts: int) -> Partition:
    out = list(lam)
    for r in parts:
        out.remove(r)
    return tuple(out)


@cache
def _operator(d: int, alpha: Fraction) -> tuple[tuple, list[int], list[int]]:
    """``(columns of B on the partitions of d, r, r B)``."""
    au, av = alpha.numerator, alpha.denominator
    order = partitions_of(d)
    index = {lam: i for i, lam in enumerate(order)}
    columns = []
    for lam in order:
        col: dict[int, int] = {}
        mult = {r: lam.count(r) for r in set(lam)}
        diag = (au - av) * sum(r * (r - 1) for r in lam)
        if diag:
            col[index[lam]] = diag
        for r, m_r in mult.items():  # cut r = i + j (ordered pairs)
            for i in range(1, r // 2 + 1):
                key = index[_with(_without(lam, r), i, r - i)]
                col[key] = col.get(key, 0) + av * r * m_r * (2 if 2 * i != r else 1)
        parts = sorted(mult)
        for s, i in enumerate(parts):  # join i + j (ordered pairs)
            for j in parts[s:]:
                if i != j:
                    c = 2 * au * i * j * mult[i] * mult[j]
                elif mult[i] > 1:
                    c = au * i * i * mult[i] * (mult[i] - 1)
                else:
                    continue
                key = index[_with(_without(lam, i, j), i + j)]
                col[key] = col.get(key, 0) + c
        columns.append(tuple((i, c) for i, c in col.items() if c))
    r = probe(len(order))
    return tuple(columns), r, probe_times(r, columns)


@cache
def jack_vectors(d: int, alpha: Fraction) -> dict[Partition, list[int]]:
    """``{kappa: vector}``: ``P_kappa`` up to scale on ``p_lam``, ``lam`` in
    ``partitions_of(d)`` order, for every partition ``kappa`` of ``d``."""
    if d == 0:
        return {(): [1]}
    au, av = alpha.numerator, alpha.denominator
    columns, r, r_b = _operator(d, alpha)
    index = {lam: i for i, lam in enumerate(partitions_of(d))}
    times_p1 = [index[(*lam, 1)] for lam in partitions_of(d - 1)]
    out: dict[Partition, list[int]] = {}
    for psi, vec in jack_vectors(d - 1, alpha).items():
        x = [0] * len(index)
        for i, c in zip(times_p1, vec, strict=True):
            x[i] = c
        boxes = [
            (i, j)
            for i, j in ((i + 1, (psi[i] if i < len(psi) else 0) + 1) for i in range(len(psi) + 1))
            if i == 1 or psi[i - 2] >= j
        ]
        base = sum(2 * au * (c * (c - 1) // 2) - 2 * av * i * c for i, c in enumerate(psi))
        roots = [base + 2 * au * (j - 1) - 2 * av * (i - 1) for i, j in boxes]
        # the children whose last row holds the new box: a new row, or the last row extended
        wanted = [t for t, (i, _j) in enumerate(boxes) if i >= len(psi)]
        for t, (_den, piece) in eigen_split(x, columns, roots, r, r_b, wanted).items():
            i = boxes[t][0]
            phi = (*psi[: i - 1], (psi[i - 1] if i <= len(psi) else 0) + 1)
            g = gcd(*piece)
            out[phi] = [c // g for c in piece]
    return out
