"""Cases for ``squared_loss(y_hat, y)``: ``(y_hat - y.reshape(y_hat.shape)) ** 2 / 2``."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import torch

from ._compare import Unchanged, close, gradients_flow, same_dtype, shape, tensor, values
from ._verdict import Result, call, fail, run
from .messages import checked, label

SIZES = [
    (10, "(n,)", torch.float32),
    (10, "(n, 1)", torch.float32),
    (7, "(n,)", torch.float32),
    (1, "(n,)", torch.float32),
    (5, "(n,)", torch.float64),
]


def squared_loss(fn: Callable) -> Result:
    """Check ``fn(y_hat, y)`` against ``(y_hat - y.reshape(y_hat.shape)) ** 2 / 2``, one per example."""  # noqa: E501
    cases = [partial(_case, fn, n, y_shape, dtype) for n, y_shape, dtype in SIZES]
    return Result("squared_loss", checked("squared_loss"), run("squared_loss", fn, cases))


def _case(fn, n: int, y_shape: str, dtype: torch.dtype) -> None:
    gen = torch.Generator().manual_seed(n * 7 + len(y_shape))
    y_hat = torch.randn(n, 1, generator=gen, dtype=dtype).requires_grad_()
    y = torch.randn(n, generator=gen, dtype=dtype) * 2
    if y_shape == "(n, 1)":
        y = y.reshape(n, 1)
    inputs = Unchanged(y_hat=y_hat, y=y)
    case = label("squared_loss.case", y_hat=shape(y_hat), y=shape(y))
    out = tensor(call(fn, case, y_hat, y), case, label("squared_loss.returns", n=n))
    inputs.check(case)
    with torch.no_grad():
        diff = y_hat - y.reshape(y_hat.shape)
        want = diff**2 / 2
        mistake = _mistake(out.detach(), diff)
    if mistake:
        came = shape(out) + " " + values(out)
        fail(mistake, case, n=n, y_shape=tuple(y.shape), want=values(want), came=came)
    same_dtype(out, dtype, case)
    gradients_flow(out, [("y_hat", y_hat, diff)], case)


def _mistake(got: torch.Tensor, diff: torch.Tensor) -> str | None:
    """The mistake that ``got`` shows, or ``None`` when it holds ``diff ** 2 / 2`` per example."""
    n = len(diff)
    want = diff**2 / 2
    if n > 1 and got.shape in {(n, n), (n, n, 1)}:
        return "squared_loss.broadcast"
    if got.numel() == 1 and n > 1:
        total = got.reshape(())
        summed = close(total, want.sum()) or close(total, (2 * want).sum())
        return "squared_loss.sum" if summed else "squared_loss.mean"
    if got.numel() != n:
        return "squared_loss.size"
    flat, want, error = got.reshape(-1), want.reshape(-1), diff.abs().reshape(-1)
    if close(flat, want):
        return None
    if close(flat, 2 * want):
        return "squared_loss.no_half"
    if close(flat, error) or close(flat, error / 2):
        return "squared_loss.absolute"
    return "squared_loss.values"
