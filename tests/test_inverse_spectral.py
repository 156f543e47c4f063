"""Inverse moments by the Jack closed form and the spectrally split Stein chain
(engines.inverse_spectral, engines.jack_pieri, engines._krylov) against the Stein chain solved at
interpolation points (engines.stein): exact equality, scalar and matrix-valued, beta 1, 2, 4 and
others."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from wishart_moments.engines import _krylov, inverse_spectral, jack, jack_pieri, stein
from wishart_moments.engines._parts import partitions_of

F = Fraction


def _cases(kmax: int) -> list[tuple[tuple[int, ...], int]]:
    """Every ``(mu, power)`` of total order 1..kmax."""
    return [
        (mu, power)
        for k in range(1, kmax + 1)
        for power in range(k + 1)
        for mu in partitions_of(k - power)
    ]


def _same_terms(a: stein.RationalTerms, b: stein.RationalTerms) -> bool:
    return (a.numerators, a.roots, a.rest) == (b.numerators, b.roots, b.rest)


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_symbolic_terms_equal_the_interpolated_chain(beta: int) -> None:
    """Numerators, poles and multiplicities identical to the Stein chain's, every case k <= 5."""
    for mu, power in _cases(5):
        ours = inverse_spectral.inverse_terms(mu, power, beta)
        theirs = stein.inverse_matrix_terms(mu, power, beta)
        assert _same_terms(ours, theirs), (beta, mu, power)


@pytest.mark.parametrize(
    ("mu", "power", "beta"), [((7,), 0, 1), ((4, 2), 1, 1), ((3, 1), 2, 2), ((2, 2, 1), 1, 4)]
)
def test_larger_orders_equal_the_interpolated_chain(mu: tuple, power: int, beta: int) -> None:
    ours = inverse_spectral.inverse_terms(mu, power, beta)
    assert _same_terms(ours, stein.inverse_matrix_terms(mu, power, beta))


@pytest.mark.parametrize("beta", [F(1, 2), F(3), F(2, 3)])
def test_any_beta_equals_the_interpolated_chain(beta: Fraction) -> None:
    for mu, power in _cases(4):
        ours = inverse_spectral.inverse_terms(mu, power, beta)
        assert _same_terms(ours, stein.inverse_matrix_terms(mu, power, beta)), (beta, mu, power)


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_values_at_a_point_equal_the_direct_solves(beta: int) -> None:
    """Exact at a rational ``n - m``; floating point at a float one (to rounding)."""
    for mu, power in [((3,), 0), ((2, 1), 1), ((1, 1), 2), ((), 3), ((4, 2), 0)]:
        u = F(97, 7)
        exact = inverse_spectral.inverse_terms_at(mu, power, beta, u)
        assert exact == stein.inverse_matrix_terms_at(mu, power, beta, u)
        assert exact == inverse_spectral.inverse_terms(mu, power, beta).at(u)
        floats = inverse_spectral.inverse_terms_at(mu, power, beta, float(u))
        assert floats.keys() == exact.keys()
        for key, c in exact.items():
            assert floats[key] == pytest.approx(float(c), rel=1e-12)


def test_pole_is_refused() -> None:
    """``u = alpha j - i`` for a box of a label: the value is infinite (outside existence)."""
    with pytest.raises(ZeroDivisionError, match="pole"):
        inverse_spectral.inverse_terms_at((1,), 0, 1, 1)  # E tr W^-1 = q1 / (n - m - 1)


def test_jack_closed_form_for_the_inverse() -> None:
    """``E P_kappa(W^{-1}) = P_kappa(Lambda) / prod (u + i - alpha j)``: one term per kappa."""
    for beta in (1, 2, 4):
        alpha = stein.alpha_of(beta)
        for kappa in partitions_of(4):
            vec = jack_pieri.jack_vectors(4, alpha)[kappa]
            p_kappa = dict(zip(partitions_of(4), vec, strict=True))
            u = F(53, 3)
            total: dict = {}
            for mu, c in p_kappa.items():  # E P_kappa(W^-1) from the chain, term by term
                for (lam, _a), v in stein.inverse_matrix_terms_at(mu, 0, beta, u).items():
                    total[lam] = total.get(lam, 0) + c * v
            den = 1
            for i, row in enumerate(kappa, 1):
                for j in range(1, row + 1):
                    den *= u + i - alpha * j
            assert {lam: v for lam, v in total.items() if v} == {
                lam: F(c) / den for lam, c in p_kappa.items() if c
            }, (beta, kappa)


@pytest.mark.parametrize("alpha", [F(2), F(1), F(1, 2), F(2, 3)])
def test_pieri_jack_vectors_are_the_gram_schmidt_jacks(alpha: Fraction) -> None:
    """Each vector is a multiple of ``C_kappa`` from engines.jack (Gram-Schmidt, monomials)."""
    for d in range(1, 8):
        basis = jack.jack_basis(d, alpha)
        vectors = jack_pieri.jack_vectors(d, alpha)
        assert set(vectors) == set(partitions_of(d))
        for kappa, vec in vectors.items():
            ref = basis.jack_in_power(kappa)
            ours = dict(zip(partitions_of(d), vec, strict=True))
            lead = next(lam for lam in partitions_of(d) if ref.get(lam))
            ratio = F(ours[lead]) / ref[lead]
            assert ratio and all(F(ours[lam]) == ratio * ref.get(lam, 0) for lam in ours)


def test_eigen_split_recovers_parts_and_checks_its_premise() -> None:
    rng = random.Random(3)
    # A = diag(2, -1, 5) in a scrambled integer basis: columns of S diag S^-1 with S unimodular
    s = [[1, 2, 0], [0, 1, 3], [0, 0, 1]]
    s_inv = [[1, -2, 6], [0, 1, -3], [0, 0, 1]]
    eig = [2, -1, 5]
    a = [
        [sum(s[i][t] * eig[t] * s_inv[t][j] for t in range(3)) for j in range(3)] for i in range(3)
    ]
    columns = [[(i, a[i][j]) for i in range(3) if a[i][j]] for j in range(3)]
    parts = [rng.randint(-9, 9) or 1 for _ in range(3)]
    x = [sum(s[i][t] * parts[t] for t in range(3)) for i in range(3)]
    r = _krylov.probe(3)
    split = _krylov.eigen_split(x, columns, eig, r, _krylov.probe_times(r, columns))
    for t in range(3):
        den, piece = split[t]
        assert [F(c, den) for c in piece] == [s[i][t] * parts[t] for i in range(3)]
    with pytest.raises(ArithmeticError):  # x has a part for 5: the roots 2, -1 do not cover it
        _krylov.eigen_split(x, columns, [2, -1], r, _krylov.probe_times(r, columns))
