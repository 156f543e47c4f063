"""Subcommands ``generate``, ``show`` and ``verify`` of ``wishart-moments``: coefficient tables."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ._validation import ENGINES, check_order
from .coefficients import check_engine_order, coefficient_matrix, engine_available, engine_limit
from .layout import CoefficientMatrix
from .paper import PAPER_KMAX, paper_differences
from .tables import (
    default_directory,
    dumps_table,
    generate_tables,
    load_table,
    read_table,
    table_filename,
)

FORMATS = ("matrix", "sympy", "latex", "json")
# Largest k that `verify` recomputes by default with the engines that get slow with k.
VERIFY_DEFAULT_CAPS = {"matchings": 10, "zonal": 10}


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def register(subparsers: argparse._SubParsersAction) -> None:
    gen = subparsers.add_parser(
        "generate",
        help="compute the tables C^(k), k = kmin..kmax, and write one JSON file per k",
        description="Compute C^(k) for k = kmin..kmax with one engine and write one JSON file "
        "per k, atomically. Progress goes to stderr.",
    )
    gen.add_argument("--kmax", type=int, required=True, metavar="K", help="largest order")
    gen.add_argument("--kmin", type=int, default=1, metavar="K", help="smallest order (1)")
    gen.add_argument("--engine", choices=ENGINES, default="recursion", help="(recursion)")
    gen.add_argument("--out", metavar="DIR", help="output directory (the default table directory)")
    gen.add_argument("--quiet", action="store_true", help="no progress on stderr")
    gen.set_defaults(func=_generate)

    show = subparsers.add_parser(
        "show",
        help="print the table C^(k)",
        description="Print C^(k): read from the cached JSON table (checksum verified), or "
        "computed afresh with --engine.",
    )
    show.add_argument("k", type=int, metavar="K", help="the order k >= 1")
    show.add_argument("--format", choices=FORMATS, default="matrix", help="(matrix)")
    show.add_argument("--engine", choices=ENGINES, help="compute with this engine, not the cache")
    show.add_argument("--dir", metavar="DIR", help="table directory (the default one)")
    show.set_defaults(func=_show)

    ver = subparsers.add_parser(
        "verify",
        help="recompute the tables with every engine, check invariants, the paper and the cache",
        description="Recompute C^(k), k = 1..kmax, with every available engine (the slow ones "
        "only up to their caps), check every invariant, agreement between engines, the paper's "
        "printed tables and every cached JSON file. Exit status 1 on any failure.",
    )
    ver.add_argument("--kmax", type=int, default=PAPER_KMAX, metavar="K", help="(10)")
    ver.add_argument(
        "--matchings-kmax",
        type=int,
        default=VERIFY_DEFAULT_CAPS["matchings"],
        metavar="K",
        help="largest k for the matchings enumerator (10)",
    )
    ver.add_argument(
        "--zonal-kmax",
        type=int,
        default=VERIFY_DEFAULT_CAPS["zonal"],
        metavar="K",
        help="largest k for the zonal engine (10)",
    )
    ver.add_argument("--dir", metavar="DIR", help="table directory to check (the default one)")
    ver.set_defaults(func=_verify)


def _generate(args: argparse.Namespace) -> int:
    progress = None if args.quiet else _stderr
    out = Path(args.out) if args.out else default_directory()
    start = time.perf_counter()
    paths = generate_tables(args.kmax, args.engine, out, kmin=args.kmin, progress=progress)
    elapsed = time.perf_counter() - start
    print(
        f"wrote {len(paths)} table(s) k={args.kmin}..{args.kmax} ({args.engine}) to {out} "
        f"in {elapsed:.2f} s"
    )
    return 0


def _show(args: argparse.Namespace) -> int:
    k = check_order(args.k)
    if args.engine:
        cm = coefficient_matrix(k, args.engine)
        source = f"engine {args.engine}"
    else:
        folder = Path(args.dir) if args.dir else default_directory()
        cm = load_table(k, folder)
        source = f"{folder / table_filename(k)} (engine {cm.engine})"
    if args.format == "json":
        sys.stdout.write(dumps_table(cm))
    elif args.format in ("sympy", "latex"):
        import sympy

        from .symbolic import table_expression

        expr = table_expression(cm)
        print(sympy.latex(expr) if args.format == "latex" else sympy.sstr(expr))
    else:
        print(f"# E tr(S^{k}) = sigma^{2 * k} * sum_(a,b) C_(a,b) n^a m^b; from {source}")
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


def _verify_engines(kmax: int, caps: dict[str, int]) -> dict[str, int]:
    """Engine -> largest k it recomputes (recursion: kmax); unavailable engines left out."""
    reach: dict[str, int] = {"recursion": kmax}
    for engine, cap in caps.items():
        if not engine_available(engine):
            _stderr(f"verify: engine {engine} is not available here: skipped")
            continue
        limit = engine_limit(engine)
        top = min(kmax, cap if limit is None else min(cap, limit))
        if top >= 1:
            reach[engine] = top
    return reach


def _verify(args: argparse.Namespace) -> int:
    kmax = check_order(args.kmax, name="kmax")
    caps = {
        "five_term": kmax,
        "matchings": check_order(args.matchings_kmax, name="--matchings-kmax"),
        "zonal": check_order(args.zonal_kmax, name="--zonal-kmax"),
    }
    folder = Path(args.dir) if args.dir else default_directory()
    reach = _verify_engines(kmax, caps)
    for engine, top in reach.items():
        print(f"engine {engine}: k = 1..{top}")

    failures: list[str] = []
    reference: dict[int, CoefficientMatrix] = {}
    print(f"{'k':>3}  {'engines':<38}  {'invariants':<10}  {'agree':<5}  {'paper':<7}  time")
    for k in range(1, kmax + 1):
        tables: dict[str, CoefficientMatrix] = {}
        start = time.perf_counter()
        for engine, top in reach.items():
            if k <= top:
                tables[engine] = coefficient_matrix(check_engine_order(k, engine), engine)
        elapsed = time.perf_counter() - start
        reference[k] = tables["recursion"]
        bad = [f"k={k} {e}: {v}" for e, cm in tables.items() for v in cm.violations()]
        disagree = [
            f"k={k}: {e} differs from recursion"
            for e, cm in tables.items()
            if cm != tables["recursion"]
        ]
        paper = paper_differences(tables["recursion"]) if k <= PAPER_KMAX else None
        paper_bad = [f"k={k} paper: {d}" for d in paper or []]
        failures += bad + disagree + paper_bad
        print(
            f"{k:>3}  {', '.join(tables):<38}  {'FAIL' if bad else 'ok':<10}  "
            f"{'FAIL' if disagree else 'ok':<5}  "
            f"{'-' if paper is None else 'FAIL' if paper_bad else 'ok':<7}  {elapsed:.2f} s"
        )

    checked = _verify_cached(folder, reference, failures)
    print(f"cached tables in {folder}: {checked} file(s) checked")
    for failure in failures:
        print(f"FAIL {failure}")
    status = "FAILED" if failures else "all checks passed"
    print(f"verify: k = 1..{kmax}, {len(failures)} failure(s): {status}")
    return 1 if failures else 0


def _verify_cached(
    folder: Path, reference: dict[int, CoefficientMatrix], failures: list[str]
) -> int:
    """Read every ``k*.json`` table in ``folder``; compare with the recursion; count them."""
    from .engines.recursion import recursion_matrix

    paths = sorted(folder.glob("k*.json")) if folder.is_dir() else []
    for path in paths:
        try:
            cm = read_table(path)
        except (ValueError, OSError) as exc:
            failures.append(f"cached {path.name}: {exc}")
            continue
        if path.name != table_filename(cm.k):
            failures.append(f"cached {path.name}: holds k={cm.k}")
        expected = reference.get(cm.k) or recursion_matrix(cm.k)
        if cm != expected:
            failures.append(f"cached {path.name}: differs from the recursion")
    return len(paths)
