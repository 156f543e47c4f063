"""Subcommand ``moment`` of ``wishart-moments``: one exact multi-trace moment, any beta.

wishart-moments moment --parts 3,1 --n 7 --m 3 --beta 2            # 61488
wishart-moments moment --parts 2 --beta general --symbolic          # polynomial in n, m, beta
wishart-moments moment --parts 2 --n 9 --cov "2,1;1,3" --beta 1     # Sigma given
wishart-moments moment --parts 1 --n 9 --cov "2,1;1,3" --inverse   # E tr W^{-1}
wishart-moments moment --parts 1 --n 9 --cov "2,1;1,3" --power 1   # E tr(W) W (a matrix)
"""

from __future__ import annotations

import argparse
import json
import sys
from fractions import Fraction
from typing import Any

from .._validation import check_beta
from . import noncentral

FORMATS = ("sympy", "latex", "json")
GENERAL_BETA = ("general", "beta", "any")


def register(subparsers: argparse._SubParsersAction) -> None:
    cmd = subparsers.add_parser(
        "moment",
        help="one exact moment E prod_i tr(S^(parts_i)) (any beta; Sigma, inverse, matrix-valued)",
        description="Exact E prod_i tr(S^(parts_i)) for S = X X^*, X m x n with iid standard "
        "real (beta 1), complex (2), quaternion (4) entries, E|x|^2 = 1, or the beta-Laguerre "
        "ensemble for any beta > 0; with --cov, W = Sigma^(1/2) S Sigma^(1/2) (any beta > 0: the "
        "beta-Wishart, whose moments depend on Sigma through its eigenvalues).",
    )
    cmd.add_argument("--parts", required=True, metavar="P", help="comma-separated, e.g. 3,1")
    cmd.add_argument("--n", metavar="N", help="degrees of freedom: 7, 15/2 or 7.5 (exact)")
    cmd.add_argument("--m", metavar="M", help="size of S (taken from --cov when given)")
    cmd.add_argument(
        "--beta",
        default="1",
        metavar="B",
        help="1 real (default), 2 complex, 4 quaternion, any rational > 0 (3, 1/2, 0.5), or "
        "'general' for the polynomial in 1/beta (with --symbolic)",
    )
    cmd.add_argument(
        "--symbolic",
        action="store_true",
        help="a polynomial in the symbols n and m (and beta, p_j = tr Sigma^j, q_j) instead",
    )
    cmd.add_argument("--format", choices=FORMATS, default="sympy", help="(sympy)")
    cov = cmd.add_mutually_exclusive_group()
    cov.add_argument(
        "--cov",
        metavar="ROWS",
        help="Sigma as rows separated by ';', entries by ',' (exact: 1/2, 0.25), e.g. "
        "'2,1,0;1,3,1;0,1,1'; or 'general' with --symbolic",
    )
    cov.add_argument("--cov-file", metavar="FILE", help="Sigma from a .npy or .json file")
    cmd.add_argument("--inverse", action="store_true", help="moments of W^(-1) instead")
    cmd.add_argument(
        "--power",
        type=int,
        default=0,
        metavar="R",
        help="matrix-valued E[prod tr(W^(parts_i)) W^R] (W^(-R) with --inverse)",
    )
    cmd.add_argument(
        "--ensemble",
        choices=("wishart", "gaussian", "jacobi"),
        default="wishart",
        help="wishart (default), gaussian (Hermite: E prod tr H^(parts_i)) or jacobi (MANOVA: "
        "J = (A+B)^(-1) A with --n1, --n2); see docs/ensembles.md",
    )
    cmd.add_argument("--n1", metavar="N1", help="jacobi: degrees of freedom of A (exact)")
    cmd.add_argument("--n2", metavar="N2", help="jacobi: degrees of freedom of B (exact)")
    noncentral.add_moment_arguments(cmd)
    cmd.set_defaults(func=_moment)


def parse_parts(text: str) -> list[int]:
    """``"3,1"`` -> ``[3, 1]``; ``ValueError`` naming the text otherwise."""
    try:
        parts = [int(p) for p in text.replace(" ", "").split(",")]
    except ValueError:
        raise ValueError(
            f"--parts must be comma-separated nonnegative integers such as 3,1, got {text!r}"
        ) from None
    if any(p < 0 for p in parts):
        raise ValueError(f"--parts must be nonnegative integers, got {text!r}")
    return parts


def parse_exact(text: str, name: str) -> Any:
    """``"7"``, ``"15/2"``, ``"7.5"`` -> a SymPy ``Rational`` (decimals are read exactly)."""
    import sympy

    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError(
            f"{name} must be an exact number such as 7, 15/2 or 7.5, got {text!r}"
        ) from None
    return sympy.Rational(value.numerator, value.denominator)


def parse_cov(text: str) -> list[list[Any]]:
    """``"2,1;1,3"`` -> ``[[2, 1], [1, 3]]`` as SymPy ``Rational`` entries
    (:func:`wishart_moments.covariance.parse_cov_text`), checked to be square."""
    from ..covariance import parse_cov_text

    matrix = parse_cov_text(";".join(row for row in text.split(";") if row.strip()))  # ';;' ok
    if any(len(row) != len(matrix) for row in matrix):
        shape = [len(row) for row in matrix]
        raise ValueError(f"--cov must be a square matrix, got rows of lengths {shape}")
    return matrix


