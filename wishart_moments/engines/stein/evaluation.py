"""Terms of the Stein recursion evaluated with numbers for the power sums ``p_j = tr Sigma^j``
(and the powers ``Sigma^a``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .arguments import (
    Partition,
)

# ---------------------------------------------------------------------------------------------
# evaluation with numbers for the power sums


def evaluate_terms(terms: Mapping, p: Mapping[int, Any] | Any, n: Any = None) -> Any:
    """``sum c n^e p_lam`` for scalar terms ``{(e, lam): c}`` or ``{lam: c}``.

    ``p`` maps ``j -> p_j`` (``p[0]`` is used for ``tr I = m`` where it occurs) or is a callable.
    """
    get = p if callable(p) else p.__getitem__
    cache: dict[Partition, Any] = {}
    total: Any = 0
    for key, c in terms.items():
        e, lam = (
            key if (isinstance(key, tuple) and key and isinstance(key[-1], tuple)) else (0, key)
        )
        if lam not in cache:
            val: Any = 1
            for j in lam:
                val = val * get(j)
            cache[lam] = val
        term = c * cache[lam]
        if e:
            term = term * n**e
        total = total + term
    return total


def evaluate_matrix_terms(
    terms: Mapping, p: Mapping[int, Any] | Any, powers: Mapping[int, Any] | Any, n: Any = None
) -> Any:
    """``sum c n^e p_lam Sigma^a`` with ``powers[a] = Sigma^a`` (any matrix type times scalars).

    Keys ``(e, lam, a)`` or ``(lam, a)``; ``powers`` may be a callable.
    """
    getp = powers if callable(powers) else powers.__getitem__
    by_power: dict[int, dict] = {}
    for key, c in terms.items():
        if len(key) == 3:
            e, lam, a = key
            k2: Any = (e, lam)
        else:
            lam, a = key
            k2 = lam
        by_power.setdefault(a, {})[k2] = c
    result: Any = None
    for a in sorted(by_power):
        scalar = evaluate_terms(by_power[a], p, n)
        part = getp(a) * scalar
        result = part if result is None else result + part
    return result
