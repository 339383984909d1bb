"""Argument checks shared by the public functions.

Each check raises early, with a message that names the argument, what was
expected and what arrived, so a learner sees the fix instead of a torch
traceback from three frames further down. Every message is written in English and
in Chinese (``_text(en, zh)``, chosen when it is raised, as ``set_language`` says);
argument names, code, numbers and shapes read the same in both.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence, Sized
from typing import NoReturn, cast, overload

import torch

from .lang import text as _text

#: The most values one tensor made by the package may hold: 2**36 float32 values are
#: 256 GiB, more than the memory of any single GPU (at most 192 GB today) or of a
#: workstation, so a larger size is a typing slip (a zero too many), refused before torch
#: tries to allocate it. A fixed number, so the same call is refused on every machine.
MAX_VALUES = 2**36

#: The Chinese of the phrases callers hand to the checks (``why``, ``fix``, ``what``,
#: ``unit``, ``like``, ``meaning``), so that a refusal is Chinese from end to end; a
#: phrase missing here shows in English (tests/test_lang.py looks for such phrases).
PHRASES_ZH = {
    # why: where bounds and shapes come from
    "larger values overflow float32": "更大的值会超出 float32 的范围",
    "60! overflows float32": "60! 超出 float32 的范围",
    "so labels fit in float32": "这样标签才能放进 float32",
    "labels must fit in float32": "标签必须能放进 float32",
    "torch seeds are 64-bit": "torch 的随机种子是 64 位的",
    "the raw x of a degree sweep": "次数扫描的特征是原始的 x",
    "a folder when grading a folder": "是文件夹（给整个文件夹评分时）",
    "it is for grading a folder of notebooks": "它只用于给一个文件夹里的笔记本评分",
    "the data must fit in memory": "数据必须能放进内存",
    "0 for w, 1 for b": "0 表示 w，1 表示 b",
    "width in inches": "宽度，单位为英寸",
    "height in inches": "高度，单位为英寸",
    "as standardize returns it": "与 standardize 返回的一致",
    "as standardize returns it, like mean": "与 standardize 返回的一致，和 mean 一样",
    "to match mean and std": "须与 mean 和 std 对应",
    "[w, b] for linreg": "linreg 的参数是 [w, b]",
    "one per line": "每条线一个",
    "one per line, as many as legend": "每条线一个，与 legend 的项数相同",
    # unit, what, like, meaning
    "tensors": "张量",
    "values": "值",
    "numbers": "数字",
    "column": "列",
    "the animation": "动画",
    "a loss landscape": "损失曲面图",
    "explore": "explore 函数",
    "a Trajectory: callback(epoch, batch, params)": (
        "Trajectory 对象：callback(epoch, batch, params)"
    ),
    "True: a fresh random order, False: in order": "True：每次重新随机打乱，False：保持原顺序",
    "True: sgd must zero the gradients": "True：sgd 必须把梯度清零",
    # fix, and the names that are words
    "pass one value per line of the plot": "请为图中的每条线传入一个值",
    "train for at least one epoch first": "请先训练至少一个迭代周期",
    "no time recorded yet; call stop() first": "还没有记录任何时间；请先调用 stop()",
    "it holds no runs; make one with sweep(...)": "它不含任何一次运行；请用 sweep(...) 生成",
    "this Sweep": "这个 Sweep",
    "ls and colors": "ls 和 colors",
    # the books' epoch helpers and semilogy
    "one per sum": "每个累加和一个",
    "one per x value": "每个 x 值一个",
    "names": "名称",
    "linreg or an nn.Module": "linreg 或一个 nn.Module",
    "squared_loss or nn.MSELoss(reduction='none')": "squared_loss 或 nn.MSELoss(reduction='none')",
}


def _zh(phrase: str) -> str:
    """``phrase`` in Chinese when :data:`PHRASES_ZH` has it, else unchanged."""
    return PHRASES_ZH.get(phrase, phrase)


@overload
def scalar(
    name: str,
    value: object,
    kind: type[int],
    *,
    low: float | None = None,
    high: float | None = None,
    include_low: bool = True,
    include_high: bool = True,
    why: str = "",
) -> int: ...


@overload
def scalar(
    name: str,
    value: object,
    kind: type[float],
    *,
    low: float | None = None,
    high: float | None = None,
    include_low: bool = True,
    include_high: bool = True,
    why: str = "",
) -> float: ...


def scalar(
    name: str,
    value: object,
    kind: type[int] | type[float],
    *,
    low: float | None = None,
    high: float | None = None,
    include_low: bool = True,
    include_high: bool = True,
    why: str = "",
) -> int | float:
    """Return ``value`` as ``kind`` (int or float) if it is one within ``low`` .. ``high``.

    Refused, naming ``name``: a bool (True would count as 1) or anything that is not an
    integer (``kind=int``) or a real number (``kind=float``, which takes ints too):
    TypeError; NaN or inf, or a value outside the bounds (inclusive unless
    ``include_low``/``include_high`` say otherwise): ValueError, with ``why`` (where
    the bounds come from) in brackets after them.
    """
    expected = _expected(kind, low, high, include_low, include_high)
    if _one_number_tensor(value, kind):
        value = cast(torch.Tensor, value).item()  # lr=torch.tensor(0.03) means lr=0.03
    if isinstance(value, bool) or not isinstance(
        value, numbers.Integral if kind is int else numbers.Real
    ):
        misplaced = getattr(value, "shape", ()) != () and not isinstance(value, str)
        hint = _text("; is an argument in the wrong place?", "；是不是把参数放错了位置？")
        raise TypeError(
            _text(
                f"{name} must be {expected}, got {_got(value)}",
                f"{name} 必须是{expected}，实际得到 {_got(value)}",
            )
            + (hint if misplaced else "")
        )
    number = int(cast(numbers.Integral, value)) if kind is int else float(cast(float, value))
    reason = _text(f" ({why})", f"（{_zh(why)}）") if why else ""
    if isinstance(number, float) and not math.isfinite(number):
        raise ValueError(
            _text(
                f"{name} must be {expected}, got {number!r}",
                f"{name} 必须是{expected}，实际得到 {number!r}",
            )
        )
    too_low = low is not None and (number < low or (number == low and not include_low))
    too_high = high is not None and (number > high or (number == high and not include_high))
    if too_low or too_high:
        raise ValueError(
            _text(
                f"{name} must be {expected}{reason}, got {number!r}",
                f"{name} 必须是{expected}{reason}，实际得到 {number!r}",
            )
        )
    return number


def _one_number_tensor(value: object, kind: type) -> bool:
    """Whether ``value`` is a 0-d real tensor holding a ``kind`` (an int needs an integer
    dtype): a number in all but type, taken as that number."""
    if not isinstance(value, torch.Tensor) or value.dim() != 0:
        return False
    if value.dtype == torch.bool or value.is_complex():
        return False
    return kind is float or not value.is_floating_point()


def _expected(
    kind: type, low: float | None, high: float | None, include_low: bool, include_high: bool
) -> str:
    """What :func:`scalar` accepts, in words: "a positive int", "a finite number >= 0"...
    (in Chinese: "正整数", "大于等于 0 的有限数"...)."""
    if kind is int and high is None and (low, include_low) in ((1, True), (0, False)):
        return _text("a positive int", "正整数")
    noun = _text("an int", "整数") if kind is int else _text("a finite number", "有限数")
    if low is not None and high is not None:
        left, right = "[" if include_low else "(", "]" if include_high else ")"
        interval = f"{left}{_show(low)}, {_show(high)}{right}"
        return _text(f"{noun} in {interval}", f"区间 {interval} 内的{noun}")
    if low is not None:
        return _text(
            f"{noun} {'>=' if include_low else '>'} {_show(low)}",
            f"{'大于等于' if include_low else '大于'} {_show(low)} 的{noun}",
        )
    if high is not None:
        return _text(
            f"{noun} {'<=' if include_high else '<'} {_show(high)}",
            f"{'小于等于' if include_high else '小于'} {_show(high)} 的{noun}",
        )
    return noun


def _got(value: object) -> str:
    """What arrived, in a few words: a tensor or array by its type, shape and dtype (its
    values could fill the screen), anything else by its ``repr`` (cut short) and type."""
    kind = type(value).__name__
    shape = getattr(value, "shape", None)
    if isinstance(shape, tuple) and len(shape) > 0:
        dims = tuple(int(n) for n in shape)
        dtype = getattr(value, "dtype", "")
        return _text(f"a {kind} of shape {dims} ({dtype})", f"{kind}，形状为 {dims}（{dtype}）")
    shown = " ".join(repr(value).split())
    if shown.startswith("<") and " object at 0x" in shown:  # the default repr says no more
        return _text(f"a {kind}", f"{kind} 对象")
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return _text(f"{shown} ({kind})", f"{shown}（{kind}）")


def _show(bound: float) -> str:
    return str(bound) if isinstance(bound, int) else f"{bound:g}"


def fits_in_memory(name: str, value: int, shape: tuple[int, ...]) -> None:
    """Refuse ``name=value`` if it would make a float32 tensor of ``shape`` with more than
    :data:`MAX_VALUES` values, saying how many bytes it would need."""
    count = math.prod(shape)
    if count > MAX_VALUES:
        raise ValueError(
            _text(
                f"{name}={value} would make a float32 tensor of shape {shape}: {count:,} values, "
                f"{4 * count:,} bytes ({_bytes(4 * count)}); the package refuses more than "
                f"{MAX_VALUES:,} values ({_bytes(4 * MAX_VALUES)}, more than one GPU or a "
                f"workstation holds): use a smaller {name}",
                f"{name}={value} 会生成形状为 {shape} 的 float32 张量：{count:,} 个值，"
                f"{4 * count:,} 字节（{_bytes(4 * count)}）；本包拒绝超过 {MAX_VALUES:,} "
                f"个值（{_bytes(4 * MAX_VALUES)}，超过一块 GPU 或一台工作站的内存）："
                f"请用更小的 {name}",
            )
        )


def _bytes(size: int) -> str:
    """``size`` bytes in the largest binary unit that keeps the number >= 1: "256 GiB"."""
    amount = float(size)
    for unit in (_text("bytes", "字节"), "KiB", "MiB", "GiB", "TiB"):
        if amount < 1024:
            return f"{amount:.3g} {unit}"
        amount /= 1024
    return f"{amount:,.3g} PiB"


def tensor(name: str, value: object, ndim: int | tuple[int, ...] | None = None) -> torch.Tensor:
    """Return ``value`` if it is a tensor with one of the allowed ``ndim``."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(
            _text(
                f"{name} must be a torch.Tensor, got {type(value).__name__}; "
                f"convert it with torch.tensor(..., dtype=torch.float32)",
                f"{name} 必须是 torch.Tensor，实际得到 {type(value).__name__}；"
                f"请用 torch.tensor(..., dtype=torch.float32) 转换",
            )
        )
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if value.dim() not in allowed:
            wanted = _text(" or ", " 或 ").join(f"{d}-D" for d in allowed)
            raise ValueError(
                _text(
                    f"{name} must be {wanted}, got shape {tuple(value.shape)} ({value.dim()}-D)",
                    f"{name} 必须是 {wanted} 张量，实际得到形状 {tuple(value.shape)}"
                    f"（{value.dim()}-D）",
                )
            )
    return value


