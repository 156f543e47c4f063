"""Signal propagation through deep LDLT networks at initialization, measured and predicted.

``LDLTMLP`` of constant width ``n`` (512; ``in = hidden = out``), ELU between layers,
``alpha = gamma = 1``, bias 0, inputs ``x ~ N(0, I_n)``. Initializations: He (``sigma^2 = 2/n``),
the paper's ``sigma = c / sqrt(n)`` for each ``--scales`` c, and variance-prescribed (each layer's
``sigma^2`` solved for a unit-input output variance ``--targets``). Measured per layer ``l``, over
``--networks`` independent networks: the second moment ``E[z_l^2]`` of the pre-activations (what a
layer's output variance formula propagates: the ELU outputs are not centred), the per-unit
variance across the batch, and the mean ``log ||z_l||``.

Prediction (mean field, from the variance engine): with ``q = Var[y]`` of one layer for a
unit-variance input (``output_variance(n, n, sigma^2)``; ``E[M^T M] = q I`` for the rotation
invariant ``M = W R^{-1}``), ``s_1 = q``, ``s_{l+1} = q E[ELU(Z_l)^2]``, ``Z_l ~ N(0, s_l)``
(``activation_second_moment``), and ``E log ||z_l|| ~ (1/2) log(n s_l)``.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

import numpy as np

from . import _common


def init_schemes(width: int, scales: list[float], targets: list[float]) -> list[dict[str, Any]]:
    """``name``, the ``LDLTMLP`` init arguments and the nominal ``sigma^2`` (None if solved)."""
    schemes: list[dict[str, Any]] = [
        {"name": "He (sigma^2 = 2/n)", "init": "he_normal", "kwargs": {}, "sigma2": 2.0 / width}
    ]
    for c in scales:
        schemes.append(
            {
                "name": f"c/sqrt(n), c = {c:g}",
                "init": "scaled_normal",
                "kwargs": {"scale": c},
                "sigma2": c * c / width,
            }
        )
    for target in targets:
        schemes.append(
            {
                "name": f"variance-prescribed, Var = {target:g}",
                "init": "variance_prescribed",
                "kwargs": {"target_variance": target},
                "sigma2": None,
            }
        )
    return schemes


def layer_gain(width: int, scheme: dict[str, Any], tol: float) -> float:
    """``q``: output variance of one ``width x width`` layer for a unit-variance input.

    For a variance-prescribed scheme that is its target by construction (``solve_sigma2``).
    """
    from wishart_moments.variance import output_variance

    if scheme["sigma2"] is None:
        return float(scheme["kwargs"]["target_variance"])
    return output_variance(width, width, float(scheme["sigma2"]), tol=tol, seed=0).value


def predict(width: int, depth: int, gain: float) -> tuple[np.ndarray, np.ndarray]:
    """Predicted second moment and mean log-norm of the pre-activations of layers 1..depth."""
    from torch import nn

    from lipschitz_layers import activation_second_moment

    activation = nn.ELU()
    second = np.empty(depth)
    second[0] = gain
    for layer in range(1, depth):
        second[layer] = gain * activation_second_moment(activation, float(second[layer - 1]))
    return second, 0.5 * np.log(width * second)


def measure(
    width: int, depth: int, scheme: dict[str, Any], batch: int, seed: int, device: Any
) -> dict[str, np.ndarray]:
    """Per-layer second moment, per-unit variance and mean log-norm of one random network."""
    import torch
    from torch import nn

    from lipschitz_layers import LDLTMLP, LDLTLinear

    torch.manual_seed(seed)
    model = LDLTMLP(
        width,
        width,
        width,
        depth,
        activation=nn.ELU,
        init=scheme["init"],
        init_kwargs=scheme["kwargs"],
        device=device,
        dtype=torch.float64,
    )
    model.eval()
    outputs: list[torch.Tensor] = []
    handles = [
        m.register_forward_hook(lambda _m, _i, out: outputs.append(out))
        for m in model.modules()
        if isinstance(m, LDLTLinear)
    ]
    x = torch.randn(
        batch, width, generator=torch.Generator().manual_seed(seed + 1), dtype=torch.float64
    ).to(device)
    with torch.no_grad():
        model(x)
    for handle in handles:
        handle.remove()
    stack = torch.stack(outputs)  # (depth, batch, width)
    return {
        "second_moment": stack.pow(2).mean(dim=(1, 2)).cpu().numpy(),
        "variance": stack.var(dim=1).mean(dim=1).cpu().numpy(),
        "log_norm": torch.linalg.vector_norm(stack, dim=2).log().mean(dim=1).cpu().numpy(),
    }


def plot(rows: list[dict[str, Any]], names: list[str], path: Any) -> Any:
    fig, axes = _common.new_figure(1, 2, figsize=(12.0, 4.6))
    for name in names:
        mine = [r for r in rows if r["init"] == name]
        layer = np.array([r["layer"] for r in mine])
        for ax, key in zip(axes[0], ("second_moment", "log_norm"), strict=True):
            mean = np.array([r[f"{key}_mean"] for r in mine])
            low = np.array([r[f"{key}_min"] for r in mine])
            high = np.array([r[f"{key}_max"] for r in mine])
            (line,) = ax.plot(layer, mean, label=name)
            ax.fill_between(layer, low, high, color=line.get_color(), alpha=0.2)
            ax.plot(layer, [r[f"predicted_{key}"] for r in mine], ":", color="k", lw=0.9)
    axes[0][0].set_yscale("log")
    axes[0][0].set_ylabel("E[z_l^2] of the pre-activations")
    axes[0][1].set_ylabel("mean log ||z_l||")
    for ax in axes[0]:
        ax.set_xlabel("layer l")
        ax.plot([], [], ":", color="k", label="prediction (variance engine)")
    axes[0][0].legend(fontsize=7)
    return _common.save_figure_atomic(fig, path)


def main(args: argparse.Namespace) -> int:
    device = _common.resolve_device(args.device)
    _common.configure_threads(args)
    width = args.width or (32 if args.quick else 512)
    depth = args.depth or (30 if args.quick else 100)
    batch = args.batch or (256 if args.quick else 2048)
    networks = args.networks or (2 if args.quick else 5)
    tol = 2e-3 if args.quick else 1e-5
    targets = args.targets or ([0.9] if args.quick else [0.9, 0.99])
    schemes = init_schemes(width, args.scales, targets)
    progress = _common.Progress("signal_propagation", len(schemes) * networks)
    rows: list[dict[str, Any]] = []
    summary = []
    for scheme in schemes:
        gain = layer_gain(width, scheme, tol)
        predicted_second, predicted_log = predict(width, depth, gain)
        runs = []
        for index in range(networks):
            runs.append(measure(width, depth, scheme, batch, args.seed + 1000 * index, device))
            progress.step(f"{scheme['name']}, network {index + 1}")
        stacked = {key: np.stack([r[key] for r in runs]) for key in runs[0]}
        for layer in range(depth):
            row: dict[str, Any] = {
                "init": scheme["name"],
                "layer": layer + 1,
                "gain_q": gain,
                "predicted_second_moment": predicted_second[layer],
                "predicted_log_norm": predicted_log[layer],
            }
            for key, values in stacked.items():
                row[f"{key}_mean"] = float(values[:, layer].mean())
                row[f"{key}_min"] = float(values[:, layer].min())
                row[f"{key}_max"] = float(values[:, layer].max())
            rows.append(row)
        last = rows[-1]
        summary.append(
            {
                "init": scheme["name"],
                "layer_gain_q": gain,
                "second_moment_last_layer": last["second_moment_mean"],
                "predicted_second_moment_last_layer": last["predicted_second_moment"],
                "decay_per_layer_measured": math.exp(
                    math.log(last["second_moment_mean"] / rows[-depth]["second_moment_mean"])
                    / max(depth - 1, 1)
                ),
            }
        )
    out = args.out
    _common.write_csv_atomic(out / "signal_propagation.csv", rows)
    _common.write_json_atomic(
        out / "signal_propagation_summary.json",
        {"width": width, "depth": depth, "batch": batch, "networks": networks, "schemes": summary},
    )
    print(plot(rows, [s["name"] for s in schemes], out / "signal_propagation.png"))
    for entry in summary:
        print(
            f"{entry['init']}: q = {entry['layer_gain_q']:.4f}, E[z^2] at layer {depth}: "
            f"measured {entry['second_moment_last_layer']:.3e}, "
            f"predicted {entry['predicted_second_moment_last_layer']:.3e}"
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _common.make_parser("signal_propagation", __doc__.splitlines()[0])
    parser.add_argument("--width", type=int, help="layer width n (default 512; 32 with --quick)")
    parser.add_argument("--depth", type=int, help="number of layers (default 100; 30 quick)")
    parser.add_argument("--batch", type=int, help="input samples (default 2048; 256 quick)")
    parser.add_argument("--networks", type=int, help="independent networks (default 5; 2 quick)")
    parser.add_argument(
        "--scales",
        type=float,
        nargs="+",
        default=[1.0, 10.0],
        help="c of the sigma = c/sqrt(n) inits",
    )
    parser.add_argument(
        "--targets",
        type=float,
        nargs="+",
        help="output variances of the variance-prescribed inits (default 0.9 0.99; 0.9 quick)",
    )
    return parser


if __name__ == "__main__":
    sys.exit(_common.run_main(main, build_parser()))
