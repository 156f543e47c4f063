"""Engine ``"asymptotic"``: Marchenko-Pastur with the 1/n correction of the real case.

At ``sigma = 1`` and ``D = (x + n + m)^2 - 4 n m``:

    R0 = (sqrt(D) - x - (n - m)) / (2 m x)            lim (1/m) E tr (x I + S_1)^{-1}
    R1 = (R0 sqrt(D) - 1 + (n - m) R0) / D            next order (real, beta = 1, case)

and ``h_m(x) = x (R0 + R1)``. The neglected terms are ``O(1/p^2)`` (``p = min(m, n)``,
``q = max(m, n)``) but grow towards the hard edge: with ``s = (x + (sqrt(q) - sqrt(p))^2) / q``
(the distance of ``-x`` from the spectrum, scaled), long Monte Carlo runs for square shapes
(``p = 32 .. 1024``, ``s = 1e-6 .. 0.1``) measured ``|error| p^2`` between 0.25 ``s^{-0.4}`` and
0.1 ``s^{-0.4}``. The interval returned is the *estimate*

    |x R1| * 4 / p + 0.5 s^{-1/2} / p^2

(several times the measured error everywhere it was measured; not a proof). For ``x`` of order
``1/p`` or smaller on square shapes the 1/n expansion itself breaks down and the estimate is large.
"""

from __future__ import annotations

import numpy as np


def asymptotic_h(m: int, n: int, x: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """``(x (R0 + R1), error estimate)`` for ``h_m(x)``; vectorised over ``x``."""
    x = np.asarray(x, dtype=float)
    root = np.sqrt(x * x + 2.0 * x * (n + m) + float(n - m) ** 2)  # sqrt(D), no cancellation
    # R0 in the cancellation-free form 2 n / (sqrt(D) + x + (n - m)) / ... : rationalise
    # sqrt(D) - x - (n - m) = 4 m x / (sqrt(D) + x + (n - m)) when n >= m; use it for both signs
    # through the symmetric expression below.
    r0 = _r0(m, n, x, root)
    r1 = (r0 * root - 1.0 + (n - m) * r0) / root**2
    p, q = min(m, n), max(m, n)
    value = x * (r0 + r1)
    edge = (x + (np.sqrt(q) - np.sqrt(p)) ** 2) / q
    error = np.abs(x * r1) * 4.0 / p + 0.5 / np.sqrt(edge) / p**2
    return value, error


def _r0(m: int, n: int, x: np.ndarray, root: np.ndarray) -> np.ndarray:
    """``R0`` without catastrophic cancellation."""
    if n >= m:
        # sqrt(D) - x - (n - m) = ((x + n + m)^2 - 4nm - (x + n - m)^2) / (sqrt(D) + x + n - m)
        #                       = 4 m x / (sqrt(D) + x + n - m)
        return 2.0 / (root + x + (n - m))
    # n < m: sqrt(D) - x + (m - n) is a sum of positive terms
    return (root - x + (m - n)) / (2.0 * m * x)
