"""The chapter's training loop, as one function: read a batch, step, repeat; print each epoch."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from . import _checks, tutorial
from .data import data_iter
from .divergence import check_epoch
from .fast import train_fast
from .loss import mean_loss, squared_loss
from .model import linreg
from .optim import sgd
from .penalty import l2_penalty
from .probe import probe_model

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
    lr: float = tutorial.LR,
    num_epochs: int = tutorial.NUM_EPOCHS,
    batch_size: int = tutorial.BATCH_SIZE,
    verbose: bool = True,
    generator: torch.Generator | None = None,
    callback: StepCallback | None = None,
    weight_decay: float = 0.0,
    fast: bool = False,
) -> list[float]:
    """Train ``params`` in place with mini-batch SGD; return the loss after each epoch.

    ``features: (n, d)``, ``labels: (n, 1)`` or ``(n,)``. This runs the chapter's loop::

        for epoch in range(num_epochs):
            for X, y in data_iter(batch_size, features, labels):
                loss(net(X, *params), y).sum().backward()
                sgd(params, lr, len(X))  # param -= lr * grad / len(X); grad zeroed
            print(f"epoch {epoch + 1}, loss {mean_loss(...):f}")

    so each epoch reads every example once in a fresh random order (the last batch
    may be shorter, and its step is divided by its real length), and after the
    epoch the mean loss over all the data is recorded and, with ``verbose``,
    printed as ``epoch 1, loss 0.028127`` (in both languages: the line both books
    print). The gradients are left zeroed, as ``sgd`` leaves them.
    ``callback(epoch, batch, params)`` is called after every update, e.g. a
    :class:`~linreg_scratch.Trajectory` recording the parameters.

    ``weight_decay`` (lambda) adds ``lambda * l2_penalty(w)`` to every example's loss,
    ``w = params[0]`` (the bias is not decayed): each step then minimises the mean loss
    plus ``lambda / 2 * ||w||^2`` and pulls ``w`` toward 0. The epoch losses stay the
    data's loss, without the penalty, as the books plot them.

    ``fast=True`` runs the same updates through the engine of
    :mod:`linreg_scratch.fast` (``linreg`` and ``squared_loss`` only), with the
    gradient written out instead of found by autograd: several times faster.

    Before training, ``net`` and ``loss`` are tried on the first examples, so swapped
    functions, extra params or an output of the wrong shape are named at once. A NaN
    or inf in ``features`` or ``labels`` is a ``ValueError`` naming the first one, and
    ``params`` are then left as they were. The data are never changed.

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
        weight_decay: lambda, the weight of the L2 penalty on ``params[0]`` (0: none).
        fast: use the written-out engine (``net=linreg, loss=squared_loss`` only).

    Returns:
        The mean loss over all examples after each epoch, ``num_epochs`` floats.

    Raises:
        TypeError: ``net``, ``loss`` or ``callback`` is not callable, ``params`` is not
            a list of tensors, or an argument has the wrong type.
        ValueError: a bad shape, length, device or number (``lr <= 0``,
            ``batch_size < 1``, ...), or ``fast=True`` with another model or loss.
        DivergenceError: the loss became inf or NaN (a ``FloatingPointError``).

    Example:

    >>> from linreg_scratch import init_params, linreg, squared_loss, synthetic_data
    >>> _ = torch.manual_seed(0)
    >>> features, labels = synthetic_data([2, -3.4], 4.2, 1000)
    >>> w, b = init_params(2)
    >>> losses = train(linreg, squared_loss, [w, b], features, labels)
    epoch 1, loss 0.039329
    epoch 2, loss 0.000143
    epoch 3, loss 0.000047
    >>> [round(v, 2) for v in w.detach().reshape(-1).tolist()], round(b.item(), 2)
    ([2.0, -3.4], 4.2)
    """
    _checks.function("net", net, like="linreg")
    _checks.function("loss", loss, like="squared_loss")
    if callback is not None:
        _checks.function("callback", callback, like="a Trajectory: callback(epoch, batch, params)")
    params = _checks.trainable_params("params", params)
    _checks.examples(features, labels, values=False)
    for i, param in enumerate(params):
        _checks.on_device(f"params[{i}]", param, "features", features)
    lr, batch_size, num_epochs = _checks.sgd_settings(lr, batch_size, num_epochs)
    weight_decay = _checks.scalar("weight_decay", weight_decay, float, low=0)
    verbose = _checks.boolean("verbose", verbose)
    generator = _checks.generator("generator", generator)
    fast = _checks.boolean("fast", fast)
    # data that requires grad must not collect gradients (or graphs) from training
    features, labels = features.detach(), labels.detach()
    if fast:
        _checks.fast_linreg(net, loss, params, features, labels, (linreg, squared_loss))
        return train_fast(
            params,
            features,
            labels.to(features.dtype),  # a copy only if it differs, e.g. float64 labels
            lr=lr,
            num_epochs=num_epochs,
            batch_size=batch_size,
            verbose=verbose,
            generator=generator,
            callback=callback,
            weight_decay=weight_decay,
        )
    if net is linreg:  # its shapes and dtypes named in terms of the data, not a probe
        _checks.linreg_args(params, features, "features")
    _checks.finite_data(features, labels)
    probe_model(net, loss, params, features, labels, "train")
    for param in params:
        param.grad = None  # a gradient left from earlier would corrupt the first step

    history: list[float] = []
    for epoch in range(num_epochs):
        batch_losses = []
        for k, (X, y) in enumerate(data_iter(batch_size, features, labels, generator=generator)):
            batch_loss = loss(net(X, *params), y)
            if weight_decay:  # every example's loss gets the penalty on the weights
                (batch_loss + weight_decay * l2_penalty(params[0])).sum().backward()
            else:
                batch_loss.sum().backward()
            sgd(params, lr, len(X))  # the real length: the last batch may be shorter
            batch_losses.append(batch_loss.detach().sum())
            if callback is not None:
                callback(epoch, k, params)
        epoch_loss = mean_loss(net, loss, params, features, labels)
        check_epoch(epoch, epoch_loss, torch.stack(batch_losses), lr, history, params)
        history.append(epoch_loss)
        if verbose:
            print(f"epoch {epoch + 1}, loss {epoch_loss:f}")
    return history
