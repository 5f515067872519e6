"""The result type the package passes around: interactions of one input or a batch.

:class:`Interactions` keeps the game values and the AND (and OR) interactions dense by
mask, the player names, the settings that produced them, and offers the metrics, plots,
a DataFrame view and lossless, atomic save/load.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._atomic import atomic_write
from .indices import shapley_values
from .strength import OrderStrength, order_strength
from .subsets import players_of
from .top import TopInteractions, top_interactions
from .transforms import and_interactions

__all__ = ["Interactions", "load"]

FORMAT = "harsanyi.Interactions"
FORMAT_VERSION = 1


def _array(value, name):
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim not in (1, 2) or arr.shape[-1] & (arr.shape[-1] - 1):
        raise ValueError(f"{name} must have shape (2**n,) or (B, 2**n), got {arr.shape}")
    return arr


@dataclass(eq=False)
class Interactions:
    """Interactions of a model on one input (arrays of shape (2**n,)) or a batch ((B, 2**n)).

    Attributes
    ----------
    values : ndarray
        The game v(S) by mask (bit i = player i).
    and_interactions : ndarray
        AND interactions by mask.
    or_interactions : ndarray or None
        OR interactions by mask, for an AND-OR decomposition.
    names : tuple of str
        Player names.
    settings : dict
        How the result was produced (players, baseline, output, targets, method, ...).
    extra : dict of ndarray
        Further per-subset arrays of the method (e.g. the noise term of an AND-OR split).
    """

    values: np.ndarray
    and_interactions: np.ndarray
    or_interactions: np.ndarray | None = None
    names: tuple[str, ...] = ()
    settings: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        self.values = _array(self.values, "values")
        self.and_interactions = _array(self.and_interactions, "and_interactions")
        if self.and_interactions.shape != self.values.shape:
            raise ValueError("and_interactions and values must have the same shape")
        if self.or_interactions is not None:
            self.or_interactions = _array(self.or_interactions, "or_interactions")
            if self.or_interactions.shape != self.values.shape:
                raise ValueError("or_interactions and values must have the same shape")
        n = self.values.shape[-1].bit_length() - 1
        self.names = tuple(str(name) for name in self.names) or tuple(f"x{i}" for i in range(n))
        if len(self.names) != n:
            raise ValueError(f"{len(self.names)} names for {n} players")
        self.extra = {str(k): np.asarray(v) for k, v in self.extra.items()}

    # -- shape ---------------------------------------------------------------------

    @property
    def n_players(self) -> int:
        """Number of players n."""
        return self.values.shape[-1].bit_length() - 1

    @property
    def batched(self) -> bool:
        """Whether the arrays hold a batch of samples."""
        return self.values.ndim == 2

    @property
    def n_samples(self) -> int:
        """Number of samples (1 for a single input)."""
        return self.values.shape[0] if self.batched else 1

    @property
    def v_empty(self):
        """v(∅): the output with every player absent (per sample)."""
        return self.values[..., 0]

    @property
    def v_full(self):
        """v(N): the output with every player present (per sample)."""
        return self.values[..., -1]

    def __getitem__(self, sample: int) -> "Interactions":
        """The result of one sample of a batch."""
        if not self.batched:
            raise IndexError("this result holds a single input")
        settings = dict(self.settings)
        if isinstance(settings.get("targets"), list):
            settings["targets"] = [settings["targets"][sample]]
        return Interactions(
            self.values[sample], self.and_interactions[sample],
            None if self.or_interactions is None else self.or_interactions[sample],
            self.names, settings,
            {k: v[sample] for k, v in self.extra.items() if v.shape == self.values.shape})

    def _kind(self, kind: str) -> np.ndarray:
        if kind == "and":
            return self.and_interactions
        if kind == "or":
            if self.or_interactions is None:
                raise ValueError("this result has no OR interactions (explain with "
                                 "method='and-or')")
            return self.or_interactions
        raise ValueError(f"kind must be 'and' or 'or', got {kind!r}")

    # -- metrics --------------------------------------------------------------------

    def order_strength(self, kind: str = "and", threshold=0.0, relative: bool = False
                       ) -> OrderStrength:
        """Strength per order of the AND or OR interactions (see :func:`harsanyi.order_strength`)."""
        return order_strength(self._kind(kind), threshold, relative=relative)

    def salient(self, ratio: float | None = 0.05, threshold=None, kind: str = "and"):
        """Which subsets S ≠ ∅ have salient interactions (theory.md §4).

        Parameters
        ----------
        ratio : float, default 0.05
            Salient means ``|I(S)| >= ratio * max_{T≠∅} |I(T)|`` (per sample; ICML'23).
        threshold : float or array, optional
            An absolute threshold instead (e.g. ``0.03 * E|v(N) - v(∅)|``, NeurIPS'24).
        kind : {"and", "or"}

        Returns
        -------
        ndarray of bool, shape like the interactions
            True at the salient masks; ∅ is never salient.
        """
        interactions = self._kind(kind)
        strength = np.abs(interactions)
        if threshold is None:
            peak = strength[..., 1:].max(axis=-1, keepdims=True) if self.n_players else 0.0
            threshold = float(ratio) * peak
        else:
            threshold = np.asarray(threshold, dtype=np.float64)
            if threshold.ndim:
                threshold = threshold[..., None]
        salient = strength >= threshold
        salient[..., 0] = False
        return salient

    def top(self, k: int = 10, kind: str = "and") -> TopInteractions:
        """The k strongest subsets S ≠ ∅, with player names."""
        return top_interactions(self._kind(kind), k, names=self.names)

    def shapley_values(self, of: str = "interactions") -> np.ndarray:
        """Shapley values of the players (theory.md §3).

        Parameters
        ----------
        of : {"interactions", "values", "noise"}
            ``"interactions"``: from both parts of the stored decomposition.  An AND-OR
            split reproduces ``v + q`` (theory.md §4), so these are the values of the game
            with its noise q absorbed.  ``"values"``: of the game v itself.  ``"noise"``:
            the noise's share, so that interactions = values + noise.
        """
        if of == "interactions":
            return shapley_values(self.and_interactions, self.or_interactions)
        if of == "values":
            return shapley_values(and_interactions(self.values))
        if of == "noise":
            noise = self.extra.get("noise", np.zeros_like(self.values))
            return shapley_values(and_interactions(noise))
        raise ValueError(f"unknown of={of!r}; choose 'interactions', 'values' or 'noise'")

    def strength_curve(self):
        """|I(S)|/max|I| sorted descending, averaged over samples (see
        :func:`harsanyi.analysis.strength_curve`; theory.md §5)."""
        from .analysis.metrics import strength_curve

        return strength_curve(self)

    def explanation_ratio(self, k=None, ratio: float = 0.05):
        """How much of the output the top-k (k=None: the salient) patterns explain, per
        sample (see :func:`harsanyi.analysis.explanation_ratio`; theory.md §5)."""
        from .analysis.metrics import explanation_ratio

        return explanation_ratio(self, k, ratio)

    # -- views ------------------------------------------------------------------------

    def to_dataframe(self):
        """A pandas DataFrame with one row per subset (and sample).

        Columns: ``sample`` (for a batch), ``mask``, ``players`` (tuple of names),
        ``order``, ``value`` (v(S)), ``and`` and, with OR interactions, ``or``.
        """
        import pandas as pd

        n, samples = self.n_players, self.n_samples
        masks = np.arange(1 << n)
        players = [tuple(self.names[i] for i in players_of(s)) for s in masks]
        frame = pd.DataFrame({
            "mask": np.tile(masks, samples),
            "players": players * samples,
            "order": np.tile([len(p) for p in players], samples),
            "value": self.values.reshape(-1),
            "and": self.and_interactions.reshape(-1),
        })
        if self.or_interactions is not None:
            frame["or"] = self.or_interactions.reshape(-1)
        if self.batched:
            frame.insert(0, "sample", np.repeat(np.arange(samples), 1 << n))
        return frame

    def plot_top(self, k: int = 10, kind: str = "and", sample: int = 0, ax=None):
        """Bar chart of the k strongest interactions of one sample; returns the Axes."""
        from .plots.top import plot_top

        return plot_top(self, k=k, kind=kind, sample=sample, ax=ax)

    def plot_orders(self, kind: str = "and", ratio: float = 0.05, ax=None):
        """Positive and negative strength of salient interactions per order; returns the Axes."""
        from .plots.orders import plot_orders

        return plot_orders(self, kind=kind, ratio=ratio, ax=ax)

    # -- persistence ----------------------------------------------------------------

    def save(self, path) -> Path:
        """Write the result to an ``.npz`` file atomically (temporary file, then rename).

        Parameters
        ----------
        path : str or Path
            Where to write; ``.npz`` is appended when missing.

        Returns
        -------
        Path
            The file written.
        """
        path = Path(path)
        if path.suffix != ".npz":
            path = path.with_name(path.name + ".npz")
        metadata = {"format": FORMAT, "version": FORMAT_VERSION, "names": list(self.names),
                    "settings": self.settings, "extra": sorted(self.extra)}
        arrays = {"values": self.values, "and_interactions": self.and_interactions,
                  "metadata": np.array(json.dumps(metadata, default=_json_default))}
        if self.or_interactions is not None:
            arrays["or_interactions"] = self.or_interactions
        arrays.update({f"extra.{k}": v for k, v in self.extra.items()})
        with atomic_write(path) as handle:
            np.savez(handle, **arrays)
        return path

    def __repr__(self) -> str:
        parts = "AND-OR" if self.or_interactions is not None else "AND"
        shape = f"{self.n_samples} samples" if self.batched else "one input"
        return f"Interactions({parts}, n_players={self.n_players}, {shape})"


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def load(path) -> Interactions:
    """Read a result written by :meth:`Interactions.save`.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ValueError
        If the file is truncated, corrupt, or not a harsanyi result.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such result file: {path}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            contents = {key: archive[key] for key in archive.files}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise ValueError(f"{path} is truncated or corrupt ({error}); write it again") from None
    if "metadata" not in contents:
        raise ValueError(f"{path} is not a harsanyi result (it holds {sorted(contents)[:5]})")
    try:
        metadata = json.loads(str(contents["metadata"]))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} has unreadable metadata: {error}") from None
    if metadata.get("format") != FORMAT:
        raise ValueError(f"{path} is not a harsanyi result (format {metadata.get('format')!r})")
    if metadata.get("version", 0) > FORMAT_VERSION:
        raise ValueError(f"{path} was written by a newer harsanyi (format version "
                         f"{metadata['version']}); upgrade to read it")
    missing = {"values", "and_interactions"} - set(contents)
    if missing:
        raise ValueError(f"{path} lacks {sorted(missing)}")
    return Interactions(
        contents["values"], contents["and_interactions"], contents.get("or_interactions"),
        tuple(metadata.get("names", ())), metadata.get("settings", {}),
        {k: contents[f"extra.{k}"] for k in metadata.get("extra", [])})
