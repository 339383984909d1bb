"""An epoch of SGD for ``linreg`` as a scan of affine maps, and the rule for when it pays.

For the squared loss one step on a batch ``B`` of ``m`` rows, ``Z = [X_B, 1]``, is an
affine map of ``theta = [w; b]: (d + 1,)``::

    theta <- A theta + c,   A = C - (lr / m) Z^T Z,   c = (lr / m) Z^T y_B,

with ``C = diag(1 - lr * lambda, ..., 1 - lr * lambda, 1)`` (weight decay ``lambda``
shrinks ``w``, never ``b``). Written as a ``(d + 2) x (d + 2)`` matrix
``M = [[A, c], [0, 1]]`` acting on ``[theta; 1]``, a whole epoch is the product
``M_K ... M_2 M_1``, and every iterate is one of its prefixes. Matrix products are
associative, so the prefixes need not be taken one after the other.

:func:`affine_maps` builds all the ``M_k`` of a chunk of batches with one batched
product: the rows are kept as ``[X, 1, -y]``, whose Gram matrix holds ``Z^T Z`` and
``-Z^T y`` at once. :func:`blocked_scan` then takes the prefixes with a *blocked*
scan: the batches are cut into blocks of :data:`BLOCK`; inside every block the
prefix products come from a Hillis-Steele scan, all blocks at once (``log2(BLOCK)``
batched products); between blocks it goes on sequentially, one matrix-vector
product per block. Each iterate is thus a product of at most :data:`BLOCK` maps
applied to a sequentially computed block start, so its rounding stays that of
``BLOCK`` steps on top of the loop's own, however long the epoch is (a scan over
the whole epoch would multiply up to ``K`` maps together).
"""

from __future__ import annotations

import torch

#: Batches per block of the blocked scan: a Hillis-Steele scan inside, sequential between.
BLOCK = 16

#: The cost rule, measured on this project's 2-core machine (torch 2.13 CPU, 2 threads,
#: float32), the engines alone, interleaved, median ms per epoch (15-300 repeats), once
#: at a load average of about 1.5 ("quiet") and once at about 4-5 ("loaded": other
#: engineers' jobs on the same 2 cores):
#:
#:   n     d    batch  batches  quiet: loop  scan   ratio   loaded: loop  scan   ratio
#:   1e3   2    1      1000                                  12.9    10.6   0.82
#:   1e3   2    10     100      0.51   0.47   0.92           0.54    0.52   0.98
#:   1e3   2    16     63                                    0.40    0.51   1.28
#:   1e3   2    25     40       0.25   0.40   1.62
#:   1e3   2    50     20       0.23   0.47   2.05
#:   1e3   30   10     100                                   0.78    33.4   43
#:   1e4   2    10     1000                                  29.1    93.9   3.2
#:   1e4   2    100    100      0.92   0.92   0.99
#:   1e5   2    100    1000     5.63   3.94   0.70           65.1    187    2.9
#:   1e6   2    1000   1000     38.4   38.8   1.01           369     476    1.29
#:   1e6   10   1000   1000     57.0   70.4   1.23           352     492    1.40
#:   1e5   30   100    1000     11.6   19.3   1.67
#:   1e6   100  1000   1000                                  (the Gram matrices: 1.9, quiet)
#:
#: The scan saves two calls per batch but its ops on a chunk are large enough for
#: torch to split them over the 2 threads; on a shared machine a descheduled thread
#: then stalls every such op, which the loop's small per-batch ops never are. So the
#: rule keeps the scan where it won in both states: an epoch of at least 64 batches of
#: few features whose rows, ``n * (d + 2)`` numbers, stay under 2**15 (torch's grain
#: for splitting an op): the tutorial's size, where ``explore`` and ``sweep`` train.
SCAN_MAX_D = 4
SCAN_MIN_BATCHES = 64
SCAN_MAX_NUMBERS = 1 << 15


def use_scan(n: int, d: int, batch_size: int) -> bool:
    """The cost rule: does the scan beat the sequential loop for ``n`` rows of ``d`` features?

    True when ``d <= SCAN_MAX_D``, an epoch has at least ``SCAN_MIN_BATCHES`` full
    batches and ``n * (d + 2) <= SCAN_MAX_NUMBERS``; the measurements behind it are
    in this module's comments.
    """
    small = n * (d + 2) <= SCAN_MAX_NUMBERS
    return d <= SCAN_MAX_D and n // batch_size >= SCAN_MIN_BATCHES and small


def affine_maps(rows: torch.Tensor, step: float, diag: torch.Tensor, out: torch.Tensor) -> None:
    """``out[k] = [[C - step Z_k^T Z_k, step Z_k^T y_k], [0, 1]]`` for every batch k.

    ``rows: (K, m, d + 2)`` holds each batch as ``[X, 1, -y]``; ``diag: (d + 1,)`` is
    ``C``'s diagonal; ``out: (K, d + 2, d + 2)``. One batched product gives
    ``[Z, -y]^T [Z, -y]``, whose top-left block is ``Z^T Z`` and last column ``-Z^T y``.
    """
    torch.bmm(rows.transpose(1, 2), rows, out=out)
    out.mul_(-step)
    out[:, -1].zero_()[:, -1] = 1  # the last row: [0, ..., 0, 1]
    out.diagonal(dim1=1, dim2=2)[:, :-1].add_(diag)


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
    for i in range(blocks - 1):  # sequential between blocks
        torch.mv(a[-1, i], starts[i], out=starts[i + 1])
    out[0] = start
    inside = out[1:].view(blocks, BLOCK, p).transpose(0, 1)  # inside[j, i]: after map j of i
    torch.sum(a * starts[:, None, :], dim=-1, out=inside)


def _flat(x: torch.Tensor) -> torch.Tensor:
    return x.view(-1, *x.shape[-2:])
