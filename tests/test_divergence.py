"""DivergenceError says what happened, where, and what is true of the parameters."""

import pytest
import torch

from linreg_scratch import DivergenceError, init_params, linreg, squared_loss, train
from linreg_scratch.lang import language

PATHS = pytest.mark.parametrize("fast", [False, True], ids=["chapter", "fast"])


@PATHS
def test_the_message_says_the_parameters_are_no_longer_finite_only_when_so(tutorial_data, fast):
    features, labels = tutorial_data
    w, b = init_params(2)
    with pytest.raises(DivergenceError) as info:  # lr=30 runs w to inf and NaN
        train(linreg, squared_loss, [w, b], features, labels, lr=30.0, verbose=False, fast=fast)
    assert not torch.isfinite(w.detach()).all()
    assert "the parameters are no longer finite" in str(info.value)
    # One batch, x = 1, y = 0, w = 1e20: its loss overflows float32 but the step with
    # lr = 0.5 lands on w + b = 0, so the parameters are finite (and the loss small) now.
    w, b = torch.full((1, 1), 1e20, requires_grad=True), torch.zeros(1, requires_grad=True)
    with pytest.raises(DivergenceError) as info:
        train(
            linreg,
            squared_loss,
            [w, b],
            torch.ones(4, 1),
            torch.zeros(4),
            lr=0.5,
            num_epochs=1,
            batch_size=4,
            verbose=False,
            fast=fast,
        )
    assert torch.isfinite(w.detach()).all() and torch.isfinite(b.detach()).all()
    assert "no longer finite" not in str(info.value)
    assert "the parameters are still finite" in str(info.value)


@PATHS
def test_the_message_is_chinese_after_set_language_zh(tutorial_data, fast):
    features, labels = tutorial_data
    w, b = init_params(2)
    with language("zh"), pytest.raises(DivergenceError) as info:
        train(linreg, squared_loss, [w, b], features, labels, lr=30.0, verbose=False, fast=fast)
    message = str(info.value)
    assert message.startswith("训练发散：损失在第 1 个迭代周期的第 ")
    assert "学习率 lr=30 可能太大" in message and "lr=3（参数已不再有限" in message
    assert info.value.reason.startswith("损失在第 1 个迭代周期")
    assert not any(word in message for word in ("diverged", "the loss", "parameters"))
