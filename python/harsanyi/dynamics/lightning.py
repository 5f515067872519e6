"""A PyTorch Lightning callback around :class:`harsanyi.DynamicsTracker`.

Usable without Lightning installed (it is then a plain object with the same hooks).
"""

from __future__ import annotations

import warnings

try:  # Lightning 2.x, then the older package name
    from lightning.pytorch import Callback as _Callback
except ImportError:  # pragma: no cover - depends on what is installed
    try:
        from pytorch_lightning import Callback as _Callback
    except ImportError:
        _Callback = object

__all__ = ["DynamicsCallback"]


class DynamicsCallback(_Callback):
    """Calls ``tracker.update(epoch, **losses)`` at the end of every training epoch.

    Parameters
    ----------
    tracker : DynamicsTracker
    metrics : dict of str to str, optional
        Which logged metrics to record under which names; default
        ``{"train_loss": "train_loss", "test_loss": "val_loss"}`` (recorded name: logged name).
    """

    def __init__(self, tracker, metrics=None):
        super().__init__()
        self.tracker = tracker
        self.metrics = metrics or {"train_loss": "train_loss", "test_loss": "val_loss"}
        self._warned = False

    def on_train_epoch_end(self, trainer, pl_module):
        logged = getattr(trainer, "callback_metrics", {})
        losses = {name: float(logged[key]) for name, key in self.metrics.items() if key in logged}
        missing = sorted(key for key in self.metrics.values() if key not in logged)
        if missing and not self._warned:
            self._warned = True  # once: the same names are missing every epoch
            warnings.warn(f"DynamicsCallback found no logged {missing}; the logged metrics "
                          f"are {sorted(logged)}: pass metrics={{'train_loss': ..., "
                          "'test_loss': ...}} with their names to record the losses",
                          stacklevel=2)
        self.tracker.update(int(trainer.current_epoch), **losses)

    def state_dict(self):
        """What a Lightning checkpoint keeps: the tracker's folder and finished epochs."""
        store = self.tracker.store
        return {"directory": None if store is None else str(store.directory),
                "epochs": [int(e) for e in self.tracker.epochs]}

    def load_state_dict(self, state_dict):
        """Nothing to restore: the tracker's folder holds the checkpoints themselves
        (continue a tracker with :meth:`DynamicsTracker.resume`)."""
