"""Cases for ``linreg(X, w, b)``: ``X @ w + b`` of shape ``(n, 1)``, with gradients."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import torch

from ._compare import Unchanged, close, gradients_flow, same_dtype, shape, tensor, values
from ._verdict import Result, call, fail, run
from .messages import checked, label

SIZES = [
    (10, 2, torch.float32),
    (7, 3, torch.float32),
    (1, 4, torch.float32),
    (5, 1, torch.float32),
    (3, 3, torch.float32),  # square X: catches X.T @ w
    (6, 2, torch.float64),
]


def linreg(fn: Callable) -> Result:
    """Check ``fn(X, w, b)`` against ``X @ w + b`` of shape ``(n, 1)``, with gradients."""
    cases = [partial(_case, fn, n, d, dtype) for n, d, dtype in SIZES]
    return Result("linreg", checked("linreg"), run("linreg", fn, cases))


def _case(fn, n: int, d: int, dtype: torch.dtype) -> None:
    gen = torch.Generator().manual_seed(n * 31 + d)
    X = torch.randn(n, d, generator=gen, dtype=dtype)
    w = torch.randn(d, 1, generator=gen, dtype=dtype).requires_grad_()
    b = (torch.randn(1, generator=gen, dtype=dtype) + 2).requires_grad_()
    inputs = Unchanged(X=X, w=w, b=b)
    case = label("linreg.case", X=shape(X), w=shape(w), b=shape(b))
    out = tensor(call(fn, case, X, w, b), case, label("linreg.returns", n=n))
    inputs.check(case)
    with torch.no_grad():
        want = X @ w + b
        mistake = _mistake(out.detach(), X, w, b)
    if mistake:
        came = shape(out) + " " + values(out)
        fail(mistake, case, want=f"{tuple(want.shape)} " + values(want), came=came)
    same_dtype(out, dtype, case)
    ones = torch.ones(n, 1, dtype=dtype)
    grads = [("w", w, X.T @ ones), ("b", b, torch.full((1,), float(n), dtype=dtype))]
    gradients_flow(out, grads, case)


def _mistake(out: torch.Tensor, X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> str | None:
    """The mistake that ``out`` shows, or ``None`` when it is ``X @ w + b``, shape ``(n, 1)``."""
    n, d = X.shape
    if out.numel() != n:
        return "linreg.size"
    flat = out.reshape(-1)
    known = {"linreg.minus_bias": X @ w - b, "linreg.no_bias": X @ w}
    if n == d:
        known["linreg.transposed_X"] = X.T @ w + b
    for key, wrong in known.items():
        if close(flat, wrong.reshape(-1)):
            return key
    want = X @ w + b
    if not close(flat, want.reshape(-1)):
        return "linreg.values"
    return None if out.shape == want.shape else "linreg.reshaped"
