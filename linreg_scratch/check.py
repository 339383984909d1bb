"""Check a learner's own ``data_iter``, ``linreg``, ``squared_loss``, ``sgd``, ``synthetic_data``.

``from linreg_scratch import check``, then ``check.sgd(my_sgd)``. Each check runs the
function on cases of its own (odd sizes, short batches, several passes, float64, labels
``(n,)`` and ``(n, 1)``) under a fixed seed, with the caller's random state restored
afterwards, and compares with the chapter's behaviour. It never raises because of the
learner's code: an exception, an endless generator or a wrong return type is reported.
The result is truthy only when every case passed; ``.problems`` lists what went wrong,
and it shows itself (terminal or Jupyter) as a short verdict that names the likely mistake.

Example:

>>> import torch
>>> from linreg_scratch import check
>>> def my_linreg(X, w, b):
...     return X @ w  # forgot the bias
>>> result = check.linreg(my_linreg)
>>> bool(result), "bias" in result.problems[0]
(False, True)
"""

from __future__ import annotations

import contextlib
import html
import itertools
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import NoReturn

import torch

from . import _checks
from .lang import get_language, language, text

__all__ = ["Result", "data_iter", "linreg", "sgd", "squared_loss", "synthetic_data"]

SEED = 20240601


# --- the result ------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One failing case: the input, what was expected, what came back, the likely mistake."""

    mistake: str
    case: str
    expected: str
    got: str
    hint: str

    def sentence(self) -> str:
        return text(
            f"{self.mistake}: for {self.case}, expected {self.expected}, got {self.got}. "
            f"{self.hint}",
            f"{self.mistake}：输入 {self.case}，应为 {self.expected}，得到 {self.got}。{self.hint}",
        )


class Result:
    """What a check found: truthy when every case passed, ``.problems`` otherwise."""

    def __init__(self, name: str, checked: list[str], found: list[Problem]):
        self.name = name
        self.checked = checked
        self.found = found
        self.problems = [p.sentence() for p in found]
        self.language = get_language()  # shown in the language it was checked in

    def __bool__(self) -> bool:
        return not self.found

    def _lines(self) -> list[str]:
        with language(self.language):
            return self._lines_now()

    def _lines_now(self) -> list[str]:
        if not self.found:
            return [f"✓ {self.name}: " + text("passed: ", "通过：") + "; ".join(self.checked)]
        first = self.found[0]
        lines = [
            f"✗ {self.name}: {first.mistake}",
            text("  input:    ", "  输入：") + first.case,
            text("  expected: ", "  应为：") + first.expected,
            text("  got:      ", "  得到：") + first.got,
            text("  hint:     ", "  提示：") + first.hint,
        ]
        if len(self.found) > 1:
            more = len(self.found) - 1
            lines.append(
                text(
                    f"  ({more} more problem(s) in .problems)",
                    f"  （还有 {more} 个问题，见 .problems）",
                )
            )
        return lines

    def __str__(self) -> str:
        return "\n".join(self._lines())

    __repr__ = __str__

    def _repr_html_(self) -> str:
        with language(self.language):
            return self._html_now()

    def _html_now(self) -> str:
        if not self.found:
            head, *_ = self._lines()
            return f'<div style="color:#1a7f37"><b>{html.escape(head)}</b></div>'
        first = self.found[0]
        rows = [
            (text("input", "输入"), first.case),
            (text("expected", "应为"), first.expected),
            (text("got", "得到"), first.got),
            (text("hint", "提示"), first.hint),
        ]
        body = "".join(
            f'<tr><th style="text-align:left;padding-right:1em">{html.escape(k)}</th>'
            f'<td style="text-align:left"><code>{html.escape(v)}</code></td></tr>'
            for k, v in rows
        )
        more = ""
        if len(self.found) > 1:
            n = len(self.found) - 1
            more = html.escape(
                text(f"{n} more problem(s) in .problems", f"还有 {n} 个问题，见 .problems")
            )
            more = f"<div>{more}</div>"
        title = html.escape(f"✗ {self.name}: {first.mistake}")
        return f'<div><b style="color:#cf222e">{title}</b><table>{body}</table>{more}</div>'


class _CaseError(Exception):
    """Raised inside a case to stop it with a problem."""

    def __init__(self, problem: Problem):
        super().__init__(problem.mistake)
        self.problem = problem


def _fail(mistake: str, case: str, expected: str, got: str, hint: str) -> NoReturn:
    raise _CaseError(Problem(mistake, case, expected, got, hint))


def _run(name: str, fn: object, checked: list[str], cases: Sequence[Callable[[], None]]) -> Result:
    """Run every case under a fixed seed; collect the distinct problems."""
    _checks.function("fn", fn)
    found: list[Problem] = []
    for case in cases:
        with _fixed_seed():
            try:
                case()
            except _CaseError as err:
                problem = err.problem
            except Exception as err:  # a return value odd enough to trip the checker itself
                problem = Problem(
                    text("could not check the result", "无法检查返回值"),
                    name,
                    text("tensors as the chapter returns them", "与本章相同的张量"),
                    f"{type(err).__name__}: {err}",
                    text(
                        "Compare what your function returns with the chapter's.",
                        "把函数的返回值与本章的实现对照一下。",
                    ),
                )
            else:
                continue
        if all(p.mistake != problem.mistake for p in found):
            found.append(problem)
    return Result(name, checked, found)


@contextlib.contextmanager
def _fixed_seed() -> Iterator[None]:
    """Seed torch, ``random`` and numpy; give the caller's random states back afterwards."""
    import numpy as np

    py_state, np_state = random.getstate(), np.random.get_state()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(SEED)
        random.seed(SEED)
        np.random.seed(SEED % 2**32)
        try:
            yield
        finally:
            random.setstate(py_state)
            np.random.set_state(np_state)


