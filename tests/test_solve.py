import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from linreg_scratch import closed_form, synthetic_data


@given(n=st.integers(1, 60), d=st.integers(1, 6), seed=st.integers(0, 10_000))
def test_closed_form_agrees_with_numpy_lstsq(n, d, seed):
    gen = torch.Generator().manual_seed(seed)
    features = torch.randn(n, d, generator=gen, dtype=torch.float64)
    labels = torch.randn(n, generator=gen, dtype=torch.float64)
    w, b = closed_form(features, labels)
    assert w.shape == (d, 1) and b.shape == (1,) and w.dtype == torch.float64
    A = np.hstack([features.numpy(), np.ones((n, 1))])
    expected, *_ = np.linalg.lstsq(A, labels.numpy(), rcond=None)  # min-norm when n <= d
    np.testing.assert_allclose(np.append(w.numpy().ravel(), b.numpy()), expected, atol=1e-8)


def test_closed_form_recovers_the_tutorial_parameters():
    torch.manual_seed(0)
    features, labels = synthetic_data([2, -3.4], 4.2, 1000)
    w, b = closed_form(features, labels)
    assert w.dtype == torch.float32  # the features' dtype
    assert (w.reshape(-1) - torch.tensor([2, -3.4])).abs().max() < 2e-3
    assert abs(b.item() - 4.2) < 2e-3


def test_closed_form_handles_repeated_columns():
    features = torch.randn(30, 1, dtype=torch.float64).repeat(1, 2)  # rank 1
    w, b = closed_form(features, 3 * features[:, 0] + 1)
    torch.testing.assert_close(w.reshape(-1), torch.tensor([1.5, 1.5], dtype=torch.float64))
    assert b.item() == pytest.approx(1.0)


def test_closed_form_rejects_bad_input():
    with pytest.raises(ValueError, match=r"len\(features\)=3 and len\(labels\)=2"):
        closed_form(torch.zeros(3, 2), torch.zeros(2))
    with pytest.raises(ValueError, match="labels contains NaN"):
        closed_form(torch.zeros(3, 2), torch.tensor([0.0, float("nan"), 1.0]))
