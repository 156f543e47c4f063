"""``LDLTLinear``: the gamma-Lipschitz linear layer ``y = gamma W R^{-1} x + b``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from wishart_moments._validation import check_positive_int

from . import init as ldlt_init
from .parametrizations import LDLTNormalization, ldlt_linear_on_batch

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

    def applied_dtype(self) -> torch.dtype:
        """The dtype of the weight the forward pass applies: ``weight``'s, or under an enabled
        ``torch.autocast`` (for the weight's device, float32 or lower weights) the autocast dtype.
        """
        device = self.weight.device.type
        if self.weight.dtype != torch.float64 and torch.is_autocast_enabled(device):
            return torch.get_autocast_dtype(device)
        return self.weight.dtype

    def normalized_weight(self, dtype: torch.dtype | None = None) -> Tensor:
        """``gamma * W R^{-1}`` in ``dtype`` (default :meth:`applied_dtype`), recomputed
        (differentiably) on every call. Its spectral norm is ``<= gamma`` after the rounding to
        bfloat16/float16 too (see ``ldlt_normalize``).
        """
        dtype = self.applied_dtype() if dtype is None else dtype
        return self.normalization(self.weight, dtype)

    def _cache_key(self, dtype: torch.dtype) -> tuple[Any, ...]:
        tensors = (self.weight, self.normalization.log_alpha, self.normalization.gamma)
        return (dtype, *((t._version, t.data_ptr(), t.device, t.dtype) for t in tensors))

    def _cached_normalized_weight(self) -> Tensor:
        key = self._cache_key(self.applied_dtype())
        stale = self._cache is None or self._cache[0] != key
        # a weight cached under inference_mode cannot enter autograd-recorded computations later
        if stale or (self._cache[1].is_inference() and not torch.is_inference_mode_enabled()):
            with torch.no_grad():
                self._cache = (key, self.normalized_weight(key[0]))
        return self._cache[1]

    def forward(self, input: Tensor) -> Tensor:
        parameters_need_grad = torch.is_grad_enabled() and any(
            p.requires_grad for p in self.parameters(recurse=True)
        )
        if self.training or parameters_need_grad or torch.compiler.is_compiling():
            if not parameters_need_grad and self._batch_path(input):
                return self._forward_on_batch(input)
            return F.linear(input, self.normalized_weight(), self.bias)
        return F.linear(input, self._cached_normalized_weight(), self.bias)

    def _batch_path(self, input: Tensor) -> bool:
        """Apply ``R^{-1}`` to the batch: only without a weight gradient (the backward pass needs
        ``W R^{-1}`` anyway), in the working precision, and when it saves flops
        (``batch n^2 < m n^2``, i.e. fewer rows than output features)."""
        rows = input.numel() // max(1, input.shape[-1]) if input.dim() else 1
        return (
            input.dim() >= 1
            and self.applied_dtype() in (torch.float32, torch.float64)
            and input.dtype == self.weight.dtype
            and rows < self.out_features
        )

    def _forward_on_batch(self, input: Tensor) -> Tensor:
        """``gamma (x R^{-T}) W^T + b``: the map of ``F.linear(x, gamma W R^{-1}, b)`` (rounded
        differently); differentiable in ``x`` (plain autograd), e.g. for attacks in train mode."""
        return ldlt_linear_on_batch(input, self.weight, self.alpha, self.gamma, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )
