"""Describe and compare what the learner's function returned, the same way in every check."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from ._verdict import fail, raised
from .messages import label


def shape(t: object) -> str:
    """``tensor of shape (n, d) (float32)``; an array by its type, shape and dtype; the type
    and value (one line, cut short) of anything else."""
    if isinstance(t, torch.Tensor):
        return label("tensor", shape=tuple(t.shape), dtype=str(t.dtype).replace("torch.", ""))
    dims = getattr(t, "shape", None)
    if isinstance(dims, tuple) and hasattr(t, "dtype"):  # a NumPy array, say
        kind = f"{type(t).__module__.split('.')[0]} {type(t).__name__}"
        return label("array", kind=kind, shape=tuple(int(n) for n in dims), dtype=t.dtype)
    return " ".join(f"{type(t).__name__} {t!r}".split())[:120]


def values(t: torch.Tensor) -> str:
    """The first four values, ``[1.5, -2, 0.25, 3, ...]``."""
    flat = t.detach().reshape(-1)
    shown = ", ".join(f"{v:.4g}" for v in flat[:4].tolist())
    return f"[{shown}{', ...' if len(flat) > 4 else ''}]"


def close(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Same shape and the same values up to float32 rounding."""
    return a.shape == b.shape and bool(torch.allclose(a.double(), b.double(), rtol=1e-4, atol=1e-5))


def tensor(value: object, case: str, want: str) -> torch.Tensor:
    """``value`` when it is a tensor; otherwise fail, saying a tensor ``want`` was expected."""
    if not isinstance(value, torch.Tensor):
        fail("result.not_tensor", case, want=want, came=shape(value))
    return value


def same_dtype(out: torch.Tensor, dtype: torch.dtype, case: str, key: str = "output.dtype") -> None:
    """Fail with the mistake ``key`` when ``out`` is not of ``dtype`` (it was converted)."""
    if out.dtype != dtype:
        fail(key, case, want=str(dtype), came=str(out.dtype))


class Unchanged:
    """A copy of the inputs taken before the learner's call, to show none was changed in place."""

    def __init__(self, **inputs: torch.Tensor):
        self.inputs = {name: (t, t.detach().clone()) for name, t in inputs.items()}

    def check(self, case: str) -> None:
        for name, (now, before) in self.inputs.items():
            if not torch.equal(before, now.detach()):
                fail("input.changed", case, name=name)


def gradients_flow(
    out: torch.Tensor, expected: Sequence[tuple[str, torch.Tensor, torch.Tensor]], case: str
) -> None:
    """``out.sum().backward()`` gives each ``(name, tensor, gradient)`` its gradient."""
    if not out.requires_grad:
        fail("output.detached", case)
    case = label("backward", case=case)
    try:
        out.sum().backward()
    except Exception as err:
        raised(err, case)
    for name, param, want in expected:
        if param.grad is None or not close(param.grad, want):
            came = "None" if param.grad is None else values(param.grad)
            fail("output.gradient", case, name=name, want=values(want), came=came)
