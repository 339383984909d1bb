"""Every word a check shows a learner, in English and Chinese side by side.

:data:`MESSAGES` names each mistake a check can find, keyed ``"<function>.<mistake>"``:
the mistake, what was expected, what came back and a hint. :data:`CHECKED` lists what a
passing check covered; :data:`LABELS` holds the verdict's layout and the pieces of inputs.
A template is :class:`Words` (English, Chinese) or a plain ``str`` that reads the same in
both; its ``{placeholders}`` are filled with keyword values by :func:`fill`.

>>> from linreg_scratch.lang import language
>>> with language("zh"):
...     fill(MESSAGES["sgd.not_divided"].mistake)
'更新没有除以批量大小'
>>> fill(LABELS["tensor"], shape=(3, 1), dtype="float32")
'tensor of shape (3, 1) (float32)'
"""

from __future__ import annotations

from dataclasses import dataclass

from ..lang import text


@dataclass(frozen=True)
class Words:
    """The same words in English and in Chinese, with the same ``{placeholders}``."""

    en: str
    zh: str

    def __add__(self, more: Words) -> Words:
        return Words(self.en + more.en, self.zh + more.zh)


Template = Words | str  # a plain str: values and code, the same in both languages


def fill(template: Template, **values: object) -> str:
    """``template`` in the current language, its placeholders filled with ``values``."""
    words = template if isinstance(template, str) else text(template.en, template.zh)
    return words.format(**values)


@dataclass(frozen=True)
class Message:
    """One mistake: its name, what was expected, what came back, how to fix it.

    ``expected`` and ``got`` show the values a case passes as ``want`` and ``came``
    unless the message words them itself.
    """

    mistake: Words
    hint: Words
    expected: Template = "{want}"
    got: Template = "{came}"


# --- words that several messages share ------------------------------------------------

WRONG_RETURN_TYPE = Words("wrong return type", "返回类型不对")
WRONG_OUTPUT_SHAPE = Words("wrong output shape", "输出形状不对")
WRONG_VALUES = Words("wrong values", "数值不对")
NO_ERROR = Words("no error", "不报错")
IN_BATCH = Words("batch {k}: ", "第 {k} 批：")
WANT_BATCHES = Words(
    "{count} batches of sizes {sizes}, every example once",
    "{count} 个小批量，大小为 {sizes}，每个样本恰好一次",
)
GOT_BATCHES = Words(
    "{got_count} batches of sizes {got_sizes}", "{got_count} 个小批量，大小为 {got_sizes}"
)
NEVER_READ = Words(", {missing} examples never read", "，有 {missing} 个样本从未读到")
LINREG_HINT = Words(
    "Compute X @ w + b: X (n, d) times w (d, 1), plus b; weights not transposed.",
    "计算 X @ w + b：X (n, d) 乘 w (d, 1)，再加 b；不要转置权重。",
)
LOSS_WANT = Words("shape ({n}, 1) {want}", "形状 ({n}, 1) {want}")
PER_EXAMPLE_HINT = Words(
    "Return the losses of all examples, shape (n, 1); the training loop calls .sum() "
    "itself. (d2l-en 1.x's loss returns the mean and its SGD does not divide by "
    "batch_size; this chapter sums the losses and divides in sgd.)",
    "返回每个样本的损失，形状 (n, 1)；训练循环自己会调用 .sum()。"
    "（d2l-en 1.x 的损失返回平均值，其 SGD 也不再除以 batch_size；本章是先求和，再在 sgd 里除。）",
)
STEP_WANT, STEP_GOT = "{name} = {want}", "{name} = {came}"
BIAS_FIT = Words("b ≈ {fit:.3g} (least-squares fit)", "b ≈ {fit:.3g}（最小二乘拟合）")
NOISE_WANT = Words("noise of standard deviation 0.01", "标准差为 0.01 的噪声")


