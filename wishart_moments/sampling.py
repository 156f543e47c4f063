"""Monte Carlo samplers of the Wishart family, to check the exact moments against.

Conventions (docs/beta.md, docs/mathematics.md): ``X`` is ``m x n`` with iid standard entries of the
field, ``E|x|^2 = 1`` (real ``N(0, 1)``; complex ``(a + ib)/sqrt 2``; quaternion: four real parts
of variance 1/4), ``S = X X^*``, ``W = Sigma^{1/2} S Sigma^{1/2}``, so ``E W = n Sigma`` for every
``beta``. Traces of quaternion matrices are real parts of the quaternion trace.

* :func:`sample_laguerre_eigenvalues`: the Dumitriu-Edelman bidiagonal model for ``Sigma = I`` and
  any real ``beta > 0``: the eigenvalues of ``S`` are those of ``B B^T / beta`` with ``B`` lower
  bidiagonal, ``chi_{beta n}, chi_{beta (n-1)}, ..., chi_{beta (n-m+1)}`` on the diagonal and
  ``chi_{beta (m-1)}, ..., chi_beta`` below it: ``2m - 1`` random numbers per sample (then a
  tridiagonal eigenproblem).
* :func:`sample_beta_wishart_eigenvalues`: the broken-arrow model of Dubbs, Edelman, Koev and
  Venkataramana (2013) for any ``beta > 0`` and any covariance (only its eigenvalues
  ``d_1, ..., d_m`` matter): ``s = sqrt(d_1 / beta) chi_{beta n}``, then for ``i = 2..m`` the
  singular values of the ``i x i`` matrix ``[[diag(s), 0], [sqrt(d_i / beta) (c_1 ... c_{i-1}),
  sqrt(d_i / beta) chi_{beta (n - i + 1)}]]`` with ``c_j ~ chi_beta``; the eigenvalues of ``W``
  are ``s^2``. (For ``beta = 1, 2, 4`` this is ``Sigma^{1/2} X`` grown one row at a time, rotated
  by its singular vectors.)
* :func:`sample_wishart`: dense ``W`` for ``beta = 1, 2, 4`` and any covariance; quaternion
  matrices in their ``2m x 2n`` complex representation ``q = z + w j -> [[z, w], [-w*, z*]]``
  (laid out in blocks), whose eigenvalues are those of the quaternion matrix, each twice, and
  whose trace is twice the (real part of the) quaternion trace.
* :func:`sample_noncentral_wishart`: dense ``W = (X + M)(X + M)^*`` for ``beta = 1, 2``, the
  columns of ``X`` iid ``N_m(0, Sigma)`` (circular complex for ``beta = 2``) and ``M`` the
  ``m x n`` mean (docs/noncentral.md).
* :func:`wishart_eigenvalues` and :func:`trace_power_sums` turn samples into the statistics
  ``prod_i tr(W^{parts_i})``.
* The Gaussian and Jacobi beta-ensembles (docs/ensembles.md):
  :func:`sample_gaussian_eigenvalues` (tridiagonal model, any beta),
  :func:`sample_gaussian_matrix` (dense GOE / GUE), :func:`sample_jacobi_eigenvalues`
  (Killip-Nenciu tridiagonal model, any beta) and :func:`sample_manova_eigenvalues`
  (dense ``(A + B)^{-1} A``, beta = 1, 2).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._validation import check_positive_int, check_positive_real

#: Samples are processed in chunks of at most this many array entries (memory bound).
CHUNK_ENTRIES = 2_000_000

CLASSICAL_BETAS = (1, 2, 4)


def _rng(rng: object) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and int(rng) >= 0:
        return np.random.default_rng(int(rng))
    raise ValueError(f"rng must be a numpy.random.Generator or a seed >= 0, got {rng!r}")


def _classical_beta(beta: object) -> int:
    if isinstance(beta, bool) or beta not in CLASSICAL_BETAS:
        raise ValueError(f"beta must be 1 (real), 2 (complex) or 4 (quaternion), got {beta!r}")
    return int(beta)  # type: ignore[call-overload]


def _parts(parts: object) -> tuple[int, ...]:
    if isinstance(parts, (str, bytes)) or not isinstance(parts, Sequence):
        raise ValueError(f"parts must be a sequence of positive integers, got {parts!r}")
    for p in parts:
        if isinstance(p, bool) or not isinstance(p, numbers.Integral) or p < 1:
            raise ValueError(f"parts must be positive integers, got {p!r} in {parts!r}")
    return tuple(int(p) for p in parts)


def _chunks(size: int, per_sample: int) -> list[int]:
    step = max(1, CHUNK_ENTRIES // max(per_sample, 1))
    return [min(step, size - start) for start in range(0, size, step)]


def sample_laguerre_eigenvalues(
    n: float, m: int, beta: float, size: int, rng: np.random.Generator | int
) -> np.ndarray:
    """``(size, m)`` eigenvalues (ascending) of ``S`` from the beta-Laguerre ensemble, Sigma = I.

    ``beta`` is any real number > 0 and ``n`` any real with ``beta (n - m + 1) > 0``, or a
    positive integer ``n < m``: then the ``n`` nonzero eigenvalues come from the dual model
    (``n`` and ``m`` exchanged) and ``m - n`` zeros are added. Normalisation ``E tr S = n m``.
    """
    beta = check_positive_real(beta, "beta")
    m = check_positive_int(m, "m")
    n = check_positive_real(n, "n")
    size = check_positive_int(size, "size")
    gen = _rng(rng)
    if n > m - 1:
        return _laguerre(n, m, beta, size, gen)
    if float(n).is_integer():
        eig = _laguerre(float(m), int(n), beta, size, gen)
        return np.concatenate([np.zeros((size, m - int(n))), eig], axis=1)
    raise ValueError(
        f"n={n!r} is not allowed with m={m}: need beta (n - m + 1) > 0, i.e. n > {m - 1}, "
        "or n a positive integer"
    )


def _laguerre(n: float, m: int, beta: float, size: int, rng: np.random.Generator) -> np.ndarray:
    """Eigenvalues of ``B B^T / beta`` (see the module docstring); needs ``n > m - 1``."""
    df_diag = beta * (n - np.arange(m))
    df_sub = beta * np.arange(m - 1, 0, -1, dtype=float)
    out = []
    for chunk in _chunks(size, m * m):
        d2 = rng.chisquare(df_diag, size=(chunk, m))
        if m == 1:
            out.append(d2 / beta)
            continue
        s2 = rng.chisquare(df_sub, size=(chunk, m - 1))
        diag = d2.copy()
        diag[:, 1:] += s2  # (B B^T)_{ii} = d_i^2 + s_{i-1}^2
        off = np.sqrt(d2[:, :-1] * s2)  # (B B^T)_{i+1, i} = s_i d_i
        t = np.zeros((chunk, m, m))
        idx = np.arange(m)
        t[:, idx, idx] = diag
        t[:, idx[1:], idx[:-1]] = off
        t[:, idx[:-1], idx[1:]] = off
        out.append(np.linalg.eigvalsh(t) / beta)
    return np.concatenate(out, axis=0)


def sample_beta_wishart_eigenvalues(
    n: float, cov: Any, beta: float, size: int, rng: np.random.Generator | int
) -> np.ndarray:
    """``(size, m)`` eigenvalues (ascending) of ``W ~ W_m^beta(n, Sigma)``, ``Sigma = cov``.

    Any real ``beta > 0`` and real ``n > m - 1``; ``cov`` is a real symmetric positive-definite
    matrix (or, for ``beta = 2``, Hermitian) of which only the eigenvalues are used: the
    broken-arrow model of the module docstring, ``m`` singular-value problems per sample, of
    sizes ``1..m``. Normalisation ``E W = n Sigma``.
    """
    beta = check_positive_real(beta, "beta")
    n = check_positive_real(n, "n")
    sigma = check_covariance(cov, 2 if beta == 2 else 1)
    size = check_positive_int(size, "size")
    gen = _rng(rng)
    m = sigma.shape[0]
    if not n > m - 1:
        raise ValueError(
            f"n={n!r} is not allowed with m={m}: the beta-Wishart model needs n > m - 1 = {m - 1}"
        )
    d = np.linalg.eigvalsh(sigma)
    out = []
    for chunk in _chunks(size, m * m):
        s = np.sqrt(d[0] / beta * gen.chisquare(beta * n, size=(chunk, 1)))
        for i in range(1, m):
            z = np.zeros((chunk, i + 1, i + 1))
            idx = np.arange(i)
            z[:, idx, idx] = s
            z[:, i, :i] = np.sqrt(d[i] / beta * gen.chisquare(beta, size=(chunk, i)))
            z[:, i, i] = np.sqrt(d[i] / beta * gen.chisquare(beta * (n - i), size=chunk))
            s = np.linalg.svd(z, compute_uv=False)
        out.append(np.sort(s**2, axis=1))
    return np.concatenate(out, axis=0)


def check_covariance(cov: object, beta: int) -> np.ndarray:
    """``cov`` as a float (complex for ``beta = 2``) array, if it is a square, finite, symmetric
    (Hermitian for ``beta = 2``) positive-definite matrix; else ``ValueError``."""
    try:
        arr = np.array(cov, dtype=complex)
    except (TypeError, ValueError):
        raise ValueError(f"cov must be a square matrix of numbers, got {cov!r}") from None
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise ValueError(f"cov must be a non-empty square matrix, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("cov must have finite entries (no NaN or inf)")
    scale = max(float(np.abs(arr).max()), 1e-300)
    if np.abs(arr.imag).max() == 0 or beta != 2:
        if np.abs(arr.imag).max() > 0:
            raise ValueError(f"cov must be real for beta={beta} (complex cov only for beta=2)")
        arr = arr.real
    if np.abs(arr - arr.conj().T).max() > 1e-10 * scale:
        raise ValueError("cov must be symmetric (Hermitian)")
    arr = (arr + arr.conj().T) / 2
    low = float(np.linalg.eigvalsh(arr).min())
    if not low > 0:
        raise ValueError(f"cov must be positive definite, its smallest eigenvalue is {low!r}")
    return arr


def _sqrt_psd(cov: np.ndarray) -> np.ndarray:
    w, v = np.linalg.eigh(cov)
    return (v * np.sqrt(w)) @ v.conj().T


def sample_wishart(
    n: int, cov: Any, beta: int, size: int, rng: np.random.Generator | int
) -> np.ndarray:
    """``size`` dense samples of ``W = Sigma^{1/2} X X^* Sigma^{1/2}``, ``Sigma = cov`` (m x m).

    ``beta = 1``: real ``(size, m, m)``; ``beta = 2``: complex ``(size, m, m)``; ``beta = 4``:
    complex ``(size, 2m, 2m)``, the complex representation of the quaternion matrix (``cov`` is
    real then and acts as ``diag(Sigma, Sigma)``). ``n`` is a positive integer.
    """
    beta = _classical_beta(beta)
    n = check_positive_int(n, "n")
    sigma = check_covariance(cov, beta)
    size = check_positive_int(size, "size")
    gen = _rng(rng)
    m = sigma.shape[0]
    root = _sqrt_psd(sigma)
    if beta == 4:
        root = np.kron(np.eye(2), root.real)
    out = []
    for chunk in _chunks(size, 4 * m * n + 4 * m * m):
        if beta == 1:
            x = gen.standard_normal((chunk, m, n))
        elif beta == 2:
            x = gen.standard_normal((chunk, m, n)) + 1j * gen.standard_normal((chunk, m, n))
            x /= math.sqrt(2)
        else:
            parts = gen.standard_normal((4, chunk, m, n)) / 2  # variance 1/4 each
            z = parts[0] + 1j * parts[1]
            w = parts[2] + 1j * parts[3]
            x = np.block([[z, w], [-w.conj(), z.conj()]])
        y = root @ x
        out.append(y @ np.swapaxes(y.conj(), -1, -2))
    return np.concatenate(out, axis=0)


def sample_noncentral_wishart(
    mean: Any, cov: Any, beta: int, size: int, rng: np.random.Generator | int
) -> np.ndarray:
    """``size`` dense samples of ``W = (Sigma^{1/2} Z + M)(Sigma^{1/2} Z + M)^*``.

    ``mean`` is the ``m x n`` matrix ``M`` (real for ``beta = 1``, complex allowed for
    ``beta = 2``), so ``n`` is its number of columns; ``cov`` is ``Sigma`` (``None``: ``I``);
    ``Z`` has iid standard entries, ``E|z|^2 = 1``. Returns ``(size, m, m)`` real (``beta = 1``)
    or complex (``beta = 2``) matrices; ``E W = n Sigma + M M^*``.
    """
    if isinstance(beta, bool) or beta not in (1, 2):
        raise ValueError(f"beta must be 1 (real) or 2 (complex) here, got {beta!r}")
    try:
        mu = np.array(mean, dtype=complex)
    except (TypeError, ValueError):
        raise ValueError(f"mean must be an m x n matrix of numbers, got {mean!r}") from None
    if mu.ndim != 2 or mu.size == 0:
        raise ValueError(f"mean must be a non-empty m x n matrix, got shape {mu.shape}")
    if not np.all(np.isfinite(mu)):
        raise ValueError("mean must have finite entries (no NaN or inf)")
    if np.any(mu.imag != 0) and beta != 2:
        raise ValueError("a complex mean needs beta=2")
    m, n = mu.shape
    sigma = np.eye(m) if cov is None else check_covariance(cov, beta)
    if sigma.shape[0] != m:
        raise ValueError(f"cov is {sigma.shape[0]} x {sigma.shape[0]} but the mean has {m} rows")
    size = check_positive_int(size, "size")
    gen = _rng(rng)
    root = _sqrt_psd(sigma)
    shift = mu.real if beta == 1 else mu
    out = []
    for chunk in _chunks(size, 4 * m * n + 4 * m * m):
        if beta == 1:
            z = gen.standard_normal((chunk, m, n))
        else:
            z = gen.standard_normal((chunk, m, n)) + 1j * gen.standard_normal((chunk, m, n))
            z /= math.sqrt(2)
        y = root @ z + shift
        out.append(y @ np.swapaxes(y.conj(), -1, -2))
    return np.concatenate(out, axis=0)


def wishart_eigenvalues(samples: np.ndarray, beta: int) -> np.ndarray:
    """``(size, m)`` eigenvalues (ascending) of samples from :func:`sample_wishart`; for
    ``beta = 4`` each doubled eigenvalue of the complex representation is kept once."""
    beta = _classical_beta(beta)
    arr = np.asarray(samples)
    if arr.ndim != 3 or arr.shape[1] != arr.shape[2]:
        raise ValueError(f"samples must be a (size, d, d) array of matrices, got {arr.shape}")
    eig = np.linalg.eigvalsh(arr)
    if beta == 4:
        if arr.shape[1] % 2:
            raise ValueError("quaternion samples must be 2m x 2m complex representations")
        eig = eig[:, ::2]
    return eig


def trace_power_sums(samples: np.ndarray, parts: Sequence[int], *, beta: int = 1) -> np.ndarray:
    """``(size,)`` values of ``prod_i tr(W^{parts_i})`` (1 for empty ``parts``).

    ``samples``: eigenvalues ``(size, m)`` (``beta`` is then irrelevant), or matrices
    ``(size, d, d)`` as returned by :func:`sample_wishart` with this ``beta`` (real part of the
    trace; halved for the quaternion representation, ``beta = 4``).
    """
    mu = _parts(parts)
    arr = np.asarray(samples)
    if arr.ndim == 2:
        eig = arr.real.astype(float)
        out = np.ones(arr.shape[0])
        for p in mu:
            out = out * np.sum(eig**p, axis=1)
        return out
    if arr.ndim != 3 or arr.shape[1] != arr.shape[2]:
        raise ValueError(
            f"samples must be eigenvalues (size, m) or matrices (size, d, d), got {arr.shape}"
        )
    beta = _classical_beta(beta)
    scale = 0.5 if beta == 4 else 1.0
    traces: dict[int, np.ndarray] = {}
    power = arr
    for p in range(1, max(mu, default=0) + 1):
        if p > 1:
            power = power @ arr
        if p in mu:
            traces[p] = scale * np.trace(power, axis1=1, axis2=2).real
    out = np.ones(arr.shape[0])
    for p in mu:
        out = out * traces[p]
    return out


# ---------------------------------------------------------------------------------------------
# The Gaussian (Hermite) and Jacobi (MANOVA) beta-ensembles (docs/ensembles.md)


def _tridiagonal_eigenvalues(diag: np.ndarray, off: np.ndarray) -> np.ndarray:
    """Ascending eigenvalues of the symmetric tridiagonal matrices with rows ``diag`` and
    ``off`` (``(chunk, m)``, ``(chunk, m - 1)``)."""
    chunk, m = diag.shape
    t = np.zeros((chunk, m, m))
    idx = np.arange(m)
    t[:, idx, idx] = diag
    t[:, idx[1:], idx[:-1]] = off
    t[:, idx[:-1], idx[1:]] = off
    return np.linalg.eigvalsh(t)


def sample_gaussian_eigenvalues(
    m: int, beta: float, size: int, rng: np.random.Generator | int
) -> np.ndarray:
    """``(size, m)`` eigenvalues (ascending) of the Gaussian beta-ensemble, density
    ``prop. |Delta|^beta exp(-sum x^2/2)``, any real ``beta > 0``: the Dumitriu-Edelman
    tridiagonal model, ``N(0, 1)`` on the diagonal and ``chi_{beta i}/sqrt 2`` (``i = m-1..1``)
    beside it (``2m - 1`` random numbers per sample)."""
    beta = check_positive_real(beta, "beta")
    m = check_positive_int(m, "m")
    size = check_positive_int(size, "size")
    gen = _rng(rng)
    df = beta * np.arange(m - 1, 0, -1, dtype=float)
    out = []
    for chunk in _chunks(size, m * m):
        diag = gen.standard_normal((chunk, m))
        if m == 1:
            out.append(diag)
            continue
        off = np.sqrt(gen.chisquare(df, size=(chunk, m - 1)) / 2)
        out.append(_tridiagonal_eigenvalues(diag, off))
    return np.concatenate(out, axis=0)


def _check_beta_12(beta: object) -> int:
    if isinstance(beta, bool) or beta not in (1, 2):
        raise ValueError(f"dense samplers cover beta = 1 (real) and 2 (complex), got {beta!r}")
    return int(beta)  # type: ignore[call-overload]


def _standard(gen: np.random.Generator, shape: tuple[int, ...], beta: int) -> np.ndarray:
    """iid standard entries, ``E|x|^2 = 1``: real ``N(0, 1)`` or complex ``(a + ib)/sqrt 2``."""
    if beta == 1:
        return gen.standard_normal(shape)
    return (gen.standard_normal(shape) + 1j * gen.standard_normal(shape)) / math.sqrt(2)


def sample_gaussian_matrix(
    m: int, beta: int, size: int, rng: np.random.Generator | int
) -> np.ndarray:
    """``size`` dense GOE (``beta = 1``: real, ``H_ii ~ N(0, 1)``, ``H_ij ~ N(0, 1/2)``) or GUE
    (``beta = 2``: complex Hermitian, ``H_ii ~ N(0, 1)``, ``E|H_ij|^2 = 1``) matrices."""
    beta = _check_beta_12(beta)
    m = check_positive_int(m, "m")
    size = check_positive_int(size, "size")
    gen = _rng(rng)
    out = []
    for chunk in _chunks(size, 2 * m * m):
        g = _standard(gen, (chunk, m, m), beta)
        scale = 0.5 if beta == 1 else 1 / math.sqrt(2)
        out.append((g + np.swapaxes(g.conj(), -1, -2)) * scale)
    return np.concatenate(out, axis=0)


def _check_jacobi(m: object, n1: object, n2: object) -> tuple[int, float, float]:
    m = check_positive_int(m, "m")
    n1 = check_positive_real(n1, "n1")
    n2 = check_positive_real(n2, "n2")
    for name, n in (("n1", n1), ("n2", n2)):
        if not n > m - 1:
            raise ValueError(f"{name}={n!r} is not allowed with m={m}: need {name} > m - 1")
    return m, n1, n2


def sample_jacobi_eigenvalues(
    m: int, n1: float, n2: float, beta: float, size: int, rng: np.random.Generator | int
) -> np.ndarray:
    """``(size, m)`` eigenvalues (ascending) of the Jacobi beta-ensemble, density
    ``prop. prod x^a (1-x)^b |Delta|^beta`` on ``[0, 1]^m`` with ``a = beta(n1-m+1)/2 - 1``,
    ``b = beta(n2-m+1)/2 - 1``; any real ``beta > 0`` and ``n1, n2 > m - 1``.

    The Killip-Nenciu tridiagonal model (also the Edelman-Sutton CS-decomposition model):
    independent ``c_{2i-1} ~ Beta(beta(n1-i+1)/2, beta(n2-i+1)/2)`` (``i = 1..m``) and
    ``c_{2i} ~ Beta(beta(m-i)/2, beta(n1+n2-m-i+1)/2)`` (``i < m``), ``c_0 = 0``;
    ``xi_j = (1 - c_{j-1}) c_j``; diagonal ``xi_{2i-2} + xi_{2i-1}``, off-diagonal
    ``sqrt(xi_{2i-1} xi_{2i})``.
    """
    beta = check_positive_real(beta, "beta")
    m, n1, n2 = _check_jacobi(m, n1, n2)
    size = check_positive_int(size, "size")
    gen = _rng(rng)
    i = np.arange(1, m + 1, dtype=float)
    odd_a, odd_b = beta * (n1 - i + 1) / 2, beta * (n2 - i + 1) / 2
    even_a, even_b = beta * (m - i[:-1]) / 2, beta * (n1 + n2 - m - i[:-1] + 1) / 2
    out = []
    for chunk in _chunks(size, m * m):
        odd = gen.beta(odd_a, odd_b, size=(chunk, m))  # c_1, c_3, ..., c_{2m-1}
        even = np.zeros((chunk, m))  # c_0, c_2, ..., c_{2m-2}
        if m > 1:
            even[:, 1:] = gen.beta(even_a, even_b, size=(chunk, m - 1))
        xi_odd = (1 - even) * odd  # xi_{2i-1} = (1 - c_{2i-2}) c_{2i-1}
        xi_even = (1 - odd[:, :-1]) * even[:, 1:]  # xi_{2i} = (1 - c_{2i-1}) c_{2i}, i < m
        diag = xi_odd.copy()
        diag[:, 1:] += xi_even
        if m == 1:
            out.append(diag)
            continue
        off = np.sqrt(xi_odd[:, :-1] * xi_even)
        out.append(_tridiagonal_eigenvalues(diag, off))
    return np.concatenate(out, axis=0)


def sample_manova_eigenvalues(
    m: int, n1: int, n2: int, beta: int, size: int, rng: np.random.Generator | int
) -> np.ndarray:
    """``(size, m)`` eigenvalues (ascending) of ``(A + B)^{-1} A`` for dense independent
    ``A = X X^*``, ``B = Y Y^*``, ``X`` (``m x n1``) and ``Y`` (``m x n2``) with iid real
    (``beta = 1``) or complex (``beta = 2``) standard entries; integers ``n1, n2 >= m``. Solved as
    the Hermitian ``L^{-1} A L^{-*}`` with ``A + B = L L^*``."""
    beta = _check_beta_12(beta)
    m = check_positive_int(m, "m")
    n1, n2 = check_positive_int(n1, "n1"), check_positive_int(n2, "n2")
    _check_jacobi(m, n1, n2)
    size = check_positive_int(size, "size")
    gen = _rng(rng)
    out = []
    for chunk in _chunks(size, 2 * m * (n1 + n2 + m)):
        x = _standard(gen, (chunk, m, n1), beta)
        y = _standard(gen, (chunk, m, n2), beta)
        a = x @ np.swapaxes(x.conj(), -1, -2)
        total = a + y @ np.swapaxes(y.conj(), -1, -2)
        low = np.linalg.cholesky(total)
        z = np.linalg.solve(low, a)  # L^{-1} A
        w = np.linalg.solve(low, np.swapaxes(z.conj(), -1, -2))  # L^{-1} A L^{-*}
        w = (w + np.swapaxes(w.conj(), -1, -2)) / 2
        out.append(np.linalg.eigvalsh(w))
    return np.concatenate(out, axis=0)
