"""The chapter's training loop as a function."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence

import torch

from . import _checks
from .data import _batches, shuffle_order
from .loss import squared_loss
from .model import linreg
from .optim import sgd

#: ``callback(epoch, batch, params)``, called after every parameter update
#: (both counted from 0); see :func:`train`.
StepCallback = Callable[[int, int, Sequence[torch.Tensor]], None]


def train(
    net: Callable[..., torch.Tensor],
    loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    params: Sequence[torch.Tensor],
    features: torch.Tensor,
    labels: torch.Tensor,
    *,
    lr: float = 0.03,
    num_epochs: int = 3,
    batch_size: int = 10,
    verbose: bool = True,
    generator: torch.Generator | None = None,
    callback: StepCallback | None = None,
) -> list[float]:
    """Train ``params`` in place with mini-batch SGD; return the loss after each epoch.

    ``features: (n, d)``, ``labels: (n,)``. Each epoch reads the data in a fresh
    random order in batches of ``batch_size`` (the last may be shorter), and for
    each batch ``(X, y)`` computes ``loss(net(X, *params), y).sum()``, its
    gradient, and the step ``param -= lr * grad / len(X)``. After the epoch it
    records the mean of ``loss(net(features, *params), labels)`` and, with
    ``verbose``, prints it as ``epoch 1, loss 0.028127``.

    ``callback(epoch, batch, params)`` is called after every update, e.g. to
    record the trajectory of the parameters. Raises ``FloatingPointError`` if the
    loss stops being finite (usually ``lr`` is too large): a
    :class:`DivergenceError`, which also carries the losses recorded so far.

    For ``net=linreg, loss=squared_loss`` the gradient is computed by its formula
    (``X.T @ r`` and ``sum(r)`` with ``r = X @ w + b - y``) instead of by autograd:
    the same update, without autograd's per-batch bookkeeping.

    Example:

    >>> from linreg_scratch import init_params, synthetic_data
    >>> features, labels = synthetic_data([2, -3.4], 4.2, 1000)
    >>> w, b = init_params(2)
    >>> losses = train(linreg, squared_loss, [w, b], features, labels, verbose=False)
    >>> len(losses), losses[-1] < 1e-4
    (3, True)
    """
    if not callable(net):
        raise TypeError(f"net must be a function like linreg, got {type(net).__name__}")
    if not callable(loss):
        raise TypeError(f"loss must be a function like squared_loss, got {type(loss).__name__}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None, got {type(callback).__name__}")
    params = _check_params(params)
    n = _checks.examples(features, labels)
    for i, param in enumerate(params):
        _checks.same_device(f"params[{i}]", param, features)
    lr = _checks.positive_float("lr", lr)
    num_epochs = _checks.positive_int("num_epochs", num_epochs)
    batch_size = _checks.positive_int("batch_size", batch_size)

    fast = _is_plain_linreg(net, loss, params, features, labels)
    run_epoch = _linreg_epoch if fast else _autograd_epoch
    num_batches = -(-n // batch_size)
    batch_losses = torch.empty(num_batches, dtype=features.dtype, device=features.device)
    for param in params:
        param.grad = None  # a stale gradient would corrupt the first step
    history: list[float] = []
    for epoch in range(num_epochs):
        order = shuffle_order(n, features.device, generator)
        on_step = None if callback is None else functools.partial(callback, epoch)
        run_epoch(net, loss, params, features, labels, order, batch_size, lr, batch_losses, on_step)
        with torch.no_grad():
            epoch_loss = loss(net(features, *params), labels).mean().item()
        _check_finite(epoch, epoch_loss, batch_losses, lr, history)
        history.append(epoch_loss)
        if verbose:
            print(f"epoch {epoch + 1}, loss {epoch_loss:f}")
    return history


def _check_params(params: Sequence[torch.Tensor]) -> list[torch.Tensor]:
    if isinstance(params, torch.Tensor):
        raise TypeError("params must be a list of tensors such as [w, b], not one tensor")
    params = list(params)
    if not params:
        raise ValueError("params is empty; pass the tensors to train, e.g. [w, b]")
    for i, param in enumerate(params):
        _checks.floating(f"params[{i}]", _checks.tensor(f"params[{i}]", param))
        if not param.requires_grad:
            raise ValueError(
                f"params[{i}] does not require gradients; call .requires_grad_(True) "
                f"on it before training"
            )
        if not param.is_leaf:
            raise ValueError(
                f"params[{i}] was computed from other tensors, so autograd will not "
                f"fill its .grad; create it directly, e.g. torch.zeros(..., "
                f"requires_grad=True)"
            )
    return params


def _is_plain_linreg(net, loss, params, features, labels) -> bool:
    """True when the closed-form gradient computes exactly what autograd would."""
    if net is not linreg or loss is not squared_loss or len(params) != 2:
        return False
    w, b = params
    return (
        w.shape == (features.shape[1], 1)
        and b.dim() <= 1
        and b.numel() == 1
        and labels.numel() == len(features)
        and features.dtype == labels.dtype == w.dtype == b.dtype
    )


def _autograd_epoch(
    net, loss, params, features, labels, order, batch_size, lr, batch_losses, on_step
):
    for k, (X, y) in enumerate(_batches(batch_size, features, labels, order)):
        batch_loss = loss(net(X, *params), y).sum()
        batch_loss.backward()
        sgd(params, lr, len(X))  # the real length: the last batch may be short
        for param in params:
            param.grad.zero_()
        batch_losses[k] = batch_loss.detach()
        if on_step is not None:
            on_step(k, params)


def _linreg_epoch(
    net, loss, params, features, labels, order, batch_size, lr, batch_losses, on_step
):
    # r = X @ w + b - y; the summed loss sum(r^2)/2 has gradients X.T @ r and sum(r).
    w, b = (p.detach() for p in params)  # same storage, no autograd bookkeeping
    batches = _batches(batch_size, features, labels.reshape(-1, 1), order)
    with torch.no_grad():
        for k, (X, y) in enumerate(batches):
            r = torch.addmm(b, X, w).sub_(y)
            batch_losses[k] = torch.dot(r.view(-1), r.view(-1))
            step = lr / len(X)
            w.addmm_(X.T, r, alpha=-step)
            b.sub_(r.sum(), alpha=step)
            if on_step is not None:
                on_step(k, params)
    batch_losses /= 2


class DivergenceError(FloatingPointError):
    """Raised by :func:`train` when the loss stops being finite.

    ``reason`` says what happened and where (``"the loss became inf at epoch 1,
    batch 21 of 100"``); ``epoch`` and ``batch`` (both from 1; ``batch`` is None
    when only the end-of-epoch loss was bad) say where; ``losses`` holds the epoch
    losses recorded before that.
    """

    def __init__(
        self, reason: str, lr: float, *, epoch: int, batch: int | None, losses: list[float]
    ):
        super().__init__(
            f"training diverged: {reason}; lr={lr:g} is probably too large, try a smaller "
            f"one such as lr={lr / 10:g} (the parameters are no longer finite: initialise "
            f"them again)"
        )
        self.reason, self.epoch, self.batch, self.losses = reason, epoch, batch, losses


def _check_finite(epoch, epoch_loss, batch_losses, lr, history):
    bad = ~torch.isfinite(batch_losses)
    if math.isfinite(epoch_loss) and not bool(bad.any()):
        return
    batch = None
    if bool(bad.any()):
        batch = int(bad.nonzero()[0]) + 1
        kind = "NaN" if bool(torch.isnan(batch_losses[batch - 1])) else "inf"
        where = f"epoch {epoch + 1}, batch {batch} of {len(batch_losses)}"
    else:
        kind = "NaN" if math.isnan(epoch_loss) else "inf"
        where = f"the end of epoch {epoch + 1}"
    raise DivergenceError(
        f"the loss became {kind} at {where}",
        lr,
        epoch=epoch + 1,
        batch=batch,
        losses=list(history),
    )


class Trajectory:
    """A ``callback`` for :func:`train` that records the parameters after every step.

    >>> from linreg_scratch import init_params, synthetic_data
    >>> features, labels = synthetic_data([2, -3.4], 4.2, 100)
    >>> w, b = init_params(2)
    >>> trajectory = Trajectory([w, b])  # also records the starting point
    >>> _ = train(linreg, squared_loss, [w, b], features, labels, callback=trajectory,
    ...           verbose=False)
    >>> trajectory.stack(0).shape  # w at the start and after each of 3 x 10 steps
    torch.Size([31, 2, 1])

    ``steps`` holds, per update, the ``(epoch, batch)`` pair and ``params`` a copy
    of every parameter (detached, so recording does not keep autograd graphs).
    """

    def __init__(self, params: Sequence[torch.Tensor] | None = None) -> None:
        self.steps: list[tuple[int, int]] = []
        self.params: list[list[torch.Tensor]] = []
        if params is not None:  # the starting point, before any step
            self.params.append([p.detach().clone() for p in params])

    def __call__(self, epoch: int, batch: int, params: Sequence[torch.Tensor]) -> None:
        self.steps.append((epoch, batch))
        self.params.append([p.detach().clone() for p in params])

    def stack(self, index: int) -> torch.Tensor:
        """Parameter ``index`` at every recorded point, stacked along a new first axis."""
        if not self.params:
            raise ValueError("nothing recorded yet: pass the Trajectory to train(callback=...)")
        return torch.stack([p[index] for p in self.params])