def floating(name: str, value: torch.Tensor) -> torch.Tensor:
    """Require a floating-point tensor (gradients need one)."""
    if not value.is_floating_point():
        raise TypeError(
            _text(
                f"{name} must be a floating-point tensor (e.g. float32), got dtype "
                f"{value.dtype}; convert it with .float()",
                f"{name} 必须是浮点张量（例如 float32），实际得到 dtype {value.dtype}；"
                f"请用 .float() 转换",
            )
        )
    return value


def finite(name: str, value: torch.Tensor) -> torch.Tensor:
    """Require every entry of ``value`` to be finite; say where the first bad one is."""
    if not value.is_floating_point() or value.numel() == 0:
        return value
    # aminmax allocates nothing and lets NaN and +-inf through, unlike isfinite,
    # which needs temporaries as large as the data (1e7 x 10 features: ~600 MB).
    low, high = torch.aminmax(value.detach())
    if math.isfinite(low) and math.isfinite(high):
        return value
    bad = ~torch.isfinite(value)
    first = tuple(int(i) for i in bad.nonzero()[0])
    kind = "NaN" if bool(torch.isnan(value[first])) else "inf"
    where = (
        _text("its only entry", "唯一的元素")
        if value.dim() == 0
        else _text(f"row {first[0]}", f"第 {first[0]} 行")
        if value.dim() == 1
        else _text(f"row {first[0]}, column {first[1]}", f"第 {first[0]} 行第 {first[1]} 列")
    )
    count = int(bad.sum())
    raise ValueError(
        _text(
            f"{name} contains {kind} at {where} ({count} non-finite value"
            f"{'s' if count != 1 else ''} in all); remove or fix those rows first",
            f"{name} 的{where}是 {kind}（共有 {count} 个非有限值）；请先删除或修正这些行",
        )
    )


def examples(
    features: object,
    labels: object,
    *,
    values: bool = True,
    names: tuple[str, str] = ("features", "labels"),
) -> int:
    """Check a data set for training or solving; return its number of examples.

    ``features: (n, d)`` floating, ``labels: (n,)`` or ``(n, 1)`` on the same device,
    ``n > 0``, and (with ``values``) no NaN or inf in either: see :func:`finite_data`.
    ``names`` are the arguments' names in the errors.
    """
    x_name, y_name = names
    features = real_floating(x_name, tensor(x_name, features, ndim=2))
    labels = real_floating(y_name, tensor(y_name, labels, ndim=(1, 2)))
    n = same_length(features, labels, names)
    one_per_example(y_name, labels, n)
    on_device(y_name, labels, x_name, features)  # before finite(), which reads values
    if values:
        finite_data(features, labels, names)
    return n


def validation(
    features: torch.Tensor, val_features: object, val_labels: object
) -> tuple[torch.Tensor, torch.Tensor]:
    """Check a validation set for a model trained on ``features: (n, d)``; return it detached.

    ``val_features: (m, d)`` and ``val_labels: (m,)`` or ``(m, 1)``: the checks of
    :func:`examples`, naming the ``val_`` arguments, then as many columns as
    ``features`` and on their device.
    """
    examples(val_features, val_labels, names=("val_features", "val_labels"))
    x, y = tensor("val_features", val_features), tensor("val_labels", val_labels)  # both checked
    if x.shape[1] != features.shape[1]:
        raise ValueError(
            _text(
                f"val_features must have as many columns as the features the model is "
                f"trained on ({features.shape[1]}), got shape {tuple(x.shape)}",
                f"val_features 的列数必须与训练所用特征的列数（{features.shape[1]}）相同，"
                f"实际得到形状 {tuple(x.shape)}",
            )
        )
    on_device("val_features", x, "features", features)
    return x.detach(), y.detach()


def finite_data(
    features: torch.Tensor, labels: torch.Tensor, names: tuple[str, str] = ("features", "labels")
) -> None:
    """Require no NaN or inf in ``features`` and ``labels``: one pass over the data."""
    finite(names[0], features)
    finite(names[1], labels)


def same_length(
    features: torch.Tensor, labels: torch.Tensor, names: tuple[str, str] = ("features", "labels")
) -> int:
    """Require features and labels to hold the same number of examples (> 0)."""
    (x, y), n, m = names, len(features), len(labels)
    if n != m:
        raise ValueError(
            _text(
                f"{x} and {y} must hold the same number of examples, got len({x})={n} "
                f"and len({y})={m}",
                f"{x} 和 {y} 的样本数必须相同，实际得到 len({x})={n}，len({y})={m}",
            )
        )
    if n == 0:
        raise ValueError(
            _text(
                f"{x} and {y} hold no examples (length 0)",
                f"{x} 和 {y} 不含任何样本（长度为 0）",
            )
        )
    return n


