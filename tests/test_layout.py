"""The package's architecture, checked: layers by path, no import cycles, small files."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "python" / "harsanyi"
MAX_PYTHON_LINES = 400
MAX_C_LINES = 600


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(name: str) -> set[str]:
    """The package's modules that `name` imports, anywhere in its body."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if child in MODULES or child.endswith("._core") else base)
    return {m for m in found if m.startswith("harsanyi") and m != "harsanyi._core"} - {name}


def internal_graph() -> dict[str, set[str]]:
    """Imports among the package's modules; the top-level facade is left out (it imports
    everything on purpose and nothing imports it)."""
    return {name: {m for m in imported_modules(name) if m in MODULES and m != "harsanyi"}
            for name in MODULES if name != "harsanyi"}


def test_no_module_imports_the_facade():
    importers = sorted(name for name in MODULES if name != "harsanyi"
                       and "harsanyi" in imported_modules(name))
    assert importers == []


def test_no_import_cycles():
    graph = internal_graph()
    state: dict[str, int] = {}

    def visit(node, path):
        state[node] = 1
        for child in sorted(graph[node]):
            if state.get(child) == 1:
                cycle = path[path.index(child):] + [child]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if child not in state:
                visit(child, path + [child])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])


@pytest.mark.parametrize("layer, forbidden", [
    ("array", ("harsanyi.models", "harsanyi.dynamics.tracker", "harsanyi.dynamics.lightning",
               "harsanyi.plots", "harsanyi.analysis")),
    ("harsanyi.models", ("harsanyi.dynamics", "harsanyi.plots", "harsanyi.analysis")),
    ("harsanyi.plots", ("harsanyi.models", "harsanyi.dynamics.tracker")),
    ("harsanyi.analysis", ("harsanyi.dynamics.tracker", "harsanyi.plots")),
])
def test_layers_import_only_below_them(layer, forbidden):
    if layer == "array":  # the facade and the result objects users hold reach every layer
        members = [m for m, path in MODULES.items() if path.parent == PACKAGE
                   and m not in ("harsanyi", "harsanyi.demo", "harsanyi.result",
                                 "harsanyi.multi_order_result", "harsanyi.generalization_result",
                                 "harsanyi.layerwise_result")]
    else:
        members = [m for m in MODULES if m == layer or m.startswith(layer + ".")]
    offending = {m: sorted(i for i in imported_modules(m)
                           if any(i == f or i.startswith(f + ".") for f in forbidden))
                 for m in members}
    assert {m: i for m, i in offending.items() if i} == {}


def test_files_stay_small():
    long_python = {str(p.relative_to(ROOT)): n for p in PACKAGE.rglob("*.py")
                   if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_PYTHON_LINES}
    long_c = {str(p.relative_to(ROOT)): n for p in (ROOT / "csrc").iterdir()
              if p.suffix in (".c", ".h")
              and (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_C_LINES}
    assert long_python == {} and long_c == {}


def test_torch_free_parts_import_without_torch():
    """The array API, the distribution, history, phases and theory load no PyTorch."""
    code = ("import sys, harsanyi as hs; hs.theory.fit; hs.phases.detect_phases; "
            "hs.DynamicsHistory; hs.GameOptions; import harsanyi.analysis, harsanyi.plots; "
            "assert 'torch' not in sys.modules, 'torch was imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_every_public_name_resolves():
    import harsanyi as hs

    missing = [name for name in hs.__all__ if getattr(hs, name, None) is None]
    assert missing == []
    assert hs.DynamicsCallback.__module__ == "harsanyi.dynamics.lightning"


def test_the_command_line_says_what_the_build_can_do():
    shown = subprocess.run([sys.executable, "-m", "harsanyi"], check=True, cwd=ROOT,
                           capture_output=True, text=True).stdout
    import harsanyi as hs

    assert f"harsanyi {hs.__version__}" in shown and "make demo" in shown
    assert ("OpenMP" in shown) and ("AVX2" in shown) and "n = 40 players" in shown


def test_make_demo_installs_what_the_demo_needs_only():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    rules = {line.split(":")[0]: line for line in makefile.splitlines()
             if line and not line.startswith(("\t", "#", " ")) and ":" in line}
    assert ".test-deps" not in rules["demo"] and ".test-deps" not in rules["$(VENV)/.built"]
    assert '-e ".[torch,demo]"' in makefile and ".test-deps" in rules["test"]
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'demo = ["scikit-learn' in pyproject


def test_theory_md_ships_with_the_package(tmp_path):
    import harsanyi as hs

    text = hs.theory_reference().read_text(encoding="utf-8")
    assert "## 7. Two-phase dynamics" in text
    assert (ROOT / "docs" / "theory.md").read_text(encoding="utf-8") == text
    # A built package holds it (build_py copies packages and their data, no compiling).
    subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib",
                    str(tmp_path)], check=True, cwd=ROOT, capture_output=True)
    assert (tmp_path / "harsanyi" / "theory.md").read_text(encoding="utf-8") == text
