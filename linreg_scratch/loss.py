"""The squared loss."""

from __future__ import annotations

import torch

from . import _checks


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Elementwise ``(y_hat - y)^2 / 2``, with ``y`` reshaped to ``y_hat``'s shape.

    ``y_hat: (n, 1)`` and ``y: (n,)`` (or any shape with n elements) give a loss
    of shape ``(n, 1)``: one value per example, not yet summed or averaged.

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
    _checks.tensor("y_hat", y_hat)
    _checks.tensor("y", y)
    if y.numel() != y_hat.numel():
        raise ValueError(
            f"y_hat and y must hold the same number of values, got y_hat of shape "
            f"{tuple(y_hat.shape)} and y of shape {tuple(y.shape)}"
        )
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2
