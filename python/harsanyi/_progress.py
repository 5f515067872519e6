"""Progress bars for long work: tqdm.auto when it is installed, silence otherwise."""

from __future__ import annotations

# Work below this many model evaluations finishes too fast for a bar to help.
AUTO_PROGRESS_MIN = 1 << 16


class _Silent:
    """Stands in for a tqdm bar when none is shown."""

    def __init__(self, *args, **kwargs):
        pass

    def update(self, count=1):
        pass

    def set_postfix_str(self, text, refresh=True):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def progress_bar(total: int, description: str, show: bool | None, unit: str = "eval"):
    """A progress bar over `total` units of work.

    Parameters
    ----------
    total : int
        Units of work (model evaluations, iterations, checkpoints).
    description : str
        Text shown before the bar.
    show : bool or None
        True or False to force the bar on or off; None shows it for long work only.
    unit : str
        Name of one unit of work.
    """
    if show is None:
        show = total >= AUTO_PROGRESS_MIN
    if not show:
        return _Silent()
    try:
        from tqdm.auto import tqdm
    except ImportError:  # progress is a nicety, never a requirement
        return _Silent()
    return tqdm(total=total, desc=description, unit=unit, unit_scale=True, leave=False)
