"""Try the model and the loss on a few examples before training, so mistakes show at once.

A swapped ``train(loss, net, ...)``, an extra parameter or a model that returns one number
for the whole batch would otherwise fail (or, worse, broadcast) somewhere inside the first
epoch. :func:`probe_model` calls ``net`` and ``loss`` on the first three examples and names
the mistake in terms of the arguments the learner passed.
"""

from __future__ import annotations

import torch


def probe_model(net, loss, params, features, labels) -> None:
    """Run ``net`` and ``loss`` on the first few examples, so swapped or wrong functions,
    extra parameters and mis-shaped outputs are named before training starts."""
    m = min(len(features), 3)
    X, y = features[:m].detach(), labels[:m].detach()
    with torch.no_grad():
        try:
            y_hat = net(X, *params)
        except (TypeError, ValueError, RuntimeError) as err:
            raise (TypeError if isinstance(err, TypeError) else ValueError)(
                f"net(X, *params) failed: {err}. net must be the model (e.g. linreg), "
                f"called as net(X, w, b) with the {len(params)} tensor(s) in params; check "
                f"the order train(net, loss, params, ...) and the number of params"
            ) from err
        if not isinstance(y_hat, torch.Tensor):
            raise TypeError(
                f"net must return a tensor of predictions, got {type(y_hat).__name__}; "
                f"check the order train(net, loss, params, ...)"
            )
        if y_hat.numel() != m or y_hat.dim() not in (1, 2) or len(y_hat) != m:
            raise ValueError(
                f"net must return one prediction per example, shape ({m}, 1) for {m} "
                f"examples, got shape {tuple(y_hat.shape)}; check the shapes of params"
            )
        try:
            value = loss(y_hat, y)
        except (TypeError, ValueError, RuntimeError) as err:
            raise (TypeError if isinstance(err, TypeError) else ValueError)(
                f"loss(y_hat, y) failed: {err}. loss must compare predictions with labels "
                f"(e.g. squared_loss); check the order train(net, loss, params, ...)"
            ) from err
        if not isinstance(value, torch.Tensor) or value.numel() != m or value.dim() == 0:
            got = tuple(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__
            raise ValueError(
                f"loss must return one value per example (shape ({m}, 1) for {m} examples), "
                f"got {got}; return the elementwise loss, train sums it"
            )
