"""The models of the certified-robustness experiment (LDLT under each initializer, torchlip, a
plain MLP), their Lipschitz bounds and predicted initial output variance, and one training run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _common
from .certified_data import Dataset
from .sweep.training import fit_run, predict, seed_run

LYAPUNOV_SLOPE = 0.01
FIRST_LAYER_CAP = 0.95


# --------------------------------------------------------------------------------------------
# models


def model_names(targets: list[float], scales: list[float], torchlip: bool = True) -> list[str]:
    """The model names of a run: variance targets, paper scales, He, Lyapunov, baselines."""
    names = [f"ldlt_variance_{t:g}" for t in targets]
    names += [f"ldlt_scaled_c{c:g}" for c in scales]
    names += ["ldlt_he", "ldlt_lyapunov"]
    if torchlip:
        names.append("torchlip_spectral_groupsort")
    names.append("mlp_unconstrained")
    return names


def _widths(config: dict[str, Any]) -> list[int]:
    data = config["data"]
    return [data["features"]] + [config["width"]] * (config["depth"] - 1) + [data["classes"]]


def _layer_shapes(config: dict[str, Any]) -> list[tuple[int, int]]:
    """``(m, n) = (out, in)`` of each layer."""
    widths = _widths(config)
    return [(widths[i + 1], widths[i]) for i in range(len(widths) - 1)]


def variance_targets(config: dict[str, Any], target: float) -> list[float]:
    """Per-layer targets: ``target``, capped at ``0.95 min(m, n) / m`` (the reachable bound)."""
    return [min(target, FIRST_LAYER_CAP * min(m, n) / m) for m, n in _layer_shapes(config)]


def _ldlt_init(config: dict[str, Any]) -> tuple[Any, dict[str, Any], list[float | None]]:
    """``(init, init_kwargs, sigma^2 per layer)`` of an ``ldlt_*`` model (``None`` where the
    layer's variance is prescribed instead)."""
    from lipschitz_layers import critical_scale
    from lipschitz_layers.init import lyapunov_normal_

    name = config["model"]
    shapes = _layer_shapes(config)
    if name.startswith("ldlt_variance_"):
        targets = variance_targets(config, float(name.removeprefix("ldlt_variance_")))
        return "variance_prescribed", {"target_variance": targets}, [None] * len(shapes)
    if name.startswith("ldlt_scaled_c"):
        c = float(name.removeprefix("ldlt_scaled_c"))
        return "scaled_normal", {"scale": c}, [c * c / n for _, n in shapes]
    if name == "ldlt_he":
        return "he_normal", {}, [2.0 / n for _, n in shapes]
    if name == "ldlt_lyapunov":
        sigma2 = [critical_scale(m, LYAPUNOV_SLOPE) ** 2 for m, _ in shapes]
        return lyapunov_normal_, {"negative_slope": LYAPUNOV_SLOPE}, sigma2
    raise ValueError(f"unknown model {name!r}")


def build_model(config: dict[str, Any]) -> Any:
    """The run's network, initialized from torch's global RNG."""
    from torch import nn

    name = config["model"]
    widths = _widths(config)
    if config["activation"] != "elu":
        raise ValueError(f"unknown activation {config['activation']!r}: allowed are 'elu'")
    if name.startswith("ldlt_"):
        from lipschitz_layers import LDLTMLP

        init, kwargs, _ = _ldlt_init(config)
        return LDLTMLP(
            widths[0],
            config["width"],
            widths[-1],
            config["depth"],
            activation=nn.ELU,
            init=init,
            init_kwargs=kwargs,
        )
    if name == "torchlip_spectral_groupsort":
        try:
            from deel import torchlip
        except ImportError:
            raise ValueError(
                "model 'torchlip_spectral_groupsort' needs deel-torchlip, which the experiments "
                "extra installs: python3 -m pip install -e '.[experiments]' (or --no-torchlip)"
            ) from None
        if config["width"] % 2:
            raise ValueError(f"GroupSort2 needs an even width, got {config['width']}")
        layers: list[nn.Module] = []
        for index in range(len(widths) - 1):
            if index:
                layers.append(torchlip.GroupSort2())
            layers.append(torchlip.SpectralLinear(widths[index], widths[index + 1]))
        return nn.Sequential(*layers)
    if name == "mlp_unconstrained":
        layers = []
        for index in range(len(widths) - 1):
            if index:
                layers.append(nn.ELU())
            layers.append(nn.Linear(widths[index], widths[index + 1]))
        return nn.Sequential(*layers)
    raise ValueError(f"unknown model {name!r}")


def _applied_weights(model: Any) -> list[Any]:
    """The matrices the layers apply (normalised for LDLT and torchlip), in eval mode."""
    from torch import nn

    from lipschitz_layers import LDLTLinear

    weights = []
    for module in model.modules():
        if isinstance(module, LDLTLinear):
            weights.append(module.normalized_weight())
        elif isinstance(module, nn.Linear):
            weights.append(module.weight)
    return weights


def layerwise_lipschitz(model: Any) -> float:
    """``prod_l ||W_l||_2`` over the applied weights (activations here are 1-Lipschitz)."""
    import torch

    with torch.no_grad():
        norms = [
            float(torch.linalg.matrix_norm(w.double(), ord=2)) for w in _applied_weights(model)
        ]
    return float(np.prod(norms))


def certified_lipschitz(config: dict[str, Any], model: Any) -> float:
    """The bound the certificate uses: ``LDLTMLP.lipschitz_constant()`` for LDLT nets, the
    product of exact spectral norms otherwise."""
    if config["model"].startswith("ldlt_"):
        return float(model.lipschitz_constant())
    return layerwise_lipschitz(model)


def predicted_output_variance(config: dict[str, Any], input_second_moment: float) -> float:
    """Predicted ``mean_i E f_i(x)^2`` at initialization (see the module docstring); NaN for
    the unconstrained MLP (no prediction made)."""
    name = config["model"]
    shapes = _layer_shapes(config)
    s = float(input_second_moment)
    if name == "torchlip_spectral_groupsort":
        for m, n in shapes:
            s *= min(m, n) / m
        return s
    if not name.startswith("ldlt_"):
        return float("nan")
    from torch import nn

    from lipschitz_layers import activation_second_moment
    from wishart_moments.variance import output_variance

    _, kwargs, sigma2 = _ldlt_init(config)
    targets = kwargs.get("target_variance")
    for index, (m, n) in enumerate(shapes):
        if sigma2[index] is None:
            q = float(targets[index])
        else:
            q = float(output_variance(m, n, float(sigma2[index]), tol=1e-6, seed=0).value)
        if index:
            s = activation_second_moment(nn.ELU(), s)
        s *= q
    return s


# --------------------------------------------------------------------------------------------
# one run


def radius_key(radius: float) -> str:
    """CSV column of a radius: ``certified_accuracy_<radius>`` (``%g``)."""
    return f"certified_accuracy_{radius:g}"


def train_run(
    config: dict[str, Any], data: dict[str, Dataset], device_name: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Train one configuration on ``data[config['data']['name']]``; return summary and epochs."""
    import torch
    from torch import nn

    from lipschitz_layers import certified_accuracy

    device = _common.resolve_device(device_name)
    dataset = data[config["data"]["name"]]
    generator = seed_run(config)
    x_train = torch.as_tensor(dataset.x_train, device=device)
    y_train = torch.as_tensor(dataset.y_train, device=device)
    x_test = torch.as_tensor(dataset.x_test, device=device)
    y_test = torch.as_tensor(dataset.y_test, device=device)

    model = build_model(config).to(device)
    model.eval()
    with torch.no_grad():
        measured = float(model(x_train).double().pow(2).mean())
    predicted = predicted_output_variance(config, float(x_train.double().pow(2).mean()))

    cross_entropy = nn.CrossEntropyLoss()
    temperature = config["logit_scale"]

    def loss_fn(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return cross_entropy(temperature * logits, labels)

    def after_epoch(epoch: int) -> dict[str, Any]:
        if epoch + 1 != config["epochs"] and (epoch + 1) % config["eval_every"]:
            return {}
        test = predict(model, x_test)
        return {"test_accuracy": float((test.argmax(1) == y_test).double().mean())}

    epochs = fit_run(model, loss_fn, x_train, y_train, config, generator, after_epoch)
    model.eval()
    lipschitz = certified_lipschitz(config, model)
    test_logits = predict(model, x_test)
    radii = [float(r) for r in config["radii"]]
    certified = certified_accuracy(test_logits, y_test, lipschitz, radii).tolist()
    layerwise = layerwise_lipschitz(model)
    certified_layerwise = certified_accuracy(test_logits, y_test, layerwise, radii).tolist()
    train_logits = predict(model, x_train)
    summary: dict[str, Any] = {
        "clean_accuracy": float((test_logits.argmax(1) == y_test).double().mean()),
        **{radius_key(r): float(a) for r, a in zip(radii, certified, strict=True)},
        "train_accuracy": float((train_logits.argmax(1) == y_train).double().mean()),
        "final_train_loss": epochs[-1]["train_loss"],
        "lipschitz_bound": lipschitz,
        "lipschitz_layerwise": layerwise,
        "certified_accuracy_layerwise": certified_layerwise,
        "seconds_per_epoch": float(np.mean([e["seconds"] for e in epochs])),
        "init_output_variance_measured": measured,
        "init_output_variance_predicted": predicted,
    }
    if config["model"].startswith("ldlt_variance_"):
        summary["targets"] = variance_targets(config, float(config["model"].split("_")[-1]))
    return summary, epochs
