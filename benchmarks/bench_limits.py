"""The reach of every engine: the time at its limit, the refusal beyond it, the next order's cost.

For each engine registered in :mod:`wishart_moments.limits` (``L`` its limit), each run in a
fresh process (cold caches, imports not timed), through the public entry point that uses it:

1. the call at ``L``, timed: it must finish in reasonable time (about a minute here);
2. the same call at ``L - d`` (``d = max(1, L // 10)``): the growth per order
   ``g = (t_L / t_{L-d})^(1/d)`` and the next order's cost extrapolated, ``t_L * g``;
3. the call at ``L + 1``: refused, and how long the refusal took (it must be instant).

Run: ``python3 benchmarks/bench_limits.py [--engines a,b] [--scale 0.5]`` (``--scale`` times the
call at ``scale * L`` instead: a quick look, not the figures to quote). All engines take about
half an hour. Timings are wall-clock on whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path

# Time this checkout's package (not another installed copy), here and in the child processes.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wishart_moments import limits  # noqa: E402

# engine -> (public call that uses it, as shown; Python source with {k} for the order)
CALLS: dict[str, tuple[str, str]] = {
    "recursion": ("coefficient_matrix(k)", "wm.coefficient_matrix({k})"),
    "five_term": (
        "coefficient_matrix(k, 'five_term')",
        "wm.coefficient_matrix({k}, 'five_term')",
    ),
    "matchings": (
        "coefficient_matrix(k, 'matchings')",
        "wm.coefficient_matrix({k}, 'matchings')",
    ),
    "zonal": ("coefficient_matrix(k, 'zonal')", "wm.coefficient_matrix({k}, 'zonal')"),
    "loop_equations": (
        "coefficient_matrix(k, beta=4)",
        "wm.coefficient_matrix({k}, beta=4)",
    ),
    "loop_equations-general": (
        "moment_expression([k], beta=None)",
        "wm.moment_expression([{k}], beta=None)",
    ),
    "three_term": ("coefficient_matrix(k, beta=2)", "wm.coefficient_matrix({k}, beta=2)"),
    "schur": (
        "coefficient_matrix(k, 'schur', beta=2)",
        "wm.coefficient_matrix({k}, 'schur', beta=2)",
    ),
    "permutations": (
        "coefficient_matrix(k, 'permutations', beta=2)",
        "wm.coefficient_matrix({k}, 'permutations', beta=2)",
    ),
    "jack": ("coefficient_matrix(k, 'jack', beta=4)", "wm.coefficient_matrix({k}, 'jack', beta=4)"),
    "stein": (
        "moment_expression([k], cov='general')",
        "wm.moment_expression([{k}], cov='general')",
    ),
    "stein-inverse": (
        "moment_expression([k], cov='general', inverse=True)",
        "wm.moment_expression([{k}], cov='general', inverse=True)",
    ),
    "schur-products": (
        "engines.schur.moment_terms([1] * k)",
        "schur.moment_terms([1] * {k})",
    ),
    "schur-cov-single": (
        "engines.schur.moment_terms_cov([k])",
        "schur.moment_terms_cov([{k}])",
    ),
    "schur-cov": (
        "engines.schur.moment_terms_cov([k - 1, 1])",
        "schur.moment_terms_cov([{k} - 1, 1])",
    ),
    "permutations-real": (
        "engines.permutations.moment_terms_cov([k], 1)",
        "permutations.moment_terms_cov([{k}], 1)",
    ),
    "zonal-expanded": (
        "zonal_polynomial((2, 1), variables=<m symbols>), m least with C(m + 2, 3) >= k",
        "wm.zonal_polynomial((2, 1), variables=[f'x{{i}}' for i in range("
        "min(m for m in range(1, 10**4) if math.comb(m + 2, 3) >= {k}))])",
    ),
    "gauss-legendre": (
        "activation_second_moment(nn.ELU(), 1.0, nodes=k)",
        "ll.activation_second_moment(torch.nn.ELU(), 1.0, nodes={k})",
    ),
    "stein-numeric": (
        "moment([k], n=30, cov=<3 x 3 exact>)",
        "wm.moment([{k}], n=30, cov=[[2, 1, 0], [1, 3, 1], [0, 1, 1]])",
    ),
    "stein-inverse-numeric": (
        "moment([k], n=100, cov=<3 x 3 exact>, inverse=True)",
        "wm.moment([{k}], n=100, cov=[[2, 1, 0], [1, 3, 1], [0, 1, 1]], inverse=True)",
    ),
    "whole-matrices": ("coefficient_matrices(k)", "wm.coefficient_matrices({k})"),
    "whole-matrices-inverse": (
        "coefficient_matrices(k, inverse=True)",
        "wm.coefficient_matrices({k}, inverse=True)",
    ),
    "noncentral-words": (
        "noncentral_moment_expression([k], cov='general')",
        "wm.noncentral_moment_expression([{k}], cov='general')",
    ),
    "noncentral-numeric": (
        "noncentral_moment([k], n=5.0, cov=<2 x 2 float>, omega=<2 x 2 float>)",
        "wm.noncentral_moment([{k}], n=5.0, cov=[[2.0, 0.5], [0.5, 1.0]], "
        "omega=[[1.0, 0.2], [0.2, 0.5]])",
    ),
    "noncentral-identity": (
        "noncentral_moment_expression([k])",
        "wm.noncentral_moment_expression([{k}])",
    ),
    # Gaussian: an odd total is 0 at once, so the order timed is the even one at or above k
    "gaussian-loop_equations": (
        "gaussian_moment([K], m=5, beta=None), K = k rounded up to even",
        "wm.gaussian_moment([(-(-{k} // 2) * 2)], m=5, beta=None)",
    ),
    "gaussian-loop_equations_fixed": (
        "gaussian_moment([K], m=5, beta=3)",
        "wm.gaussian_moment([(-(-{k} // 2) * 2)], m=5, beta=3)",
    ),
    "gaussian-map_recursions": (
        "gaussian_moment([K], m=5, beta=2)",
        "wm.gaussian_moment([(-(-{k} // 2) * 2)], m=5, beta=2)",
    ),
    "gaussian-tridiagonal": (
        "gaussian_moment([K], m=3, beta=2, engine='tridiagonal')",
        "wm.gaussian_moment([(-(-{k} // 2) * 2)], m=3, beta=2, engine='tridiagonal')",
    ),
    "gaussian-wick-real": (
        "gaussian_moment([K - 2, 2], m=5, beta=1, engine='maps')",
        "wm.gaussian_moment([(-(-{k} // 2) * 2) - 2, 2], m=5, beta=1, engine='maps')",
    ),
    "gaussian-wick-complex": (
        "gaussian_moment([K - 2, 2], m=5, beta=2, engine='maps')",
        "wm.gaussian_moment([(-(-{k} // 2) * 2) - 2, 2], m=5, beta=2, engine='maps')",
    ),
    "jacobi-jack": (
        "jacobi_moment([k], m=3, n1=5, n2=6)",
        "wm.jacobi_moment([{k}], m=3, n1=5, n2=6)",
    ),
    "jacobi-loop_equations": (
        "jacobi_moment([k], m=3, n1=5, n2=6, engine='loop_equations')",
        "wm.jacobi_moment([{k}], m=3, n1=5, n2=6, engine='loop_equations')",
    ),
    "jacobi-loop_equations_symbolic": (
        "jacobi_moment([k], m=m, n1=n1, n2=n2, engine='loop_equations'), symbols",
        "wm.jacobi_moment([{k}], m=sympy.Symbol('m'), n1=sympy.Symbol('n1'), "
        "n2=sympy.Symbol('n2'), engine='loop_equations')",
    ),
    "jacobi-density": (
        "jacobi_moment([k], m=2, n1=5, n2=5, engine='density')",
        "wm.jacobi_moment([{k}], m=2, n1=5, n2=5, engine='density')",
    ),
    "zonal-closed-form": (
        "james_expectation((k,))",
        "wm.james_expectation(({k},))",
    ),
    "double_factorial": ("double_factorial(k)", "wm.double_factorial({k})"),
    "monte_carlo": (
        "output_variance(100, 100, 0.01, method='monte_carlo', samples=ceil(k / 100))",
        "wm.output_variance(100, 100, 0.01, method='monte_carlo', samples=-(-{k} // 100), seed=0)",
    ),
}

# order of the untimed first call, where 1 is not a valid order
WARM = {"monte_carlo": 10_000, "schur-cov": 2}

CHILD = """
import json, math, time
import sympy
import torch
import lipschitz_layers as ll
import wishart_moments as wm
from wishart_moments.engines import permutations, schur
{warm}
start = time.perf_counter()
try:
    {call}
    refused = None
