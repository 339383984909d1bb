"""The books' epoch helpers (evaluate.py), each checked against an independent computation:
NumPy sums, a float64 replay of the same updates written out by hand."""

import numpy as np
import pytest
import torch
from torch import nn

from linreg_scratch import (
    Accumulator,
    accuracy,
    d2l,
    evaluate_loss,
    linreg,
    sgd,
    squared_loss,
    train_epoch_ch3,
)


def batches_of(features, labels, sizes):
    """``(X, y)`` batches of the given sizes, in order (no shuffling)."""
    out, start = [], 0
    for size in sizes:
        out.append((features[start : start + size], labels[start : start + size]))
        start += size
    assert start == len(features)
    return out


# --- Accumulator ---------------------------------------------------------------------


def test_accumulator_sums_match_numpy():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(50, 3))
    metric = Accumulator(3)
    for row in values:
        metric.add(torch.tensor(row[0]), float(row[1]), int(row[2] > 0))  # tensor, float, int
    expected = [values[:, 0].sum(), values[:, 1].sum(), (values[:, 2] > 0).sum()]
    assert [metric[i] for i in range(3)] == pytest.approx(expected, rel=1e-12)
    assert len(metric) == 3 and metric.data == [metric[0], metric[1], metric[2]]
    metric.reset()
    assert metric.data == [0.0, 0.0, 0.0]


def test_accumulator_refuses_a_wrong_count_and_non_numbers():
    with pytest.raises(ValueError, match=r"n must be a positive int"):
        Accumulator(0)
    metric = Accumulator(2)
    with pytest.raises(ValueError, match=r"args must hold 2 values \(one per sum\), got 3"):
        metric.add(1, 2, 3)
    with pytest.raises(TypeError, match=r"args\[1\] must be a number, got 'x'"):
        metric.add(1, "x")
    with pytest.raises(TypeError, match=r"args\[0\] must be a number"):
        metric.add(torch.ones(2), 1)  # two values are not one
    assert metric.data == [0.0, 0.0]  # nothing was added by a refused call


# --- accuracy ------------------------------------------------------------------------


def test_accuracy_of_scores_counts_argmax_hits_as_a_hand_loop_does():
    torch.manual_seed(0)
    scores, y = torch.randn(40, 5), torch.randint(0, 5, (40,))
    hits = 0
    for row, label in zip(scores.tolist(), y.tolist(), strict=True):
        hits += int(max(range(5), key=lambda k: row[k]) == label)
    assert accuracy(scores, y) == float(hits)


def test_accuracy_of_one_column_compares_one_prediction_per_label():
    y_hat = torch.tensor([[1.0], [2.0], [3.5], [4.0]])
    assert accuracy(y_hat, torch.tensor([1.0, 1.0, 3.5, 0.0])) == 2.0  # (n, 1) against (n,)
    assert accuracy(y_hat, torch.tensor([[1.0], [2.0], [0.0], [4.0]])) == 3.0
    with pytest.raises(ValueError, match=r"y and y_hat must hold the same number of values"):
        accuracy(y_hat, torch.ones(3))
    with pytest.raises(TypeError, match=r"y_hat must be a torch.Tensor, got list"):
        accuracy([1.0], torch.ones(1))


# --- evaluate_loss -------------------------------------------------------------------


def test_evaluate_loss_is_the_mean_over_every_example_as_numpy_computes_it():
    torch.manual_seed(1)
    X, y = torch.randn(23, 3), torch.randn(23)  # labels (n,): reshaped to the output's shape
    w, b = torch.randn(3, 1), torch.randn(1)
    data = batches_of(X, y, [5, 5, 5, 5, 3])  # a short last batch
    got = evaluate_loss(lambda X: linreg(X, w, b), data, squared_loss)
    Xn, yn, wn, bn = (t.double().numpy() for t in (X, y, w, b))
    assert got == pytest.approx(np.mean((Xn @ wn[:, 0] + bn[0] - yn) ** 2 / 2), rel=1e-6)
    # nn.MSELoss(reduction='none') on an nn.Module: the same mean, without the half
    net = nn.Linear(3, 1)
    got = evaluate_loss(net, d2l.load_array((X, y.reshape(-1, 1)), 4), nn.MSELoss(reduction="none"))
    wn, bn = net.weight.detach().double().numpy(), net.bias.detach().double().numpy()
    assert got == pytest.approx(np.mean((Xn @ wn[0] + bn[0] - yn) ** 2), rel=1e-6)


