"""The main job of ``make demo``: explain a small game and print what it encodes.

Run ``python -m harsanyi.demo`` (or ``make demo``).
"""

from __future__ import annotations

import argparse

import numpy as np

from .indices import interaction_index, shapley_values
from .strength import order_strength
from .subsets import subset_masks
from .top import top_interactions
from .transforms import and_interactions, or_interactions


def planted_game(n: int = 6, seed: int = 0) -> np.ndarray:
    """v(S) = 2·[0 and 1 present] + 1.5·[2 or 3 present] - [1, 4 and 5 present] + noise."""
    present = subset_masks(n)
    v = (2.0 * (present[:, 0] & present[:, 1]) + 1.5 * (present[:, 2] | present[:, 3])
         - 1.0 * (present[:, 1] & present[:, 4] & present[:, 5]))
    return v + 0.01 * np.random.default_rng(seed).standard_normal(v.shape)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out", help="folder for figures and summaries")
    args = parser.parse_args(argv)
    del args  # the figures arrive with the training-loop tracker

    v = planted_game()
    names = ["x0", "x1", "x2", "x3", "x4", "x5"]
    I_and, I_or = and_interactions(v), or_interactions(v)
    print("A game over 6 players: 2·(x0 AND x1) + 1.5·(x2 OR x3) − (x1 AND x4 AND x5) + noise\n")
    print("Strongest AND interactions:")
    print(top_interactions(I_and, 6, names=names).to_dataframe().to_string(index=False))
    print("\nStrongest OR interactions:")
    print(top_interactions(I_or, 4, names=names).to_dataframe().to_string(index=False))
    print("\nShapley values:", np.round(shapley_values(I_and), 3))
    print("Shapley interaction index of (x0, x1):", round(float(interaction_index(I_and)[0b11]), 3))
    strength = order_strength(I_and, 0.05, relative=True)
    print("Salient AND strength per order:", np.round(strength.absolute, 3))


if __name__ == "__main__":
    main()
