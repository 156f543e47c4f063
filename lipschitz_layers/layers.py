"""``LDLTLinear``: the gamma-Lipschitz linear layer ``y = gamma W R^{-1} x + b``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from wishart_moments._validation import check_positive_int

from . import init as ldlt_init
from .parametrizations import LDLTNormalization

__all__ = ["LDLTLinear"]

# init name -> function; "variance_prescribed" gets the layer's alpha and gamma
INITS: dict[str, Callable[..., Tensor]] = {
    "scaled_normal": ldlt_init.scaled_normal_,
    "he_normal": ldlt_init.he_normal_,
    "variance_prescribed": ldlt_init.variance_prescribed_,
}


class LDLTLinear(nn.Module):
    """``y = gamma W R^{-1} x + b``, ``R^T R = alpha I + W^T W``; ``||gamma W R^{-1}||_2 <= gamma``.

    ``weight`` is the raw, unconstrained parameter of shape ``(out_features, in_features)`` as in
    ``nn.Linear``; ``normalized_weight()`` is the matrix the layer applies, computed by
    ``self.normalization`` (an :class:`LDLTNormalization`). In eval mode, when no gradient with
    respect to the parameters is being recorded (``torch.no_grad``/``inference_mode``, or frozen
    parameters), the normalized weight is cached and recomputed only when ``weight``, ``alpha`` or
    ``gamma`` change (their version counters, storage, device and dtype are the cache key), so
    inference costs what ``nn.Linear`` costs. The bias starts at zero; the weight is initialized by
    :meth:`reset_parameters` (default: ``scaled_normal_`` with scale 1, the paper's baseline).
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        alpha: float = 1.0,
        gamma: float = 1.0,
        learn_alpha: bool = False,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        in_features = check_positive_int(in_features, "in_features")
        out_features = check_positive_int(out_features, "out_features")
        factory = {"device": device, "dtype": dtype}
        self.in_features = in_features
        self.out_features = out_features
        self.weight = nn.Parameter(torch.empty(out_features, in_features, **factory))
        self.bias = nn.Parameter(torch.empty(out_features, **factory)) if bias else None
        self.normalization = LDLTNormalization(alpha, gamma, learn_alpha, **factory)
        self._cache: tuple[tuple[Any, ...], Tensor] | None = None
        self.reset_parameters()

    @property
    def alpha(self) -> Tensor:
        return self.normalization.alpha

    @property
    def gamma(self) -> Tensor:
        return self.normalization.gamma

    def reset_parameters(
        self, init: str | Callable[[Tensor], Tensor] = "scaled_normal", **init_kwargs: Any
    ) -> None:
        """Initialize ``weight`` with ``init`` and set the bias to zero.

        ``init`` is a function of ``lipschitz_layers.init`` by name (``"scaled_normal"``,
        ``"he_normal"``, ``"variance_prescribed"``; keyword arguments go to it, and
        ``"variance_prescribed"`` is given this layer's ``alpha`` and ``gamma``), or any callable
        filling the weight in place, e.g. ``torch.nn.init.orthogonal_``.
        """
        if isinstance(init, str):
            if init not in INITS:
                raise ValueError(
                    f"unknown init {init!r}; choose one of {sorted(INITS)} or a callable"
                )
            if init == "variance_prescribed":
                init_kwargs = {
                    "alpha": self.alpha.item(),
                    "gamma": self.gamma.item(),
                    **init_kwargs,
                }
            init = INITS[init]
        with torch.no_grad():
            init(self.weight, **init_kwargs)
            if self.bias is not None:
                self.bias.zero_()

    def normalized_weight(self) -> Tensor:
        """``gamma * W R^{-1}``, recomputed (differentiably) on every call."""
        return self.normalization(self.weight)

    def _cache_key(self) -> tuple[Any, ...]:
        tensors = (self.weight, self.normalization.log_alpha, self.normalization.gamma)
        return tuple((t._version, t.data_ptr(), t.device, t.dtype) for t in tensors)

    def _cached_normalized_weight(self) -> Tensor:
        key = self._cache_key()
        stale = self._cache is None or self._cache[0] != key
        # a weight cached under inference_mode cannot enter autograd-recorded computations later
        if stale or (self._cache[1].is_inference() and not torch.is_inference_mode_enabled()):
            with torch.no_grad():
                self._cache = (key, self.normalized_weight())
        return self._cache[1]

    def forward(self, input: Tensor) -> Tensor:
        parameters_need_grad = torch.is_grad_enabled() and any(
            p.requires_grad for p in self.parameters(recurse=True)
        )
        if self.training or parameters_need_grad or torch.compiler.is_compiling():
            return F.linear(input, self.normalized_weight(), self.bias)
        return F.linear(input, self._cached_normalized_weight(), self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )
