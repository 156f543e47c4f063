"""Subcommands ``variance`` and ``solve`` of ``wishart-moments``: the LDLT output variance."""

from __future__ import annotations

import argparse
import math

from .._validation import check_positive_real


def register(subparsers: argparse._SubParsersAction) -> None:
    var = subparsers.add_parser(
        "variance",
        help="output variance Var[y] of an LDLT layer, with its interval and method",
        description="Var[y] = gamma^2 (1 - (alpha/m) E tr((alpha I + W W^T)^{-1})) for W m x n "
        "with iid N(0, sigma^2) entries.",
    )
    var.add_argument("--m", type=int, required=True, help="rows of W (layer outputs)")
    var.add_argument("--n", type=int, required=True, help="columns of W (layer inputs)")
    scale = var.add_mutually_exclusive_group(required=True)
    scale.add_argument("--sigma2", type=float, help="entry variance sigma^2")
    scale.add_argument("--sigma", type=float, help="entry standard deviation sigma")
    var.add_argument("--alpha", type=float, default=1.0, help="(1.0)")
    var.add_argument("--gamma", type=float, default=1.0, help="(1.0)")
    var.add_argument(
        "--method",
        default="auto",
        help="auto, quadrature, asymptotic, monte_carlo, series or exact (auto)",
    )
    var.add_argument("--tol", type=float, default=1e-4, help="target |error| (1e-4)")
    var.add_argument("--samples", type=int, help="Monte Carlo samples")
    var.add_argument("--seed", type=int, help="Monte Carlo seed")
    var.set_defaults(func=_variance)

    solve = subparsers.add_parser(
        "solve",
        help="the sigma^2 whose output variance is a target",
        description="Invert Var[y](sigma^2) = target (0 < target < gamma^2 min(m, n) / m).",
    )
    solve.add_argument("--m", type=int, required=True, help="rows of W (layer outputs)")
    solve.add_argument("--n", type=int, required=True, help="columns of W (layer inputs)")
    solve.add_argument("--target", type=float, required=True, help="target Var[y]")
    solve.add_argument("--alpha", type=float, default=1.0, help="(1.0)")
    solve.add_argument("--gamma", type=float, default=1.0, help="(1.0)")
    solve.add_argument("--tol", type=float, default=1e-4, help="(1e-4)")
    solve.set_defaults(func=_solve)


def _variance(args: argparse.Namespace) -> int:
    from ..variance import output_variance

    if args.sigma is not None:
        sigma2 = check_positive_real(args.sigma, "sigma") ** 2
    else:
        sigma2 = args.sigma2
    result = output_variance(
        args.m,
        args.n,
        sigma2,
        alpha=args.alpha,
        gamma=args.gamma,
        method=args.method,
        tol=args.tol,
        samples=args.samples,
        seed=args.seed,
    )
    print(f"Var[y]   {result.value:.8g}")
    print(f"interval [{result.lower:.8g}, {result.upper:.8g}]  ({result.interval})")
    print(f"method   {result.method}" + ("" if result.meets_tol else "  (interval wider than tol)"))
    if result.samples is not None:
        print(f"samples  {result.samples}  standard error {result.stderr:.3g}")
    return 0


def _solve(args: argparse.Namespace) -> int:
    from ..variance import solve_sigma2

    sigma2 = solve_sigma2(
        args.m, args.n, args.target, alpha=args.alpha, gamma=args.gamma, tol=args.tol
    )
    sigma = math.sqrt(sigma2)
    print(f"sigma^2          {sigma2:.8g}")
    print(f"sigma            {sigma:.8g}")
    print(f"sigma*sqrt(n)    {sigma * math.sqrt(args.n):.8g}")
    return 0
