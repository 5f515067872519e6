"""Figure (b) of the two-phase dynamics (theory.md §7): observed against predicted I^(k)."""

from __future__ import annotations

import numpy as np

from ._axes import ORDER_COLOR, PREDICTED_COLOR, pick_epochs

__all__ = ["figure_theory"]


def figure_theory(fit, epochs=None):
    """(b): observed against predicted I^(k) at about six checkpoints, with the fitted σ².

    Parameters
    ----------
    fit : TheoryFit
        The result of :func:`harsanyi.dynamics.theory.fit`.
    epochs : list of int, optional
        The checkpoints shown (default about six spread over training).
    """
    import matplotlib.pyplot as plt

    epochs = pick_epochs(fit.epochs) if epochs is None else list(epochs)
    figure, axes = plt.subplots(1, len(epochs), figsize=(2.3 * len(epochs), 2.6),
                                sharey=True, constrained_layout=True, squeeze=False)
    orders = np.arange(1, fit.observed.shape[1] + 1)
    for ax, epoch in zip(axes[0], epochs):
        t = int(np.flatnonzero(fit.epochs == epoch)[0])
        ax.bar(orders, fit.observed[t], color=ORDER_COLOR, width=0.8, label="observed")
        ax.plot(orders, fit.predicted[t], color=PREDICTED_COLOR, marker="o", markersize=3,
                label="theory")
        ax.set_title(f"epoch {epoch}\nσ² = {fit.sigma2[t]:.2g}", fontsize=8)
        ax.set_xlabel("order k", fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0][0].set_ylabel("I$^{(k)}$")
    axes[0][0].legend(fontsize=7, frameon=False)
    kind = "AND-OR" if fit.kind == "and-or" else "plain AND"
    figure.suptitle(f"Observed I^(k) and the theory fitted to it ({kind} interactions)",
                    fontsize=10)
    return figure
