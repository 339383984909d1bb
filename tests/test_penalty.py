import numpy as np
import pytest
import torch
from hypothesis import given
from strategies import linreg_problems

from linreg_scratch import l2_penalty


@given(linreg_problems())
def test_l2_penalty_is_half_the_squared_norm_and_its_gradient_is_w(problem):
    _, w, _, _ = problem
    w = w.clone().requires_grad_()
    value = l2_penalty(w)
    assert value.shape == ()
    expected = 0.5 * np.linalg.norm(w.detach().numpy()) ** 2  # numpy's norm, not a sum of squares
    assert value.item() == pytest.approx(expected, rel=1e-12, abs=1e-300)
    value.backward()
    torch.testing.assert_close(w.grad, w.detach())  # d/dw of ||w||^2 / 2


def test_l2_penalty_leaves_w_alone_and_accepts_any_shape():
    w = torch.tensor([[3.0], [4.0]])
    before = w.clone()
    assert l2_penalty(w).item() == 12.5
    assert torch.equal(w, before)
    assert l2_penalty(w.reshape(-1)).item() == 12.5 and l2_penalty(torch.tensor(2.0)).item() == 2


@pytest.mark.parametrize(
    ("w", "error", "words"),
    [
        ([1.0, 2.0], TypeError, "w must be a torch.Tensor"),
        (torch.tensor([1, 2]), TypeError, "w must be a floating-point tensor"),
        (torch.tensor([1j]), TypeError, "w must be real"),
    ],
)
def test_l2_penalty_refuses_what_is_not_a_weight_tensor(w, error, words):
    with pytest.raises(error, match=words):
        l2_penalty(w)