MESSAGES: dict[str, Message] = {
    # --- any check: the result itself, errors the learner's function raised ---------------
    "result.unreadable": Message(
        Words("could not check the result", "无法检查返回值"),
        Words(
            "Compare what your function returns with the chapter's.",
            "把函数的返回值与本章的实现对照一下。",
        ),
        expected=Words("tensors as the chapter returns them", "与本章相同的张量"),
    ),
    "result.not_tensor": Message(
        WRONG_RETURN_TYPE,
        Words(
            "Return a torch tensor, not a list, a number or None.",
            "返回一个 torch 张量，而不是列表、数字或 None。",
        ),
    ),
    "error.no_grad": Message(
        Words(
            "update recorded by autograd (no torch.no_grad())",
            "参数更新被自动微分记录了（没有 torch.no_grad()）",
        ),
        Words(
            "The update is recorded by autograd: write it inside `with torch.no_grad():` (or change `param.data`).",
            "参数更新被自动微分记录了：把更新写在 `with torch.no_grad():` 里（或改 `param.data`）。",
        ),
        expected=NO_ERROR,
    ),
    "error.matmul": Message(
        Words("transposed weights (or the factors swapped)", "权重被转置了（或乘法顺序颠倒）"),
        Words(
            "The matrix product has its factors the wrong way round: X (n, d) @ w (d, 1), not w @ X or X @ w.T (transposed weights).",
            "矩阵乘法的顺序或形状不对：应为 X (n, d) @ w (d, 1)，而不是 w @ X 或 X @ w.T（权重被转置）。",
        ),
        expected=NO_ERROR,
    ),
    "error.not_written": Message(
        Words("not written yet", "还没有实现"),
        Words(
            "Replace the line raise NotImplementedError(...) with your code, run that cell, "
            "then run this check again.",
            "把 raise NotImplementedError(...) 这一行换成你的代码，运行那个单元格，"
            "然后再运行这个检查。",
        ),
        expected=NO_ERROR,
    ),
    "error.other": Message(
        Words("your function raised an error", "你的函数抛出了错误"),
        Words(
            "Read the error and the line of your function it names (after got): fix that "
            "operation.",
            "读一读错误信息和它指出的函数中的那一行（见“得到”一栏）：改正那个操作。",
        ),
        expected=NO_ERROR,
    ),
    "input.changed": Message(
        Words("changes its input {name} in place", "原地修改了输入 {name}"),
        Words(
            "Work on new tensors (x = x - ..., or .clone()) instead of in-place operations.",
            "用新张量计算（x = x - ... 或 .clone()），不要原地修改输入。",
        ),
        expected=Words("{name} left as it was", "{name} 保持不变"),
        got=Words("{name} changed", "{name} 被改变了"),
    ),
    "output.dtype": Message(
        Words("changes the dtype", "改变了 dtype"),
        Words(
            "Do not convert: compute with the tensors as given.",
            "不要转换类型，直接用给定的张量计算。",
        ),
    ),
    "output.detached": Message(
        Words("breaks autograd", "切断了自动微分"),
        Words(
            "Compute with the tensors themselves, not .data, .detach(), .numpy() or torch.tensor(...).",
            "直接用张量计算，不要用 .data、.detach()、.numpy() 或 torch.tensor(...)。",
        ),
        expected=Words("an output that requires grad", "需要梯度（requires_grad）的输出"),
        got="requires_grad=False",
    ),
    "output.gradient": Message(
        Words("wrong gradient for {name}", "{name} 的梯度不对"),
        Words(
            "Compute the output from the inputs with torch operations only.",
            "只用 torch 运算从输入算出输出。",
        ),
    ),
    # --- data_iter --------------------------------------------------------------------------
    "data_iter.not_iterable": Message(
        Words("does not return batches", "没有返回小批量"),
        Words(
            "Yield each mini-batch with `yield X, y` inside the loop.",
            "在循环里用 `yield X, y` 逐个产生小批量。",
        ),
        expected=Words(
            "a generator of (X, y) pairs (use yield)", "一个产生 (X, y) 的生成器（用 yield）"
        ),
    ),
    "data_iter.endless": Message(
        Words("never stops (or yields far too many batches)", "停不下来（或产生了过多的小批量）"),
        Words(
            "Loop over range(0, num_examples, batch_size) once; do not loop forever.",
            "用 range(0, num_examples, batch_size) 遍历一次，不要无限循环。",
        ),
        expected=Words("at most {most} batches", "最多 {most} 个小批量"),
        got=Words("more than {limit} batches", "超过 {limit} 个小批量"),
    ),
    "data_iter.not_pair": Message(
        Words("each batch should be a pair (X, y)", "每个小批量应是一对 (X, y)"),
        Words(
            "Yield the features and the labels together: `yield X, y`.",
            "同时产生特征和标签：`yield X, y`。",
        ),
        expected="(X, y)",
        got=IN_BATCH + Words("{came}", "{came}"),
    ),
    "data_iter.shapes": Message(
        Words("batches have the wrong shapes", "小批量的形状不对"),
        Words(
            "Select whole rows: features[j] and labels[j] with the same index tensor j.",
            "按行选取：用同一个索引张量 j 取 features[j] 和 labels[j]。",
        ),
        expected=Words(
            "X of shape (m, {d}) and y of m labels", "形状为 (m, {d}) 的 X 和 m 个标签 y"
        ),
        got=IN_BATCH + Words("X {X}, y {y}", "X {X}, y {y}"),
    ),
    "data_iter.dtype": Message(
        Words("changes the dtype of the data", "改变了数据的 dtype"),
        Words("Index the tensors; do not convert them.", "直接索引张量，不要转换类型。"),
    ),
    "data_iter.not_rows": Message(
        Words("batches are not rows of features", "小批量不是 features 的行"),
        Words(
            "Select rows with features[j] (j: a tensor of row indices).",
            "用 features[j] 选行（j 是行索引张量）。",
        ),
        expected=Words("rows of features", "features 的若干行"),
        got=IN_BATCH + Words("X = {rows}...", "X = {rows}..."),
    ),
    "data_iter.apart": Message(
        Words("features and labels shuffled apart", "特征和标签被分开打乱了"),
        Words(
            "Use ONE index tensor j for both: features[j], labels[j].",
            "特征和标签要用同一个索引 j：features[j]、labels[j]。",
        ),
        expected=Words("y[i] to be the label of X[i]", "y[i] 是 X[i] 的标签"),
        got=IN_BATCH
        + Words(
            "rows {x_ids} with the labels of rows {y_ids}", "第 {x_ids} 行配上了第 {y_ids} 行的标签"
        ),
    ),
    "data_iter.empty_batch": Message(
        Words("yields an empty batch", "产生了空的小批量"),
        Words(
            "Stop the loop at num_examples: range(0, num_examples, batch_size).",
            "循环到 num_examples 为止：range(0, num_examples, batch_size)。",
        ),
        expected=WANT_BATCHES,
        got=GOT_BATCHES,
    ),
    "data_iter.off_by_one": Message(
        Words("off-by-one slice", "切片差一（off-by-one）"),
        Words(
            "Slice indices[i: i + batch_size] (the end is excluded), not batch_size ± 1.",
            "切片应为 indices[i: i + batch_size]（不含终点），不要 ±1。",
        ),
        expected=WANT_BATCHES,
        got=GOT_BATCHES,
    ),
    "data_iter.drops_last": Message(
        Words("drops the last short batch", "丢掉了最后一个不足的小批量"),
        Words(
            "Loop over range(0, num_examples, batch_size) and cut the last slice at "
            "min(i + batch_size, num_examples): keep the short batch.",
            "用 range(0, num_examples, batch_size) 遍历，最后一片截到 min(i + batch_size, num_examples)：保留不足的那一批。",
        ),
        expected=WANT_BATCHES,
        got=GOT_BATCHES + NEVER_READ,
    ),
    "data_iter.repeats": Message(
        Words("repeated examples", "样本被重复读取"),
        Words(
            "Shuffle a permutation (torch.randperm / random.shuffle) instead of drawing with "
            "replacement, and let the slices not overlap.",
            "打乱一个排列（torch.randperm / random.shuffle），不要有放回地抽样，切片也不要重叠。",
        ),
        expected=WANT_BATCHES,
        got=GOT_BATCHES
        + Words(", {repeated} examples read twice", "，有 {repeated} 个样本被读了两次"),
    ),
    "data_iter.drops": Message(
        Words("drops examples", "漏掉了样本"),
        Words(
            "Start at 0 and step through every index: range(0, num_examples, batch_size).",
            "从 0 开始遍历每个索引：range(0, num_examples, batch_size)。",
        ),
        expected=WANT_BATCHES,
        got=GOT_BATCHES + NEVER_READ,
    ),
    "data_iter.sizes": Message(
        Words("wrong batch sizes", "小批量大小不对"),
        Words(
            "Every batch holds batch_size examples, except a shorter last one.",
            "除了最后可能不足的一批，每批都有 batch_size 个样本。",
        ),
        expected=WANT_BATCHES,
        got=GOT_BATCHES,
    ),
    "data_iter.in_order": Message(
        Words("no shuffling", "没有打乱"),
        Words(
            "Shuffle the indices first: torch.randperm(num_examples), or random.shuffle(indices).",
            "先打乱索引：torch.randperm(num_examples)，或 random.shuffle(indices)。",
        ),
        expected=Words("examples in a random order", "随机顺序的样本"),
        got=Words("examples in order {first}...", "按原顺序读取 {first}..."),
    ),
    "data_iter.batches_only": Message(
        Words("shuffles the batches but not the examples", "只打乱了批的顺序，没有打乱样本"),
        Words("Shuffle the example indices, then slice them.", "先打乱样本索引，再切片。"),
        expected=Words("each batch a random set of examples", "每批是随机的一组样本"),
        got=Words("consecutive rows, e.g. {batch}", "连续的行，例如 {batch}"),
    ),
    "data_iter.same_order": Message(
        Words("same order every pass", "每个迭代周期的顺序都一样"),
        Words(
            "Draw the permutation inside data_iter on every call, and do not reseed there.",
            "在 data_iter 内部每次调用时重新生成排列，也不要在里面重设随机种子。",
        ),
        expected=Words("a new order on each call", "每次调用都是新的顺序"),
        got=Words(
            "the same order three times, starting {first}...",
            "三个迭代周期的顺序相同，开头为 {first}...",
        ),
    ),
    # --- linreg -----------------------------------------------------------------------------
    "linreg.minus_bias": Message(
        Words("subtracted bias", "减去了偏置"),
        Words("The model adds the bias: X @ w + b.", "模型是加上偏置：X @ w + b。"),
    ),
    "linreg.no_bias": Message(
        Words("missing bias", "缺少偏置"),
        Words("Add the bias: X @ w + b.", "加上偏置：X @ w + b。"),
    ),
    "linreg.transposed_X": Message(
        Words("transposed X", "X 被转置了"),
        Words(
            "Multiply X (n, d) by w (d, 1): X @ w, not X.T @ w.",
            "用 X (n, d) 乘 w (d, 1)：X @ w，而不是 X.T @ w。",
        ),
    ),
    "linreg.reshaped": Message(
        WRONG_OUTPUT_SHAPE,
        Words(
            "Keep the matrix product's shape (n, 1): torch.mm(X, w) + b, without reshape/squeeze/sum.",
            "保持矩阵乘积的形状 (n, 1)：torch.mm(X, w) + b，不要 reshape/squeeze/sum。",
        ),
    ),
    "linreg.size": Message(WRONG_OUTPUT_SHAPE, LINREG_HINT),
    "linreg.values": Message(WRONG_VALUES, LINREG_HINT),
    # --- squared_loss -----------------------------------------------------------------------
    "squared_loss.broadcast": Message(
        Words(
            "broadcasting: y_hat (n, 1) - y (n,) gives an (n, n) loss",
            "广播：y_hat (n, 1) - y (n,) 得到 (n, n) 的损失",
        ),
        Words(
            "y_hat is ({n}, 1) and y is {y_shape}: y_hat - y broadcasts to ({n}, {n}). Reshape y first: y.reshape(y_hat.shape).",
            "y_hat 是 ({n}, 1)，y 是 {y_shape}：y_hat - y 会广播成 ({n}, {n})。先变形：y.reshape(y_hat.shape)。",
        ),
        expected=LOSS_WANT,
    ),
    "squared_loss.sum": Message(
        Words("sum instead of one value per example", "返回了总和，而不是每个样本一个值"),
        PER_EXAMPLE_HINT,
        expected=LOSS_WANT,
    ),
    "squared_loss.mean": Message(
        Words(
            "a mean (scalar) where one value per example is expected",
            "返回了平均值（标量），而不是每个样本一个值",
        ),
        PER_EXAMPLE_HINT,
        expected=LOSS_WANT,
    ),
    "squared_loss.size": Message(
        WRONG_OUTPUT_SHAPE,
        Words(
            "Return one loss per example, shaped like y_hat.",
            "每个样本返回一个损失，形状与 y_hat 相同。",
        ),
        expected=LOSS_WANT,
    ),
    "squared_loss.no_half": Message(
        Words("missing ½", "缺少 ½"),
        Words(
            "The chapter's squared loss is (y_hat - y) ** 2 / 2.",
            "本章的平方损失是 (y_hat - y) ** 2 / 2。",
        ),
        expected=LOSS_WANT,
    ),
    "squared_loss.absolute": Message(
        Words("absolute error instead of squared error", "用了绝对误差而不是平方误差"),
        Words("Square the difference: (y_hat - y) ** 2 / 2.", "把差平方：(y_hat - y) ** 2 / 2。"),
        expected=LOSS_WANT,
    ),
    "squared_loss.values": Message(
        WRONG_VALUES,
        Words(
            "Compute (y_hat - y.reshape(y_hat.shape)) ** 2 / 2.",
            "计算 (y_hat - y.reshape(y_hat.shape)) ** 2 / 2。",
        ),
        expected=LOSS_WANT,
    ),
    # --- sgd --------------------------------------------------------------------------------
    "sgd.replaced": Message(
        Words("update recorded by autograd", "参数更新被自动微分记录了"),
        Words(
            "Update each tensor in place inside `with torch.no_grad():` (param -= ...), or through param.data.",
            "在 `with torch.no_grad():` 里原地更新每个张量（param -= ...），或通过 param.data 更新。",
        ),
        expected=Words("{name} changed in place, still a leaf", "{name} 被原地更新，仍是叶子张量"),
        got=Words(
            "params[{i}] replaced by a new, non-leaf tensor",
            "params[{i}] 被换成了一个新的非叶子张量",
        ),
    ),
    "sgd.grad_changed": Message(
        Words("changes .grad to something other than zero", "把 .grad 改成了非零的值"),
        Words(
            "Leave .grad alone or zero it with param.grad.zero_().",
            "不要动 .grad，或用 param.grad.zero_() 清零。",
        ),
        expected=Words(".grad left as it was, or zeroed", ".grad 保持不变或清零"),
    ),
    "sgd.not_zeroed": Message(
        Words("gradients not zeroed after the step", "更新之后没有把梯度清零"),
        Words(
            "Zero each gradient after its update: param.grad.zero_(). The assignment's "
            "training loop relies on sgd to do it; otherwise the next backward() adds the "
            "new gradient to the old one.",
            "每次更新之后把梯度清零：param.grad.zero_()。作业的训练循环依赖 sgd 来清零；"
            "否则下一次 backward() 会把新梯度加到旧梯度上。",
        ),
        expected=Words("{name}.grad all zeros after sgd", "sgd 之后 {name}.grad 全为 0"),
        got="{name}.grad = {came}",
    ),
    "sgd.zeroed_first": Message(
        Words("gradients zeroed before the step", "在更新之前就把梯度清零了"),
        Words(
            "Update first, then zero: param -= lr * param.grad / batch_size; param.grad.zero_().",
            "先更新，再清零：param -= lr * param.grad / batch_size；param.grad.zero_()。",
        ),
        expected=STEP_WANT,
        got=STEP_GOT,
    ),
    "sgd.no_effect": Message(
        Words("the update never reaches the parameter", "更新没有作用到参数上"),
        Words(
            "`param = param - ...` only rebinds a local name (or updates a copy). Change the "
            "tensor in place: `param -= ...` inside torch.no_grad(), or `param.data -= ...`.",
            "`param = param - ...` 只是让局部变量指向新张量（或更新了副本）。要原地修改："
            "在 torch.no_grad() 里 `param -= ...`，或 `param.data -= ...`。",
        ),
        expected=STEP_WANT,
        got=STEP_GOT,
    ),
    "sgd.ascent": Message(
        Words("gradient ascent", "梯度上升"),
        Words(
            "Step against the gradient: param -= lr * grad / batch_size.",
            "沿梯度的反方向走：param -= lr * grad / batch_size。",
        ),
        expected=STEP_WANT,
        got=STEP_GOT,
    ),
    "sgd.not_divided": Message(
        Words("update not divided by the batch size", "更新没有除以批量大小"),
        Words(
            "param.grad is the gradient of the summed loss: divide it by batch_size.",
            "param.grad 是损失之和的梯度：要除以 batch_size。",
        ),
        expected=STEP_WANT,
        got=STEP_GOT,
    ),
    "sgd.divided_twice": Message(
        Words("update divided by the batch size twice", "更新时除了两次批量大小"),
        Words("Divide by batch_size once.", "只除一次 batch_size。"),
        expected=STEP_WANT,
        got=STEP_GOT,
    ),
    "sgd.no_lr": Message(
        Words("missing lr", "缺少学习率 lr"),
        Words(
            "Multiply the step by lr: param -= lr * grad / batch_size.",
            "步长要乘以 lr：param -= lr * grad / batch_size。",
        ),
        expected=STEP_WANT,
        got=STEP_GOT,
    ),
    "sgd.lr_twice": Message(
        Words("lr used twice", "学习率乘了两次"),
        Words("Multiply by lr once.", "只乘一次 lr。"),
        expected=STEP_WANT,
        got=STEP_GOT,
    ),
    "sgd.wrong_divisor": Message(
        Words(
            "update divided by something other than batch_size",
            "更新除以的不是 batch_size",
        ),
        Words(
            "The step is lr * param.grad / batch_size, with the batch_size argument (not "
            "len(param) or a number of your own).",
            "步长是 lr * param.grad / batch_size，用参数 batch_size（不是 len(param)，"
            "也不是自己定的数）。",
        ),
        expected=STEP_WANT,
        got=Words(
            "{name} = {came} (a step {ratio:.3g}× the right one)",
            "{name} = {came}（步长是正确值的 {ratio:.3g} 倍）",
        ),
    ),
    # --- synthetic_data ---------------------------------------------------------------------
    "synthetic_data.not_pair": Message(
        WRONG_RETURN_TYPE,
        Words("Return the pair: return X, y.", "返回一对张量：return X, y。"),
        expected="(features, labels)",
    ),
    "synthetic_data.features_shape": Message(
        Words("features of the wrong shape", "特征形状不对"),
        Words(
            "Draw torch.normal(0, 1, (num_examples, len(w))).",
            "用 torch.normal(0, 1, (num_examples, len(w))) 生成。",
        ),
        expected="({n}, {d})",
    ),
    "synthetic_data.labels_shape": Message(
        Words("labels of the wrong shape", "标签形状不对"),
        Words(
            "X @ w gives (n,) for a 1-D w; add noise of that same shape (or reshape to (-1, 1)), so nothing broadcasts to (n, n).",
            "一维 w 时 X @ w 的形状是 (n,)；噪声要同形（或 reshape((-1, 1))），以免广播成 (n, n)。",
        ),
        expected=Words("({n},) or ({n}, 1)", "({n},) 或 ({n}, 1)"),
    ),
    "synthetic_data.not_normal": Message(
        Words("features not N(0, 1)", "特征不服从 N(0, 1)"),
        Words(
            "Draw features with torch.normal(0, 1, ...) or torch.randn (not torch.rand).",
            "用 torch.normal(0, 1, ...) 或 torch.randn 生成特征（不是 torch.rand）。",
        ),
        expected=Words("mean 0, standard deviation 1", "均值 0，标准差 1"),
        got=Words(
            "mean {mean:.3g}, standard deviation {std:.3g}", "均值 {mean:.3g}，标准差 {std:.3g}"
        ),
    ),
    "synthetic_data.no_bias": Message(
        Words("bias missing", "缺少偏置"),
        Words("Labels are X @ w + b plus noise.", "标签是 X @ w + b 再加噪声。"),
        expected="b ≈ {b}",
        got=BIAS_FIT,
    ),
    "synthetic_data.bias": Message(
        Words("wrong bias", "偏置不对"),
        Words("Labels are X @ w + b plus noise.", "标签是 X @ w + b 再加噪声。"),
        expected="b ≈ {b}",
        got=BIAS_FIT,
    ),
    "synthetic_data.weights": Message(
        Words("wrong weights", "权重不对"),
        Words(
            "Labels are X @ w + b: every feature times its own weight.",
            "标签是 X @ w + b：每个特征乘以它自己的权重。",
        ),
        expected="w ≈ {w}",
        got=Words("w ≈ {fit} (least-squares fit)", "w ≈ {fit}（最小二乘拟合）"),
    ),
    "synthetic_data.no_noise": Message(
        Words("no noise", "没有噪声"),
        Words(
            "Add torch.normal(0, 0.01, y.shape) to the labels.",
            "给标签加上 torch.normal(0, 0.01, y.shape)。",
        ),
        expected=NOISE_WANT,
        got=Words("residual standard deviation {residual:.2g}", "残差标准差 {residual:.2g}"),
    ),
    "synthetic_data.noise_level": Message(
        Words("wrong noise level", "噪声大小不对"),
        Words(
            "The noise is N(0, 0.01²): torch.normal(0, 0.01, y.shape) (0.01 is the standard deviation).",
            "噪声是 N(0, 0.01²)：torch.normal(0, 0.01, y.shape)（0.01 是标准差）。",
        ),
        expected=NOISE_WANT,
        got=Words("residual standard deviation {residual:.3g}", "残差标准差 {residual:.3g}"),
    ),
    # --- l2_penalty ---------------------------------------------------------------------
    "l2_penalty.not_summed": Message(
        Words(
            "returns one value per weight, not their sum", "返回了每个权重各自的值，而不是它们的和"
        ),
        Words(
            "Sum the squares into one number: torch.sum(w ** 2) / 2 (shape (), not (d, 1)).",
            "把平方加成一个数：torch.sum(w ** 2) / 2（形状为 ()，而不是 (d, 1)）。",
        ),
    ),
    "l2_penalty.not_scalar": Message(
        WRONG_OUTPUT_SHAPE,
        Words(
            "The penalty is one number for all the weights: torch.sum(w ** 2) / 2.",
            "惩罚项是所有权重共同的一个数：torch.sum(w ** 2) / 2。",
        ),
    ),
    "l2_penalty.no_half": Message(
        Words("the 1/2 is missing", "少了 1/2"),
        Words(
            "Divide by 2: torch.sum(w ** 2) / 2, so that its gradient is w itself.",
            "要除以 2：torch.sum(w ** 2) / 2，这样它的梯度正好是 w。",
        ),
    ),
    "l2_penalty.not_squared": Message(
        Words("the norm, not the squared norm", "用了范数而不是范数的平方"),
        Words(
            "torch.norm(w) is the square root of the sum of squares: square it, or sum w ** 2.",
            "torch.norm(w) 是平方和的平方根：要再平方，或直接对 w ** 2 求和。",
        ),
    ),
    "l2_penalty.half_norm": Message(
        Words("half the norm, not half the squared norm", "用了范数的一半而不是范数平方的一半"),
        Words(
            "Square the norm before halving: torch.norm(w) ** 2 / 2, or torch.sum(w ** 2) / 2.",
            "先平方再除以 2：torch.norm(w) ** 2 / 2，或 torch.sum(w ** 2) / 2。",
        ),
    ),
    "l2_penalty.l1": Message(
        Words(
            "absolute values (the L1 penalty) instead of squares", "用了绝对值（L1 惩罚）而不是平方"
        ),
        Words(
            "Square each weight: torch.sum(w ** 2) / 2.", "把每个权重平方：torch.sum(w ** 2) / 2。"
        ),
    ),
    "l2_penalty.mean": Message(
        Words("the mean of the squares, not their sum", "用了平方的均值而不是平方和"),
        Words(
            "Sum over the weights (torch.sum), do not average: the penalty grows with every weight.",
            "对权重求和（torch.sum），不要求平均：每多一个权重，惩罚就更大。",
        ),
    ),
    "l2_penalty.values": Message(
        WRONG_VALUES,
        Words("Compute torch.sum(w ** 2) / 2.", "计算 torch.sum(w ** 2) / 2。"),
    ),
    # --- polynomial_features --------------------------------------------------------------
    "polynomial_features.constant": Message(
        Words("includes the constant column x^0", "包含了常数列 x^0"),
        Words(
            "Start the powers at 1 (x, x^2/2!, ...): linreg's bias b is the constant term.",
            "幂次从 1 开始（x, x^2/2!, ...）：常数项由 linreg 的偏置 b 负责。",
        ),
    ),
    "polynomial_features.no_factorial": Message(
        Words("the powers are not divided by i!", "幂没有除以 i!"),
        Words(
            "Divide column i by i! (math.factorial(i)), so x^20 does not dwarf x.",
            "第 i 列要除以 i!（math.factorial(i)），这样 x^20 才不会远远压过 x。",
        ),
    ),
    "polynomial_features.transposed": Message(
        Words("transposed: one row per power", "转置了：每个幂次占一行"),
        Words(
            "One row per example, one column per power: shape (n, degree).",
            "每个样本一行、每个幂次一列：形状为 (n, degree)。",
        ),
    ),
    "polynomial_features.shape": Message(
        WRONG_OUTPUT_SHAPE,
        Words(
            "Return shape (n, degree): columns x^1/1!, ..., x^degree/degree!, for x (n,) or (n, 1).",
            "返回形状 (n, degree)：列为 x^1/1!, ..., x^degree/degree!；x 可以是 (n,) 或 (n, 1)。",
        ),
    ),
    "polynomial_features.values": Message(
        WRONG_VALUES,
        Words(
            "Column i (counting from 1) is x ** i / math.factorial(i).",
            "第 i 列（从 1 数起）是 x ** i / math.factorial(i)。",
        ),
    ),
    # --- check.grade: what is graded when the function itself cannot be -------------
    "grade.missing": Message(
        Words("not found", "未找到"),
        Words(
            "Define a function named {name} (spelled exactly so) and run its cell.",
            "请定义名为 {name} 的函数（名字一字不差），并运行它所在的单元格。",
        ),
        expected=Words("a function named {name}", "名为 {name} 的函数"),
    ),
    "grade.uncopyable": Message(
        Words(
            "not graded: the grader could not copy it out of the notebook",
            "未评分：评分程序无法从笔记本中取出它",
        ),
        Words(
            "It uses something that cannot leave the notebook (see got: a lock, an open "
            "file, a compiled function, a module of the notebook's own folder...). Keep to "
            "tensors, numbers, functions and classes, or ask your teacher.",
            "它用到了无法带出笔记本的东西（见“得到”一栏：锁、打开的文件、编译过的函数、"
            "笔记本所在文件夹里的模块……）。请只用张量、数、函数和类，或者问问老师。",
        ),
        expected=Words("{name}, copied out to be checked", "可以取出来检查的 {name}"),
    ),
    "grade.package": Message(
        Words("the package's own function, not yours", "这是本包自带的函数，不是你写的"),
        Words(
            "Write {name} yourself instead of taking it from linreg_scratch.",
            "请自己实现 {name}，不要直接使用 linreg_scratch 里的。",
        ),
        expected=Words("your own {name}", "你自己写的 {name}"),
    ),
    "grade.too_slow": Message(
        Words("too slow: stopped after {seconds:g} s", "太慢：{seconds:g} 秒后被停止"),
        Words(
            "Each call should take well under a second: look for a loop that never ends.",
            "每次调用都应远不到一秒：检查有没有永不结束的循环。",
        ),
        expected=Words("every case within {seconds:g} s", "所有用例在 {seconds:g} 秒内完成"),
        got=Words("still running after {seconds:g} s", "{seconds:g} 秒后仍在运行"),
    ),
}


