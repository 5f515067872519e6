"""How an input is split into n players (theory.md §1).

A :class:`Players` holds an integer *player map* shaped like (the trailing dimensions of)
one input: entry ``p >= 0`` says that element belongs to player p, ``-1`` that it is
background, present in every masked input.  The constructors build the usual maps:

>>> import harsanyi as hs
>>> hs.players.features(4).n
4
>>> hs.players.grid((8, 8), cells=(4, 3), region=(0, 8, 1, 7)).map[0]
array([-1,  0,  0,  1,  1,  2,  2, -1])
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._validation import positive_int, whole_number

__all__ = ["Players", "features", "groups", "grid", "segments", "tokens", "feature_mask"]

# Players one split may have: games over all subsets stop at 40 (ModelGame checks), the
# sampled multi-order interactions go far beyond (a 16x16 grid is 256).
MAX_SPLIT_PLAYERS = 1 << 16
# Kinds whose map covers every dimension of one input.
FULL_SAMPLE_KINDS = ("features", "groups", "tokens")


@dataclass(frozen=True, eq=False)
class Players:
    """A split of one input into n players.

    Attributes
    ----------
    map : ndarray of int64
        Player id of every element of (the trailing dimensions of) one input, -1 for
        background.  Leading dimensions of the input that the map lacks (channels, for
        instance) share the map.
    names : tuple of str
        One name per player.
    kind : str
        Which constructor made it: "features", "groups", "grid", "segments", "tokens" or
        "feature_mask".
    full_sample : bool
        Whether the map covers every dimension of one input (so that an input with one
        more dimension is a batch).
    settings : dict
        The constructor's arguments, for the record kept with results.
    """

    map: np.ndarray
    names: tuple[str, ...]
    kind: str
    full_sample: bool
    settings: dict = field(default_factory=dict)

    def __post_init__(self):
        ids = np.asarray(self.map)
        if ids.dtype.kind not in "iu":
            raise TypeError(f"a player map holds integer player ids, got dtype {ids.dtype}")
        ids = ids.astype(np.int64)
        ids.setflags(write=False)
        object.__setattr__(self, "map", ids)
        present = np.unique(ids[ids >= 0])
        n = len(present)
        if np.any(ids < -1):
            raise ValueError("player ids must be >= 0, or -1 for background")
        if n and (present[0] != 0 or present[-1] != n - 1):
            missing = sorted(set(range(int(present[-1]) + 1)) - set(present.tolist()))
            raise ValueError(
                f"player ids must be 0..n-1 with every id used; ids {missing[:5]} are "
                "missing. Relabel with np.unique(ids, return_inverse=True)"
            )
        if n > MAX_SPLIT_PLAYERS:
            raise ValueError(f"{n} players is more than the {MAX_SPLIT_PLAYERS} supported")
        if len(self.names) != n:
            raise ValueError(f"{len(self.names)} names given for {n} players")

    @property
    def n(self) -> int:
        """Number of players."""
        return len(self.names)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the player map."""
        return self.map.shape

    def describe(self) -> dict:
        """A JSON-serialisable record of the split."""
        return {"kind": self.kind, "n": self.n, "names": list(self.names), **self.settings}

    @classmethod
    def from_record(cls, map, described: dict) -> "Players":
        """The split that :meth:`describe` recorded, with its player `map`."""
        settings = {k: v for k, v in described.items() if k not in ("kind", "n", "names")}
        return cls(map, tuple(described["names"]), described["kind"],
                   described["kind"] in FULL_SAMPLE_KINDS, settings)

    def check_input(self, sample_shape: tuple[int, ...]) -> None:
        """Raise ValueError unless the map lines up with one input of `sample_shape`."""
        trailing = tuple(sample_shape[len(sample_shape) - len(self.shape):]) \
            if len(sample_shape) >= len(self.shape) else None
        if trailing != self.shape or (self.full_sample and len(sample_shape) != len(self.shape)):
            raise ValueError(
                f"the {self.kind} players map has shape {self.shape}, which does not line up "
                f"with one input of shape {tuple(sample_shape)}; the map must equal the "
                "trailing dimensions of one input"
                + (" (all of them)" if self.full_sample else "")
            )

    def __repr__(self) -> str:
        return f"Players(kind={self.kind!r}, n={self.n}, shape={self.shape})"


def _count_of_ids(ids: np.ndarray) -> int:
    """n for player ids 0..n-1 (and -1 background), checked against the largest n before
    anything of size n (the names) is built."""
    if not ids.size or ids.max() < 0:
        return 0
    largest = int(ids.max())
    if largest >= MAX_SPLIT_PLAYERS:
        raise ValueError(f"player id {largest} means at least {largest + 1} players; at most "
                         f"{MAX_SPLIT_PLAYERS} are supported (ids are 0..n-1, -1 for background)")
    return largest + 1


def _names(names, n: int, default) -> tuple[str, ...]:
    if names is None:
        return tuple(default(i) for i in range(n))
    names = tuple(str(name) for name in names)
    if len(names) != n:
        raise ValueError(f"{len(names)} names given for {n} players")
    return names


def features(n_features: int, names=None) -> Players:
    """Every feature of a tabular input is a player.

    Parameters
    ----------
    n_features : int
        Number of features (columns) of one input.
    names : sequence of str, optional
        Feature names (default ``x0, x1, ...``).
    """
    n_features = positive_int(n_features, "n_features")
    return Players(np.arange(n_features), _names(names, n_features, lambda i: f"x{i}"),
                   "features", True, {"n_features": n_features})


