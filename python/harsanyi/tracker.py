"""Watching a network's interactions while it trains: the two-phase dynamics (theory.md §7).

Typical use::

    tracker = hs.DynamicsTracker(model, probe_x, probe_y, players=..., directory="runs/mlp")
    for epoch in range(epochs):
        train_one_epoch(...)
        tracker.update(epoch, train_loss=tl, test_loss=vl)
    tracker.detect_phases(); tracker.fit_theory(); tracker.plot()
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterable

import numpy as np
import torch

from . import players as players_module
from ._progress import progress_bar
from ._warnings import warn_at_caller
from .and_or import ConvergenceWarning, and_or, unconverged_summary
from .checkpoint_store import CheckpointStore, CorruptCheckpointError
from .dynamics import DYNAMICS_RATIO, OrderDistribution, order_distribution
from .game import ModelGame
from .transforms import and_interactions

__all__ = ["DynamicsTracker", "track_checkpoints", "CorruptCheckpointError"]

METHODS = ("and", "and-or")
STATS = ("positive", "negative", "absolute", "count")


def _fork_rng(device):
    """Leave every random generator as it was (CPU, and the CUDA device in use)."""
    devices = [device] if device is not None and device.type == "cuda" else []
    return torch.random.fork_rng(devices=devices)


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
    players, baseline, data, output, batch_size, device, additional_forward_args,
    embedding, masked_input
        As for :func:`harsanyi.model_game`; the baseline is resolved once, at the start.
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
    noise_bound, tol, max_iter
        Options of the AND-OR solver (NeurIPS'24 uses noise bound 0.02); the tolerance
        is loose by default, since the order distribution needs no more.  A checkpoint
        whose games run out of iterations gives one ConvergenceWarning naming its epoch
        (its record's ``solver`` entry holds every game's gap).
    warm_start : bool, default True
        Start each checkpoint's AND-OR solve from the previous checkpoint's results
        (``hs.and_or(..., warm_start=)``): 2.1x fewer iterations one epoch apart, about
        as many eight or nine epochs apart (``python bench/tracker.py --warm``).  Every result is
        certified to `tol` either way, but a resumed tracker starts cold, so its next
        checkpoint may differ from an uninterrupted run's within that tolerance.
    show_progress : bool, default False
        Progress bars inside each update.
    """

    def __init__(self, model, probe_x, probe_y=None, *, players=None, baseline="zero",
                 data=None, output="log-odds", method: str = "and-or", every=1,
                 directory=None, keep_interactions: bool = False,
                 ratio: float = DYNAMICS_RATIO, noise_bound: float = 0.02, tol: float = 1e-2,
                 max_iter: int = 100_000, warm_start: bool = True, batch_size: int = 512,
                 device=None, show_progress: bool = False, additional_forward_args=None,
                 embedding=None, masked_input=None, _resumed=None):
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}; choose one of {METHODS}")
        self.model = model
        self.method = method
        self.every = every
        self.keep_interactions = bool(keep_interactions)
        self.ratio = float(ratio)
        self.solver_options = {"noise_bound": float(noise_bound), "tol": float(tol),
                               "max_iter": int(max_iter)}
        self.warm_start = bool(warm_start)
        self._previous_split = None
        self.show_progress = show_progress
        self._game_options = dict(output=output, batch_size=batch_size, device=device,
                                  additional_forward_args=additional_forward_args,
                                  embedding=embedding, masked_input=masked_input)
        self.probe_x, self.probe_y = probe_x, probe_y
        self.records: dict[int, dict] = {}
        self.losses: dict[int, dict] = {}
        self._latest_values = None
        self._fit_cache = None
        self.store = None if directory is None else CheckpointStore(directory)

        if _resumed is not None:
            self.players, self.baseline, self._settings = _resumed
            return
        game = ModelGame(model, probe_x, probe_y, players=players, baseline=baseline, data=data,
                         batched=True, show_progress=False, **self._game_options)
        self.players = game.players
        self.baseline = game.baseline.detach().clone()
        self._settings = {
            "method": method, "every": every if isinstance(every, int) else None,
            "keep_interactions": self.keep_interactions, "ratio": self.ratio,
            "solver": self.solver_options, "output": output if isinstance(output, str) else None,
            "batch_size": batch_size, "players": self.players.describe(),
            "baseline": game.settings()["baseline"], "masked_input": masked_input,
        }
        if self.store is not None:
            self.store.create(self._settings, self._probe_arrays())

    # -- set-up and persistence ------------------------------------------------------

    def _probe_arrays(self) -> dict:
        def numpy(value):
            return value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else \
                np.asarray(value)

        arrays = {"players_map": self.players.map, "baseline": numpy(self.baseline)}
        if isinstance(self.probe_x, torch.Tensor):
            arrays["probe_x"] = numpy(self.probe_x)
        if self.probe_y is not None:
            arrays["probe_y"] = numpy(self.probe_y)
        return arrays

    @classmethod
    def resume(cls, directory, model=None, probe_x=None, **overrides) -> "DynamicsTracker":
        """Continue a tracker from its folder, e.g. after a crash or in a new notebook.

        Finished checkpoints are loaded and skipped by later :meth:`update` calls.

        Parameters
        ----------
        directory : str or Path
            The tracker's folder.
        model : torch.nn.Module, optional
            The network, to track further checkpoints; without it the tracker is read-only
            (history, phases, theory fit and figures work).
        probe_x : Tensor, optional
            The probe inputs, needed when they were not a plain tensor (tuple or dict).
        **overrides
            Options that cannot be stored, e.g. ``every=`` when it was not an int,
            ``output=`` when it was a callable, ``device=``, ``additional_forward_args=``,
            ``embedding=``.
        """
        store = CheckpointStore(directory)
        settings, probe = store.read_settings()
        described = settings["players"]
        players = players_module.Players(
            probe["players_map"], tuple(described["names"]), described["kind"],
            described["kind"] in ("features", "groups", "tokens"),
            {k: v for k, v in described.items() if k not in ("kind", "n", "names")})
        if probe_x is None:
            if "probe_x" not in probe:
                raise ValueError("this tracker's probe inputs were not a tensor: pass probe_x=")
            probe_x = torch.as_tensor(probe["probe_x"])
        probe_y = torch.as_tensor(probe["probe_y"]) if "probe_y" in probe else None
        baseline = torch.as_tensor(probe["baseline"])
        solver = settings["solver"]
        every = overrides.pop("every", settings["every"] if settings["every"] is not None else 1)
        options = dict(output=settings["output"], batch_size=settings["batch_size"],
                       masked_input=settings.get("masked_input"))
        options.update(overrides)
        if options["output"] is None:
            raise ValueError("the tracker used a callable output: pass output= to resume it")
        if model is not None:
            device = options.get("device") or next(
                (p.device for p in model.parameters()), torch.device("cpu"))
            probe_x = probe_x.to(device)
            probe_y = None if probe_y is None else probe_y.to(device)
            baseline = baseline.to(device)
        tracker = cls(model, probe_x, probe_y, method=settings["method"], every=every,
                      directory=None, keep_interactions=settings["keep_interactions"],
                      ratio=settings["ratio"], noise_bound=solver["noise_bound"],
                      tol=solver["tol"], max_iter=solver["max_iter"],
                      _resumed=(players, baseline, settings), **options)
        tracker.store = store
        epochs, tracker.losses, adopted = store.finished_epochs()
        for epoch in epochs:
            tracker.records[epoch] = tracker._record_from_arrays(store.read_checkpoint(epoch))
        if adopted:
            store.write_index(tracker.records, tracker.losses)
        latest_epoch, values = store.read_latest_values()
        if values is not None and latest_epoch in tracker.records:
            tracker._latest_values = (latest_epoch, values)
        return tracker

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
        epoch = int(epoch)
        if losses:
            self.losses[epoch] = {k: float(v) for k, v in losses.items()}
        if epoch in self.records or not self.is_checkpoint(epoch):
            if losses and self.store is not None:
                self.store.write_index(self.records, self.losses)
            return self.records.get(epoch)
        if self.model is None:
            raise ValueError("this tracker was resumed without a model: pass model= to "
                             "DynamicsTracker.resume to track new checkpoints")
        record, values = self._measure(epoch)
        self.records[epoch] = record
        self._latest_values = (epoch, values)
        self._fit_cache = None
        if self.store is not None:
            arrays = self._record_to_arrays(record)
            if self.keep_interactions:
                arrays["values"] = values
            self.store.write_checkpoint(epoch, arrays)
            self.store.write_latest_values(epoch, values)
            self.store.write_index(self.records, self.losses)
        elif self.keep_interactions:
            record["values"] = values
        return record

    def __call__(self, epoch: int, **losses):
        """Same as :meth:`update`, so the tracker can be passed as a callback."""
        return self.update(epoch, **losses)

    def _measure(self, epoch: int):
        device = self._game_options.get("device")
        with _fork_rng(None if device is None else torch.device(device)):
            game = ModelGame(self.model, self.probe_x, self.probe_y, players=self.players,
                             baseline=self.baseline, batched=True,
                             show_progress=self.show_progress, **self._game_options)
            values = np.array(game.values())
        distributions = {"harsanyi": order_distribution(and_interactions(values), values=values,
                                                        ratio=self.ratio)}
        tau = distributions["harsanyi"].threshold
        if self.method == "and-or":
            split = self._split(values)
            self._warn_unconverged(epoch, split)
            distributions["and-or"] = order_distribution(
                split.and_interactions, split.or_interactions, threshold=tau)
            solver = {"gap": np.atleast_1d(split.gap), "converged": np.atleast_1d(split.converged)}
        else:
            solver = {}
        record = {"epoch": epoch, "tau": tau, "targets": game.targets,
                  "losses": dict(self.losses.get(epoch, {})), "solver": solver,
                  "distributions": distributions}
        return record, values

    def _warn_unconverged(self, epoch, split):
        options = self.solver_options
        shortfall = unconverged_summary(split.converged, split.gap, options["tol"],
                                        options["max_iter"])
        if shortfall:
            warn_at_caller(f"epoch {epoch}: {shortfall}; raise DynamicsTracker(max_iter=...) "
                           "or tol to change this", ConvergenceWarning)

    def _split(self, values):
        """The AND-OR decomposition of this checkpoint's games: the previous checkpoint's when
        the games are the same, otherwise solved (from the previous results if warm_start).
        The previous checkpoint's games are ``self._latest_values``, not yet replaced."""
        previous = self._previous_split
        if previous is not None:
            if np.array_equal(self._latest_values[1], values):
                return previous
            if not self.warm_start or np.shape(previous.and_interactions) != values.shape:
                previous = None
        with warnings.catch_warnings():  # one warning per checkpoint, from _measure
            warnings.simplefilter("ignore", ConvergenceWarning)
            self._previous_split = and_or(values, **self.solver_options, warm_start=previous,
                                          show_progress=self.show_progress)
        return self._previous_split

    # -- records on disk -------------------------------------------------------------------

    @staticmethod
    def _record_to_arrays(record: dict) -> dict:
        arrays = {"epoch": np.array(record["epoch"]), "tau": np.array(record["tau"]),
                  "targets": np.asarray(record["targets"]),
                  "losses": np.array(json.dumps(record["losses"]))}
        for name, value in record["solver"].items():
            arrays[f"solver.{name}"] = value
        for kind, dist in record["distributions"].items():
            arrays[f"{kind}.distribution"] = dist.distribution
            for stat in STATS:
                for part, table in getattr(dist, stat).items():
                    arrays[f"{kind}.{stat}.{part}"] = table
        return arrays

    @staticmethod
    def _record_from_arrays(arrays: dict) -> dict:
        kinds = sorted({key.split(".")[0] for key in arrays if key.endswith(".distribution")})
        distributions = {}
        for kind in kinds:
            parts = {stat: {key.split(".")[2]: arrays[key] for key in arrays
                            if key.startswith(f"{kind}.{stat}.")} for stat in STATS}
            distributions[kind] = OrderDistribution(
                arrays[f"{kind}.distribution"], float(arrays["tau"]), parts["positive"],
                parts["negative"], parts["absolute"], parts["count"])
        return {"epoch": int(arrays["epoch"]), "tau": float(arrays["tau"]),
                "targets": arrays["targets"], "losses": json.loads(str(arrays["losses"])),
                "solver": {k.split(".", 1)[1]: v for k, v in arrays.items()
                           if k.startswith("solver.")},
                "distributions": distributions}

    # -- views ---------------------------------------------------------------------------

    @property
    def epochs(self) -> np.ndarray:
        """The tracked checkpoints, in order."""
        return np.array(sorted(self.records), dtype=np.int64)

    @property
    def main_kind(self) -> str:
        return "and-or" if self.method == "and-or" else "harsanyi"

    def distribution(self, kind: str | None = None):
        """I^(k) over checkpoints: a DataFrame indexed by epoch, one column per order k.

        Parameters
        ----------
        kind : {"and-or", "harsanyi"}, optional
            The AND-OR decomposition (AND and OR together) or the plain AND (Harsanyi)
            interactions; default the tracker's method.
        """
        import pandas as pd

        kind = kind or self.main_kind
        epochs = self.epochs
        rows = [self.records[e]["distributions"][kind].distribution for e in epochs]
        n = self.players.n
        return pd.DataFrame(np.array(rows).reshape(len(epochs), n), index=pd.Index(epochs, name="epoch"),
                            columns=pd.Index(range(1, n + 1), name="order"))

    @property
    def loss_history(self):
        """The losses passed to :meth:`update`: a DataFrame indexed by epoch."""
        import pandas as pd

        frame = pd.DataFrame.from_dict(self.losses, orient="index").sort_index()
        frame.index.name = "epoch"
        return frame

    @property
    def history(self):
        """Everything recorded, one row per (epoch, kind, order).

        Columns: ``epoch``, ``kind`` ("and", "or" for the AND-OR decomposition,
        "harsanyi" for the plain AND interactions), ``order``, the mean over probe samples
        of the salient ``positive``, ``negative`` and ``absolute`` sums and ``count``,
        ``distribution`` (I^(k) of the tracker's method, the same on every kind's row),
        ``tau``, and one column per loss.
        """
        import pandas as pd

        rows = []
        for epoch in self.epochs:
            record = self.records[epoch]
            main = record["distributions"][self.main_kind].distribution
            for dist_name, dist in record["distributions"].items():
                for part in dist.absolute:
                    kind = "harsanyi" if dist_name == "harsanyi" else part
                    if dist_name == "harsanyi" and self.method == "and":
                        kind = "and"
                    for order in range(self.players.n + 1):
                        row = {"epoch": epoch, "kind": kind, "order": order, "tau": record["tau"],
                               "distribution": main[order - 1] if order else np.nan}
                        for stat in STATS:
                            row[stat] = float(getattr(dist, stat)[part][:, order].mean())
                        rows.append(row)
        frame = pd.DataFrame(rows, columns=["epoch", "kind", "order", "positive", "negative",
                                            "absolute", "count", "distribution", "tau"])
        losses = self.loss_history
        if len(losses):
            frame = frame.merge(losses, left_on="epoch", right_index=True, how="left")
        return frame

    # -- analysis --------------------------------------------------------------------------

    def detect_phases(self, **options):
        """The epoch where phase 2 starts and where the loss gap starts to rise.

        See :func:`harsanyi.phases.detect_phases` for the rule and its options.
        """
        from .phases import detect_phases

        return detect_phases(self, **options)

    def fit_theory(self, grid=None):
        """σ² per checkpoint fitted to the observed I^(k) of the plain AND interactions,
        with w* the interactions of the newest checkpoint (see :func:`harsanyi.theory.fit`).
        """
        from .theory import fit

        if self._latest_values is None:
            raise ValueError("no checkpoint with values: track at least one checkpoint first")
        if self._fit_cache is not None and grid is None:
            return self._fit_cache
        epoch, values = self._latest_values
        observed = self.distribution("harsanyi").to_numpy()
        result = fit(observed, and_interactions(values), epochs=self.epochs, grid=grid,
                     ratio=self.ratio)
        if grid is None:
            self._fit_cache = result
        return result

    def plot(self, kind: str = "overview", path=None, **options):
        """A figure of the dynamics (see :mod:`harsanyi.plots.dynamics`).

        Parameters
        ----------
        kind : {"overview", "theory", "ratio", "heatmap"}
            (a) I^(k) bars at about six checkpoints beside the losses and the loss gap;
            (b) observed against predicted I^(k) with the fitted σ²; (c) the low-/high-order
            ratio against σ²; (d) a heat map of I^(k) over all checkpoints.
        path : str or Path, optional
            Also save the figure there (PNG, PDF, ... by suffix), atomically.

        Returns
        -------
        matplotlib Figure
        """
        from .plots import dynamics as figures

        makers = {"overview": figures.figure_overview, "theory": figures.figure_theory,
                  "ratio": figures.figure_ratio, "heatmap": figures.figure_heatmap}
        if kind not in makers:
            raise ValueError(f"unknown figure {kind!r}; choose one of {sorted(makers)}")
        figure = makers[kind](self, **options)
        if path is not None:
            figures.save_figure(figure, path)
        return figure

    def __repr__(self) -> str:
        where = "in memory" if self.store is None else str(self.store.directory)
        return (f"DynamicsTracker(method={self.method!r}, n_players={self.players.n}, "
                f"checkpoints={len(self.records)}, {where})")