except ValueError as exc:
    refused = str(exc)
print(json.dumps({{"seconds": time.perf_counter() - start, "refused": refused}}))
"""


def limit_memory() -> None:
    """Cap the child's address space (12 GiB): a run past its limit must not exhaust the host."""
    resource.setrlimit(resource.RLIMIT_AS, (12 << 30, 12 << 30))


def timed(engine: str, k: int, timeout: float) -> dict:
    """``{"seconds", "refused"}`` of the engine's call at order ``k`` in a fresh process."""
    code = CALLS[engine][1]
    # a small call first loads the engine's modules (and Numba's cached kernels), untimed
    warm = code.format(k=WARM.get(engine, 1))
    child = CHILD.format(warm=warm, call=code.format(k=k))
    try:
        proc = subprocess.run(
            [sys.executable, "-c", child],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=timeout,
            preexec_fn=limit_memory,
        )
    except subprocess.TimeoutExpired:
        return {"seconds": float("inf"), "refused": None}
    if proc.returncode:
        raise RuntimeError(f"{engine} at k={k} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", help="comma-separated (default: every registered one)")
    parser.add_argument("--scale", type=float, default=1.0, help="time at scale * limit (1)")
    parser.add_argument("--timeout", type=float, default=600.0, help="per call, seconds (600)")
    args = parser.parse_args()
    engines = args.engines.split(",") if args.engines else [r.engine for r in limits.reaches()]
    missing = [e for e in engines if e not in CALLS]
    if missing:
        raise SystemExit(f"no benchmark call for {missing}: add one to CALLS")
    head = f"{'engine':<30} {'limit':>9} {'k timed':>9} {'t(k) s':>8} {'t(k-d) s':>9} {'d':>5}"
    print(f"{head} {'next (extrap.) s':>17} {'refusal ms':>10}  call")
    for engine in engines:
        top = limits.limit(engine)
        k = max(1, int(top * args.scale))
        d = max(1, k // 10)
        at = timed(engine, k, args.timeout)
        below = timed(engine, k - d, args.timeout) if k - d >= 1 else None
        beyond = timed(engine, top + 1, 60)
        if at["refused"] or beyond["refused"] is None:
            raise SystemExit(f"{engine}: wrong refusal at k={k} or {top + 1}: {at} {beyond}")
        t_at = at["seconds"]
        t_below = below["seconds"] if below else float("nan")
        growth = (t_at / t_below) ** (1 / d) if below and t_below > 0 else float("nan")
        print(
            f"{engine:<30} {top:>9} {k:>9} {t_at:>8.2f} {t_below:>9.2f} {d:>5} "
            f"{t_at * growth:>17.1f} {1000 * beyond['seconds']:>10.2f}  {CALLS[engine][0]}",
            flush=True,
        )


if __name__ == "__main__":
    main()
