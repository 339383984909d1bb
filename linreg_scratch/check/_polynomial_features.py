"""Cases for ``polynomial_features(x, degree)``: the columns ``x^i / i!``, ``i = 1..degree``."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import torch

from ._compare import Unchanged, close, same_dtype, shape, tensor, values
from ._verdict import Result, call, fail, run
from .messages import checked, label

CASES = [
    (6, "(n, 1)", 3, torch.float32),
    (5, "(n,)", 4, torch.float32),
    (4, "(n, 1)", 1, torch.float32),
    (7, "(n, 1)", 6, torch.float32),
    (3, "(n, 1)", 5, torch.float64),
]


def polynomial_features(fn: Callable) -> Result:
    """Check ``fn(x, degree)`` against the columns ``x^i / i!``, ``i = 1..degree``: ``(n, degree)``."""  # noqa: E501
    cases = [partial(_case, fn, *spec) for spec in CASES]
    name = "polynomial_features"
    return Result(name, checked(name), run(name, fn, cases))


def _columns(x: torch.Tensor, powers: range, factorial: bool = True) -> torch.Tensor:
    """``x^i (/ i!)`` for each ``i`` in ``powers``, one column each, in float64."""
    cols = [x.double() ** i / (math.factorial(i) if factorial else 1) for i in powers]
    return torch.stack(cols, 1)


def _case(fn, n: int, x_shape: str, degree: int, dtype: torch.dtype) -> None:
    gen = torch.Generator().manual_seed(n * 11 + degree)
    x = torch.randn(n, generator=gen, dtype=dtype) * 1.5
    x[0] = 2.5  # a value above 1, where x^i and x^i / i! differ a lot
    if x_shape == "(n, 1)":
        x = x.reshape(n, 1)
    inputs = Unchanged(x=x)
    case = label("polynomial_features.case", x=shape(x), degree=degree)
    out = tensor(call(fn, case, x, degree), case, label("polynomial_features.returns"))
    inputs.check(case)
    flat = x.reshape(-1)
    want = _columns(flat, range(1, degree + 1))
    mistake = _mistake(out.detach().double(), flat, degree)
    if mistake:
        fail(
            mistake,
            case,
            n=n,
            degree=degree,
            want=f"({n}, {degree}) " + values(want[-1]),
            came=shape(out) + " " + values(out.reshape(out.shape[0], -1)[-1] if out.dim() else out),
        )
    same_dtype(out, dtype, case)


def _mistake(out: torch.Tensor, x: torch.Tensor, degree: int) -> str | None:
    """The mistake that ``out`` shows, or ``None`` when it holds ``x^i / i!``, ``(n, degree)``."""
    n = len(x)
    want = _columns(x, range(1, degree + 1))
    if out.shape == (n, degree) and close(out, want):
        return None
    if out.shape == (n, degree + 1) and close(out, _columns(x, range(degree + 1))):
        return "polynomial_features.constant"
    if out.shape == (n, degree) and close(out, _columns(x, range(degree))):
        return "polynomial_features.constant"
    if out.shape == (degree, n) and close(out.T, want):
        return "polynomial_features.transposed"
    if out.shape == (n, degree) and close(out, _columns(x, range(1, degree + 1), factorial=False)):
        return "polynomial_features.no_factorial"
    if out.shape != (n, degree):
        return "polynomial_features.shape"
    return "polynomial_features.values"
