"""One entry point for the coefficient tables ``C^{(k)}``, whichever engine computes them.

``E tr(S^k) = sigma^{2k} sum_{a,b} C_{a,b} n^a m^b`` for ``S = W W^T``, ``W`` an ``m x n`` matrix
of iid ``N(0, sigma^2)`` entries. Three independent engines give the same exact integers:

* ``"recursion"``: the Stein / Schwinger-Dyson recursion over multi-trace moments (fast; limits
  of every engine in :mod:`wishart_moments.limits`);
* ``"matchings"``: the paper's Wick enumeration of all ``(2k-1)!!`` perfect matchings (Numba; small
  ``k`` only);
* ``"zonal"``: the change of basis to zonal polynomials (paper section IV).

For the beta family (``beta = 2`` complex, ``4`` quaternion, any rational ``beta > 0``; see
docs/beta.md) ``coefficient_matrix(k, beta=B)`` uses the term engines, each giving ``E tr S^k`` as
``{(a, b): c}``:

* ``"loop_equations"``: the Schwinger-Dyson recursion in ``n, m, alpha = 2/beta`` (any beta;
  the default);
* ``"three_term"``: the Haagerup-Thorbjornsen recursion in ``k`` (``beta = 2``; the default there);
* ``"schur"``, ``"permutations"``: Schur functions and the genus expansion over ``S_k``
  (``beta = 2``);
* ``"jack"``: the change of basis to Jack polynomials (any beta).

The engine modules are imported on first use, so asking for the recursion never loads Numba.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from . import limits
from ._validation import REAL_ENGINES, check_beta, check_engine
from .layout import CoefficientMatrix

# engine -> (module, function computing the table); each engine's largest k is in .limits
_ENGINE_FUNCTIONS: dict[str, tuple[str, str]] = {
    "recursion": ("recursion", "recursion_matrix"),
    "five_term": ("five_term", "five_term_matrix"),
    "matchings": ("matchings", "matchings_matrix"),
    "zonal": ("zonal", "zonal_matrix"),
}

# Term engines of the beta family: engine -> (module, function, betas it computes (None: every
# rational beta > 0), whether the function takes beta).
_TERM_ENGINES: dict[str, tuple[str, str, frozenset[int] | None, bool]] = {
    "loop_equations": ("loop_equations", "moment_terms_at", None, True),
    "three_term": ("three_term", "moment_terms", frozenset({2}), False),
    "schur": ("schur", "moment_terms", frozenset({2}), False),
    "permutations": ("permutations", "moment_terms", frozenset({2}), False),
    "jack": ("jack", "moment_terms", None, True),
}


def engine_betas(engine: str) -> frozenset[int] | None:
    """The betas ``engine`` computes tables for (``None``: every rational ``beta > 0``)."""
    engine = check_engine(engine)
    if engine in _TERM_ENGINES:
        return _TERM_ENGINES[engine][2]
    return frozenset({1})


def engines_for_beta(beta: object) -> list[str]:
    """The engines (available or not) that compute tables for ``beta``; the default first."""
    beta = check_beta(beta)
    names = [*_ENGINE_FUNCTIONS, *_TERM_ENGINES] if beta == 1 else list(_TERM_ENGINES)
    return [e for e in names if engine_betas(e) is None or beta in engine_betas(e)]  # type: ignore[operator]


def default_engine(beta: object = 1) -> str:
    """``"recursion"`` for ``beta = 1``, ``"three_term"`` for ``beta = 2``, else
    ``"loop_equations"``."""
    beta = check_beta(beta)
    return "recursion" if beta == 1 else "three_term" if beta == 2 else "loop_equations"


def check_engine_beta(engine: str, beta: object) -> str:
    """Return ``engine`` if it computes tables for ``beta``, else raise naming those that do."""
    engine = check_engine(engine)
    beta = check_beta(beta)
    betas = engine_betas(engine)
    if betas is not None and beta not in betas:
        which = ", ".join(f"beta={b}" for b in sorted(betas))
        others = ", ".join(map(repr, engines_for_beta(beta)))
        raise ValueError(
            f"engine {engine!r} computes {which} only, not beta={beta}: use one of {others}"
        )
    return engine


def _engine_module(engine: str) -> Any:
    table = _ENGINE_FUNCTIONS if engine in _ENGINE_FUNCTIONS else _TERM_ENGINES
    qualified = f"{__package__}.engines.{table[engine][0]}"
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


def engine_limit(engine: str) -> int:
    """The largest ``k`` that ``engine`` computes (:mod:`wishart_moments.limits`)."""
    return limits.limit(check_engine(engine))


def check_engine_order(k: object, engine: str, *, name: str = "k") -> int:
    """Return ``k`` if it is a positive integer within ``engine``'s reach, else raise
    ``ValueError`` naming the limit and what goes further; instant (no engine is imported)."""
    return limits.check_order(check_engine(engine), k, name=name)


def coefficient_matrix(
    k: int,
    engine: str | None = None,
    *,
    beta: object = 1,
    progress: Callable[[int, int], object] | None = None,
) -> CoefficientMatrix:
    """The exact ``k x k`` table ``C^{(k)}`` of ``E tr(S^k)`` in the paper's layout.

    Row ``i`` (0-based) holds ``n^{k-i}``, column ``j`` holds ``m^{j+1}``; e.g. ``k = 2`` is
    ``[[1, 0], [1, 1]]``, i.e. ``E tr S^2 = sigma^4 (n^2 m + n m + n m^2)``.

    ``beta`` is ``1`` (real, default), ``2`` (complex: nonnegative integer entries counting
    permutations), ``4`` (quaternion) or any exact rational ``beta > 0`` (``Fraction`` entries;
    ``E tr S^2 = nm(n + m) + (2/beta - 1) nm``). ``engine`` defaults to ``"recursion"`` for
    ``beta = 1``, ``"three_term"`` (Haagerup-Thorbjornsen) for ``beta = 2`` and
    ``"loop_equations"`` otherwise; the real engines are ``"recursion"``, ``"five_term"``,
    ``"matchings"`` (the paper's enumeration) and ``"zonal"`` (each engine's largest ``k`` is
    :func:`engine_limit`, from :mod:`wishart_moments.limits`); the beta family has
    ``"loop_equations"``, ``"three_term"``, ``"schur"`` and ``"permutations"`` (``beta = 2``)
    and ``"jack"``. ``progress(done, total)`` is handed to the
    matchings engine (matchings counted so far, of ``(2k-1)!!``) and ignored by the others.
    Raises ``ValueError`` for a ``k`` that is not a positive integer, a ``k`` beyond the engine's
    limit, a ``beta`` the engine does not compute, a bad ``beta`` or an unknown engine.
    """
    beta = check_beta(beta)
    engine = default_engine(beta) if engine is None else check_engine_beta(engine, beta)
    k = check_engine_order(k, engine)
    if engine in REAL_ENGINES:
        function = getattr(_engine_module(engine), _ENGINE_FUNCTIONS[engine][1])
        if engine == "matchings" and progress is not None:
            return function(k, progress=progress)
        return function(k)
    return _term_matrix(k, engine, beta)


@lru_cache(maxsize=256)
def _term_matrix(k: int, engine: str, beta: Any) -> CoefficientMatrix:
    _, function_name, _, takes_beta = _TERM_ENGINES[engine]
    function = getattr(_engine_module(engine), function_name)
    terms = function([k], beta) if takes_beta else function([k])
    return CoefficientMatrix.from_terms(k, terms, engine=engine, beta=beta)
