import importlib
import math
import re

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from linreg_scratch import (
    DivergenceError,
    Trajectory,
    data_iter,
    grad_check,
    init_params,
    linreg,
    sgd,
    squared_loss,
    train,
)
from linreg_scratch.loss import mean_loss

TRUE_W = torch.tensor([[2.0], [-3.4]])
TRUE_B = 4.2


def test_train_with_the_tutorial_defaults_converges(tutorial_data, capsys):
    features, labels = tutorial_data
    w, b = init_params(2)
    losses = train(linreg, squared_loss, [w, b], features, labels)
    assert len(losses) == 3
    assert losses[0] > losses[1] > losses[2] or losses[2] < 1e-4
    assert losses[-1] < 1e-4
    assert (w.detach() - TRUE_W).abs().max() < 1e-2
    assert abs(b.item() - TRUE_B) < 1e-2
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 3
    for i, line in enumerate(printed):  # the tutorial's format: 'epoch 1, loss 0.028127'
        assert re.fullmatch(rf"epoch {i + 1}, loss \d+\.\d{{6}}", line)
        assert float(line.split()[-1]) == pytest.approx(losses[i], abs=1e-6)


def test_the_tutorials_own_loop_with_our_functions_converges(tutorial_data):
    features, labels = tutorial_data
    w = torch.normal(0, 0.01, (2, 1)).requires_grad_()
    b = torch.zeros(1, requires_grad=True)
    lr, num_epochs, batch_size = 0.03, 3, 10
    net, loss = linreg, squared_loss
    for _epoch in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels):
            ls = loss(net(X, w, b), y).sum()
            ls.backward()
            sgd([w, b], lr, batch_size)
            w.grad.data.zero_()
            b.grad.data.zero_()
        train_l = loss(net(features, w, b), labels)
    assert train_l.mean().item() < 1e-4
    assert (w.detach() - TRUE_W).abs().max() < 1e-2 and abs(b.item() - TRUE_B) < 1e-2


#: The equivalence tests: each runs on the chapter's loop and on the fast engine.
PATHS = pytest.mark.parametrize("fast", [False, True], ids=["chapter", "fast"])


def _run(fast, seed, features, labels, **kwargs):
    torch.manual_seed(seed)
    w, b = init_params(features.shape[1])
    steps = []

    def record(epoch, batch, params):
        steps.append((epoch, batch, params[0].detach().clone(), params[1].detach().clone()))

    losses = train(
        linreg,
        squared_loss,
        [w, b],
        features,
        labels,
        verbose=False,
        callback=record,
        fast=fast,
        **kwargs,
    )
    return losses, steps


def _replay(features, labels, w, b, lr, batch_size, orders, weight_decay=0.0):
    """SGD by hand in float64: the parameters after every step, in the given orders.

    With ``weight_decay`` lambda the step minimises mean(r^2 / 2) + lambda / 2 * ||w||^2."""
    X, y = features.double().numpy(), labels.double().numpy().reshape(-1)
    w, b = w.detach().double().numpy().reshape(-1), float(b.detach())
    steps = []
    for order in orders:
        for start in range(0, len(X), batch_size):
            idx = order[start : start + batch_size].numpy()
            r = X[idx] @ w + b - y[idx]
            grad_w = X[idx].T @ r / len(idx) + weight_decay * w
            w, b = w - lr * grad_w, b - lr * r.sum() / len(idx)
            steps.append((w.copy(), b))
    return steps


