"""The exact least-squares solution, to compare with what SGD finds."""

from __future__ import annotations

import torch

from . import _checks


def closed_form(features: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Least squares: the ``w: (d, 1)`` and ``b: (1,)`` that minimise the squared loss.

    Solves ``min ||[X 1] [w; b] - y||^2`` with ``torch.linalg.lstsq`` on the features
    with a column of ones appended, in float64 for accuracy; the result has the
    features' dtype. ``features: (n, d)``, ``labels: (n, 1)`` or ``(n,)``. When the problem has
    many solutions (n <= d, or repeated columns) this is the one of smallest norm.

    Example:

    >>> X = torch.tensor([[0.0], [1.0], [2.0]])
    >>> w, b = closed_form(X, 2 * X[:, 0] + 1)
    >>> round(w.item(), 4), round(b.item(), 4)
    (2.0, 1.0)
    """
    n = _checks.examples(features, labels)
    features, labels = features.detach(), labels.detach()  # a result, not a graph
    A = torch.cat(
        [features.double(), torch.ones(n, 1, dtype=torch.float64, device=features.device)], 1
    )
    # gelsd (SVD based) copes with rank-deficient problems; CUDA offers only gels.
    driver = "gelsd" if features.device.type == "cpu" else None
    theta = torch.linalg.lstsq(A, labels.double().reshape(n, 1), driver=driver).solution
    return theta[:-1].to(features.dtype), theta[-1].reshape(1).to(features.dtype)
