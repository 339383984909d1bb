"""The chapter's training loop as a function."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence

import torch

from . import _checks
from .data import _batches, shuffle_order
from .loss import squared_loss
from .model import init_params, linreg
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

    ``features: (n, d)``, ``labels: (n, 1)`` or ``(n,)``. Each epoch reads the data in a fresh
    random order in batches of ``batch_size`` (the last may be shorter), and for
    each batch ``(X, y)`` computes ``loss(net(X, *params), y).sum()``, its
    gradient, and the step ``param -= lr * grad / len(X)``. After the epoch it
    records the mean of ``loss(net(features, *params), labels)`` and, with
    ``verbose``, prints it as ``epoch 1, loss 0.028127``.

    ``callback(epoch, batch, params)`` is called after every update, e.g. to
    record the trajectory of the parameters. Raises ``FloatingPointError`` if the
    loss stops being finite (usually ``lr`` is too large): a
    :class:`DivergenceError`, which also carries the losses recorded so far.

    Before training, ``net`` and ``loss`` are tried on the first examples, so swapped
    functions, extra params or an output of the wrong shape are named at once.
    ``features`` and ``labels`` are never changed, even when they require grad. A NaN or
    inf in them is a ``ValueError`` naming the first one, and ``params`` are left as they
    were (for ``linreg`` with ``squared_loss`` the data are only read for this check if
    the first epoch's loss is not finite, which such a value always causes).

    For ``net=linreg, loss=squared_loss`` the gradient is computed by its formula
    (``X.T @ r`` and ``sum(r)`` with ``r = X @ w + b - y``) instead of by autograd:
    the same update, without autograd's per-batch bookkeeping.

    Args:
        net: the model, called as ``net(X, *params)``, e.g. ``linreg``.
        loss: the loss of each example, called as ``loss(y_hat, y)``, e.g. ``squared_loss``.
        params: the tensors to train, e.g. ``[w, b]`` (``requires_grad=True``).
        features: ``(n, d)``.
        labels: ``(n, 1)`` or ``(n,)``.
        lr: the learning rate.
        num_epochs: the number of passes over the data.
        batch_size: the number of examples per mini-batch.
        verbose: print the loss after each epoch.
        generator: draw the reading order from this ``torch.Generator``.
        callback: called as ``callback(epoch, batch, params)`` after every update.

    Returns:
        The mean loss over all examples after each epoch, ``num_epochs`` floats.

    Raises:
        TypeError: ``net``, ``loss`` or ``callback`` is not callable, ``params`` is not
            a list of tensors, or an argument has the wrong type.
        ValueError: a bad shape, length, device or number (``lr <= 0``,
            ``batch_size < 1``, ...).
        DivergenceError: the loss became inf or NaN (a ``FloatingPointError``).

    Example:

    >>> from linreg_scratch import init_params, synthetic_data
    >>> _ = torch.manual_seed(0)
    >>> features, labels = synthetic_data([2, -3.4], 4.2, 1000)
    >>> w, b = init_params(2)
    >>> losses = train(linreg, squared_loss, [w, b], features, labels)
    epoch 1, loss 0.039330
    epoch 2, loss 0.000143
    epoch 3, loss 0.000047
    >>> [round(v, 2) for v in w.detach().reshape(-1).tolist()], round(b.item(), 2)
    ([2.0, -3.4], 4.2)
    """
    if not callable(net):
        raise TypeError(f"net must be a function like linreg, got {type(net).__name__}")
    if not callable(loss):
        raise TypeError(f"loss must be a function like squared_loss, got {type(loss).__name__}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None, got {type(callback).__name__}")
    params = _check_params(params)
    n = _checks.examples(features, labels, values=False)
    for i, param in enumerate(params):
        _checks.same_device(f"params[{i}]", param, features)
    lr = _checks.positive_float("lr", lr)
    num_epochs = _checks.positive_int("num_epochs", num_epochs)
    batch_size = _checks.positive_int("batch_size", batch_size)
    verbose = _checks.boolean("verbose", verbose)
    generator = _checks.generator("generator", generator)
    # data that requires grad must not collect gradients (or graphs) from training
    features, labels = features.detach(), labels.detach()
    fast = _is_plain_linreg(net, loss, params, features, labels)
    # A NaN or inf in the data makes the loss of its batch non-finite, and the fast path's
    # first epoch meets every example. So there, with no callback to see the steps, the
    # data's values are checked only if that epoch's losses go bad (the parameters are
    # then put back as they were): a pass over the data saved on every good run.
    before = _saved(params) if fast and callback is None else None
    if before is None:
        _checks.finite_data(features, labels)
    if not fast:  # linreg and squared_loss on the shapes _is_plain_linreg saw cannot fail
        _checks.probe_model(net, loss, params, features, labels)

    if fast:
        sgd_epoch = _LinregSGD(params, features, labels, batch_size, lr)
        run_epoch, final_loss = sgd_epoch.run, sgd_epoch.loss
    else:
        run_epoch = functools.partial(
            _autograd_epoch, net, loss, params, features, labels, batch_size, lr
        )
        final_loss = functools.partial(_full_loss, net, loss, params, features, labels)
    batch_losses = torch.empty(-(-n // batch_size), dtype=features.dtype, device=features.device)
    for param in params:
        param.grad = None  # a stale gradient would corrupt the first step
    history: list[float] = []
    for epoch in range(num_epochs):
        on_step = None if callback is None else functools.partial(callback, epoch)
        # The order is not kept past the epoch: at n=1e7 it is 80 MB.
        run_epoch(shuffle_order(n, features.device, generator), batch_losses, on_step)
        epoch_loss = final_loss()  # the one host synchronisation per epoch
        error = _divergence(epoch, epoch_loss, batch_losses, lr, history)
        if error is not None:
            if before is not None:  # the first epoch: was it the data?
                _refuse_bad_data(features, labels, params, before)
            raise error
        before = None
        history.append(epoch_loss)
        if verbose:
            print(f"epoch {epoch + 1}, loss {epoch_loss:f}")
    return history


def _saved(params: Sequence[torch.Tensor]) -> list[tuple[torch.Tensor, torch.Tensor | None]]:
    """A copy of each parameter's values, and its ``.grad``, to put back on a refusal."""
    return [(p.detach().clone(), p.grad) for p in params]


def _refuse_bad_data(features, labels, params, before) -> None:
    """Raise the ValueError for a NaN or inf in the data, if there is one, after putting
    ``params`` back as they were before training; return if the data are finite."""
    try:
        _checks.finite_data(features, labels)
    except ValueError:
        with torch.no_grad():
            for param, (value, grad) in zip(params, before, strict=True):
                param.copy_(value)
                param.grad = grad
        raise


def _check_params(params: Sequence[torch.Tensor]) -> list[torch.Tensor]:
    params = _checks.tensor_list("params", params)
    for i, param in enumerate(params):
        _checks.real_floating(f"params[{i}]", param)
        _checks.trainable(f"params[{i}]", param)
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


def _full_loss(net, loss, params, features, labels) -> float:
    with torch.no_grad():
        return loss(net(features, *params), labels).mean().item()


def _autograd_epoch(
    net, loss, params, features, labels, batch_size, lr, order, batch_losses, on_step
):
    for k, (X, y) in enumerate(_batches(batch_size, features, labels, order)):
        batch_loss = loss(net(X, *params), y).sum()
        batch_loss.backward()
        sgd(params, lr, len(X))  # the real length: the last batch may be short; zeroes .grad
        batch_losses[k] = batch_loss.detach()
        if on_step is not None:
            on_step(k, params)


#: The fast path gathers the shuffled data a chunk at a time: at most this many
#: batches, and at most this many numbers (4 MB in float32), per chunk.
_CHUNK_BATCHES = 256
_CHUNK_NUMBERS = 1 << 20


class _LinregSGD:
    """Mini-batch SGD for ``linreg`` and ``squared_loss``, the gradient written out.

    With ``Z = [X, 1]: (m, d + 1)`` and ``theta = [w; b]: (d + 1,)`` a batch's
    residual is ``r = Z @ theta - y`` and the gradient of ``sum(r^2) / 2`` is
    ``Z.T @ r``: one matrix-vector product each way per step, and nothing is
    allocated per step. Each chunk of the epoch's order is gathered once into the
    preallocated ``Z`` and ``y``, and the batches are views of them made once.
    The loss of every batch in a chunk, ``sum(r^2 / 2)`` before its step, is
    computed after the chunk from the residuals kept in ``r``: a few operations per
    chunk, and no host synchronisation at all (the caller reads the losses once per
    epoch).
    """

    def __init__(self, params, features, labels, batch_size, lr):
        n, d = features.shape
        like = {"dtype": features.dtype, "device": features.device}
        self.params = params
        self.w, self.b = (p.detach() for p in params)  # same storage, no autograd
        self.features, self.labels = features, labels.reshape(-1)
        self.n, self.d, self.batch_size, self.lr = n, d, batch_size, lr
        per_chunk = min(_CHUNK_BATCHES, max(1, _CHUNK_NUMBERS // ((d + 1) * batch_size)))
        self.stride = per_chunk * batch_size  # rows of the order per chunk
        rows = min(self.stride, n)
        self.theta = torch.empty(d + 1, **like)
        self.theta_w, self.theta_b = self.theta[:d].view_as(self.w), self.theta[d:].view_as(self.b)
        self._read_params()  # from here on theta is the truth; w and b get copies
        self.Z = torch.ones(rows, d + 1, **like)  # the last column stays 1
        self.y = torch.empty(rows, **like)
        self.r = torch.empty(rows, **like)
        full = rows // batch_size * batch_size  # views made by a few calls, not one per batch
        self.slots = (
            list(
                zip(
                    self.Z[:full].split(batch_size),
                    self.Z[:full].view(-1, batch_size, d + 1).transpose(1, 2).unbind(),
                    self.y[:full].split(batch_size),
                    self.r[:full].split(batch_size),
                    strict=True,
                )
            )
            if full
            else []
        )
        last = n - (n - 1) // self.stride * self.stride  # rows in the last chunk
        short = last % batch_size
        self.short = self._views(last - short, short) if short else None

    def _views(self, start, size):
        Z = self.Z[start : start + size]
        return Z, Z.T, self.y[start : start + size], self.r[start : start + size]

    def run(self, order, batch_losses, on_step):
        """One epoch in the given ``order``; ``batch_losses[k]`` gets batch k's loss."""
        theta, d, bs = self.theta, self.d, self.batch_size
        step = self.lr / bs
        with torch.no_grad():
            try:
                k = 0
                for start in range(0, self.n, self.stride):
                    idx = order[start : start + self.stride]
                    m = len(idx)
                    torch.index_select(self.features, 0, idx, out=self.Z[:m, :d])
                    torch.index_select(self.labels, 0, idx, out=self.y[:m])
                    full = m // bs
                    slots = self.slots[:full]
                    if on_step is None:
                        for Z, ZT, y, r in slots:
                            torch.addmv(y, Z, theta, beta=-1, out=r)
                            theta.addmv_(ZT, r, alpha=-step)
                    else:
                        self._steps_with_callback(slots, step, k, on_step)
                    if full:
                        self._losses(0, full * bs, batch_losses[k : k + full])
                        k += full
                    if m > full * bs:  # the short last batch, divided by its real length
                        self._steps_with_callback(
                            [self.short], self.lr / (m - full * bs), k, on_step
                        )
                        self._losses(full * bs, m, batch_losses[k])
                        k += 1
            finally:  # also when interrupted: the parameters hold the last step
                self._write_back()

    def _losses(self, start, stop, out):
        """``out[i] = sum(r^2 / 2)`` over batch i of rows ``start:stop`` of ``r``.

        Squared, halved, then summed, as ``squared_loss(...).sum()`` does, so that a
        loss overflows to inf exactly where the autograd path's does. The chunk's
        labels are no longer needed, so their buffer holds the squares.
        """
        r, sq = self.r[start:stop], self.y[start:stop]
        torch.mul(r, r, out=sq).mul_(0.5)
        torch.sum(sq.view(-1, self.batch_size) if out.dim() else sq, dim=-1, out=out)

    def _write_back(self):
        self.w.copy_(self.theta_w)
        self.b.copy_(self.theta_b)

    def _read_params(self):
        self.theta_w.copy_(self.w)
        self.theta_b.copy_(self.b)

    def _steps_with_callback(self, slots, step, k, on_step):
        theta = self.theta
        for i, (Z, ZT, y, r) in enumerate(slots):
            torch.addmv(y, Z, theta, beta=-1, out=r)
            theta.addmv_(ZT, r, alpha=-step)
            if on_step is not None:
                self._write_back()
                on_step(k + i, self.params)
                self._read_params()  # the callback may have changed them

    def loss(self) -> float:
        """``mean((X @ w + b - y)^2) / 2`` over the whole data set."""
        with torch.no_grad():
            r = torch.addmv(self.labels, self.features, self.w.reshape(-1), beta=-1)
            return (r.add_(self.b).square_().mean() / 2).item()


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


def _divergence(epoch, epoch_loss, batch_losses, lr, history) -> DivergenceError | None:
    """The error to raise if the epoch's loss or a batch's loss is not finite, else None."""
    # A sum is finite only if every term is (an inf or NaN term makes it inf or NaN): one
    # operation per epoch; only a sum that overflowed needs the elementwise check.
    if math.isfinite(epoch_loss) and (
        math.isfinite(batch_losses.sum()) or bool(torch.isfinite(batch_losses).all())
    ):
        return None
    batch = None
    bad = ~torch.isfinite(batch_losses)
    if bool(bad.any()):
        batch = int(bad.nonzero()[0]) + 1
        kind = "NaN" if bool(torch.isnan(batch_losses[batch - 1])) else "inf"
        where = f"epoch {epoch + 1}, batch {batch} of {len(batch_losses)}"
    else:
        kind = "NaN" if math.isnan(epoch_loss) else "inf"
        where = f"the end of epoch {epoch + 1}"
    return DivergenceError(
        f"the loss became {kind} at {where}",
        lr,
        epoch=epoch + 1,
        batch=batch,
        losses=list(history),
    )


class Trajectory:
    """A ``callback`` for :func:`train` that records the parameters after every step.

    >>> from linreg_scratch import init_params, synthetic_data
    >>> _ = torch.manual_seed(0)
    >>> features, labels = synthetic_data([2, -3.4], 4.2, 100)
    >>> w, b = init_params(2)
    >>> trajectory = Trajectory([w, b])  # also records the starting point
    >>> _ = train(linreg, squared_loss, [w, b], features, labels, callback=trajectory,
    ...           verbose=False)
    >>> trajectory.stack(0).shape  # w at the start and after each of 3 x 10 steps
    torch.Size([31, 2, 1])
    >>> torch.equal(trajectory.stack(0)[-1], w.detach()), trajectory.steps[:2]
    (True, [(0, 0), (0, 1)])

    ``steps`` holds, per update, the ``(epoch, batch)`` pair and ``params`` a copy
    of every parameter (detached, so recording does not keep autograd graphs).
    """

    def __init__(self, params: Sequence[torch.Tensor] | None = None) -> None:
        if params is not None:
            params = _checks.tensor_list("params", params)
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
        count = len(self.params[0])
        index = _checks.index("index", index, count, "0 for w, 1 for b")
        return torch.stack([p[index] for p in self.params])


def record_linreg_run(
    features: torch.Tensor,
    labels: torch.Tensor,
    *,
    lr: float,
    batch_size: int,
    num_epochs: int,
    generator: torch.Generator | None,
) -> tuple[Trajectory, str | None]:
    """Train ``linreg`` from :func:`init_params` (in the data's dtype) and record every step.

    Returns the :class:`Trajectory` (start included) and, when the run diverged, the
    :class:`DivergenceError`'s reason (else None). The pictures of SGD's path
    (``plot_loss_landscape``, ``animate_sgd``) draw exactly this run.
    """
    w, b = (
        p.detach().to(features.dtype).requires_grad_()
        for p in init_params(features.shape[1], generator=generator)
    )
    recorder = Trajectory([w, b])
    try:
        train(
            linreg,
            squared_loss,
            [w, b],
            features,
            labels,
            lr=lr,
            num_epochs=num_epochs,
            batch_size=batch_size,
            verbose=False,
            generator=generator,
            callback=recorder,
        )
    except DivergenceError as err:
        return recorder, err.reason
    return recorder, None
