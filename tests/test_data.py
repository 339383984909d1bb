import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from strategies import batch_sizes, num_examples, seeds

from linreg_scratch import data_iter, synthetic_data
from linreg_scratch.data import _order_dtype, shuffle_order


def test_synthetic_data_shapes_and_dtype():
    features, labels = synthetic_data([2, -3.4], 4.2, 1000)
    assert features.shape == (1000, 2) and features.dtype == torch.float32
    assert labels.shape == (1000, 1) and labels.dtype == torch.float32


def test_synthetic_data_follows_the_linear_model():
    torch.manual_seed(1)
    features, labels = synthetic_data([2, -3.4], 4.2, 5000, noise=0.01)
    # numpy's least squares on the generated data recovers the true parameters...
    A = np.hstack([features.numpy(), np.ones((5000, 1), dtype=np.float32)])
    coef, *_ = np.linalg.lstsq(A.astype(np.float64), labels.numpy().astype(np.float64).ravel())
    np.testing.assert_allclose(coef, [2, -3.4, 4.2], atol=2e-3)
    # ...and the residuals have the requested noise level.
    residual = labels.reshape(-1) - (features @ torch.tensor([2, -3.4]) + 4.2)
    assert 0.009 < residual.std().item() < 0.011
    assert abs(features.mean().item()) < 0.05 and abs(features.std().item() - 1) < 0.05


def test_synthetic_data_accepts_tensor_weights_and_zero_noise():
    w = torch.tensor([[1.0], [2.0], [3.0]])
    features, labels = synthetic_data(w, -1, 50, noise=0)
    torch.testing.assert_close(labels, features @ w - 1)
    assert w.tolist() == [[1.0], [2.0], [3.0]]  # not modified


def test_synthetic_data_is_repeatable_with_manual_seed_and_generator():
    torch.manual_seed(3)
    a = synthetic_data([1, 2], 0.5, 20)
    torch.manual_seed(3)
    b = synthetic_data([1, 2], 0.5, 20)
    c = synthetic_data([1, 2], 0.5, 20, generator=torch.Generator().manual_seed(3))
    for x, y, z in zip(a, b, c, strict=True):
        assert torch.equal(x, y) and torch.equal(x, z)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"num_examples": 0}, ValueError, "num_examples must be a positive int, got 0"),
        ({"num_examples": -10}, ValueError, "num_examples"),
        ({"num_examples": 2.5}, TypeError, "num_examples must be a positive int"),
        ({"noise": -0.1}, ValueError, r"noise must be a finite number in \[0, 1e\+30\]"),
        ({"noise": float("nan")}, ValueError, "noise"),
        ({"w": []}, ValueError, "w must hold at least one weight"),
        ({"w": "ab"}, TypeError, "w must be a list of numbers"),
        ({"w": [1, float("inf")]}, ValueError, "w contains inf"),
        ({"b": float("nan")}, ValueError, "b must be a finite number"),
    ],
)
def test_synthetic_data_rejects_bad_input(kwargs, error, words):
    args = {"w": [2, -3.4], "b": 4.2, "num_examples": 10} | kwargs
    with pytest.raises(error, match=words):
        synthetic_data(**args)


@given(n=num_examples, batch_size=batch_sizes, seed=seeds, shuffle=st.booleans())
def test_data_iter_yields_every_example_exactly_once(n, batch_size, seed, shuffle):
    features = torch.arange(n, dtype=torch.float32).reshape(n, 1).repeat(1, 3)
    labels = torch.arange(n, dtype=torch.float32) * 10
    gen = torch.Generator().manual_seed(seed)
    batches = list(data_iter(batch_size, features, labels, shuffle=shuffle, generator=gen))
    sizes = [len(X) for X, _ in batches]
    expected = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    assert sizes == expected
    seen = torch.cat([X[:, 0] for X, _ in batches]).long()
    assert sorted(seen.tolist()) == list(range(n))
    for X, y in batches:  # rows and labels stay paired
        assert torch.equal(y, X[:, 0] * 10) and torch.equal(X[:, 0], X[:, 2])
    if not shuffle:
        assert seen.tolist() == list(range(n))


def test_data_iter_first_batch_shape_like_the_tutorial(tutorial_data):
    features, labels = tutorial_data
    X, y = next(iter(data_iter(10, features, labels)))
    assert X.shape == (10, 2) and y.shape == (10, 1)


