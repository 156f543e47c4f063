"""Lyapunov exponent of deep leaky-ReLU networks and Lyapunov initialization.

A network ``x_l = phi(W_l x_{l-1})`` without bias, width ``d`` and leaky-ReLU slope ``a``
(``phi(z) = z`` for ``z > 0``, ``a z`` otherwise) has ``log ||x_L|| = log ||x_0|| + sum_l xi_l``
with i.i.d. increments ``xi_l`` when the ``W_l`` are i.i.d. Gaussian or scaled Haar-orthogonal:
``W x / ||x||`` is ``sigma g`` (``g ~ N(0, I_d)``) resp. ``eta u`` (``u`` uniform on the sphere)
whatever ``x``. So ``log ||x_L|| / L -> lambda`` (the Lyapunov exponent) and
``(log ||x_L|| - L lambda) / sqrt(L) -> N(0, v)`` (Kogler, Schwarz, Kittle, arXiv:2602.10949).

Write ``X = ||phi(g)||^2 = R Y`` with ``R = ||g||^2 ~ chi^2_d`` independent of
``Y = ||phi(g / ||g||)||^2 = a^2 + (1 - a^2) B`` (``B`` = share of ``||g||^2`` on the positive
coordinates). Then, with ``psi`` the digamma function,

    lambda_G(sigma) = log sigma + (psi(d/2) + log 2 + D) / 2,   v_G = (psi'(d/2) + V) / 4,
    lambda_O(eta)   = log eta + D / 2,                          v_O = V / 4,

where ``D = E log Y <= 0`` and ``V = Var log Y``. Both are one-dimensional integrals over
``u = log t`` of the difference of two Laplace transforms,
``Delta(t) = L(t)^d - (1 + 2t)^{-d/2} >= 0``, ``L(t) = ((1 + 2t)^{-1/2} + (1 + 2a^2 t)^{-1/2}) / 2``
(``E e^{-t phi(g_i)^2} = L(t)``, ``E e^{-t R} = (1 + 2t)^{-d/2}``):

    D = -integral Delta(e^u) du            (Frullani: log x = int (e^{-t} - e^{-t x}) dt / t),
    V = 2 integral (u - B0 + D/2) Delta(e^u) du,   B0 = -gamma - psi(d/2) - log 2,

the second from the Mellin transforms ``E X^{-s} = Gamma(s)^{-1} int t^{s-1} L(t)^d dt``
and ``log E X^{-s} = log E R^{-s} + log E Y^{-s}`` expanded to second order at ``s = 0``.
``Delta`` is evaluated in a cancellation-free form and integrated piecewise with
``scipy.integrate.quad`` between the scales ``t ~ 1/d``, ``t ~ 1`` and ``t ~ 1/a^2``, so the
result is accurate to about 1e-12 absolute for widths 1 to 10^5 and every slope in [0, 1).

At slope 0 (ReLU) a layer kills the signal (``X = 0``) with probability ``2^{-d}``, so the
unconditional exponent is ``-inf``; this module returns the exponent *conditioned on survival*
(``K >= 1`` positive coordinates, ``L(t)^d`` replaced by ``(L(t)^d - 2^{-d}) / (1 - 2^{-d})``),
the drift of the networks that are still alive, which survive ``L`` layers with probability
``(1 - 2^{-d})^L``. For ``a > 0`` small the true exponent contains ``2^{-d} log a``, so it is
not continuous at ``a = 0`` for small widths.
"""

from __future__ import annotations

import functools
import itertools
import math
from typing import Literal

import numpy as np
import torch
from scipy import integrate, special

Weights = Literal["gaussian", "orthogonal"]
_WEIGHTS = ("gaussian", "orthogonal")
_EULER_GAMMA = float(np.euler_gamma)
_LOG2 = math.log(2.0)


def _check_width(width: int) -> int:
    if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or width < 1:
        raise ValueError(f"width must be an integer >= 1, got {width!r}")
    return int(width)


def _real(value: object) -> float:
    """``float(value)`` for a real number (not a bool or string), else NaN."""
    if isinstance(value, (bool, str, bytes)):
        return math.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _check_slope(negative_slope: float) -> float:
    slope = _real(negative_slope)
    if not 0.0 <= slope < 1.0:  # also rejects nan
        raise ValueError(f"negative_slope must lie in [0, 1), got {negative_slope!r}")
    return slope


def _check_scale(scale: float) -> float:
    value = _real(scale)
    if not (value > 0.0 and math.isfinite(value)):
        raise ValueError(f"scale must be a finite number > 0, got {scale!r}")
    return value


def _check_weights(weights: str) -> str:
    if weights not in _WEIGHTS:
        raise ValueError(f"weights must be one of {_WEIGHTS}, got {weights!r}")
    return weights


def _log1p_2exp(v: float) -> float:
    """``log(1 + 2 e^v)`` without overflow."""
    if v < 0.0:
        return math.log1p(2.0 * math.exp(v))
    return v + _LOG2 + math.log1p(0.5 * math.exp(-v))


