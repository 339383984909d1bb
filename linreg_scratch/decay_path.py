"""Weight decay on the loss landscape, to scale: the ridge solution's path and SGD following it.

With the penalty ``lambda / 2 * ||w||^2`` the minimum moves from the least-squares
point toward the origin as lambda grows, along the points where a contour of the data's
loss touches a circle ``||w|| = r`` of the penalty. Drawn with equal axes, so the
circles are round and the angles are true.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import torch

from . import _checks
from .figure import new_figure, save_figure
from .landscape import _quadratic_loss, draw_contours, landscape_inputs
from .lang import text
from .record import record_run
from .solve import closed_form
from .tutorial import BATCH_SIZE, LR, NUM_EPOCHS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The lambdas marked on the ridge path by default.
MARKED = (0.1, 1.0, 10.0)
#: How many lambdas, spaced evenly in log, draw the ridge path.
PATH_POINTS = 80


def plot_weight_decay_path(
    features: torch.Tensor,
    labels: torch.Tensor,
    path: str | os.PathLike | None = None,
    *,
    weight_decay: float = 1.0,
    weight_decays: Sequence[float] | None = None,
    lr: float = LR,
    batch_size: int = BATCH_SIZE,
    num_epochs: int = NUM_EPOCHS,
    generator: torch.Generator | None = None,
) -> Figure:
    """The data's loss over ``(w1, w2)``, the penalty's circles, the ridge path and SGD with decay.

    ``features: (n, 2)``, ``labels: (n, 1)`` or ``(n,)``. The contours are the data's
    loss ``mean((X w + b - y)^2) / 2`` with the bias at its best value for each ``w``
    (the bias is not penalised, so the ridge ``w`` minimises exactly this plus
    ``lambda / 2 * ||w||^2``: each ridge point is where a contour touches a circle).
    The dashed circles are contours of ``||w||^2`` around the origin, one through each
    marked point. The ridge curve is ``closed_form(features, labels, weight_decay=lam)``
    over :data:`PATH_POINTS` lambdas spaced in log (from 1/100 of the smallest marked
    lambda to 100 times the largest), starting at the least-squares point (lambda = 0);
    ``weight_decays`` are the lambdas marked and labelled on it (default
    :data:`MARKED`: 0.1, 1, 10). SGD with ``weight_decay`` (default 1.0) is run by
    ``record_run(..., weight_decay=...)`` from :func:`init_params` with ``lr``,
    ``batch_size`` and ``num_epochs`` (the chapter's 0.03, 10, 3) through ``generator``;
    its path of ``w`` is drawn to its end, near that lambda's ridge point (a star).
    Both axes have the same scale. Returns the Figure and saves it to ``path`` if given.

    Example:

    >>> from linreg_scratch import synthetic_data
    >>> features, labels = synthetic_data([2, -3.4], 4.2, 1000)
    >>> fig = plot_weight_decay_path(features, labels, weight_decay=3.0)  # doctest: +SKIP
    """
    import numpy as np

    features, labels, path = landscape_inputs(features, labels, path)
    weight_decay = _checks.scalar("weight_decay", weight_decay, float, low=0)
    marked = (
        list(MARKED)
        if weight_decays is None
        else _checks.numbers_list("weight_decays", weight_decays)
    )
    marked = [_checks.scalar(f"weight_decays[{i}]", v, float, low=0) for i, v in enumerate(marked)]
    generator = _checks.generator("generator", generator)
    lr, batch_size, num_epochs = _checks.sgd_settings(lr, batch_size, num_epochs)

    run = record_run(
        features,
        labels,
        lr=lr,
        batch_size=batch_size,
        num_epochs=num_epochs,
        generator=generator,
        weight_decay=weight_decay,
    )
    sgd = run.path.double().reshape(-1, 2).cpu()
    scale = [v for v in [*marked, weight_decay] if v > 0] or [1.0]
    lambdas = [0.0, *np.geomspace(min(scale) / 100, max(scale) * 100, PATH_POINTS).tolist()]
    ridge = _ridge_points(features, labels, lambdas)
    at_marks = _ridge_points(features, labels, marked)
    target = _ridge_points(features, labels, [weight_decay])[0]

    # one square view holding the origin, the whole ridge path and the SGD path
    points = torch.cat([ridge, sgd, torch.zeros(1, 2, dtype=torch.float64)])
    low, high = points.min(0).values, points.max(0).values
    centre, half = (low + high) / 2, float((high - low).max()) / 2 * 1.15 + 1e-3
    grid = [np.linspace(float(c) - half, float(c) + half, 161) for c in centre]
    W1, W2 = np.meshgrid(*grid)
    X, y = features.double(), labels.double().reshape(-1)  # the best bias: centred data
    loss = _quadratic_loss(X - X.mean(0), y - y.mean(), 0.0, W1, W2)

    fig = new_figure((5.0, 4.2))
    ax = fig.add_subplot()
    draw_contours(ax, W1, W2, loss, text("data's mean squared loss", "数据的均方损失"))
    radii = at_marks.norm(dim=1).tolist()
    ax.contour(
        W1,
        W2,
        np.hypot(W1, W2),
        levels=sorted({r for r in radii if r > 0}) or [half / 2],
        colors="lightgray",
        linestyles="dashed",
        linewidths=0.9,
    )
    ax.plot(
        [],
        [],
        "--",
        color="lightgray",
        label=text("penalty circles ‖w‖ = r", "惩罚项等值圆 ‖w‖ = r"),
    )
    ax.plot(
        ridge[:, 0],
        ridge[:, 1],
        "-",
        color="red",
        linewidth=1.5,
        label=text("ridge solution as λ grows", "岭回归解（λ 增大）"),
    )
    ax.plot(
        ridge[0, 0],
        ridge[0, 1],
        "*",
        color="red",
        markersize=12,
        label=text("least squares (λ = 0)", "最小二乘解（λ = 0）"),
    )
    ax.plot(
        at_marks[:, 0],
        at_marks[:, 1],
        "o",
        color="red",
        markersize=5,
        linestyle="none",
        label=text("marked λ", "标出的 λ"),
    )
    for lam, (w1, w2) in zip(marked, at_marks.tolist(), strict=True):
        ax.annotate(f"λ={lam:g}", (w1, w2), xytext=(5, 4), textcoords="offset points",
                    fontsize=7, color="white")  # fmt: skip
    ax.plot(
        sgd[:, 0],
        sgd[:, 1],
        ".-",
        color="orange",
        markersize=2,
        linewidth=0.8,
        label=text(
            f"SGD with weight decay λ={weight_decay:g}", f"带权重衰减 λ={weight_decay:g} 的 SGD"
        ),
    )
    ax.plot(
        float(target[0]),
        float(target[1]),
        "*",
        color="orange",
        markeredgecolor="black",
        markersize=11,
        label=text(f"ridge solution, λ={weight_decay:g}", f"λ={weight_decay:g} 的岭回归解"),
    )
    ax.plot(0, 0, "+", color="white", markersize=8)  # where the penalty pulls
    ax.set_xlim(grid[0][0], grid[0][-1])
    ax.set_ylim(grid[1][0], grid[1][-1])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    outcome = "" if run.diverged is None else text(" (diverged)", "（发散）")
    ax.set_title(
        text(
            f"weight decay: loss (best b for each w) + λ/2 ‖w‖²\n"
            f"SGD, lr={lr:g}, batch {batch_size}, {num_epochs} epochs",
            f"权重衰减：损失（每个 w 取最优的 b）+ λ/2 ‖w‖²\n"
            f"SGD，lr={lr:g}，批量大小 {batch_size}，{num_epochs} 个迭代周期",
        )
        + outcome,
        fontsize=9,
    )
    ax.legend(loc="lower left", fontsize=6, framealpha=0.8)
    if path is not None:
        save_figure(fig, path)
    return fig


def _ridge_points(features: torch.Tensor, labels: torch.Tensor, lambdas: list[float]):
    """``closed_form(..., weight_decay=lam)``'s ``w`` for each lambda: ``(len(lambdas), 2)``."""
    rows = [
        closed_form(features, labels, weight_decay=lam)[0].double().reshape(-1) for lam in lambdas
    ]
    return torch.stack(rows).cpu() if rows else torch.empty(0, 2, dtype=torch.float64)
