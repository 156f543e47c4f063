"""One entry point for the coefficient tables ``C^{(k)}``, whichever engine computes them.

``E tr(S^k) = sigma^{2k} sum_{a,b} C_{a,b} n^a m^b`` for ``S = W W^T``, ``W`` an ``m x n`` matrix
of iid ``N(0, sigma^2)`` entries. Three independent engines give the same exact integers:

* ``"recursion"``: the Stein / Schwinger-Dyson recursion over multi-trace moments (any ``k``, fast);
* ``"matchings"``: the paper's Wick enumeration of all ``(2k-1)!!`` perfect matchings (Numba; small
  ``k`` only);
* ``"zonal"``: the change of basis to zonal polynomials (paper section IV).

The engine modules are imported on first use, so asking for the recursion never loads Numba.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from ._validation import check_engine, check_order
from .layout import CoefficientMatrix, double_factorial

# engine -> (module, function computing the table, name of the module's largest-k constant or None)
_ENGINE_FUNCTIONS: dict[str, tuple[str, str, str | None]] = {
    "recursion": ("recursion", "recursion_matrix", None),
    "five_term": ("five_term", "five_term_matrix", None),
    "matchings": ("matchings", "matchings_matrix", "MAX_K_MATCHINGS"),
    "zonal": ("zonal", "zonal_matrix", "MAX_K_ZONAL"),
}


def _engine_module(engine: str) -> Any:
    qualified = f"{__package__}.engines.{_ENGINE_FUNCTIONS[engine][0]}"
    try:
        return importlib.import_module(qualified)
    except ModuleNotFoundError as exc:
        if exc.name != qualified:
            raise  # a dependency of the engine is missing: let the user see which
        raise ValueError(f"engine {engine!r} is not available in this installation") from exc


def engine_available(engine: str) -> bool:
    """Whether ``engine`` can be used here (its module is present)."""
    check_engine(engine)
    try:
        _engine_module(engine)
    except ValueError:
        return False
    return True


def engine_limit(engine: str) -> int | None:
    """The largest ``k`` that ``engine`` accepts, or ``None`` if it has no limit."""
    engine = check_engine(engine)
    limit_name = _ENGINE_FUNCTIONS[engine][2]
    if limit_name is None:
        return None
    return getattr(_engine_module(engine), limit_name, None)


def check_engine_order(k: object, engine: str, *, name: str = "k") -> int:
    """Return ``k`` if it is a positive integer that ``engine`` can compute, else raise."""
    k = check_order(k, name=name)
    limit = engine_limit(engine)
    if limit is not None and k > limit:
        why = ""
        if engine == "matchings":
            why = (
                f"; it enumerates all (2k-1)!! perfect matchings "
                f"({double_factorial(2 * k - 1):,} for {name}={k}): use engine 'recursion'"
            )
        raise ValueError(
            f"{name}={k} is too large for engine {engine!r}: allowed 1 <= {name} <= {limit}{why}"
        )
    return k


def coefficient_matrix(
    k: int, engine: str = "recursion", *, progress: Callable[[int, int], object] | None = None
) -> CoefficientMatrix:
    """The exact ``k x k`` table ``C^{(k)}`` of ``E tr(S^k)`` in the paper's layout.

    Row ``i`` (0-based) holds ``n^{k-i}``, column ``j`` holds ``m^{j+1}``; e.g. ``k = 2`` is
    ``[[1, 0], [1, 1]]``, i.e. ``E tr S^2 = sigma^4 (n^2 m + n m + n m^2)``.

    ``engine`` is ``"recursion"`` (default, any ``k``), ``"matchings"`` (the paper's enumeration,
    ``k <= MAX_K_MATCHINGS``) or ``"zonal"``. ``progress(done, total)`` is handed to the matchings
    engine (matchings counted so far, of ``(2k-1)!!``) and ignored by the others.
    Raises ``ValueError`` for a ``k`` that is not a positive integer, a ``k`` beyond the engine's
    limit, or an unknown engine.
    """
    engine = check_engine(engine)
    k = check_engine_order(k, engine)
    function = getattr(_engine_module(engine), _ENGINE_FUNCTIONS[engine][1])
    if engine == "matchings" and progress is not None:
        return function(k, progress=progress)
    return function(k)
