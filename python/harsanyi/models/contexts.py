"""Player pairs and their contexts S ⊆ N \\ {i, j}, |S| = m, drawn for multi-order interactions
(theory.md §8).  Vectorised NumPy: no Python loop over pairs or contexts.

Contexts of one pair and order are *enumerated* when there are no more of them than the
contexts asked for (the estimate is then exact), and drawn uniformly, with replacement,
otherwise.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations
from math import comb

import numpy as np

__all__ = ["draw_pairs", "context_count", "ContextSampler"]

# Pairs per sample of the representation-bottleneck paper (theory.md §8).
DEFAULT_PAIRS = 200
# Above this many candidate pairs they are drawn by rejection instead of listed.
LISTED_PAIRS = 1 << 22


def _grid_pairs(players, neighbourhood: int) -> np.ndarray:
    """All pairs i < j of grid cells within Chebyshev distance `neighbourhood`."""
    rows, cols = players.settings["cells"]
    ids = np.arange(players.n)
    r, c = np.divmod(ids, cols)
    i, j = np.triu_indices(players.n, k=1)
    near = np.maximum(np.abs(r[i] - r[j]), np.abs(c[i] - c[j])) <= neighbourhood
    return np.stack([i[near], j[near]], axis=1)


def _explicit_pairs(pairs, n: int) -> np.ndarray:
    listed = np.asarray(pairs)
    if listed.ndim != 2 or listed.shape[1] != 2 or listed.dtype.kind not in "iu":
        raise ValueError(f"pairs must be a count or a list of (i, j) player pairs, got "
                         f"shape {listed.shape} of dtype {listed.dtype}")
    if len(listed) == 0:
        raise ValueError("pairs lists no pair; give at least one (i, j)")
    outside = ((listed < 0) | (listed >= n)).any(axis=1)
    if outside.any():
        raise ValueError(f"pair players must lie in 0..{n - 1}, got {listed[outside][0].tolist()}")
    same = listed[:, 0] == listed[:, 1]
    if np.any(same):
        raise ValueError(f"a pair needs two different players, got {listed[same][0].tolist()}")
    return listed.astype(np.int64)


def draw_pairs(players, pairs, samples: int, neighbourhood, rng) -> np.ndarray:
    """The pairs (i, j) of every sample, shape (samples, P, 2).

    `pairs` is an explicit list (the same for every sample) or a count drawn per sample
    without repetition: on a grid of cells, among the pairs within Chebyshev distance
    `neighbourhood` (None: any pair); uniformly among all pairs otherwise.  None asks
    for DEFAULT_PAIRS, or every pair where fewer exist.
    """
    n = players.n
    if n < 2:
        raise ValueError(f"pairwise interactions need at least 2 players, got n = {n}")
    if pairs is not None and (not isinstance(pairs, (int, np.integer)) or isinstance(pairs, bool)):
        listed = _explicit_pairs(pairs, n)
        return np.broadcast_to(listed, (samples,) + listed.shape).copy()
    count = DEFAULT_PAIRS if pairs is None else int(pairs)
    if count < 1:
        raise ValueError(f"pairs must be at least 1, got {count}")
    on_grid = players.kind == "grid" and neighbourhood is not None
    if on_grid:
        if int(neighbourhood) < 1:
            raise ValueError(f"neighbourhood must be at least 1 cell, got {neighbourhood}")
        candidates = _grid_pairs(players, int(neighbourhood))
        total = len(candidates)
    else:
        total = n * (n - 1) // 2
    if pairs is None:
        count = min(count, total)
    if count > total:
        where = f"within {neighbourhood} cells on this grid" if on_grid else f"among {n} players"
        raise ValueError(f"{count} pairs asked for, but only {total} distinct pairs exist "
                         f"{where}; ask for at most {total}")
    if not on_grid and total <= LISTED_PAIRS:
        candidates = np.stack(np.triu_indices(n, k=1), axis=1)
    if on_grid or total <= LISTED_PAIRS:
        chosen = np.argsort(rng.random((samples, total)), axis=1)[:, :count]
        return candidates[chosen]
    out = np.empty((samples, count, 2), dtype=np.int64)
    for b in range(samples):  # too many pairs to list: draw, drop repeats, top up
        found = np.empty((0, 2), dtype=np.int64)
        while len(found) < count:
            i, j = rng.integers(0, n, (2, 2 * count))
            fresh = np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1)[i != j]
            found = np.unique(np.concatenate([found, fresh]), axis=0)
        out[b] = found[rng.permutation(len(found))[:count]]
    return out


def context_count(n: int, m: int, contexts: int) -> tuple[int, bool]:
    """Contexts per pair at order m, and whether they enumerate all C(n-2, m) of them."""
    total = comb(n - 2, m)
    return (total, True) if total <= contexts else (contexts, False)


@lru_cache(maxsize=64)
def _enumerated_positions(n: int, m: int) -> np.ndarray:
    """Every context of size m as positions among the n - 2 other players, shared by all
    pairs and samples (built once: a sampler is made per sample and order)."""
    positions = np.array(list(combinations(range(n - 2), m)), dtype=np.int64)
    positions = positions.reshape(comb(n - 2, m), m)
    positions.setflags(write=False)
    return positions


class ContextSampler:
    """Coalitions S, S∪{i}, S∪{j}, S∪{i,j} for blocks of pairs at one order m.

    Parameters
    ----------
    n : int
        Number of players.
    m : int
        Context size, 0 <= m <= n - 2.
    contexts : int
        Contexts per pair asked for.
    rng : numpy.random.Generator
    """

    def __init__(self, n: int, m: int, contexts: int, rng):
        self.n, self.m, self.rng = n, m, rng
        self.count, self.exact = context_count(n, m, contexts)
        self._positions = _enumerated_positions(n, m) if self.exact else None

    def contexts(self, pairs: np.ndarray) -> np.ndarray:
        """Players of every context of every pair, shape (U, C, m), for pairs (U, 2)."""
        low = np.minimum(pairs[:, 0], pairs[:, 1])[:, None, None]
        high = np.maximum(pairs[:, 0], pairs[:, 1])[:, None, None]
        if self.exact:
            positions = np.broadcast_to(self._positions, (len(pairs),) + self._positions.shape)
        else:
            keys = self.rng.random((len(pairs), self.count, self.n - 2), dtype=np.float32)
            positions = np.argpartition(keys, self.m - 1, axis=-1)[..., :self.m] if self.m \
                else np.empty((len(pairs), self.count, 0), dtype=np.int64)
        # Position q among the others is player q, skipping `low` and then `high`.
        return positions + (positions >= low) + (positions >= high - 1)

    def coalitions(self, pairs: np.ndarray) -> np.ndarray:
        """Present players, bool (U, C, 4, n): S∪{i,j}, S∪{i}, S∪{j}, S."""
        units, count = len(pairs), self.count
        context = np.zeros((units, count, self.n), dtype=bool)
        context[np.arange(units)[:, None, None], np.arange(count)[None, :, None],
                self.contexts(pairs)] = True
        present = np.repeat(context[:, :, None, :], 4, axis=2)
        rows = np.arange(units)[:, None]
        present[rows, :, 0, pairs[:, :1]] = True
        present[rows, :, 0, pairs[:, 1:]] = True
        present[rows, :, 1, pairs[:, :1]] = True
        present[rows, :, 2, pairs[:, 1:]] = True
        return present
