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
    np.savez(out / f"explain{rank}.npz", values=shared.values, a=shared.and_interactions,
             o=shared.or_interactions, targets=np.array(shared.settings["targets"]),
             lone=lone.and_interactions, single=single.and_interactions,
             plain=plain.and_interactions, first_only_none=first_only is None)


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


def run(rank, world, job, out):
    dist.init_process_group("gloo", init_method=f"file://{out / 'store'}", rank=rank,
                            world_size=world)
    torch.set_num_threads(1)
    try:
        globals()[f"{job}_job"](rank, out)
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    import torch.multiprocessing as mp

    mp.spawn(run, args=(2, sys.argv[1], Path(sys.argv[2])), nprocs=2, join=True)
