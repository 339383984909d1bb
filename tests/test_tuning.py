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


# --- validation losses; the degree and weight-decay sweeps ------------------------------


def _numpy_loss(w, b, X, y):
    """mean((X w + b - y)^2) / 2 in float64 numpy: independent of the package's loss."""
    import numpy as np

    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64).reshape(-1)
    w = np.asarray(w, dtype=np.float64).reshape(-1)
    return float(np.mean((X @ w + float(b) - y) ** 2) / 2)


def test_record_run_val_losses_are_the_loss_of_the_parameters_after_each_epoch():
    from linreg_scratch.record import record_run

    gen = torch.Generator().manual_seed(4)
    X, y = torch.randn(37, 3, generator=gen), torch.randn(37, 1, generator=gen)
    Xv, yv = torch.randn(20, 3, generator=gen), torch.randn(20, generator=gen)
    settings = {"lr": 0.05, "batch_size": 8, "num_epochs": 3}
    gen = torch.Generator().manual_seed(1)
    run = record_run(X, y, **settings, generator=gen, val_features=Xv, val_labels=yv)
    # the recorded path holds w and b after every step: pick the point that ends each epoch
    ends = [0] + [int((run.epochs == e).nonzero().max()) for e in (1, 2, 3)]
    want = [_numpy_loss(run.path[i], run.bias[i], Xv, yv) for i in ends]
    assert run.val_losses == pytest.approx(want, rel=1e-5)
    # the validation set only watches: the run itself is the same without it
    plain = record_run(X, y, lr=0.05, batch_size=8, num_epochs=3,
                       generator=torch.Generator().manual_seed(1))  # fmt: skip
    assert plain.epoch_losses == run.epoch_losses and plain.val_losses == []
    assert torch.equal(plain.path, run.path)


def test_degree_sweep_trains_on_polynomial_features_and_validates():
    from linreg_scratch import polynomial_data, polynomial_features

    result = sweep("degree", [1, 3, 10, 20])
    assert result.values == [1, 3, 10, 20] and len(result.val_losses) == 4
    assert all(
        len(v) == len(ls) == 201 for v, ls in zip(result.val_losses, result.losses, strict=True)
    )
    # replay each run by hand: the default data are polynomial_data's two sets from seed 0
    gen = torch.Generator().manual_seed(0)
    (x, y), (xv, yv) = polynomial_data(100, generator=gen), polynomial_data(100, generator=gen)
    for degree, curve, val in zip([1, 3], result.losses, result.val_losses, strict=False):
        run = torch.Generator().manual_seed(0)
        w, b = init_params(degree, generator=run)
        F, Fv = polynomial_features(x, degree), polynomial_features(xv, degree)
        assert val[0] == pytest.approx(_numpy_loss(w.detach(), b.detach(), Fv, yv), rel=1e-6)
        got = train(linreg, squared_loss, [w, b], F, y, lr=0.05, batch_size=10, num_epochs=200,
                    generator=run, verbose=False)  # fmt: skip
        assert curve[-1] == pytest.approx(got[-1], rel=1e-4)
        assert val[-1] == pytest.approx(_numpy_loss(w.detach(), b.detach(), Fv, yv), rel=1e-4)
    # degree 1 underfits: both losses far above the noise floor (0.1^2 / 2) and degree 3's
    under, good = result.final_losses[:2], result.final_val_losses[:2]
    assert under[0] > 100 * under[1] and good[0] > 100 * good[1]
    assert result.final_val_losses[1] < 0.02  # degree 3 fits: near the noise floor 0.005


def test_weight_decay_sweep_reaches_the_ridge_solution_and_helps_validation():
    from linreg_scratch import closed_form, polynomial_data, polynomial_features
    from linreg_scratch.tuning import DECAY_DEGREE, DECAY_EXAMPLES, DECAY_NOISE

    lambdas = [0, 1e-2, 1e-1, 1]
    result = sweep("weight_decay", lambdas)
    val = result.final_val_losses
    assert min(val[1:]) < 0.7 * val[0]  # some decay helps validation...
    assert val[-1] > min(val)  # ...and too much hurts it
    assert result.final_losses == sorted(result.final_losses)  # the penalty costs training fit
    gen = torch.Generator().manual_seed(0)
    x, y = polynomial_data(DECAY_EXAMPLES, DECAY_NOISE, generator=gen)
    xv, yv = polynomial_data(100, DECAY_NOISE, generator=gen)
    F, Fv = polynomial_features(x, DECAY_DEGREE), polynomial_features(xv, DECAY_DEGREE)
    # with strong decay SGD converges: its losses are the ridge solution's
    w, b = closed_form(F, y, weight_decay=1.0)
    assert result.final_losses[-1] == pytest.approx(_numpy_loss(w, b, F, y), rel=2e-2)
    assert val[-1] == pytest.approx(_numpy_loss(w, b, Fv, yv), rel=2e-2)


