"""The verdict: run a check's cases safely under a fixed seed and say what went wrong.

A case is a function of no arguments that calls the learner's function and stops at the
first mistake with :func:`fail`, naming a key of :data:`~.messages.MESSAGES`. :func:`run`
runs each case and keeps one outcome per case (``None`` when it passed); :class:`Result`
shows the distinct problems among them.
"""

from __future__ import annotations

import contextlib
import html
import os
import random
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

import torch

from .. import _checks
from ..lang import get_language, language, text
from .messages import MESSAGES, fill, label


@dataclass(frozen=True)
class Problem:
    """One failing case: the input, what was expected, what came back, the likely mistake.

    ``key`` is the mistake's key in :data:`~.messages.MESSAGES`.
    """

    mistake: str
    case: str
    expected: str
    got: str
    hint: str
    key: str

    def sentence(self) -> str:
        return label(
            "sentence",
            mistake=self.mistake,
            case=self.case,
            expected=self.expected,
            got=self.got,
            hint=self.hint,
        )


def problem(key: str, case: str, **values: object) -> Problem:
    """The mistake ``key`` seen in ``case``, its words filled with ``values``."""
    message = MESSAGES[key]
    return Problem(
        mistake=fill(message.mistake, **values),
        case=case,
        expected=fill(message.expected, **values),
        got=fill(message.got, **values),
        hint=fill(message.hint, **values),
        key=key,
    )


class _CaseError(Exception):
    """Raised inside a case to stop it with a problem."""

    def __init__(self, found: Problem):
        super().__init__(found.mistake)
        self.problem = found


def fail(key: str, case: str, **values: object) -> NoReturn:
    """Stop the running case with the mistake ``key`` (see :func:`problem`)."""
    raise _CaseError(problem(key, case, **values))


class Result:
    """What a check found: truthy when every case passed, ``.problems`` otherwise.

    ``.outcomes`` holds one entry per case run, in order: ``None`` for a case that passed,
    else its :class:`Problem`. ``.found`` keeps the first problem of each distinct mistake,
    ``.problems`` says each in a sentence, ``.checked`` lists what the cases cover.
    ``.passed`` of ``.run`` cases passed; ``.score`` is that share, from 0 to 1 (a grade's
    partial credit: an nbgrader cell ending in ``check.sgd(sgd).score * 2`` earns 0 to 2).
    """

    def __init__(self, name: str, checked: list[str], outcomes: Sequence[Problem | None]):
        self.name = name
        self.checked = checked
        self.outcomes = list(outcomes)
        self.found: list[Problem] = []
        for outcome in self.outcomes:
            if outcome is not None and all(p.mistake != outcome.mistake for p in self.found):
                self.found.append(outcome)
        self.problems = [p.sentence() for p in self.found]
        self.language = get_language()  # shown in the language it was checked in

    def __bool__(self) -> bool:
        return not self.found

    @property
    def run(self) -> int:
        """How many cases ran."""
        return len(self.outcomes)

    @property
    def passed(self) -> int:
        """How many cases passed."""
        return sum(outcome is None for outcome in self.outcomes)

    @property
    def score(self) -> float:
        """The share of cases passed, ``passed / run``: 1.0 when all passed, 0.0 when none."""
        return self.passed / self.run if self.run else 0.0

    def tally(self) -> str:
        """``13 of 14 cases passed``, in the language it was checked in."""
        with language(self.language):
            return label("tally", passed=self.passed, run=self.run)

    def _rows(self, found: Problem | None = None) -> list[tuple[str, str]]:
        """The fields of ``found`` (the first problem), each with its label; without
        ``found``, a last row says how many problems follow."""
        fields = ["case", "expected", "got", "hint"]
        rows = [(label(f), getattr(found or self.found[0], f)) for f in fields]
        more = len(self.found) - 1
        return rows + ([("", label("more", more=more))] if more and found is None else [])

    def report(self) -> str:
        """The verdict with every problem in full and the tally: for a reader who cannot
        look at ``.problems`` (a grader's output)."""
        with language(self.language):
            if not self.found:
                return f"{self._passed()}\n{self.tally()}"
            lines = [self._failed()]
            for i, found in enumerate(self.found):
                if i:
                    lines += ["", label("failed", name=self.name, mistake=found.mistake)]
                lines += [name + value for name, value in self._rows(found)]
            return "\n".join([*lines, self.tally()])

    def __str__(self) -> str:
        with language(self.language):
            if not self.found:
                return self._passed()
            lines = [self._failed()]
            for name, value in self._rows():
                lines.append(name + value if name else label("aside", words=value))
            return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        with language(self.language):
            if not self.found:
                return f'<div style="color:#1a7f37"><b>{html.escape(self._passed())}</b></div>'
            body, more = "", ""
            for name, value in self._rows():
                if not name:
                    more = f"<div>{html.escape(value)}</div>"
                    continue
                body += (
                    '<tr><th style="text-align:left;padding-right:1em">'
                    f"{html.escape(name.strip().rstrip(':：'))}</th>"
                    f'<td style="text-align:left"><code>{html.escape(value)}</code></td></tr>'
                )
            title = html.escape(self._failed())
            return f'<div><b style="color:#cf222e">{title}</b><table>{body}</table>{more}</div>'

    def _passed(self) -> str:
        return label("passed", name=self.name, checked=text("; ", "；").join(self.checked))

    def _failed(self) -> str:
        return label("failed", name=self.name, mistake=self.found[0].mistake)


