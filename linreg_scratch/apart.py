"""Check the functions copied out of a notebook in a process of their own.

The learner's functions run only in a child process (``python -c`` importing this module),
one after the other, and each verdict is written to a file as soon as it is known. So
nothing they do reaches the grader: their output goes nowhere, and if one of them ends
the child (``os._exit``, a crash) the grader names that one "not graded" and starts a
new child for the rest. A function that keeps running after the check's time limit
(a loop that catches the stop) is cut off by a watchdog a few seconds later.

Code that runs in the child can also write to the verdicts' file: a verdict that does
not read as one is dropped, but a forged one that does cannot be told apart. As with
every autograder that runs the learner's code, grade inside the course's container and
keep an eye on the notebooks.
"""

from __future__ import annotations

import json
import math
import os
import pathlib
import pickle
import signal
import subprocess
import sys
import tempfile
import threading

from . import check
from .check._grade import _grade_one
from .check._verdict import Result, problem
from .lang import get_language, language, text
from .submission import NAMES, rebuild

#: Seconds past a check's time limit before the watchdog ends the child.
GRACE = 3.0
#: The child's exit code when its watchdog ended it (after writing that verdict).
CUT_OFF = 75


def check_apart(
    specs: dict[str, tuple], seconds: float, names: list[str] = NAMES
) -> dict[str, tuple[float, str]]:
    """``{name: (score, report)}`` for ``names``, checked in children of this process."""
    found: dict[str, tuple[float, str]] = {}
    todo = list(names)
    while todo:
        done, ended = _child(specs, seconds, todo)
        found |= done
        todo = [name for name in todo if name not in found]
        if todo and not (done and not ended):  # it ended while checking todo[0] (in order)
            ended = ended or _how(CUT_OFF)  # the code, if not from its watchdog after all
            name = todo.pop(0)
            why = text(f"checking it ended the process ({ended})", f"检查它时进程中止了（{ended}）")
            found[name] = (0.0, not_graded(name, why))
    return {name: found[name] for name in names}


def not_graded(name: str, why: str) -> str:
    """The verdict of a function that could not be graded, and why."""
    return text(f"✗ {name}: not graded: {why}", f"✗ {name}: 未评分：{why}")


def _child(specs, seconds, names) -> tuple[dict[str, tuple[float, str]], str]:
    """Run a child on ``names``; the verdicts it wrote, and how it ended, in words ("" when
    its watchdog ended it: the last verdict it wrote says so)."""
    here = str(pathlib.Path(__file__).resolve().parent.parent)  # the package's folder
    path = os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory() as folder:
        given, taken = pathlib.Path(folder, "given.pickle"), pathlib.Path(folder, "taken.jsonl")
        given.write_bytes(pickle.dumps((specs, names, seconds, get_language(), check.SEED)))
        code = "from linreg_scratch.apart import _check_here; _check_here()"
        try:
            done = subprocess.run(
                [sys.executable, "-c", code, str(given), str(taken)],
                cwd=folder,
                env={**os.environ, "PYTHONPATH": path},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,  # the learner's prints: read by no one
                stderr=subprocess.DEVNULL,
                timeout=60 + (seconds + GRACE) * len(names),
            )
            ended = "" if done.returncode == CUT_OFF else _how(done.returncode)
        except subprocess.TimeoutExpired:
            ended = text("it ran out of time", "超时")
        lines = taken.read_text(encoding="utf-8").splitlines() if taken.exists() else []
    return _verdicts(lines, names), ended


def _how(code: int) -> str:
    if code < 0:
        with_name = signal.Signals(-code).name if -code in signal.valid_signals() else -code
        return text(f"it crashed: {with_name}", f"程序崩溃：{with_name}")
    return text(f"exit code {code}", f"退出码 {code}")


def _verdicts(lines: list[str], names: list[str]) -> dict[str, tuple[float, str]]:
    """The lines ``[name, score, report]`` that read as verdicts on ``names``, in order."""
    found: dict[str, tuple[float, str]] = {}
    for line in lines:
        try:
            name, score, report = json.loads(line)
        except (ValueError, TypeError):
            break
        ok = isinstance(score, float) and math.isfinite(score) and 0 <= score <= 1
        if name not in names or name in found or not ok or not isinstance(report, str):
            break
        found[name] = (score, report)
    return found


def _check_here() -> None:
    """The child: rebuild the functions, check each, append its verdict to the file."""
    given, taken = (pathlib.Path(arg) for arg in sys.argv[1:3])
    specs, names, seconds, lang, seed = pickle.loads(given.read_bytes())
    check.SEED = seed
    with language(lang), open(taken, "a", encoding="utf-8") as out:
        space = rebuild(specs, names)
        lock, written = threading.Lock(), set()

        def write(name: str, result: Result) -> None:  # once per name: the watchdog may race
            with lock:
                if name not in written:
                    written.add(name)
                    out.write(json.dumps([name, float(result.score), result.report()]) + "\n")
                    out.flush()

        for name in names:
            watchdog = threading.Timer(seconds + GRACE, _cut_off, (name, seconds, write))
            watchdog.daemon = True
            watchdog.start()
            write(name, _grade_one(name, space.get(name), seconds))
            watchdog.cancel()


def _cut_off(name: str, seconds: float, write) -> None:
    """The watchdog: ``name`` went on past its stop; fail it as too slow, end the child."""
    found = problem("grade.too_slow", f"check.{name}({name})", seconds=seconds)
    write(name, Result(name, [], [found]))
    os._exit(CUT_OFF)
