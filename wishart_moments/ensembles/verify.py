"""Independent derivations of the Gaussian and Jacobi moments, compared exactly.

Each check compares two (or three) derivations over a family of moments and reports the
failures; ``wishart-moments verify-ensembles`` prints them and the tests run them on small
ranges. Nothing here is tabulated: every value on both sides is computed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from ..engines._parts import partitions_of
from . import gaussian_loop, gaussian_maps
from .gaussian_tridiagonal import tridiagonal_moment
from .jacobi_density import density_moment
from .jacobi_jack import jack_moment, jack_moment_at
from .jacobi_loop import loop_moment, loop_moment_at

GAUSSIAN_BETAS = (
    Fraction(1),
    Fraction(2),
    Fraction(4),
    Fraction(1, 2),
    Fraction(3),
    Fraction(2, 3),
)
JACOBI_BETAS = (Fraction(1), Fraction(2), Fraction(4), Fraction(1, 2), Fraction(3, 2))


@dataclass
class Check:
    """One comparison: what was compared, how many cases, the failures and the time taken."""

    name: str
    cases: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def expect(self, ok: bool, what: str) -> None:
        self.cases += 1
        if not ok:
            self.failures.append(what)


def _timed(name: str, body: Callable[[Check], None]) -> Check:
    check = Check(name)
    start = time.perf_counter()
    body(check)
    check.seconds = time.perf_counter() - start
    return check


def _at_beta(terms: dict[tuple[int, int], int], beta: Fraction, K: int) -> dict[int, Fraction]:
    return gaussian_loop.general_at(terms, beta, K)


def _even_partitions(top: int) -> Iterator[tuple[int, ...]]:
    for d in range(2, top + 1, 2):
        yield from partitions_of(d)


def gaussian_checks(kmax: int = 20, degree: int = 8) -> Iterator[Check]:
    """Gaussian: single traces ``E tr H^{2k}``, ``k <= kmax``; products of total ``<= degree``."""

    def fixed_beta(check: Check) -> None:
        for k in range(1, kmax + 1):
            general = gaussian_loop.moment_terms([2 * k])
            for beta in GAUSSIAN_BETAS:
                ok = _at_beta(general, beta, k) == gaussian_loop.moment_terms_at([2 * k], beta)
                check.expect(ok, f"E tr H^{2 * k} at beta={beta}")
        for mu in _even_partitions(degree):
            general = gaussian_loop.moment_terms(mu)
            for beta in GAUSSIAN_BETAS:
                ok = _at_beta(general, beta, sum(mu) // 2) == gaussian_loop.moment_terms_at(
                    mu, beta
                )
                check.expect(ok, f"E p_{mu} at beta={beta}")

    def recursions(check: Check) -> None:
        for beta in (1, 2):
            for k in range(1, kmax + 1):
                loop = _at_beta(gaussian_loop.moment_terms([2 * k]), Fraction(beta), k)
                name = "Ledoux" if beta == 1 else "Harer-Zagier"
                check.expect(gaussian_maps.single_trace(k, beta) == loop, f"{name} k={k}")

    def wick(check: Check) -> None:
        for beta in (1, 2):
            top = min(degree, 10 if beta == 1 else 12)
            for mu in _even_partitions(top):
                loop = _at_beta(gaussian_loop.moment_terms(mu), Fraction(beta), sum(mu) // 2)
                check.expect(gaussian_maps.wick_moment(mu, beta) == loop, f"beta={beta} {mu}")

    def tridiagonal(check: Check) -> None:
        for mu in _even_partitions(min(degree, 8)):
            general = gaussian_loop.moment_terms(mu)
            K = sum(mu) // 2
            for m in range(1, 5):
                at_m: dict[int, Fraction] = {}
                for (i, e), c in general.items():
                    at_m[e] = at_m.get(e, Fraction(0)) + Fraction(c * m**i, 2**K)
                want = {e: c for e, c in sorted(at_m.items()) if c}
                check.expect(tridiagonal_moment(mu, m) == want, f"m={m} {mu}")

    def facts(check: Check) -> None:
        check.expect(
            gaussian_loop.moment_terms([2]) == {(1, 0): 2, (2, 1): 1, (1, 1): -1},
            "E tr H^2 = m + beta m (m - 1)/2",
        )
        check.expect(
            gaussian_loop.moment_terms_at([4], 2) == {1: 1, 3: 2}, "GUE E tr H^4 = 2m^3 + m"
        )
        check.expect(gaussian_loop.moment_terms([1, 1]) == {(1, 0): 2}, "E (tr H)^2 = m")

    yield _timed(f"loop equations, general beta = fixed beta {GAUSSIAN_BETAS_TEXT}", fixed_beta)
    yield _timed(
        f"maps: Harer-Zagier (GUE), Ledoux (GOE) = loop equations, k <= {kmax}", recursions
    )
    yield _timed(
        f"maps: Wick enumeration = loop equations, products of total <= {degree} (GOE <= 10)",
        wick,
    )
    yield _timed(
        f"tridiagonal model expanded (m = 1..4) = loop equations, total <= {min(degree, 8)}",
        tridiagonal,
    )
    yield _timed("facts: E tr H^2, GUE E tr H^4 = 2m^3 + m, E (tr H)^2 = m", facts)


GAUSSIAN_BETAS_TEXT = "(" + ", ".join(str(b) for b in GAUSSIAN_BETAS) + ")"

_POINTS = (
    (Fraction(7, 2), Fraction(5)),
    (Fraction(9), Fraction(13, 3)),
    (Fraction(6), Fraction(6)),
)


def jacobi_checks(degree: int = 6, numeric_degree: int = 8) -> Iterator[Check]:
    """Jacobi: symbolic in ``m, n1, n2`` up to total ``degree``; exact numbers up to
    ``numeric_degree``; exact integration for ``m <= 3``."""

    def symbolic(check: Check) -> None:
        for beta in JACOBI_BETAS[:3]:
            for d in range(1, degree + 1):
                for mu in partitions_of(d):
                    ok = jack_moment(mu, beta) == loop_moment(mu, beta)
                    check.expect(ok, f"beta={beta} {mu}")

    def numeric(check: Check) -> None:
        for beta in JACOBI_BETAS:
            for m in (1, 2, 4):
                for n1, n2 in _POINTS:
                    n1, n2 = n1 + m, n2 + m
                    a, b = beta * (n1 - m + 1) / 2 - 1, beta * (n2 - m + 1) / 2 - 1
                    for d in range(1, numeric_degree + 1):
                        for mu in partitions_of(d):
                            ok = jack_moment_at(mu, beta, m, n1, n2) == loop_moment_at(
                                mu, beta, m, a, b
                            )
                            check.expect(ok, f"beta={beta} m={m} n1={n1} n2={n2} {mu}")

    def density(check: Check) -> None:
        cases = [(1, beta) for beta in JACOBI_BETAS] + [(2, Fraction(b)) for b in (1, 2, 3, 4)]
        cases.append((3, Fraction(2)))
        for m, beta in cases:
            for n1, n2 in _POINTS:
                n1, n2 = n1 + m, Fraction(2 * m + 3, 1) if beta.numerator % 2 else n2 + m
                a, b = beta * (n1 - m + 1) / 2 - 1, beta * (n2 - m + 1) / 2 - 1
                for d in range(1, min(numeric_degree, 6 if m < 3 else 4) + 1):
                    for mu in partitions_of(d):
                        ok = density_moment(mu, m, beta, a, b) == jack_moment_at(
                            mu, beta, m, n1, n2
                        )
                        check.expect(ok, f"m={m} beta={beta} n1={n1} n2={n2} {mu}")

    def facts(check: Check) -> None:
        for beta in JACOBI_BETAS:
            check.expect(
                jack_moment((1,), beta) == loop_moment((1,), beta)
                and jack_moment((1,), beta).at(3, 5, 7) == Fraction(15, 12),
                f"E tr J = m n1/(n1 + n2) at beta={beta}",
            )

    yield _timed(f"Jack route = loop equations, symbolic in m, n1, n2, total <= {degree}", symbolic)
    yield _timed(
        f"Jack route = loop equations at exact numbers (m = 1, 2, 4), total <= {numeric_degree}",
        numeric,
    )
    yield _timed("exact integration of the density (m <= 3) = Jack route", density)
    yield _timed("facts: E tr J = m n1/(n1 + n2)", facts)
