"""Machinery shared by the training sweeps (``higgs_sweep``, ``certified_robustness``).

- ``config``: expanding a grid into run configurations, the per-run seed, stratified folds,
  quick-mode overrides and the common command-line options.
- ``training``: the mini-batch training loop (optimizer, cosine schedule, per-epoch records).
- ``backends``: running the configurations not yet in the result store, locally (in process or
  in worker processes) or on Ray, storing each run as it finishes.
- ``report``: reading the store back into rows and the statistics the figures draw.
"""
