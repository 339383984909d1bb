"""Argument checks shared by the public functions.

Each check raises early, with a message that names the argument, what was
expected and what arrived, so a learner sees the fix instead of a torch
traceback from three frames further down.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import cast

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
    low, high = torch.aminmax(value.detach())
    if math.isfinite(low) and math.isfinite(high):
        return value
    bad = ~torch.isfinite(value)
    first = tuple(int(i) for i in bad.nonzero()[0])
    kind = "NaN" if bool(torch.isnan(value[first])) else "inf"
    where = (
        "its only entry"
        if value.dim() == 0
        else f"row {first[0]}"
        if value.dim() == 1
        else f"row {first[0]}, column {first[1]}"
    )
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


def examples(features: object, labels: object, *, values: bool = True) -> int:
    """Check a data set for training or solving; return its number of examples.

    ``features: (n, d)`` floating, ``labels: (n,)`` or ``(n, 1)`` on the same device,
    ``n > 0``, and (with ``values``) no NaN or inf in either: see :func:`finite_data`.
    """
    features = real_floating("features", tensor("features", features, ndim=2))
    labels = real_floating("labels", tensor("labels", labels, ndim=(1, 2)))
    n = same_length(features, labels)
    one_per_example("labels", labels, n)
    same_device("labels", labels, features)  # before finite(), which reads the values
    if values:
        finite_data(features, labels)
    return n


def finite_data(features: torch.Tensor, labels: torch.Tensor) -> None:
    """Require no NaN or inf in ``features`` and ``labels``: one pass over the data."""
    finite("features", features)
    finite("labels", labels)


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


def function(name: str, value: object):
    """Require a callable (a function to check), not the result of calling one."""
    if not callable(value):
        raise TypeError(
            f"{name} must be a function, got {type(value).__name__}; pass the function "
            f"itself (check.sgd(sgd)), not the result of calling it (check.sgd(sgd(...)))"
        )
    return value


def varying_columns(name: str, value: torch.Tensor) -> torch.Tensor:
    """Require every column of the 2-D ``value`` to hold at least two different numbers."""
    if len(value) == 0:
        raise ValueError(f"{name} holds no rows (shape {tuple(value.shape)})")
    low, high = value.min(0).values, value.max(0).values
    constant = (low == high).nonzero().reshape(-1).tolist()
    if constant:
        j = constant[0]
        raise ValueError(
            f"{name} has a constant column (column {j}: every value is {float(low[j]):g}, "
            f"{len(constant)} such column{'s' if len(constant) != 1 else ''} in all); its "
            f"standard deviation is 0, so it cannot be scaled: drop it"
        )
    return value


# --- added for issue 12: every public argument goes through one of these ---------


def on_device(name: str, value: torch.Tensor, ref_name: str, ref: torch.Tensor) -> torch.Tensor:
    """Require ``value`` to live on the device of ``ref`` (called ``ref_name``)."""
    if value.device != ref.device:
        raise ValueError(
            f"{name} is on {value.device} but {ref_name} is on {ref.device}; "
            f"move it with .to({ref_name}.device)"
        )
    return value


def boolean(name: str, value: object) -> bool:
    """Require a real ``True``/``False`` (a string such as "no" would count as true)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r} ({type(value).__name__})")
    return value


def at_most(name: str, value: float, high: float, why: str) -> float:
    """Require ``value <= high``; ``why`` says where the bound comes from."""
    if value > high:
        raise ValueError(f"{name} must be at most {high:g} ({why}), got {value:g}")
    return value


def generator(name: str, value: object) -> torch.Generator | None:
    """Require None or a ``torch.Generator`` (not a seed)."""
    if value is None or isinstance(value, torch.Generator):
        return value
    hint = ""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        hint = f"; to use the seed {value}, pass torch.Generator().manual_seed({value})"
    raise TypeError(
        f"{name} must be a torch.Generator or None, got {value!r} ({type(value).__name__}){hint}"
    )


def tensor_list(name: str, value: object) -> list[torch.Tensor]:
    """Require a non-empty list (or tuple, or iterable) of tensors such as ``[w, b]``."""
    if isinstance(value, torch.Tensor):
        raise TypeError(
            f"{name} must be a list of tensors such as [w, b], got one tensor of shape "
            f"{tuple(value.shape)}; wrap it in a list: [w]"
        )
    if value is None or isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise TypeError(
            f"{name} must be a list of tensors such as [w, b], got {value!r} "
            f"({type(value).__name__})"
        )
    items = list(value)
    if not items:
        raise ValueError(f"{name} is empty; pass the tensors, e.g. [w, b]")
    for i, item in enumerate(items):
        tensor(f"{name}[{i}]", item)
    return items


def trainable(name: str, value: torch.Tensor) -> torch.Tensor:
    """Require a leaf tensor with ``requires_grad=True``: one whose ``.grad`` autograd fills."""
    if not value.requires_grad:
        raise ValueError(
            f"{name} does not require gradients; create it with requires_grad=True or call "
            f"{name.split('[')[0]}[...].requires_grad_() on it"
        )
    if not value.is_leaf:
        raise ValueError(
            f"{name} is not a leaf tensor: it was computed from another tensor that requires "
            f"grad (e.g. torch.randn(2, 1, requires_grad=True) * 0.01), so backward() leaves "
            f"its .grad empty; make the value first, then ask for gradients: "
            f"(torch.randn(2, 1) * 0.01).requires_grad_()"
        )
    return value