def function(name: str, value: object, like: str = "", check: str = "sgd"):
    """Require a callable (a function such as ``like``), not the result of calling one;
    without ``like``, the hint shows ``check.<check>(<check>)``, the call that was meant."""
    if not callable(value) and like:
        raise TypeError(
            _text(
                f"{name} must be a function like {like}, got {type(value).__name__}",
                f"{name} 必须是函数（例如 {_zh(like)}），实际得到 {type(value).__name__}",
            )
        )
    if not callable(value):
        right, wrong = f"check.{check}({check})", f"check.{check}({check}(...))"
        raise TypeError(
            _text(
                f"{name} must be a function, got {type(value).__name__}; pass the function "
                f"itself ({right}), not the result of calling it ({wrong})",
                f"{name} 必须是函数，实际得到 {type(value).__name__}；请传入函数本身"
                f"（{right}），而不是调用它的结果（{wrong}）",
            )
        )
    return value


def varying_columns(name: str, value: torch.Tensor) -> torch.Tensor:
    """Require every column of the 2-D ``value`` to hold at least two different numbers."""
    if len(value) == 0:
        raise ValueError(
            _text(
                f"{name} holds no rows (shape {tuple(value.shape)})",
                f"{name} 没有任何行（形状 {tuple(value.shape)}）",
            )
        )
    low, high = value.min(0).values, value.max(0).values
    constant = (low == high).nonzero().reshape(-1).tolist()
    if constant:
        j = constant[0]
        raise ValueError(
            _text(
                f"{name} has a constant column (column {j}: every value is {float(low[j]):g}, "
                f"{len(constant)} such column{'s' if len(constant) != 1 else ''} in all); its "
                f"standard deviation is 0, so it cannot be scaled: drop it",
                f"{name} 有常数列（第 {j} 列：每个值都是 {float(low[j]):g}，共有 "
                f"{len(constant)} 个这样的列）；它的标准差为 0，无法缩放：请删除它",
            )
        )
    return value


def on_device(name: str, value: torch.Tensor, ref_name: str, ref: torch.Tensor) -> torch.Tensor:
    """Require ``value`` to live on the device of ``ref`` (called ``ref_name``)."""
    if value.device != ref.device:
        raise ValueError(
            _text(
                f"{name} is on {value.device} but {ref_name} is on {ref.device}; "
                f"move it with .to({ref_name}.device)",
                f"{name} 在 {value.device} 上，而 {ref_name} 在 {ref.device} 上；"
                f"请用 .to({ref_name}.device) 把它移过去",
            )
        )
    return value


def boolean(name: str, value: object, meaning: str = "") -> bool:
    """Require a real ``True``/``False`` (a string such as "no" would count as true);
    ``meaning`` says what each does."""
    if not isinstance(value, bool):
        raise TypeError(
            _text(
                f"{name} must be True or False, got {_got(value)}; pass "
                f"{name}=True or {name}=False" + (f" ({meaning})" if meaning else ""),
                f"{name} 必须是 True 或 False，实际得到 {_got(value)}；"
                f"请传入 {name}=True 或 {name}=False" + (f"（{_zh(meaning)}）" if meaning else ""),
            )
        )
    return value


def sgd_settings(lr: object, batch_size: object, num_epochs: object) -> tuple[float, int, int]:
    """Require the settings of a run of SGD: ``lr > 0``, ``batch_size``, ``num_epochs >= 1``."""
    return (
        scalar("lr", lr, float, low=0, include_low=False),
        scalar("batch_size", batch_size, int, low=1),
        scalar("num_epochs", num_epochs, int, low=1),
    )


def generator(name: str, value: object) -> torch.Generator | None:
    """Require None or a ``torch.Generator`` (not a seed)."""
    if value is None or isinstance(value, torch.Generator):
        return value
    hint = ""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        hint = _text(
            f"; to use the seed {value}, pass torch.Generator().manual_seed({value})",
            f"；要使用随机种子 {value}，请传入 torch.Generator().manual_seed({value})",
        )
    raise TypeError(
        _text(
            f"{name} must be a torch.Generator or None, got {_got(value)}{hint}",
            f"{name} 必须是 torch.Generator 或 None，实际得到 {_got(value)}{hint}",
        )
    )


def tensor_list(name: str, value: object, example: str = "[w, b]") -> list[torch.Tensor]:
    """Require a non-empty list (or tuple, or iterable) of tensors such as ``example``."""
    if isinstance(value, torch.Tensor):
        wrap = ("wrap it in a list: [w]", "请把它放进列表：[w]")
        if example != "[w, b]":
            wrap = (f"pass them together: {example}", f"请把它们一起传入：{example}")
        raise TypeError(
            _text(
                f"{name} must be a list of tensors such as {example}, got one tensor of shape "
                f"{tuple(value.shape)}; {wrap[0]}",
                f"{name} 必须是张量列表，例如 {example}，实际得到一个形状为 {tuple(value.shape)} "
                f"的张量；{wrap[1]}",
            )
        )
    if value is None or isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise TypeError(
            _text(
                f"{name} must be a list of tensors such as {example}, got {_got(value)}",
                f"{name} 必须是张量列表，例如 {example}，实际得到 {_got(value)}",
            )
        )
    items = list(value)
    if not items:
        raise ValueError(
            _text(
                f"{name} is empty; pass the tensors, e.g. {example}",
                f"{name} 为空；请传入这些张量，例如 {example}",
            )
        )
    for i, item in enumerate(items):
        if isinstance(item, (list, tuple)) and any(isinstance(t, torch.Tensor) for t in item):
            raise TypeError(
                _text(
                    f"{name} is nested: {name}[{i}] is a {type(item).__name__} of tensors; pass "
                    f"the tensors themselves, e.g. {example}, not [{example}]",
                    f"{name} 嵌套了一层：{name}[{i}] 是一个装着张量的 {type(item).__name__}；"
                    f"请直接传入这些张量，例如 {example}，而不是 [{example}]",
                )
            )
        tensor(f"{name}[{i}]", item)
    return items


def model_and_data(model: object, data: object) -> None:
    """Require ``Trainer.fit``'s ``model`` (a Module: ``training_step``,
    ``configure_optimizers``) and ``data`` (a DataModule: ``train_dataloader``,
    ``val_dataloader``); say so when the two are swapped."""
    for name, value in (("model", model), ("data", data)):
        if isinstance(value, type):  # the class itself: the parentheses forgotten
            raise TypeError(
                _text(
                    f"{name} must be an object, got the class {value.__name__}; make one "
                    f"first, e.g. {name} = {value.__name__}(...)",
                    f"{name} 必须是一个对象，实际得到类 {value.__name__}；请先创建一个，"
                    f"例如 {name} = {value.__name__}(...)",
                )
            )
    is_model = all(hasattr(model, a) for a in ("training_step", "configure_optimizers"))
    is_data = all(hasattr(data, a) for a in ("train_dataloader", "val_dataloader"))
    if is_model and is_data:
        return
    swapped = hasattr(model, "train_dataloader") and hasattr(data, "training_step")
    hint = _text(
        "; model and data are swapped: call fit(model, data)",
        "；model 和 data 的顺序反了：请调用 fit(model, data)",
    )
    name, value, en, zh = (
        (
            "data",
            data,
            "a DataModule with train_dataloader and val_dataloader",
            "带有 train_dataloader 和 val_dataloader 的 DataModule",
        )
        if is_model
        else (
            "model",
            model,
            "a Module with training_step and configure_optimizers",
            "带有 training_step 和 configure_optimizers 的 Module",
        )
    )
    raise TypeError(
        _text(
            f"{name} must be {en}, got {_got(value)}", f"{name} 必须是{zh}，实际得到 {_got(value)}"
        )
        + (hint if swapped else "")
    )


