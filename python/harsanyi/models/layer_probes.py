"""Interactions of a network's intermediate layers, read through linear probes (theory.md §11,
ICML'24).

For each layer l a linear probe is fitted on the layer's features of the probe data
(multinomial logistic regression, full-batch L-BFGS in PyTorch: a convex problem, solved to
convergence on the model's device with no further dependency); the layer's game is the
probe's log-odds of the target class on the masked input, v^(l)(x_T).
"""

from __future__ import annotations

import torch

from .explain import explain
from .values import evaluation_mode

__all__ = ["layer_interactions", "fit_probe", "ProbedLayer"]


class _Captured(Exception):
    """Raised by the hook once the layer's output is in hand: the rest of the network is
    not needed."""


class ProbedLayer(torch.nn.Module):
    """The model up to `layer`, then a linear `probe` on its flattened output."""

    def __init__(self, model, layer: torch.nn.Module, probe: torch.nn.Module):
        super().__init__()
        self.model, self.layer, self.probe = model, layer, probe

    def features(self, *args, **kwargs) -> torch.Tensor:
        captured = {}

        def hook(module, inputs, output):
            captured["out"] = output[0] if isinstance(output, tuple) else output
            raise _Captured

        handle = self.layer.register_forward_hook(hook)
        try:
            self.model(*args, **kwargs)
        except _Captured:
            pass
        finally:
            handle.remove()
        if "out" not in captured:
            raise RuntimeError("the layer was not called in the model's forward pass")
        return captured["out"].flatten(1)

    def forward(self, *args, **kwargs):
        return self.probe(self.features(*args, **kwargs))


def fit_probe(probed: ProbedLayer, x, y, classes: int, l2: float = 1e-4,
              steps: int = 200) -> torch.nn.Linear:
    """A linear probe on the layer's features of (x, y), fitted by full-batch L-BFGS on
    cross-entropy plus ``l2·‖W‖²``; refuses a probe whose loss is not finite."""
    with evaluation_mode(probed.model), torch.no_grad():
        features = probed.features(x).detach().to(torch.float32)
    if not bool(torch.isfinite(features).all()):
        raise RuntimeError("the probe did not fit: the layer's features on the probe data "
                           "hold NaN or Inf")
    probe = torch.nn.Linear(features.shape[1], classes).to(features.device)
    optimiser = torch.optim.LBFGS(probe.parameters(), lr=1.0, max_iter=steps,
                                  line_search_fn="strong_wolfe")
    y = torch.as_tensor(y, device=features.device).long()

    def closure():
        optimiser.zero_grad()
        loss = torch.nn.functional.cross_entropy(probe(features), y) \
            + l2 * probe.weight.square().sum()
        loss.backward()
        return loss

    try:
        loss = optimiser.step(closure)
    except RuntimeError as error:
        raise RuntimeError(f"the probe did not fit: {error}") from error
    if not torch.isfinite(loss):
        raise RuntimeError(f"the probe did not fit (loss {float(loss)}); scale the features "
                           "or raise l2")
    return probe.eval()


def layer_interactions(model, x, target, layers, probe_data, *, classes=None, l2=1e-4,
                       **options) -> dict:
    """The interactions of each named layer's probe on x (theory.md §11).

    Parameters
    ----------
    model : torch.nn.Module
    x : Tensor
        The inputs explained.
    target : int, sequence or Tensor
        The class explained (the true labels in the paper).
    layers : sequence of str
        Names from ``model.named_modules()``, lowest first; the last is the reference L.
    probe_data : (Tensor, Tensor)
        Inputs and labels the probes are fitted on.
    classes : int, optional
        Number of classes (default: the largest label + 1).
    **options
        Game and solver options of :func:`harsanyi.explain` (method is "and-or").

    Returns
    -------
    dict of str to Interactions
        By layer name, in the order given; each probe's probe-data accuracy is in its
        ``settings["probe_accuracy"]``.
    """
    named = dict(model.named_modules())
    missing = [name for name in layers if name not in named]
    if missing or not layers:
        raise ValueError(f"no layer named {missing or layers!r} in the model; it has "
                         f"{[n for n in named if n][:20]}")
    probe_x, probe_y = probe_data
    classes = int(torch.as_tensor(probe_y).max()) + 1 if classes is None else int(classes)
    out = {}
    for name in layers:
        probed = ProbedLayer(model, named[name], torch.nn.Identity())
        probed.probe = fit_probe(probed, probe_x, probe_y, classes, l2)
        with torch.no_grad(), evaluation_mode(model):
            accuracy = (probed(probe_x).argmax(1) == torch.as_tensor(probe_y)).float().mean()
        result = explain(probed, x, target=target, method="and-or", **options)
        result.settings.update(layer=name, probe_accuracy=float(accuracy))
        out[name] = result
    return out
