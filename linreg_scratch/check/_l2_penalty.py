"""Cases for ``l2_penalty(w)``: ``sum(w ** 2) / 2``, one number, with a gradient of ``w``."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import torch

from ._compare import Unchanged, close, gradients_flow, same_dtype, shape, tensor, values
from ._verdict import Result, call, fail, run
from .messages import checked, label

SHAPES = [
    ((3, 1), torch.float32),
    ((5, 1), torch.float32),
    ((1, 1), torch.float32),
    ((4,), torch.float32),
    ((2, 1), torch.float64),
]


def l2_penalty(fn: Callable) -> Result:
    """Check ``fn(w)`` against ``sum(w ** 2) / 2``: one number, differentiable, ``w`` untouched."""
    cases = [partial(_case, fn, size, dtype) for size, dtype in SHAPES]
    return Result("l2_penalty", checked("l2_penalty"), run("l2_penalty", fn, cases))


def _case(fn, size: tuple[int, ...], dtype: torch.dtype) -> None:
    gen = torch.Generator().manual_seed(sum(size) * 13 + len(size))
    w = (torch.randn(size, generator=gen, dtype=dtype) * 2).requires_grad_()
    inputs = Unchanged(w=w)
    case = label("l2_penalty.case", w=shape(w))
    out = tensor(call(fn, case, w), case, label("l2_penalty.returns"))
    inputs.check(case)
    with torch.no_grad():
        want = (w**2).sum() / 2
        mistake = _mistake(out.detach(), w.detach())
    if mistake:
        fail(mistake, case, want=f"{float(want):.4g}", came=shape(out) + " " + values(out))
    same_dtype(out, dtype, case)
    gradients_flow(out, [("w", w, w.detach())], case)


def _mistake(out: torch.Tensor, w: torch.Tensor) -> str | None:
    """The mistake that ``out`` shows, or ``None`` when it is the one number ``sum(w^2) / 2``."""
    squares = w**2 / 2
    if out.numel() != 1:
        return "l2_penalty.not_summed" if close(out, squares) else "l2_penalty.not_scalar"
    got = out.reshape(())
    want = squares.sum()
    if close(got, want):
        return None
    norm = w.norm()
    known = {
        "l2_penalty.no_half": 2 * want,
        "l2_penalty.not_squared": norm,
        "l2_penalty.half_norm": norm / 2,
        "l2_penalty.l1": w.abs().sum(),
        "l2_penalty.mean": squares.mean(),
    }
    return next((key for key, wrong in known.items() if close(got, wrong)), "l2_penalty.values")
