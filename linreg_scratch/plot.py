"""Plotting helpers. matplotlib and IPython are imported inside the functions,
so ``import linreg_scratch`` stays cheap and works without a display."""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import torch

from . import _checks, lang
from .figure import _in_notebook, _ipython, new_figure, save_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .record import Trajectory


def use_svg_display() -> None:
    """Show matplotlib figures as SVG (sharp at any zoom) in Jupyter.

    Uses ``matplotlib_inline``, because ``IPython.display.set_matplotlib_formats``
    is gone from IPython 9. Outside IPython (a script, a terminal) it does nothing.

    Example:

    >>> use_svg_display()  # in Jupyter: figures from now on are SVG
    """
    if _ipython() is None:
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats
    from matplotlib_inline.config import InlineBackend

    # Also remembered in the inline backend's settings: a later `%matplotlib inline`
    # (or, under ipykernel 6's old backend name, the first pyplot import) re-applies
    # those settings and would otherwise switch back to PNG.
    InlineBackend.instance().figure_formats = {"svg"}
    set_matplotlib_formats("svg")


def set_figsize(figsize: Sequence[float] = (3.5, 2.5)) -> None:
    """Use SVG display and make new figures ``figsize = (width, height)`` inches.

    Example:

    >>> set_figsize((4.5, 3))  # doctest: +SKIP
    """
    figsize = _checks.figsize("figsize", figsize)
    use_svg_display()
    import matplotlib

    matplotlib.rcParams["figure.figsize"] = figsize
    lang.apply_font()


def _to_numpy(t):
    return t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else t


class Animator:
    """A line plot that redraws in place as points arrive, e.g. one per epoch.

    >>> anim = Animator(xlabel="epoch", ylabel="loss", legend=["train"], yscale="log")
    >>> for epoch in range(3):
    ...     anim.add(epoch + 1, [0.1 / (epoch + 1)])  # doctest: +SKIP

    In Jupyter the figure is shown once, above what the cell prints after creating the
    Animator, and redrawn in place on every ``add``; each point gets a marker, and
    whole-number ``x`` values (epochs) get whole-number ticks. Labels that are
    listed in ``lang.TERMS`` (``"epoch"``, ``"loss"``) follow :func:`set_language`.
    Elsewhere it prints one text line per call instead of drawing.
    """

    def __init__(
        self,
        xlabel: str | None = None,
        ylabel: str | None = None,
        legend: Sequence[str] | None = None,
        xlim: tuple[float, float] | None = None,
        ylim: tuple[float, float] | None = None,
        xscale: str = "linear",
        yscale: str = "linear",
        fmts: Sequence[str] = ("o-", "ms--", "g^-.", "rd:"),
        figsize: Sequence[float] = (3.5, 2.5),
    ) -> None:
        xlabel = _checks.optional_str("xlabel", xlabel)
        ylabel = _checks.optional_str("ylabel", ylabel)
        legend = _checks.str_list("legend", legend) if legend is not None else None
        fmts = _checks.str_list("fmts", fmts)
        xlim = _checks.limits("xlim", xlim)
        ylim = _checks.limits("ylim", ylim)
        xscale = _checks.choice("xscale", xscale, ("linear", "log", "symlog", "logit"))
        yscale = _checks.choice("yscale", yscale, ("linear", "log", "symlog", "logit"))
        self.xlabel, self.ylabel = xlabel, ylabel
        self.legend = legend
        self.xlim, self.ylim = xlim, ylim
        self.xscale, self.yscale = xscale, yscale
        self.fmts = list(fmts)
        self.figsize = _checks.figsize("figsize", figsize)
        self.X: list[list[float]] = []
        self.Y: list[list[float]] = []
        self.fig: Figure | None = None
        self._handle = None
        if _in_notebook():
            from IPython.display import display

            # an empty placeholder now, so the figure sits above the lines printed later
            self._handle = display({"text/plain": ""}, raw=True, display_id=True)

    def add(self, x: float, y: float | Sequence[float]) -> None:
        """Append the point(s) ``y`` at ``x``: one value per line of the plot."""
        x = _checks.scalar(
            "x", x.item() if isinstance(x, torch.Tensor) and x.numel() == 1 else x, float
        )
        if isinstance(y, numbers.Real) or (isinstance(y, torch.Tensor) and y.dim() == 0):
            y = [cast(float, y)]  # a real number or a 0-d tensor
        ys = _checks.numbers_list("y", y)
        _checks.nonempty("y", ys, "pass one value per line of the plot")
        lines = len(self.Y) if self.X else len(self.legend) if self.legend else len(ys)
        why = f"one per line{', as many as legend' if self.legend and not self.X else ''}"
        _checks.how_many("y", len(ys), lines, "values", why)
        if not self.X:
            self.X = [[] for _ in ys]
            self.Y = [[] for _ in ys]
        for xs_i, ys_i, v in zip(self.X, self.Y, ys, strict=True):
            xs_i.append(float(x))
            ys_i.append(v)
        if _in_notebook():
            self._draw()
        else:
            names = [lang.term(n) for n in self.legend or [self.ylabel or "y"] * len(ys)]
            values = ", ".join(f"{name} {v:.6g}" for name, v in zip(names, ys, strict=True))
            print(f"{lang.term(self.xlabel) or 'x'} {x:g}: {values}")

    def _draw(self) -> None:
        from IPython.display import display
        from matplotlib.ticker import MaxNLocator

        if self.fig is None:
            self.fig = new_figure(self.figsize)
            self.fig.add_subplot()
        ax = self.fig.axes[0]
        ax.cla()
        for i, (xs, ys) in enumerate(zip(self.X, self.Y, strict=True)):
            ax.plot(xs, ys, self.fmts[i % len(self.fmts)], markersize=4)
        ax.set_xlabel(lang.term(self.xlabel) or "")  # as matplotlib draws None
        ax.set_ylabel(lang.term(self.ylabel) or "")
        ax.set_xscale(self.xscale)
        ax.set_yscale(self.yscale)
        if all(float(x).is_integer() for x in self.X[0]):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if self.xlim:
            pad = 0.04 * (self.xlim[1] - self.xlim[0])  # markers at the ends stay whole
            ax.set_xlim(self.xlim[0] - pad, self.xlim[1] + pad)
        if self.ylim:
            ax.set_ylim(self.ylim)
        if self.legend:
            ax.legend([lang.term(n) for n in self.legend])
        ax.grid(True, alpha=0.3)
        if self._handle is None:
            self._handle = display(self.fig, display_id=True)
        else:
            self._handle.update(self.fig)


