"""hs.order_loss (theory.md §8) against its formula written out, its gradients and bad input."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import harsanyi as hs  # noqa: E402

from models import cnn, mlp  # noqa: E402


def by_formula(model, x, y, low, high, encourage, seed, baseline):
    """The loss written from theory.md §8 for tabular players, one per feature."""
    n = x.shape[1]
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    first = [order[:int(r * n + 1e-9)] for r in (low, high)]
    masked = []
    for players in first:
        keep = torch.zeros(n, dtype=torch.bool)
        keep[players] = True
        masked.append(model(torch.where(keep, x, baseline)))
    weight = high / low if low > 0 else 1.0
    delta = masked[1] - weight * masked[0]
    if encourage:
        return torch.nn.functional.cross_entropy(delta, y)
    p = torch.softmax(delta, dim=1)
    return (p * torch.log(p)).sum(dim=1).mean()


@pytest.mark.parametrize("low, high, encourage", [(0.3, 0.7, True), (0.7, 1.0, False),
                                                  (0.0, 0.5, False), (0.0, 0.4, True)])
def test_the_loss_follows_its_formula(low, high, encourage):
    model, x = mlp(10, 3), torch.randn(6, 10, dtype=torch.float64)
    y = torch.tensor([0, 1, 2, 0, 1, 2])
    got = hs.order_loss(model, x, y, low, high, encourage=encourage, baseline=0.5,
                        generator=torch.Generator().manual_seed(4))
    want = by_formula(model, x, y, low, high, encourage, 4, 0.5)
    assert torch.allclose(got, want, atol=1e-12)


def test_gradients_reach_every_parameter_and_training_moves_the_loss():
    model, x = mlp(8, 3), torch.randn(32, 8, dtype=torch.float64)
    y = torch.randint(0, 3, (32,))
    optimiser = torch.optim.SGD(model.parameters(), lr=0.5)
    losses = []
    for step in range(30):
        loss = hs.order_loss(model, x, y, 0.3, 0.7, generator=torch.Generator().manual_seed(0))
        optimiser.zero_grad()
        loss.backward()
        assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in model.parameters())
        optimiser.step()
        losses.append(loss.item())
    assert losses[-1] < 0.9 * losses[0]
    assert model.training


def test_image_players_and_a_mean_baseline():
    model, x = cnn(), torch.randn(5, 1, 8, 8, dtype=torch.float64)
    players = hs.players.grid((8, 8), cells=(4, 4))
    loss = hs.order_loss(model, x, torch.arange(5) % 4, 0.0, 0.5, encourage=False,
                         players=players, baseline="mean", data=x)
    assert loss.ndim == 0 and -np.log(4) - 1e-9 <= loss.item() <= 0
    loss.backward()


@pytest.mark.parametrize("low, high, y, kwargs, message", [
    (0.5, 0.5, [0, 1], {}, "0 <= low < high <= 1"),
    (-0.1, 0.5, [0, 1], {}, "0 <= low < high <= 1"),
    (0.2, 0.5, [0], {}, "one integer label per sample"),
    (0.2, 0.5, [0.0, 1.0], {}, "one integer label per sample"),
    (0.2, 0.5, [0, 1], {"output": "prob"}, "unexpected keyword argument 'output'"),
    (0.2, 0.5, [0, 1], {"baseline": "learned"}, "hs.learn_baseline"),
])
def test_bad_input_is_refused_clearly(low, high, y, kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        hs.order_loss(mlp(4, 2), torch.randn(2, 4, dtype=torch.float64), torch.tensor(y),
                      low, high, **kwargs)


def test_token_players_at_an_embedding_get_gradients():
    from models import TinyText

    model = TinyText()
    x = {"input_ids": torch.tensor([[1, 4, 7, 2, 9], [3, 3, 5, 6, 1]]),
         "attention_mask": torch.ones(2, 5)}
    loss = hs.order_loss(model, x, torch.tensor([0, 2]), 0.2, 0.6, players=hs.players.tokens(5),
                         embedding=model.embed, baseline="zero",
                         generator=torch.Generator().manual_seed(1))
    loss.backward()
    assert torch.isfinite(loss) and model.embed.weight.grad.abs().sum() > 0
    assert model.head.weight.grad.abs().sum() > 0
