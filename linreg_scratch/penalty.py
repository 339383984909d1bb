"""The L2 penalty: the term weight decay adds to the loss to keep the weights small."""

from __future__ import annotations

import torch

from . import _checks


def l2_penalty(w: torch.Tensor) -> torch.Tensor:
    """Half the squared L2 norm of the weights: ``sum(w ** 2) / 2``, a 0-dim tensor.

    Added to the loss as ``loss + lambd * l2_penalty(w)``, it pulls every weight
    toward 0 with the force ``lambd * w`` (its gradient is ``w``, which is why the
    half is there). Only the weights are penalised, never the bias: moving every
    prediction up or down by the same amount does not make the model more flexible.

    Args:
        w: the weights, any shape, e.g. ``(d, 1)``.

    Returns:
        ``sum(w ** 2) / 2``, differentiable with respect to ``w``.

    Raises:
        TypeError: ``w`` is not a tensor, or not of a real floating dtype.

    Example:

    >>> l2_penalty(torch.tensor([[3.0], [4.0]]))  # (9 + 16) / 2
    tensor(12.5000)
    """
    _checks.real_floating("w", _checks.tensor("w", w))
    return (w**2).sum() / 2
