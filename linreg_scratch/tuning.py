"""Sweep one hyperparameter and compare the runs."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch

from . import _checks, tutorial
from .figure import new_figure, save_figure
from .lang import text
from .record import record_run

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SWEEPABLE = ("lr", "batch_size")


@dataclass
class Sweep:
    """The runs of :func:`sweep`: one loss curve per value of ``param_name``.

    ``losses[i]`` starts with the loss before training (epoch 0) and has one entry
    per finished epoch; ``diverged[i]`` is None, or says how run ``i`` blew up.
    """

    param_name: str
    values: list[float]
    losses: list[list[float]]
    diverged: list[str | None]

    @property
    def final_losses(self) -> list[float]:
        """The last loss of every run; ``inf`` for a run that diverged."""
        return [math.inf if d else ls[-1] for ls, d in zip(self.losses, self.diverged, strict=True)]

    def __str__(self) -> str:
        """One row per run: the value, its last finite loss and whether it diverged."""
        header = text("last loss", "最后的损失")
        rows = [f"{self.param_name:>12}  {header:>12}  {text('status', '状态')}"]
        for value, ls, why in zip(self.values, self.losses, self.diverged, strict=True):
            finite = [v for v in ls if math.isfinite(v)]
            last = f"{finite[-1]:.3e}" if finite else "-"
            status = text("diverged: ", "发散：") + why if why else text("ok", "正常")
            rows.append(f"{value:>12g}  {last:>12}  {status}")
        return "\n".join(rows)

    def plot(self, path: str | os.PathLike | None = None) -> Figure:
        """Loss curves of all runs (left) and final loss against the value (right).

        A diverged run ends in a red cross on the left and gets a red cross at the
        top of the right panel, instead of stretching the axes to infinity. The
        legend sits beside the panels, so it never covers a curve.
        """
        if path is not None:
            path = _checks.figure_path("path", path)
        _checks.nonempty("this Sweep", self.losses, "it holds no runs; make one with sweep(...)")
        fig = new_figure((9.0, 3.0))
        ax_curves, ax_final = fig.subplots(1, 2)
        # Diverged runs are cut where they leave the range of the healthy ones.
        healthy = [
            v for ls, why in zip(self.losses, self.diverged, strict=True) if not why for v in ls
        ]
        top = 10 * max(healthy or [ls[0] for ls in self.losses])
        num_epochs = max(len(ls) for ls in self.losses) - 1
        for value, ls, why in zip(self.values, self.losses, self.diverged, strict=True):
            label = f"{self.param_name}={value:g}" + (
                text(" (diverged)", "（发散）") if why else ""
            )
            shown = [v for v in ls if math.isfinite(v) and v <= top]
            (line,) = ax_curves.plot(range(len(shown)), shown, "o-", markersize=3, label=label)
            if why:  # a dashed line up to the top edge, at the epoch where it blew up
                x_end = min(len(ls), num_epochs)
                ax_curves.plot(
                    [len(shown) - 1, x_end], [shown[-1], top], "--", color=line.get_color()
                )
                ax_curves.plot(
                    x_end, top, "x", color="red", markersize=9, markeredgewidth=2, clip_on=False
                )
        ax_curves.set_yscale("log")
        ax_curves.set_ylim(top=top)
        ax_curves.set_xlabel(text("epoch", "迭代周期"))
        ax_curves.set_ylabel(text("mean squared loss", "均方损失"))
        # beside the panels, not over the curves
        fig.legend(*ax_curves.get_legend_handles_labels(), loc="outside right upper", fontsize=7)
        ax_curves.grid(True, alpha=0.3)
        ok = [
            (v, f) for v, f in zip(self.values, self.final_losses, strict=True) if math.isfinite(f)
        ]
        if ok:
            ax_final.plot(*zip(*ok, strict=True), "o-")
        else:  # nothing finite to show: keep a sensible log axis for the marks
            ax_final.set_ylim(1e-4, 1e2)
        bad = [value for value, why in zip(self.values, self.diverged, strict=True) if why]
        if bad:  # one cross per diverged run at the top edge, named once in a legend
            ax_final.plot(
                bad,
                [1.0] * len(bad),
                "x",
                color="red",
                markersize=10,
                markeredgewidth=2,
                transform=ax_final.get_xaxis_transform(),
                clip_on=False,
                linestyle="none",
                label=text("diverged", "发散"),
            )
            ax_final.legend(loc="lower left", fontsize=7)
        ax_final.set_xscale("log")
        ax_final.set_yscale("log")
        ax_final.set_xlabel(self.param_name)
        epochs = len(self.losses[0]) - 1 if self.losses else 0
        ax_final.set_ylabel(text(f"loss after {epochs} epochs", f"{epochs} 个迭代周期后的损失"))
        ax_final.grid(True, alpha=0.3)
        if path is not None:
            save_figure(fig, path)
        return fig


def sweep(
    param_name: str,
    values: Sequence[float],
    features: torch.Tensor | None = None,
    labels: torch.Tensor | None = None,
    *,
    lr: float = tutorial.LR,
    batch_size: int = tutorial.BATCH_SIZE,
    num_epochs: int = tutorial.NUM_EPOCHS,
    seed: int = 0,
) -> Sweep:
    """Train linreg once per value of ``param_name`` ("lr" or "batch_size").

    Every run uses the same data, the same initial parameters and the same
    shuffles (all from ``seed``), so only the swept value differs. Without
    ``features``/``labels`` the tutorial's data set is made (1000 examples,
    w = [2, -3.4], b = 4.2). A run that blows up, or ends with a higher loss than
    it started with, is recorded as diverged instead of stopping the sweep.

    Example:

    >>> result = sweep("lr", [0.03, 10])
    >>> result.diverged[0] is None, result.diverged[1].startswith("the loss became inf")
    (True, True)
    >>> fig = result.plot()  # doctest: +SKIP
    """
    _checks.choice("param_name", param_name, SWEEPABLE)
    values = _checks.items("values", values, "numbers")
    seed = _checks.scalar("seed", seed, int, low=0, high=2**64 - 1, why="torch seeds are 64-bit")
    if param_name == "lr":
        values = [_checks.scalar("lr", v, float, low=0, include_low=False) for v in values]
    else:
        values = [_checks.scalar(param_name, v, int, low=1) for v in values]
    lr = _checks.scalar("lr", lr, float, low=0, include_low=False)
    batch_size = _checks.scalar("batch_size", batch_size, int, low=1)
    num_epochs = _checks.scalar("num_epochs", num_epochs, int, low=1)
    _checks.both_or_neither("features", features, "labels", labels)
    if features is None or labels is None:  # both: the tutorial's data
        features, labels = tutorial.tutorial_data(torch.Generator().manual_seed(seed))
    _checks.examples(features, labels)
    settings: dict[str, Any] = {"lr": lr, "batch_size": batch_size, "num_epochs": num_epochs}
    result = Sweep(param_name, list(values), [], [])
    for value in values:
        run = record_run(
            features,
            labels,
            **(settings | {param_name: value}),
            generator=torch.Generator().manual_seed(seed),
            steps=False,
        )
        result.losses.append(run.epoch_losses)
        result.diverged.append(run.diverged)
    return result