def network_diagram(num_inputs: int = 2) -> Figure:
    """Linear regression drawn as a one-layer neural network: the inputs x_1 to x_d, each
    joined to the single output neuron ``o``, the layer names in the current language.

    >>> fig = network_diagram(2)
    >>> len(fig.axes[0].patches)  # two input nodes and the output neuron
    3
    """
    _checks.scalar("num_inputs", num_inputs, int, low=1)
    fig = new_figure((4.8, 1.2 + 0.8 * num_inputs))
    ax = fig.add_subplot()
    from matplotlib.patches import Circle

    top = num_inputs - 1
    inputs: list[tuple[float, float]] = [(0.0, top - i) for i in range(num_inputs)]
    out = (2.4, top / 2)
    radius = 0.26
    for x, y in inputs:  # arrows from circle edge to circle edge
        dx, dy = out[0] - x, out[1] - y
        u = radius / math.hypot(dx, dy)
        ax.annotate(
            "",
            xy=(out[0] - u * dx, out[1] - u * dy),
            xytext=(x + u * dx, y + u * dy),
            arrowprops={"arrowstyle": "->", "shrinkA": 0, "shrinkB": 0, "linewidth": 1.2},
        )
    for i, (x, y) in enumerate([*inputs, out]):
        ax.add_patch(Circle((x, y), radius, fill=False, linewidth=1.6))
        label = f"$x_{{{i + 1}}}$" if i < num_inputs else "$o$"
        ax.text(x, y, label, ha="center", va="center", fontsize=14)
    ax.text(0.0, -0.62, lang.text("input layer", "输入层"), ha="center", fontsize=12)
    ax.text(out[0], -0.62, lang.text("output layer", "输出层"), ha="center", fontsize=12)
    ax.set_xlim(-0.8, 3.2)
    ax.set_ylim(-0.8, top + 0.4)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def plot_training(
    losses: Sequence[float],
    features: torch.Tensor,
    labels: torch.Tensor,
    w: torch.Tensor,
    b: torch.Tensor,
    path: str | os.PathLike | None = None,
    *,
    trajectory: torch.Tensor | Trajectory | None = None,
) -> Figure:
    """The loss after each epoch, and predictions against labels; for two features
    also the loss landscape with the path of ``w`` (``trajectory: (steps, 2)``, or the
    :class:`Trajectory` that recorded the training).

    ``features: (n, d)``, ``labels: (n, 1)`` or ``(n,)``, ``w: (d, 1)``, ``b: (1,)``. Points on the
    diagonal of the second panel are predicted exactly. Returns the Figure and
    saves it to ``path`` when one is given.

    Example:

    >>> losses = train(linreg, squared_loss, [w, b], features, labels)  # doctest: +SKIP
    >>> plot_training(losses, features, labels, w, b, "fit.svg")  # doctest: +SKIP
    """
    from .model import linreg

    losses = _checks.numbers_list("losses", losses)
    _checks.nonempty("losses", losses, "train for at least one epoch first")
    _checks.examples(features, labels)
    _checks.linreg_params(w, b, features, "features")
    if trajectory is not None:
        trajectory = _checks.w_path("trajectory", trajectory)
    if path is not None:
        path = _checks.figure_path("path", path)
    features, labels = features.detach(), labels.detach()
    with torch.no_grad():
        y_hat = _to_numpy(linreg(features, w, b)).reshape(-1)
    y = _to_numpy(labels).reshape(-1)
    landscape = features.shape[1] == 2
    fig = new_figure((11.0, 3.2) if landscape else (7.0, 2.8))
    ax_loss, ax_fit, *ax_land = fig.subplots(1, 3 if landscape else 2)
    epochs = range(1, len(losses) + 1)
    ax_loss.plot(epochs, losses, "o-")
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("mean squared loss")
    ax_loss.set_xticks(list(epochs))
    ax_loss.grid(True, alpha=0.3)
    ax_fit.scatter(y, y_hat, s=2, alpha=0.5)
    lo, hi = float(min(y.min(), y_hat.min())), float(max(y.max(), y_hat.max()))
    ax_fit.plot([lo, hi], [lo, hi], "r--", linewidth=1, label="y_hat = y")
    ax_fit.set_xlabel("label y")
    ax_fit.set_ylabel("prediction y_hat")
    ax_fit.legend(loc="upper left")
    if landscape:
        from .landscape import draw_loss_landscape

        draw_loss_landscape(ax_land[0], features, labels, trajectory, "path of w during training")
    if path is not None:
        save_figure(fig, path)
    return fig


