"""Multi-order interactions I^(m)(i,j) of a model, estimated over sampled contexts, for any
number of players (theory.md §8; ICLR'22 representation bottleneck, NeurIPS'21 adversarial).

For every sample, pair (i, j) and order m, contexts S ⊆ N \\ {i, j} with |S| = m are drawn
(or all enumerated, when there are no more than asked for) and the model is evaluated on
S∪{i,j}, S∪{i}, S∪{j} and S; a coalition that repeats within a sample is evaluated once.
Work goes in blocks of bounded memory, whatever n is.
"""

from __future__ import annotations

import numpy as np
import torch

from .._progress import progress_bar
from .._validation import positive_int
from ..context_sizes import BOTTLENECK_RATIOS, orders_of
from ..multi_order_result import MultiOrderInteractions
from .baselines import describe_baseline
from .contexts import ContextSampler, context_count, draw_pairs
from .distributed import active_ranks
from .learned_baseline import with_learned_baseline
from .masked_model import MaskedModel
from .options import game_options, signature_with_options
from .values import evaluation_mode, without_gradients

__all__ = ["multi_order"]

# Coalitions built at once (before repeats are dropped), and bytes of context keys.
BLOCK_ROWS = 1 << 16
BLOCK_KEY_BYTES = 1 << 26


def multi_order(model, x, target=None, *, orders=BOTTLENECK_RATIOS, pairs=None, contexts=100,
                neighbourhood=2, seed=0, distributed=None, group=None,
                **options) -> MultiOrderInteractions:
    """Estimate the multi-order interactions I^(m)(i,j) of a model on inputs (theory.md §8).

    ``I^(m)(i,j) = E_{S ⊆ N\\{i,j}, |S| = m} [v(S∪{i,j}) - v(S∪{i}) - v(S∪{j}) + v(S)]``,
    the mean over `contexts` sampled S per sample, pair and order, with its standard error.

    Parameters
    ----------
    model : torch.nn.Module or callable
        Returns logits for a batch (as for :func:`harsanyi.model_game`).
    x : Tensor, tuple or dict of Tensors
        One input or a batch.
    target : int, sequence or Tensor, optional
        The class explained (default: the predicted class).
    orders : sequence of int or float, default ``hs.BOTTLENECK_RATIOS``
        Context sizes m: integers in 0..n-2, or ratios r in [0, 1] (m = ⌊(n-2) r⌋).
    pairs : int or sequence of (int, int), optional
        A count of pairs drawn per sample without repetition (within `neighbourhood`
        cells on a grid of cells, uniformly among all pairs otherwise), or the pairs.
        Default: 200 (the paper's), or every pair where fewer exist.
    contexts : int, default 100
        Contexts per sample, pair and order.  An order with no more than this many
        contexts (C(n-2, m) <= contexts) has them all enumerated: exact, zero stderr.
    neighbourhood : int or None, default 2
        Chebyshev distance, in cells, within which grid pairs are drawn (None: any pair).
    seed : int, default 0
        Seeds the pairs, and the contexts of each sample and order (their own generator
        each, so the numbers do not depend on how the samples are shared out).
    distributed : bool, optional
        Under an initialised ``torch.distributed`` process group (None: whenever there is
        one; False: never; True: require one), each rank estimates an equal share of the
        samples and every rank gets the whole result.  Shared out, every coalition is
        evaluated (no repeats dropped) so that the ranks make the same forward calls.
    group : ProcessGroup, optional
        The group to share with.
    **options
        How x is masked and read, as for :func:`harsanyi.model_game` (``players``,
        ``baseline``, ``data``, ``output``, ``batch_size``, ``device``, ``show_progress``,
        ...).  ``output="log-odds"`` (default) is the bottleneck paper's v,
        ``output="log-prob"`` the adversarial paper's.  ``max_evaluations`` bounds
        ``4 * samples * pairs * contexts * orders``.

    Returns
    -------
    MultiOrderInteractions
        ``.interactions`` and ``.stderr`` (B, M, P), ``.pairs``, ``.orders``,
        ``.strength()``, ``.plot()``.

    Examples
    --------
    >>> import torch, harsanyi as hs
    >>> model = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    >>> mo = hs.multi_order(model, torch.randn(2, 6), orders=[0, 2, 4], pairs=3, contexts=5)
    >>> mo.interactions.shape, mo.exact.tolist()
    ((2, 3, 3), [True, False, True])
    >>> strength, error = mo.strength()   # J^(m), normalised over the three orders
    """
    settings = game_options(options, "multi_order")
    contexts = positive_int(contexts, "contexts")
    settings, baseline_kind = with_learned_baseline(model, x, target, settings)
    masked = MaskedModel(model, x, target, settings, baseline_kind=baseline_kind)
    n, samples = masked.n_players, masked.n_samples
    ms = orders_of(orders, n)
    rng = np.random.default_rng(seed)
    pair_array = draw_pairs(masked.players, pairs, samples, neighbourhood, rng)
    counts = np.array([context_count(n, int(m), contexts)[0] for m in ms], dtype=np.int64)
    planned = 4 * samples * pair_array.shape[1] * int(counts.sum())
    if planned > settings.max_evaluations:
        raise ValueError(
            f"{samples} sample(s) x {pair_array.shape[1]} pairs x {int(counts.sum()):,} contexts "
            f"(over {len(ms)} orders) x 4 coalitions is {planned:,} model evaluations, more "
            f"than max_evaluations = {settings.max_evaluations:,}; use fewer samples, pairs, "
            "contexts or orders, or raise max_evaluations")
    ranks = active_ranks(distributed, group)
    index, real = ranks.share(samples) if ranks is not None else (torch.arange(samples), samples)
    estimate = _Estimate(masked, pair_array, ms, contexts, seed, index.numpy(),
                         dedupe=ranks is None)
    with evaluation_mode(model), without_gradients(model), masked.masking(), \
            progress_bar(planned * len(index) // samples,
                         f"I^(m)(i,j) of {len(index)} x {pair_array.shape[1]} pairs",
                         settings.show_progress) as bar:
        masked.targets_tensor  # one pass over the unmasked inputs, before the coalitions
        for k, m in enumerate(ms):
            estimate.order(k, int(m), bar)
    parts = {"mean": estimate.mean[:real], "stderr": estimate.stderr[:real],
             "mean_abs": estimate.mean_abs[:real],
             "evaluations": np.array([estimate.evaluations])}
    if ranks is not None:
        shares = ranks.gather(parts)
        parts = {key: np.concatenate([share[key] for share in shares]) for key in parts}
    return MultiOrderInteractions(
        interactions=parts["mean"], stderr=parts["stderr"], mean_abs=parts["mean_abs"],
        pairs=pair_array, orders=ms, n_players=n, contexts=counts,
        exact=np.array([context_count(n, int(m), contexts)[1] for m in ms]),
        evaluations=int(parts["evaluations"].sum()),
        settings={"players": masked.players.describe(),
                  "baseline": describe_baseline(baseline_kind or settings.baseline),
                  "output": settings.output if isinstance(settings.output, str) else "callable",
                  "targets": masked.targets.tolist(), "contexts": contexts,
                  "neighbourhood": neighbourhood, "seed": seed,
                  "pairs": "given" if isinstance(pairs, (list, tuple, np.ndarray)) else pairs})


