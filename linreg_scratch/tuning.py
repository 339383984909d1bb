"""Sweep one hyperparameter and compare the runs, on the training data and on validation data."""

from __future__ import annotations

import math
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import torch

from . import _checks, tutorial
from .figure import new_figure, save_figure
from .lang import term, text
from .polynomial import polynomial_data, polynomial_features
from .record import record_run

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SWEEPABLE = ("lr", "batch_size", "degree", "weight_decay")

#: The settings each kind of sweep starts from (``lr``, ``batch_size``, ``num_epochs``):
#: the chapter's for "lr" and "batch_size"; for the polynomials, enough epochs for the
#: high powers (tiny columns, slow to learn) to show what they do.
_CHAPTER = {"lr": tutorial.LR, "batch_size": tutorial.BATCH_SIZE, "num_epochs": tutorial.NUM_EPOCHS}
DEFAULTS: dict[str, dict[str, Any]] = {
    "lr": dict(_CHAPTER),
    "batch_size": dict(_CHAPTER),
    "degree": {"lr": 0.05, "batch_size": 10, "num_epochs": 200},
    "weight_decay": {"lr": 0.05, "batch_size": 5, "num_epochs": 1000},
}
#: The weight-decay sweep's default data: a polynomial of this degree fitted to
#: ``DECAY_EXAMPLES`` examples whose labels carry noise ``DECAY_NOISE``: few, noisy
#: examples and many columns, a model that overfits without a penalty.
DECAY_DEGREE = 20
DECAY_EXAMPLES = 20
DECAY_NOISE = 1.0
#: How many training (degree sweep) and validation examples the default data hold.
POLY_EXAMPLES = 100


@dataclass
class Sweep:
    """The runs of :func:`sweep`: one loss curve per value of ``param_name``.

    ``losses[i]`` starts with the loss before training (epoch 0) and has one entry
    per finished epoch; ``diverged[i]`` is None, or says how run ``i`` blew up.
    ``val_losses[i]``, when the sweep had validation data (else ``val_losses`` is
    empty), is run ``i``'s loss on that data at the same moments as ``losses[i]``.
    """

    param_name: str
    values: list[float]
    losses: list[list[float]]
    diverged: list[str | None]
    val_losses: list[list[float]] = field(default_factory=list)

    @property
    def final_losses(self) -> list[float]:
        """The last loss of every run; ``inf`` for a run that diverged."""
        return _finals(self.losses, self.diverged)

    @property
    def final_val_losses(self) -> list[float]:
        """The last validation loss of every run (``inf`` if it diverged); empty without one."""
        return _finals(self.val_losses, self.diverged) if self.val_losses else []

    def __str__(self) -> str:
        """One row per run: the value, its last finite losses and whether it diverged."""
        columns = [text("last loss", "最终训练损失")]
        curves = [self.losses]
        if self.val_losses:
            columns.append(text("validation", "验证损失"))
            curves.append(self.val_losses)
        heads = "".join(f"  {_right(c, 12)}" for c in columns)
        rows = [f"{self.param_name:>12}{heads}  {text('status', '状态')}"]
        for i, (value, why) in enumerate(zip(self.values, self.diverged, strict=True)):
            cells = "".join(f"  {_last_finite(c[i]):>12}" for c in curves)
            status = text("diverged: ", "发散：") + why if why else text("ok", "正常")
            rows.append(f"{value:>12g}{cells}  {status}")
        return "\n".join(rows)

    def plot(self, path: str | os.PathLike | None = None) -> Figure:
        """Loss curves of all runs (left) and final loss against the value (right).

        With validation losses the curves come in two panels side by side, training
        and validation on one shared scale, and the right panel draws the final
        training and validation losses against the value. A diverged run ends in a
        red cross on the curves and gets a red cross at the top of the right panel,
        instead of stretching the axes to infinity. The legend sits beside the
        panels, so it never covers a curve.
        """
        if path is not None:
            path = _checks.figure_path("path", path)
        _checks.nonempty("this Sweep", self.losses, "it holds no runs; make one with sweep(...)")
        curves = [self.losses, *([self.val_losses] if self.val_losses else [])]
        fig = new_figure((4.5 * (len(curves) + 1), 3.0))
        axes = fig.subplots(1, len(curves) + 1)
        # Diverged runs are cut where they leave the range of the healthy ones.
        healthy = [
            v
            for losses in curves
            for ls, why in zip(losses, self.diverged, strict=True)
            if not why
            for v in ls
        ]
        top = 10 * max(healthy or [ls[0] for ls in self.losses])
        titles = [text("training", "训练"), text("validation", "验证")]
        for ax, losses, title in zip(axes, curves, titles, strict=False):
            self._draw_curves(ax, losses, top)
            if len(curves) > 1:
                ax.set_title(title, fontsize=9)
                ax.sharey(axes[0])
        # beside the panels, not over the curves
        fig.legend(*axes[0].get_legend_handles_labels(), loc="outside right upper", fontsize=7)
        self._draw_finals(axes[-1])
        if path is not None:
            save_figure(fig, path)
        return fig

    def _draw_curves(self, ax: Axes, losses: list[list[float]], top: float) -> None:
        """One loss curve per run, each ending at the top edge if the run diverged."""
        num_epochs = max(len(ls) for ls in self.losses) - 1
        for value, ls, why in zip(self.values, losses, self.diverged, strict=True):
            label = f"{self.param_name}={value:g}" + (
                text(" (diverged)", "（发散）") if why else ""
            )
            shown = [v for v in ls if math.isfinite(v) and v <= top]
            # a dot per epoch while the dots can be told apart
            style = "o-" if num_epochs <= 50 else "-"
            (line,) = ax.plot(range(len(shown)), shown, style, markersize=3, label=label)
            if why and shown:  # a dashed line up to the top edge, at the epoch where it blew up
                x_end = min(len(ls), num_epochs)
                ax.plot([len(shown) - 1, x_end], [shown[-1], top], "--", color=line.get_color())
                ax.plot(
                    x_end, top, "x", color="red", markersize=9, markeredgewidth=2, clip_on=False
                )
        ax.set_yscale("log")
        ax.set_ylim(top=top)
        ax.set_xlabel(term("epoch"))
        ax.set_ylabel(term("mean squared loss"))
        ax.grid(True, alpha=0.3)

    def _draw_finals(self, ax: Axes) -> None:
        """The final losses against the swept value: training, and validation if any."""
        finals = [(self.final_losses, text("training", "训练"))]
        if self.val_losses:
            finals.append((self.final_val_losses, text("validation", "验证")))
        drawn = False
        for values, name in finals:
            ok = [(v, f) for v, f in zip(self.values, values, strict=True) if math.isfinite(f)]
            if ok:
                ax.plot(*zip(*ok, strict=True), "o-", label=name)
                drawn = True
        if not drawn:  # nothing finite to show: keep a sensible log axis for the marks
            ax.set_ylim(1e-4, 1e2)
        bad = [value for value, why in zip(self.values, self.diverged, strict=True) if why]
        if bad:  # one cross per diverged run at the top edge, named once in a legend
            ax.plot(
                bad,
                [1.0] * len(bad),
                "x",
                color="red",
                markersize=10,
                markeredgewidth=2,
                transform=ax.get_xaxis_transform(),
                clip_on=False,
                linestyle="none",
                label=text("diverged", "发散"),
            )
        if bad or (self.val_losses and drawn):
            ax.legend(loc="lower left", fontsize=7)
        _value_axis(ax, self.param_name, self.values)
        ax.set_yscale("log")
        ax.set_xlabel(self.param_name)
        epochs = len(self.losses[0]) - 1 if self.losses else 0
        ax.set_ylabel(text(f"loss after {epochs} epochs", f"{epochs} 个迭代周期后的损失"))
        ax.grid(True, alpha=0.3)


