"""The other classical beta-ensembles: Gaussian (Hermite) and Jacobi (MANOVA), exact, any beta.

* :func:`gaussian_moment` (:mod:`.gaussian`): ``E prod tr H^{mu_i}`` for the density
  ``prop. |Delta|^beta exp(-sum x^2/2)``; engines :mod:`.gaussian_loop` (loop equations in ``m``
  and ``beta``), :mod:`.gaussian_maps` (genus expansion: Harer-Zagier, Ledoux, Wick) and
  :mod:`.gaussian_tridiagonal` (the tridiagonal model expanded, slow reference).
* :func:`jacobi_moment` (:mod:`.jacobi`): ``E prod tr J^{mu_i}``, ``J`` with the eigenvalues of
  ``(A + B)^{-1} A``; engines :mod:`.jacobi_jack` (Kadell's integral and the Jack change of
  basis), :mod:`.jacobi_loop` (loop equations) and :mod:`.jacobi_density` (exact integration for
  tiny ``m``, slow reference).
* :mod:`.verify`: the derivations compared exactly (``wishart-moments verify-ensembles``).

Submodules load on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "gaussian_moment": "gaussian",
    "gaussian_terms": "gaussian",
    "jacobi_moment": "jacobi",
    "jacobi_terms": "jacobi",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
