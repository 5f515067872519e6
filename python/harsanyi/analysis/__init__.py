"""Analyses over interactions: metrics, interactions shared across models, multi-order
interactions, generalization power and layerwise knowledge (theory.md §8-§11).

Each analysis takes game values or :class:`harsanyi.Interactions` and lives in a module of
its own here; :func:`layerwise_knowledge` alone starts from a model, building the layers'
interactions through the models layer (loaded on call, so this package needs no PyTorch).
"""

from .multi_order import (
    BOTTLENECK_RATIOS,
    attack_utility,
    disentanglement,
    multi_order_strength,
    orders_of,
    pairwise_interactions,
)
from .generalization import ConfusingSamples, Generalization, confusing_samples, generalization
from .layerwise import layerwise_change, layerwise_knowledge, salient_iou
from .shared import shared_share
from .stability import stability
from .metrics import (
    cover_ratio,
    discrimination_power,
    explanation_ratio,
    salient_count,
    shared_ratio,
    strength_curve,
    transferability,
)

__all__ = ["strength_curve", "explanation_ratio", "transferability", "cover_ratio",
           "shared_ratio", "discrimination_power", "salient_count", "pairwise_interactions",
           "orders_of", "BOTTLENECK_RATIOS", "multi_order_strength", "attack_utility",
           "disentanglement", "shared_share", "generalization", "Generalization",
           "confusing_samples", "ConfusingSamples", "layerwise_change", "layerwise_knowledge",
           "salient_iou", "stability"]
