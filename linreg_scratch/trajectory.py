"""A ``callback`` for :func:`~linreg_scratch.train` that records the parameters after every step."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from . import _checks


class Trajectory:
    """A ``callback`` for :func:`train` that records the parameters after every step.

    >>> from linreg_scratch import init_params, linreg, squared_loss, synthetic_data, train
    >>> _ = torch.manual_seed(0)
    >>> features, labels = synthetic_data([2, -3.4], 4.2, 100)
    >>> w, b = init_params(2)
    >>> trajectory = Trajectory([w, b])  # also records the starting point
    >>> _ = train(linreg, squared_loss, [w, b], features, labels, callback=trajectory,
    ...           verbose=False)
    >>> trajectory.stack(0).shape  # w at the start and after each of 3 x 10 steps
    torch.Size([31, 2, 1])
    >>> torch.equal(trajectory.stack(0)[-1], w.detach()), trajectory.steps[:2]
    (True, [(0, 0), (0, 1)])

    ``steps`` holds, per update, the ``(epoch, batch)`` pair and ``params`` a copy
    of every parameter (detached, so recording does not keep autograd graphs).
    """

    def __init__(self, params: Sequence[torch.Tensor] | None = None) -> None:
        self.steps: list[tuple[int, int]] = []
        self.params: list[list[torch.Tensor]] = []
        if params is not None:  # the starting point, before any step
            params = _checks.tensor_list("params", params)
            self.params.append([p.detach().clone() for p in params])

    def __call__(self, epoch: int, batch: int, params: Sequence[torch.Tensor]) -> None:
        self.steps.append((epoch, batch))
        self.params.append([p.detach().clone() for p in params])

    def extend(self, epoch: int, first: int, w: torch.Tensor, b: torch.Tensor) -> None:
        """Record ``len(w)`` steps at once: batches ``first, first + 1, ...`` of ``epoch``.

        ``w: (steps, *w.shape)`` and ``b: (steps, *b.shape)`` hold the parameters after
        each step. This is the read-only path by which ``train(..., fast=True)`` hands a
        plain :class:`Trajectory` (not a subclass: its ``__call__`` could do more) the
        iterates of a scanned epoch, instead of calling it once per step.
        """
        self.steps.extend((epoch, first + i) for i in range(len(w)))
        self.params.extend([wi, bi] for wi, bi in zip(w.unbind(), b.unbind(), strict=True))

    def rewind(self, mark: tuple[int, int]) -> None:
        """Forget what was recorded since ``mark = (len(steps), len(params))``."""
        del self.steps[mark[0] :], self.params[mark[1] :]

    def stack(self, index: int) -> torch.Tensor:
        """Parameter ``index`` at every recorded point, stacked along a new first axis."""
        _checks.recorded(self.params)
        count = len(self.params[0])
        index = _checks.scalar("index", index, int, low=0, high=count - 1, why="0 for w, 1 for b")
        return torch.stack([p[index] for p in self.params])
