"""explore builds its sliders, and changing one re-runs training (no browser needed)."""

import builtins

import pytest
import torch

from linreg_scratch import (
    Trajectory,
    explore,
    init_params,
    linreg,
    squared_loss,
    synthetic_data,
    train,
)

pytest.importorskip("ipywidgets")


@pytest.fixture(scope="module")
def data():
    gen = torch.Generator().manual_seed(2)
    return synthetic_data([2, -3.4], 4.2, 100, generator=gen)


@pytest.fixture
def explorer(data):
    return explore(*data)


def path_of(features, labels, seed, **settings):
    gen = torch.Generator().manual_seed(seed)
    w, b = init_params(2, generator=gen)
    trajectory = Trajectory([w, b])
    train(
        linreg,
        squared_loss,
        [w, b],
        features,
        labels,
        verbose=False,
        generator=gen,
        callback=trajectory,
        **settings,
    )
    return trajectory.stack(0).reshape(-1, 2).double()


def test_explore_builds_its_sliders_and_a_first_run(explorer, data):
    import ipywidgets

    assert set(explorer.sliders) == {"lr", "batch_size", "num_epochs", "seed"}
    assert isinstance(explorer.sliders["lr"], ipywidgets.FloatLogSlider)
    assert explorer.sliders["lr"].min <= -3 and 10 ** explorer.sliders["lr"].max > 2  # to divergent
    assert isinstance(explorer.widget, ipywidgets.Box) and explorer.runs == 1
    expected = path_of(*data, 0, lr=0.03, batch_size=10, num_epochs=3)
    assert torch.allclose(explorer.run.path, expected)
    bundle = explorer._repr_mimebundle_()
    assert (
        bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == explorer.widget.model_id
    )
    assert "data:image/png;base64," in bundle["text/html"]  # what a page without a kernel shows


def test_moving_a_slider_reruns_training(explorer, data):
    explorer.sliders["batch_size"].value = 25
    assert explorer.runs == 2
    assert torch.allclose(
        explorer.run.path, path_of(*data, 0, lr=0.03, batch_size=25, num_epochs=3)
    )
    explorer.sliders["seed"].value = 4
    assert explorer.runs == 3
    assert torch.allclose(
        explorer.run.path, path_of(*data, 4, lr=0.03, batch_size=25, num_epochs=3)
    )


def test_update_sets_several_sliders_and_trains_once(explorer, data):
    run = explorer.update(lr=0.1, num_epochs=2)
    assert explorer.runs == 2 and explorer.settings()["lr"] == pytest.approx(0.1)
    assert len(run.path) == 2 * 10 + 1
    assert torch.allclose(run.path, path_of(*data, 0, lr=0.1, batch_size=10, num_epochs=2))
    with pytest.raises(ValueError, match="unknown setting"):
        explorer.update(momentum=0.9)


def test_a_divergent_lr_is_marked(explorer):
    explorer.sliders["lr"].value = 3.0
    assert explorer.run.diverged
    assert "diverged" in explorer.status.value and "color:#c00" in explorer.status.value
    assert torch.isfinite(explorer.run.path).all()


def test_default_data_is_the_tutorials():
    explorer = explore()
    assert len(explorer.features) == 1000 and explorer.sliders["batch_size"].max == 1000
    assert explorer.run.losses[-1] < 1e-3


def test_without_ipywidgets_the_message_says_what_to_install(monkeypatch):
    real_import = builtins.__import__

    def no_widgets(name, *args, **kwargs):
        if name == "ipywidgets":
            raise ImportError("No module named 'ipywidgets'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_widgets)
    with pytest.raises(ImportError, match=r'pip install "linreg-scratch\[interactive\]"'):
        explore()


def test_features_and_labels_come_together(data):
    with pytest.raises(ValueError, match="both features and labels"):
        explore(data[0])
