"""Grade every function of the chapter that a namespace (a notebook's ``globals()``) defines.

A name that is missing, not a function, or the package's own function gets a result that
failed its one case; a check that runs longer than ``seconds`` is stopped and failed.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from functools import partial

import linreg_scratch as package
from linreg_scratch import _checks

from . import _data_iter, _linreg, _sgd, _squared_loss, _synthetic_data
from ._borrowed import borrows
from ._compare import shape
from ._verdict import Result, problem
from .messages import label

#: The checks, in the chapter's order; ``sgd`` as the assignment needs it: its training
#: loop leaves the zeroing of the gradients to ``sgd`` (d2l 2.x's and this package's).
CHECKS: dict[str, Callable[[Callable], Result]] = {
    "synthetic_data": _synthetic_data.synthetic_data,
    "data_iter": _data_iter.data_iter,
    "linreg": _linreg.linreg,
    "squared_loss": _squared_loss.squared_loss,
    "sgd": partial(_sgd.sgd, zeroes=True),
}


def grade(namespace: Mapping[str, object], *, seconds: float | None = None) -> dict[str, Result]:
    """Check each of ``synthetic_data``, ``data_iter``, ``linreg``, ``squared_loss``, ``sgd``.

    ``namespace`` maps names to values, e.g. ``globals()`` in a notebook. Returns one
    :class:`Result` per name, in that order; ``sum(r.score for r in results.values())``
    is the total out of 5. ``seconds``: the time each check may take (Unix, main thread
    only), after which it fails as too slow.

    >>> import torch
    >>> results = grade({"linreg": lambda X, w, b: X @ w + b})
    >>> [(name, r.passed, r.run) for name, r in results.items()][2]
    ('linreg', 6, 6)
    >>> results["sgd"].found[0].mistake
    'not found'
    """
    namespace = _checks.namespace("namespace", namespace)
    return {name: _grade_one(name, namespace.get(name), seconds) for name in CHECKS}


class Uncopyable:
    """Stands, in a grader's namespace, for a function that could not be copied out of
    the notebook; ``why`` is the error that stopped the copy."""

    def __init__(self, why: str) -> None:
        self.why = why

    def __repr__(self) -> str:
        return f"<a function the grader could not copy out of the notebook: {self.why}>"


def _grade_one(name: str, fn: object, seconds: float | None) -> Result:
    case = label("grade.case")
    if isinstance(fn, Uncopyable):  # not the learner's mistake: no verdict on their code
        found = problem("grade.uncopyable", case, name=name, came=fn.why[:300])
        return Result(name, [], [found])
    if fn is None or not callable(fn):
        came = label("grade.nothing", name=name) if fn is None else shape(fn)
        return Result(name, [], [problem("grade.missing", case, name=name, came=came)])
    own = getattr(package, name)
    if borrows(fn, own):  # the package's function itself, or one that hands it the work
        came = f"linreg_scratch.{name}" if fn is own else label("grade.wrapper", own=name)
        return Result(name, [], [problem("grade.package", case, name=name, came=came)])
    try:
        with _time_limit(seconds):
            return CHECKS[name](fn)
    except _TooSlow:
        found = problem("grade.too_slow", f"check.{name}({name})", seconds=seconds)
        return Result(name, [], [found])
    except (SystemExit, KeyboardInterrupt) as err:  # raised by the learner's code: a failure
        came = f"{type(err).__name__}: {err}".removesuffix(": ")  # a bare raise says no more
        return Result(name, [], [problem("error.other", f"check.{name}({name})", came=came)])


class _TooSlow(BaseException):
    """Raised by the timer: a BaseException, so that no ``except Exception`` stops it."""


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`_TooSlow` after ``seconds``, and again every 0.1 s if it is swallowed."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if seconds is None or not usable:
        yield
        return

    def stop(signum, frame):
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
