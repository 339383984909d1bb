import re
import subprocess

import matplotlib
import matplotlib.pyplot
import numpy as np
import pytest
import torch

from linreg_scratch import (
    Animator,
    init_params,
    lang,
    network_diagram,
    plot_training,
    set_figsize,
)


def test_use_svg_display_is_a_no_op_outside_ipython(python):
    # In a plain interpreter it must neither fail nor create an IPython shell.
    code = (
        "import sys; from linreg_scratch import use_svg_display, set_figsize;"
        "use_svg_display(); set_figsize((4, 3));"
        "import matplotlib; assert tuple(matplotlib.rcParams['figure.figsize']) == (4.0, 3.0);"
        "print('IPython' in sys.modules)"
    )
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_set_figsize_sets_rcparams():
    old = matplotlib.rcParams["figure.figsize"]
    try:
        set_figsize()
        assert tuple(matplotlib.rcParams["figure.figsize"]) == (3.5, 2.5)
        set_figsize([5, 4])
        assert tuple(matplotlib.rcParams["figure.figsize"]) == (5.0, 4.0)
    finally:
        matplotlib.rcParams["figure.figsize"] = old


@pytest.mark.parametrize(
    ("figsize", "error"),
    [
        ((0, 2.5), ValueError),
        ((3.5, -1), ValueError),
        ((float("inf"), 1), ValueError),
        ((3.5,), TypeError),
        ("big", TypeError),
        (3.5, TypeError),
    ],
)
def test_set_figsize_rejects_bad_sizes(figsize, error):
    with pytest.raises(error, match="figsize"):
        set_figsize(figsize)


@pytest.mark.parametrize("svg", [True, False])
def test_use_svg_display_makes_a_kernel_show_svg(tmp_path, svg):
    # In a fresh kernel: with use_svg_display() the figure arrives as SVG only; without
    # it, as the inline backend's default PNG (so the call is what changes the format).
    from kernel import errors, execute, mime_types, notebook

    setup = "from linreg_scratch import use_svg_display\nuse_svg_display()" if svg else "pass"
    nb = execute(notebook(setup, "import matplotlib.pyplot as plt\nplt.plot([1, 2]);"), tmp_path)
    assert errors(nb) == []
    figure = mime_types(nb.cells[1])
    assert ("image/svg+xml" in figure) == svg and ("image/png" in figure) != svg


@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_plot_training_saves_a_figure(tmp_path, tutorial_data, suffix):
    features, labels = tutorial_data
    w, b = init_params(2)
    path = tmp_path / f"fit.{suffix}"
    fig = plot_training([0.03, 1e-4, 5e-5], features, labels, w, b, path=path)
    assert path.stat().st_size > 1000
    titles = [ax.get_xlabel() for ax in fig.axes]
    assert titles[:3] == ["epoch", "label y", "$w_1$"]  # two features: landscape too
    head = path.read_bytes()[:200]
    assert (b"<svg" in head or b"<?xml" in head) if suffix == "svg" else head.startswith(b"\x89PNG")


def test_plot_training_without_landscape_beyond_two_features():
    torch.manual_seed(0)
    features = torch.randn(50, 3)
    labels = features.sum(1)
    w, b = init_params(3)
    fig = plot_training([1.0, 0.5], features, labels, w, b)
    assert [ax.get_xlabel() for ax in fig.axes] == ["epoch", "label y"]


def test_plot_training_rejects_unknown_suffix_and_empty_losses(tmp_path, tutorial_data):
    features, labels = tutorial_data
    w, b = init_params(2)
    with pytest.raises(ValueError, match=r"\.svg, \.png or \.pdf"):
        plot_training([1.0], features, labels, w, b, path=tmp_path / "fit.txt")
    with pytest.raises(ValueError, match="losses is empty"):
        plot_training([], features, labels, w, b)


def test_animator_prints_a_line_outside_jupyter(capsys):
    anim = Animator(xlabel="epoch", ylabel="loss", legend=["train", "test"])
    anim.add(1, [0.5, torch.tensor(0.25)])
    anim.add(2, (0.1, 0.05))
    assert capsys.readouterr().out.splitlines() == [
        "epoch 1: train 0.5, test 0.25",
        "epoch 2: train 0.1, test 0.05",
    ]
    with lang.language("zh"):  # d2l-zh's own legend, printed in Chinese
        anim.add(3, (0.2, 0.1))
    assert capsys.readouterr().out.splitlines() == ["迭代周期 3：训练 0.2，测试 0.1"]
    anim.X, anim.Y = [[1, 2], [1, 2]], [[0.5, 0.1], [0.25, 0.05]]
    anim.add(3, torch.tensor([0.01, 0.02], dtype=torch.float64))
    assert anim.Y == [[0.5, 0.1, 0.01], [0.25, 0.05, 0.02]]
    with pytest.raises(ValueError, match="y must hold 2 values"):
        anim.add(3, [1.0])


