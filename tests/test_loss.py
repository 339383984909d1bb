import numpy as np
import pytest
import torch
from hypothesis import given
from strategies import linreg_problems

from linreg_scratch import linreg, squared_loss


def test_squared_loss_values_and_shape():
    y_hat = torch.tensor([[1.0], [2.0], [4.0]])
    y = torch.tensor([1.0, 0.0, 1.0])
    loss = squared_loss(y_hat, y)
    assert loss.shape == (3, 1)
    assert loss.reshape(-1).tolist() == [0.0, 2.0, 4.5]
    assert y.shape == (3,)  # the label vector is reshaped, not modified


def test_squared_loss_of_single_values():
    # a 0-d prediction and label (one example) give a 0-d loss
    loss = squared_loss(torch.tensor(1.0), torch.tensor(3.0))
    assert loss.shape == () and loss.item() == 2.0
    assert squared_loss(torch.tensor([1.0]), torch.tensor(3.0)).tolist() == [2.0]


def test_squared_loss_rejects_mismatched_sizes():
    with pytest.raises(ValueError, match=r"y_hat of shape \(10, 1\) and y of shape \(9,\)"):
        squared_loss(torch.zeros(10, 1), torch.zeros(9))
    with pytest.raises(TypeError, match=r"y must be a torch.Tensor"):
        squared_loss(torch.zeros(2, 1), [0.0, 1.0])


@given(problem=linreg_problems())
def test_autograd_gradient_equals_the_analytic_formula(problem):
    X, w, b, y = problem
    w, b = w.clone().requires_grad_(), b.clone().requires_grad_()
    squared_loss(linreg(X, w, b), y).sum().backward()
    r = X @ w.detach() + b.detach() - y.reshape(-1, 1)
    torch.testing.assert_close(w.grad, X.T @ r)
    torch.testing.assert_close(b.grad, r.sum(0))


def test_gradient_matches_finite_differences_of_an_independent_loss():
    # The reference is NumPy's sum of (x·w + b - y)²/2, differenced centrally: it shares
    # no code with squared_loss, so a wrong formula there (no ½, a mean, a broadcast)
    # gives a different gradient.
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(8, 3)), rng.normal(size=8)
    w0, b0 = rng.normal(size=3), rng.normal()

    def reference(w, b):
        return float(((X @ w + b - y) ** 2 / 2).sum())

    eps = 1e-6
    grad_w = [
        (reference(w0 + eps * e, b0) - reference(w0 - eps * e, b0)) / (2 * eps) for e in np.eye(3)
    ]
    grad_b = (reference(w0, b0 + eps) - reference(w0, b0 - eps)) / (2 * eps)

    w = torch.tensor(w0.reshape(3, 1), requires_grad=True)
    b = torch.tensor([b0], dtype=torch.float64, requires_grad=True)
    loss = squared_loss(linreg(torch.tensor(X), w, b), torch.tensor(y)).sum()
    assert loss.item() == pytest.approx(reference(w0, b0), rel=1e-12)
    loss.backward()
    np.testing.assert_allclose(w.grad.numpy().reshape(-1), grad_w, rtol=1e-6)
    assert b.grad.item() == pytest.approx(grad_b, rel=1e-6)


@given(linreg_problems())
def test_mean_loss_is_the_mean_half_squared_residual_in_numpy(problem):
    from linreg_scratch.loss import mean_loss

    X, w, b, y = problem
    r = X.numpy() @ w.numpy().reshape(-1) + float(b) - y.numpy()
    expected = float(np.mean(r**2) / 2)
    assert mean_loss(linreg, squared_loss, [w, b], X, y) == pytest.approx(expected, rel=1e-9)


def test_mean_loss_records_no_graph_and_uses_the_given_net_and_loss():
    from linreg_scratch.loss import mean_loss

    w = torch.ones(2, 1, requires_grad=True)
    X, y = torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.zeros(2)

    def absolute(y_hat, y):
        return (y_hat - y.reshape(y_hat.shape)).abs()

    # predictions 3 and 7: absolute loss mean 5, a constant net of 1 gives mean 1
    assert mean_loss(linreg, absolute, [w, torch.zeros(1)], X, y) == 5.0
    assert mean_loss(lambda X, w: torch.ones(len(X), 1), absolute, [w], X, y) == 1.0
    assert w.grad is None
