"""The loss surface over (w1, w2), with the exact minimum and the SGD path on it."""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING

import torch

from . import _checks
from .figure import new_figure, save_figure
from .lang import term, text
from .record import record_run
from .solve import closed_form
from .trajectory import Trajectory
from .tutorial import BATCH_SIZE, LR, NUM_EPOCHS

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def plot_loss_landscape(
    features: torch.Tensor,
    labels: torch.Tensor,
    path: str | os.PathLike | None = None,
    *,
    trajectory: torch.Tensor | Trajectory | None = None,
    lr: float = LR,
    batch_size: int = BATCH_SIZE,
    num_epochs: int = NUM_EPOCHS,
    generator: torch.Generator | None = None,
    equal_aspect: bool = True,
) -> Figure:
    """Contour the mean squared loss over ``(w1, w2)`` for two features.

    ``features: (n, 2)``, ``labels: (n, 1)`` or ``(n,)``. The bias is held at its least-squares
    value ``b*``, so the exact minimum ``w*`` (marked with a star) is the lowest
    point of the picture. ``trajectory: (steps, 2)`` is the path of ``w`` to draw;
    without one, SGD is run from :func:`init_params` with ``lr``, ``batch_size``
    and ``num_epochs`` (through ``generator`` or torch's global RNG) and its path
    is drawn. A run that diverges is drawn up to the point where it blew up.
    With ``equal_aspect`` (the default) one unit of ``w1`` is as long as one unit
    of ``w2``, so round contours look round and stretched ones look stretched.
    Returns the Figure and saves it to ``path`` when one is given.

    Example:

    >>> from linreg_scratch import synthetic_data
    >>> features, labels = synthetic_data([2, -3.4], 4.2, 1000)
    >>> fig = plot_loss_landscape(features, labels, lr=1.5)  # doctest: +SKIP
    """
    features, labels, path = landscape_inputs(features, labels, path)
    if trajectory is not None:
        trajectory = _checks.w_path("trajectory", trajectory)
    generator = _checks.generator("generator", generator)
    lr, batch_size, num_epochs = _checks.sgd_settings(lr, batch_size, num_epochs)
    note = ""  # what the title says about the path
    if trajectory is None:
        run = record_run(
            features,
            labels,
            lr=lr,
            batch_size=batch_size,
            num_epochs=num_epochs,
            generator=generator,
        )
        outcome = "" if run.diverged is None else text(" (diverged)", "（发散）")
        trajectory = run.path
        note = text(
            f"SGD, lr={lr:g}, batch {batch_size}, {num_epochs} epochs",
            f"SGD，lr={lr:g}，批量大小 {batch_size}，{num_epochs} 个迭代周期",
        )
        note += outcome
    fig = new_figure((4.2, 3.4))
    draw_loss_landscape(
        fig.add_subplot(), features, labels, trajectory, note, equal_aspect=equal_aspect
    )
    if path is not None:
        save_figure(fig, path)
    return fig