def _laplace_difference(u: float, width: int, slope: float) -> float:
    """``Delta(e^u) = L(t)^d - (1 + 2t)^{-d/2}`` (conditioned on survival when slope is 0)."""
    log_1p_2t = _log1p_2exp(u)
    log_chi = -0.5 * width * log_1p_2t  # log (1 + 2t)^{-d/2}
    if slope == 0.0:
        # (L^d - 2^{-d}) / (1 - 2^{-d}) - s^d with L = (1 + s) / 2, s = (1 + 2t)^{-1/2}
        log_s = -0.5 * log_1p_2t
        survivor_norm = -math.expm1(-width * _LOG2)  # 1 - 2^{-d}
        if log_s > -_LOG2:  # s > 1/2: ((1 + s)/2)^d - s^d - 2^{-d} (1 - s^d), each part >= 0
            growth = width * math.log1p(0.5 * -math.expm1(log_s) / math.exp(log_s))
            excess = math.exp(log_chi + growth) * -math.expm1(-growth)
            dead = math.exp(-width * _LOG2) * -math.expm1(log_chi)
            return (excess - dead) / survivor_norm
        # s <= 1/2: 2^{-d} ((1 + s)^d - 1) - (1 - 2^{-d}) s^d, the first term dominating
        log_rise = width * math.log1p(math.exp(log_s))
        alive = math.exp(log_rise - width * _LOG2) * -math.expm1(-log_rise)
        return alive / survivor_norm - math.exp(log_chi)
    # L (1 + 2t)^{1/2} = (1 + r) / 2 with r = ((1 + 2t) / (1 + 2a^2 t))^{1/2} >= 1
    if u < 0.0:
        t = math.exp(u)
        log_r = 0.5 * math.log1p(2.0 * t * (1.0 - slope * slope) / (1.0 + 2.0 * slope * slope * t))
    else:
        log_r = 0.5 * (log_1p_2t - _log1p_2exp(u + 2.0 * math.log(slope)))
    if log_r < 1.0:
        ell = width * math.log1p(0.5 * math.expm1(log_r))  # d log(L (1 + 2t)^{1/2}) >= 0
    else:
        ell = width * (log_r + math.log1p(math.exp(-log_r)) - _LOG2)
    if ell == 0.0:
        return 0.0
    return math.exp(log_chi + ell) * -math.expm1(-ell)


def _integrate_over_log_t(func, width: int, slope: float) -> float:
    """Integral of ``func(u)`` over the real line, split at the scales of ``Delta``."""
    centres = [-math.log(width), 0.0]
    if slope > 0.0:
        centres.append(-2.0 * math.log(slope))
    lower = min(centres) - 50.0  # Delta ~ d t there: below e^-45
    upper = max(centres) + 100.0  # Delta decays at least like t^{-1/2}
    points = sorted(
        {lower, upper, *(c + o for c in centres for o in (-6.0, -2.0, 2.0, 6.0, 20.0, 50.0))}
    )
    points = [p for p in points if lower <= p <= upper]
    total = 0.0
    for left, right in itertools.pairwise(points):
        value, _ = integrate.quad(func, left, right, epsabs=1e-14, epsrel=1e-12, limit=200)
        total += value
    return total


@functools.lru_cache(maxsize=1024)
def _log_share_mean(width: int, slope: float) -> float:
    """``D = E log Y`` for ``Y = ||phi(u)||^2``, ``u`` uniform on the unit sphere of ``R^width``."""
    if width == 1 and slope == 0.0:
        return 0.0  # the survivor has Y = 1
    return -_integrate_over_log_t(lambda u: _laplace_difference(u, width, slope), width, slope)


@functools.lru_cache(maxsize=1024)
def _log_share_variance(width: int, slope: float) -> float:
    """``V = Var log Y`` (see ``_log_share_mean``)."""
    if width == 1 and slope == 0.0:
        return 0.0
    shift = (
        -_EULER_GAMMA
        - float(special.digamma(width / 2))
        - _LOG2
        - _log_share_mean(width, slope) / 2
    )
    second = 2.0 * _integrate_over_log_t(
        lambda u: (u - shift) * _laplace_difference(u, width, slope), width, slope
    )
    return max(second, 0.0)


def expected_log_sq_norm(width: int, negative_slope: float) -> float:
    """``E log ||phi(g)||^2`` for ``g ~ N(0, I_width)`` (conditioned on ``phi(g) != 0`` at slope 0).

    Equals ``psi(d/2) + log 2 + E log Y`` (see the module docstring).
    """
    width, slope = _check_width(width), _check_slope(negative_slope)
    return float(special.digamma(width / 2)) + _LOG2 + _log_share_mean(width, slope)