# What a passing verdict says each check covered.
CHECKED: dict[str, list[Template]] = {
    "data_iter": [
        Words("every example once per pass", "每个迭代周期中每个样本恰好一次"),
        Words("short last batch kept", "保留最后不足的小批量"),
        Words("X and y stay paired", "X 与 y 一一对应"),
        Words("a new random order every pass", "每个迭代周期的顺序随机且各不相同"),
        Words("labels (n,) and (n, 1), float64", "标签 (n,) 与 (n, 1)、float64"),
    ],
    "linreg": [
        Words("X @ w + b for several (n, d)", "多种 (n, d) 下的 X @ w + b"),
        Words("shape (n, 1)", "形状 (n, 1)"),
        Words("gradients reach w and b", "梯度能传到 w 和 b"),
        "float64",
    ],
    "squared_loss": [
        Words("(y_hat - y)² / 2 for each example", "每个样本的 (y_hat - y)² / 2"),
        Words("y of shape (n,) and (n, 1)", "y 的形状为 (n,) 与 (n, 1)"),
        Words("gradients reach y_hat", "梯度能传到 y_hat"),
        "float64",
    ],
    "sgd": [
        Words(
            "param -= lr * grad / batch_size for w and b",
            "w 和 b 的 param -= lr * grad / batch_size",
        ),
        Words("in place, not recorded by autograd", "原地更新，且不被自动微分记录"),
        Words("two steps in a row", "连续两步"),
        "float64",
    ],
    "l2_penalty": [
        Words("sum(w²) / 2 as one number", "sum(w²) / 2，一个数"),
        Words("w of shape (d, 1) and (d,)", "w 的形状为 (d, 1) 与 (d,)"),
        Words("w left unchanged; gradient w", "不修改 w；梯度为 w"),
        "float64",
    ],
    "polynomial_features": [
        Words("columns x^i / i!, i = 1..degree", "列 x^i / i!，i = 1..degree"),
        Words("shape (n, degree), no constant column", "形状 (n, degree)，无常数列"),
        Words("x of shape (n,) and (n, 1)", "x 的形状为 (n,) 与 (n, 1)"),
        "float64",
    ],
    "synthetic_data": [
        Words("features (n, d) ~ N(0, 1)", "特征 (n, d) ~ N(0, 1)"),
        Words("weights and bias recovered by least squares", "最小二乘能还原权重和偏置"),
        Words("noise of standard deviation 0.01", "噪声标准差为 0.01"),
        Words(
            "labels {shapes} (both (n,) and (n, 1) are accepted)",
            "标签形状 {shapes}（(n,) 与 (n, 1) 都可以）",
        ),
    ],
}


