"""Watching a network's interactions while it trains: the two-phase dynamics (theory.md §7).

Typical use: ``tracker.update(epoch, train_loss=..., test_loss=...)`` after every epoch,
then ``tracker.detect_phases()``, ``tracker.fit_theory()`` and ``tracker.plot()``.
"""

from __future__ import annotations

import warnings

import numpy as np
import torch

from .._validation import whole_number
from ..models.explain import build_game
from ..models.distributed import active_ranks, launched_rank
from ..models.options import game_options, signature_with_options
from ..transforms import and_interactions
from .distribution import DYNAMICS_RATIO
from .history import DynamicsHistory
from .checkpoint_measure import measure_checkpoint
from .store import CheckpointStore, CorruptCheckpointError, probe_arrays, record_to_arrays
from .warm_split import CheckpointSplits

__all__ = ["DynamicsTracker", "CorruptCheckpointError"]

METHODS = ("and", "and-or")
FIGURES = ("overview", "theory", "sigma2", "ratio", "heatmap", "generalization")
# Game options the tracker sets itself: its probe is a batch, its progress its own.
OWN_OPTIONS = ("batched", "show_progress")


class DynamicsTracker:
    """Records the order distribution of a model's interactions at checkpoints of training.

    Parameters
    ----------
    model : torch.nn.Module
        The network being trained (evaluated in eval mode, its own mode restored, no
        gradients touched, random generators left as they were).
    probe_x : Tensor
        A batch of inputs whose interactions are tracked (a few test samples).
    probe_y : Tensor, optional
        Their labels (the class explained); default the model's prediction at each checkpoint.
    **options
        The game's options as for :func:`harsanyi.model_game` (``players``,
        ``baseline``, ``data``, ``output``, ``batch_size``, ``device``,
        ``additional_forward_args``, ``embedding``, ``masked_input``,
        ``max_evaluations``); the baseline is resolved once, at the start.
    method : {"and-or", "and"}
        AND-OR decomposition (theory §4) or AND interactions only.
    every : int, iterable of int, or callable, default 1
        Which epochs are checkpoints: every k-th, a given set, or ``every(epoch) -> bool``.
        Losses passed to :meth:`update` are recorded at every call.
    directory : str or Path, optional
        Where to keep the checkpoints (one file each, written atomically); None keeps
        them in memory only.
    keep_interactions : bool, default False
        Also keep the full values of every checkpoint (2**n per sample).
    ratio : float, default 0.03
        Salience: ``|I(S)| >= ratio · E_x|v(x) - v(x_∅)|`` (NeurIPS'24).
    solver, noise_bound, tol, max_iter
        Options of the AND-OR solver (:func:`harsanyi.and_or`; NeurIPS'24 uses noise bound
        0.02); the tolerance is loose by default: the order distribution needs no more.
        Games that run out of iterations give one ConvergenceWarning per checkpoint.
    warm_start : bool, default True
        Start each checkpoint's AND-OR solve from the previous checkpoint's results
        (``hs.and_or(..., warm_start=)``): fewer iterations for nearby checkpoints, about as
        many for distant ones (``python bench/tracker.py --warm`` measures it).  Every result
        is certified to `tol` either way, but a resumed tracker starts cold, so its next
        checkpoint may differ from an uninterrupted run's within that tolerance.
    show_progress : bool, default False
        Progress bars inside each update.
    baselines : sequence of torch.nn.Module, optional
        Models trained on held-out data (``hs.train_baselines``): each checkpoint then also
        records its generalizable and non-generalizable interactions per order (theory.md
        §10; ``plot("generalization")``).  Needs method "and-or" and probe_y.
    distributed : bool, optional
        Under an initialised ``torch.distributed`` process group (None: whenever there is
        one; False: never, e.g. for per-rank probes; True: require one), each rank
        evaluates and splits an equal share of the probes; the shares are gathered so that
        every rank holds the same records, rank 0 alone writes `directory`, and the others
        wait for it at a barrier.  Construct and update the tracker on every rank.
    group : ProcessGroup, optional
        The group to share with (default the whole world).
    """

    def __init__(self, model, probe_x, probe_y=None, *, method: str = "and-or", every=1,
                 directory=None, keep_interactions: bool = False,
                 ratio: float = DYNAMICS_RATIO, solver: str = "pdhg", noise_bound: float = 0.02,
                 tol: float = 1e-2, max_iter: int = 100_000, warm_start: bool = True,
                 show_progress: bool = False, baselines=None, distributed=None, group=None,
                 _resumed=None, **options):
        game_settings = game_options(options, "DynamicsTracker", exclude=OWN_OPTIONS)
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}; choose one of {METHODS}")
        self.model = model
        self.method = method
        self.every = every
        self.keep_interactions = bool(keep_interactions)
        self.ratio = float(ratio)
        self.solver_options = {"solver": solver, "noise_bound": float(noise_bound),
                               "tol": float(tol), "max_iter": int(max_iter)}
        self._splits = CheckpointSplits(self.solver_options, bool(warm_start), show_progress)
        self._options = game_settings.replace(batched=True, show_progress=show_progress)
        self.probe_x, self.probe_y = probe_x, probe_y
        self.records: dict[int, dict] = {}
        self.losses: dict[int, dict] = {}
        self._latest_values = None
        self._latest_split = None  # (and, or) of the newest checkpoint: w* of the theory fit
        self._fit_cache = None  # results of analyses of the records, by their options
        self._phases_cache = {}
        self._distributed, self._group = distributed, group
        self._ranks = None  # found at the first checkpoint: Lightning starts the group later
        writer = launched_rank(distributed) == 0
        self.store = None if directory is None or not writer else CheckpointStore(directory)
        if baselines is not None and (not isinstance(baselines, (list, tuple)) or not all(
                isinstance(b, torch.nn.Module) for b in baselines)):
            raise TypeError("DynamicsTracker() takes baselines= as the baseline models of "
                            "theory.md §10 (a list of torch.nn.Module trained on held-out "
                            "data); for what absent players become, use baseline=")
        if baselines is not None and method != "and-or":
            raise ValueError("baselines= judges AND-OR interactions: use method='and-or'")
        self._baselines = baselines
        self._reference = None  # the baselines' splits, once the options are settled

        if _resumed is not None:
            self.players, self.baseline, self._settings = _resumed
            self._options = self._options.replace(players=self.players, baseline=self.baseline)
            return
        game = build_game(model, probe_x, probe_y, self._options.replace(show_progress=False))
        self.players = game.players
        self.baseline = game.baseline.detach().clone()
        self._options = self._options.replace(players=self.players, baseline=self.baseline)
        output = game_settings.output
        self._settings = {
            "method": method, "every": every if isinstance(every, int) else None,
            "keep_interactions": self.keep_interactions, "ratio": self.ratio,
            "solver": self.solver_options, "output": output if isinstance(output, str) else None,
            "batch_size": game_settings.batch_size, "players": self.players.describe(),
            "baseline": game.settings()["baseline"], "masked_input": game_settings.masked_input,
        }
        if self.store is not None:
            self.store.create(self._settings, probe_arrays(self.players, self.baseline,
                                                           self.probe_x, self.probe_y))

    # -- set-up and persistence ------------------------------------------------------

    @classmethod
    def resume(cls, directory, model=None, probe_x=None, **overrides) -> "DynamicsTracker":
        """Continue a tracker from its folder, e.g. after a crash or in a new notebook.

        Finished checkpoints are loaded and skipped by later :meth:`update` calls.  Without
        `model` the tracker is read-only (history, phases, theory fit and figures work).
        `probe_x` is needed when the probes were not a plain tensor; `overrides` give what
        cannot be stored: ``every=`` when it was not an int, ``output=`` when it was a
        callable, ``device=``, ``additional_forward_args=``, ``embedding=``, ``baselines=``.
        """
        from .resume import resume_tracker

        return resume_tracker(cls, directory, model, probe_x, **overrides)

    # -- tracking ------------------------------------------------------------------------

    def is_checkpoint(self, epoch: int) -> bool:
        """Whether `epoch` is a checkpoint under the `every` rule."""
        every = self.every
        if callable(every):
            return bool(every(epoch))
        if isinstance(every, (int, np.integer)):
            return every > 0 and epoch % every == 0
        return epoch in set(every)

    def update(self, epoch: int, **losses) -> dict | None:
        """Record the losses of `epoch` and, at a checkpoint, the interactions.

        Parameters
        ----------
        epoch : int
            The epoch (or step) just finished.
        **losses : float
            Scalars to record, e.g. ``train_loss=..., test_loss=...``.

        Returns
        -------
        dict or None
            The checkpoint's record, or None when `epoch` is not a checkpoint.
        """
        epoch = whole_number(epoch, "epoch")
        if epoch < 0:
            raise ValueError(f"epoch must be >= 0, got {epoch}")
        if losses:
            self.losses[epoch] = {k: float(v) for k, v in losses.items()}
        if epoch in self.records or not self.is_checkpoint(epoch):
            if losses and self.store is not None:
                self.store.write_index(self.records, self.losses)
            return self.records.get(epoch)
        if self.model is None:
            raise ValueError("this tracker was resumed without a model: pass model= to "
                             "DynamicsTracker.resume to track new checkpoints")
        self._ranks = active_ranks(self._distributed, self._group)
        if self._ranks is not None and self._ranks.rank != 0:
            self.store = None  # rank 0 alone writes
        record, values, split = measure_checkpoint(self, epoch)
        self.records[epoch] = record
        self._latest_values = (epoch, values)
        self._latest_split = split
        self._fit_cache = None  # the analyses of the records change with them
        self._phases_cache = {}
        if self.store is not None:
            arrays = record_to_arrays(record)
            if self.keep_interactions:
                arrays["values"] = values
            self.store.write_checkpoint(epoch, arrays)
            self.store.write_latest_values(epoch, values, split)
            self.store.write_index(self.records, self.losses)
        elif self.keep_interactions:
            record["values"] = values
        if self._ranks is not None:  # rank 0 has written the checkpoint when all pass here
            self._ranks.barrier(f"checkpoint {epoch}")
        return record

    def __call__(self, epoch: int, **losses):
        """Same as :meth:`update`, so the tracker can be passed as a callback."""
        return self.update(epoch, **losses)

    # -- views ---------------------------------------------------------------------------

    @property
    def warm_start(self) -> bool:
        """Whether each checkpoint's AND-OR solve starts from the previous one's results."""
        return self._splits.warm_start

    @property
    def recorded(self) -> DynamicsHistory:
        """What has been recorded so far, as a value for phases, the theory fit and plots."""
        return DynamicsHistory(dict(self.records), dict(self.losses), self.players.n,
                               self.method)

    @property
    def epochs(self) -> np.ndarray:
        """The tracked checkpoints, in order."""
        return self.recorded.epochs

    @property
    def main_kind(self) -> str:
        return self.recorded.main_kind

    def distribution(self, kind: str | None = None):
        """I^(k) over checkpoints (see :meth:`DynamicsHistory.distribution`)."""
        return self.recorded.distribution(kind)

    @property
    def loss_history(self):
        """The losses passed to :meth:`update`: a DataFrame indexed by epoch."""
        return self.recorded.loss_history

    @property
    def history(self):
        """Everything recorded, one row per (epoch, kind, order) (see
        :meth:`DynamicsHistory.frame`)."""
        return self.recorded.frame()

    # -- analysis --------------------------------------------------------------------------

    def detect_phases(self, **options):
        """The epoch where phase 2 starts and where the loss gap starts to rise.

        See :func:`harsanyi.dynamics.phases.detect_phases` for the rule and its options.
        """
        from .phases import detect_phases

        key = tuple(sorted((k, v) for k, v in options.items() if v is not None))
        if key not in self._phases_cache:  # the bootstrap is the cost: once per records
            self._phases_cache[key] = detect_phases(self.recorded, **dict(key))
        return self._phases_cache[key]

    def fit_theory(self, grid=None, *, phase2_only: bool = True, noise: str = "power"):
        """σ² per checkpoint fitted to the tracked interactions (:func:`harsanyi.theory.fit`).

        An AND-OR tracker fits the AND-OR interactions, with w* the newest checkpoint's
        split, as theory.md §7 states the theory; an AND tracker fits the plain AND
        interactions and says so in a warning.

        Parameters
        ----------
        grid : array_like, optional
            σ² values to search first (default scaled with n).
        phase2_only : bool, default True
            Fit the checkpoints from the detected start of phase 2 on (phase 1 removes the
            initialisation's noise, which the theory does not model); all of them when no
            phase 2 is detected (with a warning) or with False.
        noise : {"power", "compound"}
            The noise model c_T of the theory.
        """
        from .theory import fit

        if self._latest_values is None:
            raise ValueError("no checkpoint with values: track at least one checkpoint first")
        key = (phase2_only, noise)
        if grid is None and self._fit_cache is not None and key in self._fit_cache:
            return self._fit_cache[key]
        epochs = self.epochs
        if phase2_only:
            start = self._phase2_start()
            if start is None:
                warnings.warn("no phase 2 was detected: the theory is fitted to every "
                              "checkpoint", stacklevel=2)
            else:
                epochs = epochs[epochs >= start]
        epoch, values = self._latest_values
        observed = self.distribution().loc[epochs].to_numpy()
        options = dict(epochs=epochs, grid=grid, ratio=self.ratio, noise=noise)
        if self.method == "and-or":
            if self._latest_split is None:  # a folder from before splits were kept
                split = self._splits.split(epoch, values)
                self._latest_split = (split.and_interactions, split.or_interactions)
            and_star, or_star = self._latest_split
            result = fit(observed, and_star, or_interactions=or_star, **options)
        else:
            warnings.warn("this tracker records plain AND interactions, so the theory is "
                          "fitted to them; theory.md §7 states it for AND-OR interactions: "
                          "track with method='and-or' to fit those", stacklevel=2)
            result = fit(observed, and_interactions(values), **options)
        if grid is None:
            self._fit_cache = {**(self._fit_cache or {}), key: result}
        return result

    def _phases(self, kind=None):
        """The detected phases, or None with too few checkpoints to tell."""
        try:
            return self.detect_phases(kind=kind)
        except ValueError:
            return None

    def _phase2_start(self):
        phases = self._phases()
        return None if phases is None else phases.phase2_start

    def plot(self, kind: str = "overview", path=None, **options):
        """A figure of the dynamics, drawn by :mod:`harsanyi.plots` from the records.

        Parameters
        ----------
        kind : {"overview", "theory", "sigma2", "ratio", "heatmap", "generalization"}
            (a) I^(k) bars at about six checkpoints beside the losses and the loss gap;
            (b) observed I^(k) bars with the fitted theory's curve over them; the fitted
            σ² over epochs beside the test-train loss gap; (c) the low-/high-order ratio
            against σ²; (d) a heat map of I^(k) over all checkpoints; (e) generalizable
            and non-generalizable strength over epochs beside the loss gap (baselines=).
        path : str or Path, optional
            Also save the figure there (PNG, PDF, ... by suffix), atomically.
        **options
            Passed to the figure (``epochs=``, ``kind=``); ``fit=`` gives the theory
            figures a TheoryFit instead of :meth:`fit_theory`'s default one.

        Returns
        -------
        matplotlib Figure
        """
        from .. import plots
        from ..plots._axes import save_figure

        if kind not in FIGURES:
            raise ValueError(f"unknown figure {kind!r}; choose one of {sorted(FIGURES)}")
        if kind == "overview":
            figure = plots.figure_overview(self.recorded, self._phases(options.get("kind")),
                                           **options)
        elif kind == "heatmap":
            figure = plots.figure_heatmap(self.recorded, **options)
        elif kind == "generalization":
            figure = plots.figure_generalization(self.recorded, **options)
        elif kind == "theory":
            figure = plots.figure_theory(options.pop("fit", None) or self.fit_theory(), **options)
        elif kind == "sigma2":
            figure = plots.figure_sigma2(options.pop("fit", None) or self.fit_theory(),
                                         self.loss_history, **options)
        else:
            figure = plots.figure_ratio(options.pop("fit", None) or self.fit_theory(), **options)
        if path is not None:
            save_figure(figure, path)
        return figure

    def __repr__(self) -> str:
        where = "in memory" if self.store is None else str(self.store.directory)
        return (f"DynamicsTracker(method={self.method!r}, n_players={self.players.n}, "
                f"checkpoints={len(self.records)}, {where})")


DynamicsTracker.__init__.__signature__ = signature_with_options(DynamicsTracker.__init__,
                                                                exclude=OWN_OPTIONS)
