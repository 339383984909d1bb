"""Check a gradient against finite differences (and the formula, for linreg)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from . import _checks
from .loss import squared_loss
from .model import linreg


def grad_check(
    net: Callable[..., torch.Tensor],
    loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    params: Sequence[torch.Tensor],
    X: torch.Tensor,
    y: torch.Tensor,
    *,
    eps: float = 1e-6,
) -> float:
    """Largest relative error between autograd's gradient and independent references.

    The function checked is ``f(params) = loss(net(X, *params), y).sum()``. The
    references are the central difference ``(f(p + eps) - f(p - eps)) / (2 eps)``
    for every entry of every parameter and, when ``net is linreg`` and
    ``loss is squared_loss``, the formula ``X.T @ r`` and ``sum(r)`` with
    ``r = X @ w + b - y``. For each parameter the error is
    ``||g - g_ref|| / max(||g||, ||g_ref||)``; the largest is returned. Everything
    runs on float64 copies: ``params``, ``X`` and ``y`` are left untouched. A correct
    gradient gives about 1e-8 or less; a wrong one, something near 1.

    Example:

    >>> w, b = torch.randn(2, 1), torch.zeros(1)
    >>> grad_check(linreg, squared_loss, [w, b], torch.randn(5, 2), torch.randn(5)) < 1e-6
    True
    """
    if not callable(net) or not callable(loss):
        raise TypeError("net and loss must be functions, like linreg and squared_loss")
    if isinstance(params, torch.Tensor) or len(params) == 0:
        raise TypeError("params must be a non-empty list of tensors such as [w, b]")
    for i, p in enumerate(params):
        _checks.floating(f"params[{i}]", _checks.tensor(f"params[{i}]", p))
    _checks.tensor("X", X)
    _checks.tensor("y", y)
    eps = _checks.positive_float("eps", eps)

    X64, y64 = X.detach().double(), y.detach().double()
    ps = [p.detach().double().clone().requires_grad_() for p in params]

    def f(values):
        return loss(net(X64, *values), y64).sum()

    raw = torch.autograd.grad(f(ps), ps, allow_unused=True)
    grads = [torch.zeros_like(p) if g is None else g for p, g in zip(ps, raw, strict=True)]

    references = [_finite_differences(f, ps, eps)]
    if net is linreg and loss is squared_loss and len(ps) == 2:
        w, b = (p.detach() for p in ps)
        r = X64 @ w + b - y64.reshape(-1, 1)
        references.append([X64.T @ r, r.sum().reshape(b.shape)])

    worst = 0.0
    for reference in references:
        for g, g_ref in zip(grads, reference, strict=True):
            scale = max(g.norm().item(), g_ref.norm().item())
            if scale > 0:
                worst = max(worst, (g - g_ref).norm().item() / scale)
    return worst


def _finite_differences(f, ps, eps):
    """Central differences of ``f`` for every entry of every parameter."""
    out = []
    with torch.no_grad():
        values = [p.detach().clone() for p in ps]
        for v in values:
            grad = torch.zeros_like(v)
            flat, gflat = v.view(-1), grad.view(-1)
            for i in range(flat.numel()):
                saved = flat[i].item()
                flat[i] = saved + eps
                up = f(values).item()
                flat[i] = saved - eps
                down = f(values).item()
                flat[i] = saved
                gflat[i] = (up - down) / (2 * eps)
            out.append(grad)
    return out
