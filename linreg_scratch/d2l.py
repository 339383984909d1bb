"""The names the books' linear-regression sections take from ``d2l``, in one namespace.

Replace the book's ``from d2l import torch as d2l`` with::

    from linreg_scratch import d2l

and the PyTorch code of d2l-zh 2.x (3.1-3.3, 4.4-4.5), d2l-en 0.17 (3.1-3.3, 4.4-4.5)
and d2l-en 1.x (3.1-3.7) runs unchanged. Nothing here is new: the tensor shorthands *are* the torch
functions (``d2l.ones is torch.ones``), the ones the book writes as methods
(``d2l.reshape(x, shape)`` for ``x.reshape(shape)``) call that method, the chapter's
helpers are this package's functions, and the object-style classes come from
:mod:`linreg_scratch.framework`. ``d2l.plt`` (pyplot) is imported on first use.

Example:

>>> from linreg_scratch import d2l
>>> d2l.ones is torch.ones, d2l.reshape(d2l.arange(6), (2, 3)).shape
(True, torch.Size([2, 3]))
"""

from __future__ import annotations

import torch
from torch import nn

from .data import load_array, synthetic_data
from .evaluate import Accumulator, accuracy, evaluate_loss, train_epoch_ch3
from .framework import (
    SGD,
    DataModule,
    HyperParameters,
    LinearRegression,
    LinearRegressionScratch,
    Module,
    ProgressBoard,
    SyntheticRegressionData,
    Trainer,
    add_to_class,
)
from .logplot import semilogy
from .loss import squared_loss
from .model import linreg
from .optim import sgd
from .penalty import l2_penalty
from .plot import Animator, plot, set_axes, set_figsize, use_svg_display
from .timer import Timer

nn_Module = nn.Module  # noqa: N816 (the book's name)

# Tensor shorthands that are torch functions or dtypes under the book's names.
ones_like = torch.ones_like
ones = torch.ones
zeros_like = torch.zeros_like
zeros = torch.zeros
tensor = torch.tensor
arange = torch.arange
meshgrid = torch.meshgrid
sin = torch.sin
sinh = torch.sinh
cos = torch.cos
cosh = torch.cosh
tanh = torch.tanh
linspace = torch.linspace
exp = torch.exp
log = torch.log
normal = torch.normal
rand = torch.rand
randn = torch.randn
matmul = torch.matmul
int32 = torch.int32
int64 = torch.int64
float32 = torch.float32
concat = torch.cat
stack = torch.stack
abs = torch.abs  # noqa: A001 (the book's name)
eye = torch.eye
sigmoid = torch.sigmoid
batch_matmul = torch.bmm


def _method(name: str, doc: str):
    """A function ``f(x, *args, **kwargs)`` that calls ``x.<name>(*args, **kwargs)``."""

    def call(x, *args, **kwargs):
        return getattr(x, name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = doc
    return call


# Shorthands the book writes as functions for what torch has as tensor methods.
reshape = _method("reshape", "``reshape(x, shape)`` is ``x.reshape(shape)``.")
to = _method("to", "``to(x, device)`` is ``x.to(device)``.")
reduce_sum = _method("sum", "``reduce_sum(x, ...)`` is ``x.sum(...)``.")
reduce_mean = _method("mean", "``reduce_mean(x, ...)`` is ``x.mean(...)``.")
argmax = _method("argmax", "``argmax(x, ...)`` is ``x.argmax(...)``.")
astype = _method("type", "``astype(x, dtype)`` is ``x.type(dtype)``.")
transpose = _method("t", "``transpose(x)`` is ``x.t()``.")
expand_dims = _method("unsqueeze", "``expand_dims(x, dim)`` is ``x.unsqueeze(dim)``.")
swapaxes = _method("swapaxes", "``swapaxes(x, a, b)`` is ``x.swapaxes(a, b)``.")
repeat = _method("repeat", "``repeat(x, ...)`` is ``x.repeat(...)``.")
size = _method("numel", "``size(x)`` is ``x.numel()``, the number of elements.")


def numpy(x: torch.Tensor, *args, **kwargs):
    """``x`` as a NumPy array: ``x.detach().cpu().numpy()`` (also for a GPU tensor)."""
    return x.detach().cpu().numpy(*args, **kwargs)


def cpu() -> torch.device:
    """The CPU device."""
    return torch.device("cpu")


def gpu(i: int = 0) -> torch.device:
    """The ``i``-th CUDA device (whether or not it exists)."""
    return torch.device(f"cuda:{i}")


def num_gpus() -> int:
    """How many CUDA devices torch sees."""
    return torch.cuda.device_count()


def try_gpu(i: int = 0) -> torch.device:
    """The ``i``-th GPU if there is one, else the CPU."""
    return gpu(i) if num_gpus() >= i + 1 else cpu()


def __getattr__(name: str):
    # pyplot is heavy and needs a backend: load it the first time the book asks.
    if name == "plt":
        from matplotlib import pyplot

        return pyplot
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "SGD",
    "Accumulator",
    "Animator",
    "DataModule",
    "HyperParameters",
    "LinearRegression",
    "LinearRegressionScratch",
    "Module",
    "ProgressBoard",
    "SyntheticRegressionData",
    "Timer",
    "Trainer",
    "abs",
    "accuracy",
    "add_to_class",
    "arange",
    "argmax",
    "astype",
    "batch_matmul",
    "concat",
    "cos",
    "cosh",
    "cpu",
    "evaluate_loss",
    "exp",
    "expand_dims",
    "eye",
    "float32",
    "gpu",
    "int32",
    "int64",
    "l2_penalty",
    "linreg",
    "linspace",
    "load_array",
    "log",
    "matmul",
    "meshgrid",
    "nn",
    "nn_Module",
    "normal",
    "num_gpus",
    "numpy",
    "ones",
    "ones_like",
    "plot",
    "plt",  # noqa: F822 (module __getattr__ loads it)
    "rand",
    "randn",
    "reduce_mean",
    "reduce_sum",
    "repeat",
    "reshape",
    "semilogy",
    "set_axes",
    "set_figsize",
    "sgd",
    "sigmoid",
    "sin",
    "sinh",
    "size",
    "squared_loss",
    "stack",
    "swapaxes",
    "synthetic_data",
    "tanh",
    "tensor",
    "to",
    "torch",
    "train_epoch_ch3",
    "transpose",
    "try_gpu",
    "use_svg_display",
    "zeros",
    "zeros_like",
]