def run(name: str, fn: object, cases: Sequence[Callable[[], None]]) -> list[Problem | None]:
    """Run every case under a fixed seed: its problem, or ``None`` when it passed."""
    _checks.function("fn", fn, check=name)
    return [_outcome(name, case) for case in cases]


def _outcome(name: str, case: Callable[[], None]) -> Problem | None:
    with fixed_seed():
        try:
            case()
        except _CaseError as err:
            return err.problem
        except SystemExit as err:  # exit() in the learner's code, e.g. inside a generator
            return problem("error.other", name, came=f"SystemExit: {err}")
        except Exception as err:  # a return value odd enough to trip the checker itself
            return problem("result.unreadable", name, came=f"{type(err).__name__}: {err}")
    return None


@contextlib.contextmanager
def fixed_seed() -> Iterator[None]:
    """Seed torch, ``random`` and numpy with ``check.SEED``; give the caller's states back."""
    import numpy as np

    from . import SEED  # read now: a grader may set check.SEED

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


def call(fn: Callable[..., Any], case: str, *args: object) -> Any:
    """Call the learner's function; an exception (or exit()) becomes a problem naming it."""
    try:
        return fn(*args)
    except (Exception, SystemExit) as err:
        raised(err, case)


def raised(err: BaseException, case: str) -> NoReturn:
    """Fail ``case`` with the error the learner's code raised, where in their code, and the
    mistake behind it."""
    message = f"{type(err).__name__}: {err}".strip()
    came = message.splitlines()[0][:200] + _where(err)
    fail(_explain_error(message), case, came=came)


def _where(err: BaseException) -> str:
    """`` (sgd, line 4: p -= lr * p.grad)``: the learner's last line that ran, the deepest
    frame outside this package and the installed libraries; "" when there is none."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    libraries = {os.path.abspath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    theirs = [
        frame
        for frame in traceback.extract_tb(err.__traceback__)
        if not os.path.abspath(frame.filename).startswith((package, *libraries))
    ]
    if not theirs:
        return ""
    frame = theirs[-1]
    if not frame.line:  # no source to read (code copied out of a notebook, say)
        return label("where", name=frame.name, line=frame.lineno)
    return label("where.code", name=frame.name, line=frame.lineno, code=frame.line[:120])


def _explain_error(message: str) -> str:
    """The mistake behind an error the chapter's functions often raise."""
    if message.startswith("NotImplementedError"):  # the assignment's stub, still there
        return "error.not_written"
    if "leaf Variable that requires grad" in message:
        return "error.no_grad"
    if "cannot be multiplied" in message or "size mismatch" in message:
        return "error.matmul"
    return "error.other"
