import numpy as np
import pytest
import torch

from linreg_scratch import lang, plot_weight_decay_path, synthetic_data


@pytest.fixture
def data():
    torch.manual_seed(0)
    features, labels = synthetic_data([2, -3.4], 4.2, 500)
    return features @ torch.tensor([[1.0, 0.6], [0.0, 0.5]]), labels  # correlated features


def _ridge_numpy(features, labels, lam):
    """Ridge w from the centred normal equations (the bias absorbs the means), in numpy."""
    X, y = features.double().numpy(), labels.double().numpy().reshape(-1)
    Xc, yc = X - X.mean(0), y - y.mean()
    n = len(X)
    return np.linalg.solve(Xc.T @ Xc / n + lam * np.eye(2), Xc.T @ yc / n)


@pytest.fixture
def contour_sets(monkeypatch):
    """Every ContourSet the figure makes, in order (matplotlib < 3.8 keeps them out of
    ``ax.collections``, so they are caught where they are made)."""
    from matplotlib.axes import Axes

    made = []

    def catching(draw):
        def catch(self, *args, **kwargs):
            made.append(draw(self, *args, **kwargs))
            return made[-1]

        return catch

    monkeypatch.setattr(Axes, "contour", catching(Axes.contour))
    monkeypatch.setattr(Axes, "contourf", catching(Axes.contourf))
    return made


def _line(ax, label):
    return next(line for line in ax.get_lines() if line.get_label() == label)


def _xy(line):
    return np.column_stack([line.get_xdata(), line.get_ydata()]).astype(float)


def test_the_ridge_path_runs_from_least_squares_toward_the_origin(data):
    features, labels = data
    fig = plot_weight_decay_path(features, labels, weight_decays=[0.1, 1, 10])
    ax = fig.axes[0]
    curve = _xy(_line(ax, "ridge solution as λ grows"))
    assert curve[0] == pytest.approx(_ridge_numpy(features, labels, 0.0), abs=1e-4)
    norms = np.linalg.norm(curve, axis=1)
    assert np.all(np.diff(norms) < 1e-9) and norms[-1] < 0.01 * norms[0]  # shrinks to 0
    marks = _xy(_line(ax, "marked λ"))
    for lam, mark in zip([0.1, 1, 10], marks, strict=True):
        assert mark == pytest.approx(_ridge_numpy(features, labels, lam), abs=1e-4)
    labels_drawn = {t.get_text() for t in ax.texts}
    assert {"λ=0.1", "λ=1", "λ=10"} <= labels_drawn
    assert ax.get_aspect() == 1.0  # to scale


def test_sgd_with_decay_ends_at_that_lambdas_ridge_point(data):
    features, labels = data
    lam = 3.0
    want = _ridge_numpy(features, labels, lam)
    # the chapter's mini-batches jitter around the ridge point...
    fig = plot_weight_decay_path(features, labels, weight_decay=lam, num_epochs=5,
                                 generator=torch.Generator().manual_seed(1))  # fmt: skip
    ax = fig.axes[0]
    sgd = _xy(_line(ax, "SGD with weight decay λ=3"))
    assert len(sgd) == 5 * 50 + 1  # the start and every step
    assert np.abs(sgd[-1] - want).max() < 0.1 < np.abs(sgd[0] - want).max()
    star = _xy(_line(ax, "ridge solution, λ=3"))[0]
    assert star == pytest.approx(want, abs=1e-4)
    # ...and full batches (gradient descent) reach it
    settings = {"lr": 0.2, "batch_size": 500, "num_epochs": 100}
    fig = plot_weight_decay_path(features, labels, weight_decay=lam, **settings)
    assert _xy(_line(fig.axes[0], "SGD with weight decay λ=3"))[-1] == pytest.approx(want, abs=1e-3)
    # without decay the same run ends at least squares instead, far from the ridge point
    plain = plot_weight_decay_path(
        features, labels, weight_decay=0, **settings | {"num_epochs": 800}
    )
    end = _xy(_line(plain.axes[0], "SGD with weight decay λ=0"))[-1]
    assert end == pytest.approx(_ridge_numpy(features, labels, 0), abs=1e-3)
    assert np.abs(end - want).max() > 0.5


def test_the_penalty_circles_pass_through_the_marked_points_and_the_view_holds_all(
    data, contour_sets
):
    features, labels = data
    fig = plot_weight_decay_path(features, labels, weight_decays=[0.3, 2])
    ax = fig.axes[0]
    radii = sorted(np.linalg.norm(_ridge_numpy(features, labels, lam)) for lam in [0.3, 2])
    circles = [c for c in contour_sets if not c.filled and "dashed" in str(c.linestyles)]
    assert len(circles) == 1 and list(circles[0].levels) == pytest.approx(radii, rel=1e-4)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x1 - x0 == pytest.approx(y1 - y0)  # a square view: one unit is one unit
    for w in [np.zeros(2), _ridge_numpy(features, labels, 0.0)]:
        assert x0 < w[0] < x1 and y0 < w[1] < y1


def test_the_contours_are_the_loss_with_the_best_bias(data, tmp_path, contour_sets):
    features, labels = data
    fig = plot_weight_decay_path(features, labels, tmp_path / "path.svg")
    assert (tmp_path / "path.svg").stat().st_size > 5000
    ax = fig.axes[0]
    (shade,) = [c for c in contour_sets if c.filled]
    # the same grid, each point's loss with its own best bias b = mean(y - X w), in numpy
    X, y = features.double().numpy(), labels.double().numpy().reshape(-1)
    W1, W2 = np.meshgrid(np.linspace(*ax.get_xlim(), 161), np.linspace(*ax.get_ylim(), 161))
    W = np.stack([W1.ravel(), W2.ravel()])
    residual = X @ W - y[:, None]
    loss = np.mean((residual - residual.mean(0)) ** 2, axis=0) / 2
    assert shade.levels[0] == pytest.approx(loss.min(), rel=1e-6)
    assert shade.levels[-1] == pytest.approx(loss.max(), rel=1e-6)


def test_every_word_is_chinese_after_set_language(data):
    features, labels = data
    lang.set_language("zh")
    try:
        fig = plot_weight_decay_path(features, labels)
    finally:
        lang.set_language("en")
    ax = fig.axes[0]
    words = [t.get_text() for t in ax.get_legend().get_texts()]
    words += [ax.get_title(), fig.axes[1].get_ylabel()]
    assert "岭回归解（λ 增大）" in words and "带权重衰减 λ=1 的 SGD" in words
    ascii_words = [w for w in words if w.isascii()]
    assert ascii_words == []
    assert "权重衰减" in ax.get_title()


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"weight_decay": -1}, ValueError, "weight_decay must be"),
        ({"weight_decays": "0.1"}, TypeError, "weight_decays must be a list of numbers"),
        ({"weight_decays": [0.1, -2]}, ValueError, r"weight_decays\[1\] must be"),
        ({"lr": 0}, ValueError, "lr must be"),
    ],
)
def test_bad_settings_are_refused(data, kwargs, error, words):
    with pytest.raises(error, match=words):
        plot_weight_decay_path(*data, **kwargs)


def test_the_path_needs_two_features():
    with pytest.raises(ValueError, match=r"exactly 2 features.*\(10, 3\)"):
        plot_weight_decay_path(torch.zeros(10, 3), torch.zeros(10))