def draw_loss_landscape(
    ax: Axes,
    features: torch.Tensor,
    labels: torch.Tensor,
    trajectory: torch.Tensor | None = None,
    note: str = "",
    *,
    equal_aspect: bool = False,
    show_path: bool = True,
) -> None:
    """Draw the landscape of :func:`plot_loss_landscape` into an existing ``ax``.

    The view is sized to hold ``trajectory``; ``show_path=False`` leaves the path
    itself out (an animation draws it step by step). ``equal_aspect`` draws both
    axes to the same scale, over the same span around ``w*``.
    """
    import numpy as np

    w_star, b_star = closed_form(features, labels)
    w_star = w_star.double().reshape(-1).cpu()
    path = None
    if trajectory is not None:
        path = _checks.w_path("trajectory", trajectory).detach().double().reshape(-1, 2).cpu()
        finite = torch.isfinite(path).all(1)
        if not bool(finite.all()):  # keep the part before it blew up
            path = path[: int((~finite).nonzero()[0])]
    span = torch.full((2,), 1.0, dtype=torch.float64)
    if path is not None and len(path):
        span = torch.maximum(span, (path - w_star).abs().max(0).values * 1.15)
    limit = 25.0  # a diverging path would otherwise zoom out to nothing...
    if path is not None and len(path):  # ...but keep its start in view
        limit = max(limit, 1.15 * float((path[0] - w_star).abs().max()))
    span = span.clamp(max=limit)
    if equal_aspect:
        span = span.max().expand(2)
    grid = [np.linspace(float(c - s), float(c + s), 121) for c, s in zip(w_star, span, strict=True)]
    W1, W2 = np.meshgrid(*grid)
    loss = _quadratic_loss(features, labels, float(b_star), W1, W2)
    draw_contours(ax, W1, W2, loss, term("mean squared loss"))
    if show_path and path is not None and len(path):
        ax.plot(
            path[:, 0],
            path[:, 1],
            ".-",
            color="orange",
            markersize=2,
            linewidth=0.8,
            label=text("SGD path", "SGD 路径"),
        )
        ax.plot(
            path[0, 0], path[0, 1], "o", color="orange", markersize=5, label=text("start", "起点")
        )
    ax.plot(
        w_star[0],
        w_star[1],
        "*",
        color="red",
        markersize=12,
        label=text("exact minimum", "精确最小值"),
    )
    ax.set_xlim(grid[0][0], grid[0][-1])
    ax.set_ylim(grid[1][0], grid[1][-1])
    if equal_aspect:
        ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.set_title(
        text("loss at b = ", "损失，b = ") + f"{float(b_star):.3g}" + (f"\n{note}" if note else ""),
        fontsize=9,
    )
    ax.legend(loc="lower left", fontsize=7, framealpha=0.8)


def landscape_inputs(features, labels, path) -> tuple[torch.Tensor, torch.Tensor, str | None]:
    """Check the data (two features) and the figure's path of a picture over ``(w1, w2)``.

    Returns the data detached (a picture, not a graph) and the checked path.
    """
    _checks.examples(features, labels)
    _checks.two_features(features, "a loss landscape")
    checked = None if path is None else _checks.figure_path("path", path)
    return features.detach(), labels.detach(), checked


def draw_contours(ax: Axes, W1, W2, loss, label: str) -> None:
    """Shade ``loss`` over the grid ``W1, W2`` on a log scale, with contours and a colorbar.

    16 levels spaced evenly in log between the lowest and the highest loss on the grid;
    ``label`` names the colorbar.
    """
    import numpy as np
    from matplotlib.colors import LogNorm

    low = max(float(loss.min()), 1e-8)
    levels = np.geomspace(low, max(float(loss.max()), low * 10), 16)
    shade = ax.contourf(W1, W2, loss, levels=levels, norm=LogNorm(), cmap="viridis")
    ax.contour(W1, W2, loss, levels=levels, colors="white", linewidths=0.3, alpha=0.6)
    ax.figure.colorbar(shade, ax=ax, label=label, format="%.0e")


def _quadratic_loss(features, labels, b, W1, W2):
    """``mean((X w + b - y)^2) / 2`` at every grid point, from the moments of X.

    Expanding the square gives ``(w' S w + 2 w' c + k) / 2`` with ``S = X'X / n``,
    ``c = X'(b - y) / n`` and ``k = mean((b - y)^2)``: the cost does not grow with n.
    """
    import numpy as np

    X = features.detach().double().cpu()
    e = b - labels.detach().double().reshape(-1).cpu()
    n = len(X)
    S, c, k = (X.T @ X / n).numpy(), (X.T @ e / n).numpy(), float((e @ e) / n)
    quad = S[0, 0] * W1**2 + 2 * S[0, 1] * W1 * W2 + S[1, 1] * W2**2
    loss = (quad + 2 * (c[0] * W1 + c[1] * W2) + k) / 2
    return np.maximum(loss, math.ulp(1.0))  # rounding can dip below 0 at the minimum
