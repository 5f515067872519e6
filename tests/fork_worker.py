"""Run by test_kernels_contract in a child process: kernels in pool workers started by the
method in argv[1], after the parent has run OpenMP kernels; prints what they computed."""

import json
import multiprocessing
import sys

import numpy as np

import harsanyi as hs


def work(seed):
    v = np.random.default_rng(seed).standard_normal((8, 1 << 10))
    return {"and": float(hs.and_interactions(v).sum()),
            "shapley": float(hs.shapley_values(v).sum()),
            "and_or": float(hs.and_or(v[:2, :64], tol=1e-3).objective.sum()),
            "threads": hs.get_num_threads()}


if __name__ == "__main__":
    work(0)  # the parent's OpenMP runtime starts its threads
    with multiprocessing.get_context(sys.argv[1]).Pool(2) as pool:
        print(json.dumps({"parent": work(1), "children": pool.map(work, [1, 1])}))
