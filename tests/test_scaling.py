import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from linreg_scratch import (
    DivergenceError,
    closed_form,
    init_params,
    linreg,
    penguins,
    squared_loss,
    standardize,
    train,
    unscale,
)


@st.composite
def matrices(draw):
    n, d = draw(st.integers(2, 50)), draw(st.integers(1, 5))
    gen = torch.Generator().manual_seed(draw(st.integers(0, 2**31 - 1)))
    scale = torch.tensor(draw(st.lists(st.sampled_from([1e-2, 1.0, 1e3]), min_size=d, max_size=d)))
    shift = torch.tensor(draw(st.lists(st.floats(-500, 500), min_size=d, max_size=d)))
    x = torch.randn(n, d, generator=gen, dtype=torch.float64) * scale + shift
    return x


@given(x=matrices())
def test_standardize_round_trips_and_gives_mean_0_std_1(x):
    before = x.clone()
    scaled, mean, std = standardize(x)
    assert torch.equal(x, before)  # not modified
    assert scaled.shape == x.shape and mean.shape == std.shape == (1, x.shape[1])
    torch.testing.assert_close(scaled * std + mean, x, rtol=1e-9, atol=1e-9 * x.abs().max())
    torch.testing.assert_close(scaled.mean(0), torch.zeros(x.shape[1], dtype=x.dtype))
    # population std: divide by n
    n = len(x)
    torch.testing.assert_close(
        ((scaled**2).sum(0) / n), torch.ones(x.shape[1], dtype=x.dtype), rtol=1e-9, atol=1e-9
    )


def test_standardize_against_hand_computed_numbers():
    x = torch.tensor([[1.0, 10.0], [3.0, 10.5], [5.0, 12.0]])
    scaled, mean, std = standardize(x)
    torch.testing.assert_close(mean, torch.tensor([[3.0, 32.5 / 3]]))
    expected_std = [(8 / 3) ** 0.5, (((5 / 6) ** 2 + (1 / 3) ** 2 + (7 / 6) ** 2) / 3) ** 0.5]
    torch.testing.assert_close(std, torch.tensor([expected_std]))
    torch.testing.assert_close(scaled[:, 0], torch.tensor([-1.0, 0.0, 1.0]) / (2 / 3) ** 0.5)


@pytest.mark.parametrize(
    ("x", "error", "words"),
    [
        (torch.tensor([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]]), ValueError, "column 1: every value"),
        (torch.tensor([[1.0, 2.0]]), ValueError, "constant column (column 0"),
        (torch.zeros(0, 2), ValueError, "holds no rows"),
        (torch.tensor([1.0, 2.0]), ValueError, "x must be 2-D"),
        (torch.tensor([[1, 2], [3, 4]]), TypeError, "floating-point"),
        (torch.tensor([[1.0], [float("nan")]]), ValueError, "x contains NaN"),
        ([[1.0], [2.0]], TypeError, "torch.Tensor"),
    ],
)
def test_standardize_rejects_bad_input(x, error, words):
    with pytest.raises(error) as info:
        standardize(x)
    assert words in str(info.value)


@given(x=matrices(), seed=st.integers(0, 1000))
def test_unscale_gives_the_same_predictions_on_raw_features(x, seed):
    gen = torch.Generator().manual_seed(seed)
    w = torch.randn(x.shape[1], 1, generator=gen, dtype=x.dtype)
    b = torch.randn(1, generator=gen, dtype=x.dtype)
    scaled, mean, std = standardize(x)
    copies = [t.clone() for t in (w, b, mean, std)]
    w_orig, b_orig = unscale(w, b, mean, std)
    assert w_orig.shape == (x.shape[1], 1) and b_orig.shape == (1,)
    assert all(torch.equal(a, c) for a, c in zip((w, b, mean, std), copies, strict=True))
    big = float((x.abs().max(0).values / std[0]).max() * w.abs().sum() + 1)
    torch.testing.assert_close(x @ w_orig + b_orig, scaled @ w + b, rtol=0, atol=1e-9 * big)


def test_unscale_of_the_closed_form_on_scaled_data_is_the_closed_form_on_raw_data():
    features, labels = penguins()
    scaled, mean, std = standardize(features.double())
    w_s, b_s = closed_form(scaled, labels.double())
    w_orig, b_orig = unscale(w_s, b_s, mean, std)
    w_raw, b_raw = closed_form(features.double(), labels.double())
    torch.testing.assert_close(w_orig, w_raw, rtol=1e-8, atol=0)
    torch.testing.assert_close(b_orig, b_raw, rtol=1e-8, atol=0)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            (torch.ones(3, 1), torch.ones(1), torch.ones(1, 2), torch.ones(1, 2)),
            "w must have shape",
        ),
        ((torch.ones(2, 1), torch.ones(2), torch.ones(1, 2), torch.ones(1, 2)), "b must hold one"),
        (
            (torch.ones(2, 1), torch.ones(1), torch.ones(2), torch.ones(1, 2)),
            "mean must have shape (1, 2)",
        ),
    ],
)
def test_unscale_rejects_mismatched_shapes(args, words):
    with pytest.raises(ValueError) as info:
        unscale(*args)
    assert words in str(info.value)


# --- why scaling matters, on the penguins ------------------------------------------


def test_raw_features_diverge_with_the_chapters_settings():
    features, labels = penguins()
    w, b = init_params(2, generator=torch.Generator().manual_seed(0))
    with pytest.raises(DivergenceError) as info:
        train(
            linreg,
            squared_loss,
            [w, b],
            features,
            labels,
            lr=0.03,
            batch_size=10,
            verbose=False,
            generator=torch.Generator().manual_seed(0),
        )
    assert info.value.epoch == 1


def test_scaled_features_reach_the_closed_form_with_the_same_settings():
    features, labels = penguins()
    scaled, mean, std = standardize(features)
    gen = torch.Generator().manual_seed(0)
    w, b = init_params(2, generator=gen)
    losses = train(
        linreg,
        squared_loss,
        [w, b],
        scaled,
        labels,
        lr=0.03,
        batch_size=10,
        num_epochs=30,
        verbose=False,
        generator=gen,
    )
    w_orig, b_orig = unscale(w, b, mean, std)
    w_exact, b_exact = closed_form(features, labels)
    # the flipper weight (about 48 g/mm, standard error about 2 g/mm) to within 1 g/mm;
    # predictions to within 1% of the least-squares loss
    assert abs(float(w_orig[0, 0] - w_exact[0, 0])) < 1.0
    exact_loss = float(squared_loss(linreg(features, w_exact, b_exact), labels).mean())
    assert exact_loss < losses[-1] < 1.01 * exact_loss
    fit = squared_loss(linreg(features, w_orig, b_orig), labels).mean()
    assert float(fit) == pytest.approx(losses[-1], rel=1e-3)
