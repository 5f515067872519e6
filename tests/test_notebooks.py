"""The notebooks run from top to bottom (with small settings)."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("torch")

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
# What each notebook prints, and how many figures it draws at least.
EXPECTED = {
    "two_phase_dynamics.ipynb": ("Players(kind='grid', n=12", 5),  # overview ... heatmap
    "multi_order.ipynb": ("MultiOrderInteractions(samples=3", 2),  # J^(m), attack utility
    "sparsity.ipynb": ("Interactions(AND-OR, n_players=10", 4),  # strength, ratio x 2 models
    "shared_interactions.ipynb": ("exact joint gaps up to", 1),  # s_and, s_or against k
    "generalization.ipynb": ("IoU of confusing sets", 1),  # loss gap, both parts, by order
    "layerwise.ipynb": ("probe accuracy", 1),  # completeness and redundancy per order
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, monkeypatch, tmp_path):
    monkeypatch.setenv("HARSANYI_NOTEBOOK_QUICK", "1")
    monkeypatch.delenv("MPLBACKEND", raising=False)  # Jupyter's own inline backend
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    printed, figures = EXPECTED[path.name]
    assert printed in text
    # The figures render inline, as images, not as "<Figure size ...>" text.
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= figures
    assert not any("<Figure size" in str(o.get("data", {}).get("text/plain", ""))
                   and "image/png" not in o.get("data", {}) for o in outputs)


def test_every_notebook_is_expected():
    assert sorted(p.name for p in NOTEBOOKS) == sorted(EXPECTED)