@given(
    n=st.integers(1, 120),
    d=st.integers(1, 5),
    batch_size=st.integers(1, 40),
    lr=st.sampled_from([0.003, 0.03, 0.1]),
    seed=st.integers(0, 1000),
    weight_decay=st.sampled_from([0.0, 0.0, 0.7]),
)
def test_both_paths_make_the_updates_of_a_float64_replay(n, d, batch_size, lr, seed, weight_decay):
    gen = torch.Generator().manual_seed(seed)
    features = torch.randn(n, d, generator=gen)
    labels = features @ torch.randn(d, generator=gen) + 1.5
    torch.manual_seed(seed)
    w0, b0 = init_params(d)
    replay_gen = torch.Generator().manual_seed(seed)
    orders = [torch.randperm(n, generator=replay_gen) for _ in range(2)]
    expected = _replay(features, labels, w0, b0, lr, batch_size, orders, weight_decay)
    for fast in (False, True):
        losses, steps = _run(
            fast,
            seed,
            features,
            labels,
            lr=lr,
            batch_size=batch_size,
            num_epochs=2,
            generator=torch.Generator().manual_seed(seed),
            weight_decay=weight_decay,
        )
        assert len(steps) == len(expected) == 2 * -(-n // batch_size)
        for (_, _, w, b), (w_ref, b_ref) in zip(steps, expected, strict=True):
            np.testing.assert_allclose(w.reshape(-1).numpy(), w_ref, rtol=1e-4, atol=1e-5)
            assert b.item() == pytest.approx(b_ref, rel=1e-4, abs=1e-5)
        # each epoch's loss: the replay's parameters at the epoch's end, over all the data
        per_epoch = len(expected) // 2
        X, y = features.double().numpy(), labels.double().numpy()
        for epoch, loss in enumerate(losses):
            w_ref, b_ref = expected[(epoch + 1) * per_epoch - 1]
            reference = float(((X @ w_ref + b_ref - y) ** 2 / 2).mean())
            assert loss == pytest.approx(reference, rel=1e-3, abs=1e-6)


@PATHS
def test_weight_decay_without_a_callback_ends_where_a_float64_replay_does(fast):
    gen = torch.Generator().manual_seed(3)
    features = torch.randn(53, 4, generator=gen)
    labels = features @ torch.tensor([3.0, -2.0, 0.5, 1.0]) + 0.3
    w, b = init_params(4, generator=gen)
    w0, b0 = w.detach().clone(), b.detach().clone()
    orders_gen = torch.Generator().manual_seed(5)
    orders = [torch.randperm(53, generator=orders_gen) for _ in range(3)]
    w_ref, b_ref = _replay(features, labels, w0, b0, 0.05, 7, orders, weight_decay=0.4)[-1]
    train(
        linreg,
        squared_loss,
        [w, b],
        features,
        labels,
        lr=0.05,
        batch_size=7,
        num_epochs=3,
        weight_decay=0.4,
        verbose=False,
        generator=torch.Generator().manual_seed(5),
        fast=fast,
    )
    np.testing.assert_allclose(w.detach().reshape(-1).numpy(), w_ref, rtol=1e-4, atol=1e-5)
    assert b.item() == pytest.approx(b_ref, rel=1e-4, abs=1e-5)
    # decay pulled w well inside the undecayed fit: the test sees the penalty at work
    assert np.linalg.norm(w_ref) < 0.9 * np.linalg.norm([3.0, -2.0, 0.5, 1.0])


@PATHS
def test_short_last_batch_is_divided_by_its_real_length(fast):
    # 5 examples in batches of 4: the second batch holds one example. Its step must
    # be lr * grad / 1, not lr * grad / 4.
    features = torch.tensor([[1.0], [2.0], [3.0], [4.0], [5.0]])
    labels = torch.tensor([1.0, -2.0, 0.5, 3.0, 1.5])  # the last residual is not 0
    torch.manual_seed(0)
    order = torch.randperm(5)
    torch.manual_seed(0)
    w = torch.zeros(1, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    train(
        linreg,
        squared_loss,
        [w, b],
        features,
        labels,
        fast=fast,
        lr=0.1,
        num_epochs=1,
        batch_size=4,
        verbose=False,
    )
    w_ref, b_ref = torch.zeros(1, 1), torch.zeros(1)
    for idx in (order[:4], order[4:]):
        X, y = features[idx], labels[idx].reshape(-1, 1)
        r = X @ w_ref + b_ref - y
        w_ref, b_ref = w_ref - 0.1 * X.T @ r / len(idx), b_ref - 0.1 * r.sum(0) / len(idx)
    torch.testing.assert_close(w.detach(), w_ref)
    torch.testing.assert_close(b.detach(), b_ref)


@PATHS
def test_same_seed_gives_identical_losses(tutorial_data, fast):
    features, labels = tutorial_data
    first, _ = _run(fast, 42, features, labels)
    second, _ = _run(fast, 42, features, labels)
    third, _ = _run(fast, 43, features, labels)
    assert first == second
    assert first != third


def test_generator_argument_makes_a_run_repeatable(tutorial_data):
    features, labels = tutorial_data
    results = []
    for _ in range(2):
        gen = torch.Generator().manual_seed(5)
        w, b = init_params(2, generator=gen)
        results.append(
            train(linreg, squared_loss, [w, b], features, labels, verbose=False, generator=gen)
        )
    assert results[0] == results[1]


@PATHS
def test_train_does_not_modify_the_data(tutorial_data, fast):
    features, labels = tutorial_data
    f0, l0 = features.clone(), labels.clone()
    w, b = init_params(2)
    train(linreg, squared_loss, [w, b], features, labels, verbose=False, fast=fast)
    assert torch.equal(features, f0) and torch.equal(labels, l0)


def test_train_works_for_any_net_and_loss():
    # A model and a loss the closed-form path knows nothing about: y = a * x^2 + c.
    torch.manual_seed(0)
    x = torch.rand(400, 1) * 2 - 1
    y = 3 * x[:, 0] ** 2 - 1
    a = torch.zeros(1, requires_grad=True)
    c = torch.zeros(1, requires_grad=True)

    def quadratic(X, a, c):
        return a * X**2 + c

    def half_squared_error(y_hat, y):
        return 0.5 * (y_hat - y.reshape(y_hat.shape)) ** 2

    losses = train(
        quadratic, half_squared_error, [a, c], x, y, lr=0.1, num_epochs=30, verbose=False
    )
    assert losses[-1] < 1e-3 * losses[0]
    assert abs(a.item() - 3) < 0.05 and abs(c.item() + 1) < 0.05


@PATHS
def test_too_large_lr_raises_instead_of_returning_nan(tutorial_data, fast):
    features, labels = tutorial_data
    w, b = init_params(2)
    with pytest.raises(FloatingPointError) as info:
        train(linreg, squared_loss, [w, b], features, labels, lr=10, verbose=False, fast=fast)
    message = str(info.value)
    assert re.search(r"(inf|NaN) at epoch 1, batch \d+ of 100", message)
    assert "lr=10 is probably too large, try a smaller one such as lr=1 " in message
    assert isinstance(info.value, DivergenceError)
    assert info.value.epoch == 1 and 1 <= info.value.batch <= 100 and info.value.losses == []
    assert (
        info.value.reason == f"the loss became {'inf' if 'inf' in message else 'NaN'} at "
        f"epoch 1, batch {info.value.batch} of 100"
    )


def test_divergence_error_keeps_the_losses_before_it(tutorial_data):
    features, labels = tutorial_data
    torch.manual_seed(0)
    w, b = init_params(2)
    with pytest.raises(DivergenceError) as info:
        train(linreg, squared_loss, [w, b], features, labels, lr=2.0, num_epochs=20, verbose=False)
    assert info.value.epoch > 1 and len(info.value.losses) == info.value.epoch - 1
    assert info.value.losses[-1] > info.value.losses[0]  # it was growing


def test_trajectory_records_the_start_and_every_step(tutorial_data):
    features, labels = tutorial_data
    w, b = init_params(2)
    w0 = w.detach().clone()
    trajectory = Trajectory([w, b])
    train(
        linreg,
        squared_loss,
        [w, b],
        features,
        labels,
        batch_size=100,
        verbose=False,
        callback=trajectory,
    )
    path = trajectory.stack(0)
    assert path.shape == (3 * 10 + 1, 2, 1) and len(trajectory.steps) == 30
    assert torch.equal(path[0], w0) and torch.equal(path[-1], w.detach())
    assert trajectory.steps[0] == (0, 0) and trajectory.steps[-1] == (2, 9)
    with pytest.raises(ValueError, match="nothing recorded"):
        Trajectory().stack(0)


def _params():
    return list(init_params(2))


@pytest.mark.parametrize("shape", [(2,), (2, 1)])
@pytest.mark.parametrize("label_dtype", [torch.float32, torch.float64])
def test_fast_takes_what_the_chapter_s_loop_takes(tutorial_data, shape, label_dtype):
    """w of shape (d,) and float64 labels (the chapter's loss promotes them): the same
    updates, epoch losses, and zeroed gradients as the chapter's loop; labels untouched."""
    features, labels = tutorial_data
    labels = labels.to(label_dtype)
    kept = labels.clone()
    runs = []
    for fast in (False, True):
        torch.manual_seed(1)
        w = torch.normal(0, 0.01, shape).requires_grad_()
        b = torch.zeros(1, requires_grad=True)
        losses = train(linreg, squared_loss, [w, b], features, labels, verbose=False, fast=fast)
        runs.append((w.detach(), b.detach(), losses))
        assert w.grad.shape == shape and not w.grad.any() and not b.grad.any()
    (w0, b0, l0), (w1, b1, l1) = runs
    torch.testing.assert_close(w1, w0, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(b1, b0, rtol=1e-4, atol=1e-5)
    assert l1 == pytest.approx(l0, rel=1e-3, abs=1e-7)
    assert torch.equal(labels, kept) and labels.dtype == label_dtype


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        ({"lr": 0}, ValueError, "lr must be a finite number > 0"),
        ({"lr": -0.03}, ValueError, "lr must be a finite number > 0"),
        ({"lr": float("nan")}, ValueError, "lr must be a finite number > 0"),
        ({"batch_size": 0}, ValueError, "batch_size must be a positive int"),
        ({"batch_size": 10.0}, TypeError, "batch_size must be a positive int"),
        ({"num_epochs": 0}, ValueError, "num_epochs must be a positive int"),
        ({"weight_decay": -0.1}, ValueError, "weight_decay must be a finite number >= 0"),
        ({"weight_decay": "0.1"}, TypeError, "weight_decay must be a finite number >= 0"),
        ({"labels": torch.zeros(999)}, ValueError, r"len\(features\)=1000.*len\(labels\)=999"),
        ({"features": torch.zeros(0, 2), "labels": torch.zeros(0)}, ValueError, "no examples"),
        (
            {"features": torch.zeros(10, 2, dtype=torch.int64), "labels": torch.zeros(10)},
            TypeError,
            "features must be a floating-point tensor",
        ),
        ({"features": torch.zeros(10)}, ValueError, "features must be 2-D"),
        ({"params": torch.zeros(2, 1)}, TypeError, "params must be a list of tensors"),
        ({"params": []}, ValueError, "params is empty"),
        (
            {"params": [torch.zeros(2, 1), torch.zeros(1)]},
            ValueError,
            r"params\[0\] does not require gradients",
        ),
        (
            {"params": [torch.zeros(2, 1, requires_grad=True) * 2, torch.zeros(1)]},
            ValueError,
            r"params\[0\] is not a leaf tensor: it was computed from another tensor",
        ),
        ({"labels": torch.zeros(1000, device="meta")}, ValueError, "labels is on meta"),
        ({"net": "linreg"}, TypeError, "net must be a function like linreg"),
        ({"loss": None}, TypeError, "loss must be a function like squared_loss"),
    ],
)
def test_train_rejects_bad_input(tutorial_data, change, error, words):
    features, labels = tutorial_data
    args = {
        "net": linreg,
        "loss": squared_loss,
        "params": _params(),
        "features": features,
        "labels": labels,
    } | change
    named = ("lr", "batch_size", "num_epochs", "weight_decay")
    kwargs = {k: args.pop(k) for k in named if k in args}
    with pytest.raises(error, match=words):
        train(
            args["net"],
            args["loss"],
            args["params"],
            args["features"],
            args["labels"],
            verbose=False,
            **kwargs,
        )


@pytest.mark.parametrize(
    ("where", "value", "words"),
    [
        ("features", float("nan"), r"features contains NaN at row 7, column 1"),
        ("features", float("inf"), r"features contains inf at row 7, column 1"),
        ("labels", float("nan"), r"labels contains NaN at row 7"),
    ],
)
def test_train_rejects_nan_and_inf_in_the_data(tutorial_data, where, value, words):
    features, labels = (t.clone() for t in tutorial_data)
    if where == "features":
        features[7, 1] = value
    else:
        labels[7] = value
    w, b = init_params(2)
    w0 = w.detach().clone()
    with pytest.raises(ValueError, match=words):
        train(linreg, squared_loss, [w, b], features, labels, verbose=False)
    assert torch.equal(w.detach(), w0)  # rejected before any update


@PATHS
@pytest.mark.parametrize("with_callback", [False, True])
@pytest.mark.parametrize("where", ["features", "labels"])
def test_bad_data_is_refused_with_params_grads_and_output_untouched(
    tutorial_data, fast, with_callback, where, capsys
):
    features, labels = (t.clone() for t in tutorial_data)
    (features[993] if where == "features" else labels[993])[0] = float("inf")
    w, b = init_params(2)
    stale = torch.ones(2, 1)
    w.grad = stale  # a learner's leftover gradient stays theirs when the call is refused
    w0, b0 = w.detach().clone(), b.detach().clone()
    callback = (lambda *args: None) if with_callback else None
    with pytest.raises(ValueError, match=rf"{where} contains inf at row 993") as info:
        train(
            linreg,
            squared_loss,
            [w, b],
            features,
            labels,
            num_epochs=2,
            callback=callback,
            fast=fast,
        )
    assert info.value.__context__ is None  # no DivergenceError in the learner's traceback
    assert torch.equal(w.detach(), w0) and torch.equal(b.detach(), b0)
    assert w.grad is stale and b.grad is None
    assert capsys.readouterr().out == ""


def test_the_data_pass_is_left_to_the_first_epoch_only_on_the_fast_path(tutorial_data, monkeypatch):
    import linreg_scratch._checks as checks

    passes = []
    real = checks.finite_data
    monkeypatch.setattr(checks, "finite_data", lambda *a: passes.append(1) or real(*a))
    features, labels = tutorial_data

    def run(**kwargs):
        passes.clear()
        train(linreg, squared_loss, list(init_params(2)), features, labels, verbose=False, **kwargs)
        return len(passes)

    assert run(fast=True) == 0  # a good fast run never reads the data just to check it
    assert run(fast=True, callback=lambda *args: None) == 1  # the callback sees bad steps
    assert run() == 1  # the chapter's loop checks the data first
    passes.clear()
    with pytest.raises(DivergenceError):  # finite data, a real divergence: one pass (to
        train(linreg, squared_loss, list(init_params(2)), features, labels, lr=30.0, fast=True)
    assert len(passes) == 1  # rule out the data), then the DivergenceError


def test_callback_sees_every_update_in_order(tutorial_data):
    features, labels = tutorial_data
    calls = []
    w, b = init_params(2)
    train(
        linreg,
        squared_loss,
        [w, b],
        features,
        labels,
        batch_size=300,
        num_epochs=2,
        verbose=False,
        callback=lambda e, k, p: calls.append((e, k)),
    )
    assert calls == [(e, k) for e in range(2) for k in range(4)]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@PATHS
def test_train_on_cuda(fast):
    torch.manual_seed(0)
    features = torch.randn(2000, 2, device="cuda")
    labels = features @ torch.tensor([2.0, -3.4], device="cuda") + 4.2
    w = torch.normal(0, 0.01, (2, 1), device="cuda").requires_grad_()
    b = torch.zeros(1, device="cuda", requires_grad=True)
    losses = train(linreg, squared_loss, [w, b], features, labels, verbose=False, fast=fast)
    assert losses[-1] < 1e-4 and w.is_cuda
    assert (w.detach().cpu() - TRUE_W).abs().max() < 1e-2


# --- every number train reports is checked against an independent computation -------


def _numpy_mean_loss(features, labels, w, b):
    """The mean of (x·w + b - y)²/2 over the whole data set, in float64 NumPy."""
    X = features.double().numpy()
    y = labels.double().numpy().reshape(-1)
    r = X @ w.double().numpy().reshape(-1) + float(b) - y
    return float((r**2 / 2).mean())


@PATHS
def test_epoch_losses_are_the_loss_of_the_params_over_the_whole_data(tutorial_data, fast, capsys):
    features, labels = tutorial_data
    torch.manual_seed(1)
    w, b = init_params(2)
    trajectory = Trajectory()
    losses = train(linreg, squared_loss, [w, b], features, labels, callback=trajectory, fast=fast)
    # the parameters at the end of each epoch: every 100th recorded step
    ends = [trajectory.params[k] for k in (99, 199, 299)]
    expected = [_numpy_mean_loss(features, labels, we, be) for we, be in ends]
    assert losses == pytest.approx(expected, rel=1e-4)
    printed = re.findall(r"^epoch (\d), loss (\S+)$", capsys.readouterr().out, flags=re.M)
    assert [int(e) for e, _ in printed] == [1, 2, 3]
    assert [float(v) for _, v in printed] == pytest.approx(expected, rel=1e-4, abs=1e-6)


@pytest.mark.parametrize(("n", "rows"), [(50, 7), (49, 7), (3, 8), (1000, 1000)])
def test_the_fast_engines_epoch_loss_is_the_mean_loss_a_buffer_at_a_time(n, rows):
    fast_module = importlib.import_module("linreg_scratch.fast")
    gen = torch.Generator().manual_seed(n)
    X, w = torch.randn(n, 3, generator=gen), torch.randn(3, 1, generator=gen)
    y, b = X @ torch.tensor([1.0, -2.0, 0.5]) + 0.7, torch.tensor([0.3])
    X0, y0 = X.clone(), y.clone()
    got = fast_module.epoch_loss(X, y, w.reshape(-1), b, torch.empty(rows))
    assert got == pytest.approx(_numpy_mean_loss(X, y, w, b), rel=1e-6)
    assert got == pytest.approx(mean_loss(linreg, squared_loss, [w, b], X, y), rel=1e-5)
    assert torch.equal(X, X0) and torch.equal(y, y0)


@pytest.mark.parametrize("residual", [2e19, 1e19, 1.0])
def test_the_fast_engines_epoch_loss_overflows_where_mean_loss_does(residual):
    # r = 2e19: r^2 = 4e38 overflows float32 though r^2 / 2 would not; r = 1e19: each
    # r^2 / 2 = 5e37 is finite but 10 of them sum past 3.4e38, in either buffer split
    fast_module = importlib.import_module("linreg_scratch.fast")
    X, y = torch.zeros(10, 1), torch.full((10,), -residual)
    w, b = torch.zeros(1, 1), torch.zeros(1)
    expected = mean_loss(linreg, squared_loss, [w, b], X, y)
    for rows in (3, 10):
        got = fast_module.epoch_loss(X, y, w.reshape(-1), b, torch.empty(rows))
        assert math.isfinite(got) == math.isfinite(expected) == (residual == 1.0)


def test_verbose_false_prints_nothing(tutorial_data, capsys):
    features, labels = tutorial_data
    w, b = init_params(2)
    train(linreg, squared_loss, [w, b], features, labels, verbose=False)
    assert capsys.readouterr().out == ""


def test_the_defaults_are_the_tutorials_lr_epochs_and_batch_size(tutorial_data):
    features, labels = tutorial_data
    runs = {}
    for name, kwargs in {
        "default": {},
        "explicit": {"lr": 0.03, "num_epochs": 3, "batch_size": 10},
        "other lr": {"lr": 0.01},
    }.items():
        w = torch.zeros(2, 1, requires_grad=True)
        b = torch.zeros(1, requires_grad=True)
        steps = []
        losses = train(
            linreg,
            squared_loss,
            [w, b],
            features,
            labels,
            verbose=False,
            generator=torch.Generator().manual_seed(0),
            callback=lambda epoch, batch, params, steps=steps: steps.append((epoch, batch)),
            **kwargs,
        )
        runs[name] = (losses, w.detach().clone(), steps)
    assert runs["default"][0] == runs["explicit"][0]
    assert torch.equal(runs["default"][1], runs["explicit"][1])
    assert len(runs["default"][0]) == 3 and len(runs["default"][2]) == 3 * 100
    assert runs["default"][0] != runs["other lr"][0]


@PATHS
def test_generator_drives_the_order_and_spares_the_global_rng(tutorial_data, fast):
    features, labels = tutorial_data

    def run(seed):
        w = torch.zeros(2, 1, requires_grad=True)
        b = torch.zeros(1, requires_grad=True)
        gen = torch.Generator().manual_seed(seed)
        train(
            linreg, squared_loss, [w, b], features, labels, generator=gen, verbose=False, fast=fast
        )
        return torch.cat([w.detach().reshape(-1), b.detach()])

    torch.manual_seed(5)
    first = run(0)
    after = torch.rand(3)  # the global RNG was not touched by train(generator=...)
    torch.manual_seed(5)
    assert torch.equal(after, torch.rand(3))
    assert torch.equal(first, run(0))
    assert not torch.equal(first, run(1))


def test_the_order_of_each_epoch_is_the_generators_permutation():
    # Train one step per epoch with batch_size=1 on distinct labels: the first example
    # used in each epoch is order[0] of a replayed torch.randperm on the same generator.
    n = 7
    features = torch.arange(n, dtype=torch.float64).reshape(n, 1) + 1
    labels = torch.zeros(n, 1, dtype=torch.float64)
    w = torch.ones(1, 1, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    seen = []
    history = [w.detach().clone()]

    def record(epoch, batch, params):
        history.append(params[0].detach().clone())
        if batch == 0:
            seen.append(epoch)

    train(
        linreg,
        squared_loss,
        [w, b],
        features,
        labels,
        lr=1e-3,
        num_epochs=2,
        batch_size=1,
        generator=torch.Generator().manual_seed(11),
        callback=record,
        verbose=False,
    )
    replay = torch.Generator().manual_seed(11)
    orders = [torch.randperm(n, generator=replay) for _ in range(2)]
    # replay the updates by hand in that order and compare every step
    w_ref, b_ref = torch.ones(1, 1, dtype=torch.float64), torch.zeros(1, dtype=torch.float64)
    k = 1
    for order in orders:
        for i in order.tolist():
            x = features[i : i + 1]
            r = x @ w_ref + b_ref - labels[i : i + 1]
            w_ref, b_ref = w_ref - 1e-3 * x.T @ r, b_ref - 1e-3 * r.sum(0)
            torch.testing.assert_close(history[k], w_ref)
            k += 1
    assert seen == [0, 1]


@PATHS
def test_stale_gradients_are_cleared_before_the_first_step(tutorial_data, fast):
    features, labels = tutorial_data
    results = []
    for stale in (None, 1e3):
        w = torch.zeros(2, 1, requires_grad=True)
        b = torch.zeros(1, requires_grad=True)
        if stale is not None:
            w.grad, b.grad = torch.full((2, 1), stale), torch.full((1,), stale)
        train(
            linreg,
            squared_loss,
            [w, b],
            features,
            labels,
            num_epochs=1,
            verbose=False,
            fast=fast,
            generator=torch.Generator().manual_seed(0),
        )
        results.append(torch.cat([w.detach().reshape(-1), b.detach()]))
    assert torch.equal(results[0], results[1])


# --- the linear-regression shortcut: taken exactly where it computes the same thing --


def test_a_quadratic_model_with_squared_loss_is_trained_by_autograd():
    # squared_loss is the shortcut's loss, but the net is not linreg: the shortcut
    # would fit a straight line and leave a near 0.
    torch.manual_seed(0)
    x = torch.rand(400, 1) * 2 - 1
    y = 3 * x**2 - 1
    a = torch.zeros(1, requires_grad=True)
    c = torch.zeros(1, requires_grad=True)

    def quadratic(X, a, c):
        return a * X**2 + c

    train(quadratic, squared_loss, [a, c], x, y, lr=0.1, num_epochs=30, verbose=False)
    assert abs(a.item() - 3) < 0.05 and abs(c.item() + 1) < 0.05


def test_linreg_with_another_loss_follows_that_losss_gradient(tutorial_data):
    features, labels = tutorial_data

    def absolute_loss(y_hat, y):
        return (y_hat - y.reshape(y_hat.shape)).abs()

    gen_seed = 3
    w = torch.zeros(2, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    train(
        linreg,
        absolute_loss,
        [w, b],
        features,
        labels,
        num_epochs=1,
        verbose=False,
        generator=torch.Generator().manual_seed(gen_seed),
    )
    # replay: the subgradient of |r| is sign(r), summed over the batch
    order = torch.randperm(1000, generator=torch.Generator().manual_seed(gen_seed))
    w_ref, b_ref = torch.zeros(2, 1), torch.zeros(1)
    for start in range(0, 1000, 10):
        idx = order[start : start + 10]
        X, y = features[idx], labels[idx].reshape(-1, 1)
        s = torch.sign(X @ w_ref + b_ref - y)
        w_ref, b_ref = w_ref - 0.03 * X.T @ s / 10, b_ref - 0.03 * s.sum(0) / 10
    torch.testing.assert_close(w.detach(), w_ref, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(b.detach(), b_ref, rtol=1e-4, atol=1e-5)


def test_train_runs_the_chapters_loop_unless_fast_is_asked_for(tutorial_data, monkeypatch):
    # The chapter's loop: one backward() and one sgd() per mini-batch, the gradients
    # left zeroed as sgd leaves them. fast=True never calls either: .grad stays None.
    module = importlib.import_module("linreg_scratch.train")  # the name train is the function
    calls = {"sgd": 0, "backward": 0}
    real_sgd, real_backward = module.sgd, torch.Tensor.backward

    def counted_sgd(*args):
        calls["sgd"] += 1
        return real_sgd(*args)

    def counted_backward(self, *args, **kwargs):
        calls["backward"] += 1
        return real_backward(self, *args, **kwargs)

    monkeypatch.setattr(module, "sgd", counted_sgd)
    monkeypatch.setattr(torch.Tensor, "backward", counted_backward)
    features, labels = tutorial_data
    w, b = init_params(2)
    train(linreg, squared_loss, [w, b], features, labels, verbose=False)
    assert calls == {"sgd": 300, "backward": 300}
    assert torch.equal(w.grad, torch.zeros(2, 1)) and torch.equal(b.grad, torch.zeros(1))
    calls.update(sgd=0, backward=0)
    w, b = init_params(2)
    train(linreg, squared_loss, [w, b], features, labels, verbose=False, fast=True)
    assert calls == {"sgd": 0, "backward": 0}
    assert torch.equal(w.grad, torch.zeros(2, 1)) and torch.equal(b.grad, torch.zeros(1))


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        ({"net": lambda X, w, b: X @ w + b}, ValueError, "needs net=linreg and loss=squared"),
        ({"loss": lambda y_hat, y: (y_hat - y) ** 2}, ValueError, "use fast=False"),
        ({"params": "wb1"}, ValueError, r"needs params=\[w, b\], got 3 tensors"),
        ({"params": "w64"}, TypeError, "one dtype for features, w and b"),
        ({"fast": "yes"}, TypeError, "fast must be True or False"),
    ],
)
def test_fast_refuses_what_its_formula_does_not_cover(tutorial_data, change, error, words):
    features, labels = tutorial_data
    w, b = init_params(2)
    args = {"net": linreg, "loss": squared_loss, "params": [w, b], "labels": labels, "fast": True}
    args |= change
    if args["params"] == "wb1":
        args["params"] = [w, b, torch.zeros(1, requires_grad=True)]
    elif args["params"] == "w64":
        args["params"] = [w.detach().double().requires_grad_(), b]
    w0 = w.detach().clone()
    with pytest.raises(error, match=words):
        train(
            args["net"],
            args["loss"],
            args["params"],
            features,
            args["labels"],
            fast=args["fast"],
            verbose=False,
        )
    assert torch.equal(w.detach(), w0)


# --- divergence reports name the exact epoch, batch and kind -------------------------


FLOAT32_MAX = torch.finfo(torch.float32).max


def _first_bad_batch(features, labels, w, b, lr, batch_size, gen_seed, num_epochs):
    """Replay SGD by hand; return where the batch loss first leaves float32's range.

    The parameters follow float32 arithmetic like train's; each batch's loss
    sum(r²)/2 is evaluated in float64, so the replay also knows how far from the
    overflow threshold the losses on either side were: ``(epoch, batch, below, above)``.
    """
    n = len(features)
    gen = torch.Generator().manual_seed(gen_seed)
    w, b = w.detach().clone(), b.detach().clone()
    y_all = labels.reshape(-1, 1)
    previous = 0.0
    for epoch in range(1, num_epochs + 1):
        order = torch.randperm(n, generator=gen)
        for k, start in enumerate(range(0, n, batch_size), start=1):
            idx = order[start : start + batch_size]
            X, y = features[idx], y_all[idx]
            r = X @ w + b - y
            loss = float((r.double() ** 2).sum() / 2)
            if not loss < FLOAT32_MAX:
                return epoch, k, FLOAT32_MAX / previous, loss / FLOAT32_MAX
            previous = loss
            w = w - lr * X.T @ r / len(X)
            b = b - lr * r.sum(0) / len(X)
    return None


@PATHS
@pytest.mark.parametrize(
    ("lr", "num_epochs", "gen_seed"), [(10.0, 1, 1), (5.0, 1, 0), (3.0, 2, 2), (2.3, 5, 2)]
)
def test_divergence_names_the_exact_epoch_and_batch(tutorial_data, fast, lr, num_epochs, gen_seed):
    features, labels = tutorial_data
    torch.manual_seed(0)
    w, b = init_params(2)
    replay = _first_bad_batch(features, labels, w, b, lr, 10, gen_seed, num_epochs)
    assert replay is not None  # the replay itself diverges at these settings
    epoch, batch, below, above = replay
    # far enough from the threshold on both sides (x2 below covers summing r² before
    # halving it) that rounding cannot move the batch
    assert below > 2.5 and above > 1.01
    with pytest.raises(DivergenceError) as info:
        train(
            linreg,
            squared_loss,
            [w, b],
            features,
            labels,
            lr=lr,
            num_epochs=num_epochs,
            generator=torch.Generator().manual_seed(gen_seed),
            verbose=False,
            fast=fast,
        )
    assert (info.value.epoch, info.value.batch) == (epoch, batch)
    assert info.value.reason == f"the loss became inf at epoch {epoch}, batch {batch} of 100"
    assert len(info.value.losses) == epoch - 1


def test_a_nan_loss_is_reported_as_nan():
    # A net that returns NaN for any batch holding example 17: the report names the
    # batch that a replayed permutation puts it in, and the kind NaN.
    features = torch.randn(50, 2, generator=torch.Generator().manual_seed(0))
    labels = features @ TRUE_W + TRUE_B
    marker = features[17].clone()

    def net(X, w, b):
        out = linreg(X, w, b)
        hit = (marker == X).all(1).any()
        return out * float("nan") if bool(hit) else out

    order = torch.randperm(50, generator=torch.Generator().manual_seed(3))
    batch = int((order == 17).nonzero()) // 10 + 1
    w, b = init_params(2)
    with pytest.raises(DivergenceError) as info:
        train(
            net,
            squared_loss,
            [w, b],
            features,
            labels,
            num_epochs=1,
            verbose=False,
            generator=torch.Generator().manual_seed(3),
        )
    assert info.value.reason == f"the loss became NaN at epoch 1, batch {batch} of 5"
    assert (info.value.epoch, info.value.batch) == (1, batch)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("labels_shape", [(-1,), (-1, 1)])
def test_fast_path_on_cuda_matches_cpu_and_never_waits_for_the_host(labels_shape):
    from linreg_scratch.fast import LinregSGD

    torch.manual_seed(0)
    features = torch.randn(3001, 2)
    labels = (features @ torch.tensor([2.0, -3.4]) + 4.2).reshape(labels_shape)
    order = torch.randperm(3001)
    finals = []
    for device in ("cpu", "cuda"):
        w = torch.full((2, 1), 0.1, device=device, requires_grad=True)
        b = torch.zeros(1, device=device, requires_grad=True)
        epoch = LinregSGD([w, b], features.to(device), labels.to(device), 10, 0.03)
        batch_losses = torch.empty(301, device=device)
        order_here = order.to(device)  # a copy from the host: before the check below
        if device == "cuda":
            torch.cuda.synchronize()
            torch.cuda.set_sync_debug_mode("error")  # any host synchronisation raises
        try:
            epoch.run(order_here, batch_losses, None)
        finally:
            torch.cuda.set_sync_debug_mode("default")
        finals.append((w.detach().cpu(), b.detach().cpu(), batch_losses.cpu()))
    for cpu, cuda in zip(finals[0], finals[1], strict=True):
        torch.testing.assert_close(cuda, cpu, rtol=1e-4, atol=1e-5)


# --- the fast path: chunks, labels (n, 1), no host synchronisation per batch ---------


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 3 batches, so that a few dozen examples already span several chunks."""
    fast_module = importlib.import_module("linreg_scratch.fast")
    monkeypatch.setattr(fast_module, "CHUNK_BATCHES", 3)
    monkeypatch.setattr(fast_module, "SCAN_CHUNK_BATCHES", 3)


@pytest.mark.parametrize(("n", "batch_size"), [(1, 4), (5, 4), (12, 4), (13, 4), (50, 3), (37, 7)])
@pytest.mark.parametrize("callback", [False, True])
def test_fast_engine_matches_the_chapters_loop_across_chunks(small_chunks, n, batch_size, callback):
    gen = torch.Generator().manual_seed(n)
    features = torch.randn(n, 3, generator=gen)
    labels = features @ torch.tensor([1.0, -2.0, 0.5]) + 0.7
    results = []
    for fast in (True, False):
        torch.manual_seed(1)
        w, b = init_params(3)
        steps = []

        def record(epoch, batch, params, steps=steps):
            steps.append((epoch, batch, params[0].detach().clone(), params[1].detach().clone()))

        losses = train(
            linreg,
            squared_loss,
            [w, b],
            features,
            labels,
            fast=fast,
            lr=0.05,
            num_epochs=3,
            batch_size=batch_size,
            verbose=False,
            callback=record if callback else None,
        )
        results.append((losses, w.detach().clone(), b.detach().clone(), steps))
    (fast, w1, b1, steps1), (slow, w2, b2, steps2) = results
    assert fast == pytest.approx(slow, rel=1e-5, abs=1e-7)
    torch.testing.assert_close(w1, w2, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(b1, b2, rtol=1e-5, atol=1e-6)
    assert len(steps1) == len(steps2) == (3 * -(-n // batch_size) if callback else 0)
    for (e1, k1, sw1, sb1), (e2, k2, sw2, sb2) in zip(steps1, steps2, strict=True):
        assert (e1, k1) == (e2, k2)
        torch.testing.assert_close(sw1, sw2, rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(sb1, sb2, rtol=1e-5, atol=1e-6)


def test_fast_path_gives_the_same_updates_with_and_without_a_callback(tutorial_data):
    # None and a plain Trajectory both take the scan at this size (same rounding); any
    # other callback sees every step of the sequential loop: the same updates, rounded
    # in another order
    features, labels = tutorial_data
    finals = []
    for callback in (None, Trajectory(), lambda e, k, p: None):
        torch.manual_seed(3)
        w, b = init_params(2)
        losses = train(
            linreg,
            squared_loss,
            [w, b],
            features,
            labels,
            verbose=False,
            callback=callback,
            fast=True,
        )
        finals.append((losses, w.detach().clone(), b.detach().clone()))
    assert finals[0][0] == finals[1][0]
    assert torch.equal(finals[0][1], finals[1][1]) and torch.equal(finals[0][2], finals[1][2])
    assert finals[2][0] == pytest.approx(finals[0][0], rel=1e-4, abs=1e-6)
    torch.testing.assert_close(finals[2][1], finals[0][1], rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(finals[2][2], finals[0][2], rtol=1e-5, atol=1e-6)


@PATHS
def test_labels_n_and_n_by_1_train_alike(tutorial_data, fast):
    features, labels = tutorial_data
    runs = []
    for y in (labels.reshape(-1), labels.reshape(-1, 1)):
        torch.manual_seed(4)
        w, b = init_params(2)
        losses = train(
            linreg, squared_loss, [w, b], features, y, verbose=False, fast=fast, batch_size=7
        )
        runs.append((losses, w.detach().clone(), b.detach().clone()))
    assert runs[0][0] == runs[1][0]
    assert torch.equal(runs[0][1], runs[1][1]) and torch.equal(runs[0][2], runs[1][2])
    assert runs[0][0][-1] < 1e-4


@pytest.mark.parametrize("lr", [1.5, 4.0, 30.0])
def test_divergence_is_reported_at_the_same_batch_by_both_paths(small_chunks, tutorial_data, lr):
    # Chunks of 3 batches of 4: the first bad batch lies in a later chunk, and the
    # chunk's losses are computed after its steps; the batch must still be exact.
    features, labels = tutorial_data
    where = []
    for fast in (True, False):
        torch.manual_seed(2)
        w, b = init_params(2)
        with pytest.raises(DivergenceError) as info:
            train(
                linreg,
                squared_loss,
                [w, b],
                features,
                labels,
                fast=fast,
                lr=lr,
                batch_size=4,
                num_epochs=50,
                verbose=False,
            )
        where.append((info.value.epoch, info.value.batch, info.value.reason, info.value.losses))
    assert where[0][:3] == where[1][:3]
    # growing losses amplify the last-digit differences of the two paths
    assert where[0][3] == pytest.approx(where[1][3], rel=1e-2)
    assert where[0][1] is not None and where[0][1] > 3  # past the first chunk


def test_divergence_batch_is_the_first_with_a_non_finite_loss(small_chunks, tutorial_data):
    # An independent replay: the callback sees the parameters after every step, so
    # the loss of batch k can be recomputed from the parameters after step k - 1.
    features, labels = tutorial_data
    gen = torch.Generator().manual_seed(2)
    order = torch.randperm(1000, generator=gen)  # the order train will draw for epoch 1
    gen.manual_seed(2)
    torch.manual_seed(2)
    w, b = init_params(2)
    before = [(w.detach().clone(), b.detach().clone())]

    def record(epoch, batch, params):
        before.append((params[0].detach().clone(), params[1].detach().clone()))

    with pytest.raises(DivergenceError) as info:
        train(
            linreg,
            squared_loss,
            [w, b],
            features,
            labels,
            lr=4.0,
            batch_size=4,
            num_epochs=1,
            verbose=False,
            callback=record,
            generator=gen,
        )
    assert info.value.epoch == 1
    first_bad = None
    for k, (w_k, b_k) in enumerate(before[:250]):
        idx = order[4 * k : 4 * k + 4]
        r = features[idx] @ w_k + b_k - labels[idx].reshape(-1, 1)
        if not torch.isfinite((r**2 / 2).sum()):  # the batch loss, as the tutorial sums it
            first_bad = k + 1
            break
    assert first_bad is not None and info.value.batch == first_bad


def test_a_callback_that_changes_the_parameters_is_respected(tutorial_data):
    # The fast path keeps [w; b] in its own buffer; a change made by the callback
    # must reach it, as it reaches the autograd path.
    features, labels = tutorial_data
    results = []
    for fast in (True, False):
        torch.manual_seed(5)
        w, b = init_params(2)

        def clip(epoch, batch, params):
            with torch.no_grad():
                params[1].clamp_(max=1.0)  # b may not pass 1

        train(
            linreg, squared_loss, [w, b], features, labels, verbose=False, callback=clip, fast=fast
        )
        results.append((w.detach().clone(), b.detach().clone()))
    assert results[0][1].item() == pytest.approx(1.0)
    torch.testing.assert_close(results[0][0], results[1][0], rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(results[0][1], results[1][1])


@pytest.mark.parametrize("scanned", [False, True])
def test_parameters_hold_the_last_step_when_an_epoch_is_interrupted(
    small_chunks, monkeypatch, tutorial_data, scanned
):
    # The fast path steps a copy of [w; b]; an interruption (here: while gathering
    # the second chunk) must still leave w and b at the last step taken.
    monkeypatch.setattr(
        importlib.import_module("linreg_scratch.scan"), "use_scan", lambda *args: scanned
    )
    features, labels = tutorial_data
    torch.manual_seed(6)
    w, b = init_params(2)
    seen = []
    train(
        linreg,
        squared_loss,
        [w, b],
        features,
        labels,
        num_epochs=1,
        verbose=False,
        fast=True,
        callback=lambda e, k, p: seen.append([t.detach().clone() for t in p]),
    )
    gathers = []
    original = torch.index_select

    def interrupted(*args, **kwargs):
        gathers.append(1)
        if len(gathers) == 3:  # features and labels of chunk 1 done, chunk 2 begins
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(torch, "index_select", interrupted)
    torch.manual_seed(6)
    w, b = init_params(2)
    with pytest.raises(KeyboardInterrupt):
        train(
            linreg, squared_loss, [w, b], features, labels, num_epochs=1, verbose=False, fast=True
        )
    if scanned:  # the scan's iterate, within rounding of the loop's
        torch.testing.assert_close(w.detach(), seen[2][0], rtol=1e-6, atol=1e-7)
        torch.testing.assert_close(b.detach(), seen[2][1], rtol=1e-6, atol=1e-7)
        assert not torch.allclose(w.detach(), seen[3][0], rtol=1e-6, atol=1e-7)
    else:
        assert torch.equal(w.detach(), seen[2][0]) and torch.equal(b.detach(), seen[2][1])


@PATHS
def test_host_reads_per_epoch_do_not_grow_with_the_number_of_batches(monkeypatch, fast):
    # Each .item() / bool() / float() of a tensor makes a GPU wait for the host; the
    # loop may read values once per epoch, never once per batch.
    reads = []
    for name in ("item", "tolist", "__bool__", "__float__", "__int__", "__index__"):
        original = getattr(torch.Tensor, name)

        def counted(self, *args, _original=original, _name=name):
            reads.append(_name)
            return _original(self, *args)

        monkeypatch.setattr(torch.Tensor, name, counted)
    counts = []
    for batch_size in (500, 5):  # 2 and 200 batches per epoch
        torch.manual_seed(0)
        features = torch.randn(1000, 2)
        labels = features @ torch.tensor([2.0, -3.4]) + 4.2
        w, b = init_params(2)
        reads.clear()
        train(
            linreg,
            squared_loss,
            [w, b],
            features,
            labels,
            batch_size=batch_size,
            num_epochs=2,
            verbose=False,
            fast=fast,
        )
        counts.append(len(reads))
    assert counts[0] == counts[1] > 0


@PATHS
def test_a_short_last_batch_whose_loss_overflows_is_the_batch_named(fast):
    # 5 examples in batches of 4: the example read last is alone in batch 2, and its
    # residual (about 1e22) overflows its loss while batch 1's stays small
    last = int(torch.randperm(5, generator=torch.Generator().manual_seed(3))[4])
    features = torch.ones(5, 1)
    features[last] = 1e24
    w, b = torch.full((1, 1), 0.01, requires_grad=True), torch.zeros(1, requires_grad=True)
    with pytest.raises(DivergenceError) as info:
        train(
            linreg,
            squared_loss,
            [w, b],
            features,
            torch.zeros(5),
            lr=1e-3,
            batch_size=4,
            verbose=False,
            fast=fast,
            generator=torch.Generator().manual_seed(3),
        )
    assert (info.value.epoch, info.value.batch) == (1, 2)
    assert info.value.reason == "the loss became inf at epoch 1, batch 2 of 2"


@PATHS
def test_a_batch_whose_loss_overflowed_is_reported_though_the_epoch_ends_finite(fast):
    # One batch, x = 1, y = 0, w = 1e20, b = 0: the batch's loss (1e40 / 2 per example)
    # overflows float32, yet the step with lr = 0.5 lands exactly on w + b = 0.
    w, b = torch.full((1, 1), 1e20, requires_grad=True), torch.zeros(1, requires_grad=True)
    with pytest.raises(DivergenceError) as info:
        train(
            linreg,
            squared_loss,
            [w, b],
            torch.ones(4, 1),
            torch.zeros(4),
            lr=0.5,
            num_epochs=1,
            batch_size=4,
            verbose=False,
            fast=fast,
        )
    # w + b is (close to) 0 now: the end of the epoch is finite, only the batch was not
    with torch.no_grad():
        assert torch.isfinite(squared_loss(linreg(torch.ones(4, 1), w, b), torch.zeros(4))).all()
    assert info.value.reason == "the loss became inf at epoch 1, batch 1 of 1"


@pytest.mark.parametrize("kind", ["NaN", "inf"])
def test_a_loss_that_goes_bad_only_at_the_end_of_an_epoch_names_no_batch(tutorial_data, kind):
    # a net that is fine on batches of 10 but not on the whole data set
    def net(X, w, b):
        y_hat = linreg(X, w, b)
        return y_hat if len(X) < 1000 else torch.full_like(y_hat, float(kind.lower()))

    with pytest.raises(DivergenceError) as info:
        train(net, squared_loss, list(init_params(2)), *tutorial_data, verbose=False)
    assert (info.value.epoch, info.value.batch, info.value.losses) == (1, None, [])
    assert info.value.reason == f"the loss became {kind} at the end of epoch 1"


@pytest.mark.parametrize(
    ("d", "batch_size", "n"), [(2, 10, 5000), (99, 100, 20000), (99, 20000, 40000)]
)
def test_the_fast_path_holds_at_most_one_chunk_of_the_data(d, batch_size, n):
    # "almost no extra memory": the gathered copy is at most 2**20 numbers (4 MB in
    # float32), or one batch when a batch alone is larger; and no smaller than it must be
    from linreg_scratch.fast import LinregSGD

    features, labels = torch.zeros(n, d), torch.zeros(n)
    w, b = init_params(d)
    rows = LinregSGD([w, b], features, labels, batch_size, 0.03).Z.shape[0]
    assert rows % batch_size == 0 and rows <= n
    assert rows * (d + 1) <= max(2**20, (d + 1) * batch_size)
    # one more batch would break a bound: all the data, 4 MB, or 256 batches
    more = rows + batch_size
    assert more > n or more * (d + 1) > 2**20 or more > 256 * batch_size


def test_float64_batch_losses_beyond_float32s_range_are_not_a_divergence():
    # x = 1e20, y = 0, w = 1: the batch's loss is 5e39, finite in float64 (not in float32),
    # and lr = 1e-41 takes a sane step; the batch losses are kept in the data's dtype
    features, labels = torch.full((4, 1), 1e20, dtype=torch.float64), torch.zeros(4).double()
    w = torch.ones(1, 1, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    losses = train(
        linreg,
        squared_loss,
        [w, b],
        features,
        labels,
        lr=1e-41,
        num_epochs=1,
        batch_size=4,
        verbose=False,
    )
    assert w.item() == pytest.approx(0.9, rel=1e-6) and losses == [pytest.approx(0.81 * 5e39)]


def test_a_bias_of_shape_1_by_1_is_refused_as_linreg_refuses_it(tutorial_data):
    w, b = init_params(2)
    b11 = b.detach().reshape(1, 1).requires_grad_()
    with pytest.raises(ValueError, match=r"b must be a single number, shape \(1,\) or \(\)"):
        train(linreg, squared_loss, [w, b11], *tutorial_data, verbose=False)


@PATHS
def test_finite_batch_losses_whose_sum_overflows_are_no_divergence(fast):
    # Two batches of two, w = a = 1.5e19, b = 0, lr = 0.5: batch 1 (x = 1) and batch 2
    # (x = -1) each lose 2 * a^2 / 2 = 2.25e38, finite in float32 though their sum is
    # not, and the two steps bring w and b back to (about) 0. Nothing diverged.
    order = torch.randperm(4, generator=torch.Generator().manual_seed(1))
    features = torch.ones(4, 1)
    features[order[2:]] = -1.0
    w, b = torch.full((1, 1), 1.5e19, requires_grad=True), torch.zeros(1, requires_grad=True)
    gen = torch.Generator().manual_seed(1)
    losses = train(
        linreg,
        squared_loss,
        [w, b],
        features,
        torch.zeros(4),
        lr=0.5,
        num_epochs=1,
        batch_size=2,
        verbose=False,
        fast=fast,
        generator=gen,
    )
    assert abs(w.item()) < 1e14 and abs(b.item()) < 1e14 and losses[0] < 1e28


def _refusal(call):
    with pytest.raises((TypeError, ValueError)) as info:
        call()
    return type(info.value), str(info.value)


def test_a_mistake_is_named_in_terms_of_the_data_and_the_function_called(tutorial_data):
    """linreg's shapes and dtypes against the real features (not the 3-row probe); the
    order of the arguments suggested only for a call that does not fit, naming the
    function that was called."""
    features, labels = tutorial_data

    def params(w_shape=(2, 1)):
        return [torch.zeros(w_shape, requires_grad=True), torch.zeros(1, requires_grad=True)]

    def run(net=linreg, loss=squared_loss, p=None, X=features):
        return _refusal(lambda: train(net, loss, p or params(), X, labels, verbose=False))

    assert run(p=params((2, 2))) == (
        ValueError,
        "w must have one column, shape (2, 1) or (2,) for features of shape (1000, 2), "
        "got w of shape (2, 2)",
    )
    assert run(p=params((1, 2)))[1].startswith("features has 2 columns (shape (1000, 2)) but w")
    assert run(X=features.double()) == (
        TypeError,
        "features and w must have the same dtype, got torch.float64 and torch.float32; "
        "make both float32 with .float()",
    )
    kind, words = run(net=lambda X, w, b: X @ w.T + b)  # a shape error inside the learner's net
    assert kind is ValueError and words.startswith(
        "net(X, *params) failed when train tried it on the first 3 examples "
        "(X = features[:3], shape (3, 2); params of shapes (2, 1), (1,)): "
        "RuntimeError: mat1 and mat2"
    )
    assert "check the order" not in words and "rows" not in words  # it fails on any rows
    kind, words = run(net=lambda X, w, b: X @ w + b + X[5, 0])  # any error: an IndexError too
    assert kind is ValueError and "IndexError: index 5 is out of bounds" in words
    assert words.endswith(  # it runs on all 1000 rows, only not on 3
        "; it works on all the examples at once: the net must work for any number of rows"
    )
    broadcasting = lambda y_hat, y: (y_hat - y) ** 2 / 2  # noqa: E731  labels (n,)
    kind, words = _refusal(
        lambda: train(linreg, broadcasting, params(), features, labels.reshape(-1), verbose=False)
    )
    assert (kind, words) == (
        ValueError,
        "loss(y_hat, y) returned 9 values (shape (3, 3)) for 3 examples (y_hat (3, 1), "
        "y (3,)): y and y_hat broadcast against each other; give y the shape of y_hat, "
        "e.g. y.reshape(y_hat.shape)",
    )
    kind, words = run(loss=lambda y_hat, y: (y_hat - y.reshape(10, 1)) ** 2 / 2)
    assert kind is ValueError and "check the order" not in words
    assert words.endswith("; the loss must work for any number of examples")
    kind, words = run(p=params()[::-1])  # [b, w]
    assert words.startswith("w and b look swapped: w has shape (1,) and b has shape (2, 1)")
    kind, words = run(p=[params()])  # [[w, b]]
    assert words.startswith("params is nested: params[0] is a list of tensors")
    kind, words = run(net=squared_loss, loss=linreg)  # swapped: the call does not fit
    assert kind is TypeError and "check the order train(net, loss, params, ...)" in words
    kind, words = _refusal(lambda: grad_check(linreg, linreg, params(), features[:5], labels[:5]))
    assert "check the order grad_check(net, loss, params, ...)" in words
