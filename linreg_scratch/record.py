"""A recorded SGD run: where ``w`` went, the loss along the way, and where it blew up.

The pictures of SGD (:func:`~linreg_scratch.plot_loss_landscape`,
:func:`~linreg_scratch.animate_sgd`, :func:`~linreg_scratch.explore`) and the
comparison of runs (:func:`~linreg_scratch.sweep`) all read a :class:`Run` made by
:func:`record_run`, so they show the very run that ``train`` makes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import torch

from . import _checks
from .divergence import DivergenceError
from .lang import text
from .loss import mean_loss, squared_loss
from .model import init_params, linreg
from .train import train
from .trajectory import Trajectory


@dataclass
class Run:
    """One recorded run of ``linreg`` trained by SGD from :func:`init_params`.

    ``epoch_losses`` is the loss over all the data before training and after each
    finished epoch. With ``steps`` recorded (else these are empty), ``path: (points, d)``
    is ``w`` at the start and after every update, ``bias: (points,)`` the bias,
    ``losses: (points,)`` the loss over all the data at each point (float64) and
    ``epochs: (points,)`` the epoch each point belongs to (0 for the start); the
    record stops at the last point where both the parameters and the loss are finite.
    ``diverged`` is None, or says where the loss stopped being finite, or that it
    ended higher than it began. ``weight_decay`` is the lambda it was trained with.
    ``val_losses`` is the loss on the validation data (when given) at the same moments as
    ``epoch_losses``: before training and after each finished epoch; else empty.
    """

    lr: float
    batch_size: int
    num_epochs: int
    epoch_losses: list[float]
    diverged: str | None
    weight_decay: float = 0.0
    path: torch.Tensor = field(default_factory=lambda: torch.empty(0, 0))
    bias: torch.Tensor = field(default_factory=lambda: torch.empty(0))
    losses: torch.Tensor = field(default_factory=lambda: torch.empty(0))
    epochs: torch.Tensor = field(default_factory=lambda: torch.empty(0, dtype=torch.long))
    val_losses: list[float] = field(default_factory=list)


def record_run(
    features: torch.Tensor,
    labels: torch.Tensor,
    *,
    lr: float,
    batch_size: int,
    num_epochs: int,
    generator: torch.Generator | None = None,
    steps: bool = True,
    weight_decay: float = 0.0,
    val_features: torch.Tensor | None = None,
    val_labels: torch.Tensor | None = None,
) -> Run:
    """Train ``linreg`` with ``train(..., fast=True)`` from :func:`init_params` and record it.

    ``features: (n, d)``, ``labels: (n, 1)`` or ``(n,)``. ``generator`` draws the
    initial parameters, then every epoch's order. With ``steps``, every update is
    recorded (see :class:`Run`); without, only the epoch losses, for runs on data too
    large to evaluate the loss after every step. ``weight_decay`` is passed to
    :func:`train`: the losses recorded stay the data's, without the penalty.
    With ``val_features: (m, d)`` and ``val_labels: (m,)`` or ``(m, 1)``, ``Run.val_losses``
    gets their mean loss before training and after each epoch (computed afterwards from
    the parameters recorded at the end of each epoch, so the run is the same with or
    without them, scanned where ``train`` would scan it).
    """
    _checks.examples(features, labels)
    _checks.both_or_neither("val_features", val_features, "val_labels", val_labels)
    validation = None
    if val_features is not None:
        val_X, val_y = _checks.validation(features, val_features, val_labels)
        validation = (val_X.to(features.dtype), val_y.to(features.dtype))
    batch_size = _checks.scalar("batch_size", batch_size, int, low=1)
    # one dtype for the written-out engine: the features'
    features, labels = features.detach(), labels.detach().to(features.dtype)
    w, b = (
        p.detach().to(features.dtype).requires_grad_()
        for p in init_params(features.shape[1], generator=generator)
    )
    start = mean_loss(linreg, squared_loss, [w, b], features, labels)
    # a plain Trajectory only records, so train(..., fast=True) may still scan
    recorder = Trajectory([w, b]) if steps or validation is not None else None
    settings: dict[str, Any] = {
        "lr": lr,
        "batch_size": batch_size,
        "num_epochs": num_epochs,
        "weight_decay": weight_decay,
    }
    diverged = None
    try:
        losses = train(
            linreg,
            squared_loss,
            [w, b],
            features,
            labels,
            **settings,
            verbose=False,
            generator=generator,
            callback=recorder,
            fast=True,
        )
    except DivergenceError as err:
        losses, diverged = err.losses, err.reason
    if diverged is None and math.isfinite(losses[-1]) and losses[-1] > start:
        diverged = text(
            f"the loss grew from {start:.3g} to {losses[-1]:.3g}",
            f"损失从 {start:.3g} 增大到 {losses[-1]:.3g}",
        )
    run = Run(lr, batch_size, num_epochs, [start, *losses], diverged, weight_decay)
    if validation is not None and recorder is not None:  # none for an epoch that blew up
        ends = _epoch_ends(recorder, -(-len(features) // batch_size))[: len(run.epoch_losses)]
        run.val_losses = [mean_loss(linreg, squared_loss, p, *validation) for p in ends]
    if steps and recorder is not None:
        _fill_steps(run, recorder, features, labels)
    return run


def _epoch_ends(recorder: Trajectory, num_batches: int) -> list[list[torch.Tensor]]:
    """The recorded parameters at the start and after the last step of each epoch."""
    last = num_batches - 1
    steps = zip(recorder.steps, recorder.params[1:], strict=True)
    return [recorder.params[0], *(params for (_, batch), params in steps if batch == last)]


def _fill_steps(run: Run, recorder: Trajectory, features, labels) -> None:
    """The path, bias, loss and epoch of every recorded point, up to the last finite one."""
    d = features.shape[1]
    path = recorder.stack(0).reshape(-1, d).double()
    bias = recorder.stack(1).reshape(-1).double()
    epochs = torch.tensor([0] + [e + 1 for e, _ in recorder.steps])
    X, y = features.double(), labels.double()
    losses = torch.tensor(
        [
            mean_loss(linreg, squared_loss, [w[:, None], b[None]], X, y)
            for w, b in zip(path, bias, strict=True)
        ],
        dtype=torch.float64,
    )
    finite = torch.isfinite(losses) & torch.isfinite(path).all(1) & torch.isfinite(bias)
    keep = len(losses) if bool(finite.all()) else int((~finite).nonzero()[0])
    run.path, run.bias, run.losses = path[:keep], bias[:keep], losses[:keep]
    run.epochs = epochs[:keep]
    if keep < len(finite) and run.diverged is None:
        run.diverged = text("the loss stopped being finite", "损失不再有限")
