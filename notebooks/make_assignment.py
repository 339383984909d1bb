"""Make the from-scratch assignment from the solution notebook 3.2, in both languages.

    python notebooks/make_assignment.py          # write notebooks/{zh,en}/assignment-...
    python notebooks/make_assignment.py --check  # exit 1 if the committed ones differ

The assignment is 3.2's sections 3.2.1 to 3.2.7 with each function the learner writes
(``synthetic_data``, ``data_iter``, ``linreg``, ``squared_loss``, ``sgd``) left as a stub
that raises ``NotImplementedError`` with a hint, and a ``check`` cell after each. The
prose and the other code come from 3.2 as they are, so the two never drift; a test
regenerates the assignment and compares it with the committed files.
"""

from __future__ import annotations

import copy
import pathlib
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parent
SOLUTION = "3.2-linear-regression-scratch"
ASSIGNMENT = "assignment-linear-regression-scratch"

# The data cell of 3.2 builds the data inline; the assignment calls the learner's function.
INLINE_DATA = """features = torch.randn(num_examples, num_inputs, dtype=torch.float32)
labels = true_w[0] * features[:, 0] + true_w[1] * features[:, 1] + true_b
labels += torch.normal(0, 0.01, size=labels.size())
"""
CALL_DATA = "features, labels = synthetic_data(torch.tensor(true_w), true_b, num_examples)\n"

# What the stubs say: the same code cell in both notebooks, so both languages at once.
STUBS = {
    "synthetic_data": (
        "def synthetic_data(w, b, num_examples):",
        "features X (num_examples, len(w)) ~ N(0, 1); labels X @ w + b plus N(0, 0.01²) noise",
        "特征 X (num_examples, len(w)) ~ N(0, 1)；标签为 X @ w + b 加上 N(0, 0.01²) 噪声",
    ),
    "data_iter": (
        None,  # the def line comes from 3.2
        "yield (X, y) batches of batch_size random examples, every example once per pass",
        "每次产出 batch_size 个随机样本 (X, y)，每个迭代周期中每个样本恰好一次",
    ),
    "linreg": (None, "return X @ w + b, shape (n, 1)", "返回 X @ w + b，形状 (n, 1)"),
    "squared_loss": (
        None,
        "one loss (y_hat - y)² / 2 per example, with y reshaped like y_hat",
        "每个样本一个损失 (y_hat - y)² / 2，y 先变形成 y_hat 的形状",
    ),
    "sgd": (
        None,
        "param -= lr * param.grad / batch_size in place, under torch.no_grad(); "
        "then param.grad.zero_()",
        "在 torch.no_grad() 下原地执行 param -= lr * param.grad / batch_size，"
        "然后 param.grad.zero_()",
    ),
}

TEXT = {
    "en": {
        "intro": """# Assignment: linear regression from scratch

[中文版](../zh/{name}.ipynb)

This assignment is section 3.2 with the code left for you: write the five functions `synthetic_data`, `data_iter`, `linreg`, `squared_loss` and `sgd` where a cell says `raise NotImplementedError`, replacing that line. Each function is followed by a `check` cell: run it, read the verdict (✓, or the first failing case with the likely mistake), and fix the function until it passes. Keep the names and the arguments as they are.

The notebook is graded by running it from top to bottom in a fresh kernel and checking each of the five functions with the same `check`; each function's mark is the share of check's cases it passes. Before you hand it in, run *Restart kernel and run all cells* and make sure the last cell shows what you expect.""",
        "synthetic_data": """Write `synthetic_data(w, b, num_examples)`: it returns `features` of shape `(num_examples, len(w))` drawn from the standard normal distribution, and `labels` computed by (3.2.1) with noise of standard deviation 0.01. Labels of shape `(num_examples,)` and `(num_examples, 1)` are both accepted. The cell after the check makes the training set with it.""",
        "submit": """## Before you hand it in

`check.grade(globals())` checks all five functions at once, as the grader does: it prints each verdict and the total, out of 5.

<details>
<summary>How this notebook is graded</summary>

The teacher runs `python -m linreg_scratch.grade` on the notebook: it runs every cell in a fresh kernel (a cell that raises an error or runs longer than 30 seconds is stopped and the rest still runs), then checks the five functions the notebook defines, as `check.grade` does here. A function that is missing scores 0, as does one taken from `linreg_scratch` (or one that only calls it) instead of written here. Define everything the functions need in the notebook itself. A cell that crashes the kernel, or keeps running after it is stopped, leaves the cells after it unrun, and then nothing can be graded: run every cell in a fresh kernel before you hand it in.
</details>""",
    },
    "zh": {
        "intro": """# 作业：线性回归的从零开始实现

[English version](../en/{name}.ipynb)

本作业就是 3.2 节，只是代码留给你来写：在写着 `raise NotImplementedError` 的单元格里实现 `synthetic_data`、`data_iter`、`linreg`、`squared_loss` 和 `sgd` 这五个函数，替换掉那一行。每个函数后面都有一个 `check` 单元格：运行它，读一读结论（✓，或者第一个出错的情形以及最可能的错误），修改函数直到通过。函数名和参数请保持不变。

评分时，笔记本会在一个新的内核中从头到尾运行，然后用同样的 `check` 检查这五个函数；每个函数的得分是它通过的情形所占的比例。提交之前，请先“重启内核并运行所有单元格”，确认最后一个单元格的输出符合预期。""",
        "synthetic_data": """实现 `synthetic_data(w, b, num_examples)`：返回形状为 `(num_examples, len(w))`、服从标准正态分布的 `features`，以及按式 (3.2.1) 计算、噪声标准差为 0.01 的 `labels`。标签的形状为 `(num_examples,)` 或 `(num_examples, 1)` 都可以。检查之后的单元格用它生成训练集。""",
        "submit": """## 提交之前

`check.grade(globals())` 像评分程序一样一次检查全部五个函数：打印每个函数的结论和总分（满分 5）。

<details>
<summary>本笔记本怎样评分</summary>

老师用 `python -m linreg_scratch.grade` 评分：它在一个新的内核中运行每个单元格（报错或运行超过 30 秒的单元格会被停止，其余单元格照常运行），然后像这里的 `check.grade` 一样检查笔记本中定义的五个函数。缺少的函数得 0 分；直接取自 `linreg_scratch`（或只是调用它）而不是自己写的函数也得 0 分。函数用到的一切都要在笔记本里定义。如果某个单元格让内核崩溃，或者被停止后仍在运行，它之后的单元格都不会运行，整个笔记本就无法评分：提交之前请在新的内核中运行所有单元格。
</details>""",
    },
}

