"""The d2l-en 1.x object-style framework (linreg_scratch.framework)."""

import subprocess

import pytest
import torch
from kernel import errors, execute, notebook, text_of

from linreg_scratch import closed_form
from linreg_scratch.framework import (
    SGD,
    DataModule,
    HyperParameters,
    LinearRegression,
    LinearRegressionScratch,
    Module,
    ProgressBoard,
    SyntheticRegressionData,
    Trainer,
    add_to_class,
)


def quiet(model):
    model.board.display = False
    return model


def test_save_hyperparameters_keeps_the_arguments_but_ignored_and_private_ones():
    class Thing(HyperParameters):
        def __init__(self, a, b=2, _hidden=3, skip=4):
            super().__init__()  # adds a __class__ cell to the frame
            local = a + b  # noqa: F841 (a local of __init__ is saved too, as in the book)
            self.save_hyperparameters(ignore=["skip"])

    t = Thing(1)
    assert (t.a, t.b) == (1, 2)
    assert not hasattr(t, "_hidden") and not hasattr(t, "skip")
    assert set(t.hparams) == {"a", "b", "local"}


def test_add_to_class_attaches_and_returns_the_function():
    class Box:
        pass

    @add_to_class(Box)
    def size(self):
        return 3

    assert Box().size() == 3 and size(None) == 3


def test_sgd_step_is_the_book_rule_and_zeroes_the_gradients():
    torch.manual_seed(0)
    w = torch.randn(3, 1, requires_grad=True)
    X, y = torch.randn(8, 3), torch.randn(8, 1)
    ((X @ w - y) ** 2 / 2).mean().backward()
    grad = w.grad.clone()
    expected = w.detach() - 0.1 * grad  # d2l-en 1.x: param -= lr * param.grad
    SGD([w], lr=0.1).step()
    assert torch.equal(w.detach(), expected)
    assert torch.equal(w.grad, torch.zeros_like(w))
    w.grad += 1
    SGD([w, torch.zeros(1, requires_grad=True)], lr=0.1).zero_grad()  # grad None is skipped
    assert torch.equal(w.grad, torch.zeros_like(w))


def test_scratch_model_is_linreg_with_the_mean_squared_loss_halved():
    torch.manual_seed(0)
    model = LinearRegressionScratch(3, lr=0.03)
    assert model.w.shape == (3, 1) and model.b.tolist() == [0.0]
    assert float(model.w.detach().std()) < 0.05
    assert {id(p) for p in model.parameters()} == {id(model.w), id(model.b)}
    X, y = torch.randn(5, 3), torch.randn(5, 1)
    y_hat = model(X)
    assert torch.allclose(y_hat, X @ model.w + model.b)
    assert torch.allclose(model.loss(y_hat, y), ((y_hat - y) ** 2).sum() / (2 * 5))
    opt = model.configure_optimizers()
    assert isinstance(opt, SGD) and opt.lr == 0.03 and opt.params[0] is model.w


def test_concise_model_starts_from_small_weights_and_zero_bias():
    # The book sets weight.data.normal_(0, 0.01) on a lazy layer, which its first call
    # overwrites with the default init; ours draws N(0, 0.01^2) when the layer learns d.
    torch.manual_seed(0)
    model = LinearRegression(lr=0.03)
    model(torch.randn(4, 50))
    w, b = model.get_w_b()
    assert w.shape == (1, 50) and b.tolist() == [0.0]
    assert 0.005 < float(w.std()) < 0.015
    y_hat, y = torch.randn(6, 1), torch.randn(6, 1)
    assert torch.allclose(model.loss(y_hat, y), ((y_hat - y) ** 2).mean())


def test_synthetic_regression_data_draws_as_the_book_does():
    # The book: X = randn(n, d); noise = randn(n, 1) * noise; y = X @ w + b + noise.
    w = torch.tensor([2, -3.4])
    torch.manual_seed(7)
    X = torch.randn(30, 2)
    noise = torch.randn(30, 1) * 0.01
    y = X @ w.reshape(-1, 1) + 4.2 + noise
    torch.manual_seed(7)
    data = SyntheticRegressionData(w, 4.2, num_train=20, num_val=10, batch_size=8)
    assert torch.equal(data.X, X) and torch.allclose(data.y, y, atol=1e-6)
    assert data.w is w and data.b == 4.2 and data.hparams["num_val"] == 10
    train, val = data.train_dataloader(), data.val_dataloader()
    assert [len(b[0]) for b in train] == [8, 8, 4] and len(val) == 2
    val_rows = torch.cat([b[0] for b in val])
    assert torch.equal(val_rows, X[20:])  # validation is not shuffled


