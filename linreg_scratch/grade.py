"""Grade from-scratch submissions: ``python -m linreg_scratch.grade NOTEBOOK --out results.json``.

The command's face: each notebook is run in a fresh kernel and its five functions copied
out (:mod:`linreg_scratch.submission`), then checked in a process of their own
(:mod:`linreg_scratch.apart`) with :mod:`linreg_scratch.check`, so nothing a notebook
does to ``check`` or to torch in its own kernel changes its marks. The marks: one
Gradescope test per function, ``--points`` each, partial credit the share of check's
cases passed, the verdicts as its output. A folder grades every ``*.ipynb`` in it and in
its folders (one per student, say) into ``--csv`` (and an ``--out`` folder);
``--submission`` grades the one notebook of a Gradescope submission. Student code runs
with the grader's permissions: grade inside the course's container.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import pathlib
import sys
from typing import Any

from . import _checks, cli
from .apart import check_apart, not_graded
from .lang import language, text
from .submission import NAMES, GradingError, read_notebook, run_notebook


def grade_notebook(
    path: pathlib.Path, *, points: dict[str, float], timeout: float, visibility: str
) -> dict[str, Any]:
    """Gradescope's results of one submission (raises ValueError when it is no notebook)."""
    run = run_notebook(read_notebook(path), timeout)
    if run.specs is None:
        outcomes = {name: (0.0, not_graded(name, run.why)) for name in NAMES}
    else:
        outcomes = check_apart(run.specs, timeout)
    return _results(outcomes, run.notes, points, visibility)


def _results(outcomes, notes, points, visibility) -> dict[str, Any]:
    """Gradescope's results: one test per function, ``outcomes[name] = (share, output)``."""
    tests = [
        {
            "name": name,
            "score": round(points[name] * share, 4),
            "max_score": points[name],
            "output": output,
            "visibility": visibility,
        }
        for name, (share, output) in outcomes.items()
    ]
    checked = text("Functions checked: ", "已检查的函数：") + text(", ", "、").join(NAMES)
    return {
        "score": round(sum(float(t["score"]) for t in tests), 4),
        "output": "\n".join([checked, *notes]),
        "visibility": visibility,
        "tests": tests,
    }


