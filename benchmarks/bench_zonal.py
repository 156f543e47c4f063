"""Time the zonal engine (James' theorem, paper eq. 8) per order k, from a cold cache.

    python3 benchmarks/bench_zonal.py            # k = 1..16
    python3 benchmarks/bench_zonal.py --max-k 20

(from the repository root, with this checkout's ``wishart_moments`` importable, e.g.
``PYTHONPATH=.``).

For each k: the number of partitions p(k), the seconds to build every zonal polynomial of degree k
and the table C^(k) (fresh, nothing cached), the cumulative time, and whether the table equals the
Stein recursion's.
"""

from __future__ import annotations

import argparse
import time

from wishart_moments._validation import check_order
from wishart_moments.engines import zonal
from wishart_moments.engines.recursion import recursion_matrix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-k", type=int, default=16, help="largest order (default 16)")
    args = parser.parse_args()
    max_k = check_order(args.max_k, name="--max-k", max_k=zonal.MAX_K_ZONAL)
    print(f"{'k':>3} {'p(k)':>5} {'seconds':>9} {'cumulative':>11}  agrees with recursion")
    total = 0.0
    for k in range(1, max_k + 1):
        basis = zonal.basis
        for fn in (basis._basis, basis._power_to_monomial, basis._monomials_in_power_sums):
            fn.cache_clear()
        start = time.perf_counter()
        table = zonal.zonal_matrix(k)
        elapsed = time.perf_counter() - start
        total += elapsed
        agrees = table == recursion_matrix(k)
        print(f"{k:>3} {len(zonal.partitions(k)):>5} {elapsed:>9.3f} {total:>11.3f}  {agrees}")


if __name__ == "__main__":
    main()
