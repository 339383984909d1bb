"""Does a learner's function hand its work to the package's own function of that name?

``def sgd(params, lr, batch_size): return linreg_scratch.sgd(params, lr, batch_size)``
passes every check of ``sgd``, and so would score full marks without a line of the
learner's own. :func:`borrows` follows what a function reaches: the objects its
instructions load (globals, a module's attributes such as ``d2l.sgd``, modules imported
inside it, its locals and closures), its default arguments, what it wraps
(``functools.partial``, ``functools.wraps``, decorators), a callable object's
``__call__``, and the learner's own helpers it calls, defined beside it. Using the package
for anything else (``d2l.normal``, ``set_language``, another of the five functions) is
not borrowing.
"""

from __future__ import annotations

import contextlib
import dis
import functools
import sys
import types
from collections.abc import Iterator, Mapping

#: How many objects :func:`borrows` looks at, at most, before it gives up (as "no").
MAX_VISITS = 200


def borrows(fn: object, target: object) -> bool:
    """Whether ``fn`` is ``target`` or reaches it (see the module's text)."""
    try:
        return _search(fn, target)
    except Exception:  # a learner's object that fights inspection: judged by its checks
        return False


def _search(fn: object, target: object) -> bool:
    home = {getattr(fn, "__module__", None), "__main__"}  # where the learner's helpers live
    seen: set[int] = set()
    todo = [fn]
    while todo and len(seen) < MAX_VISITS:
        obj = todo.pop()
        if obj is target:
            return True
        if id(obj) in seen or _ours(obj):
            continue
        seen.add(id(obj))
        todo.extend(_parts(obj, home))
    return False


def _parts(obj: object, home: set) -> Iterator[object]:
    """What calling ``obj`` may call: for a function of the learner's, what its code loads."""
    if isinstance(obj, functools.partial):
        yield obj.func
        yield from obj.args
        yield from obj.keywords.values()
        return
    for attr in ("__wrapped__", "__func__"):  # functools.wraps, decorators; bound methods
        inner = getattr(obj, attr, None)
        if inner is not None:
            yield inner
    if not isinstance(obj, types.FunctionType):
        call = type(obj).__dict__.get("__call__")  # an object of the learner's own class
        if isinstance(call, types.FunctionType):
            yield call
        return
    if obj.__module__ not in home:
        return  # torch's or another library's function: not followed into
    yield from obj.__defaults__ or ()
    yield from (obj.__kwdefaults__ or {}).values()
    cells = {}
    for name, cell in zip(obj.__code__.co_freevars, obj.__closure__ or (), strict=False):
        with contextlib.suppress(ValueError):  # an empty cell
            cells[name] = cell.cell_contents
    yield from cells.values()
    yield from _loaded(obj.__code__, obj.__globals__, cells)


def _loaded(code: types.CodeType, space: Mapping[str, object], local: dict) -> list[object]:
    """What ``code`` loads, followed step by step from globals, imports and locals through
    attributes (``linreg_scratch.sgd``; ``d2l.sgd`` after ``from linreg_scratch import
    d2l``), with the code it defines inside (which sees these locals)."""
    found: list[object] = []
    local = dict(local)
    reached: object = None  # what the last instructions loaded
    importing: object = None  # the module an import statement takes names from
    fromlist: object = None  # the last constant: an import's list of names
    for step in dis.get_instructions(code):
        op, arg = step.opname, step.argval
        names = [str(n) for n in (arg if isinstance(arg, tuple) else (arg,))]
        if op == "LOAD_CONST":
            fromlist = arg
            if isinstance(arg, types.CodeType):
                found += _loaded(arg, space, local)
            continue
        if op == "LOAD_GLOBAL":
            reached = space.get(names[0])
        elif op.startswith(("LOAD_FAST", "LOAD_DEREF")):  # LOAD_FAST_LOAD_FAST: two
            reached = local.get(names[-1])
        elif op == "IMPORT_NAME":  # `from a.b import c` takes c from a.b; `import a.b`, a
            whole = names[0] if fromlist else names[0].split(".")[0]
            reached = importing = sys.modules.get(whole)
        elif op == "IMPORT_FROM":
            reached = getattr(importing, names[0], None) if _ours(importing) else None
        elif op in ("LOAD_ATTR", "LOAD_METHOD") and _ours(reached):
            reached = getattr(reached, names[0], None)
        elif op.startswith(("STORE_FAST", "STORE_DEREF")):
            local[names[0]] = reached
            if op == "STORE_FAST_STORE_FAST":  # the second value is not followed
                local[names[1]] = None
            if op != "STORE_FAST_LOAD_FAST":
                continue
            reached = local.get(names[1])  # stores the first name, loads the second
        else:
            reached = None
        found.append(reached)
    return found


def _ours(value: object) -> bool:
    """Whether ``value`` is the package or one of its modules (``d2l``)."""
    return isinstance(value, types.ModuleType) and value.__name__.startswith("linreg_scratch")
