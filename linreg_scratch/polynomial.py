"""Polynomial regression as linear regression: the data of the generalization lesson.

A polynomial in ``x`` is a linear model of the features ``x, x^2, x^3, ...``, so
``linreg``, ``squared_loss``, ``sgd`` and ``train`` fit it unchanged; the degree (the
number of feature columns) sets how flexible the model is.
"""

from __future__ import annotations

import math

import torch

from . import _checks

#: The polynomial the lesson's labels come from, constant term first:
#: ``y = 5 + 1.2 x - 3.4 x^2 / 2! + 5.6 x^3 / 3! + noise``.
POLY_COEFFS = (5.0, 1.2, -3.4, 5.6)
#: The standard deviation of the label noise.
POLY_NOISE = 0.1


def polynomial_features(x: torch.Tensor, degree: int) -> torch.Tensor:
    """The columns ``x^i / i!``, ``i = 1..degree``: ``x: (n,)`` or ``(n, 1)`` to ``(n, degree)``.

    Dividing by ``i!`` keeps the high powers from dwarfing the low ones (``x^20`` alone
    reaches 1e12 at ``x = 4``; ``x^20 / 20!`` stays below 1e-6 there). The constant
    term ``x^0`` is left out: ``linreg``'s bias ``b`` plays its part. The result has
    ``x``'s dtype and device and does not require grad.

    >>> polynomial_features(torch.tensor([2.0, -1.0]), 3)  # x, x^2 / 2, x^3 / 6
    tensor([[ 2.0000,  2.0000,  1.3333],
            [-1.0000,  0.5000, -0.1667]])
    """
    x = _checks.real_floating("x", _checks.tensor("x", x))
    _checks.one_per_example("x", x)
    degree = _checks.scalar("degree", degree, int, low=1, high=60, why="60! overflows float32")
    _checks.finite("x", x)
    x = x.detach().reshape(-1, 1)
    powers = torch.arange(1, degree + 1, dtype=x.dtype, device=x.device)
    factorials = torch.tensor(
        [math.factorial(i) for i in range(1, degree + 1)], dtype=torch.float64
    ).to(x.dtype)
    return x**powers / factorials.to(x.device)


def polynomial_data(
    num_examples: int = 200,
    noise: float = POLY_NOISE,
    *,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw ``x: (n, 1)`` ~ N(0, 1) and ``y: (n, 1)`` from :data:`POLY_COEFFS` plus noise.

    ``y = sum_i POLY_COEFFS[i] * x^i / i! + noise * N(0, 1)``: a third-order polynomial,
    so a fit of degree 3 can recover the coefficients, a lower degree underfits and a
    much higher one (with few examples) overfits. Draw a training set and a test set
    with two calls; all draws use torch's RNG (or ``generator``).

    >>> x, y = polynomial_data(100, generator=torch.Generator().manual_seed(0))
    >>> x.shape, y.shape
    (torch.Size([100, 1]), torch.Size([100, 1]))
    """
    num_examples = _checks.scalar("num_examples", num_examples, int, low=1)
    _checks.fits_in_memory("num_examples", num_examples, (num_examples, 2))
    noise = _checks.scalar(
        "noise", noise, float, low=0, high=1e30, why="larger values overflow float32"
    )
    generator = _checks.generator("generator", generator)
    x = torch.randn(num_examples, 1, generator=generator)
    w = torch.tensor(POLY_COEFFS[1:]).reshape(-1, 1)
    y = polynomial_features(x, len(w)) @ w + POLY_COEFFS[0]
    y += noise * torch.randn(y.shape, generator=generator)
    return x, y