def trainable(name: str, value: torch.Tensor) -> torch.Tensor:
    """Require a leaf tensor with ``requires_grad=True``: one whose ``.grad`` autograd fills."""
    if not value.requires_grad:
        raise ValueError(
            _text(
                f"{name} does not require gradients; create it with requires_grad=True or "
                f"call {name.split('[')[0]}[...].requires_grad_() on it",
                f"{name} 不需要梯度；请用 requires_grad=True 创建它，或对它调用 "
                f"{name.split('[')[0]}[...].requires_grad_()",
            )
        )
    if not value.is_leaf:
        raise ValueError(
            _text(
                f"{name} is not a leaf tensor: it was computed from another tensor that "
                f"requires grad (e.g. torch.randn(2, 1, requires_grad=True) * 0.01), so "
                f"backward() leaves its .grad empty; make the value first, then ask for "
                f"gradients: (torch.randn(2, 1) * 0.01).requires_grad_()",
                f"{name} 不是叶子张量：它是由另一个需要梯度的张量计算出来的（例如 "
                f"torch.randn(2, 1, requires_grad=True) * 0.01），所以 backward() 不会填充"
                f"它的 .grad；请先算出值，再要求梯度：(torch.randn(2, 1) * 0.01).requires_grad_()",
            )
        )
    return value


def real_floating(name: str, value: torch.Tensor) -> torch.Tensor:
    """Require a real floating-point tensor: not bool, integer or complex."""
    return floating(name, not_complex(name, value))


def not_complex(name: str, value: torch.Tensor) -> torch.Tensor:
    """Require a tensor of real numbers (converting a complex one would drop its imaginary part)."""
    if value.is_complex():
        raise TypeError(
            _text(
                f"{name} must be real (e.g. float32), got complex dtype {value.dtype}; "
                f"use .real if the imaginary part is meant to be 0",
                f"{name} 必须是实数（例如 float32），实际得到复数 dtype {value.dtype}；"
                f"如果虚部本应为 0，请用 .real",
            )
        )
    return value


def one_per_example(name: str, value: torch.Tensor, n: int | None = None) -> torch.Tensor:
    """Require shape ``(n,)`` or ``(n, 1)`` (``()`` for a single value): one number per example."""
    ok = value.dim() <= 1 or (value.dim() == 2 and value.shape[1] == 1)
    if not ok or (n is not None and value.dim() > 0 and len(value) != n):
        wanted = ("(n,)", "(n, 1)") if n is None else (f"({n},)", f"({n}, 1)")
        raise ValueError(
            _text(
                f"{name} must hold one value per example, shape {wanted[0]} or {wanted[1]}, "
                f"got shape {tuple(value.shape)}",
                f"{name} 必须每个样本一个值，形状为 {wanted[0]} 或 {wanted[1]}，实际得到形状 "
                f"{tuple(value.shape)}",
            )
        )
    return value


def linreg_params(w: object, b: object, X: torch.Tensor, x_name: str = "X") -> None:
    """``w: (d, 1)`` or ``(d,)`` and ``b: ()`` or ``(1,)``, floating, on ``X``'s device."""
    w = real_floating("w", tensor("w", w, ndim=(1, 2)))
    b = real_floating("b", tensor("b", b))
    d = X.shape[1]
    if d > 1 and w.numel() == 1 and b.dim() in (1, 2) and b.shape[0] == d:
        raise ValueError(
            _text(
                f"w and b look swapped: w has shape {tuple(w.shape)} and b has shape "
                f"{tuple(b.shape)}; pass them in the order [w, b] (w: ({d}, 1), b: (1,))",
                f"w 和 b 好像放反了：w 的形状是 {tuple(w.shape)}，b 的形状是 {tuple(b.shape)}；"
                f"请按 [w, b] 的顺序传入（w：({d}, 1)，b：(1,)）",
            )
        )
    if w.shape[0] == d and w.dim() == 2 and w.shape[1] != 1:
        raise ValueError(
            _text(
                f"w must have one column, shape ({d}, 1) or ({d},) for {x_name} of shape "
                f"{tuple(X.shape)}, got w of shape {tuple(w.shape)}",
                f"w 必须只有一列，形状为 ({d}, 1) 或 ({d},)（{x_name} 的形状是 "
                f"{tuple(X.shape)}），实际得到形状为 {tuple(w.shape)} 的 w",
            )
        )
    if w.shape[0] != d:
        raise ValueError(
            _text(
                f"{x_name} has {d} columns (shape {tuple(X.shape)}) but w has {w.shape[0]} "
                f"row{'s' if w.shape[0] != 1 else ''} (shape {tuple(w.shape)}); w must have "
                f"shape ({d}, 1) or ({d},)",
                f"{x_name} 有 {d} 列（形状 {tuple(X.shape)}），但 w 有 {w.shape[0]} 行（形状 "
                f"{tuple(w.shape)}）；w 的形状必须是 ({d}, 1) 或 ({d},)",
            )
        )
    if b.numel() != 1 or b.dim() > 1:
        raise ValueError(
            _text(
                f"b must be a single number, shape (1,) or (), got b of shape "
                f"{tuple(b.shape)}; a longer b would be broadcast into a wrong y_hat",
                f"b 必须是单个数，形状为 (1,) 或 ()，实际得到形状为 {tuple(b.shape)} 的 b；"
                f"更长的 b 会被广播，得出错误的 y_hat",
            )
        )
    on_device("w", w, x_name, X)
    on_device("b", b, x_name, X)


def linreg_args(params: Sequence[torch.Tensor], X: torch.Tensor, x_name: str = "X") -> None:
    """Require ``params = [w, b]`` that ``linreg(X, w, b)`` takes (:func:`linreg_params`, and
    ``w`` in ``X``'s dtype), named against ``X`` itself rather than a few rows of it."""
    how_many("params", len(params), 2, "tensors", "[w, b] for linreg")
    linreg_params(params[0], params[1], X, x_name)
    same_dtype("w", params[0], x_name, X)


def figure_path(name: str, value: object) -> str:
    """Require a path ending in .svg/.png/.pdf whose folder exists; return it as str."""
    return file_path(name, value, (".svg", ".png", ".pdf"), "'fit.svg'")


def file_path(name: str, value: object, suffixes: tuple[str, ...], example: str) -> str:
    """Require a path ending in one of ``suffixes`` whose folder exists; return it as str."""
    import os

    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(
            _text(
                f"{name} must be a file name such as {example}, got {_got(value)}",
                f"{name} 必须是文件名，例如 {example}，实际得到 {_got(value)}",
            )
        )
    path = os.fspath(value)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in suffixes:
        allowed = _text(", ", "、").join(suffixes[:-1]) + _text(" or ", " 或 ") + suffixes[-1]
        raise ValueError(
            _text(
                f"{name} must end in {allowed}, got {path!r}",
                f"{name} 必须以 {allowed} 结尾，实际得到 {path!r}",
            )
        )
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise ValueError(
            _text(
                f"{name} must be in an existing folder, but {folder!r} does not exist "
                f"(got {path!r}); create it first",
                f"{name} 必须位于已存在的文件夹中，但 {folder!r} 不存在（实际得到 {path!r}）；"
                f"请先创建它",
            )
        )
    return path


