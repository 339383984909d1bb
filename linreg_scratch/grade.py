"""Grade from-scratch submissions: ``python -m linreg_scratch.grade NOTEBOOK --out results.json``.

Each notebook runs top to bottom in a fresh kernel, in an empty temporary folder: a cell
that raises is recorded and the rest still runs, a cell that runs past ``--timeout``
seconds is interrupted and the rest still runs. Then the functions the notebook defined
are copied out of the kernel (their code, and the globals they use) and checked *here*
with :func:`linreg_scratch.check.grade`, so nothing a notebook does to ``check`` or to
torch in its own kernel changes its marks. The marks: one Gradescope test per function,
``--points`` each, partial credit the share of check's cases passed, the verdict as its
output. A folder grades every ``*.ipynb`` in it into ``--csv`` (and ``--out`` folder).
Student code runs with the grader's permissions: grade inside the course's container.
"""

from __future__ import annotations

import argparse
import builtins
import contextlib
import csv
import importlib
import importlib.util
import io
import json
import marshal
import os
import pathlib
import pickle
import sys
import tempfile
import types
from typing import Any

from . import _checks, check
from .check._grade import CHECKS
from .grading import GRADING
from .lang import language, text

NAMES = list(CHECKS)  # synthetic_data, data_iter, linreg, squared_loss, sgd

# Runs in the submission's kernel after its last cell: writes the five functions (code,
# defaults, closure) and the globals they use, by name, to a pickle for this process.
EXTRACT = """\
def __linreg_scratch_extract(path, names):
    import importlib.util, marshal, pickle, types

    space, specs, todo = globals(), {}, list(names)
    while todo:
        name = todo.pop()
        if name in specs or name not in space:
            continue
        value = space[name]
        if isinstance(value, types.FunctionType) and value.__globals__ is space:
            try:
                cells = [c.cell_contents for c in value.__closure__ or ()]
                rest = pickle.dumps((value.__defaults__, value.__kwdefaults__, cells))
            except Exception as err:
                specs[name] = ("lost", f"{type(err).__name__}: {err}")
                continue
            specs[name] = ("function", marshal.dumps(value.__code__), rest)
            codes = [value.__code__]
            while codes:
                code = codes.pop()
                todo.extend(code.co_names)
                codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
        elif isinstance(value, types.ModuleType):
            specs[name] = ("module", value.__name__)
        else:
            try:
                specs[name] = ("value", pickle.dumps(value))
            except Exception:
                pass
    with open(path, "wb") as f:
        pickle.dump((importlib.util.MAGIC_NUMBER, specs), f)
"""


class GradingError(Exception):
    """Grading itself could not run (not the submission's fault)."""


class Uncopyable:
    """Stands for a function that could not be copied out of the kernel."""

    def __init__(self, why: str) -> None:
        self.why = why

    def __repr__(self) -> str:
        return f"<a function the grader could not copy out of the notebook: {self.why}>"


def read_notebook(path: pathlib.Path) -> Any:
    """The notebook at ``path``; a ValueError naming it when it is not one."""
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as err:
        _checks.not_a_notebook(path, err)
    return nb


