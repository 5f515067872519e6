"""Run by test_distributed in a child process: starts 2 ranks (gloo on CPU, a file store) that
run the job named in argv[1] and write what they computed under argv[2]."""

import sys
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist

sys.path.insert(0, str(Path(__file__).parent))


def explain_job(rank, out):
    import harsanyi as hs
    from models import mlp

    model = mlp(6, 3)
    x = torch.randn(5, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    shared = hs.explain(model, x, method="and-or", tol=1e-6, baseline="mean", data=x)
    lone = hs.explain(model, x[:1], method="and-or", tol=1e-6)   # rank 1 has no share
    single = hs.explain(model, x[0])                               # one input: no split
    plain = hs.explain(model, x, target=[0, 1, 2, 0, 1])           # method "and", targets split
    first_only = hs.explain(model, x, gather="rank0")
    sampled = hs.multi_order(model, x, orders=[1, 3], pairs=4, contexts=5, seed=3)
    np.savez(out / f"explain{rank}.npz", values=shared.values, a=shared.and_interactions,
             o=shared.or_interactions, targets=np.array(shared.settings["targets"]),
             lone=lone.and_interactions, single=single.and_interactions,
             plain=plain.and_interactions, first_only_none=first_only is None,
             sampled=sampled.interactions, sampled_stderr=sampled.stderr)


def tracker_job(rank, out):
    import harsanyi as hs
    from models import mlp

    torch.manual_seed(0)
    model = mlp(6, 2)
    ddp = torch.nn.parallel.DistributedDataParallel(model)
    x = torch.randn(40, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    y = (x[:, 0] > 0).long()
    probes = x[:5]
    tracker = hs.DynamicsTracker(model, probes, y[:5], directory=out / "run", tol=1e-4)
    optimiser = torch.optim.SGD(ddp.parameters(), lr=0.1)
    share = slice(rank * 20, rank * 20 + 20)
    for epoch in range(3):
        optimiser.zero_grad()
        torch.nn.functional.cross_entropy(ddp(x[share]), y[share]).backward()
        optimiser.step()
        tracker.update(epoch, train_loss=float(epoch))
        if rank == 0:
            torch.save(model.state_dict(), out / f"state{epoch}.pt")
    record = tracker.records[2]
    np.savez(out / f"tracker{rank}.npz",
             distribution=record["distributions"]["and-or"].distribution,
             targets=record["targets"])


def fsdp_job(rank, out):
    import harsanyi as hs
    from models import mlp
    from torch.distributed.device_mesh import init_device_mesh
    from torch.distributed.fsdp import fully_shard

    model = mlp(6, 3).float()
    mesh = init_device_mesh("cpu", (2,))
    for layer in (model[0], model[2]):  # each linear layer sharded: a forward all-gathers
        fully_shard(layer, mesh=mesh)
    fully_shard(model, mesh=mesh)
    x = torch.randn(5, 6, generator=torch.Generator().manual_seed(0))
    shared = hs.explain(model, x, method="and-or", tol=1e-6)   # uneven: 3 and 2 (+1 padding)
    tracker = hs.DynamicsTracker(model, x[:3], torch.tensor([0, 1, 2]), tol=1e-4)
    tracker.update(0)
    np.savez(out / f"fsdp{rank}.npz", a=shared.and_interactions,
             distribution=tracker.records[0]["distributions"]["and-or"].distribution)


def crash_job(rank, out):
    import os

    import harsanyi as hs
    from models import mlp

    model = mlp(6, 2)
    x = torch.randn(6, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    tracker = hs.DynamicsTracker(model, x, torch.tensor([0, 1] * 3), directory=out / "run",
                                 tol=1e-3)
    for epoch in range(3):
        with torch.no_grad():
            model[0].weight.add_(0.01)
        if epoch == 2 and rank == 1:
            os._exit(3)  # rank 1 dies before its third checkpoint
        tracker.update(epoch)


def checkpoints_job(rank, out):
    import harsanyi as hs
    from models import mlp

    torch.manual_seed(0)
    paths = []
    if rank == 0:
        model = mlp(6, 2)
        for epoch in range(3):
            with torch.no_grad():
                model[0].weight.mul_(1.1)
            torch.save(model.state_dict(), out / f"state{epoch}.pt")
    dist.barrier()
    paths = [out / f"state{epoch}.pt" for epoch in range(3)]
    x = torch.randn(4, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    tracker = hs.track_checkpoints(lambda: mlp(6, 2), paths, x, torch.tensor([0, 1, 0, 1]),
                                   directory=out / "run", tol=1e-4, warm_start=False)
    np.savez(out / f"checkpoints{rank}.npz", epochs=tracker.epochs,
             distribution=np.stack([tracker.records[e]["distributions"]["and-or"].distribution
                                    for e in tracker.epochs]))


def run(rank, world, job, out):
    import datetime

    dist.init_process_group("gloo", init_method=f"file://{out / 'store'}", rank=rank,
                            world_size=world, timeout=datetime.timedelta(seconds=60))
    torch.set_num_threads(1)
    try:
        globals()[f"{job}_job"](rank, out)
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    import torch.multiprocessing as mp

    mp.spawn(run, args=(2, sys.argv[1], Path(sys.argv[2])), nprocs=2, join=True)
