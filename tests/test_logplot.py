"""semilogy (logplot.py): the seed edition's loss curves on a log-scale y axis."""

import matplotlib
import numpy as np
import pytest
import torch

import linreg_scratch
from linreg_scratch import lang, semilogy

matplotlib.use("Agg")
from matplotlib import pyplot as plt


@pytest.fixture(autouse=True)
def fresh_figure():
    plt.close("all")
    yield
    plt.close("all")


def test_semilogy_draws_both_lines_on_pyplots_current_axes():
    train = [10.0**-k for k in range(5)]
    test = np.array([2.0, 1.0, 0.5, 0.4, 0.4])
    semilogy(
        range(1, 6),
        train,
        "epochs",
        "loss",
        range(1, 6),
        torch.tensor(test),
        ["train", "test"],
        figsize=(4, 3),
    )
    ax = plt.gca()
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "epochs" and ax.get_ylabel() == "loss"
    first, second = ax.get_lines()
    np.testing.assert_array_equal(first.get_xdata(), [1, 2, 3, 4, 5])
    np.testing.assert_allclose(first.get_ydata(), train)
    np.testing.assert_allclose(second.get_ydata(), test)
    assert first.get_linestyle() == "-" and second.get_linestyle() == ":"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "test"]
    assert tuple(matplotlib.rcParams["figure.figsize"]) == (4.0, 3.0)


def test_semilogy_with_one_line_and_chinese_labels():
    with lang.language("zh"):
        semilogy([1, 2], [0.5, 0.25], "epochs", "loss")
    ax = plt.gca()
    assert len(ax.get_lines()) == 1 and ax.get_legend() is None
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("迭代周期", "损失")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"y_vals": [1.0, 2.0]}, ValueError, r"y_vals must hold 3 values \(one per x value\)"),
        ({"y_vals": [1.0, 0.0, 2.0]}, ValueError, r"y_vals\[1\] is 0.0, which a log axis"),
        ({"y_vals": [1.0, float("nan"), 2.0]}, ValueError, r"y_vals\[1\] is nan"),
        ({"y_vals": "abc"}, TypeError, r"y_vals must be a list of numbers"),
        ({"x2_vals": [1, 2, 3]}, ValueError, r"y2_vals is None but x2_vals is given"),
        ({"legend": ["train", "test"]}, ValueError, r"legend must hold 1 names \(one per line\)"),
        ({"x_label": 3}, TypeError, r"x_label must be a string or None, got 3"),
    ],
)
def test_semilogy_refuses_what_matplotlib_would_drop_or_misdraw(kwargs, error, message):
    args = {"x_vals": [1, 2, 3], "y_vals": [1.0, 0.5, 0.25], "x_label": "x", "y_label": "y"}
    with pytest.raises(error, match=message):
        semilogy(**{**args, **kwargs})
    assert not plt.get_fignums()  # refused before anything was drawn


def test_the_seed_reaches_pyplot_and_semilogy_through_the_package():
    assert linreg_scratch.plt is plt  # `import linreg_scratch as d2l; d2l.plt`
    assert "semilogy" in linreg_scratch.__all__ and "plt" not in linreg_scratch.__all__