def real_floating(name: str, value: torch.Tensor) -> torch.Tensor:
    """Require a real floating-point tensor: not bool, integer or complex."""
    if value.is_complex():
        raise TypeError(
            f"{name} must be real (e.g. float32), got complex dtype {value.dtype}; "
            f"use .real if the imaginary part is meant to be 0"
        )
    return floating(name, value)


def one_per_example(name: str, value: torch.Tensor, n: int | None = None) -> torch.Tensor:
    """Require shape ``(n,)`` or ``(n, 1)`` (``()`` for a single value): one number per example."""
    ok = value.dim() <= 1 or (value.dim() == 2 and value.shape[1] == 1)
    if not ok or (n is not None and value.dim() > 0 and len(value) != n):
        wanted = "(n,) or (n, 1)" if n is None else f"({n},) or ({n}, 1)"
        raise ValueError(
            f"{name} must hold one value per example, shape {wanted}, got shape "
            f"{tuple(value.shape)}"
        )
    return value


def linreg_params(w: object, b: object, X: torch.Tensor, x_name: str = "X") -> None:
    """``w: (d, 1)`` or ``(d,)`` and ``b: ()`` or ``(1,)``, floating, on ``X``'s device."""
    w = real_floating("w", tensor("w", w, ndim=(1, 2)))
    b = real_floating("b", tensor("b", b))
    d = X.shape[1]
    if w.shape[0] != d or (w.dim() == 2 and w.shape[1] != 1):
        raise ValueError(
            f"{x_name} has {d} columns (shape {tuple(X.shape)}) but w has {w.shape[0]} rows "
            f"(shape {tuple(w.shape)}); w must have shape ({d}, 1) or ({d},)"
        )
    if b.numel() != 1 or b.dim() > 1:
        raise ValueError(
            f"b must be a single number, shape (1,) or (), got b of shape {tuple(b.shape)}; "
            f"a longer b would be broadcast into a wrong y_hat"
        )
    on_device("w", w, x_name, X)
    on_device("b", b, x_name, X)


def figure_path(name: str, value: object) -> str:
    """Require a path ending in .svg/.png/.pdf whose folder exists; return it as str."""
    import os

    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(
            f"{name} must be a file name such as 'fit.svg', got {value!r} ({type(value).__name__})"
        )
    path = os.fspath(value)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in {".svg", ".png", ".pdf"}:
        raise ValueError(f"{name} must end in .svg, .png or .pdf, got {path!r}")
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise ValueError(
            f"{name} must be in an existing folder, but {folder!r} does not exist "
            f"(got {path!r}); create it first"
        )
    return path


def numbers_list(name: str, value: object) -> list[float]:
    """Require a list, tuple, 1-D array or tensor of real numbers; return them as floats."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().reshape(-1).tolist() if value.dim() <= 1 else value
    elif hasattr(value, "tolist") and getattr(value, "ndim", 2) <= 1:  # a NumPy array
        value = value.tolist()
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise TypeError(f"{name} must be a list of numbers, got {value!r} ({type(value).__name__})")
    out = []
    for i, v in enumerate(value):
        if isinstance(v, torch.Tensor) and v.numel() == 1:
            v = v.item()
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"{name}[{i}] must be a number, got {v!r} ({type(v).__name__})")
        out.append(float(v))
    return out


def probe_model(net, loss, params, features, labels) -> None:
    """Run ``net`` and ``loss`` on the first few examples, so swapped or wrong functions,
    extra parameters and mis-shaped outputs are named before training starts."""
    m = min(len(features), 3)
    X, y = features[:m].detach(), labels[:m].detach()
    with torch.no_grad():
        try:
            y_hat = net(X, *params)
        except (TypeError, ValueError, RuntimeError) as err:
            raise (TypeError if isinstance(err, TypeError) else ValueError)(
                f"net(X, *params) failed: {err}. net must be the model (e.g. linreg), "
                f"called as net(X, w, b) with the {len(params)} tensor(s) in params; check "
                f"the order train(net, loss, params, ...) and the number of params"
            ) from err
        if not isinstance(y_hat, torch.Tensor):
            raise TypeError(
                f"net must return a tensor of predictions, got {type(y_hat).__name__}; "
                f"check the order train(net, loss, params, ...)"
            )
        if y_hat.numel() != m or y_hat.dim() not in (1, 2) or len(y_hat) != m:
            raise ValueError(
                f"net must return one prediction per example, shape ({m}, 1) for {m} "
                f"examples, got shape {tuple(y_hat.shape)}; check the shapes of params"
            )
        try:
            value = loss(y_hat, y)
        except (TypeError, ValueError, RuntimeError) as err:
            raise (TypeError if isinstance(err, TypeError) else ValueError)(
                f"loss(y_hat, y) failed: {err}. loss must compare predictions with labels "
                f"(e.g. squared_loss); check the order train(net, loss, params, ...)"
            ) from err
        if not isinstance(value, torch.Tensor) or value.numel() != m or value.dim() == 0:
            got = tuple(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__
            raise ValueError(
                f"loss must return one value per example (shape ({m}, 1) for {m} examples), "
                f"got {got}; return the elementwise loss, train sums it"
            )


def index(name: str, value: object, count: int, meaning: str) -> int:
    """Require an int in ``0 .. count - 1`` (``meaning`` says what each one is)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an int ({meaning}), got {value!r} ({type(value).__name__})"
        )
    if not 0 <= cast(int, value) < count:
        raise ValueError(f"{name} must be 0..{count - 1} ({meaning}), got {value}")
    return int(value)


