import pytest
import torch
from hypothesis import given, settings
from strategies import linreg_problems

from linreg_scratch import linreg, squared_loss


def test_squared_loss_values_and_shape():
    y_hat = torch.tensor([[1.0], [2.0], [4.0]])
    y = torch.tensor([1.0, 0.0, 1.0])
    loss = squared_loss(y_hat, y)
    assert loss.shape == (3, 1)
    assert loss.reshape(-1).tolist() == [0.0, 2.0, 4.5]
    assert y.shape == (3,)  # the label vector is reshaped, not modified


def test_squared_loss_rejects_mismatched_sizes():
    with pytest.raises(ValueError, match=r"y_hat of shape \(10, 1\) and y of shape \(9,\)"):
        squared_loss(torch.zeros(10, 1), torch.zeros(9))
    with pytest.raises(TypeError, match=r"y must be a torch.Tensor"):
        squared_loss(torch.zeros(2, 1), [0.0, 1.0])


@settings(max_examples=60, deadline=None)
@given(problem=linreg_problems())
def test_autograd_gradient_equals_the_analytic_formula(problem):
    X, w, b, y = problem
    w, b = w.clone().requires_grad_(), b.clone().requires_grad_()
    squared_loss(linreg(X, w, b), y).sum().backward()
    r = X @ w.detach() + b.detach() - y.reshape(-1, 1)
    torch.testing.assert_close(w.grad, X.T @ r)
    torch.testing.assert_close(b.grad, r.sum(0))


def test_gradient_matches_finite_differences():
    torch.manual_seed(0)
    X, y = torch.randn(8, 3, dtype=torch.float64), torch.randn(8, dtype=torch.float64)
    w = torch.randn(3, 1, dtype=torch.float64, requires_grad=True)
    b = torch.randn(1, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda w, b: squared_loss(linreg(X, w, b), y).sum(), (w, b))
