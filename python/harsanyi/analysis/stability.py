"""Stability of interactions under input noise (theory.md §11, ICML'24).

An interaction that a small perturbation of the input overturns is not knowledge the
network relies on.  Explain the same samples several times with independent Gaussian noise
on the input (σ = 0.02 in the paper) and compare each pattern's mean with its spread.
"""

from __future__ import annotations

import numpy as np

from ..subsets import subset_sizes
from .metrics import KINDS, SALIENT_RATIO, _kind_parts, _salient

__all__ = ["stability"]


def stability(draws, ratio: float = SALIENT_RATIO) -> dict:
    """|mean I(S)| / std I(S) of every pattern over explanations under input noise (§11).

    Parameters
    ----------
    draws : sequence of Interactions (or arrays, or (and, or) pairs)
        At least two explanations of the same samples with the same players, each on its
        own draw of noise on the input, e.g.
        ``[hs.explain(model, x + 0.02 * torch.randn_like(x), ...) for _ in range(10)]``.
    ratio : float
        A pattern counts in ``by_order`` where it is salient in the mean explanation of its
        sample: ``|mean I| >= ratio · max |mean I|``.

    Returns
    -------
    dict
        ``"and"`` and ``"or"`` (those the draws have): (B, 2**n - 1) stabilities of every
        pattern but ∅, ``inf`` where the draws agree exactly on a nonzero value and NaN where
        they are all 0; the standard deviation is over draws (ddof 1).  ``"by_order"``:
        (n, kinds) medians over the salient patterns of each order (NaN where none is).
    """
    draws = list(draws)
    if len(draws) < 2:
        raise ValueError(f"stability needs at least 2 explanations under independent noise, "
                         f"got {len(draws)}")
    parts = [_kind_parts(draw) for draw in draws]
    kinds = [kind for kind in KINDS if kind in parts[0]]
    if any(list(p) != kinds or any(p[k].shape != parts[0][k].shape for k in kinds)
           for p in parts):
        raise ValueError("the draws differ in kind or shape: explain the same samples with "
                         "the same players and method each time")
    width = parts[0][kinds[0]].shape[1]
    n = (width + 1).bit_length() - 1
    sizes = subset_sizes(n)[1:]
    mean = {k: np.mean([p[k] for p in parts], axis=0) for k in kinds}
    salient = _salient(np.concatenate([mean[k] for k in kinds], axis=1), ratio)
    out = {}
    by_order = np.full((n, len(kinds)), np.nan)
    for j, kind in enumerate(kinds):
        spread = np.std([p[kind] for p in parts], axis=0, ddof=1)
        size = np.abs(mean[kind])
        with np.errstate(divide="ignore", invalid="ignore"):
            out[kind] = np.where(spread > 0, size / np.where(spread > 0, spread, 1.0),
                                 np.where(size > 0, np.inf, np.nan))
        kept = salient[:, j * width:(j + 1) * width]
        for order in range(1, n + 1):
            values = out[kind][kept & (sizes == order)[None]]
            if values.size:
                by_order[order - 1, j] = np.median(values)
    out["by_order"] = by_order
    return out
