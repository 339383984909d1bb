"""animate_sgd draws the real path of train, frame by frame, and saves GIF and HTML."""

import re

import numpy as np
import pytest
import torch
from PIL import Image

from linreg_scratch import (
    Trajectory,
    animate_sgd,
    init_params,
    linreg,
    squared_loss,
    synthetic_data,
    train,
)
from linreg_scratch.animation import frame_steps, record_run


@pytest.fixture(scope="module")
def data():
    gen = torch.Generator().manual_seed(1)
    return synthetic_data([2, -3.4], 4.2, 200, generator=gen)


@pytest.fixture(scope="module")
def anim(data):
    features, labels = data
    return animate_sgd(
        features,
        labels,
        lr=0.03,
        batch_size=10,
        num_epochs=3,
        frames=12,
        generator=torch.Generator().manual_seed(7),
    )


def recorded_train(features, labels, seed, **settings):
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
    return trajectory


def test_every_frame_draws_the_path_of_an_independent_train_run(data, anim):
    features, labels = data
    path = recorded_train(features, labels, 7, lr=0.03, batch_size=10, num_epochs=3)
    w = path.stack(0).reshape(-1, 2).double().numpy()
    assert len(w) == 3 * 20 + 1  # 200 examples / batch 10, 3 epochs, + the start
    assert anim.steps[0] == 0 and anim.steps[-1] == 60 and len(anim) == len(anim.steps) == 12
    for step, drawn in zip(anim.steps, anim.drawn, strict=True):
        np.testing.assert_allclose(drawn, w[: step + 1], rtol=0, atol=1e-5)


def test_the_loss_curve_is_the_loss_of_each_drawn_point(data, anim):
    features, labels = data
    path = recorded_train(features, labels, 7, lr=0.03, batch_size=10, num_epochs=3)
    for k in (0, 25, 60):
        w, b = path.params[k]
        direct = squared_loss(linreg(features, w, b), labels).mean().item()
        assert anim.run.losses[k].item() == pytest.approx(direct, rel=1e-4)
    assert anim.run.losses[-1] < anim.run.losses[0] / 10  # 60 steps go well downhill


def test_frames_are_different_pictures(anim):
    first, last = (np.asarray(anim.images[i]) for i in (0, -1))
    assert first.shape == last.shape and (first != last).any()


def test_a_long_run_is_subsampled_to_the_frame_budget():
    assert frame_steps(301, 60)[-1] == 300 and len(frame_steps(301, 60)) == 60
    assert frame_steps(5, 60) == [0, 1, 2, 3, 4]
    assert frame_steps(100, 1) == [99]


def test_save_gif_has_one_image_per_frame(anim, tmp_path):
    anim.save(tmp_path / "run.gif")
    with Image.open(tmp_path / "run.gif") as gif:
        assert gif.format == "GIF" and gif.n_frames == len(anim) == 12
        assert gif.size == anim.images[0].size


def test_save_html_is_a_standalone_player_with_every_frame(anim, tmp_path):
    anim.save(tmp_path / "run.html")
    page = (tmp_path / "run.html").read_text(encoding="utf-8")
    frames = re.search(r"var frames = (\[.*?\]);", page).group(1)
    assert frames.count("data:image/png;base64,") == len(anim)
    assert "linreg-sgd-play" in page and "setInterval" in page and "<script" in page
    assert "http://" not in page and "https://" not in page  # no external assets
    assert anim._repr_html_().count("data:image/png;base64,") == len(anim) + 1  # + the <img>


def test_a_diverging_run_ends_at_its_last_finite_point(data):
    features, labels = data
    anim = animate_sgd(
        features, labels, lr=50.0, frames=10, generator=torch.Generator().manual_seed(0)
    )
    assert anim.run.diverged and "became" in anim.run.diverged
    assert torch.isfinite(anim.run.path).all() and torch.isfinite(anim.run.losses).all()
    assert len(anim.run.path) < 61


