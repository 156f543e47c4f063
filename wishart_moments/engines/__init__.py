"""The exact engines behind the coefficient tables, one module per derivation.

Data flows ``kernels -> engines -> tables -> variance -> CLI``:

* ``recursion``: the multi-trace Stein / Schwinger-Dyson recursion (default; every engine's
  limit is in :mod:`wishart_moments.limits`);
* ``five_term``: a five-term recursion in ``k`` fitted to and checked against ``recursion``;
* ``matchings``: the paper's Wick enumeration of perfect matchings (Numba kernels in
  ``wishart_moments.kernels``), with ``matchings_reference`` (networkx, slow) beside it;
* ``zonal``: James' theorem and the change of basis to zonal polynomials;
* ``loop_equations``: the beta-family Schwinger-Dyson recursion in ``n, m, alpha = 2/beta``
  (every beta; Sigma = I), with ``loop_equations_reference`` (Dumitriu-Edelman, expanded) beside it;
* ``three_term`` (Haagerup-Thorbjornsen), ``schur``, ``permutations`` (``beta = 2``) and
  ``jack`` (any beta): the other beta derivations;
* ``stein``: matrix-valued moments ``E[p_mu(W) W^r]`` and ``E[p_mu(W^{-1}) W^{-r}]`` for any
  Sigma (beta 1, 2, 4) by a Stein recursion, with ``stein_reference`` (explicit derivatives)
  beside it; the engine of :mod:`wishart_moments.covariance` (forward moments);
* ``inverse_spectral``: inverse moments ``E[p_mu(W^{-1}) W^{-r}]`` in closed form through Jack
  polynomials (``jack_pieri``: the Jack polynomials in the power sums, built level by level), the
  Stein steps split into eigenvectors (``_krylov``); the inverse engine of ``covariance``.

Modules load on first use (``wishart_moments.coefficients``), so the recursion never loads Numba.
"""
