"""The ``linreg_scratch.d2l`` namespace: a thin face over torch and this package."""

import subprocess

import matplotlib
import numpy as np
import pytest
import torch

import linreg_scratch
from linreg_scratch import d2l, framework
from linreg_scratch import plot as plot_module

matplotlib.use("Agg")

# What each tensor shorthand computes, as the books use it, against NumPy: (call, expected).
_M = np.array([[1.0, -2.0], [3.0, 4.0]])
SHORTHANDS = {
    "ones": (lambda f: f(2, 3), np.ones((2, 3))),
    "ones_like": (lambda f: f(torch.tensor(_M)), np.ones((2, 2))),
    "zeros": (lambda f: f(2, 3), np.zeros((2, 3))),
    "zeros_like": (lambda f: f(torch.tensor(_M)), np.zeros((2, 2))),
    "tensor": (lambda f: f([[1.0, -2.0], [3.0, 4.0]]), _M),
    "arange": (lambda f: f(5), np.arange(5)),
    "meshgrid": (
        lambda f: f(torch.arange(2), torch.arange(3), indexing="ij")[1],
        np.meshgrid(np.arange(2), np.arange(3), indexing="ij")[1],
    ),
    "sin": (lambda f: f(torch.tensor(_M)), np.sin(_M)),
    "sinh": (lambda f: f(torch.tensor(_M)), np.sinh(_M)),
    "cos": (lambda f: f(torch.tensor(_M)), np.cos(_M)),
    "cosh": (lambda f: f(torch.tensor(_M)), np.cosh(_M)),
    "tanh": (lambda f: f(torch.tensor(_M)), np.tanh(_M)),
    "linspace": (lambda f: f(0, 1, 5), np.linspace(0, 1, 5)),
    "exp": (lambda f: f(torch.tensor(_M)), np.exp(_M)),
    "log": (lambda f: f(torch.tensor(np.abs(_M))), np.log(np.abs(_M))),
    "normal": (lambda f: f(3.0, 0.0, (2, 2)), np.full((2, 2), 3.0)),  # std 0: the mean
    "rand": (lambda f: ((f(1000) >= 0) & (f(1000) < 1)).all(), True),
    "randn": (lambda f: f(4, 5).shape, (4, 5)),
    "matmul": (lambda f: f(torch.tensor(_M), torch.tensor(_M)), _M @ _M),
    "concat": (lambda f: f([torch.tensor(_M), torch.tensor(_M)], 1), np.concatenate([_M, _M], 1)),
    "stack": (lambda f: f([torch.tensor(_M), torch.tensor(_M)]), np.stack([_M, _M])),
    "abs": (lambda f: f(torch.tensor(_M)), np.abs(_M)),
    "eye": (lambda f: f(3), np.eye(3)),
    "sigmoid": (lambda f: f(torch.tensor(_M)), 1 / (1 + np.exp(-_M))),
    "batch_matmul": (
        lambda f: f(torch.tensor(np.stack([_M, 2 * _M])), torch.tensor(np.stack([_M, _M]))),
        np.stack([_M @ _M, 2 * _M @ _M]),
    ),
}
DTYPES = {"int32": np.int32, "int64": np.int64, "float32": np.float32}


PACKAGE_NAMES = {
    "synthetic_data": linreg_scratch.synthetic_data,
    "linreg": linreg_scratch.linreg,
    "squared_loss": linreg_scratch.squared_loss,
    "sgd": linreg_scratch.sgd,
    "Timer": linreg_scratch.Timer,
    "Animator": linreg_scratch.Animator,
    "set_figsize": linreg_scratch.set_figsize,
    "use_svg_display": linreg_scratch.use_svg_display,
    "load_array": linreg_scratch.data.load_array,
    "l2_penalty": linreg_scratch.l2_penalty,
    "Accumulator": linreg_scratch.Accumulator,
    "accuracy": linreg_scratch.accuracy,
    "evaluate_loss": linreg_scratch.evaluate_loss,
    "train_epoch_ch3": linreg_scratch.train_epoch_ch3,
    "semilogy": linreg_scratch.semilogy,
    "plot": plot_module.plot,
    "set_axes": plot_module.set_axes,
    **{
        name: getattr(framework, name)
        for name in (
            "add_to_class",
            "HyperParameters",
            "ProgressBoard",
            "Module",
            "DataModule",
            "Trainer",
            "SyntheticRegressionData",
            "SGD",
            "LinearRegressionScratch",
            "LinearRegression",
        )
    },
}