def _call(fn: Callable, case: str, *args):
    """Call the learner's function; an exception becomes a problem naming it."""
    try:
        return fn(*args)
    except Exception as err:
        _raised(err, case)


def _raised(err: Exception, case: str) -> None:
    message = f"{type(err).__name__}: {err}".strip()
    first_line = message.splitlines()[0][:200]
    mistake, hint = _explain_error(message)
    _fail(mistake, case, text("no error", "不报错"), first_line, hint)


def _explain_error(message: str) -> tuple[str, str]:
    """Name the mistake behind an error the chapter's functions often raise."""
    if "leaf Variable that requires grad" in message:
        return text(
            "update recorded by autograd (no torch.no_grad())",
            "参数更新被 autograd 记录了（没有 torch.no_grad()）",
        ), text(
            "The update is recorded by autograd: write it inside `with torch.no_grad():` "
            "(or change `param.data`).",
            "参数更新被 autograd 记录了：把更新写在 `with torch.no_grad():` 里（或改 `param.data`）。",
        )
    if "cannot be multiplied" in message or "size mismatch" in message:
        return text(
            "transposed weights (or the factors swapped)", "权重被转置了（或乘法顺序颠倒）"
        ), text(
            "The matrix product has its factors the wrong way round: X (n, d) @ w (d, 1), "
            "not w @ X or X @ w.T (transposed weights).",
            "矩阵乘法的顺序或形状不对：应为 X (n, d) @ w (d, 1)，而不是 w @ X 或 X @ w.T（权重被转置）。",
        )
    return text("your function raised an error", "你的函数抛出了错误"), text(
        "Read the error message: it names the line and the operation that failed.",
        "读一读错误信息：它指出了出错的那一行和操作。",
    )


def _shape(t: object) -> str:
    if isinstance(t, torch.Tensor):
        dtype = str(t.dtype).replace("torch.", "")
        return text(
            f"tensor of shape {tuple(t.shape)} ({dtype})",
            f"形状为 {tuple(t.shape)} 的张量（{dtype}）",
        )
    return f"{type(t).__name__} {t!r}"[:120]


def _tensor(value: object, case: str, what: str) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        _fail(
            text("wrong return type", "返回类型不对"),
            case,
            what,
            _shape(value),
            text(
                "Return a torch tensor, not a list, a number or None.",
                "返回一个 torch 张量，而不是列表、数字或 None。",
            ),
        )
    return value


