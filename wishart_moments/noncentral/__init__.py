"""Noncentral Wishart moments, exact and symbolic (docs/noncentral.md).

``W = Y Y^*`` with ``Y = X + M`` (``m x n``): the columns of ``X`` are iid ``N_m(0, Sigma)``, real
(``beta = 1``) or circular complex (``beta = 2``), and ``M`` is the mean. The moments depend on
``M`` only through ``Omega = M M^*``; ``E W = n Sigma + Omega``. Every moment
``E[prod_i tr(W^{mu_i}) W^r]`` is a polynomial in ``n`` whose coefficients are products of traces
of words in ``Sigma`` and ``Omega`` (times one open word for ``r > 0``).

* :mod:`.moments`: :func:`noncentral_moment`, :func:`noncentral_moment_matrix`,
  :func:`noncentral_moment_expression`, :func:`evaluate_words`;
* :mod:`.words`: canonical cyclic words, their symbols (:func:`word_symbol`), numeric values;
* engines, all on the same terms ``{(closed words, open word): {e: c}}``: :mod:`.stein`
  (Gaussian integration by parts), :mod:`.contractions` (the Wick sum by number of pairs,
  Python) and :mod:`.wick` (the same in the Numba kernel
  :mod:`wishart_moments.kernels.noncentral`), :mod:`.wick_reference` (every partial matching
  listed: slow);
* :mod:`.parameters`: ``Omega``, the mean and ``Sigma`` validated; :mod:`.evaluation`: the
  terms summed at numbers (exact or float) into SymPy numbers and matrices.
"""

from .moments import (
    INVERSE_REFUSAL,
    MAX_DEGREE_IDENTITY,
    MAX_DEGREE_NUMERIC,
    MAX_DEGREE_WORDS,
    evaluate_words,
    noncentral_moment,
    noncentral_moment_expression,
    noncentral_moment_matrix,
)
from .words import word_symbol

__all__ = [
    "INVERSE_REFUSAL",
    "MAX_DEGREE_IDENTITY",
    "MAX_DEGREE_NUMERIC",
    "MAX_DEGREE_WORDS",
    "evaluate_words",
    "noncentral_moment",
    "noncentral_moment_expression",
    "noncentral_moment_matrix",
    "word_symbol",
]