def _finals(curves: list[list[float]], diverged: list[str | None]) -> list[float]:
    return [math.inf if d else ls[-1] for ls, d in zip(curves, diverged, strict=True)]


def _last_finite(losses: list[float]) -> str:
    finite = [v for v in losses if math.isfinite(v)]
    return f"{finite[-1]:.3e}" if finite else "-"


def _value_axis(ax: Axes, param_name: str, values: list[float]) -> None:
    """A log axis for rates, batch sizes and penalties (symlog when 0 is among them)."""
    if param_name == "degree":
        return
    positive = [v for v in values if v > 0]
    if len(positive) == len(values):
        ax.set_xscale("log")
    else:  # lambda = 0 has no logarithm: linear near 0, log from the smallest lambda on
        ax.set_xscale("symlog", linthresh=min(positive, default=1.0))


def sweep(
    param_name: str,
    values: Sequence[float],
    features: torch.Tensor | None = None,
    labels: torch.Tensor | None = None,
    *,
    val_features: torch.Tensor | None = None,
    val_labels: torch.Tensor | None = None,
    lr: float | None = None,
    batch_size: int | None = None,
    num_epochs: int | None = None,
    weight_decay: float = 0.0,
    seed: int = 0,
) -> Sweep:
    """Train linreg once per value of ``param_name``: "lr", "batch_size", "degree", "weight_decay".

    Every run uses the same data, the same initial parameters and the same
    shuffles (all from ``seed``), so only the swept value differs. A run that
    blows up, or ends with a higher loss than it started with, is recorded as
    diverged instead of stopping the sweep. With ``val_features`` and ``val_labels``
    every run's validation loss is recorded too (``Sweep.val_losses``).

    What is swept, and the defaults (``lr``, ``batch_size``, ``num_epochs`` left at
    None take the first column's values; see :data:`DEFAULTS`):

    - "lr", "batch_size" (0.03, 10, 3 epochs): without ``features``/``labels``, the
      tutorial's data set (1000 examples, w = [2, -3.4], b = 4.2); no validation
      unless it is given.
    - "degree" (0.05, 10, 200 epochs): ``features`` are the raw ``x: (n, 1)`` (and
      ``val_features: (m, 1)``); each run trains on ``polynomial_features(x, degree)``.
      Without data: :func:`polynomial_data`'s training and validation sets of 100
      examples each.
    - "weight_decay" (0.05, 5, 1000 epochs): ``features`` are used as they are; each
      run trains with that lambda. Without data: a degree-20 polynomial
      (:data:`DECAY_DEGREE`) on 20 training examples with label noise 1.0 and 100
      validation examples, a model that overfits unless decay holds it back.

    ``weight_decay`` is the fixed lambda of the other sweeps (0: none).

    Example:

    >>> result = sweep("lr", [0.03, 10])
    >>> result.diverged[0] is None, result.diverged[1].startswith("the loss became inf")
    (True, True)
    >>> fig = result.plot()  # doctest: +SKIP
    >>> sweep("degree", [1, 3], num_epochs=20).val_losses[0][0] > 0
    True
    """
    _checks.choice("param_name", param_name, SWEEPABLE)
    values = _checks.items("values", values, "numbers")
    seed = _checks.scalar("seed", seed, int, low=0, high=2**64 - 1, why="torch seeds are 64-bit")
    if param_name == "lr":
        values = [_checks.scalar("lr", v, float, low=0, include_low=False) for v in values]
    elif param_name == "weight_decay":
        values = [_checks.scalar("weight_decay", v, float, low=0) for v in values]
    elif param_name == "degree":
        values = [
            _checks.scalar("degree", v, int, low=1, high=60, why="60! overflows float32")
            for v in values
        ]
    else:
        values = [_checks.scalar(param_name, v, int, low=1) for v in values]
    given = {"lr": lr, "batch_size": batch_size, "num_epochs": num_epochs}
    settings: dict[str, Any] = {
        k: DEFAULTS[param_name][k] if v is None else v for k, v in given.items()
    }
    checked = _checks.sgd_settings(settings["lr"], settings["batch_size"], settings["num_epochs"])
    settings.update(zip(("lr", "batch_size", "num_epochs"), checked, strict=True))
    settings["weight_decay"] = _checks.scalar("weight_decay", weight_decay, float, low=0)
    _checks.both_or_neither("features", features, "labels", labels)
    _checks.both_or_neither("val_features", val_features, "val_labels", val_labels)
    if features is None or labels is None:  # both: the default data of this sweep
        features, labels, *validation = _default_data(param_name, seed)
        if val_features is None:  # and its validation set, unless one is given
            val_features, val_labels = validation
    _checks.examples(features, labels)
    if param_name == "degree":
        _checks.how_many("features", features.shape[1], 1, "column", "the raw x of a degree sweep")
    if val_features is not None:
        _checks.validation(features, val_features, val_labels)
    result = Sweep(param_name, list(values), [], [])
    for value in values:
        X, X_val = features, val_features
        if param_name == "degree":
            X = polynomial_features(features, int(value))
            if val_features is not None:
                X_val = polynomial_features(val_features, int(value))
        run = record_run(
            X,
            labels,
            **(settings | ({} if param_name == "degree" else {param_name: value})),
            generator=torch.Generator().manual_seed(seed),
            steps=False,
            val_features=X_val,
            val_labels=val_labels,
        )
        result.losses.append(run.epoch_losses)
        result.diverged.append(run.diverged)
        if run.val_losses:
            result.val_losses.append(run.val_losses)
    return result


