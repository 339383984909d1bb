"""record_run records the very run train makes, and the loss along it, up to where it blew up."""

import re

import numpy as np
import pytest
import torch

from linreg_scratch import Trajectory, init_params, linreg, squared_loss, train
from linreg_scratch.record import record_run

SETTINGS = {"lr": 0.01, "batch_size": 25, "num_epochs": 2}


def _chapter_run(features, labels, seed, **settings):
    """The same run by hand: init_params, then the chapter's loop, from one generator."""
    gen = torch.Generator().manual_seed(seed)
    w, b = (p.detach().to(features.dtype).requires_grad_() for p in init_params(2, generator=gen))
    trajectory = Trajectory([w, b])
    losses = train(
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
    return trajectory, losses


def _numpy_loss(features, labels, w, b):
    X, y = features.double().numpy(), labels.double().numpy().reshape(-1)
    return float(((X @ np.asarray(w, dtype=float) + float(b) - y) ** 2 / 2).mean())


def test_the_record_is_the_run_train_makes_from_init_params(tutorial_data, capsys):
    features, labels = (t.double() for t in tutorial_data)  # kept in the data's dtype
    run = record_run(features, labels, generator=torch.Generator().manual_seed(5), **SETTINGS)
    assert run.diverged is None and capsys.readouterr().out == ""  # quiet
    trajectory, losses = _chapter_run(features, labels, 5, **SETTINGS)
    assert run.path.shape == (2 * 40 + 1, 2) and run.path.dtype == torch.float64
    torch.testing.assert_close(run.path, trajectory.stack(0).reshape(-1, 2))
    torch.testing.assert_close(run.bias, trajectory.stack(1).reshape(-1))
    assert run.epochs.tolist() == [0] + [1] * 40 + [2] * 40
    for k in (0, 17, 80):  # the loss of each recorded point, in NumPy
        expected = _numpy_loss(features, labels, run.path[k], run.bias[k])
        assert float(run.losses[k]) == pytest.approx(expected, rel=1e-9)
    start = _numpy_loss(features, labels, trajectory.stack(0)[0].reshape(-1), 0.0)
    assert run.epoch_losses == pytest.approx([start, *losses], rel=1e-9)
    other = record_run(features, labels, generator=torch.Generator().manual_seed(6), **SETTINGS)
    assert not torch.equal(other.path[0], run.path[0])  # another start and order


def test_a_run_with_weight_decay_records_train_with_that_decay(tutorial_data):
    features, labels = (t.double() for t in tutorial_data)
    settings = SETTINGS | {"weight_decay": 2.0}
    run = record_run(features, labels, generator=torch.Generator().manual_seed(5), **settings)
    trajectory, losses = _chapter_run(features, labels, 5, **settings)
    assert run.weight_decay == 2.0 and run.diverged is None
    torch.testing.assert_close(run.path, trajectory.stack(0).reshape(-1, 2))
    assert run.epoch_losses[1:] == pytest.approx(losses, rel=1e-9)
    plain = record_run(features, labels, generator=torch.Generator().manual_seed(5), **SETTINGS)
    assert run.path[-1].norm() < 0.9 * plain.path[-1].norm()  # the decay is felt


def test_without_steps_only_the_epoch_losses_are_kept(tutorial_data):
    full = record_run(*tutorial_data, generator=torch.Generator().manual_seed(1), **SETTINGS)
    lean = record_run(
        *tutorial_data, generator=torch.Generator().manual_seed(1), steps=False, **SETTINGS
    )
    assert lean.epoch_losses == full.epoch_losses and len(lean.epoch_losses) == 3
    assert lean.path.numel() == lean.losses.numel() == lean.epochs.numel() == 0


def test_a_run_that_blows_up_is_cut_at_its_last_finite_point(tutorial_data):
    run = record_run(
        *tutorial_data,
        lr=30.0,
        batch_size=25,
        num_epochs=2,
        generator=torch.Generator().manual_seed(0),
    )
    assert re.fullmatch(r"the loss became (inf|NaN) at epoch 1, batch \d+ of 40", run.diverged)
    assert torch.isfinite(run.path).all() and torch.isfinite(run.losses).all()
    # the same run through train(fast=True) with a recorder: the record keeps exactly the
    # points before the first whose parameters or (NumPy, float64) loss are not finite
    gen = torch.Generator().manual_seed(0)
    w, b = init_params(2, generator=gen)
    trajectory = Trajectory([w, b])
    with pytest.raises(FloatingPointError):
        train(
            linreg,
            squared_loss,
            [w, b],
            *tutorial_data,
            lr=30.0,
            batch_size=25,
            num_epochs=2,
            generator=gen,
            callback=trajectory,
            verbose=False,
            fast=True,
        )
    path, bias = trajectory.stack(0).reshape(-1, 2), trajectory.stack(1).reshape(-1)
    with np.errstate(over="ignore", invalid="ignore"):
        ok = [
            bool(np.isfinite(w.numpy()).all() and np.isfinite(float(b)))
            and np.isfinite(_numpy_loss(*tutorial_data, w, b))
            for w, b in zip(path, bias, strict=True)
        ]
    assert len(run.path) == ok.index(False) > 1
    torch.testing.assert_close(run.path, path[: len(run.path)].double())
    assert run.epoch_losses[1:] == []  # no epoch finished


def test_a_run_that_ends_higher_than_it_began_counts_as_diverged(tutorial_data):
    # lr = 2 overshoots: the loss grows a lot in one epoch but stays finite
    run = record_run(
        *tutorial_data,
        lr=2.0,
        batch_size=10,
        num_epochs=1,
        generator=torch.Generator().manual_seed(0),
    )
    start, end = run.epoch_losses
    assert np.isfinite(end) and end > start
    assert run.diverged == f"the loss grew from {start:.3g} to {end:.3g}"
    calm = record_run(
        *tutorial_data,
        lr=0.03,
        batch_size=10,
        num_epochs=1,
        generator=torch.Generator().manual_seed(0),
    )
    assert calm.diverged is None and calm.epoch_losses[1] < calm.epoch_losses[0]


def test_labels_of_another_dtype_are_read_in_the_features_dtype(tutorial_data):
    features, labels = tutorial_data
    same = record_run(features, labels, generator=torch.Generator().manual_seed(2), **SETTINGS)
    mixed = record_run(
        features, labels.double(), generator=torch.Generator().manual_seed(2), **SETTINGS
    )
    assert torch.equal(same.path, mixed.path)


def test_a_loss_that_grows_by_a_little_is_still_growth():
    # x = 1, y = 1, one full batch: the residual r = w + b - 1 becomes (1 - 2 lr) r per
    # step, so lr = 1.02 multiplies the loss by 1.04² = 1.0816 in one epoch
    features, labels = torch.ones(4, 1), torch.ones(4)
    run = record_run(
        features,
        labels,
        lr=1.02,
        batch_size=4,
        num_epochs=1,
        generator=torch.Generator().manual_seed(0),
    )
    start, end = run.epoch_losses
    assert end / start == pytest.approx(1.0816, rel=1e-4)
    assert run.diverged is not None and run.diverged.startswith("the loss grew")