def _close(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.shape == b.shape and bool(torch.allclose(a.double(), b.double(), rtol=1e-4, atol=1e-5))


def _unchanged(case: str, **inputs: tuple[torch.Tensor, torch.Tensor]) -> None:
    for name, (before, after) in inputs.items():
        if not torch.equal(before, after.detach()):
            _fail(
                text(f"changes its input {name} in place", f"原地修改了输入 {name}"),
                case,
                text(f"{name} left as it was", f"{name} 保持不变"),
                text(f"{name} changed", f"{name} 被改变了"),
                text(
                    "Work on new tensors (x = x - ..., or .clone()) instead of in-place operations.",
                    "用新张量计算（x = x - ... 或 .clone()），不要原地修改输入。",
                ),
            )


# --- data_iter ------------------------------------------------------------------------------


def _numbered(n: int, d: int, label_shape: str, dtype=torch.float32):
    """Features whose row i is (i, i + 0.25, ...) and labels -(i + 1): every value names its row."""
    rows = torch.arange(n, dtype=dtype).reshape(-1, 1)
    features = rows + 0.25 * torch.arange(d, dtype=dtype)
    labels = -(rows + 1) if label_shape == "(n, 1)" else -(rows.reshape(-1) + 1)
    return features, labels


def _read_pass(fn, batch_size, features, labels, case) -> list[tuple[torch.Tensor, torch.Tensor]]:
    n = len(features)
    out = _call(fn, case, batch_size, features, labels)
    try:
        iterator = iter(out)
    except TypeError:
        _fail(
            text("does not return batches", "没有返回小批量"),
            case,
            text("a generator of (X, y) pairs (use yield)", "一个产生 (X, y) 的生成器（用 yield）"),
            _shape(out),
            text(
                "Yield each mini-batch with `yield X, y` inside the loop.",
                "在循环里用 `yield X, y` 逐个产生小批量。",
            ),
        )
    batches = []
    limit = n + 1  # every batch holds at least one example: a correct iterator stops by then
    try:
        for item in itertools.islice(iterator, limit + 1):
            batches.append(item)
    except Exception as err:
        _raised(err, case)
    if len(batches) > limit:
        _fail(
            text(
                "never stops (or yields far too many batches)", "停不下来（或产生了过多的小批量）"
            ),
            case,
            text(f"at most {-(-n // batch_size)} batches", f"最多 {-(-n // batch_size)} 个小批量"),
            text(f"more than {limit} batches", f"超过 {limit} 个小批量"),
            text(
                "Loop over range(0, num_examples, batch_size) once; do not loop forever.",
                "用 range(0, num_examples, batch_size) 遍历一次，不要无限循环。",
            ),
        )
    return batches


def _batch_ids(batches, features, labels, batch_size, case) -> list[list[int]]:
    """Check every batch's shape and pairing; return each batch's example ids."""
    n, d = features.shape
    ids = []
    for k, item in enumerate(batches):
        if not (isinstance(item, tuple | list) and len(item) == 2):
            _fail(
                text("each batch should be a pair (X, y)", "每个小批量应是一对 (X, y)"),
                case,
                "(X, y)",
                text(f"batch {k}: ", f"第 {k} 批：") + _shape(item),
                text(
                    "Yield the features and the labels together: `yield X, y`.",
                    "同时产生特征和标签：`yield X, y`。",
                ),
            )
        X, y = item
        m = len(X) if isinstance(X, torch.Tensor) and X.dim() == 2 else -1
        good_X = isinstance(X, torch.Tensor) and X.dim() == 2 and X.shape[1] == d
        good_y = isinstance(y, torch.Tensor) and y.dim() >= 1 and len(y) == m and y.numel() == m
        if not (good_X and good_y):
            _fail(
                text("batches have the wrong shapes", "小批量的形状不对"),
                case,
                text(
                    f"X of shape (m, {d}) and y of m labels", f"形状为 (m, {d}) 的 X 和 m 个标签 y"
                ),
                text(f"batch {k}: X ", f"第 {k} 批：X ") + _shape(X) + ", y " + _shape(y),
                text(
                    "Select whole rows: features[j] and labels[j] with the same index tensor j.",
                    "按行选取：用同一个索引张量 j 取 features[j] 和 labels[j]。",
                ),
            )
        if X.dtype != features.dtype:
            _fail(
                text("changes the dtype of the data", "改变了数据的 dtype"),
                case,
                str(features.dtype),
                str(X.dtype),
                text("Index the tensors; do not convert them.", "直接索引张量，不要转换类型。"),
            )
        x_ids = X[:, 0].detach().round().long()
        if m and (
            x_ids.min() < 0
            or x_ids.max() >= n
            or not torch.equal(X.detach(), features[x_ids.clamp(0, n - 1)])
        ):
            _fail(
                text("batches are not rows of features", "小批量不是 features 的行"),
                case,
                text("rows of features", "features 的若干行"),
                text(f"batch {k}: X = {X[:3].tolist()}...", f"第 {k} 批：X = {X[:3].tolist()}..."),
                text(
                    "Select rows with features[j] (j: a tensor of row indices).",
                    "用 features[j] 选行（j 是行索引张量）。",
                ),
            )
        y_ids = (-y.detach().reshape(-1) - 1).round().long()
        if not torch.equal(x_ids, y_ids):
            _fail(
                text("features and labels shuffled apart", "特征和标签被分开打乱了"),
                case,
                text("y[i] to be the label of X[i]", "y[i] 是 X[i] 的标签"),
                text(
                    f"batch {k}: rows {x_ids.tolist()[:5]} with the labels of rows {y_ids.tolist()[:5]}",
                    f"第 {k} 批：第 {x_ids.tolist()[:5]} 行配上了第 {y_ids.tolist()[:5]} 行的标签",
                ),
                text(
                    "Use ONE index tensor j for both: features[j], labels[j].",
                    "特征和标签要用同一个索引 j：features[j]、labels[j]。",
                ),
            )
        ids.append(x_ids.tolist())
    return ids


def _check_sizes_and_cover(ids: list[list[int]], n: int, batch_size: int, case: str) -> None:
    sizes = [len(b) for b in ids]
    full, rest = divmod(n, batch_size)
    expected_sizes = [batch_size] * full + ([rest] if rest else [])
    flat = [i for b in ids for i in b]
    want = text(
        f"{len(expected_sizes)} batches of sizes {_sizes(expected_sizes)}, every example once",
        f"{len(expected_sizes)} 个小批量，大小为 {_sizes(expected_sizes)}，每个样本恰好一次",
    )
    got = text(
        f"{len(sizes)} batches of sizes {_sizes(sizes)}",
        f"{len(sizes)} 个小批量，大小为 {_sizes(sizes)}",
    )
    if 0 in sizes:
        _fail(
            text("yields an empty batch", "产生了空的小批量"),
            case,
            want,
            got,
            text(
                "Stop the loop at num_examples: range(0, num_examples, batch_size).",
                "循环到 num_examples 为止：range(0, num_examples, batch_size)。",
            ),
        )
    body = sizes[:-1] if len(sizes) > 1 else sizes
    if sorted(sizes) == sorted(expected_sizes) and sorted(flat) == list(range(n)):
        return
    if body and (all(s == batch_size - 1 for s in body) or all(s == batch_size + 1 for s in body)):
        _fail(
            text("off-by-one slice", "切片差一（off-by-one）"),
            case,
            want,
            got,
            text(
                "Slice indices[i: i + batch_size] (the end is excluded), not batch_size ± 1.",
                "切片应为 indices[i: i + batch_size]（不含终点），不要 ±1。",
            ),
        )
    if rest and sizes == [batch_size] * full and len(set(flat)) == len(flat):
        _fail(
            text("drops the last short batch", "丢掉了最后一个不足的小批量"),
            case,
            want,
            got
            + text(
                f", {n - len(flat)} examples never read", f"，有 {n - len(flat)} 个样本从未读到"
            ),
            text(
                "Loop over range(0, num_examples, batch_size) and cut the last slice at "
                "min(i + batch_size, num_examples): keep the short batch.",
                "用 range(0, num_examples, batch_size) 遍历，最后一片截到 min(i + batch_size, num_examples)：保留不足的那一批。",
            ),
        )
    if len(set(flat)) < len(flat):
        repeated = len(flat) - len(set(flat))
        _fail(
            text("repeated examples", "样本被重复读取"),
            case,
            want,
            got + text(f", {repeated} examples read twice", f"，有 {repeated} 个样本被读了两次"),
            text(
                "Shuffle a permutation (torch.randperm / random.shuffle) instead of drawing with "
                "replacement, and let the slices not overlap.",
                "打乱一个排列（torch.randperm / random.shuffle），不要有放回地抽样，切片也不要重叠。",
            ),
        )
    if len(flat) < n:
        _fail(
            text("drops examples", "漏掉了样本"),
            case,
            want,
            got
            + text(
                f", {n - len(flat)} examples never read", f"，有 {n - len(flat)} 个样本从未读到"
            ),
            text(
                "Start at 0 and step through every index: range(0, num_examples, batch_size).",
                "从 0 开始遍历每个索引：range(0, num_examples, batch_size)。",
            ),
        )
    _fail(
        text("wrong batch sizes", "小批量大小不对"),
        case,
        want,
        got,
        text(
            "Every batch holds batch_size examples, except a shorter last one.",
            "除了最后可能不足的一批，每批都有 batch_size 个样本。",
        ),
    )


def _sizes(sizes: list[int]) -> str:
    if len(sizes) <= 6:
        return str(sizes)
    return "[" + ", ".join(map(str, sizes[:3])) + ", ..., " + ", ".join(map(str, sizes[-2:])) + "]"


def _describe_iter(batch_size, features, labels) -> str:
    return f"data_iter({batch_size}, features {_shape(features)}, labels {_shape(labels)})"


def data_iter(fn: Callable) -> Result:
    """Check ``fn(batch_size, features, labels)``: shuffled ``(X, y)`` mini-batches.

    Every example exactly once per pass, batches of ``batch_size`` with a shorter last one,
    ``y[i]`` the label of ``X[i]``, a new order on every pass, inputs left unchanged.
    """
    cases: list[Callable[..., None]] = []
    sizes = [(100, 2, 10), (103, 3, 10), (7, 2, 3), (5, 1, 5), (4, 2, 10), (30, 2, 1)]
    for (n, d, bs), label_shape in itertools.product(sizes, ["(n,)", "(n, 1)"]):
        cases.append(
            lambda n=n, d=d, bs=bs, ls=label_shape: _iter_case(fn, n, d, bs, ls, torch.float32)
        )
    cases.append(lambda: _iter_case(fn, 23, 2, 5, "(n,)", torch.float64))
    cases.append(lambda: _iter_shuffles(fn))
    checked = [
        text("every example once per pass", "每轮每个样本恰好一次"),
        text("short last batch kept", "保留最后不足的小批量"),
        text("X and y stay paired", "X 与 y 一一对应"),
        text("a new random order every pass", "每轮顺序随机且不同"),
        text("labels (n,) and (n, 1), float64", "标签 (n,) 与 (n, 1)、float64"),
    ]
    return _run("data_iter", fn, checked, cases)


def _iter_case(fn, n, d, bs, label_shape, dtype) -> None:
    features, labels = _numbered(n, d, label_shape, dtype)
    before = features.clone(), labels.clone()
    case = _describe_iter(bs, features, labels)
    batches = _read_pass(fn, bs, features, labels, case)
    _unchanged(case, features=(before[0], features), labels=(before[1], labels))
    ids = _batch_ids(batches, features, labels, bs, case)
    _check_sizes_and_cover(ids, n, bs, case)


def _iter_shuffles(fn) -> None:
    n, bs = 100, 10
    features, labels = _numbered(n, 2, "(n,)")
    case = _describe_iter(bs, features, labels) + text(", three passes", "，读三轮")
    orders = []
    for _ in range(3):
        batches = _read_pass(fn, bs, features, labels, case)
        ids = _batch_ids(batches, features, labels, bs, case)
        _check_sizes_and_cover(ids, n, bs, case)
        orders.append(ids)
    first = [i for b in orders[0] for i in b]
    if first == list(range(n)):
        _fail(
            text("no shuffling", "没有打乱"),
            case,
            text("examples in a random order", "随机顺序的样本"),
            text(f"examples in order {first[:8]}...", f"按原顺序读取 {first[:8]}..."),
            text(
                "Shuffle the indices first: torch.randperm(num_examples).",
                "先打乱索引：torch.randperm(num_examples)。",
            ),
        )
    if all(b == list(range(b[0], b[0] + len(b))) for b in orders[0]):
        _fail(
            text("shuffles the batches but not the examples", "只打乱了批的顺序，没有打乱样本"),
            case,
            text("each batch a random set of examples", "每批是随机的一组样本"),
            text(f"consecutive rows, e.g. {orders[0][0]}", f"连续的行，例如 {orders[0][0]}"),
            text("Shuffle the example indices, then slice them.", "先打乱样本索引，再切片。"),
        )
    if orders[0] == orders[1] == orders[2]:
        _fail(
            text("same order every pass", "每轮顺序都一样"),
            case,
            text("a new order on each call", "每次调用都是新的顺序"),
            text(
                f"the same order three times, starting {first[:8]}...",
                f"三轮顺序相同，开头为 {first[:8]}...",
            ),
            text(
                "Draw the permutation inside data_iter on every call, and do not reseed there.",
                "在 data_iter 内部每次调用时重新生成排列，也不要在里面重设随机种子。",
            ),
        )


# --- linreg -------------------------------------------------------------------------------


def linreg(fn: Callable) -> Result:
    """Check ``fn(X, w, b)`` against ``X @ w + b`` of shape ``(n, 1)``, with gradients."""
    cases = [
        lambda n=n, d=d, dt=dt: _linreg_case(fn, n, d, dt)
        for n, d, dt in [
            (10, 2, torch.float32),
            (7, 3, torch.float32),
            (1, 4, torch.float32),
            (5, 1, torch.float32),
            (3, 3, torch.float32),  # square X: catches X.T @ w
            (6, 2, torch.float64),
        ]
    ]
    checked = [
        text("X @ w + b for several (n, d)", "多种 (n, d) 下的 X @ w + b"),
        text("shape (n, 1)", "形状 (n, 1)"),
        text("gradients reach w and b", "梯度能传到 w 和 b"),
        "float64",
    ]
    return _run("linreg", fn, checked, cases)


def _linreg_case(fn, n, d, dtype) -> None:
    gen = torch.Generator().manual_seed(n * 31 + d)
    X = torch.randn(n, d, generator=gen, dtype=dtype)
    w = torch.randn(d, 1, generator=gen, dtype=dtype).requires_grad_()
    b = (torch.randn(1, generator=gen, dtype=dtype) + 2).requires_grad_()
    before = X.clone(), w.detach().clone(), b.detach().clone()
    case = f"linreg(X {_shape(X)}, w {_shape(w)}, b {_shape(b)})"
    out = _tensor(
        _call(fn, case, X, w, b), case, text("a tensor of shape", "形状为") + f" ({n}, 1)"
    )
    _unchanged(case, X=(before[0], X), w=(before[1], w), b=(before[2], b))
    with torch.no_grad():
        want = X @ w + b
        flat = out.detach().reshape(-1) if out.numel() == n else None
        if flat is not None and _close(flat, (X @ w - b).reshape(-1)):
            mistake = text("subtracted bias", "减去了偏差")
            hint = text("The model adds the bias: X @ w + b.", "模型是加上偏差：X @ w + b。")
        elif flat is not None and _close(flat, (X @ w).reshape(-1)):
            mistake = text("missing bias", "缺少偏差")
            hint = text("Add the bias: X @ w + b.", "加上偏差：X @ w + b。")
        elif flat is not None and n == d and _close(flat, (X.T @ w + b).reshape(-1)):
            mistake = text("transposed X", "X 被转置了")
            hint = text(
                "Multiply X (n, d) by w (d, 1): X @ w, not X.T @ w.",
                "用 X (n, d) 乘 w (d, 1)：X @ w，而不是 X.T @ w。",
            )
        elif flat is not None and _close(flat, want.reshape(-1)):
            if out.shape == want.shape:
                mistake = ""
            else:
                mistake = text("wrong output shape", "输出形状不对")
                hint = text(
                    "Keep the matrix product's shape (n, 1): torch.mm(X, w) + b, without "
                    "reshape/squeeze/sum.",
                    "保持矩阵乘积的形状 (n, 1)：torch.mm(X, w) + b，不要 reshape/squeeze/sum。",
                )
        else:
            mistake = text("wrong values", "数值不对")
            hint = text(
                "Compute X @ w + b: X (n, d) times w (d, 1), plus b; weights not transposed.",
                "计算 X @ w + b：X (n, d) 乘 w (d, 1)，再加 b；不要转置权重。",
            )
            if out.numel() != n:
                mistake = text("wrong output shape", "输出形状不对")
    if mistake:
        _fail(
            mistake,
            case,
            f"{tuple(want.shape)} " + _values(want),
            _shape(out) + " " + _values(out),
            hint,
        )
    if out.dtype != dtype:
        _fail(
            text("changes the dtype", "改变了 dtype"),
            case,
            str(dtype),
            str(out.dtype),
            text(
                "Do not convert: compute with the tensors as given.",
                "不要转换类型，直接用给定的张量计算。",
            ),
        )
    _gradients_flow(
        out,
        [
            ("w", w, X.T @ torch.ones(n, 1, dtype=dtype)),
            ("b", b, torch.full((1,), float(n), dtype=dtype)),
        ],
        case,
    )


def _gradients_flow(out, expected_grads, case) -> None:
    if not out.requires_grad:
        _fail(
            text("breaks autograd", "切断了 autograd"),
            case,
            text("an output that requires grad", "需要梯度（requires_grad）的输出"),
            text("requires_grad=False", "requires_grad=False"),
            text(
                "Compute with the tensors themselves, not .data, .detach(), .numpy() or torch.tensor(...).",
                "直接用张量计算，不要用 .data、.detach()、.numpy() 或 torch.tensor(...)。",
            ),
        )
    try:
        out.sum().backward()
    except Exception as err:
        _raised(err, case + " .sum().backward()")
    for name, param, want in expected_grads:
        if param.grad is None or not _close(param.grad, want):
            _fail(
                text(f"wrong gradient for {name}", f"{name} 的梯度不对"),
                case + " .sum().backward()",
                _values(want),
                "None" if param.grad is None else _values(param.grad),
                text(
                    "Compute the output from the inputs with torch operations only.",
                    "只用 torch 运算从输入算出输出。",
                ),
            )


def _values(t: torch.Tensor) -> str:
    flat = t.detach().reshape(-1)
    shown = ", ".join(f"{v:.4g}" for v in flat[:4].tolist())
    return f"[{shown}{', ...' if len(flat) > 4 else ''}]"


# --- squared_loss ---------------------------------------------------------------------


def squared_loss(fn: Callable) -> Result:
    """Check ``fn(y_hat, y)`` against ``(y_hat - y.reshape(y_hat.shape)) ** 2 / 2``, one per example."""
    cases = [
        lambda n=n, ys=ys, dt=dt: _loss_case(fn, n, ys, dt)
        for n, ys, dt in [
            (10, "(n,)", torch.float32),
            (10, "(n, 1)", torch.float32),
            (7, "(n,)", torch.float32),
            (1, "(n,)", torch.float32),
            (5, "(n,)", torch.float64),
        ]
    ]
    checked = [
        text("(y_hat - y)² / 2 for each example", "每个样本的 (y_hat - y)² / 2"),
        text("y of shape (n,) and (n, 1)", "y 的形状为 (n,) 与 (n, 1)"),
        text("gradients reach y_hat", "梯度能传到 y_hat"),
        "float64",
    ]
    return _run("squared_loss", fn, checked, cases)


def _loss_case(fn, n, y_shape, dtype) -> None:
    gen = torch.Generator().manual_seed(n * 7 + len(y_shape))
    y_hat = torch.randn(n, 1, generator=gen, dtype=dtype).requires_grad_()
    y = torch.randn(n, generator=gen, dtype=dtype) * 2
    if y_shape == "(n, 1)":
        y = y.reshape(n, 1)
    before = y_hat.detach().clone(), y.clone()
    case = f"squared_loss(y_hat {_shape(y_hat)}, y {_shape(y)})"
    out = _tensor(
        _call(fn, case, y_hat, y),
        case,
        text(f"{n} values, shape ({n}, 1)", f"{n} 个值，形状 ({n}, 1)"),
    )
    _unchanged(case, y_hat=(before[0], y_hat), y=(before[1], y))
    with torch.no_grad():
        diff = y_hat - y.reshape(y_hat.shape)
        want = diff**2 / 2
        got = out.detach()
        expected = text(f"shape ({n}, 1) ", f"形状 ({n}, 1) ") + _values(want)
        came = _shape(out) + " " + _values(out)
        if n > 1 and got.shape in {(n, n), (n, n, 1)}:
            mistake = text(
                "broadcasting: y_hat (n, 1) - y (n,) gives an (n, n) loss",
                "广播：y_hat (n, 1) - y (n,) 得到 (n, n) 的损失",
            )
            hint = text(
                f"y_hat is ({n}, 1) and y is {tuple(y.shape)}: y_hat - y broadcasts to ({n}, {n}). "
                "Reshape y first: y.reshape(y_hat.shape).",
                f"y_hat 是 ({n}, 1)，y 是 {tuple(y.shape)}：y_hat - y 会广播成 ({n}, {n})。先变形：y.reshape(y_hat.shape)。",
            )
        elif got.numel() == 1 and n > 1:
            if _close(got.reshape(()), want.sum()) or _close(got.reshape(()), (2 * want).sum()):
                mistake = text(
                    "sum instead of one value per example", "返回了总和，而不是每个样本一个值"
                )
            else:
                mistake = text(
                    "a mean (scalar) where one value per example is expected",
                    "返回了平均值（标量），而不是每个样本一个值",
                )
            hint = text(
                "Return the losses of all examples, shape (n, 1); the training loop calls .sum() "
                "itself. (d2l-en 1.x's loss returns the mean and its SGD does not divide by "
                "batch_size; this chapter sums the losses and divides in sgd.)",
                "返回每个样本的损失，形状 (n, 1)；训练循环自己会调用 .sum()。"
                "（d2l-en 1.x 的损失返回平均值，其 SGD 也不再除以 batch_size；本章是先求和，再在 sgd 里除。）",
            )
        elif got.numel() != n:
            mistake = text("wrong output shape", "输出形状不对")
            hint = text(
                "Return one loss per example, shaped like y_hat.",
                "每个样本返回一个损失，形状与 y_hat 相同。",
            )
        else:
            flat = got.reshape(-1)
            mistake, hint = "", ""
            if _close(flat, want.reshape(-1)):
                pass
            elif _close(flat, 2 * want.reshape(-1)):
                mistake = text("missing ½", "缺少 ½")
                hint = text(
                    "The chapter's squared loss is (y_hat - y) ** 2 / 2.",
                    "本章的平方损失是 (y_hat - y) ** 2 / 2。",
                )
            elif _close(flat, diff.abs().reshape(-1)) or _close(flat, diff.abs().reshape(-1) / 2):
                mistake = text(
                    "absolute error instead of squared error", "用了绝对误差而不是平方误差"
                )
                hint = text(
                    "Square the difference: (y_hat - y) ** 2 / 2.",
                    "把差平方：(y_hat - y) ** 2 / 2。",
                )
            else:
                mistake = text("wrong values", "数值不对")
                hint = text(
                    "Compute (y_hat - y.reshape(y_hat.shape)) ** 2 / 2.",
                    "计算 (y_hat - y.reshape(y_hat.shape)) ** 2 / 2。",
                )
    if mistake:
        _fail(mistake, case, expected, came, hint)
    if out.dtype != dtype:
        _fail(
            text("changes the dtype", "改变了 dtype"),
            case,
            str(dtype),
            str(out.dtype),
            text(
                "Do not convert: compute with the tensors as given.",
                "不要转换类型，直接用给定的张量计算。",
            ),
        )
    _gradients_flow(out, [("y_hat", y_hat, diff)], case)


# --- sgd ----------------------------------------------------------------------------------


def sgd(fn: Callable) -> Result:
    """Check ``fn(params, lr, batch_size)``: ``param -= lr * param.grad / batch_size`` in place.

    Both styles of the books pass: ``.grad`` left for the loop to zero (the seed) or
    zeroed by ``sgd`` itself (d2l 2.x), ``param.data`` or ``torch.no_grad()``.
    """
    cases: list[Callable[..., None]] = [
        lambda lr=lr, bs=bs, dt=dt: _sgd_case(fn, lr, bs, dt)
        for lr, bs, dt in [
            (0.1, 4, torch.float32),
            (0.03, 10, torch.float32),
            (0.5, 3, torch.float64),
        ]
    ]
    cases.append(lambda: _sgd_two_steps(fn))
    checked = [
        text(
            "param -= lr * grad / batch_size for w and b",
            "w 和 b 的 param -= lr * grad / batch_size",
        ),
        text("in place, not recorded by autograd", "原地更新，且不被 autograd 记录"),
        text("two steps in a row", "连续两步"),
        "float64",
    ]
    return _run("sgd", fn, checked, cases)


def _params_with_grads(dtype, seed: int, batch: int):
    """``w (3, 1)``, ``b (1,)`` with the gradient of a summed squared loss over ``batch`` examples."""
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(batch, 3, generator=gen, dtype=dtype)
    y = torch.randn(batch, 1, generator=gen, dtype=dtype) * 3
    w = torch.randn(3, 1, generator=gen, dtype=dtype).requires_grad_()
    b = torch.randn(1, generator=gen, dtype=dtype).requires_grad_()
    (((X @ w + b) - y) ** 2 / 2).sum().backward()
    return [w, b]


def _sgd_case(fn, lr, bs, dtype) -> None:
    params = _params_with_grads(dtype, int(lr * 1000) + bs, bs)
    _sgd_step(
        fn,
        params,
        lr,
        bs,
        f"sgd([w {_shape(params[0])}, b {_shape(params[1])}], lr={lr}, batch_size={bs})",
    )


def _sgd_two_steps(fn) -> None:
    lr, bs = 0.2, 5
    params = _params_with_grads(torch.float32, 1, bs)
    case = (
        text("the second of two steps, ", "连续两步中的第二步，")
        + f"sgd([w, b], lr={lr}, batch_size={bs})"
    )
    _sgd_step(fn, params, lr, bs, case)
    # what the seed's loop does between steps: zero the gradients if sgd did not, backward again
    gen = torch.Generator().manual_seed(2)
    X, y = torch.randn(bs, 3, generator=gen), torch.randn(bs, 1, generator=gen)
    for p in params:
        if p.grad is not None:
            p.grad.zero_()
    w, b = params
    (((X @ w + b) - y) ** 2 / 2).sum().backward()
    _sgd_step(fn, params, lr, bs, case)


def _sgd_step(fn, params, lr, bs, case) -> None:
    originals = list(params)
    grads = [p.grad.clone() for p in params]
    values = [p.detach().clone() for p in params]
    passed = list(params)
    _call(fn, case, passed, lr, bs)
    for i, (p, g, v) in enumerate(zip(originals, grads, values, strict=True)):
        name = "w" if i == 0 else "b"
        want = v - lr * g / bs
        if passed[i] is not p and getattr(passed[i], "grad_fn", None) is not None:
            _fail(
                text("update recorded by autograd", "参数更新被 autograd 记录了"),
                case,
                text(f"{name} changed in place, still a leaf", f"{name} 被原地更新，仍是叶子张量"),
                text(
                    f"params[{i}] replaced by a new, non-leaf tensor",
                    f"params[{i}] 被换成了一个新的非叶子张量",
                ),
                text(
                    "Update each tensor in place inside `with torch.no_grad():` (param -= ...), "
                    "or through param.data.",
                    "在 `with torch.no_grad():` 里原地更新每个张量（param -= ...），或通过 param.data 更新。",
                ),
            )
        step = (v - p.detach()).double()
        expected_step = (lr * g / bs).double()
        got = p.detach()
        if _close(got, want):
            if p.grad is not None and not (torch.equal(p.grad, g) or not p.grad.any()):
                _fail(
                    text("changes .grad to something other than zero", "把 .grad 改成了非零的值"),
                    case,
                    text(".grad left as it was, or zeroed", ".grad 保持不变或清零"),
                    _values(p.grad),
                    text(
                        "Leave .grad alone or zero it with param.grad.zero_().",
                        "不要动 .grad，或用 param.grad.zero_() 清零。",
                    ),
                )
            continue
        ratio = float((step * expected_step).sum() / (expected_step * expected_step).sum())
        mistake, hint = _name_step(ratio, lr, bs, p, g)
        _fail(mistake, case, f"{name} = " + _values(want), f"{name} = " + _values(got), hint)


def _name_step(
    ratio: float, lr: float, bs: int, p: torch.Tensor, g: torch.Tensor
) -> tuple[str, str]:
    def near(x: float) -> bool:
        return abs(ratio - x) <= 1e-3 * max(1.0, abs(x))

    if near(0.0):
        if p.grad is not None and not p.grad.any() and g.any():
            return (
                text("gradients zeroed before the step", "在更新之前就把梯度清零了"),
                text(
                    "Update first, then zero: param -= lr * param.grad / batch_size; param.grad.zero_().",
                    "先更新，再清零：param -= lr * param.grad / batch_size；param.grad.zero_()。",
                ),
            )
        return (
            text("the update never reaches the parameter", "更新没有作用到参数上"),
            text(
                "`param = param - ...` only rebinds a local name (or updates a copy). Change the "
                "tensor in place: `param -= ...` inside torch.no_grad(), or `param.data -= ...`.",
                "`param = param - ...` 只是让局部变量指向新张量（或更新了副本）。要原地修改："
                "在 torch.no_grad() 里 `param -= ...`，或 `param.data -= ...`。",
            ),
        )
    if near(-1.0):
        return (
            text("gradient ascent", "梯度上升"),
            text(
                "Step against the gradient: param -= lr * grad / batch_size.",
                "沿梯度的反方向走：param -= lr * grad / batch_size。",
            ),
        )
    if near(float(bs)):
        return (
            text("update not divided by the batch size", "更新没有除以批量大小"),
            text(
                "param.grad is the gradient of the summed loss: divide it by batch_size.",
                "param.grad 是损失之和的梯度：要除以 batch_size。",
            ),
        )
    if near(1.0 / bs):
        return (
            text("update divided by the batch size twice", "更新除了两次批量大小"),
            text("Divide by batch_size once.", "只除一次 batch_size。"),
        )
    if near(1.0 / lr) or near(bs / lr):
        return (
            text("missing lr", "缺少学习率 lr"),
            text(
                "Multiply the step by lr: param -= lr * grad / batch_size.",
                "步长要乘以 lr：param -= lr * grad / batch_size。",
            ),
        )
    if near(lr) or near(lr * lr):
        return (
            text("lr used twice", "学习率乘了两次"),
            text("Multiply by lr once.", "只乘一次 lr。"),
        )
    return (
        text(
            f"update divided by the wrong batch size (step {ratio:.3g}× the right one)",
            f"更新除以了错误的批量大小（步长是正确值的 {ratio:.3g} 倍）",
        ),
        text(
            "The step is lr * param.grad / batch_size, with the batch_size argument.",
            "步长是 lr * param.grad / batch_size，用参数 batch_size。",
        ),
    )


# --- synthetic_data ---------------------------------------------------------------------


def synthetic_data(fn: Callable) -> Result:
    """Check ``fn(w, b, num_examples)``: features ~ N(0, 1), labels ``X @ w + b`` + N(0, 0.01²) noise.

    Labels of shape ``(n,)`` (the seed) and ``(n, 1)`` (d2l) both pass. The weights and
    bias are recovered from the generated data by least squares.
    """
    shapes: list[str] = []
    cases = [
        lambda w=w, b=b, n=n: _synthetic_case(fn, w, b, n, shapes)
        for w, b, n in [
            ([2.0, -3.4], 4.2, 1000),
            ([1.5, 0.0, -2.0], -1.0, 2000),
            ([0.7], 3.0, 1500),
        ]
    ]
    result = _run("synthetic_data", fn, [], cases)
    result.checked = [
        text("features (n, d) ~ N(0, 1)", "特征 (n, d) ~ N(0, 1)"),
        text("weights and bias recovered by least squares", "最小二乘能还原权重和偏差"),
        text("noise of standard deviation 0.01", "噪声标准差为 0.01"),
        text("labels ", "标签形状 ")
        + (" / ".join(sorted(set(shapes))) or "?")
        + text(" (both (n,) and (n, 1) are accepted)", "（(n,) 与 (n, 1) 都可以）"),
    ]
    return result


def _synthetic_case(fn, w_list, b, n, shapes: list[str]) -> None:
    w = torch.tensor(w_list)
    d = len(w_list)
    case = f"synthetic_data(w=torch.tensor({w_list}), b={b}, num_examples={n})"
    out = _call(fn, case, w, b, n)
    if not (isinstance(out, tuple | list) and len(out) == 2):
        _fail(
            text("wrong return type", "返回类型不对"),
            case,
            "(features, labels)",
            _shape(out),
            text("Return the pair: return X, y.", "返回一对张量：return X, y。"),
        )
    X = _tensor(out[0], case, f"features ({n}, {d})")
    y = _tensor(out[1], case, f"labels ({n},) / ({n}, 1)")
    if X.shape != (n, d):
        _fail(
            text("features of the wrong shape", "特征形状不对"),
            case,
            f"({n}, {d})",
            _shape(X),
            text(
                "Draw torch.normal(0, 1, (num_examples, len(w))).",
                "用 torch.normal(0, 1, (num_examples, len(w))) 生成。",
            ),
        )
    if y.shape not in {(n,), (n, 1)}:
        _fail(
            text("labels of the wrong shape", "标签形状不对"),
            case,
            f"({n},) " + text("or", "或") + f" ({n}, 1)",
            _shape(y),
            text(
                "X @ w gives (n,) for a 1-D w; add noise of that same shape (or reshape to (-1, 1)), "
                "so nothing broadcasts to (n, n).",
                "一维 w 时 X @ w 的形状是 (n,)；噪声要同形（或 reshape((-1, 1))），以免广播成 (n, n)。",
            ),
        )
    shapes.append("(n,)" if y.dim() == 1 else "(n, 1)")
    X, y = X.detach().double(), y.detach().double().reshape(-1)
    mean, std = float(X.mean()), float(X.std())
    if abs(mean) > 0.1 or abs(std - 1) > 0.1:
        _fail(
            text("features not N(0, 1)", "特征不服从 N(0, 1)"),
            case,
            text("mean 0, standard deviation 1", "均值 0，标准差 1"),
            text(
                f"mean {mean:.3g}, standard deviation {std:.3g}",
                f"均值 {mean:.3g}，标准差 {std:.3g}",
            ),
            text(
                "Draw features with torch.normal(0, 1, ...) or torch.randn (not torch.rand).",
                "用 torch.normal(0, 1, ...) 或 torch.randn 生成特征（不是 torch.rand）。",
            ),
        )
    A = torch.cat([X, torch.ones(n, 1, dtype=X.dtype)], dim=1)
    coef = torch.linalg.lstsq(A, y.reshape(-1, 1)).solution.reshape(-1)
    w_fit, b_fit = coef[:d], float(coef[d])
    residual = float((y - A @ coef).std())
    if abs(b_fit - b) > 0.05:
        missing = abs(b_fit) < 0.05
        _fail(
            text("bias missing", "缺少偏差") if missing else text("wrong bias", "偏差不对"),
            case,
            f"b ≈ {b}",
            text(f"b ≈ {b_fit:.3g} (least-squares fit)", f"b ≈ {b_fit:.3g}（最小二乘拟合）"),
            text("Labels are X @ w + b plus noise.", "标签是 X @ w + b 再加噪声。"),
        )
    if (w_fit - w.double()).abs().max() > 0.05:
        _fail(
            text("wrong weights", "权重不对"),
            case,
            f"w ≈ {w_list}",
            text(
                f"w ≈ {[round(v, 3) for v in w_fit.tolist()]} (least-squares fit)",
                f"w ≈ {[round(v, 3) for v in w_fit.tolist()]}（最小二乘拟合）",
            ),
            text(
                "Labels are X @ w + b: every feature times its own weight.",
                "标签是 X @ w + b：每个特征乘以它自己的权重。",
            ),
        )
    if residual < 1e-3:
        _fail(
            text("no noise", "没有噪声"),
            case,
            text("noise of standard deviation 0.01", "标准差为 0.01 的噪声"),
            text(f"residual standard deviation {residual:.2g}", f"残差标准差 {residual:.2g}"),
            text(
                "Add torch.normal(0, 0.01, y.shape) to the labels.",
                "给标签加上 torch.normal(0, 0.01, y.shape)。",
            ),
        )
    if not 0.007 < residual < 0.013:
        _fail(
            text("wrong noise level", "噪声大小不对"),
            case,
            text("noise of standard deviation 0.01", "标准差为 0.01 的噪声"),
            text(f"residual standard deviation {residual:.3g}", f"残差标准差 {residual:.3g}"),
            text(
                "The noise is N(0, 0.01²): torch.normal(0, 0.01, y.shape) (0.01 is the standard deviation).",
                "噪声是 N(0, 0.01²)：torch.normal(0, 0.01, y.shape)（0.01 是标准差）。",
            ),
        )
