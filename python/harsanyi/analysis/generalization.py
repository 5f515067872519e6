"""Which interactions of a model generalize, judged by baseline models trained on held-out data
(theory.md §10; arXiv 2502.10162, 2505.06993), and which samples confuse it (arXiv 2502.08625).

A salient pattern (kind, S) of the target model on x is *generalizable* when some baseline's
interactions on the same x have it salient too, with the same sign:
``G_S = 1[S ∈ Ω_{v'}] · 1[sign I_S = sign I'_S]``.  Patterns are (kind, subset) pairs
without ∅; salience is ``|I| >= ratio · max |I|`` per sample, as in :mod:`.metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..generalization_result import (
    GENERALIZABLE,
    NOT_GENERALIZABLE,
    NOT_SALIENT,
    Generalization,
)
from ..subsets import subset_sizes
from .metrics import SALIENT_RATIO, _kind_parts, _salient

__all__ = ["Generalization", "generalization", "ConfusingSamples", "confusing_samples"]


def _check_same_inputs(result, baselines) -> None:
    names = getattr(result, "names", None)
    for i, other in enumerate(baselines):
        for kind, part in _kind_parts(result).items():
            theirs = _kind_parts(other).get(kind)
            if theirs is None or theirs.shape != part.shape:
                raise ValueError(
                    f"baseline {i} has {kind} interactions of shape "
                    f"{None if theirs is None else theirs.shape} where the target has "
                    f"{part.shape}: explain the baselines on the same inputs and players "
                    "(with method='and-or' for AND-OR targets)")
        if names and getattr(other, "names", None) and tuple(other.names) != tuple(names):
            raise ValueError(f"baseline {i} was explained with other players "
                             f"({other.names[:3]}...) than the target ({names[:3]}...)")


def generalization(result, baseline_results, ratio: float = SALIENT_RATIO) -> Generalization:
    """Label the target model's salient interactions generalizable or not (theory.md §10).

    Parameters
    ----------
    result : Interactions or (and, or) pair
        The target model's interactions, (B, 2**n) each.
    baseline_results : sequence of Interactions or pairs
        Baseline models' interactions on the same inputs and players (3 in the papers).
    ratio : float
        Salience: ``|I| >= ratio · max |I|`` per sample.

    Returns
    -------
    Generalization
    """
    baseline_results = list(baseline_results)
    if not baseline_results:
        raise ValueError("generalization needs at least one baseline model's interactions")
    _check_same_inputs(result, baseline_results)
    target = _kind_parts(result)
    joined = np.concatenate(list(target.values()), axis=1)
    salient_target = _salient(joined, ratio)
    agree = np.zeros(joined.shape, bool)
    for other in baseline_results:
        theirs = np.concatenate(list(_kind_parts(other).values()), axis=1)
        agree |= _salient(theirs, ratio) & (np.sign(theirs) == np.sign(joined))
    labels = np.where(salient_target, np.where(agree, GENERALIZABLE, NOT_GENERALIZABLE),
                      NOT_SALIENT).astype(np.int8)
    size = np.abs(joined) * salient_target
    kept = size.sum(axis=1)
    share = np.divide((size * (labels == GENERALIZABLE)).sum(axis=1), kept,
                      out=np.full(len(kept), np.nan), where=kept > 0)
    overall = float((size * (labels == GENERALIZABLE)).sum() / size.sum()) if size.sum() else np.nan
    width = next(iter(target.values())).shape[1]
    by_kind, strength = {}, {}
    for k, kind in enumerate(target):
        part = labels[:, k * width:(k + 1) * width]
        by_kind[kind] = np.concatenate([np.full((len(part), 1), NOT_SALIENT, np.int8), part], 1)
        strength[kind] = np.concatenate([np.zeros((len(part), 1)), np.abs(target[kind])], 1)
    n = (width + 1).bit_length() - 1
    return Generalization(by_kind, strength, share, overall, n)


def _is_result(x) -> bool:
    """Whether x is one model's interactions (not a list of them)."""
    return hasattr(x, "and_interactions") or isinstance(x, np.ndarray) or (
        isinstance(x, tuple) and all(isinstance(p, np.ndarray) or p is None for p in x))


@dataclass(frozen=True)
class ConfusingSamples:
    """Samples whose output rests on non-generalizable interactions, per model (§10).

    Attributes
    ----------
    scores : ndarray, shape (m, B)
        The non-generalizable share of each sample's salient strength among patterns of
        order >= `min_order` (NaN where none is salient).  The papers publish no exact
        score; this one is ours, a parameter of :func:`confusing_samples`.
    ranking : ndarray of int64, shape (m, B)
        Samples from the most confusing down, per model.
    confusing : ndarray of bool, shape (m, B)
        The top fraction of each model's ranking.
    """

    scores: np.ndarray
    ranking: np.ndarray
    confusing: np.ndarray

    def overlap(self) -> np.ndarray:
        """IoU of the models' confusing sets, shape (m, m)."""
        sets = self.confusing.astype(np.int64)
        both = sets @ sets.T
        either = sets.sum(1)[:, None] + sets.sum(1)[None, :] - both
        return np.divide(both, either, out=np.full(both.shape, np.nan), where=either > 0)


def confusing_samples(results_per_model, baseline_results, top: float = 0.1,
                      min_order: int = 1, ratio: float = SALIENT_RATIO) -> ConfusingSamples:
    """Rank samples by how far each model's output rests on non-generalizable interactions.

    Parameters
    ----------
    results_per_model : sequence of Interactions
        m models' interactions on the same B samples.
    baseline_results : sequence of Interactions, or sequence of such sequences
        The baselines' interactions on the same samples: one list for all models, or one
        list per model.
    top : float
        Fraction of samples called confusing per model (0.1: the top 10%).
    min_order : int
        Count only patterns of at least this order (the papers point at high orders).
    ratio : float
        Salience.
    """
    results = list(results_per_model)
    if not 0 < top <= 1:
        raise ValueError(f"top must be a fraction in (0, 1], got {top}")
    baseline_results = list(baseline_results)
    nested = bool(baseline_results) and not _is_result(baseline_results[0])
    per_model = baseline_results if nested else [baseline_results] * len(results)
    if len(per_model) != len(results):
        raise ValueError(f"{len(per_model)} lists of baselines for {len(results)} models")
    scores = []
    for result, baselines in zip(results, per_model):
        found = generalization(result, baselines, ratio)
        high = subset_sizes(found.n_players) >= min_order
        total = sum((found.strength[k] * (found.labels[k] >= 0))[:, high].sum(1)
                    for k in found.labels)
        bad = sum((found.strength[k] * (found.labels[k] == NOT_GENERALIZABLE))[:, high].sum(1)
                  for k in found.labels)
        scores.append(np.divide(bad, total, out=np.full(len(total), np.nan), where=total > 0))
    scores = np.stack(scores)
    ranking = np.argsort(-np.nan_to_num(scores, nan=-1.0), axis=1, kind="stable")
    count = max(1, int(round(top * scores.shape[1])))
    confusing = np.zeros(scores.shape, bool)
    np.put_along_axis(confusing, ranking[:, :count], True, axis=1)
    return ConfusingSamples(scores, ranking, confusing)
