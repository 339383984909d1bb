"""Hypothesis strategies shared by the tests."""

from __future__ import annotations

import torch
from hypothesis import strategies as st

#: Data set sizes and batch sizes, including batch sizes larger than the data.
num_examples = st.integers(min_value=1, max_value=300)
batch_sizes = st.integers(min_value=1, max_value=350)
seeds = st.integers(min_value=0, max_value=2**31 - 1)


@st.composite
def linreg_problems(draw, dtype=torch.float64, max_n=40, max_d=6):
    """A random ``(X, w, b, y)``: ``X: (n, d)``, ``w: (d, 1)``, ``b: (1,)``, ``y: (n,)``."""
    n = draw(st.integers(1, max_n))
    d = draw(st.integers(1, max_d))
    gen = torch.Generator().manual_seed(draw(seeds))
    scale = draw(st.sampled_from([0.1, 1.0, 10.0]))
    X = scale * torch.randn(n, d, generator=gen, dtype=dtype)
    w = torch.randn(d, 1, generator=gen, dtype=dtype)
    b = torch.randn(1, generator=gen, dtype=dtype)
    y = torch.randn(n, generator=gen, dtype=dtype)
    return X, w, b, y


# --- the promise (tests/test_promise.py): valid oddities and learner mistakes ----------

META = torch.device("meta")  # a second device that exists everywhere, even without a GPU


@st.composite
def datasets(draw, max_n=30, max_d=4, d=None):
    """A valid but possibly unusual data set ``(features, labels)``.

    float32 or float64, labels ``(n,)`` or ``(n, 1)``, features maybe non-contiguous
    (a transposed copy) and maybe requiring grad.
    """
    n = draw(st.integers(1, max_n))
    d = draw(st.integers(1, max_d)) if d is None else d
    dtype = draw(st.sampled_from([torch.float32, torch.float64]))
    gen = torch.Generator().manual_seed(draw(seeds))
    features = torch.randn(n, d, generator=gen, dtype=dtype)
    if draw(st.booleans()):  # same values, transposed strides
        features = features.T.contiguous().T
    labels = features @ torch.randn(d, 1, generator=gen, dtype=dtype) + 0.5
    labels = labels + 0.01 * torch.randn(n, 1, generator=gen, dtype=dtype)
    if draw(st.booleans()):
        labels = labels.reshape(-1)
    if draw(st.booleans()):
        features.requires_grad_()
    if draw(st.booleans()):
        labels.requires_grad_()
    return features, labels


def bad_data(features: torch.Tensor, labels: torch.Tensor):
    """Mistakes in a data set: ``(argument, wrong value, what the message must start with)``."""
    n, d = features.shape
    f, y = features.detach(), labels.detach()
    nan_f = f.clone()
    nan_f[n // 2, d - 1] = float("nan")
    inf_y = y.clone()
    inf_y.view(-1)[0] = float("inf")
    return [
        ("features", None, "features"),
        ("features", f.tolist(), "features"),
        ("features", f.to(torch.int64), "features"),
        ("features", f > 0, "features"),
        ("features", f.to(torch.complex64), "features"),
        ("features", f[:, 0], "features"),
        ("features", f.unsqueeze(0), "features"),
        ("features", nan_f, "features"),
        ("features", torch.zeros(n + 1, d, dtype=f.dtype), "features and labels"),
        ("labels", None, "labels"),
        ("labels", y.reshape(-1).tolist(), "labels"),
        ("labels", y > 0, "labels"),
        ("labels", y.to(torch.int32), "labels"),
        ("labels", y.to(torch.complex128), "labels"),
        ("labels", torch.zeros(n, 2, dtype=y.dtype), "labels"),
        ("labels", torch.zeros(n + 2, dtype=y.dtype), "features and labels"),
        ("labels", inf_y, "labels"),
        ("labels", y.to(META), "labels"),
    ]


#: Wrong values for hyperparameters; every one must be refused naming the argument.
BAD_POSITIVE_FLOATS = [0, -1.0, float("nan"), float("inf"), "0.1", None, True]
BAD_POSITIVE_INTS = [0, -3, 2.5, "10", None, True, float("nan")]
BAD_GENERATORS = [0, 42, "seed", 1.5, torch.zeros(1)]


def bad_params(w: torch.Tensor, b: torch.Tensor):
    """Mistakes in ``[w, b]`` for linreg: ``(value, words the message must contain)``."""
    d = w.shape[0]
    extra = torch.zeros(1, dtype=w.dtype, requires_grad=True)
    return [
        (None, "params"),
        (w, "params"),  # a bare tensor instead of a list
        ([], "params"),
        ([w, b, extra], "params"),
        ([w], "params"),
        ([torch.randn(d, 1, dtype=w.dtype, requires_grad=True) * 0.01, b], "params[0]"),
        ([w.detach().clone(), b], "params[0]"),  # no requires_grad
        ([w.detach().to(torch.int64), b], "params[0]"),
        ([torch.zeros(d, 2, dtype=w.dtype, requires_grad=True), b], "w"),
        ([w, torch.zeros(2, dtype=w.dtype, requires_grad=True)], "b"),
        ([w.detach().to(META).requires_grad_(), b], "params[0]"),
    ]


# --- scalar arguments (tests/test_checks.py) -------------------------------------------

#: Bounds for ``_checks.scalar``: ints of any size, Python's arbitrary precision included.
scalar_ints = st.integers(min_value=-(2**70), max_value=2**70)
#: Things that are no number at all, or not a real one (complex, a 1-element tensor).
not_numbers = st.one_of(
    st.text(max_size=5),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.complex_numbers(allow_nan=False, min_magnitude=1),
    st.floats(-10, 10).map(lambda v: torch.tensor([v])),
)