def test_record_run_matches_train(data):
    features, labels = data
    run = record_run(
        features,
        labels.reshape(-1),
        lr=0.1,
        batch_size=7,
        num_epochs=2,
        generator=torch.Generator().manual_seed(3),
    )
    path = recorded_train(features, labels, 3, lr=0.1, batch_size=7, num_epochs=2)
    # the animation trains with the fast engine; the reference runs the chapter's loop
    assert torch.allclose(run.path, path.stack(0).reshape(-1, 2).double(), rtol=1e-5, atol=1e-5)
    assert run.epochs.tolist() == [0] + [e + 1 for e, _ in path.steps]


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"frames": 0}, ValueError, "frames must be a positive int"),
        ({"lr": -1}, ValueError, "lr must be"),
        ({"batch_size": 2.5}, TypeError, "batch_size must be"),
    ],
)
def test_bad_arguments_are_named(data, kwargs, error, words):
    features, labels = data
    with pytest.raises(error, match=words):
        animate_sgd(features, labels, **kwargs)


def test_needs_two_features_and_a_known_suffix(anim, tmp_path):
    with pytest.raises(ValueError, match=r"exactly 2 features.*\(10, 3\)"):
        animate_sgd(torch.zeros(10, 3), torch.zeros(10))
    with pytest.raises(ValueError, match=r"\.gif or \.html"):
        anim.save(tmp_path / "run.mp4")
    with pytest.raises(ValueError, match="folder"):
        anim.save(tmp_path / "missing" / "run.gif")


def test_importing_the_package_loads_no_plotting_or_widgets(python):
    import subprocess

    code = (
        "import sys, linreg_scratch; from linreg_scratch import animate_sgd, explore; "
        "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'PIL') if m in sys.modules))"
    )
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_chinese_labels_find_a_chinese_font(data):
    import warnings

    from matplotlib import font_manager

    from linreg_scratch import lang

    files = font_manager.findSystemFonts()  # matplotlib's cache may predate the font
    if not any(word in path.lower() for path in files for word in lang.CJK_FILES):
        pytest.skip("no Chinese font installed (Debian: apt-get install fonts-wqy-microhei)")
    features, labels = data
    lang.set_language("zh")
    try:
        with warnings.catch_warnings():
            # a missing glyph is a UserWarning ("Glyph 36845 ... missing from ...")
            warnings.filterwarnings("error", message=r"(?s).*Glyph .*missing from")
            anim = animate_sgd(features, labels, frames=2, num_epochs=1)
    finally:
        lang.set_language("en")
    assert len(anim) == 2


# --- every parameter takes effect (issue #18) ------------------------------------------


def test_batch_size_and_num_epochs_set_the_run_that_is_animated(data):
    # the fixture's run uses the defaults (10, 3); other values give another, longer run
    features, labels = data
    anim = animate_sgd(
        features, labels, batch_size=25, num_epochs=2, frames=3,
        generator=torch.Generator().manual_seed(7),
    )  # fmt: skip
    path = recorded_train(features, labels, 7, lr=0.03, batch_size=25, num_epochs=2)
    assert len(anim.run.path) == 2 * 8 + 1 and anim.steps == [0, 8, 16]
    np.testing.assert_allclose(
        anim.drawn[-1], path.stack(0).reshape(-1, 2).numpy(), rtol=0, atol=1e-5
    )


def test_interval_sets_the_frame_time_of_the_gif_and_the_player(anim, tmp_path):
    for interval in (150, 400):
        anim.save(tmp_path / f"run{interval}.gif", interval=interval)
        with Image.open(tmp_path / f"run{interval}.gif") as gif:
            assert gif.info["duration"] == interval
        assert f"}}, {interval});" in anim.to_html(interval=interval)
        anim.save(tmp_path / f"run{interval}.html", interval=interval)
        assert f"}}, {interval});" in (tmp_path / f"run{interval}.html").read_text("utf-8")
