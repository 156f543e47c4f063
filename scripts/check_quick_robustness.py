"""CI check of the real-data experiment: run ``--quick`` and require that the best LDLT model
(``ldlt_*``: any initializer, not the torchlip or unconstrained baselines) reaches clean digits
accuracy >= 0.85.

Usage: ``python3 scripts/check_quick_robustness.py`` (writes into a temporary directory).
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
from pathlib import Path

THRESHOLD = 0.85
LDLT_PREFIX = "ldlt_"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        cmd = [sys.executable, "-m", "experiments.certified_robustness", "--quick", "--out", tmp]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        with open(out / "results.csv", newline="") as fh:
            rows = [r for r in csv.DictReader(fh) if r["dataset"] == "digits"]
    ldlt = [r for r in rows if r["model"].startswith(LDLT_PREFIX)]
    if not ldlt:
        print("certified_robustness --quick: no LDLT digits rows in results.csv", file=sys.stderr)
        return 1
    for row in sorted(rows, key=lambda r: -float(r["clean_accuracy"])):
        clean = float(row["clean_accuracy"])
        print(f"  digits  {row['model']:<30} depth {row['depth']:>2}  clean {clean:.3f}")
    best = max(ldlt, key=lambda r: float(r["clean_accuracy"]))
    acc = float(best["clean_accuracy"])
    which = f"{best['model']}, depth {best['depth']}"
    print(f"certified_robustness --quick: best LDLT digits clean accuracy {acc:.3f} ({which})")
    if acc < THRESHOLD:
        print(f"best LDLT digits clean accuracy {acc:.3f} < {THRESHOLD}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
