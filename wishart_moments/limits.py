"""How far each engine reaches: the largest order it computes in reasonable time, in one table.

The *order* of a request is the degree of what it asks for: ``k`` for a table ``C^{(k)}`` or
``E tr S^k``; ``sum(parts)`` for a multi-trace moment ``E prod_i tr S^{parts_i}`` (a part 0,
``tr S^0 = m``, counts 1), plus ``power`` for a matrix-valued one; ``|kappa|`` for a zonal
polynomial; ``n`` for ``n!!``. The cost of every engine grows faster than any power of the order
(``(2k-1)!!`` matchings, ``p(k)^3`` for a change of basis, the number of partitions of all
smaller orders for a recursion, digits that grow with ``k``), so each has a limit: the largest
order that finished within about a minute on a 2-core machine. ``benchmarks/bench_limits.py``
measures every limit (the time at it, and the next order's extrapolated), docs/limits.md lists
them.

Every public function and CLI command calls :func:`check_order` for the engine it will use,
before any work or file: beyond the limit it raises ``ValueError`` naming the order asked, the
limit and the engine or option that goes further, if one does. An engine added elsewhere
registers its limit with :func:`register` (one line, at import of its module).
"""

from __future__ import annotations

import numbers
import re
from dataclasses import dataclass

__all__ = ["Reach", "check_order", "limit", "reach", "reaches", "register"]


@dataclass(frozen=True)
class Reach:
    """``engine`` computes orders ``1 .. limit``; ``cost`` says what grows with the order,
    ``further`` what goes further (an engine or option, ``""`` if nothing does; ``{name}`` in it
    stands for the limit of engine ``name``)."""

    engine: str
    limit: int
    cost: str
    further: str = ""


_REACH: dict[str, Reach] = {}


def register(engine: str, limit: int, cost: str, further: str = "") -> Reach:
    """Record (or replace) the reach of ``engine`` and return it."""
    if isinstance(limit, bool) or not isinstance(limit, numbers.Integral) or limit < 1:
        raise ValueError(f"limit must be a positive integer, got {limit!r}")
    _REACH[engine] = Reach(engine, int(limit), cost, further)
    return _REACH[engine]


def reach(engine: str) -> Reach:
    """The registered reach of ``engine``; ``ValueError`` naming the known engines otherwise."""
    try:
        return _REACH[engine]
    except (KeyError, TypeError):
        known = ", ".join(map(repr, sorted(_REACH)))
        raise ValueError(
            f"no limit is registered for engine {engine!r}: known are {known}"
        ) from None


def limit(engine: str) -> int:
    """The largest order ``engine`` computes."""
    return reach(engine).limit


def reaches() -> list[Reach]:
    """Every registered reach, in registration order."""
    return list(_REACH.values())


def check_order(engine: str, k: object, *, name: str = "k", minimum: int = 1) -> int:
    """Return ``k`` as an ``int`` if it is an integer in ``minimum .. limit(engine)``, else raise.

    ``ValueError`` for a non-integer (bools and integral floats included) or one out of range;
    beyond the limit the message names ``engine``'s limit, what makes the cost grow and what goes
    further. Instant for any ``k`` (a huge one is described by its number of digits).
    """
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or int(k) < minimum:
        kind = "a positive" if minimum == 1 else "a nonnegative" if minimum == 0 else "an"
        at_least = "" if minimum in (0, 1) else f" >= {minimum}"
        raise ValueError(f"{name} must be {kind} integer{at_least}, got {_short(k)}")
    value = int(k)
    r = reach(engine)
    if value > r.limit:
        # "{engine}" in the further text stands for that engine's limit
        further = re.sub(r"\{([\w-]+)\}", lambda m: str(limit(m.group(1))), r.further)
        further = f"; {further}" if further else ""
        asked = f"{name}={value}" if value.bit_length() <= 64 else f"{name} ({_short(value)})"
        raise ValueError(
            f"{asked} is too large for engine {engine!r}: allowed "
            f"{minimum} <= {name} <= {r.limit} ({r.cost}){further}"
        )
    return value


