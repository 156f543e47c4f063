"""Argument checks and the reduction every engine shares.

With ``x = alpha / sigma^2``, ``S_1`` the ``sigma = 1`` Wishart and ``p = min(m, n)``,
``q = max(m, n)``:

    Var[y] = gamma^2 (1 - h_m(x)),   h_m(x) = (1/m) E tr(x (x I_m + S_1)^{-1})

and, because ``W W^T`` and ``W^T W`` share their nonzero eigenvalues and ``W W^T`` has ``m - p``
zero eigenvalues, ``h_m = (p/m) h_p + (m - p)/m`` with ``h_p`` the same quantity for the ``p x p``
Wishart with ``q`` degrees of freedom (no eigenvalue at 0). The engines compute ``h_p``.
"""

from __future__ import annotations

from .._validation import check_positive_real


def check_tol(tol: object) -> float:
    """Return a tolerance in (0, 1), else raise ValueError."""
    out = check_positive_real(tol, "tol")
    if out >= 1:
        raise ValueError(f"tol must be in (0, 1), got {tol!r}")
    return out


def shape(m: int, n: int) -> tuple[int, int]:
    """``(p, q) = (min(m, n), max(m, n))``."""
    return min(m, n), max(m, n)


def lift(h_p: float, m: int, p: int) -> float:
    """``h_m = (p/m) h_p + (m - p)/m`` (the ``m - p`` zero eigenvalues of ``W W^T``)."""
    return (p * h_p + (m - p)) / m
