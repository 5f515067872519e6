"""harsanyi: exact, fast AND/OR interactions of neural networks.

A game over n players is an array ``v`` of shape ``(..., 2**n)`` with ``v[..., S]`` the
output on the input where only the players in S are present (bit i of S = player i).
The definitions, conventions and published settings the package follows are in
``theory.md``; docstrings cite its sections.
"""

from importlib.metadata import PackageNotFoundError, version

from .indices import banzhaf_values, interaction_index, shapley_values
from .order_strength import OrderStrength, order_strength
from .subsets import (
    from_order,
    mask_of,
    players_of,
    subset_masks,
    subset_order,
    subset_sizes,
    to_order,
)
from .threads import get_num_threads, has_openmp, set_num_threads
from .top import TopInteractions, top_interactions
from .transforms import and_interactions, and_values, or_interactions, or_values

try:
    __version__ = version("harsanyi")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "and_interactions",
    "and_values",
    "or_interactions",
    "or_values",
    "shapley_values",
    "banzhaf_values",
    "interaction_index",
    "order_strength",
    "OrderStrength",
    "top_interactions",
    "TopInteractions",
    "subset_masks",
    "subset_sizes",
    "subset_order",
    "to_order",
    "from_order",
    "players_of",
    "mask_of",
    "get_num_threads",
    "set_num_threads",
    "has_openmp",
]
