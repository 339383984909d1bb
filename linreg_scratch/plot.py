"""Plotting helpers. matplotlib and IPython are imported inside the functions,
so ``import linreg_scratch`` stays cheap and works without a display."""

from __future__ import annotations

import math
import numbers
import os
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import torch

from . import _checks, lang
from .figure import _in_notebook, _ipython, new_figure, save_figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .trajectory import Trajectory


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


def _axes_settings(
    xlabel: object, ylabel: object, xlim: object, ylim: object, xscale: object, yscale: object
) -> tuple[
    str | None, str | None, tuple[float, float] | None, tuple[float, float] | None, str, str
]:
    """The axis labels, limits and scales of a live plot, each checked under its own name."""
    scales = ("linear", "log", "symlog", "logit")
    return (
        _checks.optional_str("xlabel", xlabel),
        _checks.optional_str("ylabel", ylabel),
        _checks.limits("xlim", xlim),
        _checks.limits("ylim", ylim),
        _checks.choice("xscale", xscale, scales),
        _checks.choice("yscale", yscale, scales),
    )


class Animator:
    """A line plot that redraws in place as points arrive, e.g. one per epoch.

    >>> anim = Animator(xlabel="epoch", ylabel="loss", legend=["train"], yscale="log")
    >>> for epoch in range(3):
    ...     anim.add(epoch + 1, [0.1 / (epoch + 1)])  # doctest: +SKIP

    ``add(x, ys)`` puts one value on every line; ``add(x, y, label="val")`` one value on
    the line named ``label`` only (a new line, and legend entry, when the name is new),
    so lines may grow at their own pace and ``x``. Lines are styled by ``fmts``
    (matplotlib format strings such as ``"ms--"``: marker, line, colour) or, the
    d2l-en 1.x ``ProgressBoard``'s way, by ``ls`` (line styles) and ``colors``, cycling.
    One string counts as a list of one (``legend="train loss"``). ``fig``/``axes``: draw
    into these instead of a new figure of ``figsize`` inches. ``nrows``/``ncols`` make that
    figure a grid of subplots, of which, as in the books, the first one is drawn.

    In Jupyter the figure is shown once, above what the cell prints after creating the
    Animator, and redrawn in place (at most every ``REDRAW_INTERVAL`` seconds; points in
    between are drawn by the next redraw, the last ones when the cell ends). With
    ``fmts`` each point gets a marker; on a linear axis, whole-number ``x`` values
    (epochs) get whole-number ticks. Labels that are listed in ``lang.TERMS``
    (``"epoch"``, ``"loss"``) follow :func:`set_language`. Elsewhere it prints one text
    line per call instead of drawing.
    """

    def __init__(
        self,
        xlabel: str | None = None,
        ylabel: str | None = None,
        legend: str | Sequence[str] | None = None,
        xlim: tuple[float, float] | None = None,
        ylim: tuple[float, float] | None = None,
        xscale: str = "linear",
        yscale: str = "linear",
        fmts: str | Sequence[str] | None = None,
        nrows: int = 1,
        ncols: int = 1,
        figsize: Sequence[float] = (3.5, 2.5),
        *,
        ls: str | Sequence[str] | None = None,
        colors: str | Sequence[str] | None = None,
        fig: Figure | None = None,
        axes: Axes | None = None,
    ) -> None:
        settings = _axes_settings(xlabel, ylabel, xlim, ylim, xscale, yscale)
        self.xlabel, self.ylabel, self.xlim, self.ylim, self.xscale, self.yscale = settings
        self.legend = _checks.str_list("legend", legend) if legend is not None else None
        _checks.not_together("fmts", fmts, "ls and colors", (ls, colors))
        self.fmts = _checks.str_list("fmts", fmts) if fmts is not None else list(_FMTS)
        self.ls = _checks.str_list("ls", ls) if ls is not None else None
        self.colors = _checks.str_list("colors", colors) if colors is not None else None
        self.figsize = _checks.figsize("figsize", figsize)
        self.grid = tuple(
            _checks.scalar(k, v, int, low=1) for k, v in (("nrows", nrows), ("ncols", ncols))
        )
        if fig is None and axes is not None:
            fig = cast("Figure", axes.figure)
        self.fig, self.axes = fig, axes
        self.X: list[list[float]] = []
        self.Y: list[list[float]] = []
        self.drawn: list[int] = []  # points per line in the figure on screen
        self._handle = None
        self._last_draw = -math.inf
        if _in_notebook():
            from IPython.display import display

            use_svg_display()  # as the books' Animator and ProgressBoard do: sharp lines
            # an empty placeholder now, so the figure sits above the lines printed later
            self._handle = display({"text/plain": ""}, raw=True, display_id=True)

    def add(self, x: float, y: float | Sequence[float], label: str | None = None) -> None:
        """Append the point(s) ``y`` at ``x``: one value per line of the plot, or, with
        ``label``, one value to the line of that name."""
        x = _checks.scalar(
            "x", x.item() if isinstance(x, torch.Tensor) and x.numel() == 1 else x, float
        )
        if label is not None:
            i, ys = self._line_index(label), _checks.numbers_list("y", [y])
            names = [label]
            self.X[i].append(x)
            self.Y[i].append(ys[0])
        else:
            ys = self._one_per_line(y)
            for xs_i, ys_i, v in zip(self.X, self.Y, ys, strict=True):
                xs_i.append(x)
                ys_i.append(v)
            names = self.legend or [self.ylabel or "y"] * len(ys)
        if _in_notebook():
            if time.monotonic() - self._last_draw >= REDRAW_INTERVAL:
                self._draw()
            else:  # drawn at the next chance, at the latest when the cell ends
                _pending[id(self)] = self
                _flush_when_cells_end()
        else:
            comma, colon = lang.text(", ", "，"), lang.text(": ", "：")
            values = comma.join(f"{lang.term(n)} {v:.6g}" for n, v in zip(names, ys, strict=True))
            print(f"{lang.term(self.xlabel) or 'x'} {round(x, 3):g}{colon}{values}")  # epoch 0.234

    def _one_per_line(self, y: float | Sequence[float]) -> list[float]:
        """``y`` as a list of one value per line; the lines are made on the first call."""
        if isinstance(y, numbers.Real) or (isinstance(y, torch.Tensor) and y.dim() == 0):
            y = [cast(float, y)]  # a real number or a 0-d tensor
        ys = _checks.numbers_list("y", y)
        _checks.nonempty("y", ys, "pass one value per line of the plot")
        started = any(self.X)
        lines = len(self.Y) if started else len(self.legend) if self.legend else len(ys)
        why = f"one per line{', as many as legend' if self.legend and not started else ''}"
        _checks.how_many("y", len(ys), lines, "values", why)
        if not self.X:
            self.X, self.Y = [[] for _ in ys], [[] for _ in ys]
        return ys

    def _line_index(self, label: object) -> int:
        """The index of the line named ``label``, made (with its legend entry) if new."""
        label = _checks.line_name("label", label)
        _checks.lines_have_names(label, named=self.legend is not None or not any(self.X))
        self.legend = self.legend if self.legend is not None else []
        if not self.X:
            self.X, self.Y = [[] for _ in self.legend], [[] for _ in self.legend]
        if label not in self.legend:
            self.legend.append(label)  # our own copy of the legend given
            self.X.append([])
            self.Y.append([])
        return self.legend.index(label)

    def _style(self, i: int) -> tuple[tuple[str, ...], dict[str, object]]:
        """The format string (if any) and keywords that ``ax.plot`` draws line ``i`` with."""
        if self.ls is None and self.colors is None:
            return (self.fmts[i % len(self.fmts)],), {"markersize": 4}
        ls, colors = self.ls or ["-"], self.colors or [f"C{k}" for k in range(10)]
        return (), {"linestyle": ls[i % len(ls)], "color": colors[i % len(colors)]}

    def _draw(self) -> None:
        from IPython.display import display
        from matplotlib.ticker import MaxNLocator

        if self.axes is None:
            if self.fig is None:
                self.fig = new_figure(self.figsize)
            if self.fig.axes:
                self.axes = self.fig.axes[0]
            else:  # a grid of nrows x ncols: the books' Animator draws in the first
                self.axes = self.fig.subplots(*self.grid, squeeze=False)[0, 0]
        ax = self.axes
        ax.cla()
        for i, (xs, ys) in enumerate(zip(self.X, self.Y, strict=True)):
            fmt, style = self._style(i)
            ax.plot(xs, ys, *fmt, **style)  # type: ignore[arg-type]  # fmt: str, style: kwargs
        ax.set_xlabel(lang.term(self.xlabel) or "")  # as matplotlib draws None
        ax.set_ylabel(lang.term(self.ylabel) or "")
        ax.set_xscale(self.xscale)
        ax.set_yscale(self.yscale)
        if self.xscale == "linear" and all(float(v).is_integer() for xs in self.X for v in xs):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if self.xlim:
            # with fmts, markers at the ends stay whole; ls/colors lines end at the limits
            fmts = self.ls is None and self.colors is None
            pad = 0.04 * (self.xlim[1] - self.xlim[0]) if fmts else 0
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
        self.drawn = [len(xs) for xs in self.X]
        self._last_draw = time.monotonic()
        _pending.pop(id(self), None)