def _points(values: list[str]) -> dict[str, float]:
    """Points per function: a bare ``N`` for all of them, ``NAME=N`` for one, which wins
    over a bare ``N`` wherever each is given."""
    points = dict.fromkeys(NAMES, 1.0)
    for value in sorted(values, key=lambda v: "=" in v):  # the bare N first
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
    parser = cli.Parser(
        prog="python -m linreg_scratch.grade",
        description=text(
            "Grade from-scratch submissions (Jupyter notebooks) with linreg_scratch.check.",
            "用 linreg_scratch.check 给从零实现的作业（Jupyter 笔记本）评分。",
        ),
    )
    parser.add_argument(
        "path",
        help=text(
            "a submitted notebook, or a folder of them", "提交的笔记本，或装有笔记本的文件夹"
        ),
    )
    parser.add_argument(
        "--out",
        help=text(
            "results.json for Gradescope (for a folder: a folder that gets one NAME.json each)",
            "给 Gradescope 的 results.json（评一个文件夹时：一个文件夹，每个笔记本一个 NAME.json）",
        ),
    )
    parser.add_argument(
        "--csv",
        help=text(
            "for a folder: a CSV of scores, one row per notebook",
            "评一个文件夹时：成绩的 CSV 文件，每个笔记本一行",
        ),
    )
    parser.add_argument(
        "--submission",
        action="store_true",
        help=text(
            "PATH is the folder of one submission (Gradescope's /autograder/submission): "
            "grade the notebook in it; if it holds none or several, --out says so",
            "PATH 是一份提交的文件夹（Gradescope 的 /autograder/submission）：给其中的笔记本"
            "评分；没有或有多个笔记本时，--out 写明原因",
        ),
    )
    parser.add_argument(
        "--points",
        action="append",
        default=[],
        metavar="N|NAME=N",
        help=text(
            "points per function (default 1); repeat as sgd=2 for one function",
            "每个函数的分值（默认 1）；可重复，如 sgd=2 只改一个函数",
        ),
    )
    parser.add_argument(
        "--timeout",
        type=cli.number("TIMEOUT", float, low=0, include_low=False),
        default=30.0,
        help=text(
            "seconds a cell (or a check) may run (30)",
            "一个单元格（或一项检查）最多运行的秒数（30）",
        ),
    )
    parser.add_argument(
        "--visibility",
        default="visible",
        choices=["visible", "hidden", "after_due_date", "after_published"],
        help=text(
            "Gradescope's visibility of each test (visible)",
            "每项测试在 Gradescope 上的可见性（visible）",
        ),
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Grade; 0 when grading worked (whatever the marks), 2 for a bad path or option."""
    argv = sys.argv[1:] if argv is None else argv
    with language(cli.chosen_language(argv)):  # its help and its errors too
        args = _parser().parse_args(argv)
    path = pathlib.Path(args.path)
    with language(args.language):  # every refusal and verdict
        try:
            points = _points(args.points)
            _checks.exists("path", path)
            if path.is_dir() and not args.submission:
                _checks.not_a_file("--out", args.out, "a folder when grading a folder")
            else:
                _checks.not_given("--csv", args.csv, "it is for grading a folder of notebooks")
            if args.submission:
                _checks.is_folder("path", path, "--submission")
            whole_folder = path.is_dir() and not args.submission
            _checks.new_file("--out", args.out, folder=whole_folder)
            _checks.new_file("--csv", args.csv)
            options = {"points": points, "timeout": args.timeout, "visibility": args.visibility}
            if args.submission:
                _grade_submission(path, args.out, options)
            elif path.is_dir():
                _grade_folder(path, args.out, args.csv, options)
            else:
                results = grade_notebook(path, **options)
                _write_json(results, args.out)
                _summary(path.name, results)
        except (TypeError, ValueError) as err:
            print(text("error: ", "错误：") + str(err), file=sys.stderr)
            return 2
        except (GradingError, ImportError, RuntimeError, OSError) as err:  # OSError: a full disk
            print(
                text("error: grading could not run: ", "错误：无法评分：") + str(err),
                file=sys.stderr,
            )
            return 1
    return 0


def _notebooks_in(folder: pathlib.Path) -> list[pathlib.Path]:
    """The notebooks anywhere under ``folder`` (an upload may be a zip of folders), not in
    hidden folders (Jupyter's ``.ipynb_checkpoints``, a ``.venv``), nor a Mac zip's ``._``
    copies and ``__MACOSX`` folder."""

    def hidden(part: str) -> bool:
        return part.startswith(".") or part == "__MACOSX"

    found = folder.rglob("*.ipynb")
    return sorted(p for p in found if not any(map(hidden, p.relative_to(folder).parts)))


def _grade_submission(folder: pathlib.Path, out: str | None, options) -> None:
    """Grade the one notebook in a submission's folder; with none, several, or one that
    is not a notebook, results that say so (0 points), so Gradescope shows why."""
    found = _notebooks_in(folder)
    if len(found) == 1:
        try:
            results = grade_notebook(found[0], **options)
        except ValueError as err:  # not a notebook: the learner's upload, not an option
            results = _not_graded_at_all(str(err), options)
        _write_json(results, out)
        _summary(found[0].name, results)
        return
    names = text(", ", "、").join(str(p.relative_to(folder)) for p in found)
    why = (
        text(
            f"the submission holds {len(found)} notebooks ({names}); submit only one",
            f"提交的内容里有 {len(found)} 个笔记本（{names}）；请只提交一个",
        )
        if found
        else text(
            "the submission holds no notebook (.ipynb); submit the assignment's notebook",
            "提交的内容里没有笔记本（.ipynb）；请提交作业的笔记本",
        )
    )
    results = _not_graded_at_all(why, options)
    _write_json(results, out)
    _summary(folder.name, results)


def _not_graded_at_all(why: str, options) -> dict[str, Any]:
    outcomes = {name: (0.0, not_graded(name, why)) for name in NAMES}
    results = _results(outcomes, [], options["points"], options["visibility"])
    results["output"] = why
    return results


def _grade_folder(folder: pathlib.Path, out: str | None, csv_path: str | None, options) -> None:
    """Grade every notebook in ``folder``; each one's JSON and CSV row is written as soon
    as it is graded, so what was graded stays on disk whatever happens later."""
    found = _notebooks_in(folder)
    if not found:
        raise ValueError(
            text(
                f"the folder {str(folder)!r} holds no notebook (.ipynb), not even in its folders",
                f"文件夹 {str(folder)!r} 及其子文件夹里没有笔记本（.ipynb）",
            )
        )
    if out:
        pathlib.Path(out).mkdir(parents=True, exist_ok=True)
    total = sum(options["points"].values())
    with contextlib.ExitStack() as stack:
        writer = None
        if csv_path:
            # with a byte-order mark, so that Excel reads the names as UTF-8 (not GBK)
            f = stack.enter_context(open(csv_path, "w", newline="", encoding="utf-8-sig"))
            writer = csv.DictWriter(f, fieldnames=["file", *NAMES, "score", "max_score", "error"])
            writer.writeheader()
        for path in found:  # each named by where it is: "alice.ipynb", "王五/作业.ipynb"
            name = path.relative_to(folder).as_posix()
            try:
                results = grade_notebook(path, **options)
            except ValueError as err:  # one bad file does not stop the class's grading
                row = {"file": name, "error": str(err)}
                print(f"{name}: {err}")
            else:
                if out:  # 王五/作业.ipynb: OUT/王五/作业.json
                    json_path = pathlib.Path(out, name).with_suffix(".json")
                    json_path.parent.mkdir(parents=True, exist_ok=True)
                    _write_json(results, str(json_path))
                _summary(name, results)
                scores = {t["name"]: t["score"] for t in results["tests"]}
                row = {"file": name, **scores, "score": results["score"], "error": ""}
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