def lyapunov_exponent(
    width: int, negative_slope: float, scale: float, weights: Weights = "gaussian"
) -> float:
    """Lyapunov exponent ``lambda = lim log ||x_L|| / L`` of the deep leaky-ReLU network.

    ``weights="gaussian"``: ``W_ij ~ N(0, scale^2)``,
    ``lambda_G = log scale + (1/2) E log ||phi(g)||^2``.
    ``weights="orthogonal"``: ``W = scale * O`` with ``O`` Haar-orthogonal,
    ``lambda_O = log scale + (1/2) [E log ||phi(g)||^2 - psi(d/2) - log 2]``.
    """
    width, slope = _check_width(width), _check_slope(negative_slope)
    scale, weights = _check_scale(scale), _check_weights(weights)
    share_mean = _log_share_mean(width, slope)
    if weights == "orthogonal":
        return math.log(scale) + share_mean / 2
    return math.log(scale) + (float(special.digamma(width / 2)) + _LOG2 + share_mean) / 2


def lyapunov_variance(width: int, negative_slope: float, weights: Weights = "gaussian") -> float:
    """Variance ``v`` of the per-layer increment ``log ||x_l|| - log ||x_{l-1}||``.

    It does not depend on the scale. By the central limit theorem
    ``log ||x_L|| ~ log ||x_0|| + L lambda + sqrt(L v) Z`` with ``Z ~ N(0, 1)``.
    ``v_G = (psi'(d/2) + Var log Y) / 4`` and ``v_O = Var log Y / 4`` (module docstring).
    """
    width, slope = _check_width(width), _check_slope(negative_slope)
    weights = _check_weights(weights)
    share_var = _log_share_variance(width, slope)
    if weights == "orthogonal":
        return share_var / 4
    return (float(special.polygamma(1, width / 2)) + share_var) / 4


def critical_scale(width: int, negative_slope: float, weights: Weights = "gaussian") -> float:
    """The scale with Lyapunov exponent 0 (Lyapunov initialization).

    Gaussian: the standard deviation ``sigma = exp(-(1/2) E log ||phi(g)||^2)`` of the entries.
    Orthogonal: the factor ``eta = exp(-(1/2) E log Y)`` multiplying a Haar-orthogonal matrix.
    """
    return math.exp(-lyapunov_exponent(width, negative_slope, 1.0, weights))


def he_scale(width: int, negative_slope: float, weights: Weights = "gaussian") -> float:
    """The He (Kaiming) scale that keeps ``E ||x_l||^2`` constant, for comparison.

    Gaussian: ``sigma = sqrt(2 / ((1 + a^2) d))``; orthogonal: the gain ``sqrt(2 / (1 + a^2))``
    (``torch.nn.init.calculate_gain("leaky_relu", a)``). Its exponent is negative at every finite
    width (Jensen: ``E log Y < log E Y``).
    """
    width, slope = _check_width(width), _check_slope(negative_slope)
    gain_sq = 2.0 / (1.0 + slope * slope)
    if _check_weights(weights) == "orthogonal":
        return math.sqrt(gain_sq)
    return math.sqrt(gain_sq / width)


def _check_tensor(tensor: torch.Tensor) -> int:
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"expected a weight tensor, got {type(tensor).__name__}")
    if tensor.ndim < 2:
        raise ValueError(
            f"Lyapunov initialization needs a tensor with at least 2 dimensions, "
            f"got shape {tuple(tensor.shape)}"
        )
    return int(tensor.shape[0])


def lyapunov_normal_(
    tensor: torch.Tensor, negative_slope: float = 0.01, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Fill ``tensor`` in place with ``N(0, sigma^2)``, ``sigma = critical_scale(d, a)``.

    ``sigma = exp(-(1/2) E log ||phi(g)||^2)``, ``g ~ N(0, I_d)``, sets the Lyapunov exponent of
    a deep leaky-ReLU network to 0. ``d = tensor.shape[0]`` (the output dimension, out_features of
    an ``nn.Linear`` weight): ``W x / ||x|| ~ sigma N(0, I_d)`` whatever the input dimension, so the
    criterion is exact for non-square weights too. Returns ``tensor``.
    """
    width = _check_tensor(tensor)
    std = critical_scale(width, negative_slope, "gaussian")
    with torch.no_grad():
        return tensor.normal_(0.0, std, generator=generator)


def lyapunov_orthogonal_(
    tensor: torch.Tensor, negative_slope: float = 0.01, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Fill ``tensor`` in place with ``eta O``, ``O`` (semi-)orthogonal, ``eta = critical_scale``.

    ``eta = exp(-(1/2) E log ||phi(u)||^2)``, ``u`` uniform on the unit sphere of ``R^d``, sets the
    Lyapunov exponent of a deep leaky-ReLU network with square Haar-orthogonal weights to 0.
    ``d = tensor.shape[0]`` (output dimension); ``O`` is drawn as in ``torch.nn.init.orthogonal_``
    (trailing dimensions flattened). For a non-square weight (only at a network's ends) ``eta`` is
    that of a square layer of width ``d``: such layers add a bounded, depth-independent term.
    Returns ``tensor``.
    """
    width = _check_tensor(tensor)
    eta = critical_scale(width, negative_slope, "orthogonal")
    with torch.no_grad():
        torch.nn.init.orthogonal_(tensor, gain=eta, generator=generator)
    return tensor
