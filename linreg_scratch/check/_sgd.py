"""Cases for ``sgd(params, lr, batch_size)``: ``param -= lr * param.grad / batch_size`` in place.

A wrong step is named by its size along the right one: ``-1`` is gradient ascent,
``batch_size`` a missing division, ``0`` an update that never reached the parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import torch

from .. import _checks
from ._compare import close, shape, values
from ._verdict import Result, call, fail, run
from .messages import checked, label

STEPS = [(0.1, 4, torch.float32), (0.03, 10, torch.float32), (0.5, 3, torch.float64)]


def sgd(fn: Callable, *, zeroes: bool = False) -> Result:
    """Check ``fn(params, lr, batch_size)``: ``param -= lr * param.grad / batch_size`` in place.

    Both styles of the books pass: ``.grad`` left for the loop to zero (the seed) or
    zeroed by ``sgd`` itself (d2l 2.x), ``param.data`` or ``torch.no_grad()``. With
    ``zeroes=True`` (as :func:`~linreg_scratch.check.grade` checks the assignment, whose
    loop relies on it) ``sgd`` must also zero every ``.grad`` (or set it to None).
    """
    zeroes = _checks.boolean("zeroes", zeroes, "True: sgd must zero the gradients")
    cases: list[Callable[[], None]] = [partial(_one_step, fn, *step) for step in STEPS]
    cases.append(partial(_two_steps, fn))
    covered = checked("sgd")
    if zeroes:  # a case of its own: one mistake, one case, whatever the steps do
        cases.append(partial(_zeroes, fn))
        covered.append(label("sgd.zeroes"))
    return Result("sgd", covered, run("sgd", fn, cases))


def _backward(X: torch.Tensor, y: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> None:
    """Gradients of the summed squared loss of ``X @ w + b`` into ``w.grad`` and ``b.grad``."""
    (((X @ w + b) - y) ** 2 / 2).sum().backward()


def _params_with_grads(dtype: torch.dtype, seed: int, batch: int) -> list[torch.Tensor]:
    """``w (3, 1)``, ``b (1,)`` and their ``.grad`` of a summed squared loss on ``batch`` rows."""
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(batch, 3, generator=gen, dtype=dtype)
    y = torch.randn(batch, 1, generator=gen, dtype=dtype) * 3
    w = torch.randn(3, 1, generator=gen, dtype=dtype).requires_grad_()
    b = torch.randn(1, generator=gen, dtype=dtype).requires_grad_()
    _backward(X, y, w, b)
    return [w, b]


def _one_step(fn, lr: float, bs: int, dtype: torch.dtype) -> None:
    params = _params_with_grads(dtype, int(lr * 1000) + bs, bs)
    case = label("sgd.case", w=shape(params[0]), b=shape(params[1]), lr=lr, bs=bs)
    _step(fn, params, lr, bs, case)


def _zeroes(fn) -> None:
    """One step; then every ``.grad`` must be zeros (or None), whatever the step did."""
    lr, bs = 0.1, 4
    params = _params_with_grads(torch.float32, 7, bs)
    case = label("sgd.case", w=shape(params[0]), b=shape(params[1]), lr=lr, bs=bs)
    call(fn, case, list(params), lr, bs)
    for i, p in enumerate(params):
        if p.grad is not None and bool(p.grad.any()):
            fail("sgd.not_zeroed", case, name="w" if i == 0 else "b", came=values(p.grad))


def _two_steps(fn) -> None:
    lr, bs = 0.2, 5
    params = _params_with_grads(torch.float32, 1, bs)
    case = label("sgd.second_step", lr=lr, bs=bs)
    _step(fn, params, lr, bs, case)
    # what the seed's loop does between steps: zero the gradients if sgd did not, backward again
    gen = torch.Generator().manual_seed(2)
    X, y = torch.randn(bs, 3, generator=gen), torch.randn(bs, 1, generator=gen)
    for p in params:
        if p.grad is not None:
            p.grad.zero_()
    _backward(X, y, *params)
    _step(fn, params, lr, bs, case)


def _step(fn, params: list[torch.Tensor], lr: float, bs: int, case: str) -> None:
    originals = list(params)
    grads = [p.grad.clone() for p in params if p.grad is not None]  # all: _backward just ran
    before = [p.detach().clone() for p in params]
    passed = list(params)
    call(fn, case, passed, lr, bs)
    for i, (p, g, v) in enumerate(zip(originals, grads, before, strict=True)):
        name = "w" if i == 0 else "b"
        want = v - lr * g / bs
        if passed[i] is not p and getattr(passed[i], "grad_fn", None) is not None:
            fail("sgd.replaced", case, name=name, i=i)
        got = p.detach()
        if close(got, want):
            if p.grad is not None and not (torch.equal(p.grad, g) or not p.grad.any()):
                fail("sgd.grad_changed", case, came=values(p.grad))
            continue
        step, right = (v - got).double(), (lr * g / bs).double()
        ratio = float((step * right).sum() / (right * right).sum())
        zeroed = p.grad is not None and not p.grad.any() and bool(g.any())
        key = _name_step(ratio, lr, bs, zeroed)
        fail(key, case, name=name, want=values(want), came=values(got), ratio=ratio)


def _name_step(ratio: float, lr: float, bs: int, zeroed: bool) -> str:
    """The mistake behind a step ``ratio`` times the right one (``zeroed``: .grad is all 0)."""

    def near(x: float) -> bool:
        return abs(ratio - x) <= 1e-3 * max(1.0, abs(x))

    if near(0.0):
        return "sgd.zeroed_first" if zeroed else "sgd.no_effect"
    named = [
        (near(-1.0), "sgd.ascent"),
        (near(float(bs)), "sgd.not_divided"),
        (near(1.0 / bs), "sgd.divided_twice"),
        (near(1.0 / lr) or near(bs / lr), "sgd.no_lr"),
        (near(lr) or near(lr * lr), "sgd.lr_twice"),
    ]
    return next((key for hit, key in named if hit), "sgd.wrong_divisor")
