"""What happens when SGD blows up: the loss stops being finite, and the learner is told where.

After each epoch :func:`train` hands the epoch's loss and the loss of every mini-batch
to :func:`check_epoch`. If any of them is inf or NaN (almost always: ``lr`` is too
large), it raises a :class:`DivergenceError` naming the first bad batch, instead of
letting the run print ``loss nan`` and carry on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch

from .lang import text


class DivergenceError(FloatingPointError):
    """Raised by :func:`train` when the loss stops being finite.

    ``reason`` says what happened and where (``"the loss became inf at epoch 1,
    batch 21 of 100"``); ``epoch`` and ``batch`` (both from 1; ``batch`` is None
    when only the end-of-epoch loss was bad) say where; ``losses`` holds the epoch
    losses recorded before that. The message is in the language of
    :func:`~linreg_scratch.set_language`.
    """

    def __init__(
        self,
        reason: str,
        lr: float,
        *,
        epoch: int,
        batch: int | None,
        losses: list[float],
        params_finite: bool = False,
    ):
        smaller = f"lr={lr / 10:g}"
        state = (
            text(
                "the parameters are still finite, but far from the minimum: initialise them again",
                "参数虽仍有限，但已远离最小值：请重新初始化",
            )
            if params_finite
            else text(
                "the parameters are no longer finite: initialise them again",
                "参数已不再有限：请重新初始化",
            )
        )
        super().__init__(
            text(
                f"training diverged: {reason}; lr={lr:g} is probably too large, try a "
                f"smaller one such as {smaller} ({state})",
                f"训练发散：{reason}；学习率 lr={lr:g} 可能太大，试试更小的值，"
                f"例如 {smaller}（{state}）",
            )
        )
        self.reason, self.epoch, self.batch, self.losses = reason, epoch, batch, losses


def diverged(epoch_loss: float, batch_losses: torch.Tensor) -> bool:
    """True if the epoch's loss or any batch's loss is inf or NaN."""
    # A sum is finite only if every term is (an inf or NaN term makes it inf or NaN): one
    # operation per epoch; only a sum that overflowed needs the elementwise check.
    return not (
        math.isfinite(epoch_loss)
        and (math.isfinite(batch_losses.sum()) or bool(torch.isfinite(batch_losses).all()))
    )


def check_epoch(
    epoch: int,
    epoch_loss: float,
    batch_losses: torch.Tensor,
    lr: float,
    history: list[float],
    params: Sequence[torch.Tensor],
) -> None:
    """Raise :class:`DivergenceError` if the epoch's loss or a batch's loss is not finite.

    ``epoch`` counts from 0; ``batch_losses: (num_batches,)`` holds each batch's summed
    loss before its step; ``history`` the losses of the epochs before this one.
    """
    if not diverged(epoch_loss, batch_losses):
        return
    bad = ~torch.isfinite(batch_losses)
    if bool(bad.any()):
        first = int(bad.nonzero()[0])
        batch: int | None = first + 1
        worst = float(batch_losses[first])
        where = text(
            f"epoch {epoch + 1}, batch {batch} of {len(batch_losses)}",
            f"第 {epoch + 1} 个迭代周期的第 {batch} 个小批量（共 {len(batch_losses)} 个）",
        )
    else:
        batch, worst = None, epoch_loss
        where = text(f"the end of epoch {epoch + 1}", f"第 {epoch + 1} 个迭代周期结束时")
    kind = "NaN" if math.isnan(worst) else "inf"
    finite = all(bool(torch.isfinite(p.detach()).all()) for p in params)
    raise DivergenceError(
        text(f"the loss became {kind} at {where}", f"损失在{where}变成了 {kind}"),
        lr,
        epoch=epoch + 1,
        batch=batch,
        losses=list(history),
        params_finite=finite,
    )
