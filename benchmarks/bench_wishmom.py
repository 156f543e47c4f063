"""Ours against the R package wishmom (Hillier and Kan), interleaved in one run.

    python3 benchmarks/bench_wishmom.py [--reps 3] [--rows forward,inverse,matrix,numeric]
                                        [--kmax 14] [--timeout 120]

Every figure is the in-process time of one call in a fresh process (so no cache of either side
survives from an earlier call), median over ``--reps`` repetitions, and the two sides alternate
call by call, so machine noise hits both alike. Ours: ``python3`` imports ``wishart_moments``
(all its modules, as ``library(wishmom)`` loads all of wishmom; SymPy's first sum, which
imports more of SymPy, is made before the clock starts) and times the call with
``time.perf_counter``. wishmom: ``Rscript`` loads the package and times the call with
``Sys.time``. Without ``Rscript`` or wishmom only our column is printed (CI does not need R).

Rows (real case unless marked; ratio = ours / wishmom):

* forward symbolic ``E tr W^k``, general Sigma: ``moment_expression([k], cov="general")`` vs
  ``wishmom_sym(c(0, ..., 0, 1))``, k = 3..kmax;
* inverse symbolic ``E tr W^-k``: ``moment_expression([k], cov="general", inverse=True)`` vs
  ``iwishmom_sym(c(0, ..., 0, 1))``, k = 3..9 and 12; complex and quaternion at k = 6;
* inverse matrix-valued ``E[tr(W^-(k-1)) W^-1]``: ``moment_expression_cov([k-1], inverse=True,
  power=1)`` vs ``iwishmom_sym(c(0, ..., 1), 1)``, k = 3, 6, 9;
* numeric ``E tr W^12`` and ``E tr W^-12`` with a fixed 10 x 10 float Sigma (n = 30 forward;
  n = 40 inverse, since the real inverse moment of order 12 needs n > 33 at m = 10): ``moment``
  vs ``wishmom`` / ``iwishmom``, real, complex and quaternion; the relative difference of the two
  values is printed too.

Install wishmom: ``apt-get install r-base-core r-cran-roxygen2``, then ``R CMD INSTALL`` on its
source (CRAN package wishmom).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

R_SCRIPT = r"""
suppressMessages(library(wishmom))
args <- commandArgs(TRUE)
kind <- args[1]; k <- as.integer(args[2]); alpha <- as.numeric(args[3])
f <- c(rep(0, k - 1), 1)
if (kind %in% c("num", "inum")) S <- as.matrix(read.table(args[4]))
t0 <- as.numeric(Sys.time())
v <- switch(kind,
  fwd = wishmom_sym(f, 0, alpha),
  inv = iwishmom_sym(f, 0, alpha),
  imat = iwishmom_sym(c(rep(0, k - 2), 1), 1, alpha),
  num = wishmom(as.numeric(args[5]), S, f, 0, alpha),
  inum = iwishmom(as.numeric(args[5]), S, f, 0, alpha))
t1 <- as.numeric(Sys.time())
cat(sprintf("%.9f\n", t1 - t0))
if (kind %in% c("num", "inum")) cat(sprintf("%.17g\n", Re(v)))
"""

PY_WORKER = r"""
import importlib, json, pkgutil, sys, time
import numpy as np
import sympy
import wishart_moments
for mod in pkgutil.walk_packages(wishart_moments.__path__, "wishart_moments."):
    if ".cli" not in mod.name and "__main__" not in mod.name:
        importlib.import_module(mod.name)
from wishart_moments import moment, moment_expression
from wishart_moments.covariance import moment_expression_cov
sympy.Symbol("x") + 1  # SymPy imports sympy.tensor and more on its first sum: loading, not work
task = json.loads(sys.argv[1])
kind, k, beta = task["kind"], task["k"], task["beta"]
cov = np.loadtxt(task["cov"]) if "cov" in task else None
calls = {
    "fwd": lambda: moment_expression([k], cov="general", beta=beta),
    "inv": lambda: moment_expression([k], cov="general", inverse=True, beta=beta),
    "imat": lambda: moment_expression_cov([k - 1], inverse=True, power=1, beta=beta),
    "num": lambda: moment([k], n=task["n"], cov=cov, beta=beta),
    "inum": lambda: moment([k], n=task["n"], cov=cov, beta=beta, inverse=True),
}
t0 = time.perf_counter()
value = calls[kind]()
t1 = time.perf_counter()
print(f"{t1 - t0:.9f}")
if kind in ("num", "inum"):
    print(repr(float(value)))
