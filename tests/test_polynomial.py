import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from linreg_scratch import closed_form, polynomial_data, polynomial_features
from linreg_scratch.polynomial import POLY_COEFFS


@given(
    x=st.lists(st.floats(-5, 5), min_size=1, max_size=20),
    degree=st.integers(1, 20),
    column=st.booleans(),
)
def test_polynomial_features_are_powers_over_factorials(x, degree, column):
    values = torch.tensor(x, dtype=torch.float64)
    got = polynomial_features(values.reshape(-1, 1) if column else values, degree)
    assert got.shape == (len(x), degree) and got.dtype == torch.float64
    # numpy powers divided by the Gamma function, as the books build them
    expected = np.power(np.array(x)[:, None], np.arange(1, degree + 1)) / np.array(
        [math.gamma(i + 1) for i in range(1, degree + 1)]
    )
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12, atol=1e-300)


def test_polynomial_features_keep_dtype_and_leave_x_alone():
    x = torch.tensor([[1.5], [-2.0]], requires_grad=True)
    before = x.detach().clone()
    got = polynomial_features(x, 4)
    assert got.dtype == torch.float32 and not got.requires_grad
    assert torch.equal(x.detach(), before)


@pytest.mark.parametrize(
    ("x", "degree", "error", "words"),
    [
        (torch.zeros(3, 2), 2, ValueError, r"x must hold one value per example"),
        ([1.0, 2.0], 2, TypeError, "x must be a torch.Tensor"),
        (torch.tensor([1, 2]), 2, TypeError, "x must be a floating-point tensor"),
        (torch.tensor([1.0, float("nan")]), 2, ValueError, "x contains NaN"),
        (torch.zeros(3), 0, ValueError, "degree must be an int in"),
        (torch.zeros(3), 2.0, TypeError, "degree must be an int in"),
    ],
)
def test_polynomial_features_refuse_bad_input(x, degree, error, words):
    with pytest.raises(error, match=words):
        polynomial_features(x, degree)


def test_a_third_order_fit_recovers_the_generating_coefficients():
    x, y = polynomial_data(1000, generator=torch.Generator().manual_seed(0))
    assert x.shape == (1000, 1) and y.shape == (1000, 1)
    w, b = closed_form(polynomial_features(x, 3), y)
    np.testing.assert_allclose([b.item(), *w.reshape(-1).tolist()], POLY_COEFFS, atol=0.05)
    # the noise left over has the standard deviation the data were drawn with
    residual = y - polynomial_features(x, 3) @ w - b
    assert residual.std().item() == pytest.approx(0.1, rel=0.1)


def test_polynomial_data_draws_from_the_generator_only():
    a = polynomial_data(50, generator=torch.Generator().manual_seed(3))
    torch.manual_seed(0)
    state = torch.get_rng_state()
    b = polynomial_data(50, generator=torch.Generator().manual_seed(3))
    assert torch.equal(torch.get_rng_state(), state)
    assert all(torch.equal(p, q) for p, q in zip(a, b, strict=True))
    torch.manual_seed(7)
    c = polynomial_data(50)
    torch.manual_seed(7)
    assert torch.equal(polynomial_data(50)[1], c[1])


def test_polynomial_data_noise_zero_lies_on_the_polynomial():
    x, y = polynomial_data(20, noise=0, generator=torch.Generator().manual_seed(1))
    t = x.double().numpy().ravel()
    expected = sum(c * t**i / math.factorial(i) for i, c in enumerate(POLY_COEFFS))
    np.testing.assert_allclose(y.numpy().ravel(), expected, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="num_examples must be a positive int"):
        polynomial_data(0)
