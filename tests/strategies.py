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
