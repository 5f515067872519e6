"""The published AND-OR optimisation, written from theory.md §4 with dense matrices in PyTorch.

SGD with momentum 0.9 on the split gamma and the noise q, minimising
||M((v + q)/2 + gamma)||_1 + ||F((v + q)/2 - gamma)||_1 with the dense Möbius matrix M and OR
matrix F, the learning rate decayed log-uniformly from lr to lr/10 over the schedule, q
clamped to [-tau, tau] after each step (theory.md §4).  The oracle of
``harsanyi.and_or(..., solver="sgd")`` in the tests and its peer in the benchmarks; it
needs PyTorch and dense 4^n matrices, so it serves small n only.
"""

from __future__ import annotations

import time

import numpy as np

from ..transforms import and_interactions, or_interactions

__all__ = ["dense_published_sgd", "published_rates"]


def published_rates(lr: float, schedule: int) -> np.ndarray:
    """The published learning rates of a `schedule`-iteration run: ``schedule - 1`` steps
    at ``lr · 10^(-t / (schedule - 1))``, t = 0 .. schedule - 2."""
    return lr * 10.0 ** (-np.arange(schedule - 1) / max(schedule - 1, 1))


def dense_published_sgd(v, tau, steps, lr=1e-4, schedule=10_000, momentum=0.9):
    """Run the first `steps` steps of a `schedule`-iteration run (which takes
    ``schedule - 1`` steps; see :func:`published_rates`).

    Returns
    -------
    (I_and, I_or, q, seconds)
        The interactions and noise after the last step, and the time the steps took.
    """
    import torch

    n = v.shape[-1].bit_length() - 1
    eye = np.eye(1 << n)
    M = torch.tensor(and_interactions(eye).T)
    F = torch.tensor(or_interactions(eye).T)
    v = torch.tensor(np.asarray(v, dtype=np.float64))
    gamma = torch.zeros(1 << n, dtype=torch.float64, requires_grad=True)
    q = torch.zeros(1 << n, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([gamma, q], lr=lr, momentum=momentum)
    rates = published_rates(lr, schedule)[:steps]
    start = time.perf_counter()
    for rate in rates:
        optimizer.param_groups[0]["lr"] = float(rate)
        optimizer.zero_grad()
        base = 0.5 * (v + q)
        loss = (M @ (base + gamma)).abs().sum() + (F @ (base - gamma)).abs().sum()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            q.clamp_(-tau, tau)
    seconds = time.perf_counter() - start
    with torch.no_grad():
        base = 0.5 * (v + q)
        return (M @ (base + gamma)).numpy(), (F @ (base - gamma)).numpy(), q.numpy(), seconds