def test_validation_is_optional_for_lr_and_given_data_is_used():
    torch.manual_seed(2)
    X, y = synthetic_data([1.0, -2.0], 0.5, 200)
    Xv, yv = synthetic_data([1.0, -2.0], 0.5, 50)
    plain = sweep("lr", [0.03], X, y, num_epochs=2)
    assert plain.val_losses == [] and plain.final_val_losses == []
    assert "validation" not in str(plain) and len(plain.plot().axes) == 2
    watched = sweep("lr", [0.03], X, y, num_epochs=2, val_features=Xv, val_labels=yv)
    assert watched.losses == plain.losses
    gen = torch.Generator().manual_seed(0)
    w, b = init_params(2, generator=gen)
    train(linreg, squared_loss, [w, b], X, y, lr=0.03, num_epochs=2, generator=gen, verbose=False)
    assert watched.val_losses[0][-1] == pytest.approx(
        _numpy_loss(w.detach(), b.detach(), Xv, yv), 1e-4
    )


def test_the_table_and_plot_show_training_and_validation_side_by_side():
    from linreg_scratch import set_language

    result = sweep("weight_decay", [0, 0.01, 1], num_epochs=50)
    rows = str(result).splitlines()
    assert rows[0].split()[1:4] == ["last", "loss", "validation"]
    for row, val in zip(rows[1:], result.final_val_losses, strict=True):
        assert float(row.split()[2]) == pytest.approx(val, rel=1e-3)
    fig = result.plot()
    ax_train, ax_val, ax_final = fig.axes
    assert ax_train.get_title() == "training" and ax_val.get_title() == "validation"
    for ax, curves in [(ax_train, result.losses), (ax_val, result.val_losses)]:
        drawn = [list(line.get_ydata()) for line in ax.get_lines()]
        assert drawn == [pytest.approx(c) for c in curves]
    assert ax_train.get_ylim() == ax_val.get_ylim()  # one scale for both
    finals = {line.get_label(): list(line.get_ydata()) for line in ax_final.get_lines()}
    assert finals["training"] == pytest.approx(result.final_losses)
    assert finals["validation"] == pytest.approx(result.final_val_losses)
    assert ax_final.get_xscale() == "symlog"  # lambda = 0 is on the axis
    set_language("zh")
    try:
        fig = result.plot()
        assert [ax.get_title() for ax in fig.axes[:2]] == ["训练", "验证"]
        assert "验证损失" in str(result)
    finally:
        set_language("en")


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "words"),
    [
        (("degree", [0]), {}, ValueError, r"degree must be an int in \[1, 60\]"),
        (("degree", [2.5]), {}, TypeError, "degree must be"),
        (("weight_decay", [-1]), {}, ValueError, "weight_decay must be"),
        (("degree", [2], torch.zeros(5, 2), torch.zeros(5)), {}, ValueError, "1 column"),
        (("lr", [0.1]), {"val_features": torch.zeros(3, 2)}, ValueError, "val_labels is None"),
        (("lr", [0.1]), {"val_features": torch.zeros(3, 5), "val_labels": torch.zeros(3)},
         ValueError, "val_features must have as many columns"),
        (("lr", [0.1]), {"val_features": torch.zeros(3, 2), "val_labels": torch.zeros(4)},
         ValueError, "same number of examples"),
        (("lr", [0.1]), {"val_features": torch.full((3, 2), float("nan")),
                         "val_labels": torch.zeros(3)}, ValueError, "val_features contains NaN"),
    ],
)  # fmt: skip
def test_sweep_refuses_bad_validation_and_values(args, kwargs, error, words):
    with pytest.raises(error, match=words):
        sweep(*args, **kwargs)


def test_the_chinese_table_s_headings_stand_over_their_columns():
    import unicodedata

    from linreg_scratch.lang import language

    def width(line):  # terminal columns: a Chinese character takes two
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)

    with language("zh"):
        head, *rows = str(sweep("lr", [0.03, 0.1], num_epochs=1)).splitlines()
    loss_column_end = width(rows[0].rsplit("  ", 1)[0])  # the row without its status
    assert width(head.rsplit("  ", 1)[0]) == loss_column_end == 2 * 12 + 2
