"""Try the model and the loss on a few examples before training, so mistakes show at once.

A swapped ``train(loss, net, ...)``, an extra parameter or a model that returns one number
for the whole batch would otherwise fail (or, worse, broadcast) somewhere inside the first
epoch. :func:`probe_model` calls ``net`` and ``loss`` on the first three examples; what
they return is checked, and a mistake named, by ``_checks`` in terms of the learner's
arguments.
"""

from __future__ import annotations

import contextlib
import io

import torch

from . import _checks


def probe_model(net, loss, params, features, labels, caller: str) -> None:
    """Run ``net`` and ``loss`` on the first few examples, so swapped or wrong functions,
    extra parameters and mis-shaped outputs are named before ``caller`` (``train``,
    ``grad_check``) starts."""
    m = min(len(features), 3)
    X, y = features[:m].detach(), labels[:m].detach()
    with torch.no_grad():
        try:
            y_hat = net(X, *params)
        except Exception as err:
            rows = not isinstance(err, TypeError) and m < len(features)
            rows = rows and _runs(net, features.detach(), params)
            shapes = [tuple(p.shape) for p in params]
            _checks.model_failed(err, shapes, m, features.shape[1], caller, rows)
        _checks.predictions(y_hat, m)
        try:
            value = loss(y_hat, y)
        except Exception as err:
            _checks.loss_failed(err, caller)
        _checks.loss_values(value, y_hat, y)  # y and y_hat broadcast: say so
        _checks.per_example_losses(value, m)


def _runs(net, features, params) -> bool:
    """Whether ``net`` runs on all of ``features`` (tried only once it failed on a few;
    what it prints then is not shown, it was shown by the first try)."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            net(features, *params)
    except Exception:
        return False
    return True