@pytest.mark.parametrize("name", sorted(SHORTHANDS))
def test_each_tensor_shorthand_computes_what_the_book_uses_it_for(name):
    call, expected = SHORTHANDS[name]
    got = call(getattr(d2l, name))
    got = got.numpy() if isinstance(got, torch.Tensor) else got
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(expected, dtype=float))


@pytest.mark.parametrize("name", sorted(DTYPES))
def test_dtype_names_make_tensors_of_that_dtype(name):
    made = torch.zeros(2, dtype=getattr(d2l, name)).numpy()
    assert made.dtype == DTYPES[name]


def test_the_books_torch_and_nn_are_torchs():
    # the books write d2l.torch, d2l.nn and d2l.nn_Module for the real modules
    assert d2l.torch.ones(2).tolist() == [1.0, 1.0]
    assert isinstance(d2l.nn.Linear(2, 1), d2l.nn_Module)
    assert issubclass(d2l.nn.Linear, torch.nn.Module)


@pytest.mark.parametrize("name", sorted(PACKAGE_NAMES))
def test_helper_is_the_package_s_own(name):
    assert getattr(d2l, name) is PACKAGE_NAMES[name]


def test_method_shorthands_call_the_tensor_method():
    x = torch.arange(6.0, requires_grad=True)
    m = torch.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    assert d2l.reshape(x, (2, 3)).shape == (2, 3)
    assert d2l.reshape(x, (3, -1)).shape == (3, 2)
    assert d2l.to(m, torch.float64).dtype == torch.float64
    assert d2l.to(m, d2l.cpu()).device == torch.device("cpu")
    assert float(d2l.reduce_sum(m)) == 18.0 and d2l.reduce_sum(m, dim=0).tolist() == [8, 5, 5]
    assert float(d2l.reduce_mean(m)) == 3.0
    assert d2l.reduce_mean(m, 1).tolist() == pytest.approx([8 / 3, 10 / 3])
    assert d2l.argmax(m, dim=1).tolist() == [1, 0]
    assert d2l.astype(m, torch.int32).dtype == torch.int32
    assert torch.equal(d2l.transpose(m), m.T)
    assert d2l.size(m) == 6
    assert d2l.expand_dims(x, 0).shape == (1, 6)
    assert d2l.swapaxes(m, 0, 1).shape == (3, 2)
    assert d2l.repeat(m, 2, 1).shape == (4, 3)
    arr = d2l.numpy(x)  # detaches: a tensor that requires grad still converts
    assert isinstance(arr, np.ndarray) and arr.tolist() == [0, 1, 2, 3, 4, 5]
    assert not x.grad_fn and x.requires_grad  # input untouched


def test_devices():
    assert d2l.cpu() == torch.device("cpu")
    assert d2l.gpu(1) == torch.device("cuda:1")
    assert d2l.num_gpus() == torch.cuda.device_count()
    expected = torch.device("cuda:0") if torch.cuda.is_available() else torch.device("cpu")
    assert d2l.try_gpu() == expected


