"""The squared loss, and the mean loss over a whole data set."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from . import _checks


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Elementwise ``(y_hat - y)^2 / 2``, with ``y`` reshaped to ``y_hat``'s shape.

    ``y_hat: (n, 1)`` and ``y: (n,)`` or ``(n, 1)`` give a loss of shape ``(n, 1)``:
    one value per example, not yet summed or averaged. Other shapes (``(1, n)``,
    ``(n, 2)``) are refused rather than silently reshaped.

    Args:
        y_hat: the predictions, e.g. ``(n, 1)``.
        y: the labels, any shape with as many elements as ``y_hat``.

    Returns:
        The loss of each example, shaped like ``y_hat``.

    Raises:
        TypeError: ``y_hat`` or ``y`` is not a tensor.
        ValueError: ``y_hat`` and ``y`` hold different numbers of elements (which
            would otherwise broadcast to ``(n, n)``).

    Example:

    >>> squared_loss(torch.tensor([[1.0], [3.0]]), torch.tensor([1.0, 1.0]))
    tensor([[0.],
            [2.]])
    """
    _checks.real_floating("y_hat", _checks.tensor("y_hat", y_hat))
    _checks.real_floating("y", _checks.tensor("y", y))
    _checks.same_numel("y", y, "y_hat", y_hat)
    _checks.one_per_example("y_hat", y_hat)
    _checks.one_per_example("y", y, len(y_hat) if y_hat.dim() else None)
    _checks.on_device("y", y, "y_hat", y_hat)
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def mean_loss(
    net: Callable[..., torch.Tensor],
    loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    params: Sequence[torch.Tensor],
    features: torch.Tensor,
    labels: torch.Tensor,
) -> float:
    """The loss over all the data, as the chapter prints it after each epoch.

    ``mean(loss(net(features, *params), labels))`` with ``features: (n, d)``, computed
    without recording a graph. ``train`` prints it, the fast engine reports it, and
    the figures draw it: it is written here once.

    >>> from linreg_scratch import linreg
    >>> X, w, b = torch.ones(4, 2), torch.ones(2, 1), torch.zeros(1)
    >>> mean_loss(linreg, squared_loss, [w, b], X, torch.zeros(4, 1))  # (2 - 0)^2 / 2
    2.0
    """
    with torch.no_grad():
        return float(loss(net(features, *params), labels).mean())
