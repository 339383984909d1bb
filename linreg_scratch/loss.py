"""The squared loss."""

from __future__ import annotations

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
