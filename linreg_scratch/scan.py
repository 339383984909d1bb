"""An epoch of SGD for ``linreg`` as a scan of affine maps, and the rule for when it pays.

For the squared loss one step on a batch ``B`` of ``m`` rows, ``Z = [X_B, 1]``, is an
affine map of ``theta = [w; b]: (d + 1,)``::

    theta <- A theta + c,   A = C - (lr / m) Z^T Z,   c = (lr / m) Z^T y_B,

with ``C = diag(1 - lr * lambda, ..., 1 - lr * lambda, 1)`` (weight decay ``lambda``
shrinks ``w``, never ``b``). Written as a ``(d + 2) x (d + 2)`` matrix
``M = [[A, c], [0, 1]]`` acting on ``[theta; 1]``, a whole epoch is the product
``M_K ... M_2 M_1``, and every iterate is one of its prefixes. Matrix products are
associative, so the prefixes need not be taken one after the other.

:func:`affine_maps` builds the ``M_k`` of a chunk of batches from their Gram matrices,
all made by one batched product: each batch's rows are kept as ``[X, 1, y]``, whose
Gram matrix holds ``Z^T Z`` and ``Z^T y`` at once (and ``y^T y``, so that
:func:`batch_losses` reads each batch's loss off it without touching its rows again).
:func:`blocked_scan` then takes the prefixes with a *blocked* scan: the batches are
cut into blocks of :data:`BLOCK`; inside every block the prefix products come from a
Hillis-Steele scan, all blocks at once (``log2(BLOCK)`` batched products); between
blocks it goes on sequentially, one matrix-vector product per block. Each iterate is
thus a product of at most :data:`BLOCK` maps applied to a sequentially computed block
start, so its rounding stays that of ``BLOCK`` steps on top of the loop's own, however
long the epoch is (a scan over the whole epoch would multiply up to ``K`` maps together).

Per batch of ``m`` rows the loop makes two calls that read the rows twice; the scan
makes a share of a few batched calls, but its Gram matrices cost ``m (d + 2)^2``
multiply-adds against the loop's ``2 m (d + 1)``. So it pays for many batches of few
features, and :func:`use_scan` says where, from measurements.
"""

from __future__ import annotations

import torch

#: Batches per block of the blocked scan: a Hillis-Steele scan inside, sequential between.
BLOCK = 16

#: The cost rule, measured on this project's 2-core machine (torch 2.13 CPU, 2 threads,
#: float32): the two engines alone, interleaved, median over 5-100 epochs of the ratio
#: scan / loop, once on a quiet machine and once with a busy loop on one of the 2 cores
#: ("loaded"); "batches" is n // batch:
#:
#:   n     batch  batches   d=1    d=2    d=4    d=10   d=20   d=30    (quiet / loaded)
#:   1e3   1      1000      0.20   0.22   0.27   0.35   0.76   1.43
#:                          0.22   0.59   0.69   0.85   1.94   3.22
#:   1e3   10     100       0.84   0.94   1.14   1.04   1.68   2.04
#:                          0.85   0.95   1.20   1.13   1.75   2.65
#:   1e3   100    10        2.87   2.87   2.99   3.00   3.53   3.82
#:   1e4   10     1000      0.21   0.23   0.29   0.34   0.91   1.02
#:                          0.35   0.58   0.63   0.74   1.08   –
#:   1e4   100    100       0.86   0.94   1.14   1.03   1.42   1.65
#:                          0.96   1.03   1.19   1.09   1.63   –
#:   1e5   100    1000      0.29   0.33   0.41   0.48   0.90   1.11
#:                          –      0.46   –      0.52   –      –
#:   1e5   1000   100       0.90   0.97   1.16   1.06   1.52   1.36
#:   1e6   100    10000     0.29   0.41   0.52   0.62   1.02   1.19
#:                          –      –      –      0.59   –      –
#:   1e6   1000   1000      0.65   0.68   0.89   0.94   1.23   1.22
#:                          –      0.76   1.28   1.08   –      –
#:
#: A batch costs the loop two calls; the scan a share of about 30 calls per chunk plus
#: its Gram matrix, ``m (d + 2)^2`` multiply-adds. So the scan wins with many batches
#: of few features: from about 500 batches up to 10 features, and at about 100
#: batches (the tutorial's 1000 rows in batches of 10) only up to 2; below 64 batches
#: its calls cost more than the loop's. With large batches (1000 rows) and more than 2
#: features it gains little on a quiet machine and loses on a busy one: its Gram
#: matrices are computed by batched products split over the 2 threads, which stall when
#: a thread is descheduled, while the loop's products of one batch are too small to be
#: split. So there the loop runs.
SCAN_MIN_BATCHES = 64
SCAN_MANY_BATCHES = 512
SCAN_MAX_D = 10
SCAN_MAX_D_ANY_BATCHES = 2
SCAN_MAX_BATCH_SIZE = 100


