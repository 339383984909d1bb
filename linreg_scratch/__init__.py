"""linreg_scratch: linear regression from scratch, trained with mini-batch SGD.

The helpers of the chapter "linear regression from scratch" (Dive into DL,
PyTorch edition, 3.1-3.2), working on today's torch, numpy, matplotlib and
IPython. ``from linreg_scratch import *`` gives the tutorial's names
(``data_iter``, ``linreg``, ``squared_loss``, ``sgd``, ``use_svg_display``,
``set_figsize``) and this package's own.
"""

from .data import data_iter, synthetic_data
from .gradcheck import grad_check
from .landscape import plot_loss_landscape
from .lang import get_language, set_language
from .loss import squared_loss
from .model import init_params, linreg
from .optim import sgd
from .plot import Animator, network_diagram, plot_training, set_figsize, use_svg_display
from .solve import closed_form
from .timer import Timer
from .train import DivergenceError, Trajectory, train
from .tuning import Sweep, sweep

__version__ = "0.1.0"

__all__ = [
    "Animator",
    "DivergenceError",
    "Sweep",
    "Timer",
    "Trajectory",
    "closed_form",
    "data_iter",
    "get_language",
    "grad_check",
    "init_params",
    "linreg",
    "network_diagram",
    "plot_loss_landscape",
    "plot_training",
    "set_figsize",
    "set_language",
    "sgd",
    "squared_loss",
    "sweep",
    "synthetic_data",
    "train",
    "use_svg_display",
]