multi_order.__signature__ = signature_with_options(multi_order)


class _Estimate:
    """The running estimate for the samples `samples`: Δv over each order's contexts,
    sample by sample, each (sample, order) drawing from its own seeded generator, so that
    any split of the samples (between ranks) gives the same numbers."""

    def __init__(self, masked: MaskedModel, pairs: np.ndarray, ms, contexts: int, seed,
                 samples: np.ndarray, dedupe: bool = True):
        self.masked, self.pairs, self.contexts, self.seed = masked, pairs, contexts, seed
        self.samples, self.dedupe = samples, dedupe
        shape = (len(samples), len(ms), pairs.shape[1])
        self.mean, self.stderr, self.mean_abs = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        self.evaluations = 0

    def order(self, k: int, m: int, bar) -> None:
        n, count = self.masked.n_players, self.pairs.shape[1]
        for row, b in enumerate(self.samples):
            rng = np.random.default_rng([self.seed, k, int(b)])
            sampler = ContextSampler(n, m, self.contexts, rng)
            c = sampler.count
            units = max(1, min(BLOCK_ROWS // (4 * c), BLOCK_KEY_BYTES // (4 * c * max(n, 1))))
            for start in range(0, count, units):
                stop = min(start + units, count)
                present = sampler.coalitions(self.pairs[b, start:stop])  # (u, C, 4, n)
                sample = np.full(present.shape[0] * c * 4, b)
                v = self._values(sample, present.reshape(-1, n)).reshape(stop - start, c, 4)
                delta = v[..., 0] - v[..., 1] - v[..., 2] + v[..., 3]  # (u, C)
                self.mean[row, k, start:stop] = delta.mean(axis=1)
                self.mean_abs[row, k, start:stop] = np.abs(delta).mean(axis=1)
                if not sampler.exact and c > 1:
                    self.stderr[row, k, start:stop] = delta.std(axis=1, ddof=1) / np.sqrt(c)
                bar.update(present.shape[0] * c * 4)

    def _values(self, sample: np.ndarray, present: np.ndarray) -> np.ndarray:
        """v of each (sample, coalition) row, each distinct row evaluated once (every row
        when ranks share the work: they must make the same number of forward calls)."""
        if self.dedupe:
            keys = np.concatenate([sample[:, None].astype(">i8").view(np.uint8),
                                   np.packbits(present, axis=1)], axis=1)
            keys = np.ascontiguousarray(keys).view(np.dtype((np.void, keys.shape[1]))).ravel()
            _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        else:
            first, inverse = np.arange(len(sample)), np.arange(len(sample))
        masked, size = self.masked, self.masked.batch_size
        device = masked.device
        rows = torch.from_numpy(present[first]).to(device)
        which = torch.from_numpy(sample[first]).to(device)
        out = torch.empty(len(first), dtype=torch.float64, device=device)
        for low in range(0, len(first), size):
            high = min(low + size, len(first))
            out[low:high] = masked.evaluate_present(which[low:high], rows[low:high])
        values = out.cpu().numpy()
        if not np.all(np.isfinite(values)):
            bad = int(np.flatnonzero(~np.isfinite(values))[0])
            raise ValueError(
                f"the model's output gave a non-finite v for sample {int(sample[first[bad]])} "
                f"with players {np.flatnonzero(present[first[bad]]).tolist()[:10]} present; "
                "check the model and the output= choice")
        self.evaluations += len(first)
        return values[inverse.ravel()]