def test_importing_the_package_loads_no_plotting_library(python):
    code = (
        "import sys, linreg_scratch;"
        "print(sorted(m for m in ('matplotlib', 'IPython', 'numpy.testing') if m in sys.modules))"
    )
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(("language", "labels"), [("en", "input layer"), ("zh", "输入层")])
def test_network_diagram_names_its_layers_in_the_language(language, labels):
    from linreg_scratch.lang import language as use

    with use(language):
        fig = network_diagram(3)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert labels in texts
    assert {"$x_{1}$", "$x_{2}$", "$x_{3}$", "$o$"} <= set(texts)
    assert len(fig.axes[0].patches) == 4  # three inputs and the output neuron


def test_network_diagram_rejects_a_bad_number_of_inputs():
    with pytest.raises(ValueError, match="num_inputs"):
        network_diagram(0)


@pytest.mark.parametrize(
    "backend",
    [
        "module://matplotlib_inline.backend_inline",  # what ipykernel sets today
        "module://ipykernel.pylab.backend_inline",  # the old name (Colab's ipykernel 6)
    ],
)
def test_set_figsize_before_pyplot_gives_svg_in_a_kernel(backend, monkeypatch, tmp_path):
    from kernel import errors, execute, mime_types, notebook

    monkeypatch.setenv("MPLBACKEND", backend)  # the kernel inherits it
    nb = execute(
        notebook(
            "from linreg_scratch import set_figsize\nset_figsize()",
            "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 3, 2]);",
        ),
        tmp_path,
    )
    assert errors(nb) == []
    assert "image/svg+xml" in mime_types(nb.cells[1])
    assert "image/png" not in mime_types(nb.cells[1])


# --- every parameter takes effect (issue #18) ------------------------------------------


def _drawn_animator(monkeypatch, **kwargs):
    """An Animator drawn as in a notebook (its figure built in-process), two points added."""
    import linreg_scratch.plot as plot_module

    monkeypatch.setattr(plot_module, "_in_notebook", lambda: True)
    monkeypatch.setattr(plot_module, "REDRAW_INTERVAL", 0.0)  # draw on every add
    anim = Animator(**kwargs)
    anim.add(1, [0.5, 0.2])
    anim.add(2, [0.1, 0.05])
    return anim.fig, anim.fig.axes[0]


def test_every_animator_parameter_shapes_the_figure(monkeypatch, capsys):
    _, plain = _drawn_animator(monkeypatch)
    fig, ax = _drawn_animator(
        monkeypatch,
        xlabel="epoch",
        ylabel="loss",
        legend=["train", "test"],
        xlim=(0.5, 3),
        ylim=(0.01, 1),
        xscale="log",
        yscale="log",
        fmts=("r:", "g-."),
        figsize=(4, 3),
    )
    capsys.readouterr()  # display() prints the figure's repr outside a kernel
    assert (plain.get_xlabel(), plain.get_ylabel()) == ("", "")
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("epoch", "loss")
    assert plain.get_legend() is None
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "test"]
    pad = 0.04 * (3 - 0.5)  # Animator pads xlim so the end markers stay whole
    assert ax.get_xlim() == pytest.approx((0.5 - pad, 3 + pad)) != pytest.approx(plain.get_xlim())
    assert ax.get_ylim() == pytest.approx((0.01, 1)) != pytest.approx(plain.get_ylim())
    assert (plain.get_xscale(), plain.get_yscale()) == ("linear", "linear")
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    styles = [(line.get_linestyle(), line.get_color()) for line in ax.get_lines()]
    assert styles == [(":", "r"), ("-.", "g")]
    assert [line.get_linestyle() for line in plain.get_lines()] == ["-", "--"]  # "-", "m--"
    assert tuple(fig.get_size_inches()) == (4.0, 3.0)
    assert tuple(plain.figure.get_size_inches()) == (3.5, 2.5)
    # the data drawn are the points added
    assert ax.get_lines()[1].get_ydata().tolist() == [0.2, 0.05]


