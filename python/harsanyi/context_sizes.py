"""Context sizes m of multi-order interactions I^(m)(i,j), as integers or ratios (theory.md §8)."""

from __future__ import annotations

import numpy as np

__all__ = ["orders_of", "BOTTLENECK_RATIOS"]

# The orders of the representation-bottleneck paper, as ratios m / (n - 2) (theory.md §8).
BOTTLENECK_RATIOS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0)


def orders_of(orders, n: int) -> np.ndarray:
    """Context sizes m for n players: integers as they are, floats in [0, 1] as ratios
    (``m = ⌊(n - 2) r⌋``); None gives every m = 0 .. n - 2."""
    if n < 2:
        raise ValueError(f"pairwise interactions need at least 2 players, got n = {n}")
    if orders is None:
        return np.arange(n - 1)
    orders = np.atleast_1d(np.asarray(orders))
    if orders.dtype.kind == "f":
        if np.any((orders < 0) | (orders > 1)) or not np.all(np.isfinite(orders)):
            raise ValueError(f"order ratios must lie in [0, 1], got {orders.tolist()}")
        return np.floor((n - 2) * orders + 1e-9).astype(np.int64)
    if orders.dtype.kind not in "iu" or np.any((orders < 0) | (orders > n - 2)):
        raise ValueError(f"orders must be integers in 0..{n - 2} or ratios in [0, 1], got "
                         f"{orders.tolist()}")
    return orders.astype(np.int64)
