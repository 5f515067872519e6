"""Masked inputs by bit selection: bit-exact against torch.where for every dtype."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from harsanyi.models.masking import as_selection, blend, selection_dtype  # noqa: E402

SPECIAL = [float("nan"), float("inf"), -float("inf"), -0.0, 0.0, 1e-40, -3.5]


def where(present, x, baseline):
    return torch.where(present, x, baseline)


def same_bits(a, b):
    assert a.dtype == b.dtype and a.shape == b.shape
    if a.dtype == torch.bool or a.dtype.is_complex:
        return torch.equal(a.view(torch.uint8) if a.dtype == torch.bool else a, b)
    width = {1: torch.int8, 2: torch.int16, 4: torch.int32, 8: torch.int64}[a.dtype.itemsize]
    return torch.equal(a.contiguous().view(width), b.contiguous().view(width))


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64,
                                   torch.int64, torch.int32, torch.uint8, torch.int8])
def test_bit_exact_against_where(dtype):
    gen = torch.Generator().manual_seed(0)
    present = torch.rand(64, 3, 5, generator=gen) > 0.5
    if dtype.is_floating_point:
        x = torch.tensor(SPECIAL * 3)[:15].reshape(3, 5).to(dtype)
        baseline = torch.tensor(list(reversed(SPECIAL)) * 3)[:15].reshape(3, 5).to(dtype)
    else:
        x = torch.randint(0, 100, (3, 5), generator=gen).to(dtype)
        baseline = torch.full((5,), 7, dtype=dtype)
    element = as_selection(present, selection_dtype(dtype))
    assert element.dtype != torch.bool
    assert same_bits(blend(element, x, baseline), where(present, x, baseline))


def test_broadcast_over_samples():
    present = torch.rand(1, 16, 4) > 0.5
    x = torch.randn(3, 1, 4)
    baseline = torch.randn(3, 1, 4)
    element = as_selection(present, selection_dtype(x.dtype))
    out = blend(element, x, baseline)
    assert out.shape == (3, 16, 4)
    assert torch.equal(out, where(present, x, baseline))


def test_non_contiguous_inputs():
    present = torch.rand(8, 6) > 0.5
    x = torch.randn(6, 2)[:, 0]
    baseline = torch.randn(12)[::2]
    element = as_selection(present, selection_dtype(x.dtype))[:, :]
    assert torch.equal(blend(element, x, baseline), where(present, x, baseline))


@pytest.mark.parametrize("dtype", [torch.bool, torch.complex64])
def test_bool_and_complex_use_where(dtype):
    assert selection_dtype(dtype) == torch.bool
    present = torch.rand(10, 3) > 0.5
    x = torch.ones(3, dtype=dtype)
    baseline = torch.zeros(3, dtype=dtype)
    assert torch.equal(blend(as_selection(present, torch.bool), x, baseline),
                       where(present, x, baseline))


def test_gradients_flow_to_the_baseline():
    present = torch.rand(10, 3) > 0.5
    x = torch.randn(3)
    baseline = torch.zeros(3, requires_grad=True)
    out = blend(as_selection(present, torch.int32), x, baseline)
    out.sum().backward()
    torch.testing.assert_close(baseline.grad, (~present).sum(0).float())
