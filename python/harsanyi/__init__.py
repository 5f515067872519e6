"""harsanyi: exact, fast AND/OR interactions of neural networks.

A game over n players is an array ``v`` of shape ``(..., 2**n)`` with ``v[..., S]`` the
output on the input where only the players in S are present (bit i of S = player i).
The definitions, conventions and published settings the package follows are in
``theory.md``, which ships with the package (``harsanyi.theory_reference()`` gives its
path); docstrings cite its sections.
"""

from importlib.metadata import PackageNotFoundError, version

from . import analysis
from .analysis.generalization import confusing_samples, generalization
from .analysis.layerwise import layerwise_knowledge
from .analysis.multi_order import pairwise_interactions
from .context_sizes import BOTTLENECK_RATIOS
from .and_or import AndOrResult, ConvergenceWarning, and_or
from .dynamics import phases, theory
from .dynamics.distribution import OrderDistribution, order_distribution
from .dynamics.history import DynamicsHistory
from .indices import banzhaf_values, interaction_index, shapley_values
from .models.options import GameOptions
from .multi_order_result import MultiOrderInteractions
from .result import Interactions, load
from .shared_and_or import SharedAndOrResult, shared_and_or
from .strength import OrderStrength, order_strength
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

# Parts that need PyTorch load on first use, so that the array API works without it.
_TORCH_ATTRIBUTES = {
    "players": ("harsanyi.models.players", None),
    "baselines": ("harsanyi.models.baselines", None),
    "model_game": ("harsanyi.models.explain", "model_game"),
    "ModelGame": ("harsanyi.models.game", "ModelGame"),
    "explain": ("harsanyi.models.explain", "explain"),
    "explain_shared": ("harsanyi.models.explain_shared", "explain_shared"),
    "multi_order": ("harsanyi.models.multi_order", "multi_order"),
    "order_loss": ("harsanyi.models.order_loss", "order_loss"),
    "learn_baseline": ("harsanyi.models.learned_baseline", "learn_baseline"),
    "train_baselines": ("harsanyi.models.train_baselines", "train_baselines"),
    "plots": ("harsanyi.plots", None),
    "DynamicsTracker": ("harsanyi.dynamics.tracker", "DynamicsTracker"),
    "CorruptCheckpointError": ("harsanyi.dynamics.store", "CorruptCheckpointError"),
    "track_checkpoints": ("harsanyi.dynamics.saved_checkpoints", "track_checkpoints"),
    "DynamicsCallback": ("harsanyi.dynamics.lightning", "DynamicsCallback"),
}


def __getattr__(name):
    if name not in _TORCH_ATTRIBUTES:
        raise AttributeError(f"module 'harsanyi' has no attribute {name!r}")
    import importlib

    module_name, attribute = _TORCH_ATTRIBUTES[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        if "torch" not in str(error) or name == "plots":
            raise
        raise ImportError(f"harsanyi.{name} needs PyTorch: pip install torch "
                          "(or pip install 'harsanyi[torch]')") from error
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def theory_reference():
    """The path of ``theory.md``: the definitions, conventions and published settings that
    the docstrings cite by section (``theory.md §4`` and so on)."""
    from importlib.resources import files

    return files("harsanyi").joinpath("theory.md")


try:
    __version__ = version("harsanyi")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "explain",
    "model_game",
    "ModelGame",
    "GameOptions",
    "players",
    "baselines",
    "learn_baseline",
    "plots",
    "DynamicsTracker",
    "track_checkpoints",
    "DynamicsCallback",
    "DynamicsHistory",
    "CorruptCheckpointError",
    "theory",
    "phases",
    "analysis",
    "pairwise_interactions",
    "BOTTLENECK_RATIOS",
    "order_distribution",
    "OrderDistribution",
    "Interactions",
    "load",
    "and_or",
    "AndOrResult",
    "ConvergenceWarning",
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
    "theory_reference",
]
