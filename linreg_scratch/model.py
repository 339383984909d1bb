"""The linear-regression model and its parameters."""

from __future__ import annotations

import torch

from . import _checks

_FLOAT32 = "larger values overflow float32"


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Linear regression ``y_hat = X @ w + b``.

    ``X: (n, d)``, ``w: (d, 1)``, ``b: (1,)`` gives ``y_hat: (n, 1)`` (``w: (d,)`` gives
    ``(n,)``; ``b`` may also be 0-d). A ``b`` or ``w`` of another shape is refused: it
    would be broadcast into a wrong ``y_hat``.

    Args:
        X: the features, ``(n, d)``.
        w: the weights, ``(d, 1)``.
        b: the bias, ``(1,)`` (broadcast to every example).

    Returns:
        The predictions ``y_hat``, ``(n, 1)``.

    Raises:
        TypeError: an argument is not a tensor, or the dtypes do not match.
        ValueError: the shapes do not fit together.

    Example:

    >>> linreg(torch.ones(3, 2), torch.tensor([[2.0], [-3.4]]), torch.tensor([4.2]))
    tensor([[2.8000],
            [2.8000],
            [2.8000]])
    """
    _checks.real_floating("X", _checks.tensor("X", X, ndim=2))
    _checks.linreg_params(w, b, X)
    _checks.same_dtype("w", w, "X", X)
    return X @ w + b


def init_params(
    num_inputs: int, std: float = 0.01, *, generator: torch.Generator | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Fresh parameters as the chapter makes them, ready for autograd.

    ``w: (num_inputs, 1)`` ~ N(0, std^2) and ``b: (1,)`` = 0, both float32 with
    ``requires_grad=True``.

    Args:
        num_inputs: ``d``, the number of features.
        std: the standard deviation of the initial weights.
        generator: draw from this ``torch.Generator`` instead of the global RNG.

    Returns:
        ``(w, b)`` of shapes ``(num_inputs, 1)`` and ``(1,)``.

    Raises:
        TypeError: ``num_inputs`` is not an int or ``std`` not a number.
        ValueError: ``num_inputs < 1`` or ``std < 0``.

    Example:

    >>> w, b = init_params(2, generator=torch.Generator().manual_seed(0))
    >>> w.shape, b.shape, w.requires_grad
    (torch.Size([2, 1]), torch.Size([1]), True)
    """
    num_inputs = _checks.scalar("num_inputs", num_inputs, int, low=1)
    _checks.fits_in_memory("num_inputs", num_inputs, (num_inputs, 1))
    std = _checks.scalar("std", std, float, low=0, high=1e30, why=_FLOAT32)
    generator = _checks.generator("generator", generator)
    w = (std * torch.randn(num_inputs, 1, generator=generator)).requires_grad_()
    b = torch.zeros(1, requires_grad=True)
    return w, b
