"""linreg_scratch: linear regression from scratch, trained with mini-batch SGD.

The helpers of the chapter "linear regression from scratch" (Dive into DL,
PyTorch edition, 3.1-3.2), working on today's torch, numpy, matplotlib and
IPython. ``from linreg_scratch import *`` gives the tutorial's names
(``data_iter``, ``linreg``, ``squared_loss``, ``sgd``, ``use_svg_display``,
``set_figsize``, and ``semilogy`` of 3.11-3.12) and this package's own;
``import linreg_scratch as d2l`` stands in for the seed's ``import d2lzh_pytorch as d2l``
(``d2l.plt`` is pyplot, imported on first use).
"""

from .animation import animate_sgd
from .data import data_iter, synthetic_data
from .datasets import penguins
from .decay_path import plot_weight_decay_path
from .divergence import DivergenceError
from .evaluate import Accumulator, accuracy, evaluate_loss, train_epoch_ch3
from .explore import explore
from .gradcheck import grad_check
from .landscape import plot_loss_landscape
from .lang import get_language, set_language
from .logplot import semilogy
from .loss import squared_loss
from .model import init_params, linreg
from .optim import sgd
from .penalty import l2_penalty
from .plot import Animator, network_diagram, plot_training, set_figsize, use_svg_display
from .polynomial import polynomial_data, polynomial_features
from .scaling import standardize, unscale
from .solve import closed_form
from .timer import Timer
from .train import train
from .trajectory import Trajectory
from .tuning import Sweep, sweep

__version__ = "0.1.0"

__all__ = [
    "Accumulator",
    "Animator",
    "DivergenceError",
    "Sweep",
    "Timer",
    "Trajectory",
    "accuracy",
    "animate_sgd",
    "closed_form",
    "data_iter",
    "evaluate_loss",
    "explore",
    "get_language",
    "grad_check",
    "init_params",
    "l2_penalty",
    "linreg",
    "network_diagram",
    "penguins",
    "plot_loss_landscape",
    "plot_training",
    "plot_weight_decay_path",
    "polynomial_data",
    "polynomial_features",
    "semilogy",
    "set_figsize",
    "set_language",
    "sgd",
    "squared_loss",
    "standardize",
    "sweep",
    "synthetic_data",
    "train",
    "train_epoch_ch3",
    "unscale",
    "use_svg_display",
]


def __getattr__(name: str):
    # `linreg_scratch.d2l` (the books' namespace) and `.framework` load on first use,
    # so a plain `import linreg_scratch` stays cheap; so does pyplot, which the seed
    # edition's code reaches as `d2l.plt` after `import linreg_scratch as d2l`.
    if name in {"d2l", "framework"}:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    if name == "plt":
        from matplotlib import pyplot

        return pyplot
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
