"""Exact moments ``E tr(S^k)`` of Wishart matrices (real, complex, quaternion, any beta) and the
LDLT output variance built on them.

Submodules load on first use, so ``import wishart_moments`` stays light and the numeric parts can
be used without SymPy or Numba being imported.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> submodule that defines it
_EXPORTS = {
    "CoefficientMatrices": "whole_matrices",
    "CoefficientMatrix": "layout",
    "coefficient_matrices": "whole_matrices",
    "coefficient_matrix": "coefficients",
    "engine_limit": "coefficients",
    "gaussian_moment": "ensembles.gaussian",
    "generate_tables": "tables",
    "jacobi_moment": "ensembles.jacobi",
    "load_table": "tables",
    "moment": "moments",
    "moment_expression": "moments",
    "moment_matrix": "covariance",
    "evaluate_words": "noncentral",
    "noncentral_moment": "noncentral",
    "noncentral_moment_expression": "noncentral",
    "noncentral_moment_matrix": "noncentral",
    "word_symbol": "noncentral",
    "paper_differences": "paper",
    "paper_table": "paper",
    "read_table": "tables",
    "save_table": "tables",
    "trace_moment": "symbolic",
    "variance_series": "symbolic",
    "double_factorial": "layout",
    "invariant_violations": "layout",
    "MAX_K_MATCHINGS": "engines.matchings",
    "matchings_matrix": "engines.matchings",
    "multi_trace_moment": "engines.recursion",
    "recursion_matrix": "engines.recursion",
    "five_term_matrix": "engines.five_term",
    "MAX_K_ZONAL": "engines.zonal",
    "generalized_pochhammer": "engines.zonal",
    "james_expectation": "engines.zonal",
    "trace_zonal_coefficients": "engines.zonal",
    "zonal_at_identity": "engines.zonal",
    "zonal_expansion": "engines.zonal",
    "zonal_matrix": "engines.zonal",
    "zonal_polynomial": "engines.zonal",
    "zonal_values": "engines.zonal",
    "VarianceResult": "variance",
    "output_variance": "variance",
    "solve_sigma2": "variance",
    "solve_sigma2_grid": "variance",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'wishart_moments' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