def test_evaluate_loss_with_a_mean_loss_averages_the_batch_means_as_the_books_do():
    torch.manual_seed(2)
    X, y = torch.randn(7, 2), torch.randn(7, 1)
    w, b = torch.randn(2, 1), torch.zeros(1)
    data = batches_of(X, y, [4, 3])
    got = evaluate_loss(lambda X: linreg(X, w, b), data, nn.MSELoss())
    errors = ((X @ w + b - y) ** 2).double().numpy()[:, 0]
    assert got == pytest.approx((errors[:4].mean() + errors[4:].mean()) / 2, rel=1e-6)


def test_evaluate_loss_records_no_gradient_and_changes_nothing():
    w = torch.ones(2, 1, requires_grad=True)
    X, y = torch.randn(6, 2), torch.randn(6, 1)
    before = (X.clone(), y.clone())
    evaluate_loss(lambda X: linreg(X, w, torch.zeros(1)), [(X, y)], squared_loss)
    assert w.grad is None and torch.equal(X, before[0]) and torch.equal(y, before[1])


def test_evaluate_loss_refuses_what_would_fail_later_or_silently():
    net = lambda X: X.sum(1, keepdim=True)  # noqa: E731
    with pytest.raises(ValueError, match=r"data_iter yielded no batches"):
        evaluate_loss(net, [], squared_loss)
    with pytest.raises(TypeError, match=r"data_iter must yield pairs of tensors \(X, y\), but "):
        evaluate_loss(net, [torch.ones(2, 2)], squared_loss)
    with pytest.raises(TypeError, match=r"data_iter must yield mini-batches \(X, y\)"):
        evaluate_loss(net, 3, squared_loss)
    with pytest.raises(ValueError, match=r"net\(X\) and y must hold the same number of values"):
        evaluate_loss(net, [(torch.ones(3, 2), torch.ones(4))], squared_loss)
    with pytest.raises(TypeError, match=r"loss must be a function like squared_loss"):
        evaluate_loss(net, [(torch.ones(3, 2), torch.ones(3))], 0.5)
    with pytest.raises(TypeError, match=r"loss\(y_hat, y\) must return a tensor, got float"):
        evaluate_loss(net, [(torch.ones(3, 2), torch.ones(3))], lambda a, b: 1.0)


# --- train_epoch_ch3 -----------------------------------------------------------------


def replay(X, y, w, b, sizes, lr, mean):
    """The epoch replayed in float64 NumPy: per batch, the losses (before the step) and
    w -= lr * grad, grad of the batch's mean loss (``mean``) or of its sum."""
    X, y, w, b = (np.asarray(t, dtype=np.float64) for t in (X, y, w, b))
    total, start = 0.0, 0
    for size in sizes:
        Xb, yb = X[start : start + size], y[start : start + size]
        err = Xb @ w + b - yb  # (m, 1)
        total += float((err**2 / 2).sum())
        scale = 1 / size if mean else 1.0
        w = w - lr * scale * Xb.T @ err
        b = b - lr * scale * err.sum(0)
        start += size
    return total / len(X), w, b