"""


def _alpha(beta: int) -> float:
    return 2.0 / beta


def _have_wishmom() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(
        ["Rscript", "-e", "suppressMessages(library(wishmom))"], capture_output=True, check=False
    )
    return probe.returncode == 0


def _run(cmd: list[str], timeout: float) -> tuple[float, float | None] | None:
    """``(seconds, value or None)`` printed by a worker; ``None`` on timeout or failure."""
    try:
        out = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, check=False, cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        return None
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-2000:])
        return None
    lines = out.stdout.split()
    value = float(lines[1]) if len(lines) > 1 else None
    return float(lines[0]), value


def _rows(args: argparse.Namespace, cov_file: str) -> list[dict]:
    rows: list[dict] = []
    wanted = set(args.rows.split(","))
    if "forward" in wanted:
        rows += [
            {"label": "forward symbolic E tr W^k", "kind": "fwd", "k": k, "beta": 1}
            for k in range(3, args.kmax + 1)
        ]
    if "inverse" in wanted:
        rows += [
            {"label": "inverse symbolic E tr W^-k", "kind": "inv", "k": k, "beta": 1}
            for k in (*range(3, 10), 12)
        ]
        rows += [
            {"label": f"inverse symbolic, beta={b}", "kind": "inv", "k": 6, "beta": b}
            for b in (2, 4)
        ]
    if "matrix" in wanted:
        rows += [
            {"label": "inverse matrix E[tr W^-(k-1) W^-1]", "kind": "imat", "k": k, "beta": 1}
            for k in (3, 6, 9)
        ]
    if "numeric" in wanted:
        for b in (1, 2, 4):
            rows.append(
                {"label": f"numeric 10x10 n=30, beta={b}", "kind": "num", "k": 12, "beta": b}
            )
            rows.append(
                {"label": f"numeric inverse n=40, beta={b}", "kind": "inum", "k": 12, "beta": b}
            )
    for row in rows:
        if row["kind"] in ("num", "inum"):
            row["n"] = 30 if row["kind"] == "num" else 40
            row["cov"] = cov_file
    return rows


def _ours_cmd(row: dict) -> list[str]:
    task = {key: row[key] for key in ("kind", "k", "beta", "n", "cov") if key in row}
    return [sys.executable, "-c", PY_WORKER, json.dumps(task)]


def _theirs_cmd(row: dict, r_file: str) -> list[str]:
    cmd = ["Rscript", r_file, row["kind"], str(row["k"]), repr(_alpha(row["beta"]))]
    if "cov" in row:
        cmd += [row["cov"], str(row["n"])]
    return cmd


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3, help="fresh-process runs per figure")
    parser.add_argument("--rows", default="forward,inverse,matrix,numeric")
    parser.add_argument("--kmax", type=int, default=14, help="largest forward k")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per call")
    parser.add_argument("--no-r", action="store_true", help="time ours only")
    args = parser.parse_args()

    with_r = not args.no_r and _have_wishmom()
    rng = np.random.default_rng(0)
    a = rng.standard_normal((10, 10))
    cov = a @ a.T / 10 + np.eye(10)
    with tempfile.TemporaryDirectory() as tmp:
        cov_file = str(Path(tmp) / "cov.txt")
        np.savetxt(cov_file, cov, fmt="%.17g")
        r_file = str(Path(tmp) / "wishmom_call.R")
        Path(r_file).write_text(R_SCRIPT)
        rows = _rows(args, cov_file)
        if with_r:
            version = subprocess.run(
                ["Rscript", "-e", 'cat(as.character(packageVersion("wishmom")))'],
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
            print(f"wishmom {version} timed in the same run ({args.reps} fresh runs each, median)")
        else:
            print("Rscript or wishmom not found: our timings only")
        print(time.strftime("%Y-%m-%d %H:%M"), flush=True)
        samples: list[dict[str, list]] = [{"ours": [], "theirs": []} for _ in rows]
        for _ in range(args.reps):
            for row, sample in zip(rows, samples, strict=True):
                sample["ours"].append(_run(_ours_cmd(row), args.timeout))
                if with_r:
                    sample["theirs"].append(_run(_theirs_cmd(row, r_file), args.timeout))
        header = f"{'computation':40s} {'k':>3s} {'wishmom':>10s} {'ours':>10s} {'ratio':>7s}"
        print(header)
        for row, sample in zip(rows, samples, strict=True):
            ours = [s for s in sample["ours"] if s is not None]
            theirs = [s for s in sample["theirs"] if s is not None]
            t_ours = statistics.median(s[0] for s in ours) if ours else None
            t_theirs = statistics.median(s[0] for s in theirs) if theirs else None
            ratio = f"{t_ours / t_theirs:.2f}" if t_ours and t_theirs else "-"
            line = (
                f"{row['label']:40s} {row['k']:3d} {_fmt(t_theirs):>10s} {_fmt(t_ours):>10s} "
                f"{ratio:>7s}"
            )
            if ours and theirs and ours[0][1] is not None and theirs[0][1] is not None:
                rel = abs(ours[0][1] - theirs[0][1]) / abs(ours[0][1])
                line += f"   values agree to {rel:.1e}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
