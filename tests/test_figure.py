"""Figure plumbing (linreg_scratch.figure) and the package's import graph."""

import ast
import pathlib

import pytest

import linreg_scratch
from linreg_scratch.figure import new_figure, save_figure

# The package under test, wherever it is installed: the source folder in a checkout, or
# site-packages in CI's wheel job (which removes the source folder).
PACKAGE = pathlib.Path(linreg_scratch.__file__).resolve().parent


def module_imports() -> dict[str, set[str]]:
    """For each module of the package, the sibling modules it imports (lazily or not)."""
    graph = {}
    paths = sorted(PACKAGE.glob("*.py"))
    assert len(paths) > 10, f"no package modules found in {PACKAGE}"
    for path in paths:
        tree = ast.parse(path.read_text())
        deps = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    deps.add(node.module.split(".")[0])
                else:
                    deps.update(alias.name for alias in node.names)
        graph[path.stem] = deps
    return graph


def test_no_module_imports_itself_through_others():
    graph = module_imports()

    def reaches(start, goal, seen):
        for dep in graph.get(start, ()):
            if dep == goal or (dep not in seen and reaches(dep, goal, seen | {dep})):
                return True
        return False

    cycles = [m for m in graph if m != "__init__" and reaches(m, m, {m})]
    assert cycles == []
    assert "figure" in graph["landscape"] and "plot" not in graph["landscape"]


def test_the_math_never_imports_plotting_even_lazily():
    graph = module_imports()
    for module in ("data", "model", "loss", "optim", "train", "solve"):
        assert not graph[module] & {"plot", "figure", "landscape", "d2l", "framework"}, module


def test_new_figure_is_outside_pyplot_and_save_figure_checks_the_suffix(tmp_path):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig = new_figure((3, 2))
    assert plt.get_fignums() == before and tuple(fig.get_size_inches()) == (3, 2)
    fig.add_subplot().plot([0, 1], [1, 0])
    save_figure(fig, tmp_path / "f.svg")
    assert (tmp_path / "f.svg").read_text().lstrip().startswith("<?xml")
    with pytest.raises(ValueError, match="must end in"):
        save_figure(fig, tmp_path / "f.txt")