def test_plot_training_draws_the_given_trajectory_on_the_landscape(tutorial_data):
    features, labels = tutorial_data
    w, b = init_params(2, generator=torch.Generator().manual_seed(0))
    path = torch.tensor([[0.0, 0.0], [1.0, -1.5], [1.8, -3.0], [2.0, -3.4]])
    drawn = plot_training([1.0, 0.1], features, labels, w, b, trajectory=path).axes[2]
    (line,) = [ln for ln in drawn.get_lines() if ln.get_label() == "SGD path"]
    np.testing.assert_allclose(np.c_[line.get_xdata(), line.get_ydata()], path.numpy())
    bare = plot_training([1.0, 0.1], features, labels, w, b).axes[2]
    assert "SGD path" not in [ln.get_label() for ln in bare.get_lines()]


def test_d2l_plot_takes_xscale_ylim_fmts_and_figsize():
    from linreg_scratch.plot import plot

    old = matplotlib.rcParams["figure.figsize"]
    fig = matplotlib.pyplot.figure()
    try:
        x = np.arange(1.0, 5.0)
        plot(x, [x, 2 * x], xscale="log", ylim=(0, 10), fmts=("r:", "g-."), figsize=(4, 3))
        ax = fig.axes[0]
        assert ax.get_xscale() == "log" and ax.get_ylim() == (0, 10)
        styles = [(line.get_linestyle(), line.get_color()) for line in ax.get_lines()]
        assert styles == [(":", "r"), ("-.", "g")]
        assert tuple(matplotlib.rcParams["figure.figsize"]) == (4.0, 3.0)
    finally:
        matplotlib.pyplot.close(fig)
        matplotlib.rcParams["figure.figsize"] = old


def test_d2l_set_axes_applies_each_argument():
    from linreg_scratch.figure import new_figure
    from linreg_scratch.plot import set_axes

    ax = new_figure().add_subplot()
    ax.plot([1, 10], [1, 100], label="_hidden")
    set_axes(ax, "x", "y", (1, 10), (0.5, 200), "log", "symlog", ["data"])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "y")
    assert ax.get_xlim() == (1, 10) and ax.get_ylim() == (0.5, 200)
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "symlog")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["data"]
    bare = new_figure().add_subplot()
    set_axes(bare, None, None, None, None, "linear", "linear", None)
    assert bare.get_legend() is None and bare.get_xscale() == "linear"


# --- one live-plot engine: named lines, ls/colors, throttling, one string = one item ----


def _notebook_animator(monkeypatch, interval=0.0, **kwargs):
    """An Animator that draws as in a notebook (in-process), redrawing at most every
    ``interval`` seconds; the figures it hands to ``display`` are not shown anywhere."""
    import IPython.display

    import linreg_scratch.plot as plot_module

    monkeypatch.setattr(plot_module, "_in_notebook", lambda: True)
    monkeypatch.setattr(plot_module, "REDRAW_INTERVAL", interval)
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: None)
    return Animator(**kwargs)


def _styles(ax):
    return [(line.get_linestyle(), line.get_color()) for line in ax.get_lines()]


def test_animator_takes_one_string_as_one_legend_entry_fmt_ls_and_color(monkeypatch, capsys):
    # Iterating a string gives its characters: legend="train loss" must not become ten
    # entries, fmts="r:" not the two formats "r" and ":", colors="red" not "r", "e", "d".
    anim = _notebook_animator(monkeypatch, legend="train loss", fmts="r:")
    anim.add(1, 0.5)
    anim.add(2, 0.25)
    ax = anim.fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train loss"]
    assert _styles(ax) == [(":", "r")]
    two = _notebook_animator(monkeypatch, ls="--", colors="red")
    two.add(1, [0.5, 0.2])
    assert _styles(two.fig.axes[0]) == [("--", "red"), ("--", "red")]
    assert (anim.legend, anim.fmts, two.ls, two.colors) == (["train loss"], ["r:"], ["--"], ["red"])