def numbers_list(name: str, value: object) -> list[float]:
    """Require a list, tuple, 1-D array or tensor of real numbers; return them as floats."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().reshape(-1).tolist() if value.dim() <= 1 else value
    elif isinstance(value, range):  # range(1, num_epochs + 1), as the books pass epochs
        value = list(value)
    elif hasattr(value, "tolist") and getattr(value, "ndim", 2) <= 1:  # a NumPy array
        value = value.tolist()
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise TypeError(
            _text(
                f"{name} must be a list of numbers, got {_got(value)}",
                f"{name} 必须是数字列表，实际得到 {_got(value)}",
            )
        )
    out = []
    for i, v in enumerate(value):
        if isinstance(v, torch.Tensor) and v.numel() == 1:
            v = v.item()
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(
                _text(
                    f"{name}[{i}] must be a number, got {_got(v)}",
                    f"{name}[{i}] 必须是数字，实际得到 {_got(v)}",
                )
            )
        out.append(float(v))
    return out


def w_path(name: str, value: object) -> torch.Tensor:
    """Require the path of a 2-weight ``w``: shape ``(steps, 2)`` or ``(steps, 2, 1)``, or
    the ``Trajectory`` that recorded it (its ``stack(0)`` is returned). A Trajectory is
    known by its ``params`` and ``stack``: importing train here would be a cycle."""
    if not isinstance(value, torch.Tensor) and hasattr(value, "params") and hasattr(value, "stack"):
        if not value.params:
            raise ValueError(
                _text(
                    f"{name} is a Trajectory that recorded nothing; make it with "
                    f"Trajectory([w, b]) or pass it to train(callback=...) first",
                    f"{name} 是一个什么都没有记录的 Trajectory；请用 Trajectory([w, b]) 创建它，"
                    f"或先把它传给 train(callback=...)",
                )
            )
        value = value.stack(0)
    value = tensor(name, value)
    real_floating(name, value)
    if value.shape[1:] not in ((2,), (2, 1)):
        raise ValueError(
            _text(
                f"{name} must be the path of w with two weights, shape (steps, 2) or "
                f"(steps, 2, 1), got shape {tuple(value.shape)}; pass the Trajectory that "
                f"recorded it, or its stack(0) (w), not stack(1) (b)",
                f"{name} 必须是有两个权重的 w 走过的路径，形状为 (steps, 2) 或 (steps, 2, 1)，"
                f"实际得到形状 {tuple(value.shape)}；请传入记录它的 Trajectory 或其 stack(0)"
                f"（w），而不是 stack(1)（b）",
            )
        )
    return value


def optional_str(name: str, value: object) -> str | None:
    """Require a string or None."""
    if value is not None and not isinstance(value, str):
        raise TypeError(
            _text(
                f"{name} must be a string or None, got {_got(value)}",
                f"{name} 必须是字符串或 None，实际得到 {_got(value)}",
            )
        )
    return value


def str_list(name: str, value: object) -> list[str]:
    """A list of strings; one string counts as a list of one (``legend="train"``)."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise TypeError(
            _text(
                f"{name} must be a list of strings such as ['train'], got {_got(value)}",
                f"{name} 必须是字符串列表，例如 ['train']，实际得到 {_got(value)}",
            )
        )
    if not value:
        raise ValueError(
            _text(
                f"{name} is empty: give at least one string",
                f"{name} 为空：请至少给出一个字符串",
            )
        )
    return list(value)


def limits(name: str, value: object) -> tuple[float, float] | None:
    """None, or a pair ``(low, high)`` of finite numbers with ``low < high``."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)) or len(value) != 2:
        raise TypeError(
            _text(
                f"{name} must be a pair (low, high) or None, got {_got(value)}",
                f"{name} 必须是一对数 (low, high) 或 None，实际得到 {_got(value)}",
            )
        )
    low, high = (scalar(f"{name}[{i}]", v, float) for i, v in enumerate(value))
    if not low < high:
        raise ValueError(
            _text(
                f"{name} must be (low, high) with low < high, got {value!r}",
                f"{name} 必须是满足 low < high 的 (low, high)，实际得到 {value!r}",
            )
        )
    return low, high


def choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    """Require one of the ``allowed`` strings."""
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(
            _text(
                f"{name} must be one of {allowed}, got {_got(value)}",
                f"{name} 必须是 {allowed} 之一，实际得到 {_got(value)}",
            )
        )
    return value


# --- shapes, sizes and counts --------------------------------------------------------


def weights(name: str, value: object) -> torch.Tensor:
    """Real weights as a new float32 vector: a list of numbers, or a ``(d,)`` or ``(d, 1)``
    tensor; at least one, all finite. Complex ones are refused, not cut to their real part."""
    if isinstance(value, torch.Tensor):
        if value.dim() == 2 and value.shape[1] == 1:
            value = value.reshape(-1)
        not_complex(name, tensor(name, value, ndim=1))
        vec = value.detach().to(torch.float32).clone()
    else:
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise TypeError(_not_weights(name, value))
        items = list(cast(Iterable, value))
        for i, v in enumerate(items):
            if isinstance(v, numbers.Complex) and not isinstance(v, numbers.Real):
                raise TypeError(
                    _text(
                        f"{name}[{i}] must be a real number, got {_got(v)}; "
                        f"use .real if the imaginary part is meant to be 0",
                        f"{name}[{i}] 必须是实数，实际得到 {_got(v)}；如果虚部本应为 0，请用 .real",
                    )
                )
        try:
            vec = torch.tensor(items, dtype=torch.float32)
        except (TypeError, ValueError, RuntimeError) as err:
            raise TypeError(_not_weights(name, value)) from err
        if vec.dim() != 1:
            raise ValueError(
                _text(
                    f"{name} must be a flat list of numbers, got {_got(value)}",
                    f"{name} 必须是一层的数字列表（不能嵌套），实际得到 {_got(value)}",
                )
            )
    if vec.numel() == 0:
        raise ValueError(
            _text(
                f"{name} must hold at least one weight, got an empty one",
                f"{name} 必须至少含有一个权重，实际得到的为空",
            )
        )
    return finite(name, vec)


def _not_weights(name: str, value: object) -> str:
    return _text(
        f"{name} must be a list of numbers or a 1-D tensor, got {_got(value)}",
        f"{name} 必须是数字列表或 1-D 张量，实际得到 {_got(value)}",
    )


def has_shape(name: str, value: torch.Tensor, allowed: tuple[tuple[int, ...], ...], why: str):
    """Require ``value.shape`` to be one of ``allowed``; ``why`` says where they come from."""
    if tuple(value.shape) not in allowed:
        wanted = _text(" or ", " 或 ").join(str(s) for s in allowed)
        raise ValueError(
            _text(
                f"{name} must have shape {wanted} ({why}), got {tuple(value.shape)}",
                f"{name} 的形状必须是 {wanted}（{_zh(why)}），实际得到 {tuple(value.shape)}",
            )
        )
    return value


def one_number(name: str, value: torch.Tensor) -> torch.Tensor:
    """Require a tensor holding exactly one number, such as ``b: (1,)``."""
    if value.numel() != 1:
        raise ValueError(
            _text(
                f"{name} must hold one number, shape (1,), got shape {tuple(value.shape)}",
                f"{name} 必须恰好含有一个数，形状为 (1,)，实际得到形状 {tuple(value.shape)}",
            )
        )
    return value


def two_features(features: torch.Tensor, what: str) -> torch.Tensor:
    """Require ``(n, 2)`` features: ``what`` (a picture over ``w1, w2``) needs two."""
    if features.shape[1] != 2:
        raise ValueError(
            _text(
                f"{what} needs exactly 2 features (w1, w2), got features of shape "
                f"{tuple(features.shape)}",
                f"{_zh(what)}需要恰好 2 个特征（对应 w1、w2），实际得到形状为 "
                f"{tuple(features.shape)} 的 features",
            )
        )
    return features


def same_numel(name: str, value: torch.Tensor, ref_name: str, ref: torch.Tensor) -> None:
    """Require as many values in ``value`` as in ``ref`` (no silent broadcasting)."""
    if value.numel() != ref.numel():
        raise ValueError(
            _text(
                f"{ref_name} and {name} must hold the same number of values, got {ref_name} "
                f"of shape {tuple(ref.shape)} and {name} of shape {tuple(value.shape)}",
                f"{ref_name} 和 {name} 含有的值的个数必须相同，实际得到形状为 "
                f"{tuple(ref.shape)} 的 {ref_name} 和形状为 {tuple(value.shape)} 的 {name}",
            )
        )


def same_dtype(name: str, value: torch.Tensor, ref_name: str, ref: torch.Tensor) -> None:
    """Require ``value`` to have the dtype of ``ref`` (matmul mixes none)."""
    if value.dtype != ref.dtype:
        raise TypeError(
            _text(
                f"{ref_name} and {name} must have the same dtype, got {ref.dtype} and "
                f"{value.dtype}; make both float32 with .float()",
                f"{ref_name} 和 {name} 的 dtype 必须相同，实际得到 {ref.dtype} 和 "
                f"{value.dtype}；请用 .float() 把两者都转成 float32",
            )
        )


def same_lengths(name: str, values: Sequence[torch.Tensor]) -> None:
    """Require every tensor in ``values`` to have the same first dimension."""
    lengths = [len(v) for v in values]
    if len(set(lengths)) > 1:
        raise ValueError(
            _text(
                f"{name} must all have the same first dimension, got lengths {lengths}",
                f"{name} 的第一维必须全部相同，实际得到长度 {lengths}",
            )
        )


def how_many(name: str, got: int, wanted: int, unit: str, why: str) -> None:
    """Require ``got == wanted`` items in ``name``."""
    if got != wanted:
        raise ValueError(
            _text(
                f"{name} must hold {wanted} {unit} ({why}), got {got}",
                f"{name} 必须含有 {wanted} 个{_zh(unit)}（{_zh(why)}），实际得到 {got} 个",
            )
        )


def nonempty(name: str, value: Sized, fix: str) -> None:
    """Require at least one item in ``value``; ``fix`` says how to get one."""
    if len(value) == 0:
        raise ValueError(_text(f"{name} is empty: {fix}", f"{_zh(name)} 为空：{_zh(fix)}"))


def items(name: str, value: object, what: str) -> list:
    """Require a non-empty list or tuple (not a string) of ``what``; return it as a list."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or not value:
        raise TypeError(
            _text(
                f"{name} must be a non-empty list of {what}, got {_got(value)}",
                f"{name} 必须是非空的{_zh(what)}列表，实际得到 {_got(value)}",
            )
        )
    return list(value)


