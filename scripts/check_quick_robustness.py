"""CI check of the real-data experiment: run ``--quick`` and require clean digits accuracy >= 0.85.

Usage: ``python3 scripts/check_quick_robustness.py`` (writes into a temporary directory).
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
from pathlib import Path

THRESHOLD = 0.85


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        cmd = [sys.executable, "-m", "experiments.certified_robustness", "--quick", "--out", tmp]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        with open(out / "results.csv", newline="") as fh:
            rows = [r for r in csv.DictReader(fh) if r["dataset"] == "digits"]
    if not rows:
        print("certified_robustness --quick: no digits rows in results.csv", file=sys.stderr)
        return 1
    best = max(rows, key=lambda r: float(r["clean_accuracy"]))
    acc = float(best["clean_accuracy"])
    print(f"certified_robustness --quick: best digits clean accuracy {acc:.3f} ({best['model']})")
    if acc < THRESHOLD:
        print(f"best digits clean accuracy {acc:.3f} < {THRESHOLD}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
