"""gamma-Lipschitz LDLT layers in torch and their variance-prescribed initialization.

``LDLTLinear`` computes ``y = gamma W R^{-1} x + b`` with ``R^T R = alpha I + W^T W``;
``lipschitz_layers.init`` holds the initializers (``variance_prescribed_`` solves the weight scale
from the exact Wishart moments); ``LDLTMLP`` is the constant-width network of the paper.
Importing this package never imports SymPy or Numba.
"""

from __future__ import annotations

from . import init
from .layers import LDLTLinear
from .networks import LDLTMLP
from .parametrizations import LDLTNormalization, ldlt_normalize
from .propagation import activation_second_moment

__all__ = [
    "LDLTMLP",
    "LDLTLinear",
    "LDLTNormalization",
    "activation_second_moment",
    "init",
    "ldlt_normalize",
]