def has_grad(name: str, value: torch.Tensor) -> torch.Tensor:
    """Require ``value.grad`` to be filled (``backward()`` was called)."""
    if value.grad is None:
        raise ValueError(
            _text(
                f"{name}.grad is None: call loss.backward() before sgd(), on a loss computed "
                f"from params that have requires_grad=True",
                f"{name}.grad 为 None：请在 sgd() 之前调用 loss.backward()，且 loss 要由 "
                f"requires_grad=True 的 params 算出",
            )
        )
    return value


def generator_on(name: str, value: torch.Generator | None, device: torch.device) -> None:
    """Require ``value`` (if any) to draw on ``device``'s kind (CPU or GPU)."""
    if value is not None and value.device.type != torch.device(device).type:
        raise ValueError(
            _text(
                f"{name} is on {value.device} but the data is on {device}; "
                f"make it with torch.Generator(device={str(device)!r})",
                f"{name} 在 {value.device} 上，而数据在 {device} 上；"
                f"请用 torch.Generator(device={str(device)!r}) 创建它",
            )
        )


def both_or_neither(name: str, value: object, other_name: str, other: object) -> None:
    """Require ``value`` and ``other`` to be both None or both given."""
    if (value is None) != (other is None):
        missing, given = (name, other_name) if value is None else (other_name, name)
        raise ValueError(
            _text(
                f"{missing} is None but {given} is given: pass both {name} and {other_name}, "
                f"or neither",
                f"{missing} 为 None，但给出了 {given}：请同时传入 {name} 和 {other_name}，"
                f"或者都不传",
            )
        )


def known(name: str, keys: Iterable[str], allowed: Iterable[str]) -> None:
    """Require every key in ``keys`` to be among ``allowed``."""
    unknown = sorted(set(keys) - set(allowed))
    if unknown:
        raise ValueError(
            _text(
                f"unknown {name} {unknown}; use {list(allowed)}",
                f"未知的 {name} {unknown}；可用的有 {list(allowed)}",
            )
        )


def columns(
    value: object, target: object, numeric: tuple[str, ...], text: tuple[str, ...]
) -> list[str]:
    """Feature ``value`` and label ``target``: distinct names among the ``numeric`` columns."""
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise TypeError(
            _text(
                f"columns must be a sequence of column names such as ('flipper_length_mm',), "
                f"got {_got(value)}",
                f"columns 必须是列名的序列，例如 ('flipper_length_mm',)，实际得到 {_got(value)}",
            )
        )
    if len(value) == 0:
        raise ValueError(
            _text(
                "columns is empty; name at least one feature column",
                "columns 为空；请至少指定一个特征列",
            )
        )
    for name, v in [*((f"columns[{i}]", c) for i, c in enumerate(value)), ("target", target)]:
        if not isinstance(v, str):
            raise TypeError(
                _text(
                    f"{name} must be a column name (str), got {_got(v)}",
                    f"{name} 必须是列名（str），实际得到 {_got(v)}",
                )
            )
        if v in text:
            raise ValueError(
                _text(
                    f"{name}={v!r} holds text, not numbers, so it cannot be a feature or a "
                    f"label of linear regression; numeric columns: {', '.join(numeric)}",
                    f"{name}={v!r} 存放的是文本而不是数字，不能作为线性回归的特征或标签；"
                    f"数值列有：{', '.join(numeric)}",
                )
            )
        if v not in numeric:
            raise ValueError(
                _text(
                    f"{name}={v!r} is not a column of the penguins data; numeric columns: "
                    f"{', '.join(numeric)}",
                    f"{name}={v!r} 不是 penguins 数据的列；数值列有：{', '.join(numeric)}",
                )
            )
    if len(set(value)) != len(value):
        raise ValueError(
            _text(
                f"columns names a column twice: {tuple(value)!r}",
                f"columns 把同一列指定了两次：{tuple(value)!r}",
            )
        )
    if target in value:
        raise ValueError(
            _text(
                f"target {target!r} is also among the columns; predict it from others",
                f"target {target!r} 也在 columns 中；请用其他列来预测它",
            )
        )
    return list(value)


def figsize(name: str, value: object) -> tuple[float, float]:
    """A pair ``(width, height)`` of positive finite numbers, in inches."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != 2:
        raise TypeError(
            _text(
                f"{name} must be a pair of numbers (width, height), got {_got(value)}",
                f"{name} 必须是一对数 (width, height)，实际得到 {_got(value)}",
            )
        )
    width = scalar(f"{name}[0]", value[0], float, low=0, include_low=False, why="width in inches")
    height = scalar(f"{name}[1]", value[1], float, low=0, include_low=False, why="height in inches")
    return width, height


# --- live plots ----------------------------------------------------------------------


def line_name(name: str, value: object) -> str:
    """Require a string: the name of a line in a live plot."""
    if not isinstance(value, str):
        raise TypeError(
            _text(
                f"{name} must be a string naming the line, got {_got(value)}",
                f"{name} 必须是给线命名的字符串，实际得到 {_got(value)}",
            )
        )
    return value


def lines_have_names(label: str, *, named: bool) -> None:
    """Require named lines before a value is added to the line called ``label``."""
    if not named:
        raise ValueError(
            _text(
                f"label={label!r} names a line, but this Animator's lines have no names: "
                "give it a legend, or add values to every line with add(x, [y1, y2, ...])",
                f"label={label!r} 指定了一条线，但这个 Animator 的线都没有名字："
                "请给它一个 legend，或用 add(x, [y1, y2, ...]) 给每条线都加上值",
            )
        )


def not_together(name: str, value: object, other_name: str, others: tuple) -> None:
    """Refuse ``value`` given together with any of ``others`` (two ways to say one thing)."""
    if value is not None and any(o is not None for o in others):
        raise ValueError(
            _text(
                f"give either {name} (format strings such as 'ms--') or {other_name}, not "
                f"both: got {name}={value!r}, {other_name}={others!r}",
                f"{name}（格式字符串，例如 'ms--'）和 {_zh(other_name)} 只能给一个，不能同时给："
                f"实际得到 {name}={value!r}，{other_name}={others!r}",
            )
        )


# --- files and command-line options -------------------------------------------------


def number_text(text: str) -> object:
    """Text from a command line as an int or a float if it reads as one, else the text
    itself (which :func:`scalar` then refuses, naming the option)."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def exists(name: str, path: os.PathLike) -> None:
    """Require ``path`` to exist."""
    if not os.path.exists(path):
        raise ValueError(
            _text(
                f"{name} {os.fspath(path)!r} does not exist",
                f"{name} {os.fspath(path)!r} 不存在",
            )
        )