def set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend) -> None:
    """Label, scale and limit a matplotlib ``axes`` in one call, then add a grid (d2l's helper)."""
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    axes.set_xlim(xlim)
    axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)
    axes.grid()


def _one_axis(X) -> bool:
    """True for a single series (a 1-D array or tensor, or a flat list of numbers)."""
    if hasattr(X, "ndim"):
        return X.ndim == 1
    return isinstance(X, list) and (not X or not hasattr(X[0], "__len__"))


def plot(
    X,
    Y=None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    legend: Sequence[str] | None = None,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    xscale: str = "linear",
    yscale: str = "linear",
    fmts: Sequence[str] = ("-", "m--", "g-.", "r:"),
    figsize: Sequence[float] = (3.5, 2.5),
    axes=None,
) -> None:
    """d2l's quick line plot on pyplot's current axes (or on ``axes``).

    ``X`` and ``Y`` are one series (1-D) or a list of series; with ``Y=None`` the
    series in ``X`` are drawn against their index. One ``X`` is shared by every
    ``Y``. Tensors are detached and moved to the CPU first.

    Example:

    >>> import numpy as np
    >>> x = np.arange(0, 3, 0.1)
    >>> plot(x, [x**2, 2 * x], legend=["x^2", "2x"])  # doctest: +SKIP
    """
    figsize = _checks.figsize("figsize", figsize)
    if _one_axis(X):
        X = [X]
    if Y is None:
        X, Y = [[]] * len(X), X
    elif _one_axis(Y):
        Y = [Y]
    if len(X) != len(Y):
        X = X * len(Y)
    set_figsize(figsize)
    if axes is None:
        from matplotlib import pyplot as plt

        axes = plt.gca()
    axes.cla()
    for i, (x, y) in enumerate(zip(X, Y, strict=True)):
        x, y, fmt = _to_numpy(x), _to_numpy(y), fmts[i % len(fmts)]
        if len(x):
            axes.plot(x, y, fmt)
        else:
            axes.plot(y, fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)
