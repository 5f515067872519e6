"""Sharing work between the ranks of an initialised ``torch.distributed`` process group.

Samples are split into contiguous shares of equal size (the last shares padded with a
repeated sample whose results are dropped), so that every rank makes the same number of
forward calls: under FSDP a forward pass is a collective, and unequal calls deadlock.  Each
rank solves its own share; the shares are gathered in rank order with ``all_gather_object``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

import torch

__all__ = ["Ranks", "active_ranks", "select_samples", "launched_rank"]

# How long ranks wait for each other at a barrier before naming the ones that did not come.
BARRIER_TIMEOUT = datetime.timedelta(minutes=30)


@dataclass(frozen=True)
class Ranks:
    """This process's place in a process group of more than one rank."""

    group: object
    rank: int
    world: int

    def share(self, count: int) -> tuple[torch.Tensor, int]:
        """This rank's sample indices, padded to ⌈count / world⌉, and how many are real."""
        size = -(-count // self.world)
        first = min(self.rank * size, count)
        real = max(0, min(size, count - first))
        index = torch.arange(first, first + real)
        if real < size:  # pad with a repeated sample: the same number of forward calls
            index = torch.cat([index, torch.full((size - real,), min(first, count - 1))])
        return index, real

    def gather(self, obj) -> list:
        """Every rank's `obj`, in rank order, on every rank."""
        found = [None] * self.world
        torch.distributed.all_gather_object(found, obj, group=self.group)
        return found

    def barrier(self, what: str, timeout=BARRIER_TIMEOUT) -> None:
        """Wait for every rank; a rank that does not come within `timeout` is named."""
        try:
            if torch.distributed.get_backend(self.group) == "gloo":
                torch.distributed.monitored_barrier(group=self.group, timeout=timeout)
            else:
                torch.distributed.barrier(group=self.group)
        except RuntimeError as error:
            raise RuntimeError(f"rank {self.rank}: the ranks did not all reach the barrier "
                               f"after {what} ({error})") from error


def active_ranks(distributed=None, group=None) -> Ranks | None:
    """The ranks to share work with, or None to work alone.

    Parameters
    ----------
    distributed : bool, optional
        None: share when a process group is initialised; False: never (each rank works
        alone, e.g. on its own probes); True: share, and refuse to run without a group.
    group : ProcessGroup, optional
        The group to share with (default the whole world).
    """
    if distributed is False:
        return None
    ready = torch.distributed.is_available() and torch.distributed.is_initialized()
    if not ready:
        if distributed:
            raise RuntimeError("distributed=True needs an initialised process group: call "
                               "torch.distributed.init_process_group first (torchrun does)")
        return None
    world = torch.distributed.get_world_size(group)
    if world == 1:
        return None
    return Ranks(group, torch.distributed.get_rank(group), world)


def launched_rank(distributed=None) -> int:
    """This process's rank as its launcher announced it (torchrun's ``RANK``; Lightning's
    ``LOCAL_RANK`` on node ``NODE_RANK`` 0), before any process group exists; 0 without
    one, or with ``distributed=False``."""
    import os

    if distributed is False:
        return 0
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return torch.distributed.get_rank()
    if "RANK" in os.environ:
        return int(os.environ["RANK"])
    if os.environ.get("NODE_RANK", "0") == "0":
        return int(os.environ.get("LOCAL_RANK", "0"))
    return 1  # another node: never the writer


def select_samples(x, index: torch.Tensor, count: int):
    """The samples `index` of a batched input: a tensor, or every tensor entry of a tuple or
    mapping whose first dimension is the batch (`count`); other entries as they are."""
    def pick(value):
        if isinstance(value, torch.Tensor) and value.ndim >= 1 and value.shape[0] == count:
            return value.index_select(0, index.to(value.device))
        return value

    if isinstance(x, torch.Tensor):
        return pick(x)
    if isinstance(x, Mapping):
        return {k: pick(v) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        return type(x)(pick(v) for v in x)
    raise TypeError(f"cannot split an input of type {type(x).__name__} between ranks")
