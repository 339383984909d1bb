"""The books' epoch helpers: running sums, the loss on a data set, one epoch of training.

d2l-zh 2.x and d2l-en 0.17 save these in chapter 3 (softmax regression) and use them again
for the polynomial fits (4.4) and weight decay (4.5): ``Accumulator`` keeps running sums,
``evaluate_loss`` is the mean loss over a data set, ``train_epoch_ch3`` one pass of
training that returns the mean loss and the fraction of exact predictions (``accuracy``).
Same signatures, defaults and return values as the books'; wrong arguments raise early.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Union

import torch

from . import _checks

#: What ``train_epoch_ch3`` steps with: a torch optimizer, or ``updater(batch_size)``.
Updater = Union[torch.optim.Optimizer, Callable[[int], object]]  # noqa: UP007 (a runtime alias)


class Accumulator:
    """Running sums of ``n`` quantities: ``add(a_1, ..., a_n)`` adds ``float(a_i)`` to sum ``i``.

    >>> metric = Accumulator(2)  # e.g. the sum of losses, the number of examples
    >>> metric.add(3.0, 2)
    >>> metric.add(torch.tensor(1.5), 1)
    >>> metric[0] / metric[1]
    1.5
    """

    def __init__(self, n: int) -> None:
        n = _checks.scalar("n", n, int, low=1)
        self.data: list[float] = [0.0] * n

    def add(self, *args: float | torch.Tensor) -> None:
        """Add one value to each sum: exactly ``n`` numbers or one-element tensors."""
        values = _checks.numbers_list("args", list(args))
        _checks.how_many("args", len(values), len(self.data), "values", "one per sum")
        self.data = [total + v for total, v in zip(self.data, values, strict=True)]

    def reset(self) -> None:
        """Set every sum back to 0."""
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx: int) -> float:
        return self.data[idx]

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return f"Accumulator({self.data})"


def accuracy(y_hat: torch.Tensor, y: torch.Tensor) -> float:
    """The number of predictions that equal their label, as a float.

    ``y_hat: (n, q)`` scores with ``q > 1`` are first turned into classes by ``argmax``
    along dim 1; then ``y_hat`` (``n`` values, e.g. ``(n,)`` or ``(n, 1)``) is compared with
    ``y`` (``n`` labels) element by element after converting to ``y``'s dtype:
    ``sum(y_hat_i == y_i)``. Divide by ``n`` for the fraction. For regression outputs this
    counts exact hits, which is why ``train_epoch_ch3`` reports about 0 there.

    >>> accuracy(torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]), torch.tensor([1, 1, 1]))
    2.0
    """
    y_hat = _checks.tensor("y_hat", y_hat)
    y = _checks.tensor("y", y)
    if y_hat.dim() > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(dim=1)
    # the books compare y_hat with y as given, so (n, 1) against (n,) broadcasts to (n, n)
    # pairs; one prediction per label is compared here instead, or refused
    _checks.same_numel("y_hat", y_hat, "y", y)
    hits = y_hat.detach().reshape(y.shape).to(y.dtype) == y
    return float(hits.sum())


def evaluate_loss(
    net: Callable[[torch.Tensor], torch.Tensor],
    data_iter: Iterable,
    loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> float:
    """The mean loss of ``net`` over the batches ``(X, y)`` of ``data_iter``.

    For each batch ``l = loss(net(X), y.reshape(net(X).shape))``; the result is
    ``sum(l over all batches) / (number of values of l over all batches)``: with a loss of
    one value per example (``squared_loss``, ``nn.MSELoss(reduction='none')``) the mean
    over every example. A loss that is already a mean (one value per batch) gives the
    mean of the batch means, as in the books. Computed without gradients; ``net`` is not
    switched to ``eval()`` (the books' version does not either).

    >>> from linreg_scratch import linreg, squared_loss
    >>> w, b = torch.tensor([[2.0]]), torch.tensor([0.0])
    >>> batches = [(torch.tensor([[1.0], [2.0]]), torch.tensor([[1.0], [4.0]]))]
    >>> evaluate_loss(lambda X: linreg(X, w, b), batches, squared_loss)  # (1 + 0) / 2 / 2
    0.25
    """
    net = _checks.function("net", net, like="linreg or an nn.Module")
    loss = _checks.function("loss", loss, like="squared_loss or nn.MSELoss(reduction='none')")
    metric = Accumulator(2)  # the sum of the losses, how many values they are
    with torch.no_grad():
        for X, y in _checks.batches("data_iter", data_iter):
            out = _checks.tensor("net(X)", net(X))
            _checks.same_numel("y", y, "net(X)", out)
            y = y.reshape(out.shape)
            values = _checks.loss_values(loss(out, y), out, y)
            metric.add(values.sum(), values.numel())
    return metric[0] / metric[1]


def train_epoch_ch3(
    net: Callable[[torch.Tensor], torch.Tensor],
    train_iter: Iterable,
    loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    updater: Updater,
) -> tuple[float, float]:
    """Train ``net`` for one pass over ``train_iter``; return ``(mean loss, accuracy)``.

    For each batch ``(X, y)``: ``l = loss(net(X), y)``; with a torch optimizer
    ``updater.zero_grad(); l.mean().backward(); updater.step()``, else (an updater of one's
    own, e.g. ``lambda batch_size: sgd([w, b], lr, batch_size)``) ``l.sum().backward();
    updater(X.shape[0])``, which must also zero the gradients (``sgd`` does). Returns
    ``sum(l) / n`` and ``accuracy / n`` over the epoch, ``n`` the number of labels; both are
    measured on each batch before its step. An ``nn.Module`` is put in ``train()`` mode.

    >>> from torch import nn
    >>> from linreg_scratch import synthetic_data
    >>> from linreg_scratch.data import load_array
    >>> features, labels = synthetic_data([2, -3.4], 4.2, 100)
    >>> net = nn.Linear(2, 1)
    >>> trainer = torch.optim.SGD(net.parameters(), lr=0.03)
    >>> train_loss, train_acc = train_epoch_ch3(
    ...     net, load_array((features, labels), 10), nn.MSELoss(reduction="none"), trainer
    ... )
    """
    net = _checks.function("net", net, like="linreg or an nn.Module")
    loss = _checks.function("loss", loss, like="squared_loss or nn.MSELoss(reduction='none')")
    optimizer = _checks.updater("updater", updater)
    if isinstance(net, torch.nn.Module):
        net.train()
    metric = Accumulator(3)  # the sum of the losses, of the hits, how many labels
    for X, y in _checks.batches("train_iter", train_iter):
        y_hat = _checks.tensor("net(X)", net(X))
        values = _checks.loss_values(loss(y_hat, y), y_hat, y)
        if optimizer is not None:
            optimizer.zero_grad()
            values.mean().backward()
            optimizer.step()
        else:
            values.sum().backward()
            updater(X.shape[0])  # type: ignore[operator]  # not an optimizer: a function
        metric.add(values.detach().sum(), accuracy(y_hat, y), y.numel())
    return metric[0] / metric[2], metric[1] / metric[2]
