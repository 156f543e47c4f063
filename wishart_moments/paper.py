"""The coefficient tables printed in the paper (arXiv 2601.08253), kept as test data.

k = 1..5 come from section IV-E, k = 6..10 from appendix A, in the paper's layout (rows
``n^k .. n^1``, columns ``m^1 .. m^k``). For k = 9 and 10 the paper prints only the left half of
each persymmetric matrix: the zeros standing in for the right half are not real zeros, the true
value is the printed mirror entry ``C_{b,a}``. The paper prints k = 1 as a 2 x 1 column; the data
keep the 1 x 1 matrix ``[[1]]`` (``E tr S = sigma^2 n m``, its eq. 10) and record the misprint.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

from ._validation import check_order

PAPER_KMAX = 10


@cache
def _data() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("data/paper_tables.json").read_text("utf-8")
    return json.loads(text)


def half_printed_orders() -> tuple[int, ...]:
    """Orders for which the paper prints only half of the matrix (9 and 10)."""
    return tuple(_data()["half_printed"])


def paper_table(k: int) -> list[list[int]]:
    """The paper's ``C^{(k)}`` for ``1 <= k <= 10`` as printed (hidden half shown as 0)."""
    k = check_order(k, max_k=PAPER_KMAX, why=" (the paper prints k = 1..10)")
    return [list(row) for row in _data()["tables"][str(k)]]


def paper_differences(table: Sequence[Sequence[int]]) -> list[str]:
    """Where ``table`` disagrees with the paper's printed ``C^{(k)}``; empty if it agrees.

    Every printed nonzero must be equal. Where the paper prints 0 the table must be 0 too, except
    in the half that k = 9, 10 leave out: there the table's entry must equal the persymmetric
    mirror ``C_{b,a}``, and that mirror must be printed (nonzero).
    """
    k = len(table)
    printed = paper_table(k)
    if any(len(row) != k for row in table):
        return [f"table is not {k} x {k}"]
    half = k in half_printed_orders()
    out = []
    for i in range(k):
        for j in range(k):
            got, want = int(table[i][j]), printed[i][j]
            where = f"[{i}][{j}] (n^{k - i} m^{j + 1})"
            if want:
                if got != want:
                    out.append(f"{where} = {got}, paper prints {want}")
            elif got and not half:
                out.append(f"{where} = {got}, paper prints 0")
            elif got:
                mirror = printed[k - 1 - j][k - 1 - i]
                if not mirror:
                    out.append(f"{where} = {got}, paper prints 0 and not its mirror either")
                elif got != mirror:
                    out.append(f"{where} = {got}, paper prints its mirror as {mirror}")
    return out
