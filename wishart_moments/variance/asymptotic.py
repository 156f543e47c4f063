"""Engine ``"asymptotic"``: Marchenko-Pastur with the 1/n correction of the real case.

At ``sigma = 1`` and ``D = (x + n + m)^2 - 4 n m``:

    R0 = (sqrt(D) - x - (n - m)) / (2 m x)            lim (1/m) E tr (x I + S_1)^{-1}
    R1 = (R0 sqrt(D) - 1 + (n - m) R0) / D            next order (real, beta = 1, case)

and ``h_m(x) = x (R0 + R1)``. The neglected terms are ``O(1/min(m, n)^2)`` relative to ``R0``; the
interval returned is an *estimate* of their size, ``|x R1| * 4 / min(m, n) + 2 / min(m, n)^2``
(calibrated against the certified quadrature bracket and long Monte Carlo runs, with margin; not
a proof). Near the hard edge (``m = n``, ``x`` of order ``1/n``) the correction itself breaks down.
"""

from __future__ import annotations

import numpy as np


def asymptotic_h(m: int, n: int, x: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """``(x (R0 + R1), error estimate)`` for ``h_m(x)``; vectorised over ``x``."""
    x = np.asarray(x, dtype=float)
    root = np.sqrt((x + n + m) ** 2 - 4.0 * n * m)
    # R0 in the cancellation-free form 2 n / (sqrt(D) + x + (n - m)) / ... : rationalise
    # sqrt(D) - x - (n - m) = 4 m x / (sqrt(D) + x + (n - m)) when n >= m; use it for both signs
    # through the symmetric expression below.
    r0 = _r0(m, n, x, root)
    r1 = (r0 * root - 1.0 + (n - m) * r0) / root**2
    p = min(m, n)
    value = x * (r0 + r1)
    error = np.abs(x * r1) * 4.0 / p + 2.0 / p**2
    return value, error


def _r0(m: int, n: int, x: np.ndarray, root: np.ndarray) -> np.ndarray:
    """``R0`` without catastrophic cancellation."""
    if n >= m:
        # sqrt(D) - x - (n - m) = ((x + n + m)^2 - 4nm - (x + n - m)^2) / (sqrt(D) + x + n - m)
        #                       = 4 m x / (sqrt(D) + x + n - m)
        return 2.0 / (root + x + (n - m))
    # n < m: sqrt(D) - x + (m - n) is a sum of positive terms
    return (root - x + (m - n)) / (2.0 * m * x)
