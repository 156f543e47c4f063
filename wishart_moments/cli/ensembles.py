"""The Gaussian and Jacobi beta-ensembles on the command line.

    wishart-moments moment --ensemble gaussian --parts 4 --m 3 --beta 2        # 57
    wishart-moments moment --ensemble gaussian --parts 4 --beta general --symbolic
    wishart-moments moment --ensemble jacobi --parts 1 --m 3 --n1 5 --n2 7    # 5/4
    wishart-moments moment --ensemble jacobi --parts 2 --m 3 --symbolic       # in n1, n2
    wishart-moments show 6 --ensemble gaussian        # 2^6 E tr H^12 in m and beta
    wishart-moments generate --ensemble gaussian --kmax 20 --out DIR          # DIR/gaussian/
    wishart-moments verify-ensembles                  # every derivation compared, exit 1 on failure

``moment``, ``show`` and ``generate`` delegate here when ``--ensemble`` is given; this module
registers ``verify-ensembles``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from .._validation import check_order

ENSEMBLES = ("wishart", "gaussian", "jacobi")
QUANTITY = {
    "gaussian": "E prod_i tr(H^(parts_i)), H from the Gaussian beta-ensemble "
    "(density |Delta|^beta exp(-sum x^2/2))",
    "jacobi": "E prod_i tr(J^(parts_i)), J = (A + B)^(-1) A, A ~ W_m^beta(n1, I), "
    "B ~ W_m^beta(n2, I) (the Jacobi beta-ensemble)",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    ver = subparsers.add_parser(
        "verify-ensembles",
        help="compare the Gaussian and Jacobi derivations exactly (and the cached Gaussian files)",
        description="Gaussian: loop equations in m and beta against fixed beta, the genus "
        "expansion (Harer-Zagier, Ledoux, Wick) and the expanded tridiagonal model. Jacobi: the "
        "Jack route (Kadell) against the loop equations, symbolically and at exact numbers, and "
        "exact integration of the density. Exit status 1 on any failure.",
    )
    ver.add_argument("--kmax", type=int, default=20, metavar="K", help="E tr H^(2k), k <= K (20)")
    ver.add_argument(
        "--degree", type=int, default=8, metavar="D", help="Gaussian products of total <= D (8)"
    )
    ver.add_argument(
        "--jacobi-degree", type=int, default=5, metavar="D", help="Jacobi symbolic, total <= D (5)"
    )
    ver.add_argument(
        "--jacobi-numeric-degree",
        type=int,
        default=7,
        metavar="D",
        help="Jacobi at exact numbers, total <= D (7)",
    )
    ver.add_argument(
        "--dir",
        metavar="DIR",
        help="the existing tables root whose gaussian/ files to check (default: every root "
        "searched: $WISHART_MOMENTS_TABLES, the shipped tables, the user cache)",
    )
    ver.set_defaults(func=_verify)


def _symbol(name: str) -> Any:
    import sympy

    return sympy.Symbol(name)


def ensemble_moment(args: argparse.Namespace, parts: list[int]) -> tuple[Any, dict[str, Any]]:
    """``moment --ensemble gaussian|jacobi``: the result and what was asked."""
    from ..ensembles import gaussian_moment, jacobi_moment
    from .moment import _beta, parse_exact

    ensemble = args.ensemble
    for flag, given in (
        ("--n", args.n is not None),
        ("--cov", args.cov is not None or args.cov_file is not None),
        ("--inverse", args.inverse),
        ("--power", bool(args.power)),
    ):
        if given:
            raise ValueError(f"{flag} is not used with --ensemble {ensemble}")
    if ensemble == "gaussian" and (args.n1 is not None or args.n2 is not None):
        raise ValueError("--n1 and --n2 are parameters of --ensemble jacobi")
    beta = _beta(args.beta)

    def value(text: str | None, name: str) -> Any:
        if text is not None:
            return parse_exact(text, f"--{name}")
        if args.symbolic:
            return _symbol(name)
        raise ValueError(f"--{name} is required for --ensemble {ensemble} (or use --symbolic)")

    m = value(args.m, "m")
    asked: dict[str, Any] = {
        "ensemble": ensemble,
        "quantity": QUANTITY[ensemble],
        "parts": parts,
        "m": str(m),
        "beta": "general" if beta is None else str(beta),
        "symbolic": args.symbolic,
    }
    if ensemble == "gaussian":
        return gaussian_moment(parts, m=m, beta=beta), asked
    n1, n2 = value(args.n1, "n1"), value(args.n2, "n2")
    asked.update(n1=str(n1), n2=str(n2))
    return jacobi_moment(parts, m=m, n1=n1, n2=n2, beta=beta), asked


def _check_gaussian_options(engine: str | None, beta: str) -> None:
    if engine not in (None, "loop_equations"):
        raise ValueError(
            f"--ensemble gaussian is computed by engine loop_equations, not {engine!r}"
        )
    if beta.strip().lower() not in ("1", "general", "any"):
        raise ValueError("--ensemble gaussian tables are polynomials in beta: drop --beta")


def _gaussian_terms(args: argparse.Namespace, k: int) -> dict[tuple[int, int], int]:
    from ..ensembles.gaussian_loop import moment_terms
    from ..tables.gaussian import load_gaussian

    _check_gaussian_options(args.engine, args.beta)
    if args.engine:
        return moment_terms([2 * k])
    return load_gaussian(k, Path(args.dir) if args.dir else None)


def show_gaussian(args: argparse.Namespace) -> int:
    """``show K --ensemble gaussian``: ``2^K E tr H^{2K}`` in ``m`` and ``beta``."""
    import sympy

    from ..tables.gaussian import dumps_gaussian

    k = check_order(args.k)
    terms = _gaussian_terms(args, k)
    if args.format == "json":
        sys.stdout.write(dumps_gaussian(k, terms))
        return 0
    m, beta = _symbol("m"), _symbol("beta")
    expr = sympy.Add(
        *(sympy.Mul(sympy.Rational(c, 2**k), m**i, beta**e) for (i, e), c in terms.items())
    )
    if args.format in ("sympy", "latex"):
        print(sympy.latex(expr) if args.format == "latex" else sympy.sstr(expr))
        return 0
    print(
        f"# E tr(H^{2 * k}) = 2^-{k} sum c m^i beta^l, Gaussian beta-ensemble ({len(terms)} terms)"
    )
    width = max(len(str(c)) for c in terms.values())
    for (i, e), c in sorted(terms.items(), reverse=True):
        print(f"{str(c).rjust(width)}  m^{i} beta^{e}")
    return 0


def generate_gaussian(args: argparse.Namespace) -> int:
    """``generate --ensemble gaussian``: ``root/gaussian/kNN.json`` for ``k = kmin..kmax``."""
    from ..ensembles.gaussian import MAX_DEGREE
    from ..ensembles.gaussian_loop import moment_terms
    from ..tables import check_writable, default_directory
    from ..tables.gaussian import DIRECTORY, save_gaussian

    limit = MAX_DEGREE["loop_equations"] // 2
    kmin = check_order(args.kmin, name="kmin")
    kmax = check_order(args.kmax, name="kmax", max_k=limit, why=" (E tr H^(2k), general beta)")
    if kmin > kmax:
        raise ValueError(f"kmin={kmin} is larger than kmax={kmax}")
    _check_gaussian_options(args.engine, args.beta)
    out = Path(args.out) if args.out else default_directory()
    check_writable(out / DIRECTORY)
    start = time.perf_counter()
    for k in range(kmin, kmax + 1):
        path = save_gaussian(k, moment_terms([2 * k]), out)
        if not args.quiet:
            print(f"k={k}: -> {path}", file=sys.stderr, flush=True)
    print(
        f"wrote {kmax - kmin + 1} Gaussian polynomial(s) k={kmin}..{kmax} (loop_equations) to "
        f"{out / 'gaussian'} in {time.perf_counter() - start:.2f} s"
    )
    return 0


def _verify(args: argparse.Namespace) -> int:
    from ..ensembles.gaussian_loop import moment_terms
    from ..ensembles.verify import gaussian_checks, jacobi_checks
    from ..tables.gaussian import DIRECTORY, read_gaussian
    from ..tables.locations import existing_directory, search_path

    kmax = check_order(args.kmax, name="--kmax", max_k=40)
    degree = check_order(args.degree, name="--degree", max_k=12)
    jdeg = check_order(args.jacobi_degree, name="--jacobi-degree", max_k=8)
    jnum = check_order(args.jacobi_numeric_degree, name="--jacobi-numeric-degree", max_k=12)
    failures: list[str] = []
    checks = 0
    for family, run in (
        ("gaussian", gaussian_checks(kmax, degree)),
        ("jacobi", jacobi_checks(jdeg, jnum)),
    ):
        for check in run:
            checks += check.cases
            status = "FAIL" if check.failures else "ok"
            line = f"{family:<8} {status:<4} {check.cases:>5} cases {check.seconds:7.2f} s"
            print(f"{line}  {check.name}", flush=True)
            failures += [f"{family}: {check.name}: {f}" for f in check.failures]
    for root in [existing_directory(args.dir)] if args.dir else search_path():
        folder = root / DIRECTORY
        paths = sorted(folder.glob("k*.json")) if folder.is_dir() else []
        for path in paths:
            if not path.stem[1:].isdigit():
                failures.append(f"cached {path}: not a kNN.json name")
                continue
            try:
                terms = read_gaussian(path, k=int(path.stem[1:]))
            except (ValueError, OSError) as exc:
                failures.append(f"cached {path}: {exc}")
                continue
            if terms != moment_terms([2 * int(path.stem[1:])]):
                failures.append(f"cached {path}: differs from the loop equations")
        print(f"cached Gaussian polynomials in {folder}: {len(paths)} file(s) checked")
    for failure in failures:
        print(f"FAIL {failure}")
    verdict = "FAILED" if failures else "all checks passed"
    print(f"verify-ensembles: {checks} comparisons, {len(failures)} failure(s): {verdict}")
    return 1 if failures else 0