def test_data_module_base_needs_a_get_dataloader():
    with pytest.raises(NotImplementedError):
        DataModule().train_dataloader()


def test_module_without_net_or_forward_says_so():
    with pytest.raises(NotImplementedError, match=r"self\.net"):
        Module()(torch.ones(1))
    with pytest.raises(RuntimeError, match=r"Trainer\.fit"):
        Module().plot("loss", torch.tensor(1.0), train=True)


def _fit_like_the_book(model, data, max_epochs):
    """An independent replay of d2l-en 1.x's loop: zero_grad, backward, step, per batch."""
    opt = model.configure_optimizers()
    for _ in range(max_epochs):
        for X, y in data.train_dataloader():
            loss = model.loss(model(X), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():  # validation draws the loader's seed, as the book's does
            for X, y in data.val_dataloader():
                model.loss(model(X), y)


@pytest.mark.parametrize(
    "make", [lambda: LinearRegressionScratch(2, lr=0.03), lambda: LinearRegression(0.03)]
)
def test_trainer_takes_the_same_steps_as_the_book_loop(make):
    torch.manual_seed(1)
    data = SyntheticRegressionData(torch.tensor([2, -3.4]), 4.2, num_train=200, num_val=50)
    torch.manual_seed(2)
    ours = quiet(make())
    Trainer(max_epochs=2).fit(ours, data)
    torch.manual_seed(2)
    theirs = quiet(make())
    _fit_like_the_book(theirs, data, 2)
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        assert torch.allclose(p, q, atol=1e-6)


def test_trainer_fit_converges_to_the_least_squares_solution():
    torch.manual_seed(3)
    data = SyntheticRegressionData(torch.tensor([2, -3.4]), 4.2)
    model = quiet(LinearRegressionScratch(2, lr=0.03))
    trainer = Trainer(max_epochs=10)
    trainer.fit(model, data)
    w_star, b_star = closed_form(data.X[:1000], data.y[:1000])
    assert torch.allclose(model.w.detach(), w_star, atol=1e-3)
    assert torch.allclose(model.b.detach(), b_star, atol=1e-3)
    assert (trainer.epoch, trainer.train_batch_idx, trainer.val_batch_idx) == (9, 320, 320)
    # the board recorded 2 training and 1 validation point per epoch
    assert len(model.board.data["train_loss"]) == 20 and len(model.board.data["val_loss"]) == 10
    assert model.board.data["val_loss"][-1][1] < 1e-3 < model.board.data["val_loss"][0][1]


def test_gradient_clipping_caps_the_joint_norm():
    model = LinearRegressionScratch(2, lr=0.1)
    model.w.grad = torch.tensor([[3.0], [0.0]])
    model.b.grad = torch.tensor([4.0])
    Trainer(max_epochs=1, gradient_clip_val=1.0).clip_gradients(1.0, model)
    assert torch.allclose(model.w.grad, torch.tensor([[0.6], [0.0]]))
    assert torch.allclose(model.b.grad, torch.tensor([0.8]))
    Trainer(max_epochs=1).clip_gradients(10.0, model)  # under the cap: unchanged
    assert torch.allclose(model.b.grad, torch.tensor([0.8]))


def test_clipped_training_moves_at_most_lr_times_the_cap_per_step():
    torch.manual_seed(4)
    data = SyntheticRegressionData(torch.tensor([2, -3.4]), 4.2, num_train=64, num_val=0)
    model = quiet(LinearRegressionScratch(2, lr=0.1))
    start = torch.cat([model.w.detach().reshape(-1), model.b.detach()])
    Trainer(max_epochs=1, gradient_clip_val=0.5).fit(model, data)
    end = torch.cat([model.w.detach().reshape(-1), model.b.detach()])
    assert float((end - start).norm()) <= 2 * 0.1 * 0.5 + 1e-6  # two batches of 32


def test_trainer_without_a_gpu_trains_on_the_cpu():
    trainer = Trainer(max_epochs=1, num_gpus=1)
    assert len(trainer.gpus) == min(1, torch.cuda.device_count())


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: Trainer(max_epochs=0), "max_epochs"),
        (lambda: Trainer(max_epochs=1, gradient_clip_val=-1), "gradient_clip_val"),
        (lambda: SGD([torch.zeros(1)], lr=0), "lr"),
        (lambda: LinearRegressionScratch(0, lr=0.1), "num_inputs"),
        (lambda: LinearRegressionScratch(2, lr="0.03"), "^lr must be a finite number > 0"),
        (lambda: LinearRegressionScratch(2, lr=0), "^lr must be a finite number > 0"),
        (lambda: SyntheticRegressionData([1.0], 0.0, batch_size=0), "batch_size"),
        (lambda: ProgressBoard().draw(1, 1, "a", every_n=0), "every_n"),
        (lambda: ProgressBoard().draw(1, 1, label=None), "label"),
        (lambda: ProgressBoard(figsize=(0, 1)), "figsize"),
    ],
)
def test_bad_arguments_are_named(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_fit_names_swapped_arguments():
    model, data = quiet(LinearRegressionScratch(2, lr=0.03)), SyntheticRegressionData([1, 2], 0)
    with pytest.raises(TypeError) as info:
        Trainer(max_epochs=1).fit(data, model)
    assert str(info.value) == (
        "model must be a Module with training_step and configure_optimizers, got a "
        "SyntheticRegressionData; model and data are swapped: call fit(model, data)"
    )
    with pytest.raises(TypeError, match=r"got the class LinearRegressionScratch; make one first"):
        Trainer(max_epochs=1).fit(LinearRegressionScratch, SyntheticRegressionData([1, 2], 0))
    with pytest.raises(TypeError, match=r"^data must be a DataModule .*, got \(1, 2\) \(tuple\)$"):
        Trainer(max_epochs=1).fit(model, (1, 2))


def _finite(model):
    """The model's parameters and its training losses on the board, all finite?"""
    board = model.board
    losses = [y for line in (board.data, board.raw_points) for _, y in line.get("train_loss", [])]
    params = [p.detach() for p in model.parameters()]
    return all(torch.isfinite(torch.tensor(losses)).tolist()) and all(
        bool(torch.isfinite(p).all()) for p in params
    )


def _concise(num_inputs, lr):
    return LinearRegression(lr)


@pytest.mark.parametrize(
    "make, lr, first",
    [  # MSELoss has no 1/2: the concise model's step is twice as long
        (LinearRegressionScratch, 10.0, True),
        (LinearRegressionScratch, 2.2, False),
        (_concise, 10.0, True),
        (_concise, 1.1, False),
    ],
)
def test_fit_stops_at_the_first_epoch_that_leaves_something_non_finite(make, lr, first):
    """lr=10 overflows in the first epoch, a step just past 2 (of the halved loss) a few
    epochs later (|1 - lr| > 1 for the unit-variance features): the error names that
    epoch, and the run one epoch shorter (the same seed, so the same steps) ends with
    everything still finite."""

    def run(epochs):
        torch.manual_seed(0)
        model = quiet(make(2, lr=lr))
        data = SyntheticRegressionData(w=torch.tensor([2, -3.4]), b=4.2)
        Trainer(max_epochs=epochs).fit(model, data)
        return model

    with pytest.raises(FloatingPointError) as info:
        run(100)
    epoch = info.value.epoch
    assert info.value.batch is None and f"in epoch {epoch};" in str(info.value)
    assert "lr=" + f"{lr:g}" + " is probably too large" in str(info.value)
    assert (epoch == 1) == first
    if not first:
        assert _finite(run(epoch - 1))


def test_a_diverging_fit_speaks_chinese_after_set_language():
    from linreg_scratch.lang import language

    torch.manual_seed(0)
    with language("zh"), pytest.raises(FloatingPointError, match=r"^训练发散：.*第 1 个迭代周期"):
        Trainer(max_epochs=2).fit(
            quiet(LinearRegressionScratch(2, lr=10)), SyntheticRegressionData([2, -3.4], 4.2)
        )


def test_progress_board_averages_every_n_points_and_prints_in_a_terminal(capsys):
    board = ProgressBoard(xlabel="step")
    for x in range(6):
        board.draw(x, torch.tensor(float(x)), "up", every_n=3)
    assert board.data["up"] == [(1.0, 1.0), (4.0, 4.0)]
    assert capsys.readouterr().out.splitlines() == ["step 1: up 1", "step 4: up 4"]
    board.display = False
    board.draw(0, 0, "up")
    assert capsys.readouterr().out == ""


def test_training_prints_its_losses_in_a_terminal(python):
    code = (
        "import torch\nfrom linreg_scratch import d2l\ntorch.manual_seed(0)\n"
        "data = d2l.SyntheticRegressionData(w=d2l.tensor([2, -3.4]), b=4.2)\n"
        "d2l.Trainer(max_epochs=3).fit(d2l.LinearRegressionScratch(2, lr=0.03), data)\n"
        "anim = d2l.Animator(xlabel='epoch', legend=['a', 'b'])\nanim.add(1, [0.5, 0.25])\n"
    )
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    assert len(lines) == 3 * 3 + 1, lines  # 2 training + 1 validation point per epoch
    assert [ln.split(":")[1].split()[0] for ln in lines[:3]] == ["train_loss"] * 2 + ["val_loss"]
    assert lines[2].startswith("epoch 1:") and lines[8].startswith("epoch 3:")
    val_losses = [float(ln.split()[-1]) for ln in lines[:9] if "val_loss" in ln]
    assert val_losses[0] > val_losses[1] > val_losses[2]
    assert lines[9] == "epoch 1: a 0.5, b 0.25"
    assert lines[0].startswith("epoch 0.234: train_loss ")  # 15 of the epoch's 64 batches


def test_the_board_s_lines_print_in_chinese_after_set_language(capsys):
    from linreg_scratch.lang import language

    board = ProgressBoard(xlabel="epoch")
    with language("zh"):
        board.draw(1 / 3, 2.0, "train_loss")
        board.draw(1, 1.0, "val_loss")
    assert capsys.readouterr().out.splitlines() == [
        "迭代周期 0.333：训练损失 2",
        "迭代周期 1：验证损失 1",
    ]


def test_board_and_animator_draw_in_place_in_a_kernel(tmp_path):
    nb = execute(
        notebook(
            "from linreg_scratch import d2l",
            "board = d2l.ProgressBoard(xlabel='t', ylabel='v', yscale='log')\n"
            "for t in range(1, 41):\n    board.draw(t, 1 / t, 'inverse', every_n=4)",
            "print(board.rendered)",
            "anim = d2l.Animator(xlabel='epoch', legend=['loss'])\n"
            "for e in range(1, 6):\n    anim.add(e, [1 / e])",
        ),
        tmp_path,
    )
    assert not errors(nb), errors(nb)
    for cell in nb.cells[1], nb.cells[3]:
        kinds = [set(o.get("data", {})) & {"image/svg+xml", "image/png"} for o in cell.outputs]
        assert len(cell.outputs) == 1 and kinds[0], cell.outputs  # one figure, updated
    assert text_of(nb.cells[2]).strip() == "{'inverse': 10}"


# --- every constructor argument takes effect (issue #18) -------------------------------


@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_synthetic_regression_data_noise_sets_the_residual_spread(noise):
    torch.manual_seed(0)
    w = torch.tensor([2, -3.4])
    data = SyntheticRegressionData(w, 4.2, noise=noise, num_train=4000, num_val=0)
    residual = data.y - (data.X @ w.reshape(-1, 1) + 4.2)
    if noise == 0:
        assert float(residual.abs().max()) < 1e-5
    else:  # the sample std of 4000 N(0, noise^2) draws, within about 4 standard errors
        assert float(residual.std()) == pytest.approx(noise, rel=0.05)


@pytest.mark.parametrize("sigma", [0.0, 2.0])
def test_scratch_model_sigma_is_the_spread_of_the_initial_weights(sigma):
    torch.manual_seed(0)
    w = LinearRegressionScratch(5000, lr=0.1, sigma=sigma).w.detach()
    assert float(w.std()) == pytest.approx(sigma, rel=0.05, abs=1e-12)
    assert float(w.mean()) == pytest.approx(0.0, abs=0.1)


def test_concise_model_lr_is_the_step_size():
    torch.manual_seed(0)
    model = LinearRegression(lr=0.5)
    X, y = torch.randn(8, 3), torch.randn(8, 1)
    model(X)  # materialise the lazy layer
    before = [p.detach().clone() for p in model.parameters()]
    opt = model.configure_optimizers()
    assert [g["lr"] for g in opt.param_groups] == [0.5]
    model.loss(model(X), y).backward()
    grads = [p.grad.clone() for p in model.parameters()]
    opt.step()
    for p, p0, g in zip(model.parameters(), before, grads, strict=True):
        assert torch.allclose(p.detach(), p0 - 0.5 * g)


def test_module_plots_as_many_points_per_epoch_as_asked():
    torch.manual_seed(0)
    data = SyntheticRegressionData(torch.tensor([2, -3.4]), 4.2, num_train=64, num_val=64,
                                   batch_size=8)  # fmt: skip
    model = quiet(LinearRegressionScratch(2, lr=0.03))
    model.plot_train_per_epoch, model.plot_valid_per_epoch = 4, 2  # as Module(4, 2) saves them
    Trainer(max_epochs=2).fit(model, data)
    assert len(model.board.data["train_loss"]) == 2 * 4
    assert len(model.board.data["val_loss"]) == 2 * 2


def test_module_saves_its_plot_rates():
    m = Module(plot_train_per_epoch=4, plot_valid_per_epoch=2)
    assert (m.plot_train_per_epoch, m.plot_valid_per_epoch) == (4, 2)
    assert (Module().plot_train_per_epoch, Module().plot_valid_per_epoch) == (2, 1)


def _drawn_board(monkeypatch, shown=None, **kwargs):
    """A ProgressBoard drawn as in a notebook (in-process), with two lines of 3 points.

    The figures it hands to IPython's ``display`` are appended to ``shown`` (the empty
    text that holds their place until the first figure is left out).
    """
    import IPython.display

    import linreg_scratch.plot as plot_module  # the board draws through plot.Animator

    monkeypatch.setattr(plot_module, "_in_notebook", lambda: True)
    monkeypatch.setattr(plot_module, "REDRAW_INTERVAL", 0.0)  # draw on every point
    shown = [] if shown is None else shown
    monkeypatch.setattr(
        IPython.display, "display", lambda fig, raw=False, **_: None if raw else shown.append(fig)
    )
    board = ProgressBoard(**kwargs)
    for x in (1, 2, 3):
        board.draw(x, 1 / x, "train")
        board.draw(x, 2 / x, "val")
    return board


def test_every_progress_board_argument_shapes_the_figure(monkeypatch):
    from matplotlib.figure import Figure

    plain = _drawn_board(monkeypatch).fig.axes[0]
    board = _drawn_board(
        monkeypatch,
        xlabel="epoch",
        ylabel="loss",
        xlim=(0.5, 4),
        ylim=(0.1, 5),
        xscale="log",
        yscale="log",
        ls=(":", "-."),
        colors=("r", "g"),
        figsize=(4, 3),
    )
    ax = board.fig.axes[0]
    assert (plain.get_xlabel(), plain.get_ylabel()) == ("x", "")
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("epoch", "loss")
    assert ax.get_xlim() == pytest.approx((0.5, 4)) != pytest.approx(plain.get_xlim())
    assert ax.get_ylim() == pytest.approx((0.1, 5)) != pytest.approx(plain.get_ylim())
    assert (plain.get_xscale(), plain.get_yscale()) == ("linear", "linear")
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    styles = [(line.get_linestyle(), line.get_color()) for line in ax.get_lines()]
    assert styles == [(":", "r"), ("-.", "g")]
    assert [(ln.get_linestyle(), ln.get_color()) for ln in plain.get_lines()] == [
        ("-", "C0"),
        ("--", "C1"),
    ]
    assert tuple(board.fig.get_size_inches()) == (4.0, 3.0)
    assert tuple(plain.figure.get_size_inches()) == (3.5, 2.5)
    assert board.rendered == {"train": 3, "val": 3}
    # fig and axes: draw into the ones given instead of a new figure
    fig = Figure()
    given = fig.add_subplot(1, 2, 2)
    shown = []
    _drawn_board(monkeypatch, shown, fig=fig, axes=given)
    assert shown and all(s is fig for s in shown) and len(given.get_lines()) == 2
    assert len(fig.axes) == 1  # nothing added next to the given axes


# --- the board draws through plot.Animator ---------------------------------------------


def test_progress_board_takes_one_string_as_one_line_style_and_colour(monkeypatch):
    # list("--") would be the two styles "-" and "-"; list("red") the colours "r", "e", "d"
    board = _drawn_board(monkeypatch, ls="--", colors="red")
    assert (board.ls, board.colors) == (["--"], ["red"])
    styles = [(ln.get_linestyle(), ln.get_color()) for ln in board.fig.axes[0].get_lines()]
    assert styles == [("--", "red"), ("--", "red")]


def test_progress_board_draws_quiet_points_and_new_settings_with_the_next_point(monkeypatch):
    board = _drawn_board(monkeypatch)
    board.display = False
    board.draw(4, 0.25, "train")  # recorded only
    assert board.rendered == {"train": 3, "val": 3}
    board.display = True
    board.xlabel, board.xlim, board.yscale = "epoch", [0, 8], "log"  # as Trainer and Module do
    board.draw(4, 0.5, "val")
    ax = board.fig.axes[0]
    assert board.rendered == {"train": 4, "val": 4}
    assert [ln.get_ydata().tolist()[-1] for ln in ax.get_lines()] == [0.25, 0.5]
    assert (ax.get_xlabel(), ax.get_xlim(), ax.get_yscale()) == ("epoch", (0, 8), "log")
    board.xscale = "logarithmic"
    with pytest.raises(ValueError, match="xscale"):
        board.draw(5, 0.1, "val")


def test_progress_board_redraws_at_most_every_interval_and_at_the_end_of_the_cell(monkeypatch):
    import linreg_scratch.plot as plot_module

    board = _drawn_board(monkeypatch)
    monkeypatch.setattr(plot_module, "REDRAW_INTERVAL", 3600.0)
    for x in (4, 5):
        board.draw(x, 1 / x, "train")
    assert board.rendered == {"train": 3, "val": 3}  # drawn 0 s ago: the points wait
    plot_module._flush_pending()  # what IPython runs when the cell ends
    assert board.rendered == {"train": 5, "val": 3}
    assert board.fig.axes[0].get_lines()[0].get_xdata().tolist() == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"xscale": "logarithmic"}, "xscale"),
        ({"xlim": (1,)}, "xlim"),
        ({"ylim": (2, 1)}, "ylim"),
        ({"xlabel": 3}, "xlabel"),
        ({"ls": [1, 2]}, "ls"),
        ({"colors": []}, "colors"),
    ],
)
def test_progress_board_refuses_bad_settings_when_made(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        ProgressBoard(**kwargs)


def test_a_module_without_net_or_lr_says_what_to_add_in_either_language():
    from linreg_scratch.lang import language

    class NoNet(Module):
        def __init__(self, lr):
            super().__init__()
            self.save_hyperparameters()

    class NoLr(Module):
        def __init__(self):
            super().__init__()
            self.net = torch.nn.Linear(2, 1)

    with pytest.raises(NotImplementedError, match=r"NoNet has no self\.net: define forward"):
        NoNet(0.1)(torch.zeros(3, 2))
    with pytest.raises(AttributeError, match=r"NoLr has no self\.lr: take lr in __init__"):
        NoLr().configure_optimizers()
    with language("zh"):
        with pytest.raises(NotImplementedError, match=r"NoNet 没有 self\.net"):
            NoNet(0.1)(torch.zeros(3, 2))
        with pytest.raises(AttributeError, match=r"NoLr 没有 self\.lr"):
            Trainer(max_epochs=1).fit(NoLr(), SyntheticRegressionData(torch.ones(2), 1.0))
    fixed = NoLr()
    fixed.lr = 0.1
    assert fixed.configure_optimizers().param_groups[0]["lr"] == 0.1
