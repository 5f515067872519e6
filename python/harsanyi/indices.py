"""Shapley and Banzhaf values and interaction indices from AND interactions (theory.md §3)."""

from __future__ import annotations

import numpy as np

from . import _core
from ._validation import check_memory, game_array, require_finite

__all__ = ["shapley_values", "banzhaf_values", "interaction_index"]

_INDICES = {"sii": _core.SII, "bii": _core.BII}


def _player_values(kind: int, and_interactions, or_interactions, check_finite: bool):
    m, n = game_array(and_interactions, "and_interactions")
    extra = None
    if or_interactions is not None:
        extra, _ = game_array(or_interactions, "or_interactions")
        if extra.shape != m.shape:
            raise ValueError(
                f"or_interactions has shape {extra.shape} but and_interactions has "
                f"shape {m.shape}; pass the two parts of one decomposition"
            )
        dtype = np.result_type(m, extra)
        m, extra = m.astype(dtype, copy=False), extra.astype(dtype, copy=False)
    if check_finite:
        require_finite(m, "and_interactions")
        if extra is not None:
            require_finite(extra, "or_interactions")
    out = np.empty(m.shape[:-1] + (n,), dtype=m.dtype)
    _core.player_values(m, extra, out, kind)
    return out


def shapley_values(and_interactions, or_interactions=None, *, check_finite: bool = True):
    """Shapley values from AND (and optionally OR) interactions (theory.md §3).

    ``φ_i = Σ_{T∋i} (I_and(T) + I_or(T)) / |T|``: every interaction is shared equally
    by its players, so the values of an AND-OR decomposition are those of the game.

    Parameters
    ----------
    and_interactions : array_like, shape (..., 2**n)
        AND interactions (Möbius coefficients) of the game.
    or_interactions : array_like, shape (..., 2**n), optional
        OR interactions of an AND-OR decomposition (their entry at ∅ is ignored).
    check_finite : bool, default True
        Raise ValueError if an input holds NaN or Inf.

    Returns
    -------
    ndarray, shape (..., n)
        ``φ_i`` for each player i.
    """
    return _player_values(_core.SHAPLEY, and_interactions, or_interactions, check_finite)


def banzhaf_values(and_interactions, or_interactions=None, *, check_finite: bool = True):
    """Banzhaf values from AND (and optionally OR) interactions (theory.md §3).

    ``β_i = Σ_{T∋i} (I_and(T) + I_or(T)) / 2^{|T|-1}``; an OR interaction gets the same
    weight as an AND one of its size, since both give each member that marginal
    contribution on average over the other players.

    Parameters
    ----------
    and_interactions : array_like, shape (..., 2**n)
        AND interactions (Möbius coefficients) of the game.
    or_interactions : array_like, shape (..., 2**n), optional
        OR interactions of an AND-OR decomposition.
    check_finite : bool, default True
        Raise ValueError if an input holds NaN or Inf.

    Returns
    -------
    ndarray, shape (..., n)
        ``β_i`` for each player i.
    """
    return _player_values(_core.BANZHAF, and_interactions, or_interactions, check_finite)


def interaction_index(and_interactions, index: str = "sii", *, check_finite: bool = True):
    """An interaction index for every subset, from AND interactions (theory.md §3).

    - ``"sii"``: Shapley interaction index, ``Σ_{T⊇S} I_and(T) / (|T| - |S| + 1)``;
    - ``"bii"``: Banzhaf interaction index, ``Σ_{T⊇S} I_and(T) / 2^{|T|-|S|}``.

    SII costs O(n² 2^n): it integrates ``Σ_{T⊇S} I_and(T) t^{|T|-|S|}`` over t in
    [0, 1] with an n/2 + 1 point Gauss-Legendre rule, exact for this polynomial, each
    point one weighted superset-sum butterfly.  BII is a single butterfly.

    Parameters
    ----------
    and_interactions : array_like, shape (..., 2**n)
        AND interactions (Möbius coefficients) of the game.
    index : {"sii", "bii"}
        Which index.
    check_finite : bool, default True
        Raise ValueError if the input holds NaN or Inf.

    Returns
    -------
    ndarray, shape (..., 2**n)
        The index of every subset S, by mask; singletons hold the Shapley (SII) or
        Banzhaf (BII) values.
    """
    key = str(index).lower()
    if key not in _INDICES:
        raise ValueError(f"unknown index {index!r}; choose one of {sorted(_INDICES)}")
    m, n = game_array(and_interactions, "and_interactions")
    check_memory(2 * m.nbytes, f"the {key.upper()} of {n} players")  # before any scan
    if check_finite:
        require_finite(m, "and_interactions")
    out = np.empty_like(m)
    _core.superset_index(m, out, _INDICES[key])
    return out
