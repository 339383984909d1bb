import pytest
import torch
from hypothesis import given
from strategies import linreg_problems

from linreg_scratch import grad_check, linreg, squared_loss


@given(problem=linreg_problems(max_n=20, max_d=4))
def test_correct_gradients_pass(problem):
    X, w, b, y = problem
    assert grad_check(linreg, squared_loss, [w, b], X, y) < 1e-6


def test_float32_inputs_are_checked_in_float64_and_left_untouched():
    torch.manual_seed(0)
    X, y = torch.randn(10, 2), torch.randn(10)
    w = torch.randn(2, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    before = [t.clone() for t in (X, y, w, b)]
    assert grad_check(linreg, squared_loss, [w, b], X, y) < 1e-6
    assert all(torch.equal(t, c) for t, c in zip((X, y, w, b), before, strict=True))
    assert w.grad is None  # nothing accumulated on the caller's tensors


class WrongBackward(torch.autograd.Function):
    """X @ w with a backward that returns twice the true gradient for w."""

    @staticmethod
    def forward(ctx, X, w):
        ctx.save_for_backward(X, w)
        return X @ w

    @staticmethod
    def backward(ctx, grad_out):
        X, w = ctx.saved_tensors
        return grad_out @ w.T, 2 * X.T @ grad_out


def wrong_linreg(X, w, b):
    return WrongBackward.apply(X, w) + b


def test_a_wrong_gradient_is_caught():
    torch.manual_seed(1)
    X, y = torch.randn(12, 3, dtype=torch.float64), torch.randn(12, dtype=torch.float64)
    w, b = torch.randn(3, 1, dtype=torch.float64), torch.randn(1, dtype=torch.float64)
    assert grad_check(linreg, squared_loss, [w, b], X, y) < 1e-6
    assert grad_check(wrong_linreg, squared_loss, [w, b], X, y) > 0.3


def test_a_wrong_loss_gradient_is_caught():
    class WrongSquare(torch.autograd.Function):
        @staticmethod
        def forward(ctx, r):
            ctx.save_for_backward(r)
            return r**2 / 2

        @staticmethod
        def backward(ctx, grad_out):
            (r,) = ctx.saved_tensors
            return grad_out * r.abs()  # should be grad_out * r

    def wrong_loss(y_hat, y):
        return WrongSquare.apply(y_hat - y.reshape(y_hat.shape))

    torch.manual_seed(2)
    X, y = torch.randn(15, 2, dtype=torch.float64), torch.randn(15, dtype=torch.float64)
    w, b = torch.randn(2, 1, dtype=torch.float64), torch.zeros(1, dtype=torch.float64)
    assert grad_check(linreg, wrong_loss, [w, b], X, y) > 0.1


def test_grad_check_rejects_bad_input():
    with pytest.raises(ValueError, match="params is empty"):
        grad_check(linreg, squared_loss, [], torch.zeros(2, 1), torch.zeros(2))
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        grad_check(
            linreg,
            squared_loss,
            [torch.zeros(1, 1), torch.zeros(1)],
            torch.zeros(2, 1),
            torch.zeros(2),
            eps=0,
        )


def test_eps_sets_the_finite_difference_step():
    # For a cubic model the central difference is off by eps²·f'''/6: eps=0.1 shows it,
    # eps=1e-6 does not (so eps really reaches the finite differences).
    gen = torch.Generator().manual_seed(0)
    X, y = torch.randn(6, 1, generator=gen), torch.randn(6, 1, generator=gen)
    a = torch.tensor([0.7])

    def cubic(X, a):
        return a**3 * X

    fine = grad_check(cubic, squared_loss, [a], X, y)
    coarse = grad_check(cubic, squared_loss, [a], X, y, eps=0.1)
    assert fine < 1e-7 < 1e-4 < coarse
