"""The LDLT weight constraint ``W -> gamma * W R^{-1}``, ``R^T R = alpha I + W^T W``.

``M(W) = W (alpha I + W^T W)^{-1/2}`` has singular values ``s_i / sqrt(s_i^2 + alpha) < 1``; the
Cholesky form ``W R^{-1}`` (``R`` upper triangular) differs from it by an orthogonal factor on the
right, so ``||gamma W R^{-1}||_2 <= gamma`` (paper, Lemma III.2).

Rounding. Forming ``W^T W`` squares the condition number: in float32 with raw weights of order
1e3 the Cholesky factorization of ``alpha I + W^T W`` breaks down (``info > 0``, NaNs) or silently
returns a matrix with ``||W R^{-1}||_2 > 1``. Rescaling ``W`` does not help: ``M(W, alpha) =
M(W / c, alpha / c^2)``, the conditioning is intrinsic. So the factorization uses a documented
jitter: it factors ``(alpha + delta) I + W^T W`` with ``delta = u ||W||_F^2``, ``u`` the unit
roundoff of the Gram product (2^-24 in float32, 2^-53 in float64, 2^-11 for float32 on CUDA when
TF32 matmuls are allowed). That is a perturbation of ``W^T W`` at the size of the rounding already
committed in forming it, and it can only shrink the singular values (to
``s / sqrt(s^2 + alpha + delta)``), so rounding errors of that size no longer push them above 1
(tested: shapes up to 40 x 40 with raw scales 1e-3..1e3, float32 and float64, and larger
ill-conditioned cases). ``delta / alpha`` is about 3e-3 at the paper's largest initialization
(float32, 512 x 512, sigma = 10 / sqrt(n)) and 6e-12 in float64. It is computed on the device (no
host synchronization). If the factorization still breaks down (non-finite weights), an error is
raised through ``torch._assert_async``, which does not synchronize on CUDA; no NaN reaches the
output.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from wishart_moments._validation import check_positive_real

__all__ = ["LDLTNormalization", "ldlt_normalize"]


def _unit_roundoff(weight: Tensor) -> float:
    """Unit roundoff of the Gram product ``W^T W``: the dtype's, or TF32's (2^-11) on CUDA."""
    if weight.is_cuda and weight.dtype == torch.float32 and torch.backends.cuda.matmul.allow_tf32:
        return 2.0**-11
    return torch.finfo(weight.dtype).eps / 2


def ldlt_normalize(weight: Tensor, alpha: float | Tensor, gamma: float | Tensor) -> Tensor:
    """Return ``gamma * W R^{-1}`` with ``R`` the upper Cholesky factor of ``alpha' I + W^T W``.

    ``alpha' = alpha + u ||W||_F^2`` (``u`` the unit roundoff of the Gram product; see the module
    docstring). ``weight`` has shape ``(m, n)`` as in ``nn.Linear``; ``alpha`` and ``gamma`` are
    positive scalars or 0-dimensional tensors (learnable ones work). Differentiable in all three.
    Half-precision weights are normalized in float32 (and the result cast back); autocast is
    switched off inside, so mixed-precision training does not lower the factorization's precision.
    """
    if weight.dim() != 2:
        raise ValueError(f"weight must be a 2-D (out, in) matrix, got shape {tuple(weight.shape)}")
    if not weight.is_floating_point():
        raise ValueError(f"weight must be a floating-point tensor, got dtype {weight.dtype}")
    with torch.autocast(weight.device.type, enabled=False):
        work = weight if torch.finfo(weight.dtype).bits >= 32 else weight.float()
        alpha = torch.as_tensor(alpha, dtype=work.dtype, device=work.device)
        gamma = torch.as_tensor(gamma, dtype=work.dtype, device=work.device)
        gram = work.mT @ work
        delta = _unit_roundoff(work) * torch.diagonal(gram).sum()  # u ||W||_F^2
        gram.diagonal().add_(alpha + delta)
        factor, info = torch.linalg.cholesky_ex(gram, upper=True)
        torch._assert_async(
            info == 0,
            "LDLT normalization: the Cholesky factorization of alpha I + W^T W broke down "
            "(the weight has non-finite entries or is beyond the dtype's range)",
        )
        normalized = torch.linalg.solve_triangular(factor, work, upper=True, left=False)
        return (gamma * normalized).to(weight.dtype)


class LDLTNormalization(nn.Module):
    """``W -> gamma * W R^{-1}``, ``R^T R = alpha I + W^T W``: a weight constraint module.

    Works as a ``torch.nn.utils.parametrize`` parametrization, e.g.
    ``register_parametrization(linear, "weight", LDLTNormalization(alpha=1.0, gamma=1.0))``
    makes any ``nn.Linear`` gamma-Lipschitz. ``alpha`` is stored as ``log_alpha`` (a parameter
    when ``learn_alpha``, so it stays positive under any update; a buffer otherwise); ``gamma``
    is a buffer.
    """

    def __init__(
        self,
        alpha: float = 1.0,
        gamma: float = 1.0,
        learn_alpha: bool = False,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        alpha = check_positive_real(alpha, "alpha")
        gamma = check_positive_real(gamma, "gamma")
        factory = {"device": device, "dtype": dtype}
        log_alpha = torch.tensor(alpha, **factory).log()
        if learn_alpha:
            self.log_alpha = nn.Parameter(log_alpha)
        else:
            self.register_buffer("log_alpha", log_alpha)
        self.register_buffer("gamma", torch.tensor(gamma, **factory))

    @property
    def alpha(self) -> Tensor:
        """``alpha = exp(log_alpha)`` as a 0-dimensional tensor."""
        return self.log_alpha.exp()

    def forward(self, weight: Tensor) -> Tensor:
        return ldlt_normalize(weight, self.alpha, self.gamma)

    def extra_repr(self) -> str:
        learned = isinstance(self.log_alpha, nn.Parameter)
        return f"alpha={self.alpha.item():g}, gamma={self.gamma.item():g}, learn_alpha={learned}"