def not_a_notebook(path: os.PathLike, err: Exception) -> NoReturn:
    """Refuse a file that nbformat cannot read as a notebook; ``err`` says why."""
    first = str(err).strip().splitlines()[0][:200] if str(err).strip() else type(err).__name__
    raise ValueError(
        _text(
            f"{os.fspath(path)} is not a Jupyter notebook ({first})",
            f"{os.fspath(path)} 不是 Jupyter 笔记本（{first}）",
        )
    ) from None


def not_a_file(name: str, value: str | None, wanted: str) -> None:
    """Require ``value`` (an option's path) not to be an existing file, nor named like one
    (``.json``, ``.csv``: a folder of that name would surprise)."""
    if value is not None and (os.path.isfile(value) or value.endswith((".json", ".csv"))):
        raise ValueError(
            _text(
                f"{name} must be {wanted}, got the file name {value!r}",
                f"{name} 必须{_zh(wanted)}，实际得到文件名 {value!r}",
            )
        )


def new_file(name: str, value: str | None, *, folder: bool = False) -> None:
    """Require ``value`` (an option's output, if given) to be writable where it is named,
    checked before the work rather than after it: a file (``folder``: a folder, made if
    need be) whose nearest existing folder can be written to."""
    if value is None:
        return
    kind = _text("a folder", "文件夹") if folder else _text("a file", "文件")
    if os.path.isfile(value) if folder else os.path.isdir(value):
        raise ValueError(
            _text(
                f"{name} must be {kind}, got {value!r}, which is not one",
                f"{name} 必须是{kind}，实际得到 {value!r}，它不是{kind}",
            )
        )
    existing = os.path.abspath(value if folder else os.path.dirname(value) or ".")
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not folder and existing != os.path.abspath(os.path.dirname(value) or "."):
        raise ValueError(
            _text(
                f"{name} {value!r} is in a folder that does not exist",
                f"{name} {value!r} 所在的文件夹不存在",
            )
        )
    if not os.path.isdir(existing) or not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(
            _text(
                f"{name} {value!r} cannot be written: {existing!r} is not a folder you may "
                f"write to",
                f"无法写入 {name} {value!r}：{existing!r} 不是可以写入的文件夹",
            )
        )


def namespace(name: str, value: object) -> Mapping:
    """Require a mapping of names to values, such as a notebook's ``globals()``."""
    if not isinstance(value, Mapping):
        raise TypeError(
            _text(
                f"{name} must map names to functions, e.g. globals() in a notebook or "
                f"{{'sgd': sgd}}, got {_got(value)}",
                f"{name} 必须是从名字到函数的映射，例如笔记本中的 globals() 或 {{'sgd': sgd}}，"
                f"实际得到 {_got(value)}",
            )
        )
    return value


def is_folder(name: str, value: os.PathLike, option: str) -> None:
    """Require ``value`` to be a folder, as ``option`` asks."""
    if not os.path.isdir(value):
        raise ValueError(
            _text(
                f"{name} must be a folder with {option}, got the file {os.fspath(value)!r}",
                f"使用 {option} 时 {name} 必须是文件夹，实际得到文件 {os.fspath(value)!r}",
            )
        )


def not_given(name: str, value: object, why: str) -> None:
    """Refuse an option that does not apply here."""
    if value is not None:
        raise ValueError(
            _text(f"{name} does not apply here: {why}", f"{name} 在这里不适用：{_zh(why)}")
        )


# --- what a model and a loss return (tried by probe.py before training) ---------------


def model_failed(
    err: Exception, shapes: list[tuple[int, ...]], m: int, d: int, caller: str, rows: bool
) -> NoReturn:
    """Refuse a ``net`` that fails on ``net(X, *params)`` for the first ``m`` examples
    (``shapes``: those of params). A TypeError (a call that does not fit) also points at
    the order of ``caller``'s arguments; ``rows``: the net worked on all the examples, so
    it is the number of rows that it cannot take."""
    hint = ""
    if isinstance(err, TypeError):  # a call that does not fit: the functions swapped?
        hint = _text(
            f"; net must be the model (e.g. linreg), called as net(X, w, b) with the "
            f"{len(shapes)} tensor(s) in params: check the order {caller}(net, loss, params, "
            f"...) and the number of params",
            f"；net 必须是模型（例如 linreg），以 net(X, w, b) 的形式调用，传入 params 中的 "
            f"{len(shapes)} 个张量：请检查 {caller}(net, loss, params, ...) 的参数顺序和 params "
            f"的个数",
        )
    elif rows:
        hint = _text(
            "; it works on all the examples at once: the net must work for any number of rows",
            "；它在全部样本上能运行：net 必须对任意行数都能运行",
        )
    listed = _text(", ", "、").join(str(shape) for shape in shapes)
    raise (TypeError if isinstance(err, TypeError) else ValueError)(
        _text(
            f"net(X, *params) failed when {caller} tried it on the first {m} examples "
            f"(X = features[:{m}], shape ({m}, {d}); params of shapes {listed}): "
            f"{type(err).__name__}: {err}",
            f"{caller} 在前 {m} 个样本上试运行 net(X, *params) 时出错（X = features[:{m}]，"
            f"形状 ({m}, {d})；params 的形状为 {listed}）：{type(err).__name__}: {err}",
        )
        + hint
    ) from err


def predictions(y_hat: object, m: int) -> torch.Tensor:
    """Require one prediction per example from ``net`` on ``m`` examples."""
    if not isinstance(y_hat, torch.Tensor):
        raise TypeError(
            _text(
                f"net must return a tensor of predictions, got {type(y_hat).__name__}; "
                f"keep the result a tensor (no .tolist(), .item() or numpy)",
                f"net 必须返回预测值张量，实际得到 {type(y_hat).__name__}；请让结果保持为张量"
                f"（不要用 .tolist()、.item() 或 numpy）",
            )
        )
    if y_hat.numel() != m or y_hat.dim() not in (1, 2) or len(y_hat) != m:
        raise ValueError(
            _text(
                f"net must return one prediction per example, shape ({m}, 1) for {m} "
                f"examples, got shape {tuple(y_hat.shape)}; check the shapes of params",
                f"net 必须为每个样本返回一个预测值，{m} 个样本对应形状 ({m}, 1)，实际得到"
                f"形状 {tuple(y_hat.shape)}；请检查 params 的形状",
            )
        )
    return y_hat


def loss_failed(err: Exception, caller: str) -> NoReturn:
    """Refuse a ``loss`` that fails on ``loss(y_hat, y)``."""
    order = _text(
        "; the loss must work for any number of examples", "；loss 必须对任意个样本都能运行"
    )
    if isinstance(err, TypeError):  # a call that does not fit: the functions swapped?
        order = _text(
            f"; loss must compare predictions with labels (e.g. squared_loss): check the "
            f"order {caller}(net, loss, params, ...)",
            f"；loss 必须比较预测值与标签（例如 squared_loss）：请检查 "
            f"{caller}(net, loss, params, ...) 的参数顺序",
        )
    raise (TypeError if isinstance(err, TypeError) else ValueError)(
        _text(
            f"loss(y_hat, y) failed when {caller} tried it on the first examples: "
            f"{type(err).__name__}: {err}",
            f"{caller} 在前几个样本上试运行 loss(y_hat, y) 时出错：{type(err).__name__}: {err}",
        )
        + order
    ) from err


