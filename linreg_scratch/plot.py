"""Plotting helpers. matplotlib and IPython are imported inside the functions,
so ``import linreg_scratch`` stays cheap and works without a display."""

from __future__ import annotations

import math
import numbers
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _ipython():
    """The running IPython shell, or None (without importing IPython)."""
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython

    return get_ipython()


def _in_notebook() -> bool:
    """True inside a Jupyter kernel, where figures can be drawn inline."""
    shell = _ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


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


def _check_figsize(figsize: Sequence[float]) -> tuple[float, float]:
    if (
        isinstance(figsize, (str, bytes))
        or not isinstance(figsize, Sequence)
        or len(figsize) != 2
        or not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in figsize)
    ):
        raise TypeError(f"figsize must be a pair of numbers (width, height), got {figsize!r}")
    width, height = (float(v) for v in figsize)
    if not (width > 0 and height > 0 and math.isfinite(width) and math.isfinite(height)):
        raise ValueError(
            f"figsize must be two positive finite numbers (width, height) in inches, "
            f"got {figsize!r}"
        )
    return width, height


def set_figsize(figsize: Sequence[float] = (3.5, 2.5)) -> None:
    """Use SVG display and make new figures ``figsize = (width, height)`` inches.

    Example:

    >>> set_figsize((4.5, 3))  # doctest: +SKIP
    """
    figsize = _check_figsize(figsize)
    use_svg_display()
    import matplotlib

    matplotlib.rcParams["figure.figsize"] = figsize


def new_figure(figsize: Sequence[float] | None = None) -> Figure:
    """A matplotlib ``Figure`` that is not registered with pyplot.

    Returning it from a notebook cell shows it once; ``fig.savefig(path)`` writes
    it from a script. No pyplot state is touched.
    """
    if figsize is not None:
        figsize = _check_figsize(figsize)
    if _ipython() is not None:
        # Loading pyplot in a kernel activates the inline backend, which
        # registers the display formatters that render a returned Figure.
        import matplotlib.pyplot  # noqa: F401
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout="constrained")


def save_figure(fig: Figure, path: str | os.PathLike) -> None:
    """Save ``fig`` to ``path``; the format follows the suffix (.svg, .png, .pdf)."""
    suffix = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
    if suffix not in {"svg", "png", "pdf"}:
        raise ValueError(f"path must end in .svg, .png or .pdf, got {os.fspath(path)!r}")
    fig.savefig(path)


def _to_numpy(t):
    return t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else t


class Animator:
    """A line plot that redraws in place as points arrive, e.g. one per epoch.

    >>> anim = Animator(xlabel="epoch", ylabel="loss", legend=["train"], yscale="log")
    >>> for epoch in range(3):
    ...     anim.add(epoch + 1, [0.1 / (epoch + 1)])  # doctest: +SKIP

    In Jupyter the figure is updated in place (other output in the cell stays).
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
        fmts: Sequence[str] = ("-", "m--", "g-.", "r:"),
        figsize: Sequence[float] = (3.5, 2.5),
    ) -> None:
        self.xlabel, self.ylabel = xlabel, ylabel
        self.legend = list(legend) if legend is not None else None
        self.xlim, self.ylim = xlim, ylim
        self.xscale, self.yscale = xscale, yscale
        self.fmts = list(fmts)
        self.figsize = _check_figsize(figsize)
        self.X: list[list[float]] = []
        self.Y: list[list[float]] = []
        self.fig: Figure | None = None
        self._handle = None

    def add(self, x: float, y: float | Sequence[float]) -> None:
        """Append the point(s) ``y`` at ``x``: one value per line of the plot."""
        if isinstance(y, torch.Tensor):
            y = y.detach().reshape(-1).tolist()
        ys = [float(_to_numpy(v)) for v in (y if isinstance(y, Sequence) else [y])]
        if not self.X:
            self.X = [[] for _ in ys]
            self.Y = [[] for _ in ys]
        if len(ys) != len(self.Y):
            raise ValueError(f"y must hold {len(self.Y)} values (one per line), got {len(ys)}")
        for xs_i, ys_i, v in zip(self.X, self.Y, ys, strict=True):
            xs_i.append(float(x))
            ys_i.append(v)
        if _in_notebook():
            self._draw()
        else:
            names = self.legend or [self.ylabel or "y"] * len(ys)
            values = ", ".join(f"{name} {v:.6g}" for name, v in zip(names, ys, strict=True))
            print(f"{self.xlabel or 'x'} {x:g}: {values}")

    def _draw(self) -> None:
        from IPython.display import display

        if self.fig is None:
            self.fig = new_figure(self.figsize)
            self.fig.add_subplot()
        ax = self.fig.axes[0]
        ax.cla()
        for i, (xs, ys) in enumerate(zip(self.X, self.Y, strict=True)):
            ax.plot(xs, ys, self.fmts[i % len(self.fmts)])
        ax.set_xlabel(self.xlabel or "")
        ax.set_ylabel(self.ylabel or "")
        ax.set_xscale(self.xscale)
        ax.set_yscale(self.yscale)
        if self.xlim:
            ax.set_xlim(self.xlim)
        if self.ylim:
            ax.set_ylim(self.ylim)
        if self.legend:
            ax.legend(self.legend)
        ax.grid(True, alpha=0.3)
        if self._handle is None:
            self._handle = display(self.fig, display_id=True)
        else:
            self._handle.update(self.fig)


def plot_training(
    losses: Sequence[float],
    features: torch.Tensor,
    labels: torch.Tensor,
    w: torch.Tensor,
    b: torch.Tensor,
    path: str | os.PathLike | None = None,
    *,
    trajectory: torch.Tensor | None = None,
) -> Figure:
    """The loss after each epoch, and predictions against labels; for two features
    also the loss landscape with the path of ``w`` (``trajectory: (steps, 2)``).

    ``features: (n, d)``, ``labels: (n,)``, ``w: (d, 1)``, ``b: (1,)``. Points on the
    diagonal of the second panel are predicted exactly. Returns the Figure and
    saves it to ``path`` when one is given.

    Example:

    >>> losses = train(linreg, squared_loss, [w, b], features, labels)  # doctest: +SKIP
    >>> plot_training(losses, features, labels, w, b, "fit.svg")  # doctest: +SKIP
    """
    from .model import linreg

    if len(losses) == 0:
        raise ValueError("losses is empty: train for at least one epoch first")
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
