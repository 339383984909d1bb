import math

import pytest
import torch

from linreg_scratch import Sweep, sweep, synthetic_data


def test_lr_sweep_ranks_rates_and_marks_divergence(tmp_path):
    result = sweep("lr", [0.003, 0.03, 10])
    assert isinstance(result, Sweep) and result.values == [0.003, 0.03, 10]
    slow, good, too_big = result.final_losses
    assert good < 1e-4 < slow and math.isinf(too_big)
    assert result.diverged[:2] == [None, None]
    assert "inf at epoch 1" in result.diverged[2]
    assert all(len(ls) == 4 for ls in result.losses[:2])  # the start, then 3 epochs
    assert len({ls[0] for ls in result.losses}) == 1  # the same starting point for all
    assert "diverged" in str(result) and "lr" in str(result).splitlines()[0]
    fig = result.plot(tmp_path / "sweep.png")
    assert len(fig.axes) == 2 and (tmp_path / "sweep.png").stat().st_size > 5000


def test_a_loss_that_grows_but_stays_finite_counts_as_diverged():
    torch.manual_seed(0)
    features, labels = synthetic_data([2, -3.4], 4.2, 200)
    result = sweep("lr", [0.03, 2.2], features, labels, num_epochs=1)
    assert result.diverged[0] is None
    assert result.diverged[1] is not None


def test_batch_size_sweep_uses_the_same_data_and_seed():
    first = sweep("batch_size", [10, 100], seed=3)
    again = sweep("batch_size", [10, 100], seed=3)
    assert first.losses == again.losses
    assert first.final_losses[0] < first.final_losses[1]  # more steps per epoch at batch 10


def test_all_diverged_still_plots():
    result = sweep("lr", [10, 20], num_epochs=1)
    assert all(result.diverged)
    assert len(result.plot().axes) == 2


@pytest.mark.parametrize(
    ("args", "error", "words"),
    [
        (("momentum", [0.1]), ValueError, "param_name must be one of"),
        (("lr", []), TypeError, "values must be a non-empty list"),
        (("lr", 0.1), TypeError, "values must be a non-empty list"),
        (("batch_size", [0]), ValueError, "batch_size must be a positive int"),
    ],
)
def test_sweep_rejects_bad_input(args, error, words):
    with pytest.raises(error, match=words):
        sweep(*args)