def w_path(name: str, value: object) -> torch.Tensor:
    """Require the path of a 2-weight ``w``: shape ``(steps, 2)`` or ``(steps, 2, 1)``."""
    value = tensor(name, value)
    real_floating(name, value)
    if value.shape[1:] not in ((2,), (2, 1)):
        raise ValueError(
            f"{name} must be the path of w with two weights, shape (steps, 2) or "
            f"(steps, 2, 1), got shape {tuple(value.shape)}; record it with "
            f"Trajectory.stack(0) (w), not stack(1) (b)"
        )
    return value


def optional_str(name: str, value: object) -> str | None:
    """Require a string or None."""
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a string or None, got {value!r} ({type(value).__name__})")
    return value


def str_list(name: str, value: object) -> list[str]:
    """A list of strings; one string counts as a list of one (``legend="train"``)."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise TypeError(
            f"{name} must be a list of strings such as ['train'], got {value!r} "
            f"({type(value).__name__})"
        )
    if not value:
        raise ValueError(f"{name} is empty: give at least one string")
    return list(value)


def limits(name: str, value: object) -> tuple[float, float] | None:
    """None, or a pair ``(low, high)`` of finite numbers with ``low < high``."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)) or len(value) != 2:
        raise TypeError(f"{name} must be a pair (low, high) or None, got {value!r}")
    low, high = (finite_float(f"{name}[{i}]", v) for i, v in enumerate(value))
    if not low < high:
        raise ValueError(f"{name} must be (low, high) with low < high, got {value!r}")
    return low, high


def choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    """Require one of the ``allowed`` strings."""
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value


# --- training ------------------------------------------------------------------------


def callable_arg(name: str, value: object, expected: str) -> Callable:
    """Require a callable; ``expected`` says what kind (``"a model such as linreg"``)."""
    if not callable(value):
        raise TypeError(f"{name} must be {expected}, got {value!r} ({type(value).__name__})")
    return value


def trainable_params(name: str, value: object) -> list[torch.Tensor]:
    """A list of real floating-point leaf tensors that require grad, such as ``[w, b]``."""
    params = tensor_list(name, value)
    for i, param in enumerate(params):
        real_floating(f"{name}[{i}]", param)
        trainable(f"{name}[{i}]", param)
    return params


def fast_linreg(
    net, loss, params, features: torch.Tensor, labels: torch.Tensor, formula: tuple
) -> None:
    """Require what ``train(..., fast=True)``'s written-out gradient assumes: ``(net, loss)``
    is ``formula``, i.e. ``(linreg, squared_loss)``, ``params=[w, b]`` with ``w: (d, 1)``,
    ``b: (1,)`` or ``()``, one label per example, and one dtype for all of them."""
    if (net, loss) != formula:
        raise ValueError(
            f"fast=True computes the gradient of squared_loss(linreg(X, w, b), y) by its "
            f"formula, so it needs net=linreg and loss=squared_loss, got net="
            f"{getattr(net, '__name__', type(net).__name__)} and loss="
            f"{getattr(loss, '__name__', type(loss).__name__)}; use fast=False (the "
            f"default) for any other model or loss"
        )
    if len(params) != 2:
        raise ValueError(f"fast=True needs params=[w, b], got {len(params)} tensors")
    w, b = params
    linreg_params(w, b, features, "features")
    if w.dim() != 2:
        raise ValueError(
            f"fast=True needs w of shape ({features.shape[1]}, 1), as init_params makes it, "
            f"got shape {tuple(w.shape)}"
        )
    one_per_example("labels", labels, len(features))
    dtypes = {features.dtype, labels.dtype, w.dtype, b.dtype}
    if len(dtypes) > 1:
        raise TypeError(
            f"fast=True needs one dtype for features, labels, w and b, got features "
            f"{features.dtype}, labels {labels.dtype}, w {w.dtype}, b {b.dtype}; convert "
            f"them with .float() (or use fast=False)"
        )


def two_features(name: str, value: object, what: str) -> torch.Tensor:
    """Require ``(n, 2)`` features: ``what`` (a picture over ``(w1, w2)``) needs two weights."""
    value = tensor(name, value, ndim=2)
    if value.shape[1] != 2:
        raise ValueError(
            f"{what} needs exactly 2 features (w1, w2), got {name} of shape {tuple(value.shape)}"
        )
    return value
