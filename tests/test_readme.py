"""Every Python block of the README runs as pasted, in the README's order (a block may use
what an earlier one defined), and prints what its ``# prints:`` comments say."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("sklearn")

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def expected_prints(block: str) -> list[str]:
    return [line.split("# prints: ", 1)[1].rstrip() for line in block.splitlines()
            if "# prints: " in line]


def test_the_readme_has_python_blocks():
    assert len(BLOCKS) >= 5 and any(expected_prints(block) for block in BLOCKS)


def test_every_block_runs_as_pasted_and_prints_what_it_says(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)  # the blocks write runs/, fig.png, run.npz
    namespace: dict = {}
    for number, block in enumerate(BLOCKS):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(block, f"README block {number}", "exec"), namespace)
        lines = [line.rstrip() for line in printed.getvalue().splitlines()]
        assert lines == expected_prints(block), f"README block {number}"
    assert (tmp_path / "fig.png").stat().st_size > 1000
