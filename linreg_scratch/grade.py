"""Grade from-scratch submissions: ``python -m linreg_scratch.grade NOTEBOOK --out results.json``.

Each notebook runs top to bottom in a fresh kernel, in an empty temporary folder: a cell
that raises is recorded and the rest still runs, a cell that runs past ``--timeout``
seconds is interrupted and the rest still runs. Then the functions the notebook defined
are copied out of the kernel by value (cloudpickle: their code, the decorators around them,
and the globals, helpers and classes they use) and checked *here*
with :func:`linreg_scratch.check.grade`, so nothing a notebook does to ``check`` or to
torch in its own kernel changes its marks. The marks: one Gradescope test per function,
``--points`` each, partial credit the share of check's cases passed, the verdict as its
output. A folder grades every ``*.ipynb`` in it into ``--csv`` (and ``--out`` folder).
Student code runs with the grader's permissions: grade inside the course's container.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib.util
import json
import os
import pathlib
import pickle
import subprocess
import sys
import tempfile
from typing import Any

from . import _checks, check
from .check._grade import CHECKS
from .grading import GRADING
from .lang import get_language, language, text

NAMES = list(CHECKS)  # synthetic_data, data_iter, linreg, squared_loss, sgd

# Runs in the submission's kernel after its last cell: copies the five functions out by
# value with cloudpickle (their code, closures, decorators, and the globals, helpers and
# classes they use), all together so that they keep sharing their globals, else one by one.
# Built-ins are reached through the builtins module: a notebook may have reused `list`.
EXTRACT = """\
def __linreg_scratch_extract(path, names):
    import builtins, importlib.util, pickle
    import cloudpickle

    space = builtins.globals()
    found = {name: space[name] for name in names if name in space}
    try:
        specs = {"*": ("values", (builtins.list(found), cloudpickle.dumps(found)))}
    except builtins.Exception:
        specs = {}
        for name, value in found.items():
            try:
                specs[name] = ("value", cloudpickle.dumps(value))
            except builtins.Exception as err:
                specs[name] = ("lost", builtins.type(err).__name__ + ": " + builtins.str(err))
    with builtins.open(path, "wb") as f:
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


def run_notebook(nb: Any, timeout: float) -> tuple[dict[str, tuple] | None, list[str]]:
    """Run ``nb`` in a fresh kernel; return what EXTRACT copied out of it (None when the
    notebook never finished or the copy failed) and notes on the run."""
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
        copy_failed = [o for o in nb.cells[-1].get("outputs", []) if o.output_type == "error"]
        if copy_failed:  # the grader's own cell: not the learner's fault
            error = f"{copy_failed[0].ename}: {copy_failed[0].evalue}"[:300]
            notes.append(
                text(
                    f"The grader could not copy the functions out of the notebook ({error}).",
                    f"评分程序无法从笔记本中取出这些函数（{error}）。",
                )
            )
            return None, notes
        if not out.exists():
            notes.append(
                text(
                    "The notebook never finished, so no function could be graded.",
                    "笔记本没有运行完，所以没有函数可以评分。",
                )
            )
            return None, notes
        magic, specs = pickle.loads(out.read_bytes())
    if magic != importlib.util.MAGIC_NUMBER:
        raise GradingError(
            "the python3 kernel runs another Python version than the grader: "
            "run the grader with the kernel's Python"
        )
    return specs, notes


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
    """The notebook's functions, made anew in this process from what EXTRACT wrote."""
    space: dict[str, Any] = {}
    for name, (kind, payload) in specs.items():
        try:
            if kind == "values":
                space.update(pickle.loads(payload[1]))
            elif kind == "value":
                space[name] = pickle.loads(payload)
            else:
                space[name] = Uncopyable(payload)
        except Exception as err:  # e.g. a module the notebook imported that is not here
            for lost in payload[0] if kind == "values" else [name]:
                space[lost] = Uncopyable(f"{type(err).__name__}: {err}")
    return space


def grade_notebook(
    path: pathlib.Path, *, points: dict[str, float], timeout: float, visibility: str
) -> dict[str, Any]:
    """Gradescope's results of one submission (raises ValueError when it is no notebook)."""
    nb = read_notebook(path)
    specs, notes = run_notebook(nb, timeout)
    if specs is None:
        why = text("the notebook did not finish", "笔记本没有运行完") if not notes else notes[-1]
        outcomes = {name: (0.0, _not_graded(name, why)) for name in NAMES}
    else:
        outcomes = check_apart(specs, timeout)
    tests: list[dict[str, Any]] = []
    for name, (score, output) in outcomes.items():
        tests.append(
            {
                "name": name,
                "score": round(points[name] * score, 4),
                "max_score": points[name],
                "output": output,
                "visibility": visibility,
            }
        )
    checked = text("Functions checked: ", "已检查的函数：") + text(", ", "、").join(NAMES)
    return {
        "score": round(sum(float(t["score"]) for t in tests), 4),
        "output": "\n".join([checked, *notes]),
        "visibility": visibility,
        "tests": tests,
    }


def _not_graded(name: str, why: str) -> str:
    return text(f"✗ {name}: not graded: {why}", f"✗ {name}: 未评分：{why}")


