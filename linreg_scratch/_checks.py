"""Argument checks shared by the public functions.

Each check raises early, with a message that names the argument, what was
expected and what arrived, so a learner sees the fix instead of a torch
traceback from three frames further down.
"""

from __future__ import annotations

import math
import numbers

import torch


def positive_int(name: str, value: object) -> int:
    """Return ``value`` as an int if it is a positive integer."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive int, got {value!r} ({type(value).__name__})")
    if value <= 0:
        raise ValueError(f"{name} must be a positive int, got {value}")
    return int(value)


def nonnegative_int(name: str, value: object) -> int:
    """Return ``value`` as an int if it is an integer >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int >= 0, got {value!r} ({type(value).__name__})")
    if value < 0:
        raise ValueError(f"{name} must be an int >= 0, got {value}")
    return int(value)


def _real(name: str, value: object, expected: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {expected}, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be {expected}, got {value}")
    return value


def positive_float(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a finite number > 0."""
    value = _real(name, value, "a finite number > 0")
    if value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value:g}")
    return value


def nonnegative_float(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a finite number >= 0."""
    value = _real(name, value, "a finite number >= 0")
    if value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value:g}")
    return value


def finite_float(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a finite real number."""
    return _real(name, value, "a finite number")


def tensor(name: str, value: object, ndim: int | tuple[int, ...] | None = None) -> torch.Tensor:
    """Return ``value`` if it is a tensor with one of the allowed ``ndim``."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor, got {type(value).__name__}; "
            f"convert it with torch.tensor(..., dtype=torch.float32)"
        )
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if value.dim() not in allowed:
            wanted = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(
                f"{name} must be {wanted}, got shape {tuple(value.shape)} ({value.dim()}-D)"
            )
    return value


def floating(name: str, value: torch.Tensor) -> torch.Tensor:
    """Require a floating-point tensor (gradients need one)."""
    if not value.is_floating_point():
        raise TypeError(
            f"{name} must be a floating-point tensor (e.g. float32), got dtype "
            f"{value.dtype}; convert it with .float()"
        )
    return value


def finite(name: str, value: torch.Tensor) -> torch.Tensor:
    """Require every entry of ``value`` to be finite; say where the first bad one is."""
    if not value.is_floating_point() or value.numel() == 0:
        return value
    # aminmax allocates nothing and lets NaN and +-inf through, unlike isfinite,
    # which needs temporaries as large as the data (1e7 x 10 features: ~600 MB).
    low, high = torch.aminmax(value)
    if math.isfinite(low) and math.isfinite(high):
        return value
    bad = ~torch.isfinite(value)
    first = tuple(int(i) for i in bad.nonzero()[0])
    kind = "NaN" if bool(torch.isnan(value[first])) else "inf"
    where = f"row {first[0]}" if value.dim() <= 1 else f"row {first[0]}, column {first[1]}"
    count = int(bad.sum())
    raise ValueError(
        f"{name} contains {kind} at {where} ({count} non-finite value"
        f"{'s' if count != 1 else ''} in all); remove or fix those rows first"
    )


def same_device(name: str, value: torch.Tensor, features: torch.Tensor) -> torch.Tensor:
    """Require ``value`` to live on the features' device."""
    if value.device != features.device:
        raise ValueError(
            f"{name} is on {value.device} but features are on {features.device}; "
            f"move it with .to(features.device)"
        )
    return value


def examples(features: object, labels: object) -> int:
    """Check a data set for training or solving; return its number of examples.

    ``features: (n, d)`` floating, ``labels: (n,)`` or ``(n, 1)`` on the same device,
    ``n > 0``, and no NaN or inf in either.
    """
    features = floating("features", tensor("features", features, ndim=2))
    labels = tensor("labels", labels, ndim=(1, 2))
    n = same_length(features, labels)
    same_device("labels", labels, features)  # before finite(), which reads the values
    finite("features", features)
    finite("labels", labels)
    return n


def same_length(features: torch.Tensor, labels: torch.Tensor) -> int:
    """Require features and labels to hold the same number of examples (> 0)."""
    n, m = len(features), len(labels)
    if n != m:
        raise ValueError(
            f"features and labels must have the same length, got len(features)={n} "
            f"and len(labels)={m}"
        )
    if n == 0:
        raise ValueError("features and labels hold no examples (length 0)")
    return n