def test_train_epoch_ch3_with_an_optimizer_steps_on_the_mean_loss():
    torch.manual_seed(3)
    X, y = torch.randn(23, 3), torch.randn(23, 1)
    net = nn.Linear(3, 1)
    w0, b0 = net.weight.detach().T.clone(), net.bias.detach().clone()
    net.eval()  # train_epoch_ch3 switches it back to training mode
    trainer = torch.optim.SGD(net.parameters(), lr=0.1)
    loss = lambda y_hat, y: (y_hat - y) ** 2 / 2  # noqa: E731
    sizes = [5, 5, 5, 5, 3]
    mean_loss, acc = train_epoch_ch3(net, batches_of(X, y, sizes), loss, trainer)
    expected_loss, w, b = replay(X, y, w0, b0, sizes, 0.1, mean=True)
    assert mean_loss == pytest.approx(expected_loss, rel=1e-5)
    assert acc == 0.0 and net.training
    np.testing.assert_allclose(net.weight.detach().T.numpy(), w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(net.bias.detach().numpy(), b, rtol=1e-5, atol=1e-6)


def test_train_epoch_ch3_with_its_own_updater_steps_on_the_summed_loss():
    torch.manual_seed(4)
    X, y = torch.randn(23, 3), torch.randn(23, 1)
    w = torch.randn(3, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    w0, b0 = w.detach().clone(), b.detach().clone()
    seen = []

    def updater(batch_size):  # a step on the gradient as it is: that of the summed loss
        seen.append(batch_size)
        with torch.no_grad():
            for p in (w, b):
                p -= 0.02 * p.grad
                p.grad.zero_()

    sizes = [5, 5, 5, 5, 3]
    mean_loss, acc = train_epoch_ch3(
        lambda X: linreg(X, w, b), batches_of(X, y, sizes), squared_loss, updater
    )
    expected_loss, w_ref, b_ref = replay(X, y, w0, b0, sizes, 0.02, mean=False)
    assert seen == sizes  # updater(X.shape[0]), the short last batch included
    assert mean_loss == pytest.approx(expected_loss, rel=1e-5) and acc == 0.0
    np.testing.assert_allclose(w.detach().numpy(), w_ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(b.detach().numpy(), b_ref, rtol=1e-5, atol=1e-6)


def test_train_epoch_ch3_with_sgd_as_updater_takes_the_mean_step():
    torch.manual_seed(6)
    X, y = torch.randn(10, 2), torch.randn(10, 1)
    w, b = torch.randn(2, 1, requires_grad=True), torch.zeros(1, requires_grad=True)
    w0, b0 = w.detach().clone(), b.detach().clone()
    data = batches_of(X, y, [4, 4, 2])
    train_epoch_ch3(lambda X: linreg(X, w, b), data, squared_loss, lambda n: sgd([w, b], 0.1, n))
    _, w_ref, b_ref = replay(X, y, w0, b0, [4, 4, 2], 0.1, mean=True)
    np.testing.assert_allclose(w.detach().numpy(), w_ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(b.detach().numpy(), b_ref, rtol=1e-5, atol=1e-6)


def test_train_epoch_ch3_returns_the_fraction_of_exact_hits():
    # a classifier's scores (q = 3 classes); lr 0 keeps them as they were measured
    torch.manual_seed(5)
    X, y = torch.randn(12, 4), torch.randint(0, 3, (12,))
    net = nn.Linear(4, 3)
    with torch.no_grad():
        hits = sum(int(row.argmax() == label) for row, label in zip(net(X), y, strict=True))
    trainer = torch.optim.SGD(net.parameters(), lr=0.0)
    loss = nn.CrossEntropyLoss(reduction="none")
    _, acc = train_epoch_ch3(net, batches_of(X, y, [6, 6]), loss, trainer)
    assert acc == pytest.approx(hits / 12)


@pytest.mark.filterwarnings("ignore:Using a target size")  # torch's own hint, then ours
def test_train_epoch_ch3_refuses_a_bad_updater_and_broadcast_losses():
    net = nn.Linear(2, 1)
    data = [(torch.randn(4, 2), torch.randn(4))]  # labels (n,) against predictions (n, 1)
    with pytest.raises(TypeError, match=r"updater must be a torch optimizer .* got float"):
        train_epoch_ch3(net, data, nn.MSELoss(reduction="none"), 0.1)
    trainer = torch.optim.SGD(net.parameters(), lr=0.1)
    before = [p.detach().clone() for p in net.parameters()]
    with pytest.raises(ValueError, match=r"returned 16 values .* broadcast against each other"):
        train_epoch_ch3(net, data, nn.MSELoss(reduction="none"), trainer)
    assert all(torch.equal(p, q) for p, q in zip(before, net.parameters(), strict=True))
    with pytest.raises(ValueError, match=r"train_iter yielded no batches"):
        train_epoch_ch3(net, [], nn.MSELoss(reduction="none"), trainer)
