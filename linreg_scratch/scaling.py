"""Standardising features, and mapping weights learned on them back to the original units."""

from __future__ import annotations

import torch

from . import _checks


def standardize(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Scale every column of ``x: (n, d)`` to mean 0 and standard deviation 1.

    Returns ``(scaled, mean, std)`` with ``scaled = (x - mean) / std`` of shape
    ``(n, d)`` and ``mean``, ``std`` of shape ``(1, d)``. ``std`` is the population
    standard deviation (divide by ``n``, not ``n - 1``), so ``scaled.T @ scaled / n``
    is exactly the correlation matrix of the columns. A constant column (zero
    variance) raises ``ValueError``: it cannot be scaled. ``x`` is not modified.

    Example:

    >>> x = torch.tensor([[180.0, 40.0], [200.0, 45.0], [220.0, 50.0]])
    >>> scaled, mean, std = standardize(x)
    >>> mean.tolist(), [round(s, 3) for s in std[0].tolist()]
    ([[200.0, 45.0]], [16.33, 4.082])
    >>> torch.allclose(scaled * std + mean, x)
    True
    """
    _checks.finite("x", _checks.floating("x", _checks.tensor("x", x, ndim=2)))
    _checks.varying_columns("x", x)
    mean = x.mean(0, keepdim=True)
    std = x.std(0, correction=0, keepdim=True)
    return (x - mean) / std, mean, std


def unscale(
    w: torch.Tensor, b: torch.Tensor, mean: torch.Tensor, std: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Turn ``w``, ``b`` learned on standardised features into ones for the raw features.

    A model ``((x - mean) / std) @ w + b`` is the same line as ``x @ w_orig + b_orig``
    with ``w_orig = w / std.T`` and ``b_orig = b - mean @ w_orig``. ``w: (d, 1)`` or
    ``(d,)``, ``b: (1,)``, ``mean`` and ``std: (1, d)`` as returned by
    :func:`standardize`; returns ``w_orig: (d, 1)`` and ``b_orig: (1,)``, detached
    from autograd. The inputs are not modified.

    Example:

    >>> x = torch.tensor([[180.0, 40.0], [200.0, 45.0], [220.0, 50.0]])
    >>> scaled, mean, std = standardize(x)
    >>> w, b = torch.tensor([[2.0], [1.0]]), torch.tensor([3.0])
    >>> w_orig, b_orig = unscale(w, b, mean, std)
    >>> torch.allclose(x @ w_orig + b_orig, scaled @ w + b)
    True
    """
    for name, value in (("w", w), ("b", b), ("mean", mean), ("std", std)):
        _checks.floating(name, _checks.tensor(name, value))
    d = mean.shape[-1] if mean.dim() else 1
    _checks.has_shape("mean", mean, ((1, d),), "as standardize returns it")
    _checks.has_shape("std", std, ((1, d),), "as standardize returns it, like mean")
    _checks.has_shape("w", w, ((d, 1), (d,)), "to match mean and std")
    _checks.one_number("b", b)
    w_orig = w.detach().reshape(d, 1) / std.T
    b_orig = b.detach().reshape(1) - (mean @ w_orig).reshape(1)
    return w_orig, b_orig
