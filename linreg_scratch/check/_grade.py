"""Grade every function of the chapter that a namespace (a notebook's ``globals()``) defines.

A name that is missing, not a function, or the package's own function gets a result that
failed its one case; a check that runs longer than ``seconds`` is stopped and failed.
"""

from __future__ import annotations

import contextlib
import dis
import inspect
import signal
import sys
import threading
import types
from collections.abc import Callable, Iterator, Mapping
from functools import partial

import linreg_scratch as package

from . import _data_iter, _linreg, _sgd, _squared_loss, _synthetic_data
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
    return {name: _grade_one(name, namespace.get(name), seconds) for name in CHECKS}


def _package_function(fn: object) -> str | None:
    """The name of the package's function that ``fn`` is, or that it reaches (a thin
    wrapper): through a global (``from linreg_scratch import sgd``), a module's attribute
    (``linreg_scratch.sgd``, ``d2l.sgd``) or a closure, in its code or nested code."""
    own = {id(getattr(package, n)): n for n in CHECKS}
    if id(fn) in own:
        return own[id(fn)]
    fn = inspect.unwrap(fn) if callable(fn) else fn
    code = getattr(fn, "__code__", None)
    if code is None:
        return None
    space = getattr(fn, "__globals__", {})
    values = []
    with contextlib.suppress(ValueError):  # an empty cell
        values += [cell.cell_contents for cell in getattr(fn, "__closure__", None) or ()]
    codes = [code]
    while codes:  # the function's own code and the code of what it defines inside
        code = codes.pop()
        codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
        values += _reached(code, space)
    return next((own[id(v)] for v in values if id(v) in own), None)


def _reached(code: types.CodeType, space: Mapping[str, object]) -> list[object]:
    """What ``code``'s instructions load, followed step by step from globals, imports and
    locals through attributes: ``linreg_scratch.sgd``, ``d2l.sgd`` after ``from
    linreg_scratch import d2l``. Anything not reached from the package counts as None."""
    found: list[object] = []
    local: dict[str, object] = {}
    reached: object = None  # what the last instructions load
    importing: object = None  # the module an import statement takes names from
    for step in dis.get_instructions(code):
        op, arg = step.opname, step.argval
        names = arg if isinstance(arg, tuple) else (arg,)  # LOAD_FAST_LOAD_FAST: two
        if op == "LOAD_GLOBAL":
            reached = space.get(str(arg))
        elif op.startswith(("LOAD_FAST", "LOAD_DEREF")):
            reached = local.get(str(names[-1]))
        elif op == "IMPORT_NAME":
            reached = importing = sys.modules.get(str(arg).split(".")[0])
        elif op == "IMPORT_FROM":
            reached = getattr(importing, str(arg), None) if _ours(importing) else None
        elif op in ("LOAD_ATTR", "LOAD_METHOD") and _ours(reached):
            reached = getattr(reached, str(arg), None)
        elif op.startswith("STORE_FAST"):
            local[str(names[0])] = reached
            continue
        else:
            reached = None
        found.append(reached)
    return found


def _ours(value: object) -> bool:
    """Whether ``value`` is the package or one of its modules (``d2l``)."""
    return isinstance(value, types.ModuleType) and value.__name__.startswith("linreg_scratch")


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
    own = _package_function(fn)
    if own is not None:  # the package's function itself, or a function that calls it
        came = (
            f"linreg_scratch.{own}"
            if fn is getattr(package, own)
            else label("grade.wrapper", own=own)
        )
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
