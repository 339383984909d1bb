"""Mini-batch stochastic gradient descent, written by hand."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import torch

from . import _checks


def sgd(params: Iterable[torch.Tensor], lr: float, batch_size: int) -> None:
    """One SGD step, in place: ``param -= lr * param.grad / batch_size``.

    ``param.grad`` holds the gradient of the *summed* mini-batch loss, so dividing
    by ``batch_size`` turns it into the gradient of the mean loss. Pass the real
    length of the batch when the last one is short. The gradients are left as
    they are; zero them before the next ``backward()``.

    Example:

    >>> from linreg_scratch import linreg, squared_loss
    >>> w = torch.ones(2, 1, requires_grad=True)
    >>> squared_loss(linreg(torch.ones(4, 2), w, torch.zeros(1)), torch.zeros(4)).sum().backward()
    >>> sgd([w], lr=0.1, batch_size=4)  # grad = [[8], [8]], so w -= 0.1 * 8 / 4
    >>> w
    tensor([[0.8000],
            [0.8000]], requires_grad=True)
    """
    params = list(params)
    lr = _checks.positive_float("lr", lr)
    batch_size = _checks.positive_int("batch_size", batch_size)
    for i, param in enumerate(params):
        _checks.tensor(f"params[{i}]", param)
        if param.grad is None:
            raise ValueError(
                f"params[{i}].grad is None: call loss.backward() before sgd(), on a "
                f"loss computed from params that have requires_grad=True"
            )
    # no_grad instead of the tutorial's .data: autograd must not record the
    # update, but it should still see the in-place change (version counter).
    with torch.no_grad():
        for param in params:
            param -= lr * cast(torch.Tensor, param.grad) / batch_size
