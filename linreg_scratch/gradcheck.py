"""Check a gradient against finite differences (and the formula, for linreg)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from . import _checks
from .lang import text
from .loss import squared_loss
from .model import linreg
from .probe import probe_model


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
    gradient gives about 1e-8 or less; a wrong one, something near 1. A gradient
    that is NaN or inf (e.g. ``sqrt`` of a negative number in ``net``) is a failure:
    ``FloatingPointError``, never a reassuring small number.

    Example:

    >>> gen = torch.Generator().manual_seed(0)
    >>> w, b = torch.randn(2, 1, generator=gen), torch.zeros(1)
    >>> X, y = torch.randn(5, 2, generator=gen), torch.randn(5, 1, generator=gen)
    >>> grad_check(linreg, squared_loss, [w, b], X, y) < 1e-6
    True
    """
    _checks.function("net", net, like="linreg")
    _checks.function("loss", loss, like="squared_loss")
    params = _checks.tensor_list("params", params)
    _checks.real_floating("X", _checks.tensor("X", X, ndim=2))
    _checks.real_floating("y", _checks.tensor("y", y, ndim=(1, 2)))  # 0-d: no example to hold
    _checks.one_per_example("y", y, len(X))
    _checks.on_device("y", y, "X", X)
    for i, p in enumerate(params):
        _checks.real_floating(f"params[{i}]", p)
        _checks.on_device(f"params[{i}]", p, "X", X)
    for name, value in [("X", X), ("y", y), *((f"params[{i}]", p) for i, p in enumerate(params))]:
        _checks.finite(name, value)  # after the device checks: this one reads the values
    eps = _checks.scalar("eps", eps, float, low=0, include_low=False)
    if net is linreg:
        _checks.linreg_args(params, X)
    probe_model(net, loss, params, X.detach(), y.detach(), "grad_check")

    X64, y64 = X.detach().double(), y.detach().double()
    ps = [p.detach().double().clone().requires_grad_() for p in params]

    def f(values):
        return loss(net(X64, *values), y64).sum()

    raw = torch.autograd.grad(f(ps), ps, allow_unused=True)
    grads = [torch.zeros_like(p) if g is None else g for p, g in zip(ps, raw, strict=True)]

    references = [_finite_differences(f, ps, eps)]
    if net is linreg and loss is squared_loss and len(ps) == 2:
        w, b = (p.detach() for p in ps)
        r = X64 @ w.reshape(-1, 1) + b - y64.reshape(-1, 1)
        references.append([(X64.T @ r).reshape(w.shape), r.sum().reshape(b.shape)])

    worst = 0.0
    for source, reference in zip(
        ("autograd", "finite differences"), [grads, references[0]], strict=True
    ):
        for i, g in enumerate(reference):
            if not bool(torch.isfinite(g).all()):
                raise FloatingPointError(
                    text(
                        f"the gradient of params[{i}] from {source} is not finite (NaN or "
                        f"inf): net or loss is not differentiable at these inputs (e.g. sqrt "
                        f"of a negative number), so the gradient check fails",
                        f"由 {source} 得到的 params[{i}] 的梯度不是有限值（NaN 或 inf）："
                        f"net 或 loss 在这些输入处不可微（例如对负数开平方），梯度检验无法进行",
                    )
                )
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
        values = [p.detach().clone(memory_format=torch.contiguous_format) for p in ps]
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