def per_example_losses(value: object, m: int) -> torch.Tensor:
    """Require one loss value per example from ``loss`` on ``m`` examples."""
    if not isinstance(value, torch.Tensor) or value.numel() != m or value.dim() == 0:
        got = tuple(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__
        raise ValueError(
            _text(
                f"loss must return one value per example (shape ({m}, 1) for {m} "
                f"examples), got {got}; return the elementwise loss, train sums it",
                f"loss 必须为每个样本返回一个值（{m} 个样本对应形状 ({m}, 1)），实际得到 "
                f"{got}；请返回逐个样本的损失，train 会对它求和",
            )
        )
    return value


def recorded(points: Sized) -> None:
    """Require a :class:`~linreg_scratch.Trajectory` to hold at least one point."""
    if len(points) == 0:
        raise ValueError(
            _text(
                "nothing recorded yet: pass the Trajectory to train(callback=...)",
                "还没有记录任何内容：请把这个 Trajectory 传给 train(callback=...)",
            )
        )


# --- training ------------------------------------------------------------------------


def trainable_params(name: str, value: object) -> list[torch.Tensor]:
    """A list of real floating-point leaf tensors that require grad, such as ``[w, b]``."""
    params = tensor_list(name, value)
    for i, param in enumerate(params):
        real_floating(f"{name}[{i}]", param)
        trainable(f"{name}[{i}]", param)
    return params


def fast_linreg(
    net, loss, params, features: torch.Tensor, labels: torch.Tensor, formula: tuple
) -> None:
    """Require what ``train(..., fast=True)``'s written-out gradient assumes: ``(net, loss)``
    is ``formula``, i.e. ``(linreg, squared_loss)``, ``params=[w, b]`` with ``w: (d, 1)``
    or ``(d,)``, ``b: (1,)`` or ``()``, one label per example, and one dtype for ``features``,
    ``w`` and ``b`` (the labels are taken in that dtype, as the chapter's loop promotes them)."""
    if (net, loss) != formula:
        got = (
            f"net={getattr(net, '__name__', type(net).__name__)}",
            f"loss={getattr(loss, '__name__', type(loss).__name__)}",
        )
        raise ValueError(
            _text(
                f"fast=True computes the gradient of squared_loss(linreg(X, w, b), y) by its "
                f"formula, so it needs net=linreg and loss=squared_loss, got {got[0]} and "
                f"{got[1]}; use fast=False (the default) for any other model or loss",
                f"fast=True 按公式计算 squared_loss(linreg(X, w, b), y) 的梯度，所以需要 "
                f"net=linreg 和 loss=squared_loss，实际得到 {got[0]} 和 {got[1]}；"
                f"其他模型或损失函数请用 fast=False（默认值）",
            )
        )
    if len(params) != 2:
        raise ValueError(
            _text(
                f"fast=True needs params=[w, b], got {len(params)} tensors",
                f"fast=True 需要 params=[w, b]，实际得到 {len(params)} 个张量",
            )
        )
    w, b = params
    linreg_params(w, b, features, "features")
    one_per_example("labels", labels, len(features))
    dtypes = {features.dtype, w.dtype, b.dtype}
    if len(dtypes) > 1:
        raise TypeError(
            _text(
                f"fast=True needs one dtype for features, w and b, got features "
                f"{features.dtype}, w {w.dtype}, b {b.dtype}; convert them with .float() (or "
                f"use fast=False)",
                f"fast=True 要求 features、w 和 b 的 dtype 相同，实际得到 features "
                f"{features.dtype}，w {w.dtype}，b {b.dtype}；请用 .float() 转换它们"
                f"（或使用 fast=False）",
            )
        )


# --- the books' epoch helpers and plots ------------------------------------------------


def batches(name: str, value: object) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Yield the ``(X, y)`` pairs of tensors that the iterable ``value`` holds; refuse a
    batch that is not such a pair, and a ``value`` that yields none at all."""
    if isinstance(value, (str, bytes, torch.Tensor)) or not isinstance(value, Iterable):
        raise TypeError(
            _text(
                f"{name} must yield mini-batches (X, y), such as load_array((features, "
                f"labels), batch_size) does, got {type(value).__name__}",
                f"{name} 必须逐个给出小批量 (X, y)，就像 load_array((features, labels), "
                f"batch_size) 那样，实际得到 {type(value).__name__}",
            )
        )
    count = 0
    for i, batch in enumerate(value):
        if (
            isinstance(batch, torch.Tensor)
            or not isinstance(batch, Sequence)
            or len(batch) != 2
            or not all(isinstance(t, torch.Tensor) for t in batch)
        ):
            raise TypeError(
                _text(
                    f"{name} must yield pairs of tensors (X, y), but batch {i} is "
                    f"{type(batch).__name__}"
                    f"{f' of {len(batch)} items' if isinstance(batch, Sequence) else ''}",
                    f"{name} 给出的必须是张量对 (X, y)，但第 {i} 个小批量是 "
                    f"{type(batch).__name__}"
                    f"{f'（含 {len(batch)} 项）' if isinstance(batch, Sequence) else ''}",
                )
            )
        count += 1
        yield batch[0], batch[1]
    if count == 0:
        raise ValueError(
            _text(
                f"{name} yielded no batches: there is nothing to average over",
                f"{name} 没有给出任何小批量：没有可以求平均的数据",
            )
        )


def updater(name: str, value: object) -> torch.optim.Optimizer | None:
    """A torch optimizer (returned), or a function ``updater(batch_size)`` (None returned)."""
    if isinstance(value, torch.optim.Optimizer):
        return value
    if not callable(value):
        raise TypeError(
            _text(
                f"{name} must be a torch optimizer such as torch.optim.SGD(net.parameters(), "
                f"lr=0.1), or a function updater(batch_size) such as lambda batch_size: "
                f"sgd([w, b], lr, batch_size), got {type(value).__name__}",
                f"{name} 必须是 torch 优化器（例如 torch.optim.SGD(net.parameters(), lr=0.1)），"
                f"或函数 updater(batch_size)（例如 lambda batch_size: sgd([w, b], lr, "
                f"batch_size)），实际得到 {type(value).__name__}",
            )
        )
    return None


def loss_values(value: object, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Require ``loss(y_hat, y)`` to be a tensor of one value per prediction or per label
    (or one value in all): more means ``y`` and ``y_hat`` broadcast against each other."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(
            _text(
                f"loss(y_hat, y) must return a tensor, got {type(value).__name__}",
                f"loss(y_hat, y) 必须返回张量，实际得到 {type(value).__name__}",
            )
        )
    if value.numel() not in (1, y_hat.numel(), y.numel()):
        shapes = f"y_hat {tuple(y_hat.shape)}, y {tuple(y.shape)}"
        raise ValueError(
            _text(
                f"loss(y_hat, y) returned {value.numel()} values (shape {tuple(value.shape)}) "
                f"for {len(y)} examples ({shapes}): y and y_hat broadcast against each "
                f"other; give y the shape of y_hat, e.g. y.reshape(y_hat.shape)",
                f"loss(y_hat, y) 对 {len(y)} 个样本（{shapes}）返回了 {value.numel()} 个值"
                f"（形状 {tuple(value.shape)}）：y 和 y_hat 互相广播了；请让 y 与 y_hat "
                f"形状相同，例如 y.reshape(y_hat.shape)",
            )
        )
    return value


def log_values(name: str, values: Sequence[float]) -> None:
    """Require values a log axis can show: finite and positive (matplotlib would silently
    leave the others out of the plot)."""
    for i, v in enumerate(values):
        if not (math.isfinite(v) and v > 0):
            raise ValueError(
                _text(
                    f"{name}[{i}] is {v!r}, which a log axis cannot show; every value must "
                    f"be finite and > 0 (a loss of NaN or inf means the training diverged)",
                    f"{name}[{i}] 是 {v!r}，对数坐标轴无法显示它；每个值都必须是大于 0 的有限数"
                    f"（损失为 NaN 或 inf 说明训练发散了）",
                )
            )
