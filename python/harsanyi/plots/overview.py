"""Figure (a) of the two-phase dynamics (theory.md §7): I^(k) at a few checkpoints beside
the losses and their gap, in the style of the NeurIPS'24 paper."""

from __future__ import annotations

from ._axes import ORDER_COLOR, axes_or_new, pick_epochs

__all__ = ["plot_order_bars", "plot_losses", "figure_overview"]


def plot_order_bars(distribution, epoch: int, ax=None):
    """Bars of I^(k) over orders k = 1..n at one checkpoint.

    Parameters
    ----------
    distribution : DataFrame
        I^(k) by epoch and order (``DynamicsHistory.distribution()``).
    epoch : int
    """
    ax = axes_or_new(ax, (2.4, 2.2))
    row = distribution.loc[epoch]
    ax.bar(row.index, row.to_numpy(), color=ORDER_COLOR, width=0.8)
    ax.set_title(f"epoch {epoch}", fontsize=9)
    ax.set_xlabel("order k", fontsize=8)
    ax.tick_params(labelsize=7)
    return ax


def plot_losses(losses, ax=None, train_loss="train_loss", test_loss="test_loss", phases=None):
    """Training and test loss, and their gap, over epochs; marks the detected phase 2.

    Parameters
    ----------
    losses : DataFrame
        Losses by epoch (``DynamicsHistory.loss_history``).
    phases : Phases, optional
        The detected phases, to mark.
    """
    ax = axes_or_new(ax, (4.0, 2.6))
    has_losses = train_loss in losses and test_loss in losses
    if has_losses:
        ax.plot(losses.index, losses[train_loss], label="train loss", color="#27ae60")
        ax.plot(losses.index, losses[test_loss], label="test loss", color="#c0392b")
        ax.plot(losses.index, losses[test_loss] - losses[train_loss], label="test − train",
                color="black", linestyle="--")
    else:
        ax.text(0.5, 0.5, f"no {train_loss} and {test_loss} recorded", ha="center",
                va="center", transform=ax.transAxes, fontsize=8, color="gray")
    if phases is not None and phases.phase2_start is not None:
        ax.axvline(phases.phase2_start, color=ORDER_COLOR, linestyle=":", label="phase 2 starts")
    if phases is not None and phases.gap_rise is not None:
        ax.axvline(phases.gap_rise, color="gray", linestyle=":", label="gap starts to rise")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7, frameon=False)
    return ax


def figure_overview(history, phases=None, epochs=None, kind=None):
    """(a): I^(k) bars at about six checkpoints, with the losses and the loss gap beside.

    Parameters
    ----------
    history : DynamicsHistory
    phases : Phases, optional
        Marked on the losses.
    epochs : list of int, optional
        The checkpoints shown (default about six spread over training).
    kind : {"and-or", "harsanyi"}, optional
    """
    import matplotlib.pyplot as plt

    epochs = pick_epochs(history.epochs) if epochs is None else list(epochs)
    distribution = history.distribution(kind)
    figure = plt.figure(figsize=(2.0 * len(epochs) + 4.5, 3.0), constrained_layout=True)
    grid = figure.add_gridspec(1, len(epochs) + 2)
    first = None
    for i, epoch in enumerate(epochs):
        ax = figure.add_subplot(grid[0, i], sharey=first)
        first = first or ax
        plot_order_bars(distribution, epoch, ax=ax)
    first.set_ylabel("I$^{(k)}$")
    plot_losses(history.loss_history, figure.add_subplot(grid[0, len(epochs):]), phases=phases)
    figure.suptitle("Order distribution of interactions during training", fontsize=10)
    return figure