#: the default ``fmts`` of :class:`Animator`: circles, magenta squares, green triangles, red
#: diamonds, on solid, dashed, dash-dotted and dotted lines
_FMTS = ("o-", "ms--", "g^-.", "rd:")

# Rendering a figure costs tens of milliseconds or more, so an Animator redraws at most
# this often (seconds); points in between are drawn by the next redraw, and whatever is
# still undrawn when a notebook cell finishes is drawn then.
REDRAW_INTERVAL = 0.5
_pending: dict[int, Animator] = {}
_hooked_shells: set[int] = set()


def _flush_pending(*_args) -> None:
    """Draw every Animator that has points not yet on screen (IPython calls this after
    each cell)."""
    for anim in list(_pending.values()):
        anim._draw()
    _pending.clear()


def _flush_when_cells_end() -> None:
    shell = _ipython()
    if shell is not None and id(shell) not in _hooked_shells:
        shell.events.register("post_execute", _flush_pending)
        _hooked_shells.add(id(shell))


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
    _checks.log_values("losses", losses)  # drawn on a log axis
    _checks.examples(features, labels)
    _checks.linreg_args([w, b], features, "features")
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
    ax_loss.set_xlabel(lang.term("epoch"))
    ax_loss.set_ylabel(lang.term("mean squared loss"))
    ax_loss.set_xticks(list(epochs))
    ax_loss.grid(True, alpha=0.3)
    ax_fit.scatter(y, y_hat, s=2, alpha=0.5)
    lo, hi = float(min(y.min(), y_hat.min())), float(max(y.max(), y_hat.max()))
    ax_fit.plot([lo, hi], [lo, hi], "r--", linewidth=1, label="y_hat = y")
    ax_fit.set_xlabel(lang.text("label y", "标签 y"))
    ax_fit.set_ylabel(lang.text("prediction y_hat", "预测 y_hat"))
    ax_fit.legend(loc="upper left")
    if landscape:
        from .landscape import draw_loss_landscape

        title = lang.text("path of w during training", "训练中 w 的路径")
        draw_loss_landscape(ax_land[0], features, labels, trajectory, title)
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
