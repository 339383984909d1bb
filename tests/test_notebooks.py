"""Every notebook runs in a fresh kernel; zh/en twins share their code; the chapter's
inline definitions behave exactly like the package's functions."""

import json
import pathlib
import re
import sys

import nbformat
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from kernel import errors, execute, text_of

import linreg_scratch

ROOT = pathlib.Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(ROOT.glob("*/*.ipynb"))
REFERENCE = "3.2-linear-regression-scratch"


def read(path):
    return nbformat.read(path, as_version=4)


def code_cells(path):
    return [c.source for c in read(path).cells if c.cell_type == "code"]


def test_both_languages_hold_the_chapters():
    names = {lang: sorted(p.stem for p in (ROOT / lang).glob("*.ipynb")) for lang in ("zh", "en")}
    assert names["zh"] == names["en"]
    assert {"3.1-linear-regression", REFERENCE, "3.3-linear-regression-concise"} <= set(names["en"])


@pytest.mark.parametrize("name", sorted({p.stem for p in NOTEBOOKS}))
def test_zh_and_en_twins_have_identical_code(name):
    zh, en = ROOT / "zh" / f"{name}.ipynb", ROOT / "en" / f"{name}.ipynb"
    assert code_cells(zh) == code_cells(en)
    # each links to its twin
    assert f"../en/{name}.ipynb" in read(zh).cells[0].source
    assert f"../zh/{name}.ipynb" in read(en).cells[0].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_notebook_is_committed_clean(path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert set(raw["metadata"]) <= {"kernelspec", "language_info"}
    for cell in raw["cells"]:
        assert cell["metadata"] == {}
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    sources = "\n".join(c.source for c in read(path).cells if c.cell_type == "code")
    assert "sys.path" not in sources
    assert "linreg_scratch" in sources
    assert re.search(r"torch\.manual_seed\(\d+\)", sources)  # deterministic
    assert "<details>" in read(path).cells[-1].source  # exercises with answers


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_notebook_runs_top_to_bottom_in_a_fresh_kernel(path, tmp_path):
    nb = read(path)
    if path.stem == REFERENCE:
        nb.cells.append(
            nbformat.v4.new_code_cell(
                "print(float((torch.tensor(true_w) - w.detach().reshape(-1)).abs().max()),"
                " abs(true_b - b.item()))"
            )
        )
    nb = execute(nb, tmp_path, timeout=60)
    assert errors(nb) == []
    assert list(tmp_path.iterdir()) == []  # wrote no files
    if path.stem == REFERENCE:
        printed = "".join(text_of(c) for c in nb.cells if c.cell_type == "code")
        losses = [float(x) for x in re.findall(r"epoch \d, loss (\S+)", printed)[:3]]
        assert losses[0] > losses[1] > 0 and losses[2] < 1e-4
        w_err, b_err = (float(x) for x in text_of(nb.cells[-1]).split())
        assert w_err < 1e-2 and b_err < 1e-2


# --- the definitions 3.2 teaches inline behave exactly like the package's ------------


def inline_definitions():
    namespace = {"torch": torch}
    for source in code_cells(ROOT / "en" / f"{REFERENCE}.ipynb"):
        if source.startswith("def "):
            exec(source, namespace)
    return namespace


INLINE = inline_definitions()


def test_the_reference_notebook_teaches_the_four_definitions():
    assert {"data_iter", "linreg", "squared_loss", "sgd"} <= set(INLINE)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 60),
    d=st.integers(1, 4),
    batch_size=st.integers(1, 70),
    seed=st.integers(0, 10_000),
)
def test_inline_definitions_match_the_package(n, d, batch_size, seed):
    gen = torch.Generator().manual_seed(seed)
    features, labels = torch.randn(n, d, generator=gen), torch.randn(n, generator=gen)
    w, b = torch.randn(d, 1, generator=gen), torch.randn(1, generator=gen)

    torch.manual_seed(seed)
    ours = list(INLINE["data_iter"](batch_size, features, labels))
    torch.manual_seed(seed)
    package = list(linreg_scratch.data_iter(batch_size, features, labels))
    assert len(ours) == len(package)
    for (X1, y1), (X2, y2) in zip(ours, package, strict=True):
        assert torch.equal(X1, X2) and torch.equal(y1, y2)

    y_hat = INLINE["linreg"](features, w, b)
    assert torch.equal(y_hat, linreg_scratch.linreg(features, w, b))
    assert torch.equal(
        INLINE["squared_loss"](y_hat, labels), linreg_scratch.squared_loss(y_hat, labels)
    )

    params = {}
    for name, sgd in (("inline", INLINE["sgd"]), ("package", linreg_scratch.sgd)):
        p = [w.clone().requires_grad_(), b.clone().requires_grad_()]
        linreg_scratch.squared_loss(linreg_scratch.linreg(features, *p), labels).sum().backward()
        sgd(p, 0.03, batch_size)
        params[name] = p
    for p1, p2 in zip(params["inline"], params["package"], strict=True):
        assert torch.equal(p1, p2)


def test_first_code_cell_says_how_to_install_the_package_when_it_is_missing(monkeypatch):
    firsts = {code_cells(path)[0] for path in NOTEBOOKS}
    assert len(firsts) == 1  # the same cell opens every notebook
    monkeypatch.setitem(sys.modules, "linreg_scratch", None)  # import now raises ImportError
    with pytest.raises(ImportError, match=r"%pip install .*pip install -e \.") as info:
        exec(firsts.pop(), {})
    assert "README.md" in str(info.value) and "请在单元格中运行" in str(info.value)