def use_scan(n: int, d: int, batch_size: int) -> bool:
    """The cost rule: does the scan beat the sequential loop for ``n`` rows of ``d`` features?

    With ``K = n // batch_size`` full batches: False when ``K < SCAN_MIN_BATCHES``; else
    True when ``d <= SCAN_MAX_D_ANY_BATCHES``, or when ``K >= SCAN_MANY_BATCHES``,
    ``d <= SCAN_MAX_D`` and ``batch_size <= SCAN_MAX_BATCH_SIZE``. The measurements
    behind it are in this module's comments.
    """
    batches = n // batch_size
    if batches < SCAN_MIN_BATCHES:
        return False
    many_small = batches >= SCAN_MANY_BATCHES and batch_size <= SCAN_MAX_BATCH_SIZE
    return d <= SCAN_MAX_D_ANY_BATCHES or (many_small and d <= SCAN_MAX_D)


def affine_maps(gram: torch.Tensor, step: float, diag: torch.Tensor, out: torch.Tensor) -> None:
    """``out[k] = [[C - step Z_k^T Z_k, step Z_k^T y_k], [0, 1]]`` for every batch k.

    ``gram: (K, d + 2, d + 2)`` holds each batch's ``[Z, y]^T [Z, y]`` (rows ``[X, 1, y]``),
    whose top-left block is ``Z^T Z`` and last column ``Z^T y``; ``diag: (d + 1,)`` is
    ``C``'s diagonal; ``out``: like ``gram``.
    """
    torch.mul(gram, -step, out=out)
    out[:, :-1, -1].neg_()  # step Z^T y
    out[:, -1].zero_()[:, -1] = 1  # the last row: [0, ..., 0, 1]
    out.diagonal(dim1=1, dim2=2)[:, :-1].add_(diag)


def batch_losses(gram: torch.Tensor, thetas: torch.Tensor, out: torch.Tensor) -> None:
    """``out[k] = u_k^T G_k u_k / 2`` with ``u_k = [w_k; b_k; -1]``: batch k's loss at ``theta_k``.

    ``gram: (K, p, p)`` as in :func:`affine_maps`; ``thetas: (K, p)``, each ``[w; b; 1]``.
    Each row ``[x, 1, y]`` of the batch dotted with ``u`` is its residual
    ``x w + b - y``, so the quadratic form is ``sum(r^2) / 2``, the loss of the batch,
    without touching its rows again. It is exact in exact arithmetic; in floats its
    error is relative to the size of the terms (``x w``, ``y``), not of the residuals,
    which is enough for what the losses are read for: whether they stay finite.
    """
    u = thetas.clone()
    u[:, -1] = -1
    gu = torch.bmm(gram, u.unsqueeze(2)).squeeze(2)
    torch.sum(gu.mul_(u), dim=1, out=out).mul_(0.5)


def blocked_scan(maps: torch.Tensor, start: torch.Tensor, out: torch.Tensor, work: torch.Tensor):
    """``out[k] = maps[k-1] @ ... @ maps[0] @ start`` for k = 0..K: every iterate.

    ``maps: (K, p, p)`` in batch order, ``K`` a multiple of :data:`BLOCK` (pad with
    identities); ``start: (p,)``; ``out: (K + 1, p)``; ``work``: like ``maps``. Both
    ``maps`` and ``work`` are overwritten. Blocked: a Hillis-Steele scan inside the
    blocks (all blocks at once), sequential from one block to the next.
    """
    p = maps.shape[-1]
    blocks = len(maps) // BLOCK
    # position-major, a[j, i] = map j of block i, so that a[s:] and a[:-s] are contiguous
    a, b = work.view(BLOCK, blocks, p, p), maps.view(BLOCK, blocks, p, p)
    a.copy_(maps.view(blocks, BLOCK, p, p).transpose(0, 1))
    shift = 1
    while shift < BLOCK:  # a[j] <- a[j] @ a[j - shift], in log2(BLOCK) batched products
        b[:shift] = a[:shift]
        torch.bmm(_flat(a[shift:]), _flat(a[:-shift]), out=_flat(b[shift:]))
        a, b = b, a
        shift *= 2
    # a[j, i] is now the product of maps 0..j of block i
    starts = torch.empty(blocks, p, dtype=maps.dtype, device=maps.device)
    starts[0] = start
    totals, rows = a[-1].unbind(), starts.unbind()  # the views made in two calls, not 2 per block
    for i in range(blocks - 1):  # sequential between blocks
        torch.mv(totals[i], rows[i], out=rows[i + 1])
    out[0] = start
    inside = out[1:].view(blocks, BLOCK, p).transpose(0, 1)  # inside[j, i]: after map j of i
    inside.copy_(torch.matmul(a, starts.unsqueeze(-1)).squeeze(-1))


def _flat(x: torch.Tensor) -> torch.Tensor:
    return x.view(-1, *x.shape[-2:])