def run_notebook(nb: Any, timeout: float) -> tuple[dict[str, Any], list[str]]:
    """Run ``nb`` in a fresh kernel; return the namespace copied out of it and notes on it."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    class _Client(NotebookClient):
        """Remembers the cells it interrupted for running past the timeout."""

        stopped: list  # set before it runs

        async def _async_handle_timeout(self, timeout, cell=None):
            self.stopped.append(cell)
            return await super()._async_handle_timeout(timeout, cell)

    nb = type(nb)(nb)  # the caller's notebook stays as it was
    nb.cells = list(nb.cells)
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        work, out = pathlib.Path(folder, "work"), pathlib.Path(folder, "functions.pickle")
        work.mkdir()
        import nbformat

        call = f"__linreg_scratch_extract({str(out)!r}, {NAMES!r})\ndel __linreg_scratch_extract\n"
        nb.cells.append(nbformat.v4.new_code_cell(EXTRACT + "\n\n" + call))
        client = _Client(
            nb,
            timeout=timeout,
            kernel_name="python3",
            allow_errors=True,
            interrupt_on_timeout=True,
            error_on_timeout={
                "ename": "TimeoutError",
                "evalue": f"stopped after {timeout:g} s",
                "traceback": [],
            },
            resources={"metadata": {"path": str(work)}},
        )
        client.stopped = []
        try:
            client.execute(env={**os.environ, GRADING: "1"})
        except DeadKernelError:
            notes.append(
                text("The kernel died while running the notebook.", "运行笔记本时内核崩溃了。")
            )
        notes.extend(_cell_notes(nb.cells[:-1], client.stopped, timeout))
        if not out.exists():
            notes.append(
                text(
                    "The notebook never finished, so no function could be graded.",
                    "笔记本没有运行完，所以没有函数可以评分。",
                )
            )
            return {}, notes
        magic, specs = pickle.loads(out.read_bytes())
    if magic != importlib.util.MAGIC_NUMBER:
        raise GradingError(
            "the python3 kernel runs another Python version than the grader: "
            "run the grader with the kernel's Python"
        )
    return rebuild(specs), notes


def _cell_notes(cells: list, stopped: list, timeout: float) -> list[str]:
    """One line per code cell that raised or was ``stopped`` for running out of time."""
    notes, number = [], 0
    for cell in cells:
        if cell.cell_type != "code":
            continue
        number += 1
        if any(cell is other for other in stopped):
            notes.append(
                text(
                    f"Code cell {number} was stopped after {timeout:g} s.",
                    f"第 {number} 个代码单元格运行超过 {timeout:g} 秒，被停止。",
                )
            )
            continue
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                notes.append(
                    text(
                        f"Code cell {number} raised {output.ename}: {output.evalue}"[:300],
                        f"第 {number} 个代码单元格报错 {output.ename}: {output.evalue}"[:300],
                    )
                )
    return notes


def rebuild(specs: dict[str, tuple]) -> dict[str, Any]:
    """The notebook's functions and the globals they use, made anew in this process."""
    space: dict[str, Any] = {"__builtins__": builtins, "__name__": "__main__"}
    for name, spec in specs.items():
        kind = spec[0]
        try:
            if kind == "module":
                space[name] = importlib.import_module(spec[1])
            elif kind == "value":
                space[name] = pickle.loads(spec[1])
            elif kind == "function":
                defaults, kwdefaults, cells = pickle.loads(spec[2])
                closure = tuple(types.CellType(c) for c in cells) or None
                fn = types.FunctionType(marshal.loads(spec[1]), space, None, defaults, closure)
                fn.__kwdefaults__ = kwdefaults
                space[name] = fn
            else:
                space[name] = Uncopyable(spec[1])
        except Exception as err:  # a value of a class the notebook defined, a lost module
            if kind in ("function", "lost"):
                space[name] = Uncopyable(f"{type(err).__name__}: {err}")
    return space


def grade_notebook(
    path: pathlib.Path, *, points: dict[str, float], timeout: float, visibility: str
) -> dict[str, Any]:
    """Gradescope's results of one submission (raises ValueError when it is no notebook)."""
    nb = read_notebook(path)
    space, notes = run_notebook(nb, timeout)
    with contextlib.redirect_stdout(io.StringIO()):  # what the learner's functions print
        results = check.grade(space, seconds=timeout)
    tests: list[dict[str, Any]] = []
    for name, result in results.items():
        tests.append(
            {
                "name": name,
                "score": round(points[name] * result.score, 4),
                "max_score": points[name],
                "output": f"{result}\n{result.tally()}",
                "visibility": visibility,
            }
        )
    checked = text("Functions checked:", "已检查的函数：") + " " + ", ".join(NAMES)
    return {
        "score": round(sum(float(t["score"]) for t in tests), 4),
        "output": "\n".join([checked, *notes]),
        "visibility": visibility,
        "tests": tests,
    }


