"""Subcommands ``generate``, ``show`` and ``verify`` of ``wishart-moments``: coefficient tables.

``--beta B`` selects the field: 1 real (default), 2 complex, 4 quaternion, or any rational
``B > 0`` (beta-Laguerre), written ``3`` or ``1/2``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .. import limits
from .._validation import ENGINES, check_beta, check_order
from ..coefficients import (
    check_engine_beta,
    check_engine_order,
    coefficient_matrix,
    default_engine,
    engine_available,
    engine_limit,
    engines_for_beta,
)
from ..layout import CoefficientMatrix
from ..paper import PAPER_KMAX, paper_differences
from ..tables import (
    FIELDS,
    beta_directory,
    check_writable,
    default_directory,
    dumps_table,
    find_table,
    generate_tables,
    read_table,
    search_path,
    table_filename,
)
from ..tables.locations import existing_directory
from . import progress

FORMATS = ("matrix", "sympy", "latex", "json")
# Largest k that `verify` recomputes by default with the engines that get slow with k.
VERIFY_DEFAULT_CAPS = {"matchings": 10, "zonal": 10, "permutations": 8, "jack": 10}
BETA_HELP = (
    "1 real (default), 2 complex, 4 quaternion, any rational beta > 0 such as 3 or 1/2, or "
    "'general' (the polynomial in n, m, alpha = 2/beta)"
)
GENERAL = ("general", "any")
ENSEMBLE_HELP = "wishart (default) or gaussian: 2^K E tr H^(2K) in m and beta (gaussian/kNN.json)"


def _is_general(text: str) -> bool:
    return text.strip().lower() in GENERAL


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def register(subparsers: argparse._SubParsersAction) -> None:
    gen = subparsers.add_parser(
        "generate",
        help="compute the tables C^(k), k = kmin..kmax, and write one JSON file per k",
        description="Compute C^(k) for k = kmin..kmax with one engine and write one JSON file "
        "per k, atomically (a file appears whole or not at all). Progress goes to stderr.",
    )
    gen.add_argument("--kmax", type=int, required=True, metavar="K", help="largest order")
    gen.add_argument("--kmin", type=int, default=1, metavar="K", help="smallest order (1)")
    gen.add_argument(
        "--engine", choices=ENGINES, help="(recursion for beta 1, else loop_equations)"
    )
    gen.add_argument("--beta", default="1", metavar="B", help=BETA_HELP)
    gen.add_argument(
        "--out",
        metavar="DIR",
        help="tables root, created if needed (default: the user cache); beta != 1 goes to "
        "DIR/beta<B>/",
    )
    progress.add_arguments(gen)
    gen.add_argument(
        "--ensemble", choices=("wishart", "gaussian"), default="wishart", help=ENSEMBLE_HELP
    )
    gen.set_defaults(func=_generate)

    show = subparsers.add_parser(
        "show",
        help="print the table C^(k)",
        description="Print C^(k): read from the first JSON table found (checksum verified) in "
        "--dir (else $WISHART_MOMENTS_TABLES), the shipped tables and the user cache; "
        "computed and cached in the user cache if none has it; computed afresh with --engine.",
    )
    show.add_argument("k", type=int, metavar="K", help="the order k >= 1")
    show.add_argument("--format", choices=FORMATS, default="matrix", help="(matrix)")
    show.add_argument("--engine", choices=ENGINES, help="compute with this engine, not the cache")
    show.add_argument("--beta", default="1", metavar="B", help=BETA_HELP)
    show.add_argument(
        "--dir", metavar="DIR", help="an existing tables root to look in first (read only)"
    )
    show.add_argument(
        "--ensemble", choices=("wishart", "gaussian"), default="wishart", help=ENSEMBLE_HELP
    )
    show.set_defaults(func=_show)

    ver = subparsers.add_parser(
        "verify",
        help="recompute the tables with every engine, check invariants, the paper and the cache",
        description="Recompute C^(k), k = 1..kmax, with every available engine (the slow ones "
        "only up to their caps), check every invariant, agreement between engines, the paper's "
        "printed tables and every cached JSON file. Exit status 1 on any failure.",
    )
    ver.add_argument("--kmax", type=int, default=PAPER_KMAX, metavar="K", help="(10)")
    for engine, what in (
        ("matchings", "the matchings enumerator"),
        ("zonal", "the zonal engine"),
        ("permutations", "the permutation (genus) enumeration, beta 2"),
        ("jack", "the Jack engine"),
    ):
        cap = VERIFY_DEFAULT_CAPS[engine]
        ver.add_argument(
            f"--{engine}-kmax",
            type=int,
            default=cap,
            metavar="K",
            help=f"largest k for {what} ({cap})",
        )
    ver.add_argument("--beta", default="1", metavar="B", help=BETA_HELP)
    ver.add_argument(
        "--dir",
        metavar="DIR",
        help="the existing tables root whose files to check (default: every root searched: "
        "$WISHART_MOMENTS_TABLES, the shipped tables, the user cache)",
    )
    progress.add_arguments(ver)
    ver.set_defaults(func=_verify)


def _generate_general(args: argparse.Namespace) -> int:
    from ..engines.loop_equations import moment_terms
    from ..tables import save_polynomial

    if args.engine not in (None, "loop_equations"):
        raise ValueError(
            f"--beta general is computed by engine loop_equations, not {args.engine!r}"
        )
    kmin = check_order(args.kmin, name="kmin")
    kmax = limits.check_order("loop_equations-general", args.kmax, name="kmax")
    if kmin > kmax:
        raise ValueError(f"kmin={kmin} is larger than kmax={kmax}")
    out = Path(args.out) if args.out else default_directory()
    check_writable(out / "general")
    start = time.perf_counter()
    with progress.bar(kmax - kmin + 1, "generate", args) as bar:
        for k in range(kmin, kmax + 1):
            t = time.perf_counter()
            path = save_polynomial(k, moment_terms([k]), out)
            if not args.quiet:
                line = f"k={k}: loop_equations {time.perf_counter() - t:.2f} s -> {path}"
                progress.write(line, stream=sys.stderr)
            bar.update()
    print(
        f"wrote {kmax - kmin + 1} polynomial(s) k={kmin}..{kmax} (loop_equations, general beta) "
        f"to {out / 'general'} in {time.perf_counter() - start:.2f} s"
    )
    return 0


def _generate(args: argparse.Namespace) -> int:
    if args.ensemble == "gaussian":
        from .ensembles import generate_gaussian

        return generate_gaussian(args)
    if _is_general(args.beta):
        return _generate_general(args)
    beta = check_beta(args.beta)
    engine = default_engine(beta) if args.engine is None else check_engine_beta(args.engine, beta)
    kmin = check_order(args.kmin, name="kmin")
    kmax = check_engine_order(args.kmax, engine, name="kmax")
    out = Path(args.out) if args.out else default_directory()
    start = time.perf_counter()
    with progress.bar(kmax - kmin + 1, "generate", args) as bar:

        def report(line: str) -> None:
            progress.write(line, stream=sys.stderr)
            if " -> " in line:  # a table written
                bar.update()

        paths = generate_tables(
            kmax, engine, out, kmin=kmin, beta=beta, progress=None if args.quiet else report
        )
    elapsed = time.perf_counter() - start
    label = "" if beta == 1 else f", beta={beta}"
    print(
        f"wrote {len(paths)} table(s) k={kmin}..{kmax} ({engine}{label}) to "
        f"{beta_directory(out, beta)} in {elapsed:.2f} s"
    )
    return 0


def _describe(beta: object) -> str:
    field = FIELDS.get(beta)  # type: ignore[call-overload]
    return f"beta={beta}" + (f" ({field})" if field else " (beta-Laguerre)")


def _show_general(args: argparse.Namespace, k: int) -> int:
    import sympy

    from ..moments import BETA
    from ..symbolic import m, n
    from ..tables import dumps_polynomial, load_polynomial

    if args.engine not in (None, "loop_equations"):
        raise ValueError(
            f"--beta general is computed by engine loop_equations, not {args.engine!r}"
        )
    if args.engine:
        from ..engines.loop_equations import moment_terms

        terms = moment_terms([k])
    else:
        terms = load_polynomial(k, Path(args.dir) if args.dir else None)
    if args.format == "json":
        sys.stdout.write(dumps_polynomial(k, terms))
        return 0
    alpha = 2 / BETA
    expr = sympy.Add(*(c * n**i * m**j * alpha**g for (i, j, g), c in terms.items()))
    if args.format == "latex":
        print(sympy.latex(expr))
    elif args.format == "sympy":
        print(sympy.sstr(expr))
    else:
        print(f"# E tr(S^{k}) = sum c n^i m^j alpha^l, alpha = 2/beta ({len(terms)} terms)")
        width = max(len(str(c)) for c in terms.values())
        for (i, j, g), c in sorted(terms.items(), reverse=True):
            print(f"{str(c).rjust(width)}  n^{i} m^{j} alpha^{g}")
    return 0


def _show(args: argparse.Namespace) -> int:
    if args.ensemble == "gaussian":
        from .ensembles import show_gaussian

        return show_gaussian(args)
    k = check_order(args.k)
    if _is_general(args.beta):
        return _show_general(args, k)
    beta = check_beta(args.beta)
    if args.engine:
        cm = coefficient_matrix(k, args.engine, beta=beta)
        source = f"engine {args.engine}"
    else:
        cm, path = find_table(k, args.dir, beta=beta)
        source = f"{path or 'computed (could not be cached)'} (engine {cm.engine})"
    if args.format == "json":
        sys.stdout.write(dumps_table(cm))
    elif args.format in ("sympy", "latex"):
        import sympy

        from ..symbolic import table_expression

        expr = table_expression(cm)
        print(sympy.latex(expr) if args.format == "latex" else sympy.sstr(expr))
    else:
        which = "" if beta == 1 else f", {_describe(beta)}"
        print(f"# E tr(S^{k}) = sigma^{2 * k} * sum_(a,b) C_(a,b) n^a m^b{which}; from {source}")
        print(_labelled(cm))
    return 0


def _labelled(cm: CoefficientMatrix) -> str:
    k = cm.k
    rows = [[f"n^{k - i}", *map(str, row)] for i, row in enumerate(cm.matrix)]
    table = [["", *(f"m^{j + 1}" for j in range(k))], *rows]
    widths = [max(len(r[c]) for r in table) for c in range(k + 1)]
    return "\n".join(
        "  ".join(cell.rjust(w) for cell, w in zip(r, widths, strict=True)) for r in table
    )


def _verify_engines(reference: str, kmax: int, caps: dict[str, int]) -> dict[str, int]:
    """Engine -> largest k it recomputes (the reference: kmax); unavailable engines left out."""
    reach: dict[str, int] = {reference: kmax}
    for engine, cap in caps.items():
        if not engine_available(engine):
            _stderr(f"verify: engine {engine} is not available here: skipped")
            continue
        limit = engine_limit(engine)
        top = min(kmax, cap if limit is None else min(cap, limit))
        if top >= 1:
            reach[engine] = top
    return reach


def _verify_general(args: argparse.Namespace, kmax: int) -> int:
    """The general-beta polynomials: recomputed, specialised to alpha = 2 and alpha = 1 and
    compared with the real recursion and the complex three-term recursion, and the files."""
    from ..engines.loop_equations import moment_terms
    from ..tables import read_polynomial

    roots = _roots_to_check(args)
    failures: list[str] = []
    jack = None
    if engine_available("jack"):
        import importlib

        jack = importlib.import_module("..engines.jack", __package__)
        if not hasattr(jack, "moment_terms_general"):
            jack = None
    print(
        "verify: general beta (loop_equations), specialised to beta = 1 and 2"
        + (f"; Jack interpolation in alpha for k <= {args.jack_kmax}" if jack else "")
    )
    computed = {}
    with progress.bar(kmax, "verify", args) as bar:
        for k in range(1, kmax + 1):
            start = time.perf_counter()
            terms = computed[k] = moment_terms([k])
            checks = []
            for beta, alpha in ((1, 2), (2, 1)):
                special: dict[tuple[int, int], int] = {}
                for (i, j, g), c in terms.items():
                    special[(i, j)] = special.get((i, j), 0) + c * alpha**g
                special = {key: c for key, c in special.items() if c}
                ok = special == coefficient_matrix(k, beta=beta).terms()
                checks.append("ok" if ok else "FAIL")
                if not ok:
                    failures.append(f"k={k}: general polynomial at beta={beta} differs")
            jack_status = "-"
            if jack is not None and k <= args.jack_kmax:
                ok = jack.moment_terms_general([k]) == terms
                jack_status = "ok" if ok else "FAIL"
                if not ok:
                    failures.append(f"k={k}: jack interpolation in alpha differs")
            progress.write(
                f"{k:>3}  beta=1 {checks[0]:<4}  beta=2 {checks[1]:<4}  jack {jack_status:<4}  "
                f"{len(terms)} terms  {time.perf_counter() - start:.2f} s"
            )
            bar.update()
    for root in roots:
        folder = root / "general"
        paths = sorted(folder.glob("k*.json")) if folder.is_dir() else []
        for path in paths:
            try:
                terms = read_polynomial(path)
            except (ValueError, OSError) as exc:
                failures.append(f"cached {path}: {exc}")
                continue
            k = int(path.stem[1:])
            if terms != (computed.get(k) or moment_terms([k])):
                failures.append(f"cached {path}: differs from loop_equations")
        print(f"cached polynomials in {folder}: {len(paths)} file(s) checked")
    return _report(failures, kmax)


def _roots_to_check(args: argparse.Namespace) -> list[Path]:
    """The tables roots whose files ``verify`` reads: ``--dir`` (which must exist), else every
    root of the search path."""
    return [existing_directory(args.dir)] if args.dir else search_path()


#: Engines whose first call loads (or compiles) Numba kernels, and the order that warms them
#: fully (for matchings: the table of the last 7 pairs, built once per process).
NUMBA_WARM_K = {"matchings": 7, "permutations": 4}


def _warm_kernels(reach: dict[str, int], beta: object) -> None:
    """Run each Numba engine once at a small order, so that loading or compiling its kernels
    (cached on disk after the first run) is reported apart from the per-k times."""
    spent = []
    for engine, k in NUMBA_WARM_K.items():
        if engine in reach:
            start = time.perf_counter()
            coefficient_matrix(min(k, reach[engine]), engine, beta=beta)
            spent.append(f"{engine} {time.perf_counter() - start:.2f} s")
    if spent:
        print(f"Numba kernels loaded or compiled: {', '.join(spent)} (not in the times below)")


def _report(failures: list[str], kmax: int) -> int:
    """Print the failures and the verdict of ``verify``; its exit status (1 on any failure)."""
    for failure in failures:
        print(f"FAIL {failure}")
    status = "FAILED" if failures else "all checks passed"
    print(f"verify: k = 1..{kmax}, {len(failures)} failure(s): {status}")
    return 1 if failures else 0


def _verify(args: argparse.Namespace) -> int:
    if _is_general(args.beta):
        kmax = limits.check_order("loop_equations-general", args.kmax, name="kmax")
        return _verify_general(args, kmax)
    beta = check_beta(args.beta)
    reference_engine = default_engine(beta)
    kmax = check_engine_order(args.kmax, reference_engine, name="kmax")
    given = {
        "matchings": check_order(args.matchings_kmax, name="--matchings-kmax"),
        "zonal": check_order(args.zonal_kmax, name="--zonal-kmax"),
        "permutations": check_order(args.permutations_kmax, name="--permutations-kmax"),
        "jack": check_order(args.jack_kmax, name="--jack-kmax"),
    }
    caps = {
        engine: given.get(engine, kmax)
        for engine in engines_for_beta(beta)
        if engine != reference_engine
    }
    roots = _roots_to_check(args)
    reach = _verify_engines(reference_engine, kmax, caps)
    if beta != 1:
        print(f"verify: {_describe(beta)}, reference engine {reference_engine}")
    for engine, top in reach.items():
        print(f"engine {engine}: k = 1..{top}")
    _warm_kernels(reach, beta)

    failures: list[str] = []
    reference: dict[int, CoefficientMatrix] = {}
    width = max(38, len(", ".join(reach)))
    print(f"{'k':>3}  {'engines':<{width}}  {'invariants':<10}  {'agree':<5}  {'paper':<7}  time")
    with progress.bar(kmax, "verify", args) as bar:
        for k in range(1, kmax + 1):
            tables: dict[str, CoefficientMatrix] = {}
            start = time.perf_counter()
            for engine, top in reach.items():
                if k <= top:
                    tables[engine] = coefficient_matrix(
                        check_engine_order(k, engine), engine, beta=beta
                    )
            elapsed = time.perf_counter() - start
            reference[k] = tables[reference_engine]
            bad = [f"k={k} {e}: {v}" for e, cm in tables.items() for v in cm.violations()]
            disagree = [
                f"k={k}: {e} differs from {reference_engine}"
                for e, cm in tables.items()
                if cm.matrix != reference[k].matrix
            ]
            paper = paper_differences(reference[k]) if beta == 1 and k <= PAPER_KMAX else None
            paper_bad = [f"k={k} paper: {d}" for d in paper or []]
            failures += bad + disagree + paper_bad
            progress.write(
                f"{k:>3}  {', '.join(tables):<{width}}  {'FAIL' if bad else 'ok':<10}  "
                f"{'FAIL' if disagree else 'ok':<5}  "
                f"{'-' if paper is None else 'FAIL' if paper_bad else 'ok':<7}  {elapsed:.2f} s"
            )
            bar.update()

    for root in roots:
        folder = beta_directory(root, beta)
        checked = _verify_cached(folder, reference, failures, beta)
        print(f"cached tables in {folder}: {checked} file(s) checked")
    return _report(failures, kmax)


def _verify_cached(
    folder: Path, reference: dict[int, CoefficientMatrix], failures: list[str], beta: object = 1
) -> int:
    """Read every ``k*.json`` table in ``folder``; compare with the reference engine; count."""
    paths = sorted(folder.glob("k*.json")) if folder.is_dir() else []
    for path in paths:
        try:
            cm = read_table(path, beta=beta)
        except (ValueError, OSError) as exc:
            failures.append(f"cached {path}: {exc}")
            continue
        if path.name != table_filename(cm.k):
            failures.append(f"cached {path}: holds k={cm.k}")
        expected = reference.get(cm.k) or coefficient_matrix(cm.k, beta=beta)
        if cm != expected:
            failures.append(f"cached {path}: differs from {default_engine(beta)}")
    return len(paths)
