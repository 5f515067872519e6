"""Speed of the AND/OR transforms and indices against the peers, measured in one run.

For each (batch B, players n) it prints the time of harsanyi's and_interactions and
or_interactions, of the hand-written NumPy butterfly, of a plain copy of the array (the
memory floor) and of shapiq's exact Möbius transform (one game, scaled to B, where it
finishes within --shapiq-limit seconds), and the ratios between them.

Run with ``make bench`` or ``python bench/transforms.py``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import time

import numpy as np

import harsanyi as hs
from _timing import best_time, format_seconds, print_table

CASES = [(1000, 10), (1000, 12), (16, 16), (1, 20), (1, 22)]


def numpy_butterfly(v: np.ndarray) -> np.ndarray:
    """The Möbius transform in NumPy, one vectorised stage per player."""
    v = v.copy()
    n = v.shape[-1].bit_length() - 1
    for i in range(n):
        w = v.reshape(v.shape[:-1] + (-1, 2, 1 << i))
        w[..., 1, :] -= w[..., 0, :]
    return v


def _shapiq_moebius_seconds(n: int, queue) -> None:
    import shapiq

    v = np.random.default_rng(0).standard_normal(1 << n)
    weights = 1 << np.arange(n)
    computer = shapiq.ExactComputer(
        lambda coalitions: v[np.asarray(coalitions, dtype=np.int64) @ weights], n_players=n,
        evaluate_game=True,
    )
    start = time.perf_counter()
    computer("Moebius")
    queue.put(time.perf_counter() - start)


def shapiq_seconds(n: int, limit: float) -> float | None:
    """Seconds shapiq's ExactComputer takes for one game's Möbius transform, or None."""
    try:
        import shapiq  # noqa: F401
    except ImportError:
        return None
    queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_shapiq_moebius_seconds, args=(n, queue))
    process.start()
    process.join(limit)
    if process.is_alive():
        process.terminate()
        process.join()
        return None
    return queue.get() if not queue.empty() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapiq-limit", type=float, default=60.0,
                        help="seconds shapiq may take for one game (default 60)")
    parser.add_argument("--no-shapiq", action="store_true", help="skip shapiq")
    args = parser.parse_args()

    print(f"# harsanyi {hs.__version__}, NumPy {np.__version__}, {platform.processor() or platform.machine()}, "
          f"{hs.get_num_threads()} kernel thread(s), float64\n")
    rows = []
    for batch, n in CASES:
        v = np.random.default_rng(n).standard_normal((batch, 1 << n))
        out = np.empty_like(v)
        t_and = best_time(lambda: hs.and_interactions(v, out=out))
        t_or = best_time(lambda: hs.or_interactions(v, out=out))
        t_numpy = best_time(lambda: numpy_butterfly(v), min_total=1.0, max_repeats=10)
        t_copy = best_time(lambda: np.copyto(out, v))
        t_shapiq = None
        if not args.no_shapiq and n in (12, 16):
            one = shapiq_seconds(n, args.shapiq_limit)
            t_shapiq = None if one is None else one * batch
        shapiq_cell = (f"{t_shapiq / t_and:,.0f}×" if t_shapiq
                       else ("—" if n not in (12, 16) or args.no_shapiq
                             else f"> {args.shapiq_limit * batch / t_and:,.0f}× (timed out)"))
        rows.append([
            f"({batch}, {n})", format_seconds(t_and), format_seconds(t_or),
            format_seconds(t_numpy), format_seconds(t_copy),
            format_seconds(t_shapiq) if t_shapiq else "—",
            f"{t_numpy / t_and:.1f}×", f"{t_numpy / t_or:.1f}×", f"{t_and / t_copy:.2f}×",
            shapiq_cell,
        ])
    print_table(["(B, n)", "AND", "OR", "NumPy butterfly", "copy", "shapiq (B games)",
                 "NumPy/AND", "NumPy/OR", "AND/copy", "shapiq/AND"], rows)

    print("\n# indices at n = 16 (one game)\n")
    m = hs.and_interactions(np.random.default_rng(1).standard_normal(1 << 16))
    index_rows = [
        ["shapley_values", format_seconds(best_time(lambda: hs.shapley_values(m)))],
        ["banzhaf_values", format_seconds(best_time(lambda: hs.banzhaf_values(m)))],
        ["interaction_index sii", format_seconds(best_time(lambda: hs.interaction_index(m, "sii")))],
        ["interaction_index bii", format_seconds(best_time(lambda: hs.interaction_index(m, "bii")))],
        ["order_strength", format_seconds(best_time(lambda: hs.order_strength(m, 0.05, relative=True)))],
    ]
    print_table(["function", "time"], index_rows)


if __name__ == "__main__":
    main()
