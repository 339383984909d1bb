import pytest
import torch
from hypothesis import given
from strategies import linreg_problems

from linreg_scratch import init_params, linreg


@given(problem=linreg_problems())
def test_linreg_is_x_times_w_plus_b(problem):
    X, w, b, _ = problem
    out = linreg(X, w, b)
    assert out.shape == (len(X), 1)
    expected = X.numpy() @ w.numpy() + b.numpy()
    torch.testing.assert_close(out, torch.from_numpy(expected))


def test_linreg_does_not_modify_its_inputs():
    X, w, b = torch.randn(4, 2), torch.randn(2, 1), torch.randn(1)
    copies = [t.clone() for t in (X, w, b)]
    linreg(X, w, b)
    assert all(torch.equal(t, c) for t, c in zip((X, w, b), copies, strict=True))


@pytest.mark.parametrize(
    ("X", "w", "error", "words"),
    [
        (torch.zeros(4, 3), torch.zeros(2, 1), ValueError, r"X has 3 columns.*w has 2 rows"),
        (torch.zeros(4), torch.zeros(2, 1), ValueError, "X must be 2-D"),
        (torch.zeros(4, 2), torch.zeros(2, 1, dtype=torch.float64), TypeError, "same dtype"),
        ([[1.0, 2.0]], torch.zeros(2, 1), TypeError, "X must be a torch.Tensor"),
    ],
)
def test_linreg_rejects_bad_input(X, w, error, words):
    with pytest.raises(error, match=words):
        linreg(X, w, torch.zeros(1))


def test_init_params_like_the_chapter():
    torch.manual_seed(0)
    w, b = init_params(1000)
    assert w.shape == (1000, 1) and b.shape == (1,)
    assert w.requires_grad and b.requires_grad and w.is_leaf and b.is_leaf
    assert w.dtype == b.dtype == torch.float32
    assert abs(w.std().item() - 0.01) < 0.001 and torch.all(b == 0)
    with pytest.raises(ValueError, match="num_inputs must be a positive int"):
        init_params(0)


@pytest.mark.parametrize("std", [0.0, 0.01, 1.5])
def test_init_params_std_and_generator_take_effect(std):
    w, b = init_params(500, std, generator=torch.Generator().manual_seed(4))
    expected = torch.randn(500, 1, generator=torch.Generator().manual_seed(4)) * std
    torch.testing.assert_close(w.detach(), expected)
    assert torch.equal(b.detach(), torch.zeros(1))
    other, _ = init_params(500, std, generator=torch.Generator().manual_seed(5))
    assert torch.equal(other, w) == (std == 0.0)