def read_cov_file(path: str) -> Any:
    """Sigma from ``.npy`` (a float array) or ``.json`` (nested lists; strings such as '1/2'), by
    :func:`wishart_moments.covariance.load_cov_file`; JSON decimals are then read exactly, as
    ``--cov`` entries are."""
    from ..covariance import load_cov_file

    data = load_cov_file(path)
    if not isinstance(data, list):
        return data
    if not all(isinstance(r, list) for r in data):
        raise ValueError(f"--cov-file {path} must hold a list of rows")
    return [[parse_exact(str(c), f"--cov-file {path} entry") for c in row] for row in data]


def _beta(text: str) -> Any:
    if text.strip().lower() in GENERAL_BETA:
        return None
    return check_beta(text)


def _compute(args: argparse.Namespace) -> tuple[Any, dict[str, Any]]:
    """The result (SymPy expression, matrix or dict of expressions) and what was asked."""
    import sympy

    from .. import moments
    from ..symbolic import m as m_symbol
    from ..symbolic import n as n_symbol

    parts = parse_parts(args.parts)
    if args.ensemble != "wishart" and noncentral.wants_noncentral(args):
        raise ValueError(
            "--omega, --omega-file, --mean-file and --noncentral are not used with --ensemble "
            f"{args.ensemble}"
        )
    if args.ensemble != "wishart":
        from .ensembles import ensemble_moment

        return ensemble_moment(args, parts)
    if args.n1 is not None or args.n2 is not None:
        raise ValueError("--n1 and --n2 are parameters of --ensemble jacobi")
    beta = _beta(args.beta)
    power = args.power
    if power < 0:
        raise ValueError(f"--power must be >= 0, got {power}")
    general_cov = args.cov is not None and args.cov.strip().lower() == "general"
    cov: Any = None
    if args.cov_file:
        cov = read_cov_file(args.cov_file)
    elif args.cov is not None and not general_cov:
        cov = parse_cov(args.cov)
    if noncentral.wants_noncentral(args):
        return noncentral.compute_moment(args, cov, general_cov)
    if beta is None:
        beta = moments.BETA
    if general_cov and not args.symbolic:
        raise ValueError("--cov general needs --symbolic (a polynomial in p_j = tr Sigma^j)")
    n: Any = n_symbol if args.symbolic else None
    if not args.symbolic:
        if args.n is None:
            raise ValueError("--n is required (or use --symbolic)")
        n = parse_exact(args.n, "--n")
    m: Any = None
    if args.m is not None:
        m = parse_exact(args.m, "--m")
    elif args.symbolic and cov is None:
        m = m_symbol
    asked = {
        "parts": parts,
        "n": str(n),
        "m": None if m is None else str(m),
        "beta": "general" if isinstance(beta, sympy.Symbol) else str(beta),
        "cov": None if cov is None else [[str(c) for c in row] for row in cov],
        "inverse": args.inverse,
        "power": power,
        "symbolic": args.symbolic,
    }
    if general_cov or (args.symbolic and cov is None and (power or args.inverse)):
        from ..covariance import moment_expression_cov

        asked["cov"] = "general"
        return moment_expression_cov(parts, beta=beta, inverse=args.inverse, power=power), asked
    if power:
        from ..covariance import moment_matrix

        if cov is None:
            if m is None or m.free_symbols:
                raise ValueError("--power needs --cov, or a numeric --m for Sigma = I")
            cov = sympy.eye(int(m)).tolist()
        return moment_matrix(parts, power, n=n, cov=cov, beta=beta, inverse=args.inverse), asked
    if cov is not None:
        return moments.moment(parts, n=n, m=m, beta=beta, cov=cov, inverse=args.inverse), asked
    if m is None:
        raise ValueError("--m is required (or give --cov)")
    if args.symbolic:
        return moments.moment_expression(parts, beta=beta), asked
    return moments.moment(parts, n=n, m=m, beta=beta, inverse=args.inverse), asked


def _render(result: Any, fmt: str) -> Any:
    """The result as text (sympy/latex) or a JSON-ready object (strings SymPy can read back)."""
    import sympy

    if isinstance(result, dict):
        if fmt == "json":
            return {str(j): sympy.sstr(v) for j, v in sorted(result.items())}
        show = sympy.latex if fmt == "latex" else sympy.sstr
        return "\n".join(f"{j}: {show(v)}" for j, v in sorted(result.items()))
    if isinstance(result, sympy.MatrixBase):
        if fmt == "json":
            return [[sympy.sstr(c) for c in row] for row in result.tolist()]
        return sympy.latex(result) if fmt == "latex" else sympy.sstr(result)
    if fmt == "json":
        return sympy.sstr(result)
    return sympy.latex(result) if fmt == "latex" else sympy.sstr(result)


def _moment(args: argparse.Namespace) -> int:
    import sympy

    try:
        result, asked = _compute(args)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.endswith("covariance"):
            raise ValueError(
                "covariance, inverse and matrix-valued moments need wishart_moments.covariance, "
                "which is not available in this installation"
            ) from exc
        raise
    if args.format == "json":
        doc = {
            "quantity": "E prod_i tr(S^(parts_i))"
            + (" with W = Sigma^(1/2) S Sigma^(1/2)" if asked.get("cov") else "")
            + (" of the inverse" if asked.get("inverse") else "")
            + (f" times W^({asked['power']})" if asked.get("power") else ""),
            **asked,
            "result": _render(result, "json"),
        }
        if isinstance(result, sympy.Basic) and not isinstance(result, sympy.MatrixBase):
            doc["latex"] = sympy.latex(result)
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        print(_render(result, args.format))
    return 0