def _short(value: object) -> str:
    """``repr(value)``, cut short for huge integers and long reprs (formatting stays instant)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# The table: engine, limit, what makes the cost grow, what goes further. Each limit is the largest
# order that finished within about a minute on the project's 2-core machine
# (benchmarks/bench_limits.py prints the time at the limit and the next order's, extrapolated);
# docs/limits.md lists them with the entry points that use each engine.
_TABLE = (
    # coefficient tables C^(k), beta = 1
    (
        "recursion",
        75,
        "the Stein recursion visits every partition of every order below k",
        "engine 'five_term' reaches k <= {five_term}",
    ),
    ("five_term", 220, "k x k tables of integers of up to k log10(2k/e) digits", ""),
    ("matchings", 13, "it enumerates all (2k-1)!! perfect matchings", "use engine 'recursion'"),
    (
        "zonal",
        20,
        "the exact zonal change of basis costs p(k)^3 rational operations",
        "use engine 'recursion'",
    ),
    # tables and moments of the beta family
    (
        "loop_equations",
        70,
        "the loop equations visit every partition of every order below k; "
        "the numbers grow with the numerator and denominator of beta",
        "the tables of engine 'five_term' (beta = 1, k <= {five_term}) and 'three_term' "
        "(beta = 2, k <= {three_term}) go further",
    ),
    (
        "loop_equations-general",
        40,
        "the general-beta polynomial has about k^3/6 terms with coefficients of up to k digits",
        "a fixed rational beta reaches k <= {loop_equations}",
    ),
    ("three_term", 300, "k x k tables of integers of up to k log10(k) digits", ""),
    (
        "schur",
        150,
        "a sum over the k hooks with k-digit weights",
        "engine 'three_term' reaches k <= {three_term}",
    ),
    (
        "schur-products",
        20,
        "a sum over every partition of sum(parts) (characters of S_k)",
        "use engine 'loop_equations'",
    ),
    ("schur-cov", 20, "the character table of S_k", "use the Stein recursion (moment with cov)"),
    ("schur-cov-single", 30, "a sum over every partition of k", "use the Stein recursion"),
    (
        "permutations",
        12,
        "it enumerates all k! permutations",
        "use engine 'loop_equations' or 'schur'",
    ),
    (
        "permutations-real",
        10,
        "it enumerates all (2k-1)!! perfect matchings",
        "use the Stein recursion (moment with cov)",
    ),
    (
        "jack",
        20,
        "the exact Jack change of basis costs p(k)^3 rational operations",
        "use engine 'loop_equations'",
    ),
    # any covariance (beta 1, 2, 4): the Stein recursion in n and p_j = tr Sigma^j
    (
        "stein",
        28,
        "the polynomial in n and p_j has a term for every partition of every order up to k",
        "",
    ),
    (
        "stein-inverse",
        20,
        "the closed form sums over a pair of partitions of every order up to k",
        "",
    ),
    (
        "stein-numeric",
        36,
        "the terms in p_j of every partition of every order up to k, at the given n",
        "",
    ),
    (
        "stein-inverse-numeric",
        22,
        "the closed form sums over a pair of partitions of every order up to k, at the given n",
        "",
    ),
    # whole coefficient matrices (wishmom's layout), any beta
    ("whole-matrices", 12, "C_k has sum_{j<k} p(j) rows of exact rationals", ""),
    ("whole-matrices-inverse", 9, "exact interpolation through fraction-free solves", ""),
    # noncentral Wishart: sum(parts) + power
    (
        "noncentral-words",
        14,
        "the number of words in Sigma and Omega grows about 2.2 times per order",
        "floating-point input reaches {noncentral-numeric}, Sigma = I {noncentral-identity}",
    ),
    ("noncentral-numeric", 16, "the number of words grows about 2.2 times per order", ""),
    ("noncentral-identity", 30, "the powers of Omega of every order up to k", ""),
    # Gaussian beta-ensemble: sum(parts)
    ("gaussian-loop_equations", 100, "the loop equations in general beta", ""),
    ("gaussian-loop_equations_fixed", 120, "the loop equations at a fixed beta", ""),
    ("gaussian-map_recursions", 1000, "single traces at beta = 1, 2 (Harer-Zagier, Ledoux)", ""),
    ("gaussian-tridiagonal", 12, "the expansion of the tridiagonal model", ""),
    ("gaussian-wick-real", 12, "2^K (2K-1)!! leaves of the Wick enumeration", ""),
    ("gaussian-wick-complex", 16, "(2K-1)!! leaves of the Wick enumeration", ""),
    # Jacobi (MANOVA) beta-ensemble: sum(parts)
    ("jacobi-jack", 16, "the Jack basis of degree k costs p(k)^3", ""),
    ("jacobi-loop_equations", 14, "one p(d) x p(d) solve over Q per degree", "engine 'jack'"),
    ("jacobi-loop_equations_symbolic", 8, "Bareiss over Z[U] per degree", "engine 'jack'"),
    ("jacobi-density", 8, "the expansion of the density", "engine 'jack'"),
    # closed forms and numerics
    ("zonal-closed-form", 10_000, "a product of |kappa| SymPy factors", ""),
    (
        "zonal-expanded",
        19_600,  # C(50, 3): |kappa| = 3 in 48 variables
        "C_kappa in m variables has up to C(m + k - 1, k) monomials",
        "leave variables=None (power sums) or evaluate with zonal_values",
    ),
    ("double_factorial", 10**6, "n!! has about (n/2) log10(n/e) digits", ""),
    (
        "monte_carlo",
        3 * 10**8,
        "samples x min(m, n) steps of the bidiagonal sampler",
        "a larger tol needs fewer samples; methods 'quadrature' and 'asymptotic' need none",
    ),
    ("gauss-legendre", 2000, "the nodes solve an eigenvalue problem of that size", ""),
)
for _row in _TABLE:
    register(*_row)