def test_data_iter_draws_a_fresh_order_each_pass():
    features = torch.arange(100.0).reshape(100, 1)
    labels = torch.arange(100.0)
    first = torch.cat([y for _, y in data_iter(100, features, labels)])
    second = torch.cat([y for _, y in data_iter(100, features, labels)])
    assert not torch.equal(first, second)
    assert not torch.equal(first, labels)


def test_data_iter_order_follows_torch_manual_seed():
    features, labels = torch.randn(50, 2), torch.randn(50)
    torch.manual_seed(7)
    a = [y for _, y in data_iter(8, features, labels)]
    torch.manual_seed(7)
    b = [y for _, y in data_iter(8, features, labels)]
    assert all(torch.equal(x, y) for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("shuffle", [True, False])
def test_data_iter_batches_are_copies(shuffle):
    features, labels = torch.randn(20, 2), torch.randn(20)
    before = features.clone(), labels.clone()
    for X, y in data_iter(7, features, labels, shuffle=shuffle):
        X += 100
        y += 100
    assert torch.equal(features, before[0]) and torch.equal(labels, before[1])


@pytest.mark.parametrize(
    ("args", "error", "words"),
    [
        ((0, torch.zeros(5, 2), torch.zeros(5)), ValueError, "batch_size must be a positive int"),
        ((2.0, torch.zeros(5, 2), torch.zeros(5)), TypeError, "batch_size must be a positive int"),
        ((True, torch.zeros(5, 2), torch.zeros(5)), TypeError, "batch_size"),
        ((2, torch.zeros(5, 2), torch.zeros(4)), ValueError, r"len\(features\)=5.*len\(labels\)=4"),
        ((2, torch.zeros(0, 2), torch.zeros(0)), ValueError, "no examples"),
        ((2, [[1.0, 2.0]], torch.zeros(1)), TypeError, "features must be a torch.Tensor"),
        ((2, torch.zeros(1, 2), [1.0]), TypeError, "labels must be a torch.Tensor"),
    ],
)
def test_data_iter_rejects_bad_input_at_the_call(args, error, words):
    # The error comes from the call itself, before any batch is requested.
    with pytest.raises(error, match=words):
        data_iter(*args)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_data_iter_on_cuda_keeps_batches_on_the_device():
    features, labels = torch.randn(100, 2, device="cuda"), torch.randn(100, device="cuda")
    batches = list(data_iter(16, features, labels))
    assert all(X.is_cuda and y.is_cuda for X, y in batches)
    assert sum(len(X) for X, _ in batches) == 100


@pytest.mark.parametrize("n", [1, 9, 100])
def test_data_iter_generator_sets_the_order(n):
    features = torch.arange(float(n)).reshape(n, 1)
    labels = -torch.arange(float(n)).reshape(n, 1)
    order = torch.randperm(n, generator=torch.Generator().manual_seed(9))
    batches = list(data_iter(4, features, labels, generator=torch.Generator().manual_seed(9)))
    assert torch.equal(torch.cat([X for X, _ in batches]).reshape(-1), order.float())
    assert torch.equal(torch.cat([y for _, y in batches]).reshape(-1), -order.float())
    if n > 8:  # another seed, another order
        other = list(data_iter(4, features, labels, generator=torch.Generator().manual_seed(8)))
        assert not torch.equal(torch.cat([X for X, _ in other]), torch.cat([X for X, _ in batches]))


@pytest.mark.parametrize("n", [1, 2, 1000, 65_537, 1_000_003])
def test_shuffle_order_is_torch_randperm_and_draws_the_same(n):
    # Drawn as int32 on the CPU for speed: the same numbers as torch.randperm(n) (int64),
    # and the same draws from the RNG, so whatever follows is unchanged too.
    ours, theirs = torch.Generator().manual_seed(n), torch.Generator().manual_seed(n)
    order = shuffle_order(n, torch.device("cpu"), ours)
    assert order.dtype == torch.int32
    assert torch.equal(order.long(), torch.randperm(n, generator=theirs))
    assert torch.equal(torch.rand(5, generator=ours), torch.rand(5, generator=theirs))
    torch.manual_seed(3)  # the global RNG alike
    order = shuffle_order(n, torch.device("cpu"), None)
    after = torch.rand(5)
    torch.manual_seed(3)
    assert torch.equal(order.long(), torch.randperm(n)) and torch.equal(after, torch.rand(5))


def test_the_order_is_int64_when_int32_cannot_hold_it_or_off_the_cpu():
    big = torch.iinfo(torch.int32).max
    assert _order_dtype(big, torch.device("cpu")) == torch.int32
    assert _order_dtype(big + 1, torch.device("cpu")) == torch.int64
    assert _order_dtype(10, torch.device("cuda")) == torch.int64
    assert _order_dtype(10, torch.device("meta")) == torch.int64


def test_data_iter_without_shuffle_reads_in_order_and_leaves_the_rng_alone():
    features = torch.arange(10.0).reshape(10, 1)
    torch.manual_seed(2)
    batches = list(data_iter(3, features, features.clone(), shuffle=False))
    assert [X.reshape(-1).tolist() for X, _ in batches] == [
        [0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0], [9.0]
    ]  # fmt: skip
    after = torch.rand(2)
    torch.manual_seed(2)
    assert torch.equal(after, torch.rand(2))


@pytest.mark.parametrize("noise", [0.0, 0.3, 2.0])
def test_synthetic_data_noise_sets_the_residual_spread(noise):
    gen = torch.Generator().manual_seed(0)
    features, labels = synthetic_data([1.5, -2.0, 0.5], -1.0, 20000, noise, generator=gen)
    residual = labels - (features @ torch.tensor([[1.5], [-2.0], [0.5]]) - 1.0)
    assert residual.std().item() == pytest.approx(noise, abs=1e-5 + 0.02 * noise)


@pytest.mark.parametrize("shape", [(7,), (7, 3), (7, 2, 3), (7, 2, 1, 3)])
@pytest.mark.parametrize("labels_shape", [(7,), (7, 1), (7, 2, 2), (7, 1, 1, 1)])
def test_data_iter_reads_examples_of_any_shape_up_to_4_d(shape, labels_shape):
    # d2l reuses data_iter for images (n, c, h, w): every example is a slice of dim 0
    features = torch.arange(7 * int(np.prod(shape[1:])), dtype=torch.float32).reshape(shape)
    labels = torch.arange(7 * int(np.prod(labels_shape[1:]))).reshape(labels_shape)
    seen = []
    for X, y in data_iter(3, features, labels, generator=torch.Generator().manual_seed(0)):
        assert X.shape[1:] == shape[1:] and y.shape[1:] == labels_shape[1:] and len(X) == len(y)
        rows = [int(torch.nonzero((features == x).reshape(7, -1).all(1))[0]) for x in X]
        assert torch.equal(labels[rows], y)  # each label travels with its example
        seen += rows
    assert sorted(seen) == list(range(7))


@pytest.mark.parametrize("which", ["features", "labels"])
def test_data_iter_refuses_5_d_and_0_d_data(which):
    good = {"features": torch.zeros(4, 2), "labels": torch.zeros(4)}
    for bad in (torch.zeros(4, 1, 1, 1, 1), torch.tensor(1.0)):
        with pytest.raises(ValueError, match=rf"^{which} must be 1-D or 2-D or 3-D or 4-D, got"):
            data_iter(2, **{**good, which: bad})


def test_synthetic_data_is_the_formula_on_the_generators_draws():
    # features = N(0, 1) draws, then labels = features @ w + b + noise * N(0, 1) draws
    w, b, noise = torch.tensor([2.0, -3.4, 0.5]), 4.2, 0.3
    features, labels = synthetic_data(w, b, 50, noise, generator=torch.Generator().manual_seed(8))
    gen = torch.Generator().manual_seed(8)
    X, z = torch.randn(50, 3, generator=gen), torch.randn(50, 1, generator=gen)
    assert torch.equal(features, X)
    torch.testing.assert_close(labels, X @ w.reshape(-1, 1) + b + noise * z)


def test_synthetic_data_without_noise_draws_only_the_features():
    gen = torch.Generator().manual_seed(2)
    synthetic_data([1.0, 2.0], 0.0, 20, noise=0.0, generator=gen)
    ref = torch.Generator().manual_seed(2)
    torch.randn(20, 2, generator=ref)
    assert torch.equal(torch.randn(3, generator=gen), torch.randn(3, generator=ref))


@pytest.mark.parametrize(
    "w", [torch.tensor([2.0, -3.4], dtype=torch.float64), torch.tensor([2, -3])]
)
def test_synthetic_data_takes_weights_of_any_real_dtype_and_gives_float32(w):
    features, labels = synthetic_data(w, 4.2, 10)
    assert features.dtype == labels.dtype == torch.float32
    torch.testing.assert_close(labels, features @ w.float().reshape(-1, 1) + 4.2, atol=0.1, rtol=0)


def test_synthetic_data_refuses_a_weight_matrix():
    with pytest.raises(ValueError, match=r"^w must be 1-D, got shape \(2, 3\)"):
        synthetic_data(torch.ones(2, 3), 4.2, 10)