GRADE_ALL = """results = check.grade(globals())
for result in results.values():
    print(result.tally(), '|', str(result).splitlines()[0])
print('%.2f / %d' % (sum(r.score for r in results.values()), len(results)))
"""


def stub(name: str, def_line: str) -> str:
    _, en, zh = STUBS[name]
    return f'{def_line}\n    # {en}\n    raise NotImplementedError("write {name}: {en} / {zh}")\n'


def check_cell(name: str) -> str:
    """The check after ``name``'s stub, as the grader checks it (the loop below leaves the
    zeroing of the gradients to sgd)."""
    first = "from linreg_scratch import check\n\n" if name == "synthetic_data" else ""
    return f"{first}check.{name}({name}{', zeroes=True' if name == 'sgd' else ''})"


def build(lang: str) -> nbformat.NotebookNode:
    """The assignment notebook of ``lang``, made from 3.2 of the same language."""
    solution = nbformat.read(ROOT / lang / f"{SOLUTION}.ipynb", as_version=4)
    cells = solution.cells
    words = TEXT[lang]

    def index(test, what: str) -> int:
        found = [i for i, c in enumerate(cells) if test(c)]
        if len(found) != 1:
            raise ValueError(f"{lang}/{SOLUTION}: expected one {what}, found {len(found)}")
        return found[0]

    data = index(lambda c: c.cell_type == "code" and INLINE_DATA in c.source, "data cell")
    last = index(lambda c: c.source.startswith("print(true_w"), "final print of 3.2.7")
    out = [nbformat.v4.new_markdown_cell(words["intro"].format(name=ASSIGNMENT))]
    out += [copy.deepcopy(c) for c in cells[1:data]]  # the set-up and 3.2.1's text
    out.append(nbformat.v4.new_markdown_cell(words["synthetic_data"]))
    out.append(nbformat.v4.new_code_cell(stub("synthetic_data", STUBS["synthetic_data"][0])))
    out.append(nbformat.v4.new_code_cell(check_cell("synthetic_data")))
    out.append(nbformat.v4.new_code_cell(cells[data].source.replace(INLINE_DATA, CALL_DATA)))
    for cell in cells[data + 1 : last + 1]:
        name = next((n for n in STUBS if cell.source.startswith(f"def {n}(")), None)
        if cell.cell_type != "code" or name is None:
            out.append(copy.deepcopy(cell))
            continue
        out.append(nbformat.v4.new_code_cell(stub(name, cell.source.splitlines()[0])))
        out.append(nbformat.v4.new_code_cell(check_cell(name)))
    out.append(nbformat.v4.new_code_cell(GRADE_ALL))
    out.append(nbformat.v4.new_markdown_cell(words["submit"]))
    missing = [n for n in STUBS if not any(c.source.startswith(f"def {n}(") for c in out)]
    if missing:
        raise ValueError(f"{lang}/{SOLUTION} no longer defines {missing}")
    nb = nbformat.v4.new_notebook(metadata=copy.deepcopy(solution.metadata))
    nb.nbformat_minor = solution.nbformat_minor
    nb.cells = out
    for i, cell in enumerate(out):
        cell.id = f"c{i:02d}"
        cell.metadata = {}
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def text_of(lang: str) -> str:
    """The assignment of ``lang`` as the file holds it."""
    return nbformat.writes(build(lang)) + "\n"


def main(argv: list[str]) -> int:
    stale = []
    for lang in ("zh", "en"):
        path = ROOT / lang / f"{ASSIGNMENT}.ipynb"
        wanted = text_of(lang)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == wanted:
            continue
        stale.append(str(path))
        if "--check" not in argv:
            path.write_text(wanted, encoding="utf-8")
    if "--check" in argv and stale:
        print("out of date (run python notebooks/make_assignment.py):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
