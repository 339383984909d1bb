"""Mini-batch stochastic gradient descent, written by hand."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import torch

from . import _checks


def sgd(params: Iterable[torch.Tensor], lr: float, batch_size: int) -> None:
    """One SGD step, in place: ``param -= lr * param.grad / batch_size``, then ``param.grad = 0``.

    ``param.grad`` holds the gradient of the *summed* mini-batch loss, so dividing
    by ``batch_size`` turns it into the gradient of the mean loss. Pass the real
    length of the batch when the last one is short.

    After the step every gradient is zeroed in place, as d2l 2.x's ``sgd`` does:
    ``backward()`` *adds* to ``.grad``, so without this the next batch's gradient
    would pile up on top of this one. ``.grad`` stays a tensor (of zeros), so the
    seed edition's loop, which zeroes the gradients itself right after ``sgd``,
    works unchanged.

    Args:
        params: the tensors to update, e.g. ``[w, b]``, each with a ``.grad``.
        lr: the learning rate, a positive number.
        batch_size: the number of examples whose losses were summed.

    Returns:
        None: the parameters are updated in place.

    Raises:
        TypeError: a parameter is not a tensor, or ``lr``/``batch_size`` has the wrong type.
        ValueError: ``lr`` or ``batch_size`` is not positive, or a parameter has no
            gradient yet (``backward()`` was not called).

    Example:

    >>> from linreg_scratch import linreg, squared_loss
    >>> w = torch.ones(2, 1, requires_grad=True)
    >>> squared_loss(linreg(torch.ones(4, 2), w, torch.zeros(1)), torch.zeros(4)).sum().backward()
    >>> sgd([w], lr=0.1, batch_size=4)  # grad = [[8], [8]], so w -= 0.1 * 8 / 4
    >>> w
    tensor([[0.8000],
            [0.8000]], requires_grad=True)
    >>> w.grad  # zeroed, ready for the next backward()
    tensor([[0.],
            [0.]])
    """
    params = _checks.tensor_list("params", params)
    lr = _checks.scalar("lr", lr, float, low=0, include_low=False)
    batch_size = _checks.scalar("batch_size", batch_size, int, low=1)
    for i, param in enumerate(params):
        _checks.has_grad(f"params[{i}]", _checks.trainable(f"params[{i}]", param))
    # no_grad instead of the tutorial's .data: autograd must not record the
    # update, but it should still see the in-place change (version counter).
    with torch.no_grad():
        for param in params:
            param -= lr * cast(torch.Tensor, param.grad) / batch_size
            cast(torch.Tensor, param.grad).zero_()
