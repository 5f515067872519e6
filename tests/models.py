"""Small models with known behaviour for the tests (built in code: nothing is downloaded)."""

from __future__ import annotations

import torch
from torch import nn


class Polynomial(nn.Module):
    """v = a·x0·x1 + b·x2 (+ 0·x3 ...), returned as one output per sample."""

    def __init__(self, a=2.0, b=-3.0):
        super().__init__()
        self.a, self.b = a, b
        self.dummy = nn.Parameter(torch.zeros((), dtype=torch.float64))

    def forward(self, x):
        return self.a * x[:, 0] * x[:, 1] + self.b * x[:, 2] + self.dummy


class MinOf(nn.Module):
    """min over the features, written with ReLUs: min(a, b) = a - relu(a - b)."""

    def forward(self, x):
        out = x[:, 0]
        for i in range(1, x.shape[1]):
            out = out - torch.relu(out - x[:, i])
        return out


class MaxOf(nn.Module):
    """max over the features, written with ReLUs: max(a, b) = a + relu(b - a)."""

    def forward(self, x):
        out = x[:, 0]
        for i in range(1, x.shape[1]):
            out = out + torch.relu(x[:, i] - out)
        return out


def mlp(features=6, classes=3, hidden=16, seed=0, dtype=torch.float64):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(features, hidden), nn.Tanh(), nn.Linear(hidden, classes)).to(dtype)


def cnn(classes=4, seed=0, dtype=torch.float64):
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2),
        nn.Flatten(), nn.Linear(4 * 4 * 4, classes)).to(dtype)


class ScaledMLP(nn.Module):
    """Takes (x, scale): a second positional input that must ride along per row."""

    def __init__(self):
        super().__init__()
        self.net = mlp(4, 2)

    def forward(self, x, scale):
        return self.net(x) * scale[:, None]


class TinyText(nn.Module):
    """Embedding, mean pooling and a linear head, called with keyword inputs."""

    def __init__(self, vocab=20, dim=6, classes=3, seed=0):
        super().__init__()
        torch.manual_seed(seed)
        self.embed = nn.Embedding(vocab, dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, input_ids, attention_mask):
        h = torch.tanh(self.embed(input_ids)) * attention_mask[..., None]
        return {"logits": self.head(h.sum(1) / attention_mask.sum(1, keepdim=True))}