def test_every_listed_name_resolves_and_star_import_gives_them():
    namespace = {}
    exec("from linreg_scratch.d2l import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(d2l.__all__)
    for name in d2l.__all__:
        assert getattr(d2l, name) is namespace[name]
    assert d2l.plt is matplotlib.pyplot
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        d2l.nope  # noqa: B018


def test_the_namespace_is_not_part_of_the_star_import():
    assert "d2l" not in linreg_scratch.__all__ and "framework" not in linreg_scratch.__all__
    assert linreg_scratch.d2l is d2l  # attribute access loads it


def test_import_costs_nothing_until_the_namespace_or_pyplot_is_asked_for(python):
    code = (
        "import sys\n"
        "def loaded():\n"
        "    names = ('linreg_scratch.d2l', 'linreg_scratch.framework', 'matplotlib')\n"
        "    return [m for m in names if m in sys.modules]\n"
        "import linreg_scratch\nprint(loaded())\n"
        "from linreg_scratch import d2l\nprint(loaded())\n"
        "d2l.plt\nprint(loaded(), 'matplotlib.pyplot' in sys.modules)\n"
    )
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [
        "[]",
        "['linreg_scratch.d2l', 'linreg_scratch.framework']",
        "['linreg_scratch.d2l', 'linreg_scratch.framework', 'matplotlib'] True",
    ]


def test_load_array_is_a_shuffling_dataloader_over_the_tensors():
    torch.manual_seed(0)
    X, y = torch.arange(20.0).reshape(10, 2), torch.arange(10.0).reshape(10, 1)
    train = list(d2l.load_array((X, y), 4))
    assert [len(b[0]) for b in train] == [4, 4, 2]
    seen = torch.cat([b[1] for b in train]).reshape(-1)
    assert sorted(seen.tolist()) == list(range(10)) and seen.tolist() != list(range(10))
    for xb, yb in train:  # rows stay paired
        assert torch.equal(xb[:, 0], 2 * yb.reshape(-1))
    ordered = torch.cat([b[1] for b in d2l.load_array((X, y), 4, is_train=False)])
    assert ordered.reshape(-1).tolist() == list(range(10))


def test_load_array_rejects_mismatched_lengths_and_bad_batch_size():
    with pytest.raises(ValueError, match="same first dimension"):
        d2l.load_array((torch.ones(5, 2), torch.ones(4, 1)), 2)
    with pytest.raises(ValueError, match="batch_size"):
        d2l.load_array((torch.ones(5, 2),), 0)


def test_load_array_refuses_a_bare_tensor_and_a_non_bool_is_train():
    X = torch.ones(1000, 2)  # tuple(X) would make a data set of 2 "arrays" of 1000 rows
    with pytest.raises(TypeError) as info:
        d2l.load_array(X, 10)
    assert str(info.value) == (
        "data_arrays must be a list of tensors such as (features, labels), got one tensor "
        "of shape (1000, 2); pass them together: (features, labels)"
    )
    with pytest.raises(TypeError, match=r"^is_train must be True or False, got 'no' \(str\)"):
        d2l.load_array((X, X[:, :1]), 10, is_train="no")


def test_plot_draws_each_series_with_its_format_and_labels():
    fig = matplotlib.pyplot.figure()
    x = np.arange(0, 3, 0.5)
    d2l.plot(
        x,
        [x**2, torch.tensor(2 * x, requires_grad=True)],  # a tensor needing grad is fine
        xlabel="x",
        ylabel="f(x)",
        legend=["x^2", "2x"],
        yscale="log",
        xlim=[0, 3],
    )
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert len(lines) == 2
    assert lines[0].get_linestyle() == "-" and lines[1].get_linestyle() == "--"
    np.testing.assert_allclose(lines[1].get_ydata(), 2 * x)
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_yscale()) == ("x", "f(x)", "log")
    assert ax.get_xlim() == (0, 3)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["x^2", "2x"]
    assert tuple(matplotlib.rcParams["figure.figsize"]) == (3.5, 2.5)
    matplotlib.pyplot.close(fig)


def test_plot_without_x_uses_the_index_and_draws_on_given_axes():
    fig, ax = matplotlib.pyplot.subplots()
    d2l.plot([3.0, 1.0, 2.0], axes=ax, figsize=(4, 3))
    (line,) = ax.get_lines()
    assert line.get_xdata().tolist() == [0, 1, 2] and line.get_ydata().tolist() == [3, 1, 2]
    matplotlib.pyplot.close(fig)


def test_timer_cumsum_is_the_running_total():
    timer = d2l.Timer()
    timer.times = [0.5, 0.25, 1.0]
    assert timer.cumsum() == [0.5, 0.75, 1.75]
    assert timer.sum() == 1.75 and timer.avg() == pytest.approx(1.75 / 3)


# --- every parameter takes effect (issue #18) ------------------------------------------


def test_try_gpu_gives_the_i_th_gpu_only_when_there_are_more_than_i(monkeypatch):
    monkeypatch.setattr(d2l, "num_gpus", lambda: 2)
    assert d2l.try_gpu() == torch.device("cuda:0")
    assert d2l.try_gpu(1) == torch.device("cuda:1")
    assert d2l.try_gpu(2) == torch.device("cpu")
    assert d2l.gpu(0) != d2l.gpu(3) == torch.device("cuda:3")
