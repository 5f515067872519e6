"""The published joint AND-OR optimisation (theory.md §9, ICLR'24), written with dense
matrices in PyTorch: SGD with momentum on the shared split γ̄, each model's deviation γ̂_i
and noise q_i, both clamped after each step.  The oracle of
``harsanyi.shared_and_or(..., solver="sgd")`` in the tests and its peer in the benchmarks;
it needs PyTorch and dense 4^n matrices, so it serves small n only."""

from __future__ import annotations

import time

import numpy as np

from ..transforms import and_interactions, or_interactions

__all__ = ["dense_published_shared_sgd"]


def dense_published_shared_sgd(v, tau, bound, alpha, steps, lr=1e-7, momentum=0.9):
    """Run `steps` steps on games v (m, 2^n) with noise bounds tau (m,) and deviation
    bounds bound (m,).

    Returns
    -------
    a, o : ndarray (m, 2^n)
        The AND and OR interactions after the last step.
    objective : float
        Their objective.
    seconds : float
        Time of the steps.
    """
    import torch

    size = v.shape[1]
    M = torch.tensor(and_interactions(np.eye(size)).T)  # a = M u
    F = torch.tensor(or_interactions(np.eye(size)).T)   # o = F w
    games = torch.tensor(np.asarray(v, dtype=np.float64))
    shared = torch.zeros(size, dtype=torch.float64, requires_grad=True)
    deviation = torch.zeros(games.shape, dtype=torch.float64, requires_grad=True)
    noise = torch.zeros(games.shape, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.SGD([shared, deviation, noise], lr=lr, momentum=momentum)
    tau = torch.tensor(np.asarray(tau, dtype=np.float64))[:, None]
    bound = torch.tensor(np.asarray(bound, dtype=np.float64))[:, None]

    def parts():
        base = (games + noise) / 2
        return (base + shared + deviation) @ M.T, (base - shared - deviation) @ F.T

    def objective(a, o):
        return a.abs().max(0).values.sum() + o.abs().max(0).values.sum() \
            + alpha * (a.abs().sum() + o.abs().sum())

    start = time.perf_counter()
    for _ in range(steps):
        loss = objective(*parts())
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        with torch.no_grad():
            deviation.copy_(torch.maximum(torch.minimum(deviation, bound), -bound))
            noise.copy_(torch.maximum(torch.minimum(noise, tau), -tau))
    seconds = time.perf_counter() - start
    with torch.no_grad():
        a, o = parts()
        return a.numpy(), o.numpy(), float(objective(a, o)), seconds