def _points(values: list[str]) -> dict[str, float]:
    points = dict.fromkeys(NAMES, 1.0)
    for value in values:
        name, _, number = value.rpartition("=")
        if name:
            _checks.choice("--points", name, tuple(NAMES))
        amount = _checks.scalar(
            "--points", _checks.number_text(number), float, low=0, include_low=False
        )
        for key in [name] if name else NAMES:
            points[key] = amount
    return points


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m linreg_scratch.grade",
        description="Grade from-scratch submissions (Jupyter notebooks) with linreg_scratch.check.",
    )
    parser.add_argument("path", help="a submitted notebook, or a folder of them")
    parser.add_argument(
        "--out",
        help="results.json for Gradescope (for a folder: a folder that gets one NAME.json each)",
    )
    parser.add_argument("--csv", help="for a folder: a CSV of scores, one row per notebook")
    parser.add_argument(
        "--points",
        action="append",
        default=[],
        metavar="N|NAME=N",
        help="points per function (default 1); repeat as sgd=2 for one function",
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="seconds a cell (or a check) may run (30)"
    )
    parser.add_argument("--language", choices=["en", "zh"], default="en", help="of the verdicts")
    parser.add_argument(
        "--visibility",
        default="visible",
        choices=["visible", "hidden", "after_due_date", "after_published"],
        help="Gradescope's visibility of each test (visible)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Grade; 0 when grading worked (whatever the marks), 2 for a bad path or option."""
    args = _parser().parse_args(argv)
    path = pathlib.Path(args.path)
    try:
        points = _points(args.points)
        _checks.scalar("--timeout", args.timeout, float, low=0, include_low=False)
        _checks.exists("path", path)
        if path.is_dir():
            _checks.not_a_file("--out", args.out, "a folder when grading a folder")
        else:
            _checks.not_given("--csv", args.csv, "it is for grading a folder of notebooks")
        options = {"points": points, "timeout": args.timeout, "visibility": args.visibility}
        with language(args.language):
            if path.is_dir():
                _grade_folder(path, args.out, args.csv, options)
            else:
                results = grade_notebook(path, **options)
                _write_json(results, args.out)
                _summary(path.name, results)
    except (TypeError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except (GradingError, ImportError, RuntimeError) as err:
        print(f"error: grading could not run: {err}", file=sys.stderr)
        return 1
    return 0


def _grade_folder(folder: pathlib.Path, out: str | None, csv_path: str | None, options) -> None:
    rows = []
    if out:
        pathlib.Path(out).mkdir(parents=True, exist_ok=True)
    for path in sorted(folder.glob("*.ipynb")):
        try:
            results = grade_notebook(path, **options)
        except ValueError as err:  # one bad file does not stop the class's grading
            rows.append({"file": path.name, "error": str(err)})
            print(f"{path.name}: {err}")
            continue
        if out:
            _write_json(results, str(pathlib.Path(out) / f"{path.stem}.json"))
        _summary(path.name, results)
        scores = {t["name"]: t["score"] for t in results["tests"]}
        rows.append({"file": path.name, **scores, "score": results["score"], "error": ""})
    if csv_path:
        total = sum(options["points"].values())
        with open(csv_path, "w", newline="", encoding="utf-8") as f:
            fields = ["file", *NAMES, "score", "max_score", "error"]
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            for row in rows:
                filled = {name: 0 for name in [*NAMES, "score"]} | row
                writer.writerow({**filled, "max_score": total})


def _write_json(results: dict[str, Any], out: str | None) -> None:
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump(results, f, ensure_ascii=False, indent=2)
            f.write("\n")


def _summary(name: str, results: dict[str, Any]) -> None:
    total = sum(t["max_score"] for t in results["tests"])
    print(f"{name}: {results['score']:g} / {total:g}")
    for test in results["tests"]:
        verdict = test["output"].splitlines()[0]
        print(f"  {test['score']:g} / {test['max_score']:g}  {verdict}")


if __name__ == "__main__":
    sys.exit(main())