def test_animator_lines_named_by_label_grow_at_their_own_pace(monkeypatch, capsys):
    legend = ["train"]
    anim = Animator(xlabel="epoch", legend=legend)
    anim.add(0.5, 0.8, label="train")
    anim.add(1, torch.tensor(0.6, dtype=torch.float64), label="train")
    anim.add(1, 0.7, label="val")  # a new name: a new line and legend entry
    assert capsys.readouterr().out.splitlines() == [
        "epoch 0.5: train 0.8",
        "epoch 1: train 0.6",
        "epoch 1: val 0.7",
    ]
    assert anim.legend == ["train", "val"] and legend == ["train"]  # the input is kept
    assert (anim.X, anim.Y) == ([[0.5, 1.0], [1.0]], [[0.8, 0.6], [0.7]])
    anim.add(2, [0.3, 0.4])  # then one value per line again
    assert anim.Y == [[0.8, 0.6, 0.3], [0.7, 0.4]]
    drawn = _notebook_animator(monkeypatch, ls=[":", "-."], colors=["r", "g"], xlim=(0, 2))
    drawn.add(0.5, 0.8, label="train")
    drawn.add(1, 0.7, label="val")
    drawn.add(1, 0.6, label="train")
    ax = drawn.fig.axes[0]
    assert _styles(ax) == [(":", "r"), ("-.", "g")]
    assert [ln.get_xdata().tolist() for ln in ax.get_lines()] == [[0.5, 1.0], [1.0]]
    assert ax.get_xlim() == (0, 2)  # lines without markers end at the limits, unpadded
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "val"]
    assert drawn.drawn == [2, 1]


def test_animator_refuses_unnamed_lines_bad_labels_and_fmts_with_ls(capsys):
    unnamed = Animator()
    unnamed.add(1, [0.5])
    with pytest.raises(ValueError, match="no names"):
        unnamed.add(2, 0.4, label="train")
    with pytest.raises(TypeError, match="label"):
        Animator().add(1, 0.5, label=3)
    with pytest.raises(ValueError, match=r"fmts.*ls and colors"):
        Animator(fmts=["r-"], colors=["g"])
    with pytest.raises(TypeError, match="ls"):
        Animator(ls=[1])


def test_animator_redraws_at_most_every_interval_and_at_the_end_of_the_cell(monkeypatch):
    import linreg_scratch.plot as plot_module

    anim = _notebook_animator(monkeypatch, interval=3600.0)
    for epoch in (1, 2, 3):
        anim.add(epoch, [1 / epoch])
    assert anim.drawn == [1]  # the first point is drawn at once, the others wait
    assert anim.fig.axes[0].get_lines()[0].get_ydata().tolist() == [1.0]
    plot_module._flush_pending()  # what IPython runs when the cell ends
    assert anim.drawn == [3]
    assert anim.fig.axes[0].get_lines()[0].get_ydata().tolist() == [1.0, 0.5, 1 / 3]


def test_plot_training_labels_everything_in_chinese_after_set_language(tutorial_data):
    features, labels = tutorial_data
    w, b = init_params(2)
    with lang.language("zh"):
        fig = plot_training([1.0, 0.5], features, labels, w, b)
    words = [t.get_text() for ax in fig.axes for t in (ax.xaxis.label, ax.yaxis.label, ax.title)]
    words += [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().texts]
    assert "迭代周期" in words and "均方损失" in words
    assert any(w.endswith("\n训练中 w 的路径") for w in words)  # the landscape's title
    english = [w for w in words if re.search(r"(?<![_A-Za-z])[A-Za-z]{3,}", w)]
    assert not english, words  # symbols (w, y, y_hat) are not words


def test_animator_takes_the_books_grid_and_draws_in_its_first_subplot(monkeypatch):
    # d2l's signature: (..., fmts, nrows=1, ncols=1, figsize): all of it, by position too
    anim = _notebook_animator(monkeypatch, nrows=2, ncols=3, legend=["train"])
    anim.add(1, 0.5)
    assert len(anim.fig.axes) == 6 and anim.axes is anim.fig.axes[0]
    assert anim.axes.get_lines()[0].get_ydata().tolist() == [0.5]
    by_position = Animator("epoch", "loss", None, None, None, "linear", "log", None, 1, 2, (5, 2))
    settings = (by_position.grid, by_position.figsize, by_position.yscale)
    assert settings == ((1, 2), (5.0, 2.0), "log")
    for bad in (0, 1.5, True):
        with pytest.raises((TypeError, ValueError), match="nrows"):
            Animator(nrows=bad)


def test_plot_training_refuses_what_it_cannot_draw_naming_the_argument(tutorial_data):
    features, labels = tutorial_data
    w, b = init_params(2)
    with pytest.raises(ValueError, match=r"losses\[1\] is nan, which a log axis cannot show"):
        plot_training([1.0, float("nan")], features, labels, w, b)
    with pytest.raises(TypeError, match="features and w must have the same dtype"):
        plot_training([1.0], features.double(), labels, w, b)
