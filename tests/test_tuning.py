import math

import pytest
import torch

from linreg_scratch import Sweep, init_params, linreg, squared_loss, sweep, synthetic_data, train


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


# --- every setting of sweep takes effect, and its numbers are train's ------------------


def test_each_sweep_curve_is_an_independent_train_run():
    torch.manual_seed(1)
    features, labels = synthetic_data([1.0, -2.0], 0.5, 300)
    result = sweep("lr", [0.01, 0.1], features, labels, batch_size=7, num_epochs=2, seed=5)
    for lr, curve in zip([0.01, 0.1], result.losses, strict=True):
        gen = torch.Generator().manual_seed(5)
        w, b = init_params(2, generator=gen)
        start = squared_loss(linreg(features, w, b), labels).mean().item()
        expected = train(linreg, squared_loss, [w, b], features, labels, lr=lr, batch_size=7,
                         num_epochs=2, generator=gen, verbose=False)  # fmt: skip
        # sweep trains with the fast engine, the reference runs the chapter's loop
        assert curve == pytest.approx([start, *expected], rel=1e-5, abs=1e-7)


@pytest.mark.parametrize(
    ("change", "check"),
    [
        ({"num_epochs": 5}, lambda base, new: len(new.losses[0]) == 6 != len(base.losses[0])),
        ({"lr": 0.01}, lambda base, new: new.losses != base.losses),
        ({"batch_size": 50}, lambda base, new: new.losses != base.losses),
        ({"seed": 9}, lambda base, new: new.losses[0][0] != base.losses[0][0]),
    ],
    ids=["num_epochs", "lr", "batch_size", "seed"],
)
def test_each_setting_of_sweep_takes_effect(change, check):
    # sweep batch_size over one value, so that lr=... is a fixed setting, not the swept one
    base = sweep("batch_size", [10], num_epochs=1)
    if "batch_size" in change:  # a fixed batch_size is overridden: sweep lr instead
        base, new = sweep("lr", [0.03], num_epochs=1), sweep("lr", [0.03], num_epochs=1, **change)
    else:
        new = sweep("batch_size", [10], **({"num_epochs": 1} | change))
    assert check(base, new)


def test_the_swept_value_overrides_the_fixed_one():
    a = sweep("batch_size", [25], batch_size=10, num_epochs=1)
    b = sweep("batch_size", [25], batch_size=99, num_epochs=1)
    assert a.losses == b.losses


def test_the_table_prints_the_last_finite_loss_of_a_diverged_run():
    result = sweep("lr", [0.03, 2.5, 10])
    table = str(result)
    assert "inf" not in table.split("\n", 1)[1].split("diverged")[0].lower()
    rows = table.splitlines()[1:]
    for row, ls, why in zip(rows, result.losses, result.diverged, strict=True):
        last = float(row.split()[1])
        assert last == pytest.approx([v for v in ls if math.isfinite(v)][-1], rel=1e-3)
        assert ("diverged" in row) == bool(why)
    assert all("inf" not in row.split()[1] for row in rows)


def test_the_plot_keeps_its_legend_off_the_curves_and_names_divergence_once():
    result = sweep("lr", [0.03, 0.3, 2.5, 10], num_epochs=1)
    fig = result.plot()
    ax_curves, ax_final = fig.axes
    assert ax_curves.get_legend() is None and len(fig.legends) == 1  # beside the panels
    fig.canvas.draw()
    legend_box = fig.legends[0].get_window_extent()
    assert not legend_box.overlaps(ax_curves.get_window_extent())
    texts = [t.get_text() for t in ax_final.texts] + [
        t.get_text() for t in ax_final.get_legend().get_texts()
    ]
    assert texts.count("diverged") == 1