def groups(groups, n_features: int, names=None) -> Players:
    """Groups of tabular features, one player per group; the other features are background.

    Parameters
    ----------
    groups : sequence of sequences of int
        The feature indices of each player.
    n_features : int
        Number of features of one input.
    names : sequence of str, optional
        Player names (default ``g0, g1, ...``).
    """
    n_features = positive_int(n_features, "n_features")
    ids = np.full(n_features, -1, dtype=np.int64)
    for player, members in enumerate(groups):
        members = np.array([whole_number(m, f"a feature index of group {player}")
                            for m in members], dtype=np.int64)
        if members.size == 0:
            raise ValueError(f"group {player} is empty")
        if members.min() < 0 or members.max() >= n_features:
            raise ValueError(f"group {player} names a feature outside 0..{n_features - 1}")
        if np.any(ids[members] >= 0):
            raise ValueError(f"group {player} overlaps an earlier group: a feature can "
                             "belong to one player only")
        ids[members] = player
    n = int(ids.max()) + 1 if (ids >= 0).any() else 0
    return Players(ids, _names(names, n, lambda i: f"g{i}"), "groups", True,
                   {"groups": [np.flatnonzero(ids == p).tolist() for p in range(n)]})


def grid(shape, cells, region=None, names=None) -> Players:
    """Image patches on a grid of cells; pixels outside `region` are background.

    Parameters
    ----------
    shape : (int, int)
        Height and width of the image (channels share the grid).
    cells : (int, int)
        Number of cell rows and columns.  Cells split the region as evenly as possible.
    region : (top, bottom, left, right), optional
        The pixel rows [top, bottom) and columns [left, right) the grid covers (default:
        the whole image).
    names : sequence of str, optional
        Player names (default ``r{row}c{col}``); players are numbered row by row.
    """
    height, width = (positive_int(s, "shape") for s in tuple(shape)[-2:])
    rows, cols = (positive_int(c, "cells") for c in cells)
    top, bottom, left, right = region if region is not None else (0, height, 0, width)
    if not (0 <= top < bottom <= height and 0 <= left < right <= width):
        raise ValueError(f"region {tuple(region)} is not inside an image of {height}x{width}")
    if rows > bottom - top or cols > right - left:
        raise ValueError(f"{rows}x{cols} cells do not fit in a region of "
                         f"{bottom - top}x{right - left} pixels")
    ids = np.full((height, width), -1, dtype=np.int64)
    row_edges = np.linspace(top, bottom, rows + 1).round().astype(int)
    col_edges = np.linspace(left, right, cols + 1).round().astype(int)
    for r in range(rows):
        for c in range(cols):
            ids[row_edges[r]:row_edges[r + 1], col_edges[c]:col_edges[c + 1]] = r * cols + c
    return Players(ids, _names(names, rows * cols, lambda i: f"r{i // cols}c{i % cols}"),
                   "grid", False,
                   {"shape": [height, width], "cells": [rows, cols],
                    "region": [int(top), int(bottom), int(left), int(right)]})


def segments(segmentation, names=None) -> Players:
    """A given segmentation: pixel (or element) ids 0..n-1 name the players, -1 background.

    Parameters
    ----------
    segmentation : array_like of int
        Segment id of every element of the trailing dimensions of one input.
    names : sequence of str, optional
        Player names (default ``s0, s1, ...``).
    """
    ids = np.asarray(segmentation)
    if ids.dtype.kind not in "iu":
        raise TypeError(f"a segmentation holds integer ids, got dtype {ids.dtype}")
    n = _count_of_ids(ids)
    return Players(ids, _names(names, n, lambda i: f"s{i}"), "segments", False,
                   {"shape": list(ids.shape)})


def tokens(length: int, positions=None, names=None) -> Players:
    """Token positions of a sequence; positions not listed are background.

    Mask them by replacing the token id with a baseline id (``baseline=<pad or mask id>``)
    or, with ``embedding=<module>`` in :func:`harsanyi.model_game`, by replacing the
    output of the embedding layer at masked positions.

    Parameters
    ----------
    length : int
        Sequence length of one input.
    positions : sequence of int, optional
        The positions that are players (default: all), in player order.
    names : sequence of str, optional
        Player names, e.g. the words (default ``t{position}``).
    """
    length = positive_int(length, "length")
    positions = list(range(length)) if positions is None else [int(p) for p in positions]
    if len(set(positions)) != len(positions):
        raise ValueError("token positions must be distinct")
    if positions and (min(positions) < 0 or max(positions) >= length):
        raise ValueError(f"token positions must lie in 0..{length - 1}")
    ids = np.full(length, -1, dtype=np.int64)
    ids[positions] = np.arange(len(positions))
    return Players(ids, _names(names, len(positions), lambda i: f"t{positions[i]}"),
                   "tokens", True, {"length": length, "positions": positions})


def feature_mask(mask, names=None) -> Players:
    """A Captum-style feature mask: integer player ids broadcast to the input.

    Parameters
    ----------
    mask : array_like or torch.Tensor of int
        Ids 0..n-1 (and -1 for background) shaped like the trailing dimensions of one
        input; a leading dimension of size 1 is dropped.
    names : sequence of str, optional
        Player names (default ``f0, f1, ...``).
    """
    if hasattr(mask, "detach"):
        mask = mask.detach().cpu().numpy()
    ids = np.asarray(mask)
    if ids.ndim > 1 and ids.shape[0] == 1:
        ids = ids[0]
    if ids.dtype.kind not in "iu":
        raise TypeError(f"a feature mask holds integer ids, got dtype {ids.dtype}")
    n = _count_of_ids(ids)
    return Players(ids, _names(names, n, lambda i: f"f{i}"), "feature_mask", False,
                   {"shape": list(ids.shape)})
