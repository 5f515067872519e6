"""Baseline models for the generalization power of interactions (theory.md §10): the same
architecture trained from several seeds on held-out data."""

from __future__ import annotations

import torch

from .._progress import progress_bar
from .._validation import positive_int

__all__ = ["train_baselines"]


def train_baselines(make_model, data, k: int = 3, *, epochs: int = 100, lr: float = 1e-3,
                    batch_size: int = 64, weight_decay: float = 0.0, seed: int = 0,
                    show_progress=None) -> list:
    """Train `k` baseline models on held-out data, seeds ``seed .. seed + k - 1``.

    Parameters
    ----------
    make_model : callable
        ``make_model()`` returns a fresh torch.nn.Module (called after seeding, so its
        initialisation follows the seed).
    data : (Tensor, Tensor)
        Inputs and integer labels of the held-out split (the test split in the papers).
    k : int, default 3
        Number of baselines (3 worked better than 5 in the papers).
    epochs, lr, batch_size, weight_decay : int, float, int, float
        Adam on cross-entropy over shuffled minibatches.
    seed : int
        The first seed.
    show_progress : bool, optional
        A progress bar over k x epochs.

    Returns
    -------
    list of torch.nn.Module
        In eval mode.
    """
    x, y = data
    if len(x) != len(y) or len(x) == 0:
        raise ValueError(f"data must be (inputs, labels) of the same non-zero length, got "
                         f"{len(x)} and {len(y)}")
    k, epochs, batch_size = (positive_int(v, name) for v, name in
                             ((k, "k"), (epochs, "epochs"), (batch_size, "batch_size")))
    models = []
    with progress_bar(k * epochs, f"training {k} baselines", show_progress, unit="epoch") as bar:
        for i in range(k):
            torch.manual_seed(seed + i)
            model = make_model()
            if not isinstance(model, torch.nn.Module):
                raise TypeError(f"make_model() must return a torch.nn.Module, got "
                                f"{type(model).__name__}")
            optimiser = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
            generator = torch.Generator().manual_seed(seed + i)
            model.train()
            for _ in range(epochs):
                for index in torch.randperm(len(x), generator=generator).split(batch_size):
                    index = index.to(y.device)
                    loss = torch.nn.functional.cross_entropy(model(x[index]), y[index])
                    optimiser.zero_grad()
                    loss.backward()
                    optimiser.step()
                bar.update(1)
            models.append(model.eval())
    return models
