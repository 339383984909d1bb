"""The engine behind ``train(..., fast=True)``: SGD for ``linreg`` with the gradient written out.

The chapter's loop (:func:`~linreg_scratch.train`) lets autograd find the gradient of
``squared_loss(linreg(X, w, b), y).sum()``. For this one model and loss it is known in
closed form: with ``Z = [X, 1]: (m, d + 1)``, ``theta = [w; b]: (d + 1,)`` and the
residual ``r = Z @ theta - y``, the gradient is ``Z.T @ r``. So one step is two
matrix-vector products, ``theta -= lr / m * Z.T @ (Z @ theta - y)``: the same update,
without building a graph per batch. The tests check that both make the same updates,
epoch losses and divergence reports, and the benchmark imports :class:`LinregSGD` as it is.

Each step is an affine map of ``theta``, so an epoch can also be computed as a scan of
those maps (:class:`LinregScan`, :mod:`linreg_scratch.scan`): a few batched calls per
chunk of batches instead of two calls per batch. :func:`train_fast` takes the scan
when the measured cost rule :func:`~linreg_scratch.scan.use_scan` says it pays and no
callback must see the steps one by one (a plain :class:`~linreg_scratch.Trajectory`,
which only records, is fed the scan's iterates instead). A scanned epoch whose losses
are not all finite is redone step by step from its start, so a divergence is reported
(epoch, batch, parameters) exactly as the sequential loop reports it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from . import _checks, scan
from .data import shuffle_order
from .divergence import check_epoch, diverged
from .trajectory import Trajectory

#: The engine gathers the shuffled data a chunk at a time: at most this many
#: batches, and at most this many numbers (4 MB in float32), per chunk.
CHUNK_BATCHES = 256
CHUNK_NUMBERS = 1 << 20
#: The scan gathers its rows in parts of at most CHUNK_NUMBERS numbers (or one batch),
#: as the loop does, but scans up to SCAN_CHUNK_BATCHES batches together, their maps at
#: most SCAN_MAPS_NUMBERS numbers: each of its batched calls costs about the same for
#: 1024 small maps as for 256 (the call, not the arithmetic, dominates).
SCAN_CHUNK_BATCHES = 1024
SCAN_MAPS_NUMBERS = 1 << 20


def train_fast(
    params: Sequence[torch.Tensor],
    features: torch.Tensor,
    labels: torch.Tensor,
    *,
    lr: float,
    num_epochs: int,
    batch_size: int,
    verbose: bool,
    generator: torch.Generator | None,
    callback: Callable[[int, int, Sequence[torch.Tensor]], None] | None,
    weight_decay: float = 0.0,
) -> list[float]:
    """The epochs of ``train(linreg, squared_loss, params, ..., fast=True)``, arguments checked.

    A NaN or inf in the data makes the loss of its batch non-finite, and the first
    epoch meets every example; so, with no callback to see the steps, the data are
    only read for that check if the first epoch goes bad (the parameters are then put
    back as they were and the ``ValueError`` names the bad value): a pass over the data
    saved on every good run.
    """
    before = [(p.detach().clone(), p.grad) for p in params] if callback is None else None
    if before is None:
        _checks.finite_data(features, labels)
    for param in params:  # zeroed, as the chapter's sgd leaves them; none is computed here
        param.grad = torch.zeros_like(param)
    n, d = features.shape
    settings = (params, features, labels, batch_size, lr, weight_decay)
    trajectory = _plain_trajectory(callback)
    scanned = (callback is None or trajectory is not None) and scan.use_scan(n, d, batch_size)
    engine = LinregScan(*settings) if scanned else LinregSGD(*settings)
    batch_losses = torch.empty(engine.num_batches, dtype=features.dtype, device=features.device)
    history: list[float] = []
    for epoch in range(num_epochs):
        order = shuffle_order(n, features.device, generator)
        on_step = None if callback is None else _bind(callback, epoch)
        if scanned:
            start = [p.detach().clone() for p in params]
            mark = None if trajectory is None else (len(trajectory.steps), len(trajectory.params))
            engine.run(
                order, batch_losses, None if trajectory is None else _bind_bulk(trajectory, epoch)
            )
        else:
            engine.run(order, batch_losses, on_step)
        epoch_loss = engine.epoch_loss()
        bad = diverged(epoch_loss, batch_losses)
        if bad and scanned:  # the loop's own report: redo the epoch step by step
            _put_back(params, start)
            if trajectory is not None:
                trajectory.rewind(mark)
            loop = LinregSGD(*settings)
            loop.run(order, batch_losses, on_step)
            epoch_loss = loop.epoch_loss()
            bad = diverged(epoch_loss, batch_losses)
        if bad:
            if before is not None:
                _refuse_bad_data(features, labels, params, before)  # the first epoch: the data?
            check_epoch(epoch, epoch_loss, batch_losses, lr, history, params)
        before = None
        history.append(epoch_loss)
        if verbose:
            print(f"epoch {epoch + 1}, loss {epoch_loss:f}")
    return history


def _plain_trajectory(callback):
    """``callback`` if it is a plain Trajectory (it only records), else None."""
    return callback if type(callback) is Trajectory else None


def _bind_bulk(trajectory, epoch):
    return lambda first, w, b: trajectory.extend(epoch, first, w, b)


def _put_back(params, values) -> None:
    with torch.no_grad():
        for param, value in zip(params, values, strict=True):
            param.copy_(value)


def _bind(callback, epoch):
    return lambda batch, params: callback(epoch, batch, params)


def _refuse_bad_data(features, labels, params, before) -> None:
    """Put ``params`` (and their ``.grad``) back and raise the data's ValueError, if the
    data hold a NaN or inf; return if they are finite (then the run really diverged)."""
    try:
        _checks.finite_data(features, labels)
    except ValueError:
        _put_back(params, [value for value, _ in before])
        for param, (_, grad) in zip(params, before, strict=True):
            param.grad = grad
        raise


def epoch_loss(
    features: torch.Tensor,
    labels: torch.Tensor,
    w: torch.Tensor,
    b: torch.Tensor,
    buffer: torch.Tensor,
) -> float:
    """The loss over all the data that ``train`` prints: ``mean((X w + b - y)^2 / 2)``.

    ``features: (n, d)``, ``labels: (n,)``, ``w: (d,)``, ``b: (1,)``; ``buffer: (rows,)``
    holds the residuals of ``rows`` examples at a time, so nothing of size ``n`` is
    allocated (``mean_loss`` makes four such temporaries, which at a million rows costs
    more than the arithmetic). Each chunk's ``r^2 / 2`` is summed in the data's dtype and
    the sums added in it too, so the loss overflows to inf where ``mean_loss``'s does.
    """
    n, rows = len(features), len(buffer)
    total = torch.zeros((), dtype=features.dtype, device=features.device)
    for start in range(0, n, rows):
        r = buffer[: min(rows, n - start)]
        torch.addmv(labels[start : start + rows], features[start : start + rows], w, beta=-1, out=r)
        total += r.add_(b).mul_(r).mul_(0.5).sum()
    return float(total) / n


class _Engine:
    """What both engines share: the data, the settings, and the loss printed per epoch.

    ``params = [w, b]`` with ``w: (d, 1)`` or ``(d,)``, ``b: (1,)`` (``w`` and ``b`` here
    share their storage, without autograd); ``features: (n, d)``, ``labels`` with ``n``
    elements.
    Each engine makes its own buffers, ``r: (rows,)`` among them.
    """

    r: torch.Tensor

    def __init__(
        self, params, features, labels, batch_size: int, lr: float, weight_decay: float = 0.0
    ) -> None:
        n, d = features.shape
        self.params = params
        self.w, self.b = (p.detach() for p in params)  # same storage, no autograd
        self.features, self.labels = features, labels.reshape(-1)
        self.n, self.d, self.batch_size, self.lr = n, d, batch_size, lr
        self.shrink = 1 - lr * weight_decay  # w's factor per step, 1 without decay
        self.num_batches = -(-n // batch_size)

    def epoch_loss(self) -> float:
        """The loss over all the data at the current parameters (:func:`epoch_loss`)."""
        with torch.no_grad():
            return epoch_loss(self.features, self.labels, self.w.reshape(-1), self.b, self.r)


class LinregSGD(_Engine):
    """One epoch of SGD for ``linreg`` and ``squared_loss`` per :meth:`run`, no autograd.

    ``params = [w, b]`` with ``w: (d, 1)`` or ``(d,)``, ``b: (1,)``; ``features: (n, d)``.
    Each chunk of the epoch's order is gathered once into the preallocated ``Z`` and ``y``, and
    the batches are views of them made once, so nothing is allocated per step. The
    loss of each batch, ``sum(r^2 / 2)`` before its step, is computed per chunk from the
    residuals kept in ``r``, without a host synchronisation (the caller reads the
    losses once per epoch). With ``weight_decay`` lambda, the gradient of each
    example's ``lambda * l2_penalty(w)`` adds ``lambda * w``: ``w`` shrinks by the
    factor ``1 - lr * lambda`` before the data's step (computed at the old ``w``).
    """

    def __init__(
        self, params, features, labels, batch_size: int, lr: float, weight_decay: float = 0.0
    ) -> None:
        super().__init__(params, features, labels, batch_size, lr, weight_decay)
        n, d = features.shape
        like = {"dtype": features.dtype, "device": features.device}
        per_chunk = min(CHUNK_BATCHES, max(1, CHUNK_NUMBERS // ((d + 1) * batch_size)))
        self.stride = per_chunk * batch_size  # rows of the order per chunk
        rows = min(self.stride, n)
        self.theta = torch.empty(d + 1, **like)
        self.theta_w, self.theta_b = self.theta[:d].view_as(self.w), self.theta[d:].view_as(self.b)
        self._read_params()  # from here on theta is the truth; w and b get copies
        self.Z = torch.ones(rows, d + 1, **like)  # the last column stays 1
        self.y = torch.empty(rows, **like)
        self.r = torch.empty(rows, **like)
        full = rows // batch_size * batch_size  # views made by a few calls, not one per batch
        views = (
            self.Z[:full].split(batch_size),
            self.Z[:full].view(-1, batch_size, d + 1).transpose(1, 2).unbind(),
            self.y[:full].split(batch_size),
            self.r[:full].split(batch_size),
        )
        self.slots = list(zip(*views, strict=True)) if full else []
        last = n - (n - 1) // self.stride * self.stride  # rows in the last chunk
        short = last % batch_size
        self.short = self._views(last - short, short) if short else None

    def _views(self, start, size):
        Z = self.Z[start : start + size]
        return Z, Z.T, self.y[start : start + size], self.r[start : start + size]

    def run(self, order: torch.Tensor, batch_losses: torch.Tensor, on_step=None) -> None:
        """One epoch in ``order``; ``batch_losses[k]`` gets batch k's loss before its step.

        ``on_step(k, params)`` is called after every update; the parameters hold the
        last step when the epoch ends, also when it is interrupted.
        """
        theta, d, bs = self.theta, self.d, self.batch_size
        step = self.lr / bs
        with torch.no_grad():
            try:
                k = 0
                for start in range(0, self.n, self.stride):
                    idx = order[start : start + self.stride]
                    m = len(idx)
                    torch.index_select(self.features, 0, idx, out=self.Z[:m, :d])
                    torch.index_select(self.labels, 0, idx, out=self.y[:m])
                    full = m // bs
                    slots = self.slots[:full]
                    if on_step is None and self.shrink == 1:
                        for Z, ZT, y, r in slots:
                            torch.addmv(y, Z, theta, beta=-1, out=r)
                            theta.addmv_(ZT, r, alpha=-step)
                    else:
                        self._steps(slots, step, k, on_step)
                    if full:
                        self._losses(0, full * bs, batch_losses[k : k + full])
                        k += full
                    if m > full * bs:  # the short last batch, divided by its real length
                        self._steps([self.short], self.lr / (m - full * bs), k, on_step)
                        self._losses(full * bs, m, batch_losses[k])
                        k += 1
            finally:
                self._write_back()

    def _losses(self, start, stop, out):
        """``out[i] = sum(r^2 / 2)`` over batch i of rows ``start:stop`` of ``r``.

        Squared, halved, then summed, as ``squared_loss(...).sum()`` does, so that a
        loss overflows to inf exactly where the chapter's loop's does. The chunk's
        labels are no longer needed, so their buffer holds the squares.
        """
        r, sq = self.r[start:stop], self.y[start:stop]
        torch.mul(r, r, out=sq).mul_(0.5)
        torch.sum(sq.view(-1, self.batch_size) if out.dim() else sq, dim=-1, out=out)

    def _write_back(self):
        self.w.copy_(self.theta_w)
        self.b.copy_(self.theta_b)

    def _read_params(self):
        self.theta_w.copy_(self.w)
        self.theta_b.copy_(self.b)

    def _steps(self, slots, step, k, on_step):
        theta, decay = self.theta, self.shrink != 1
        for i, (Z, ZT, y, r) in enumerate(slots):
            torch.addmv(y, Z, theta, beta=-1, out=r)
            if decay:
                self.theta_w.mul_(self.shrink)
            theta.addmv_(ZT, r, alpha=-step)
            if on_step is not None:
                self._write_back()
                on_step(k + i, self.params)
                self._read_params()  # the callback may have changed them


class LinregScan(_Engine):
    """The epochs of :class:`LinregSGD` computed as a blocked scan of affine maps.

    Same arguments, same :meth:`run` (without ``on_step``: there are no single steps
    to show), same updates up to rounding: see :mod:`linreg_scratch.scan`. The epoch's
    order is read a chunk of up to :data:`SCAN_CHUNK_BATCHES` batches at a time. Each
    chunk is gathered in parts, as rows ``[X, 1, y]``, and one batched product per part
    makes the Gram matrix of every full batch; from those, one batched call makes all
    the chunk's affine maps (:func:`~linreg_scratch.scan.affine_maps`),
    :func:`~linreg_scratch.scan.blocked_scan` gives every iterate, and each batch's loss
    before its step is read off its Gram matrix (:func:`~linreg_scratch.scan.batch_losses`).
    A short last batch takes one ordinary step. The parameters are read at the start of
    each epoch and written back at its end.
    """

    def __init__(
        self, params, features, labels, batch_size: int, lr: float, weight_decay: float = 0.0
    ) -> None:
        super().__init__(params, features, labels, batch_size, lr, weight_decay)
        n, d = features.shape
        like = {"dtype": features.dtype, "device": features.device}
        # a chunk: the batches scanned together; a part: the rows gathered at a time
        p = d + 2
        per_chunk = min(SCAN_CHUNK_BATCHES, max(1, SCAN_MAPS_NUMBERS // (p * p)))
        per_part = min(per_chunk, max(1, CHUNK_NUMBERS // (p * batch_size)))
        self.stride, self.part = per_chunk * batch_size, per_part * batch_size
        slots = -(-min(per_chunk, n // batch_size) // scan.BLOCK) * scan.BLOCK
        rows = min(self.part, n)
        self.rows = torch.ones(rows, p, **like)  # [X, 1, y]: the column of ones stays
        self.r = torch.empty(rows, **like)
        self.gram = torch.empty(slots, p, p, **like)
        self.maps = torch.empty_like(self.gram)
        self.work = torch.empty_like(self.gram)
        self.eye = torch.eye(p, **like)
        self.thetas = torch.empty(slots + 1, p, **like)
        self.theta = torch.ones(p, **like)  # [w; b; 1]
        self.theta_w, self.theta_b = self.theta[:d].view_as(self.w), self.theta[d : d + 1]
        self.diag = torch.full((d + 1,), self.shrink, **like)
        self.diag[d] = 1  # the bias is not decayed

    def run(self, order: torch.Tensor, batch_losses: torch.Tensor, record=None) -> None:
        """One epoch in ``order``; ``batch_losses[k]`` gets batch k's loss before its step.

        ``record(first, w, b)``, if given, gets the parameters after steps ``first,
        first + 1, ...`` once per chunk: ``w: (steps, *w.shape)``, ``b: (steps, *b.shape)``,
        copies that it may keep but that change nothing here (read only).
        """
        bs = self.batch_size
        with torch.no_grad():
            self.theta_w.copy_(self.w)
            self.theta_b.copy_(self.b.reshape(1))
            try:
                k = 0
                for start in range(0, self.n, self.stride):
                    idx = order[start : start + self.stride]
                    m = len(idx)
                    for first in range(0, m, self.part):  # gather, and the Gram matrices
                        self._gather(idx[first : first + self.part], first // bs)
                    full = m // bs
                    if full:
                        self._scan(full, batch_losses[k : k + full])
                        if record is not None:
                            self._record(record, k, self.thetas[1 : full + 1])
                        k += full
                    if m > full * bs:  # the short last batch, divided by its real length
                        short = full * bs - first  # its first row in the last part gathered
                        self._step(short, m - first, batch_losses[k])
                        if record is not None:
                            self._record(record, k, self.theta[None])
                        k += 1
            finally:
                self.w.copy_(self.theta_w)
                self.b.copy_(self.theta_b.view_as(self.b))

    def _record(self, record, first, thetas):
        kept = thetas[:, : self.d + 1].clone()
        w = kept[:, : self.d].view(len(kept), *self.w.shape)
        record(first, w, kept[:, self.d :].view(len(kept), *self.b.shape))

    def _gather(self, idx, slot):
        """Rows ``idx`` into ``rows`` as ``[X, 1, y]``; the Gram matrix of each full batch
        into ``gram[slot], gram[slot + 1], ...``."""
        d, bs, p, rows = self.d, self.batch_size, self.d + 2, self.rows
        m = len(idx)
        torch.index_select(self.features, 0, idx, out=rows[:m, :d])
        torch.index_select(self.labels, 0, idx, out=rows[:m, d + 1])
        full = m // bs
        if full:
            batches = rows[: full * bs].view(full, bs, p)
            torch.bmm(batches.transpose(1, 2), batches, out=self.gram[slot : slot + full])

    def _scan(self, full, out):
        bs = self.batch_size
        slots = -(-full // scan.BLOCK) * scan.BLOCK
        gram, maps, thetas = self.gram[:full], self.maps[:slots], self.thetas[: slots + 1]
        scan.affine_maps(gram, self.lr / bs, self.diag, maps[:full])
        maps[full:] = self.eye  # identities fill the last block
        scan.blocked_scan(maps, self.theta, thetas, self.work[:slots])
        self.theta.copy_(thetas[full])
        scan.batch_losses(gram, thetas[:full], out)

    def _step(self, start, stop, out):
        d, theta = self.d, self.theta
        rows, r = self.rows[start:stop], self.r[start:stop]
        torch.addmv(rows[:, d + 1], rows[:, : d + 1], theta[: d + 1], beta=-1, out=r)  # Z theta - y
        if self.shrink != 1:
            self.theta_w.mul_(self.shrink)
        theta[: d + 1].addmv_(rows[:, : d + 1].T, r, alpha=-self.lr / (stop - start))
        torch.sum(r.mul_(r).mul_(0.5), dim=0, out=out)
