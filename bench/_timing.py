"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import time


def best_time(function, *, min_total: float = 0.3, max_repeats: int = 50, min_repeats: int = 3):
    """The best wall time of `function()` over repeated calls, in seconds.

    Repeats until `min_total` seconds have been spent (at least `min_repeats`, at most
    `max_repeats` calls); the minimum is the least disturbed by other work on the machine.
    """
    times = []
    start = time.perf_counter()
    while len(times) < max_repeats and (
        len(times) < min_repeats or time.perf_counter() - start < min_total
    ):
        t0 = time.perf_counter()
        function()
        times.append(time.perf_counter() - t0)
    return min(times)


def format_seconds(seconds: float | None) -> str:
    """A time in the unit that reads best (µs, ms or s)."""
    if seconds is None:
        return "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def print_table(header: list[str], rows: list[list[str]]) -> None:
    """Print a Markdown table (so the output can be pasted into the README)."""
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = lambda cells: "| " + " | ".join(str(c).rjust(w) for c, w in zip(cells, widths)) + " |"
    print(line(header))
    print("|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|")
    for row in rows:
        print(line(row))


def paired_times(functions, *, rounds: int = 15):
    """Wall times of each function over `rounds` rounds, the functions run turn by turn.

    Running the candidates back to back puts them in the same phase of the machine, so the
    ratio within a round is steadier than ratios of separate timing loops; take the median
    of the per-round ratios.

    Returns
    -------
    ndarray, shape (rounds, len(functions))
    """
    import numpy as np

    times = np.empty((rounds, len(functions)))
    for r in range(rounds):
        for i, function in enumerate(functions):
            t0 = time.perf_counter()
            function()
            times[r, i] = time.perf_counter() - t0
    return times
