import re

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from linreg_scratch import (
    DivergenceError,
    Trajectory,
    data_iter,
    init_params,
    linreg,
    sgd,
    squared_loss,
    train,
)

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


def _run(net, seed, features, labels, **kwargs):
    torch.manual_seed(seed)
    w, b = init_params(features.shape[1])
    steps = []

    def record(epoch, batch, params):
        steps.append((epoch, batch, params[0].detach().clone(), params[1].detach().clone()))

    losses = train(
        net, squared_loss, [w, b], features, labels, verbose=False, callback=record, **kwargs
    )
    return losses, steps


def autograd_linreg(X, w, b):
    """The same model, but not the ``linreg`` object, so train takes its autograd path."""
    return linreg(X, w, b)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 120),
    d=st.integers(1, 5),
    batch_size=st.integers(1, 40),
    lr=st.sampled_from([0.003, 0.03, 0.1]),
    seed=st.integers(0, 1000),
)
def test_closed_form_path_matches_the_autograd_path(n, d, batch_size, lr, seed):
    gen = torch.Generator().manual_seed(seed)
    features = torch.randn(n, d, generator=gen)
    labels = features @ torch.randn(d, generator=gen) + 1.5
    fast, fast_steps = _run(
        linreg, seed, features, labels, lr=lr, batch_size=batch_size, num_epochs=2
    )
    slow, slow_steps = _run(
        autograd_linreg, seed, features, labels, lr=lr, batch_size=batch_size, num_epochs=2
    )
    assert len(fast_steps) == len(slow_steps) == 2 * -(-n // batch_size)
    for (e1, k1, w1, b1), (e2, k2, w2, b2) in zip(fast_steps, slow_steps, strict=True):
        assert (e1, k1) == (e2, k2)
        torch.testing.assert_close(w1, w2, rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(b1, b2, rtol=1e-5, atol=1e-6)
    assert fast == pytest.approx(slow, rel=1e-4, abs=1e-7)


@pytest.mark.parametrize("net", [linreg, autograd_linreg])
def test_short_last_batch_is_divided_by_its_real_length(net):
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
        net,
        squared_loss,
        [w, b],
        features,
        labels,
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


@pytest.mark.parametrize("net", [linreg, autograd_linreg])
def test_same_seed_gives_identical_losses(tutorial_data, net):
    features, labels = tutorial_data
    first, _ = _run(net, 42, features, labels)
    second, _ = _run(net, 42, features, labels)
    third, _ = _run(net, 43, features, labels)
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


@pytest.mark.parametrize("net", [linreg, autograd_linreg])
def test_train_does_not_modify_the_data(tutorial_data, net):
    features, labels = tutorial_data
    f0, l0 = features.clone(), labels.clone()
    w, b = init_params(2)
    train(net, squared_loss, [w, b], features, labels, verbose=False)
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


@pytest.mark.parametrize("net", [linreg, autograd_linreg])
def test_too_large_lr_raises_instead_of_returning_nan(tutorial_data, net):
    features, labels = tutorial_data
    w, b = init_params(2)
    with pytest.raises(FloatingPointError) as info:
        train(net, squared_loss, [w, b], features, labels, lr=10, verbose=False)
    message = str(info.value)
    assert re.search(r"(inf|NaN) at epoch 1, batch \d+ of 100", message)
    assert "lr=10 is probably too large" in message
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


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        ({"lr": 0}, ValueError, "lr must be a finite number > 0"),
        ({"lr": -0.03}, ValueError, "lr must be a finite number > 0"),
        ({"lr": float("nan")}, ValueError, "lr must be a finite number > 0"),
        ({"batch_size": 0}, ValueError, "batch_size must be a positive int"),
        ({"batch_size": 10.0}, TypeError, "batch_size must be a positive int"),
        ({"num_epochs": 0}, ValueError, "num_epochs must be a positive int"),
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
        ({"net": "linreg"}, TypeError, "net must be a function"),
        ({"loss": None}, TypeError, "loss must be a function"),
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
    kwargs = {k: args.pop(k) for k in ("lr", "batch_size", "num_epochs") if k in args}
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
@pytest.mark.parametrize("net", [linreg, autograd_linreg])
def test_train_on_cuda(net):
    torch.manual_seed(0)
    features = torch.randn(2000, 2, device="cuda")
    labels = features @ torch.tensor([2.0, -3.4], device="cuda") + 4.2
    w = torch.normal(0, 0.01, (2, 1), device="cuda").requires_grad_()
    b = torch.zeros(1, device="cuda", requires_grad=True)
    losses = train(net, squared_loss, [w, b], features, labels, verbose=False)
    assert losses[-1] < 1e-4 and w.is_cuda
    assert (w.detach().cpu() - TRUE_W).abs().max() < 1e-2