def check_apart(
    specs: dict[str, tuple], seconds: float, names: list[str] = NAMES
) -> dict[str, tuple[float, str]]:
    """``{name: (score, report)}`` of the copied functions ``names``, checked in a process
    of their own: nothing they do (``os._exit``, a crash, output on stdout or stderr)
    reaches this one. If that process ends without results, each function is checked
    again in a process of its own, so only the one that ended it is "not graded"."""
    here = str(pathlib.Path(__file__).resolve().parent.parent)  # the package's folder
    path = os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory() as folder:
        given, taken = pathlib.Path(folder, "given.pickle"), pathlib.Path(folder, "taken.json")
        given.write_bytes(pickle.dumps((specs, names, seconds, get_language(), check.SEED)))
        code = "from linreg_scratch.grade import _check_here; _check_here()"
        try:
            done = subprocess.run(
                [sys.executable, "-c", code, str(given), str(taken)],
                cwd=folder,
                env={**os.environ, "PYTHONPATH": path},
                capture_output=True,
                timeout=60 + seconds * (len(names) + 1),
            )
            ended = text(f"exit code {done.returncode}", f"退出码 {done.returncode}")
        except subprocess.TimeoutExpired:
            ended = text("it ran out of time", "超时")
        if taken.exists():
            found = json.loads(taken.read_text(encoding="utf-8"))
            return {name: (score, report) for name, (score, report) in found.items()}
    if len(names) > 1:
        return {
            name: outcome
            for one in names
            for name, outcome in check_apart(specs, seconds, [one]).items()
        }
    why = text(
        f"checking it ended the grader's process ({ended})",
        f"检查它时评分进程中止了（{ended}）",
    )
    return {names[0]: (0.0, _not_graded(names[0], why))}


def _check_here() -> None:
    """The process of :func:`check_apart`: rebuild, check, write ``{name: (score, report)}``."""
    given, taken = (pathlib.Path(arg) for arg in sys.argv[1:3])
    specs, names, seconds, lang, seed = pickle.loads(given.read_bytes())
    check.SEED = seed
    with language(lang):
        space = {name: value for name, value in rebuild(specs).items() if name in names}
        results = check.grade(space, seconds=seconds)
        found = {name: (results[name].score, results[name].report()) for name in names}
    taken.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")


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
        "--submission",
        action="store_true",
        help="PATH is the folder of one submission (Gradescope's /autograder/submission): "
        "grade the notebook in it; if it holds none or several, --out says so",
    )
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
        if path.is_dir() and not args.submission:
            _checks.not_a_file("--out", args.out, "a folder when grading a folder")
        else:
            _checks.not_given("--csv", args.csv, "it is for grading a folder of notebooks")
        options = {"points": points, "timeout": args.timeout, "visibility": args.visibility}
        with language(args.language):
            if args.submission:
                _checks.is_folder("path", path, "--submission")
                found = _notebooks_in(path)
                if len(found) == 1:
                    results = grade_notebook(found[0], **options)
                else:
                    results = _no_one_notebook(path, found, **options)
                _write_json(results, args.out)
                _summary(path.name, results)
            elif path.is_dir():
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


def _notebooks_in(folder: pathlib.Path) -> list[pathlib.Path]:
    """The notebooks anywhere under ``folder`` (an upload may be a zip of folders), not
    Jupyter's checkpoint copies."""
    found = folder.rglob("*.ipynb")
    return sorted(p for p in found if ".ipynb_checkpoints" not in p.relative_to(folder).parts)


def _no_one_notebook(
    folder: pathlib.Path,
    found: list[pathlib.Path],
    *,
    points: dict[str, float],
    timeout: float,
    visibility: str,
) -> dict[str, Any]:
    """Results for a submission without exactly one notebook: 0 points, and why."""
    if found:
        names = ", ".join(str(p.relative_to(folder)) for p in found)
        why = text(
            f"the submission holds {len(found)} notebooks ({names}); submit only one",
            f"提交的内容里有 {len(found)} 个笔记本（{names}）；请只提交一个",
        )
    else:
        why = text(
            "the submission holds no notebook (.ipynb); submit the assignment's notebook",
            "提交的内容里没有笔记本（.ipynb）；请提交作业的笔记本",
        )
    tests = [
        {
            "name": name,
            "score": 0.0,
            "max_score": points[name],
            "output": _not_graded(name, why),
            "visibility": visibility,
        }
        for name in NAMES
    ]
    return {"score": 0.0, "output": why, "visibility": visibility, "tests": tests}


def _grade_folder(folder: pathlib.Path, out: str | None, csv_path: str | None, options) -> None:
    """Grade every notebook in ``folder``; each one's JSON and CSV row is written as soon
    as it is graded, so what was graded stays on disk whatever happens later."""
    if out:
        pathlib.Path(out).mkdir(parents=True, exist_ok=True)
    total = sum(options["points"].values())
    with contextlib.ExitStack() as stack:
        writer = None
        if csv_path:
            f = stack.enter_context(open(csv_path, "w", newline="", encoding="utf-8"))
            writer = csv.DictWriter(f, fieldnames=["file", *NAMES, "score", "max_score", "error"])
            writer.writeheader()
        for path in sorted(folder.glob("*.ipynb")):
            try:
                results = grade_notebook(path, **options)
            except ValueError as err:  # one bad file does not stop the class's grading
                row = {"file": path.name, "error": str(err)}
                print(f"{path.name}: {err}")
            else:
                if out:
                    _write_json(results, str(pathlib.Path(out) / f"{path.stem}.json"))
                _summary(path.name, results)
                scores = {t["name"]: t["score"] for t in results["tests"]}
                row = {"file": path.name, **scores, "score": results["score"], "error": ""}
            if writer is not None:
                writer.writerow(
                    {name: 0.0 for name in [*NAMES, "score"]} | row | {"max_score": total}
                )
                f.flush()


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
