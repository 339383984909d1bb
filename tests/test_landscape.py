import numpy as np
import pytest
import torch

from linreg_scratch import (
    Trajectory,
    init_params,
    linreg,
    plot_loss_landscape,
    squared_loss,
    synthetic_data,
    train,
)
from linreg_scratch.landscape import _quadratic_loss


@pytest.fixture
def data():
    torch.manual_seed(0)
    return synthetic_data([2, -3.4], 4.2, 500)


def test_the_quadratic_form_equals_the_direct_loss(data):
    features, labels = data
    W1, W2 = np.meshgrid(np.linspace(-1, 3, 7), np.linspace(-5, 0, 5))
    fast = _quadratic_loss(features, labels, 4.0, W1, W2)
    X, y = features.double(), labels.double().reshape(-1)
    for i in range(W1.shape[0]):
        for j in range(W1.shape[1]):
            w = torch.tensor([W1[i, j], W2[i, j]], dtype=torch.float64)
            direct = ((X @ w + 4.0 - y) ** 2 / 2).mean().item()
            assert fast[i, j] == pytest.approx(direct, rel=1e-9)


def test_plot_loss_landscape_draws_the_sgd_path(data, tmp_path):
    features, labels = data
    path = tmp_path / "landscape.svg"
    fig = plot_loss_landscape(features, labels, path, generator=torch.Generator().manual_seed(0))
    ax = fig.axes[0]
    labels_drawn = [line.get_label() for line in ax.get_lines()]
    assert {"SGD path", "start", "exact minimum"} <= set(labels_drawn)
    sgd_path = next(line for line in ax.get_lines() if line.get_label() == "SGD path")
    assert len(sgd_path.get_xdata()) == 3 * 50 + 1  # 500 examples / batch 10, 3 epochs, + start
    xs, ys = sgd_path.get_xdata(), sgd_path.get_ydata()
    start, end = np.array([xs[0], ys[0]]), np.array([xs[-1], ys[-1]])
    assert np.abs(start - [2, -3.4]).max() > 3  # starts near 0 (init_params)...
    assert np.abs(end - [2, -3.4]).max() < 0.05  # ...and ends at the minimum (150 steps)
    assert path.stat().st_size > 5000


def test_a_diverging_run_is_drawn_not_raised(data):
    features, labels = data
    fig = plot_loss_landscape(features, labels, lr=10)
    assert "diverged" in fig.axes[0].get_title()


def test_the_landscape_needs_two_features():
    with pytest.raises(ValueError, match=r"exactly 2 features.*\(10, 3\)"):
        plot_loss_landscape(torch.zeros(10, 3), torch.zeros(10))


# --- every setting takes effect: the path drawn is the path train takes ---------------


def _drawn_path(fig):
    """The longest line on the landscape's axes: the SGD path, as an (m, 2) array."""
    lines = [line for ax in fig.axes for line in ax.get_lines()]
    longest = max(lines, key=lambda line: len(line.get_xdata()))
    return np.column_stack([longest.get_xdata(), longest.get_ydata()]).astype(float)


@pytest.mark.parametrize(
    "settings",
    [{}, {"lr": 0.01}, {"batch_size": 25}, {"num_epochs": 1}],
    ids=["defaults", "lr", "batch_size", "num_epochs"],
)
def test_the_drawn_path_is_an_independent_train_run(data, settings):
    import matplotlib.pyplot as plt

    features, labels = data
    full = {"lr": 0.03, "batch_size": 10, "num_epochs": 3} | settings
    fig = plot_loss_landscape(
        features, labels, generator=torch.Generator().manual_seed(2), **settings
    )
    gen = torch.Generator().manual_seed(2)
    w, b = init_params(2, generator=gen)
    recorder = Trajectory([w, b])
    train(linreg, squared_loss, [w, b], features, labels, generator=gen, callback=recorder,
          verbose=False, **full)  # fmt: skip
    expected = recorder.stack(0).reshape(-1, 2).double().numpy()
    steps = full["num_epochs"] * -(-500 // full["batch_size"])
    assert len(expected) == steps + 1
    # the landscape trains with the fast engine, the reference runs the chapter's loop
    np.testing.assert_allclose(_drawn_path(fig), expected, rtol=1e-5, atol=1e-6)
    plt.close(fig)


def test_a_given_trajectory_is_drawn_as_given_and_path_saves(data, tmp_path):
    import matplotlib.pyplot as plt

    features, labels = data
    path = torch.tensor([[0.0, 0.0], [1.0, -1.0], [1.5, -2.5], [1.9, -3.3]])
    fig = plot_loss_landscape(features, labels, tmp_path / "l.svg", trajectory=path)
    np.testing.assert_allclose(_drawn_path(fig), path.numpy())
    assert (tmp_path / "l.svg").read_bytes().lstrip().startswith((b"<?xml", b"<svg"))
    plt.close(fig)


def test_equal_aspect_draws_both_axes_to_one_scale_and_keeps_the_start_in_view():
    torch.manual_seed(0)
    features = torch.randn(200, 2) * torch.tensor([10.0, 1.0])
    labels = features @ torch.tensor([[60.0], [5.0]]) + 1.0  # minimum far from the start
    fig = plot_loss_landscape(features, labels, lr=1e-4, equal_aspect=True)
    ax = fig.axes[0]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert ax.get_aspect() == 1.0
    assert x1 - x0 == pytest.approx(y1 - y0)
    assert x0 < 0 < x1 and y0 < 0 < y1 and x0 < 60 < x1  # the start (0, 0) and w*
    stretched = plot_loss_landscape(features, labels, lr=1e-4, equal_aspect=False).axes[0]
    assert stretched.get_aspect() == "auto"


def test_the_landscape_is_drawn_to_scale_by_default(data):
    features, labels = data
    gen = torch.Generator().manual_seed(0)
    ax = plot_loss_landscape(features, labels, generator=gen).axes[0]
    assert ax.get_aspect() == 1.0  # one unit of w1 as long as one unit of w2
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x1 - x0 == pytest.approx(y1 - y0)
    free = plot_loss_landscape(features, labels, equal_aspect=False, generator=gen).axes[0]
    assert free.get_aspect() == "auto"
