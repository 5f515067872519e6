"""The main job runs end to end (quick settings) and writes its figures and summary."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")
pytest.importorskip("sklearn")

from harsanyi import demo  # noqa: E402


def test_quick_demo_writes_figures_and_summary(tmp_path, capsys):
    demo.main(["--out", str(tmp_path), "--quick"])
    for name in ("tabular_mlp", "digits_cnn"):
        for kind in ("overview", "theory", "ratio", "heatmap"):
            assert (tmp_path / f"{name}_{kind}.png").stat().st_size > 5000
    summary = (tmp_path / "summary.txt").read_text()
    assert "## tabular_mlp (10 players, and-or" in summary and "## digits_cnn (12 players" in summary
    assert "Theory fit" in summary
    assert "Figures and summary written" in capsys.readouterr().out
