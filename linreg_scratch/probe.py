"""Try the model and the loss on a few examples before training, so mistakes show at once.

A swapped ``train(loss, net, ...)``, an extra parameter or a model that returns one number
for the whole batch would otherwise fail (or, worse, broadcast) somewhere inside the first
epoch. :func:`probe_model` calls ``net`` and ``loss`` on the first three examples and names
the mistake in terms of the arguments the learner passed.
"""

from __future__ import annotations

import torch

from .lang import text


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
                text(
                    f"net(X, *params) failed: {err}. net must be the model (e.g. linreg), "
                    f"called as net(X, w, b) with the {len(params)} tensor(s) in params; "
                    f"check the order train(net, loss, params, ...) and the number of params",
                    f"net(X, *params) 出错：{err}。net 必须是模型（例如 linreg），以 "
                    f"net(X, w, b) 的形式调用，传入 params 中的 {len(params)} 个张量；请检查 "
                    f"train(net, loss, params, ...) 的参数顺序和 params 的个数",
                )
            ) from err
        if not isinstance(y_hat, torch.Tensor):
            raise TypeError(
                text(
                    f"net must return a tensor of predictions, got {type(y_hat).__name__}; "
                    f"check the order train(net, loss, params, ...)",
                    f"net 必须返回预测值张量，实际得到 {type(y_hat).__name__}；请检查 "
                    f"train(net, loss, params, ...) 的参数顺序",
                )
            )
        if y_hat.numel() != m or y_hat.dim() not in (1, 2) or len(y_hat) != m:
            raise ValueError(
                text(
                    f"net must return one prediction per example, shape ({m}, 1) for {m} "
                    f"examples, got shape {tuple(y_hat.shape)}; check the shapes of params",
                    f"net 必须为每个样本返回一个预测值，{m} 个样本对应形状 ({m}, 1)，实际得到"
                    f"形状 {tuple(y_hat.shape)}；请检查 params 的形状",
                )
            )
        try:
            value = loss(y_hat, y)
        except (TypeError, ValueError, RuntimeError) as err:
            raise (TypeError if isinstance(err, TypeError) else ValueError)(
                text(
                    f"loss(y_hat, y) failed: {err}. loss must compare predictions with "
                    f"labels (e.g. squared_loss); check the order train(net, loss, params, ...)",
                    f"loss(y_hat, y) 出错：{err}。loss 必须比较预测值与标签（例如 "
                    f"squared_loss）；请检查 train(net, loss, params, ...) 的参数顺序",
                )
            ) from err
        if not isinstance(value, torch.Tensor) or value.numel() != m or value.dim() == 0:
            got = tuple(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__
            raise ValueError(
                text(
                    f"loss must return one value per example (shape ({m}, 1) for {m} "
                    f"examples), got {got}; return the elementwise loss, train sums it",
                    f"loss 必须为每个样本返回一个值（{m} 个样本对应形状 ({m}, 1)），实际得到 "
                    f"{got}；请返回逐个样本的损失，train 会对它求和",
                )
            )