def _default_data(param_name: str, seed: int) -> tuple[torch.Tensor, torch.Tensor, Any, Any]:
    """Training and validation data of a sweep of ``param_name``, drawn from ``seed``."""
    gen = torch.Generator().manual_seed(seed)
    if param_name in ("lr", "batch_size"):  # the tutorial's data, no validation set
        return (*tutorial.tutorial_data(gen), None, None)
    if param_name == "degree":  # the raw x: each run makes its own columns
        x, y = polynomial_data(POLY_EXAMPLES, generator=gen)
        return x, y, *polynomial_data(POLY_EXAMPLES, generator=gen)
    x, y = polynomial_data(DECAY_EXAMPLES, DECAY_NOISE, generator=gen)
    x_val, y_val = polynomial_data(POLY_EXAMPLES, DECAY_NOISE, generator=gen)
    return (
        polynomial_features(x, DECAY_DEGREE),
        y,
        polynomial_features(x_val, DECAY_DEGREE),
        y_val,
    )


def _right(words: str, width: int) -> str:
    """``words`` right-aligned in ``width`` columns of a terminal, where a Chinese
    character takes two (so the Chinese heading stands over its column)."""
    wide = sum(unicodedata.east_asian_width(c) in "WF" for c in words)
    return words.rjust(width - wide)
