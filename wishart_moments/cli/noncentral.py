"""Noncentral moments on the command line: ``moment --mean-file/--omega/--omega-file`` and
``verify-noncentral``.

    wishart-moments moment --parts 2 --n 5 --omega "1,0;0,2" --cov "2,1;1,3"     # exact
    wishart-moments moment --parts 2 --mean-file M.npy                           # n = columns
    wishart-moments moment --parts 2 --noncentral                                # n, m, w_j
    wishart-moments moment --parts 2 --noncentral --cov general                  # words
    wishart-moments verify-noncentral [--kmax 6] [--power-max 2]

``verify-noncentral`` checks, for every partition ``mu`` of each order ``k`` and ``beta = 1, 2``,
that integration by parts (``noncentral.stein``), the Wick sum by levels in Python
(``noncentral.contractions``) and in the Numba kernel (``noncentral.wick``) give the same exact
terms, general and at ``Sigma = I``, matrix-valued too; up to order 4 also against the plain
listing of every partial matching (``noncentral.wick_reference``). Exit status 1 on a
disagreement.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from .._validation import check_order


def add_moment_arguments(cmd: argparse.ArgumentParser) -> None:
    """The noncentral options of ``moment``."""
    group = cmd.add_mutually_exclusive_group()
    group.add_argument(
        "--omega",
        metavar="ROWS",
        help="noncentral: Omega = M M^* as rows separated by ';', entries by ',' (exact: 1/2, "
        "0.25, 1+2*I for --beta 2), e.g. '1,0;0,2'",
    )
    group.add_argument("--omega-file", metavar="FILE", help="Omega from a .npy or .json file")
    group.add_argument(
        "--mean-file", metavar="FILE", help="noncentral: the m x n mean M from .npy or .json"
    )
    cmd.add_argument(
        "--noncentral",
        action="store_true",
        help="the noncentral polynomial in n, m, w_j = tr Omega^j (with --cov general: in n and "
        "the traces of words in Sigma, Omega)",
    )


def _rows(text: str, flag: str) -> list[list[Any]]:
    """``"1,0;0,2"`` -> rows of exact SymPy numbers (rationals; Gaussian rationals allowed)."""
    import sympy

    rows = []
    for row in (r for r in text.strip().split(";") if r.strip()):
        entries = []
        for item in row.split(","):
            item = item.strip()
            try:
                value = sympy.Rational(item)
            except (TypeError, ValueError, SyntaxError):
                try:
                    value = sympy.sympify(item, locals={"i": sympy.I, "j": sympy.I})
                except (sympy.SympifyError, SyntaxError, TypeError):
                    value = None
                if value is None or value.free_symbols or not value.is_number:
                    raise ValueError(
                        f"{flag} entry {item!r} is not a number (rows like '1,0;0,2', each entry "
                        "an exact number such as 2, 1/3, 0.25 or 1+2*I)"
                    ) from None
                re_, im_ = value.as_real_imag()
                value = sympy.nsimplify(re_) + sympy.I * sympy.nsimplify(im_)
            entries.append(value)
        rows.append(entries)
    if not rows:
        raise ValueError(f"{flag} must be rows of numbers like '1,0;0,2', got {text!r}")
    if any(len(r) != len(rows) for r in rows) and flag == "--omega":
        shape = [len(r) for r in rows]
        raise ValueError(f"{flag} must be a square matrix, got rows of lengths {shape}")
    return rows


def _read(path: str, flag: str) -> Any:
    from ..covariance import load_cov_file
    from .moment import parse_exact

    data = load_cov_file(path)
    if not isinstance(data, list):
        return data
    if not all(isinstance(r, list) for r in data):
        raise ValueError(f"{flag} {path} must hold a list of rows")
    return [[parse_exact(str(c), f"{flag} {path} entry") for c in row] for row in data]


def wants_noncentral(args: argparse.Namespace) -> bool:
    return bool(args.omega is not None or args.omega_file or args.mean_file or args.noncentral)


def compute_moment(args: argparse.Namespace, cov: Any, general_cov: bool) -> tuple[Any, dict]:
    """The noncentral result of ``moment`` and what was asked."""
    import numpy as np
    import sympy

    from ..noncentral import (
        noncentral_moment,
        noncentral_moment_expression,
        noncentral_moment_matrix,
    )
    from .moment import _beta, parse_exact, parse_parts

    parts = parse_parts(args.parts)
    beta = _beta(args.beta)
    if beta is None:
        raise ValueError("noncentral moments take --beta 1 or 2, not 'general'")
    if args.inverse:
        from ..noncentral import INVERSE_REFUSAL

        raise ValueError(INVERSE_REFUSAL.replace("inverse=True", "--inverse"))
    power = args.power
    if power < 0:
        raise ValueError(f"--power must be >= 0, got {power}")
    asked: dict[str, Any] = {
        "quantity": "E prod_i tr(W^(parts_i))"
        + (f" W^{power}" if power else "")
        + " for the noncentral Wishart W = (X + M)(X + M)^*, Omega = M M^*",
        "parts": parts,
        "beta": str(beta),
        "power": power,
        "inverse": False,
    }
    if args.noncentral:
        if args.omega is not None or args.omega_file or args.mean_file:
            raise ValueError("--noncentral is the symbolic form: give no --omega/--mean-file")
        if cov is not None:
            raise ValueError("--noncentral takes --cov general (or no --cov for Sigma = I)")
        asked.update(cov="general" if general_cov else "I", symbolic=True)
        result = noncentral_moment_expression(
            parts, beta=beta, cov="general" if general_cov else None, power=power
        )
        return result, asked
    if general_cov:
        raise ValueError("--cov general goes with --noncentral (symbolic), not with numbers")
    mean = omega = None
    if args.mean_file:
        mean = _read(args.mean_file, "--mean-file")
        columns = np.asarray(mean, dtype=object).shape[1] if np.ndim(mean) == 2 else None
        if columns is None:
            raise ValueError(f"--mean-file {args.mean_file} must hold an m x n matrix")
    elif args.omega_file:
        omega = _read(args.omega_file, "--omega-file")
    else:
        omega = _rows(args.omega, "--omega")
    if args.symbolic:
        n: Any = sympy.Symbol("n")
    elif args.n is not None:
        n = parse_exact(args.n, "--n")
    elif mean is not None:
        n = sympy.Integer(columns)
    else:
        raise ValueError("--n is required (or use --symbolic, or --mean-file: n = its columns)")
    if args.m is not None and mean is None and int(parse_exact(args.m, "--m")) != len(omega):
        raise ValueError(f"--m {args.m} does not match the {len(omega)} x {len(omega)} omega")
    asked.update(n=str(n), symbolic=args.symbolic, cov=None if cov is None else "given")
    asked["omega" if omega is not None else "mean"] = "given"
    if power:
        return noncentral_moment_matrix(
            parts, power, n=n, mean=mean, omega=omega, cov=cov, beta=beta
        ), asked
    return noncentral_moment(parts, n=n, mean=mean, omega=omega, cov=cov, beta=beta), asked


# ---------------------------------------------------------------------------------------------
# verify-noncentral


def register(subparsers: argparse._SubParsersAction) -> None:
    cmd = subparsers.add_parser(
        "verify-noncentral",
        help="check the noncentral engines: integration by parts == Wick sum (Python, Numba)",
        description="Exact agreement of the noncentral Wishart engines (beta 1, 2; general "
        "Sigma and Sigma = I; scalar and matrix-valued): integration by parts, the Wick sum by "
        "levels in Python and in Numba, and up to order 4 the listing of every partial matching.",
    )
    cmd.add_argument("--kmax", default=6, type=int, help="largest order sum(parts) (6)")
    cmd.add_argument(
        "--power-max", default=2, type=int, help="largest power of the matrix-valued form (2)"
    )
    cmd.set_defaults(func=_verify)


def _checks(mu: tuple[int, ...], power: int, beta: int, listing: bool) -> list[tuple[str, bool]]:
    from ..noncentral import contractions, stein, wick, wick_reference

    out = []
    for identity in (False, True):
        where = "I" if identity else "Sigma"
        ibp = stein.matrix_terms(mu, power, beta, identity)
        python = contractions.matrix_terms(mu, power, beta, identity)
        out.append((f"python({where})", ibp == python))
        out.append((f"numba({where})", ibp == wick.matrix_terms(mu, power, beta, identity)))
        if listing and not identity:
            out.append(("listing", ibp == wick_reference.wick_terms_reference(mu, power, beta)))
    return out


def _verify(args: argparse.Namespace) -> int:
    from ..engines._parts import partitions_of

    kmax = check_order(args.kmax, name="--kmax", max_k=9, why=" (integration by parts)")
    rmax = args.power_max
    if isinstance(rmax, bool) or rmax < 0 or rmax > 4:
        raise ValueError(f"--power-max must be 0 .. 4, got {rmax}")
    failures: list[str] = []
    print(f"{'k':>3}  {'power':>5}  {'beta':>4}  {'cases':>5}  {'checks':>6}  {'agree':<5}  time")
    for k in range(kmax + 1):
        for power in range(rmax + 1):
            if not 0 < k + power <= kmax:
                continue
            for beta in (1, 2):
                start = time.perf_counter()
                count, bad = 0, []
                cases = partitions_of(k)
                for mu in cases:
                    for name, ok in _checks(mu, power, beta, k + power <= 4):
                        count += 1
                        if not ok:
                            bad.append(f"k={k} power={power} beta={beta} {mu}: {name} differs")
                failures += bad
                print(
                    f"{k:>3}  {power:>5}  {beta:>4}  {len(cases):>5}  {count:>6}  "
                    f"{'FAIL' if bad else 'ok':<5}  {time.perf_counter() - start:.2f} s",
                    flush=True,
                )
    for line in failures:
        print(line)
    print(f"verify-noncentral: {len(failures)} failure(s): {'FAIL' if failures else 'ok'}")
    return 1 if failures else 0
