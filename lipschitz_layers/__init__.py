"""gamma-Lipschitz LDLT layers in torch and their variance-prescribed initialization.

``LDLTLinear`` computes ``y = gamma W R^{-1} x + b`` with ``R^T R = alpha I + W^T W``;
``lipschitz_layers.init`` holds the initializers (``variance_prescribed_`` solves the weight scale
from the exact Wishart moments); ``LDLTMLP`` is the constant-width network of the paper.
``lipschitz_layers.lyapunov`` holds the Lyapunov exponent of deep leaky-ReLU networks and the
critical scale behind ``init.lyapunov_normal_`` / ``init.lyapunov_orthogonal_``.
Importing this package never imports SymPy or Numba.
"""

from __future__ import annotations

from wishart_moments import __version__  # one distribution, one version

from . import init, lyapunov
from .certify import activation_lipschitz, certified_accuracy, certified_radius
from .layers import LDLTLinear
from .lyapunov import critical_scale, lyapunov_exponent, lyapunov_variance
from .networks import LDLTMLP
from .parametrizations import LDLTNormalization, ldlt_normalize
from .propagation import activation_second_moment

__all__ = [
    "LDLTMLP",
    "LDLTLinear",
    "LDLTNormalization",
    "__version__",
    "activation_lipschitz",
    "activation_second_moment",
    "certified_accuracy",
    "certified_radius",
    "critical_scale",
    "init",
    "ldlt_normalize",
    "lyapunov",
    "lyapunov_exponent",
    "lyapunov_variance",
]
