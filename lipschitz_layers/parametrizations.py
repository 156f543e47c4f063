"""The LDLT weight constraint ``W -> gamma * W R^{-1}``, ``R^T R = alpha I + W^T W``.

``M(W) = W (alpha I + W^T W)^{-1/2}`` has singular values ``s_i / sqrt(s_i^2 + alpha) < 1``; the
Cholesky form ``W R^{-1}`` (``R`` upper triangular) differs from it by an orthogonal factor on the
right, so ``||gamma W R^{-1}||_2 <= gamma`` (paper, Lemma III.2).

Gradient. ``_LDLTFunction`` is a ``torch.autograd.Function``: the forward pass keeps ``R`` and
``M = W R^{-1}``, and the backward pass needs no second factorization. With ``Mbar = dL/dM``,
``S = M^T Mbar`` and ``sym(S) = triu(S) + triu(S, 1)^T``,

    dL/dW = (Mbar - M sym(S)) R^{-T},    dL/dalpha = -tr(R^{-1} Phi(S) R^{-T}),

``Phi(S)`` the upper triangle of ``S`` with its diagonal halved. (From ``dA = dR^T R + R^T dR``:
``dR R^{-1} = Phi(R^{-T} dA R^{-1})``, so the Cholesky backward is ``Abar = R^{-1} Phi(Rbar R^T)
R^{-T}``, and for ``M = W R^{-1}`` one has ``Rbar R^T = -M^T Mbar``.) That is two matrix products
and one triangular solve, against the solves and products that plain autograd runs through
``cholesky`` and ``solve_triangular``; the result agrees with it to rounding (tested in float64,
with ``gradcheck``). The backward is itself written in differentiable torch operations, so double
backward works.

Rounding. Forming ``W^T W`` squares the condition number: in float32 with raw weights of order
1e3 the Cholesky factorization of ``alpha I + W^T W`` breaks down (``info > 0``, NaNs) or silently
returns a matrix with ``||W R^{-1}||_2 > 1``. Rescaling ``W`` does not help: ``M(W, alpha) =
M(W / c, alpha / c^2)``, the conditioning is intrinsic. So the factorization uses a documented
jitter: it factors ``(alpha + delta) I + W^T W`` with ``delta = u ||W||_F^2``, ``u`` the unit
roundoff of the Gram product (2^-24 in float32, 2^-53 in float64, 2^-11 for float32 on CUDA when
TF32 matmuls are allowed). That is a perturbation of ``W^T W`` at the size of the rounding already
committed in forming it, and it can only shrink the singular values (to
``s / sqrt(s^2 + alpha + delta)``), so rounding errors of that size no longer push them above 1.
``delta`` is a constant for the gradient (a numerical safeguard, not part of the model).
It is computed on the device (no host synchronization). If the factorization still breaks down
(non-finite weights), an error is raised through ``torch._assert_async``; no NaN reaches the
output.

Low precision. The normalization always runs in float32 (float64 for float64 weights), with
autocast switched off. Rounding the result to bfloat16 or float16 moves each entry by up to a
relative ``u`` (2^-8, 2^-11), which can lift the spectral norm above ``gamma`` (by 0.24% in
bfloat16 without care). So a result of lower precision than the working one is rounded from
``c gamma M`` with ``c < 1`` chosen so that the rounded matrix provably has norm ``<= gamma``:

- a first try ``c1 = 1 - eps_w - 2 b`` (``b`` the typical size of the rounding error's norm) is
  rounded, its rounding error ``E`` is computed exactly, and its norm bounded rigorously by the
  Gershgorin bound of the Gram matrix ``E^T E`` (float64, with the rounding of that product
  bounded too); ``c1`` is kept when ``c1 gamma (1 + eps_w) + ||E||_2 <= gamma``;
- otherwise (never seen in the tests) ``c2`` follows from the a-priori bound
  ``||E||_2 <= ||E||_F <= u ||c2 gamma M||_F + eta sqrt(mn)`` (``eta`` the subnormal rounding).

``eps_w = 8 eps sqrt(min(m, n))`` is the allowance for the rounding of the working precision
(the tests bound ``||M||_2 - 1`` by half of it). The choice is made on the device by
``torch.where`` (no host synchronization, one graph under ``torch.compile``); ``c`` is a constant
for the gradient. In bfloat16 at 512 x 512 the shrink is about 1%, in float16 0.15%.
"""

