import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import linreg_problems

from linreg_scratch import linreg, sgd, squared_loss


@settings(max_examples=60, deadline=None)
@given(
    problem=linreg_problems(),
    lr=st.floats(1e-4, 1.0),
    batch_size=st.integers(1, 64),
)
def test_sgd_equals_the_analytic_update(problem, lr, batch_size):
    X, w, b, y = problem
    w, b = w.clone().requires_grad_(), b.clone().requires_grad_()
    squared_loss(linreg(X, w, b), y).sum().backward()
    r = X @ w.detach() + b.detach() - y.reshape(-1, 1)
    expected_w = w.detach() - lr * (X.T @ r) / batch_size
    expected_b = b.detach() - lr * r.sum(0) / batch_size
    sgd([w, b], lr, batch_size)
    torch.testing.assert_close(w.detach(), expected_w)
    torch.testing.assert_close(b.detach(), expected_b)


def test_sgd_keeps_grads_so_the_tutorial_can_zero_them():
    w = torch.ones(2, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    squared_loss(linreg(torch.ones(3, 2), w, b), torch.zeros(3)).sum().backward()
    grad_before = w.grad.clone()
    sgd([w, b], 0.1, 3)
    assert torch.equal(w.grad, grad_before)
    w.grad.data.zero_()  # the tutorial's next line
    b.grad.data.zero_()
    assert w.is_leaf and w.requires_grad and w.grad_fn is None


def test_sgd_without_backward_says_what_to_call():
    w = torch.ones(2, 1, requires_grad=True)
    with pytest.raises(ValueError, match=r"params\[0\]\.grad is None: call loss\.backward\(\)"):
        sgd([w], 0.1, 10)


@pytest.mark.parametrize(
    ("lr", "batch_size", "error", "words"),
    [
        (0, 10, ValueError, "lr must be a finite number > 0"),
        (-0.1, 10, ValueError, "lr must be a finite number > 0"),
        (float("inf"), 10, ValueError, "lr"),
        (float("nan"), 10, ValueError, "lr"),
        ("0.1", 10, TypeError, "lr"),
        (0.1, 0, ValueError, "batch_size must be a positive int"),
        (0.1, 2.5, TypeError, "batch_size must be a positive int"),
    ],
)
def test_sgd_rejects_bad_hyperparameters(lr, batch_size, error, words):
    w = torch.ones(2, 1, requires_grad=True)
    w.grad = torch.ones(2, 1)
    with pytest.raises(error, match=words):
        sgd([w], lr, batch_size)
    assert torch.equal(w.detach(), torch.ones(2, 1))  # nothing was half-applied
