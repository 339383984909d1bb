import itertools

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


@given(
    n=st.integers(1, 60),
    d=st.integers(1, 6),
    seed=st.integers(0, 10_000),
    weight_decay=st.sampled_from([1e-3, 0.1, 2.0]),
)
def test_closed_form_with_weight_decay_solves_the_ridge_normal_equations(n, d, seed, weight_decay):
    gen = torch.Generator().manual_seed(seed)
    features = torch.randn(n, d, generator=gen, dtype=torch.float64)
    labels = torch.randn(n, 1, generator=gen, dtype=torch.float64)
    w, b = closed_form(features, labels, weight_decay=weight_decay)
    assert w.shape == (d, 1) and b.shape == (1,)
    # (Z^T Z + n lambda D) theta = Z^T y, solved by numpy; D leaves the bias unpenalised
    Z = np.hstack([features.numpy(), np.ones((n, 1))])
    D = np.diag([1.0] * d + [0.0])
    expected = np.linalg.solve(Z.T @ Z + n * weight_decay * D, Z.T @ labels.numpy())
    np.testing.assert_allclose(np.append(w.numpy().ravel(), b.numpy()), expected.ravel(), atol=1e-8)


def test_closed_form_weight_decay_shrinks_w_toward_zero_and_zero_is_plain_least_squares():
    torch.manual_seed(0)
    features, labels = synthetic_data([2, -3.4], 4.2, 200)
    norms = [closed_form(features, labels, lam)[0].norm().item() for lam in (0, 0.1, 1, 10, 1e4)]
    assert all(a > b for a, b in itertools.pairwise(norms))  # strictly shrinking
    assert norms[-1] < 1e-3 * norms[0]
    w0, b0 = closed_form(features, labels)
    w, b = closed_form(features, labels, weight_decay=0)
    assert torch.equal(w, w0) and torch.equal(b, b0)
    # a huge penalty leaves only the bias: the mean of the labels
    assert closed_form(features, labels, 1e8)[1].item() == pytest.approx(labels.mean().item(), 1e-4)


def test_sgd_with_weight_decay_converges_to_the_ridge_solution():
    from linreg_scratch import init_params, linreg, squared_loss, train

    torch.manual_seed(1)
    features, labels = synthetic_data([2, -3.4], 4.2, 500)
    w_ref, b_ref = closed_form(features, labels, weight_decay=0.5)
    # full-batch steps settle on it; mini-batch steps wander near it (their noise)
    for fast, batch_size, epochs, atol in [
        (False, 500, 200, 1e-4),
        (True, 500, 200, 1e-4),
        (False, 25, 20, 0.05),
        (True, 25, 20, 0.05),
    ]:
        torch.manual_seed(2)
        w, b = init_params(2)
        train(
            linreg,
            squared_loss,
            [w, b],
            features,
            labels,
            lr=0.1,
            num_epochs=epochs,
            batch_size=batch_size,
            weight_decay=0.5,
            verbose=False,
            fast=fast,
        )
        torch.testing.assert_close(w.detach(), w_ref, atol=atol, rtol=0)
        torch.testing.assert_close(b.detach(), b_ref, atol=atol, rtol=0)
    assert w_ref.norm() < 0.75 * torch.tensor([2, -3.4]).norm()  # the penalty is visible


@pytest.mark.parametrize(
    ("value", "error"), [(-1.0, ValueError), (float("inf"), ValueError), ("1", TypeError)]
)
def test_closed_form_rejects_a_bad_weight_decay(value, error):
    with pytest.raises(error, match="weight_decay must be a finite number >= 0, got"):
        closed_form(torch.zeros(3, 2), torch.zeros(3), weight_decay=value)