from __future__ import annotations

import itertools
import math

import torch
from torch import Tensor, nn

from wishart_moments._validation import check_positive_real

__all__ = ["LDLTNormalization", "ldlt_linear_on_batch", "ldlt_normalize"]


def _unit_roundoff(weight: Tensor) -> float:
    """Unit roundoff of the Gram product ``W^T W``: the dtype's, or TF32's (2^-11) on CUDA."""
    if weight.is_cuda and weight.dtype == torch.float32 and torch.backends.cuda.matmul.allow_tf32:
        return 2.0**-11
    return torch.finfo(weight.dtype).eps / 2


def _sym_upper(matrix: Tensor) -> Tensor:
    """``triu(S) + triu(S, 1)^T``: the symmetric matrix with the upper triangle of ``S``."""
    return matrix.triu().add_(matrix.mT.tril(-1))


def _row_blocks(size: int) -> list[int]:
    """Block boundaries for ``_upper_product``: blocks of 128 or more, at most 4."""
    count = max(1, min(4, size // 128))
    return [size * i // count for i in range(count + 1)]


def _upper_product(a: Tensor, b: Tensor) -> Tensor:
    """``a^T b`` on and above the block diagonal (zeros below it): the upper triangle exact.

    With ``k`` row blocks the products cost ``(k + 1) / (2k)`` of the full ``a^T b`` (5/8 for
    ``k = 4``); enough where only the upper triangle is read (Cholesky with ``upper=True``,
    ``sym``).
    """
    bounds = _row_blocks(a.shape[1])
    if len(bounds) == 2:
        return a.mT @ b
    out = a.new_zeros(a.shape[1], b.shape[1])
    for start, stop in itertools.pairwise(bounds):
        out[start:stop, start:] = a[:, start:stop].mT @ b[:, start:]
    return out


def _lower_gram(weight: Tensor) -> Tensor:
    """``W^T W`` on and below the block diagonal (the rest uninitialized), one buffer.

    The transpose of ``_upper_product(W, W)`` for a symmetric product; the column-major view
    ``.mT`` of the result is what ``cholesky_ex(upper=True)`` factors in place.
    """
    bounds = _row_blocks(weight.shape[1])
    if len(bounds) == 2:
        return weight.mT @ weight
    out = weight.new_empty(weight.shape[1], weight.shape[1])
    for start, stop in itertools.pairwise(bounds):
        torch.mm(weight[:, start:].mT, weight[:, start:stop], out=out[start:, start:stop])
    return out


def _sym_product(a: Tensor, b: Tensor) -> Tensor:
    """``sym(a^T b)`` (see ``_sym_upper``) in one buffer: the upper block triangle is computed,
    the lower one copied from it (``_upper_product`` followed by ``_sym_upper``, with one
    allocation instead of four)."""
    bounds = _row_blocks(a.shape[1])
    if len(bounds) == 2:
        return _sym_upper(a.mT @ b)
    out = a.new_empty(a.shape[1], b.shape[1])
    for start, stop in itertools.pairwise(bounds):
        torch.mm(a[:, start:stop].mT, b[:, start:], out=out[start:stop, start:])
    for start, stop in itertools.pairwise(bounds):
        block = out[start:stop, start:stop]
        block.copy_(_sym_upper(block))
        out[stop:, start:stop].copy_(out[start:stop, stop:].mT)
    return out


def _alpha_gradient(s: Tensor, factor: Tensor) -> Tensor:
    """``dL/dalpha = -tr(R^{-1} Phi(S) R^{-T})`` from the upper triangle of ``S`` (``Phi``: that
    triangle with its diagonal halved)."""
    phi = s.triu(1) + torch.diag_embed(0.5 * s.diagonal())
    half = torch.linalg.solve_triangular(factor, phi, upper=True, left=True)
    abar = torch.linalg.solve_triangular(factor.mT, half, upper=False, left=False)
    return -abar.diagonal().sum()


def _backward_in_place(
    normalized: Tensor, factor: Tensor, grad: Tensor, needs_input_grad: tuple[bool, ...]
) -> tuple[Tensor | None, Tensor | None, None]:
    """``_LDLTFunction.backward`` for a first-order gradient with respect to ``M`` only.

    The same formulas as the general backward, with fewer temporaries (each fresh buffer of this
    size costs page faults on every step) and the layouts MKL solves fastest in: ``(Mbar - M
    sym(S))^T`` is formed row-major, and ``R`` is copied row-major into the buffer of ``sym(S)``
    once the product with it is done.
    """
    sym = _sym_product(normalized, grad)
    grad_alpha = _alpha_gradient(sym, factor) if needs_input_grad[1] else None
    grad_weight = None
    if needs_input_grad[0]:
        # (Mbar - M sym(S))^T row-major, i.e. the product column-major: the layout in which the
        # solve with a row-major R^T is fastest (1.3x the row-major one, 2x a column-major R)
        inner_t = torch.addmm(grad.mT, sym, normalized.mT, alpha=-1)  # sym(S) is symmetric
        row_factor = sym.copy_(factor)
        grad_weight = torch.linalg.solve_triangular(
            row_factor.mT, inner_t.mT, upper=False, left=False
        )
    return grad_weight, grad_alpha, None


class _LDLTFunction(torch.autograd.Function):
    """``(W, alpha) -> (M, R, info)``, ``M = W R^{-1}``, ``R^T R = alpha' I + W^T W``.

    ``alpha' = alpha + u ||W||_F^2`` with ``u`` = ``roundoff`` (a constant for the gradient).

    ``R`` and ``info`` (of ``cholesky_ex``) are returned for reuse and are not differentiable.
    """

    @staticmethod
    def forward(weight: Tensor, alpha: Tensor, roundoff: float) -> tuple[Tensor, Tensor, Tensor]:
        # the Gram matrix's lower block triangle, read through its column-major transpose (whose
        # upper triangle Cholesky reads); factored in place into a column-major R, the layout in
        # which MKL's right solve W R^{-1} runs fastest (2-2.5x the row-major one at n = 512)
        compiling = torch.compiler.is_compiling()  # out= into views does not trace
        gram = (weight.mT @ weight if compiling else _lower_gram(weight)).mT
        shift = alpha + roundoff * gram.diagonal().sum()
        gram.diagonal().add_(shift)
        if compiling:
            factor, info = torch.linalg.cholesky_ex(gram, upper=True)
        else:
            info = torch.empty((), dtype=torch.int32, device=weight.device)
            factor, info = torch.linalg.cholesky_ex(gram, upper=True, out=(gram, info))
        normalized = torch.linalg.solve_triangular(factor, weight, upper=True, left=False)
        return normalized, factor, info

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:  # type: ignore[override]
        normalized, factor, info = output
        ctx.mark_non_differentiable(info)
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(normalized, factor)

    @staticmethod
    def backward(ctx, grad, grad_factor, _grad_info):  # type: ignore[override]
        normalized, factor = ctx.saved_tensors
        grad_weight = grad_alpha = None
        if grad is None and grad_factor is None:
            return None, None, None
        if (
            grad_factor is None
            and not torch.is_grad_enabled()
            and not torch.compiler.is_compiling()
        ):
            with torch.autocast(factor.device.type, enabled=False):
                return _backward_in_place(normalized, factor, grad, ctx.needs_input_grad)
        # S = -Rbar R^T, with Rbar = -R^{-T} M^T Mbar from M = W R^{-1} (plus R's own gradient)
        # only the upper triangle of S is used
        s = _upper_product(normalized, grad) if grad is not None else torch.zeros_like(factor)
        if grad_factor is not None:
            s = s - grad_factor.triu() @ factor.mT
        if ctx.needs_input_grad[0]:
            sym = _sym_upper(s)
            inner = -(normalized @ sym) if grad is None else grad.addmm(normalized, sym, alpha=-1)
            # (Mbar - M sym(S)) R^{-T}: solve R X^T = inner^T (X comes out row-major, like the
            # weight, so gradient accumulation does not copy it)
            grad_weight = torch.linalg.solve_triangular(
                factor, inner.mT, upper=True, left=True
            ).mT
        if ctx.needs_input_grad[1]:
            grad_alpha = _alpha_gradient(s, factor)
        return grad_weight, grad_alpha, None


def _work_dtype(*dtypes: torch.dtype) -> torch.dtype:
    """float64 if any of ``dtypes`` is float64, else float32."""
    return torch.float64 if torch.float64 in dtypes else torch.float32


def _error_norm_bound(error: Tensor) -> Tensor:
    """A rigorous upper bound on ``||E||_2`` for an exactly known float64 matrix ``E``.

    ``lambda_max(E^T E)^2 <= ||(E^T E)^2||_inf`` (row sums), with the rounding of both float64
    products bounded by ``gamma_k |.|^T |.|`` terms (``gamma_k = k u / (1 - k u)``) and the sums
    inflated for their own rounding. About 1.5 times ``||E||_2`` for random rounding errors.
    """
    if error.shape[0] < error.shape[1]:
        error = error.mT
    rows, cols = error.shape
    u64 = 2.0**-53
    inflate = 1 + 8 * (rows + cols) * u64
    absolute = error.abs()
    gram = error.mT @ error
    gram_slack = rows * u64 / (1 - rows * u64) * (absolute.mT @ absolute.sum(1)).max()
    gram_abs = gram.abs()
    square = gram @ gram
    square_slack = cols * u64 / (1 - cols * u64) * (gram_abs @ gram_abs.sum(1)).max()
    square_rows = square.abs().sum(1).max() + square_slack
    top = (square_rows * inflate).sqrt() * inflate + gram_slack * inflate
    return top.sqrt() * inflate


def _round_within(normalized: Tensor, gamma: Tensor, dtype: torch.dtype) -> Tensor:
    """``(c gamma M).to(dtype)`` with ``c <= 1`` such that its spectral norm is ``<= gamma``.

    ``M`` (``normalized``, working precision, ``||M||_2 <= 1`` up to its rounding) is the
    unscaled LDLT matrix; see the module docstring for the choice of ``c``.
    """
    work = normalized.dtype
    rows, cols = normalized.shape
    u = torch.finfo(dtype).eps / 2
    eta = torch.finfo(dtype).smallest_normal * torch.finfo(dtype).eps / 2
    eps_w = 8 * torch.finfo(work).eps * math.sqrt(min(rows, cols))
    big, small = max(rows, cols), min(rows, cols)
    with torch.no_grad():
        plain = normalized.detach()
        frobenius = torch.linalg.vector_norm(plain).double() * (1 + 1e-3)
        # the typical spectral norm of a rounding error with entries ~ 0.6 u rms(M), times the
        # (slowly growing) ratio of the bound to it, with a margin
        typical = 0.6 * u * frobenius / math.sqrt(rows * cols) * (math.sqrt(big) + math.sqrt(small))
        c1 = (1 - eps_w - 1.25 * max(1.0, big / 256) ** 0.125 * typical).to(work)
        scale1 = gamma.detach() * c1
        first = scale1 * plain
        error = (first.to(dtype).to(work) - first).double()  # exact (Sterbenz)
        gamma64 = gamma.detach().double()
        accepted = scale1.double() * (1 + eps_w) + _error_norm_bound(error) <= gamma64
        c2 = (1 - eta * math.sqrt(rows * cols) / gamma64) / (1 + eps_w + u * frobenius)
        c = torch.where(accepted, c1, c2.to(work))
    return ((gamma * c) * normalized).to(dtype)


def ldlt_normalize(
    weight: Tensor,
    alpha: float | Tensor,
    gamma: float | Tensor,
    dtype: torch.dtype | None = None,
) -> Tensor:
    """Return ``gamma * W R^{-1}`` with ``R`` the upper Cholesky factor of ``alpha' I + W^T W``.

    ``alpha' = alpha + u ||W||_F^2`` (``u`` the unit roundoff of the Gram product; see the module
    docstring). ``weight`` has shape ``(m, n)`` as in ``nn.Linear``; ``alpha`` and ``gamma`` are
    positive scalars or 0-dimensional tensors (learnable ones work). Differentiable in all three.
    The result has ``dtype`` (default: the weight's). The normalization runs in float32 (float64
    when the weight or ``dtype`` is float64) with autocast switched off; a result of lower
    precision (bfloat16, float16) is rounded so that its spectral norm stays ``<= gamma``.
    """
    if not isinstance(weight, Tensor):
        raise TypeError(f"weight must be a torch.Tensor, got {type(weight).__name__}")
    for name, value in (("alpha", alpha), ("gamma", gamma)):
        if not isinstance(value, Tensor):  # a tensor may be learned: not synchronised to check
            check_positive_real(value, name)
    if weight.dim() != 2:
        raise ValueError(f"weight must be a 2-D (out, in) matrix, got shape {tuple(weight.shape)}")
    if not weight.is_floating_point():
        raise ValueError(f"weight must be a floating-point tensor, got dtype {weight.dtype}")
    dtype = weight.dtype if dtype is None else dtype
    if not dtype.is_floating_point or dtype.is_complex:
        raise ValueError(f"dtype must be a real floating-point dtype, got {dtype}")
    with torch.autocast(weight.device.type, enabled=False):
        work_dtype = _work_dtype(weight.dtype, dtype)
        work = weight.to(work_dtype)
        alpha = torch.as_tensor(alpha, dtype=work_dtype, device=work.device)
        gamma = torch.as_tensor(gamma, dtype=work_dtype, device=work.device)
        normalized, _, info = _LDLTFunction.apply(work, alpha, _unit_roundoff(work))
        torch._assert_async(
            info == 0,
            "LDLT normalization: the Cholesky factorization of alpha I + W^T W broke down "
            "(the weight has non-finite entries or is beyond the dtype's range)",
        )
        if torch.finfo(dtype).eps > torch.finfo(work_dtype).eps:
            return _round_within(normalized, gamma, dtype)
        return (gamma * normalized).to(dtype)


def ldlt_linear_on_batch(
    input: Tensor,
    weight: Tensor,
    alpha: float | Tensor,
    gamma: float | Tensor,
    bias: Tensor | None = None,
) -> Tensor:
    """``gamma (x R^{-T}) W^T + b``, equal to ``F.linear(x, ldlt_normalize(W, alpha, gamma), b)``.

    Applies ``R^{-1}`` to the ``k`` input rows (``k n^2`` flops) instead of forming ``W R^{-1}``
    (``m n^2``): cheaper when ``k < m``. Meant for forward passes without a weight gradient (the
    backward pass of a training step needs ``W R^{-1}`` anyway); float32/float64 only.
    """
    if weight.dim() != 2:
        raise ValueError(f"weight must be a 2-D (out, in) matrix, got shape {tuple(weight.shape)}")
    if weight.dtype not in (torch.float32, torch.float64) or input.dtype != weight.dtype:
        raise ValueError(
            f"input and weight must share dtype float32 or float64, got {input.dtype} and "
            f"{weight.dtype}"
        )
    with torch.autocast(weight.device.type, enabled=False):
        alpha = torch.as_tensor(alpha, dtype=weight.dtype, device=weight.device)
        gamma = torch.as_tensor(gamma, dtype=weight.dtype, device=weight.device)
        gram = weight.mT @ weight
        gram.diagonal().add_(alpha + _unit_roundoff(weight) * gram.diagonal().sum())
        factor, info = torch.linalg.cholesky_ex(gram, upper=True)
        torch._assert_async(
            info == 0,
            "LDLT normalization: the Cholesky factorization of alpha I + W^T W broke down "
            "(the weight has non-finite entries or is beyond the dtype's range)",
        )
        flat = input.reshape(-1, input.shape[-1])
        # z = x R^{-T}: solve z R^T = x
        z = torch.linalg.solve_triangular(factor.mT, flat, upper=False, left=False)
        out = torch.nn.functional.linear(z, gamma * weight, bias)
        return out.reshape(*input.shape[:-1], weight.shape[0])


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

    def forward(self, weight: Tensor, dtype: torch.dtype | None = None) -> Tensor:
        return ldlt_normalize(weight, self.alpha, self.gamma, dtype)

    def extra_repr(self) -> str:
        learned = isinstance(self.log_alpha, nn.Parameter)
        return f"alpha={self.alpha.item():g}, gamma={self.gamma.item():g}, learn_alpha={learned}"