def checked(name: str, **values: object) -> list[str]:
    """What the check ``name`` covers, in the current language."""
    return [fill(t, **values) for t in CHECKED[name]]


# The verdict's layout, and the words inside the inputs a case describes.
LABELS: dict[str, Template] = {
    "passed": Words("✓ {name}: passed: {checked}", "✓ {name}: 通过：{checked}"),
    "failed": "✗ {name}: {mistake}",
    "sentence": Words(
        "{mistake}: for {case}, expected {expected}, got {got}. {hint}",
        "{mistake}：输入 {case}，应为 {expected}，得到 {got}。{hint}",
    ),
    # one row per field of a problem; a web page shows the label without spaces and colon
    "case": Words("  input:    ", "  输入："),
    "expected": Words("  expected: ", "  应为："),
    "got": Words("  got:      ", "  得到："),
    "hint": Words("  hint:     ", "  提示："),
    "tally": Words("{passed} of {run} cases passed", "{run} 个用例中通过 {passed} 个"),
    "grade.case": Words("the names the notebook defines", "笔记本中定义的名字"),
    "grade.nothing": Words("nothing named {name}", "没有名为 {name} 的东西"),
    "grade.wrapper": Words(
        "a function that calls linreg_scratch's {own}", "一个调用 linreg_scratch 的 {own} 的函数"
    ),
    "more": Words("{more} more problem(s) in .problems", "还有 {more} 个问题，见 .problems"),
    "aside": Words("  ({words})", "  （{words}）"),
    "tensor": Words("tensor of shape {shape} ({dtype})", "形状为 {shape} 的张量（{dtype}）"),
    "where": Words(" ({name}, line {line})", "（{name}，第 {line} 行）"),
    "where.code": Words(" ({name}, line {line}: {code})", "（{name}，第 {line} 行：{code}）"),
    "array": Words("{kind} of shape {shape} ({dtype})", "形状为 {shape} 的 {kind}（{dtype}）"),
    "backward": "{case} .sum().backward()",
    "data_iter.case": "data_iter({batch_size}, features {features}, labels {labels})",
    "data_iter.passes": Words("{case}, three passes", "{case}，连续三个迭代周期"),
    "linreg.case": "linreg(X {X}, w {w}, b {b})",
    "linreg.returns": Words("a tensor of shape ({n}, 1)", "形状为 ({n}, 1)"),
    "squared_loss.case": "squared_loss(y_hat {y_hat}, y {y})",
    "squared_loss.returns": Words("{n} values, shape ({n}, 1)", "{n} 个值，形状 ({n}, 1)"),
    "sgd.case": "sgd([w {w}, b {b}], lr={lr}, batch_size={bs})",
    "sgd.zeroes": Words("gradients zeroed after the step", "更新之后梯度清零"),
    "sgd.second_step": Words(
        "the second of two steps, sgd([w, b], lr={lr}, batch_size={bs})",
        "连续两步中的第二步，sgd([w, b], lr={lr}, batch_size={bs})",
    ),
    "l2_penalty.case": "l2_penalty(w {w})",
    "l2_penalty.returns": Words("one number (a 0-dim tensor)", "一个数（0 维张量）"),
    "polynomial_features.case": "polynomial_features(x {x}, degree={degree})",
    "polynomial_features.returns": Words(
        "a tensor of shape (n, degree)", "形状为 (n, degree) 的张量"
    ),
    "synthetic_data.case": "synthetic_data(w=torch.tensor({w}), b={b}, num_examples={n})",
    "synthetic_data.features": "features ({n}, {d})",
    "synthetic_data.labels": "labels ({n},) / ({n}, 1)",
}


def label(key: str, **values: object) -> str:
    """The layout piece or input description ``key``, in the current language."""
    return fill(LABELS[key], **values)
