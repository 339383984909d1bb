import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from strategies import linreg_problems

from linreg_scratch import linreg, sgd, squared_loss


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


def test_sgd_zeroes_the_grads_in_place_after_its_step():
    w = torch.ones(2, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    squared_loss(linreg(torch.ones(3, 2), w, b), torch.zeros(3)).sum().backward()
    w_grad, b_grad = w.grad, b.grad  # the same tensors must be zeroed, not replaced
    sgd([w, b], 0.1, 3)
    assert w.grad is w_grad and b.grad is b_grad
    assert torch.equal(w.grad, torch.zeros(2, 1)) and torch.equal(b.grad, torch.zeros(1))
    w.grad.data.zero_()  # the seed edition's next lines still work
    b.grad.data.zero_()
    assert w.is_leaf and w.requires_grad and w.grad_fn is None


def test_a_loop_that_never_zeroes_the_grads_learns_like_one_that_does():
    # d2l 2.x's loop leaves the zeroing to sgd; the seed's loop zeroes after sgd.
    torch.manual_seed(3)
    X = torch.randn(40, 2)
    y = X @ torch.tensor([[2.0], [-3.4]]) + 4.2
    results = []
    for zero_in_loop in (False, True):
        w = torch.zeros(2, 1, requires_grad=True)
        b = torch.zeros(1, requires_grad=True)
        for start in range(0, 40, 10):
            Xb, yb = X[start : start + 10], y[start : start + 10]
            squared_loss(linreg(Xb, w, b), yb).sum().backward()
            sgd([w, b], 0.1, 10)
            if zero_in_loop:
                w.grad.zero_()
                b.grad.zero_()
        results.append(torch.cat([w.detach().reshape(-1), b.detach()]))
    torch.testing.assert_close(results[0], results[1], rtol=0, atol=0)
    # and it is the analytic sequence of steps (a replay by hand with the formula)
    w_ref, b_ref = torch.zeros(2, 1), torch.zeros(1)
    for start in range(0, 40, 10):
        Xb, yb = X[start : start + 10], y[start : start + 10]
        r = Xb @ w_ref + b_ref - yb
        w_ref, b_ref = w_ref - 0.1 * Xb.T @ r / 10, b_ref - 0.1 * r.sum(0) / 10
    torch.testing.assert_close(results[0], torch.cat([w_ref.reshape(-1), b_ref]))


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
