"""Scripts that regenerate the paper's figures and its HIGGS sweep, and test it on real data.

Each experiment is a module run as ``python -m experiments.NAME [--quick] --out DIR
[--device cpu|cuda]``; it writes PNG figures and the data behind them (CSV or JSON) into ``DIR``.
See ``docs/reproduction.md`` for the command of every figure of the paper.
``certified_robustness`` trains LDLT networks under each initializer and a deel-torchlip
baseline on bundled real data sets; ``sweep/`` holds the machinery the sweeps share.
"""
