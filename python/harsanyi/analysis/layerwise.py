"""Layerwise change of knowledge (theory.md §11, ICML'24): which interactions a layer shares
with the final layer, which it forgets and which come new.

:func:`layerwise_change` takes the layers' interactions; :func:`layerwise_knowledge` builds
them from a model first (linear probes per layer, :mod:`harsanyi.models.layer_probes`).
"""

from __future__ import annotations

import numpy as np

from ..layerwise_result import LayerwiseKnowledge
from ..subsets import subset_sizes
from .metrics import SALIENT_RATIO, _kind_parts, _salient

__all__ = ["layerwise_change", "layerwise_knowledge", "salient_iou"]


def layerwise_change(per_layer: dict, ratio: float = SALIENT_RATIO) -> LayerwiseKnowledge:
    """Completeness, redundancy, forgotten and new knowledge of each layer against the last.

    Parameters
    ----------
    per_layer : dict of str to Interactions (or (and, or) pairs)
        The layers' AND-OR interactions on the same inputs, lowest first; the last is L.
    ratio : float
        Salience ``|I| >= ratio · max |I|``, per layer and sample.
    """
    names = tuple(per_layer)
    if not names:
        raise ValueError("layerwise_change needs the interactions of at least one layer")
    parts = [_kind_parts(per_layer[name]) for name in names]
    if any(set(p) != {"and", "or"} for p in parts):
        raise ValueError("every layer needs AND-OR interactions (explain with method='and-or')")
    shape = parts[0]["and"].shape
    if any(p[k].shape != shape for p in parts for k in p):
        raise ValueError("the layers' interactions differ in shape: explain the same inputs "
                         "with the same players")
    n = (shape[1] + 1).bit_length() - 1
    sizes = subset_sizes(n)[1:]

    def kept(p):
        joined = np.concatenate([p["and"], p["or"]], axis=1)
        salient = _salient(joined, ratio)
        return [np.where(salient[:, :shape[1]], p["and"], 0.0),
                np.where(salient[:, shape[1]:], p["or"], 0.0)]

    final = kept(parts[-1])
    arrays = {key: np.zeros((len(names), n, 2)) for key in ("overlap", "total", "final")}
    for i, p in enumerate(parts):
        layer = kept(p)
        for j in range(2):
            shared = np.where(np.sign(layer[j]) == np.sign(final[j]),
                              np.minimum(np.abs(layer[j]), np.abs(final[j])), 0.0)
            for k in range(1, n + 1):
                at = sizes == k
                arrays["overlap"][i, k - 1, j] = shared[:, at].sum()
                arrays["total"][i, k - 1, j] = np.abs(layer[j][:, at]).sum()
                arrays["final"][i, k - 1, j] = np.abs(final[j][:, at]).sum()
    overlap, total, last = arrays["overlap"], arrays["total"], arrays["final"]
    forgotten, new = total - overlap, last - overlap
    completeness = np.divide(overlap, last, out=np.full(overlap.shape, np.nan), where=last > 0)
    redundancy = np.divide(forgotten, total, out=np.full(overlap.shape, np.nan), where=total > 0)
    return LayerwiseKnowledge(names, overlap, total, completeness, redundancy, forgotten, new,
                              dict(per_layer))


def layerwise_knowledge(model, x, y, layers, *, probe_data, noise_bound: float = 0.04,
                        ratio: float = SALIENT_RATIO, **options) -> LayerwiseKnowledge:
    """Follow knowledge through a network's layers (theory.md §11, ICML'24).

    Fits a linear probe on each layer's features of `probe_data`, explains each probe's
    log-odds of `y` on x with AND-OR interactions (noise bound 0.04), and compares every
    layer with the last one (:func:`layerwise_change`).

    Parameters
    ----------
    model : torch.nn.Module
    x : Tensor
        The inputs explained (100 images x 10 patches in the paper).
    y : int, sequence or Tensor
        The classes explained (the true labels).
    layers : sequence of str
        Module names, lowest first; the last is the reference layer L.
    probe_data : (Tensor, Tensor)
        Inputs and labels the probes are fitted on.
    noise_bound : float
        Of the AND-OR split (0.04 in the paper).
    ratio : float
        Salience.
    **options
        Game and solver options of :func:`harsanyi.explain` (players, baseline, tol, ...).
    """
    from ..models.layer_probes import layer_interactions

    per_layer = layer_interactions(model, x, y, layers, probe_data, noise_bound=noise_bound,
                                   **options)
    return layerwise_change(per_layer, ratio)


def salient_iou(result_a, result_b, ratio: float = SALIENT_RATIO) -> np.ndarray:
    """Per order and kind, the IoU of two explanations' salient sets, pooled over samples
    (theory.md §11: the same layer of two models, or two layers of one).

    Returns
    -------
    ndarray, shape (n, 2)
        Orders 1..n, AND then OR; NaN where neither has a salient pattern of that order.
    """
    parts = [_kind_parts(result_a), _kind_parts(result_b)]
    if any(set(p) != {"and", "or"} for p in parts) or \
            parts[0]["and"].shape != parts[1]["and"].shape:
        raise ValueError("salient_iou compares two AND-OR explanations of the same inputs")
    width = parts[0]["and"].shape[1]
    n = (width + 1).bit_length() - 1
    sizes = subset_sizes(n)[1:]
    kept = [_salient(np.concatenate([p["and"], p["or"]], axis=1), ratio) for p in parts]
    out = np.full((n, 2), np.nan)
    for j in range(2):
        a, b = (k[:, j * width:(j + 1) * width] for k in kept)
        for order in range(1, n + 1):
            at = sizes == order
            union = (a[:, at] | b[:, at]).sum()
            if union:
                out[order - 1, j] = (a[:, at] & b[:, at]).sum() / union
    return out