def track_checkpoints(model_fn: Callable[[], torch.nn.Module], paths: Iterable, probe_x,
                      probe_y=None, *, epochs: Iterable[int] | None = None, directory=None,
                      losses: dict | None = None, show_progress=None, **options
                      ) -> DynamicsTracker:
    """Track saved checkpoints after training, e.g. a folder of state dicts.

    Parameters
    ----------
    model_fn : callable
        Builds the network (its weights are replaced by each checkpoint's).
    paths : iterable of str or Path
        Files holding a state dict (or a dict with a "state_dict" or "model" entry).
    probe_x, probe_y
        As for :class:`DynamicsTracker`.
    epochs : iterable of int, optional
        The epoch of each path (default 0, 1, 2, ...).
    directory : str or Path, optional
        Where to keep the results; if it already holds a tracker, finished checkpoints are
        skipped and the rest added.
    losses : dict of int to dict, optional
        Losses per epoch, e.g. ``{3: {"train_loss": 0.1, "test_loss": 0.4}}``.
    **options
        Passed to :class:`DynamicsTracker`.
    """
    paths = list(paths)
    epochs = list(range(len(paths))) if epochs is None else [int(e) for e in epochs]
    if len(epochs) != len(paths):
        raise ValueError(f"{len(epochs)} epochs for {len(paths)} checkpoint files")
    model = model_fn()
    store_exists = directory is not None and (CheckpointStore(directory).directory /
                                               "tracker.json").exists()
    if store_exists:
        tracker = DynamicsTracker.resume(directory, model=model)
    else:
        tracker = DynamicsTracker(model, probe_x, probe_y, every=lambda epoch: True,
                                  directory=directory, **options)
    with progress_bar(len(paths), "checkpoints", show_progress, unit="ckpt") as bar:
        for epoch, path in zip(epochs, paths):
            if epoch not in tracker.records:
                state = torch.load(path, map_location="cpu", weights_only=True)
                if isinstance(state, dict):
                    state = state.get("state_dict", state.get("model", state))
                model.load_state_dict(state)
                tracker.update(epoch, **(losses or {}).get(epoch, {}))
            bar.update()
    return tracker
