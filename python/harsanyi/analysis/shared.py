"""How far several models' explanations of the same inputs share their concepts (theory.md §9,
ICLR'24 Def. 1)."""

from __future__ import annotations

import numpy as np

from .metrics import SALIENT_RATIO, _kind_parts, _salient

__all__ = ["shared_share"]


def _top(values: np.ndarray, k: int) -> np.ndarray:
    """The k strongest patterns of each sample (B, K) as a bool mask (ties by position)."""
    order = np.argsort(-np.abs(values), axis=1, kind="stable")[:, :min(k, values.shape[1])]
    kept = np.zeros(values.shape, bool)
    np.put_along_axis(kept, order, True, axis=1)
    return kept


def shared_share(results, k=None, ratio: float = SALIENT_RATIO) -> dict:
    """``s^(i) = |∩_j Ω^(j)| / |Ω^(i)|`` per model, sample and kind (theory.md §9, Def. 1).

    Parameters
    ----------
    results : sequence of Interactions or (and, or) pairs
        The m models' interactions on the same inputs (e.g. from
        :func:`harsanyi.explain_shared`, or independent :func:`harsanyi.explain` calls).
    k : int, sequence of int, or None
        Ω^(i) is the top-k patterns of model i by |I| (several k: a curve); None: its
        salient patterns (``|I| >= ratio · max |I|``).  ∅ is no pattern.
    ratio : float
        Salience for ``k=None``.

    Returns
    -------
    dict of str to ndarray
        ``"and"`` and ``"or"``: shape (m, B), or (m, B, len(k)) for several k; NaN where
        Ω^(i) is empty.
    """
    results = list(results)
    if len(results) < 2:
        raise ValueError(f"shared_share compares at least 2 models, got {len(results)}")
    parts = [_kind_parts(r) for r in results]
    kinds = set.intersection(*(set(p) for p in parts))
    several = k is not None and np.ndim(k) == 1
    ks = list(np.atleast_1d(k)) if k is not None else [None]
    for kk in ks:
        if kk is not None and (isinstance(kk, bool) or int(kk) != kk or kk < 1):
            raise ValueError(f"k must be positive integers or None, got {k!r}")
    out = {}
    for kind in sorted(kinds):
        values = [p[kind] for p in parts]
        if any(v.shape != values[0].shape for v in values):
            raise ValueError(f"the models' {kind} interactions differ in shape: "
                             f"{[v.shape for v in values]}; explain the same inputs")
        curves = []
        for kk in ks:
            kept = [_salient(v, ratio) if kk is None else _top(v, int(kk)) for v in values]
            common = np.logical_and.reduce(kept).sum(axis=1)
            counts = np.stack([x.sum(axis=1) for x in kept])
            curves.append(np.divide(common, counts, out=np.full(counts.shape, np.nan),
                                    where=counts > 0))
        out[kind] = np.stack(curves, axis=-1) if several else curves[0]
    return out
