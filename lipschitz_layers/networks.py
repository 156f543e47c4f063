"""``LDLTMLP``: the constant-width LDLT network of the paper's experiments."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch
from torch import Tensor, nn

from wishart_moments._validation import check_positive_int

from .certify import activation_lipschitz
from .layers import LDLTLinear
from .propagation import activation_second_moment

__all__ = ["LDLTMLP"]


class LDLTMLP(nn.Sequential):
    """``depth`` LDLT layers ``in -> hidden -> ... -> hidden -> out`` with an activation between.

    Each layer is ``gamma``-Lipschitz, so with a 1-Lipschitz activation (ELU, ReLU) the network
    is ``gamma^depth``-Lipschitz. ``init`` and ``init_kwargs`` go to :meth:`reset_parameters`.
    """

    def __init__(
        self,
        in_features: int,
        hidden_features: int,
        out_features: int,
        depth: int,
        activation: Callable[[], nn.Module] = nn.ELU,
        bias: bool = True,
        alpha: float = 1.0,
        gamma: float = 1.0,
        learn_alpha: bool = False,
        init: str | Callable[[Tensor], Tensor] = "scaled_normal",
        init_kwargs: Mapping[str, Any] | None = None,
        propagate_variance: bool = False,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        depth = check_positive_int(depth, "depth")
        widths = [in_features] + [hidden_features] * (depth - 1) + [out_features]
        modules: list[nn.Module] = []
        for index in range(depth):
            if index:
                modules.append(activation())
            modules.append(
                LDLTLinear(
                    widths[index],
                    widths[index + 1],
                    bias=bias,
                    alpha=alpha,
                    gamma=gamma,
                    learn_alpha=learn_alpha,
                    device=device,
                    dtype=dtype,
                )
            )
        super().__init__(*modules)
        self.activation = activation
        self.reset_parameters(
            init, propagate_variance=propagate_variance, **dict(init_kwargs or {})
        )

    @property
    def ldlt_layers(self) -> list[LDLTLinear]:
        return [module for module in self if isinstance(module, LDLTLinear)]

    def lipschitz_constant(self) -> float:
        """The certified l2 Lipschitz bound ``prod_l |gamma_l| * prod_a Lip(activation_a)``.

        Each LDLT layer is ``|gamma|``-Lipschitz (``||gamma W R^{-1}||_2 <= |gamma|``), each
        activation contributes its constant (``certify.activation_lipschitz``).
        """
        bound = 1.0
        for module in self:
            if isinstance(module, LDLTLinear):
                bound *= abs(float(module.gamma.detach()))
            else:
                bound *= activation_lipschitz(module)
        return bound

    def reset_parameters(
        self,
        init: str | Callable[[Tensor], Tensor] = "scaled_normal",
        *,
        propagate_variance: bool = False,
        **init_kwargs: Any,
    ) -> None:
        """Initialize the layers one by one with ``init`` (see ``LDLTLinear.reset_parameters``).

        With ``init="variance_prescribed"``, ``target_variance`` is one number or one per layer
        (the pre-activation variance each layer should produce), and ``input_variance`` (default
        1) is the second moment of the network's input. Without ``propagate_variance`` every later
        layer is solved for a unit-variance input, as in the paper. With it, layer ``l + 1`` is
        solved for the input second moment ``E[phi(Z)^2]``, ``Z ~ N(0, target_l)``, that the
        activation produces from layer ``l``'s output (``activation_second_moment``). This treats
        the pre-activations as Gaussian and the second moment as the variance (exact for
        zero-mean inputs; ELU's outputs have a small nonzero mean).
        """
        layers = self.ldlt_layers
        if init != "variance_prescribed":
            if propagate_variance:
                raise ValueError("propagate_variance applies only to init='variance_prescribed'")
            for layer in layers:
                layer.reset_parameters(init, **init_kwargs)
            return
        kwargs = dict(init_kwargs)
        if "target_variance" not in kwargs:
            raise ValueError(
                "init='variance_prescribed' needs target_variance (a number or one per layer)"
            )
        targets = kwargs.pop("target_variance")
        if not isinstance(targets, Sequence):
            targets = [targets] * len(layers)
        if len(targets) != len(layers):
            raise ValueError(f"target_variance has {len(targets)} entries for {len(layers)} layers")
        input_variance = kwargs.pop("input_variance", 1.0)
        activation = self.activation()
        for index, (layer, target) in enumerate(zip(layers, targets, strict=True)):
            try:
                layer.reset_parameters(
                    init, target_variance=target, input_variance=input_variance, **kwargs
                )
            except ValueError as error:
                raise ValueError(f"layer {index} ({layer.extra_repr()}): {error}") from error
            input_variance = (
                activation_second_moment(activation, target) if propagate_variance else 1.0
            )
