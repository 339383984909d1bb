"""The exact solution, to compare with what SGD finds: least squares, and ridge with a penalty."""

from __future__ import annotations

import math
from typing import Any

import torch

from . import _checks


def closed_form(
    features: torch.Tensor, labels: torch.Tensor, weight_decay: float = 0.0
) -> tuple[torch.Tensor, torch.Tensor]:
    """The ``w: (d, 1)`` and ``b: (1,)`` that minimise the loss SGD minimises, exactly.

    ``features: (n, d)``, ``labels: (n, 1)`` or ``(n,)``. With ``Z = [X 1]`` and
    ``theta = [w; b]``, this minimises ``mean((Z theta - y)^2) / 2 + weight_decay / 2 * ||w||^2``,
    the objective of ``train(..., weight_decay=lambda)`` (and of ``torch.optim.SGD``'s
    ``weight_decay``); the bias is not penalised. Setting its gradient to zero gives the
    ridge solution ``theta = (Z^T Z + n lambda D)^-1 Z^T y``, ``D = diag(1, ..., 1, 0)``:
    the textbook ``(X^T X + lambda I)^-1 X^T y`` with the loss summed instead of averaged
    (so its lambda is ``n`` times ours) and a bias beside the weights.

    It is solved with ``torch.linalg.lstsq`` in float64, as the least-squares problem
    ``[Z; sqrt(n lambda) D] theta ~ [y; 0]`` (the same minimiser, without squaring the
    condition number); the result has the features' dtype. Without a penalty, when the
    problem has many solutions (``n <= d``, or repeated columns) this is the one of
    smallest norm.

    Example:

    >>> X = torch.tensor([[0.0], [1.0], [2.0]])
    >>> w, b = closed_form(X, 2 * X[:, 0] + 1)
    >>> round(w.item(), 4), round(b.item(), 4)
    (2.0, 1.0)
    >>> w, b = closed_form(X, 2 * X[:, 0] + 1, weight_decay=1.0)  # w pulled toward 0
    >>> round(w.item(), 4), round(b.item(), 4)
    (0.8, 2.2)
    """
    n = _checks.examples(features, labels)
    weight_decay = _checks.scalar("weight_decay", weight_decay, float, low=0)
    features, labels = features.detach(), labels.detach()  # a result, not a graph
    d = features.shape[1]
    like: dict[str, Any] = {"dtype": torch.float64, "device": features.device}
    A = torch.cat([features.double(), torch.ones(n, 1, **like)], 1)
    target = labels.double().reshape(n, 1)
    if weight_decay:
        penalty = torch.cat([torch.eye(d, **like), torch.zeros(d, 1, **like)], 1)
        A = torch.cat([A, math.sqrt(n * weight_decay) * penalty])
        target = torch.cat([target, torch.zeros(d, 1, **like)])
    # gelsd (SVD based) copes with rank-deficient problems; CUDA offers only gels.
    driver = "gelsd" if features.device.type == "cpu" else None
    theta = torch.linalg.lstsq(A, target, driver=driver).solution
    return theta[:-1].to(features.dtype), theta[-1].reshape(1).to(features.dtype)
