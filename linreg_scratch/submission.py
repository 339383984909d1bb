"""A submitted notebook: run it top to bottom in a fresh kernel, then copy its functions out.

:func:`run_notebook` runs every cell in a fresh ``python3`` kernel in an empty temporary
folder. A cell that raises is noted and the rest still run; a cell that runs past the
timeout is interrupted and the rest still run, unless the kernel ignores the interrupt
(a loop that catches ``KeyboardInterrupt``): then the cells after it are not run at all,
instead of each waiting out the timeout behind it. A cell's printed output past
:data:`MAX_OUTPUT` characters is dropped as it arrives, so an endless ``print`` cannot
fill the grader's memory (the kernel's own queue of messages still grows until the cell
is stopped).

A last cell, :data:`EXTRACT`, copies the five functions out by value with cloudpickle:
their code, closures and decorators, and the globals, helpers and classes they use (all
together, so that they share their globals, and each one alone, to fall back on when the
bundle cannot be rebuilt), with the source lines of the cells that define them, so an
error can be shown with its line. :func:`rebuild` makes them anew in another process;
a function that cannot be copied or rebuilt becomes an :class:`~linreg_scratch.check.
Uncopyable` that says why.
"""

from __future__ import annotations

import importlib.util
import inspect
import linecache
import os
import pathlib
import pickle
import tempfile
import types
from dataclasses import dataclass
from typing import Any

from . import _checks
from .check._grade import CHECKS, Uncopyable
from .grading import GRADING
from .lang import text

NAMES = list(CHECKS)  # synthetic_data, data_iter, linreg, squared_loss, sgd

#: The most characters of printed output kept per cell; the rest is dropped.
MAX_OUTPUT = 1 << 20
#: A Unix socket's path must stay under 104 bytes (macOS; 108 on Linux), and the kernel
#: adds "-N": a longer temporary folder falls back to TCP on localhost.
IPC_PATH_MAX = 96

# Runs in the submission's kernel after its last cell. Built-ins are reached through the
# builtins module: a notebook may have reused `list` or `open` as a name of its own.
EXTRACT = """\
def __linreg_scratch_extract(path, names):
    import builtins, importlib.util, inspect, linecache, pickle
    import cloudpickle

    space = builtins.globals()
    found = {name: space[name] for name in names if name in space}
    specs = {}
    try:
        specs["*"] = ("values", (builtins.list(found), cloudpickle.dumps(found)))
    except builtins.Exception:
        pass
    lines = {}
    for name, value in found.items():
        try:
            specs[name] = ("value", cloudpickle.dumps(value))
        except builtins.Exception as err:
            specs[name] = ("lost", builtins.type(err).__name__ + ": " + builtins.str(err))
        try:
            code = inspect.unwrap(value).__code__
            lines[name] = (code.co_filename, linecache.getlines(code.co_filename))
        except builtins.Exception:
            pass
    specs["lines"] = ("lines", lines)
    with builtins.open(path, "wb") as f:
        pickle.dump((importlib.util.MAGIC_NUMBER, specs), f)
"""


class GradingError(Exception):
    """Grading itself could not run (not the submission's fault)."""


@dataclass
class Run:
    """What running a notebook gave: the copied functions (``specs``, None when there are
    none), a note per cell that raised or was stopped, and, without specs, ``why`` in a
    few words ("the kernel died while running code cell 7 (...)")."""

    specs: dict[str, tuple] | None
    notes: list[str]
    why: str = ""


def read_notebook(path: pathlib.Path) -> Any:
    """The notebook at ``path``; a ValueError naming it when it is not one."""
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as err:
        _checks.not_a_notebook(path, err)
    return nb


def run_notebook(nb: Any, timeout: float) -> Run:
    """Run ``nb`` in a fresh kernel and copy its functions out (see the module's text)."""
    import nbformat
    from nbclient.exceptions import DeadKernelError

    nb = type(nb)(nb)  # the caller's notebook stays as it was
    nb.cells = [type(c)(c) for c in nb.cells]
    for cell in nb.cells:  # a submission keeps its own run's counts and outputs
        if cell.cell_type == "code":
            cell.execution_count, cell.outputs = None, []
    with tempfile.TemporaryDirectory() as folder:
        work, out = pathlib.Path(folder, "work"), pathlib.Path(folder, "functions.pickle")
        work.mkdir()
        call = f"__linreg_scratch_extract({str(out)!r}, {NAMES!r})\ndel __linreg_scratch_extract\n"
        nb.cells.append(nbformat.v4.new_code_cell(EXTRACT + "\n\n" + call))
        client = _client(nb, timeout, work, pathlib.Path(folder, "kernel"))
        died = False
        try:
            client.execute(env={**os.environ, GRADING: "1"})
        except DeadKernelError:
            died = True
        notes = _cell_notes(nb.cells[:-1], client.stopped, timeout)
        why = _why_unfinished(nb.cells, client, died, timeout)
        if why:
            notes.append(text(why[0].upper() + why[1:] + ".", why + "。"))
            return Run(None, notes, why)
        magic, specs = pickle.loads(out.read_bytes())
    if magic != importlib.util.MAGIC_NUMBER:
        raise GradingError(
            "the python3 kernel runs another Python version than the grader: "
            "run the grader with the kernel's Python"
        )
    return Run(specs, notes)


def _client(nb: Any, timeout: float, work: pathlib.Path, sockets: pathlib.Path):
    """An nbclient NotebookClient that stops at a stuck kernel and caps each cell's output.

    Where the system has them, the kernel talks over Unix sockets (IPC), the files
    ``{sockets}-1``, ``{sockets}-2``, ...: nothing listens on a network port, and the
    kernel does not print its warning about unencrypted TCP into the teacher's console.
    """
    from nbclient import NotebookClient

    ipc = os.name == "posix" and len(os.fsencode(sockets)) < IPC_PATH_MAX  # bytes, not letters

    class Client(NotebookClient):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.stopped: list = []  # the cells interrupted for running past the timeout
            self.stuck: Any = None  # the cell that ignored its interrupt
            self.running: Any = None  # the cell being run (when the kernel dies)
            self.kept: dict[int, int] = {}  # characters of output kept per cell

        def create_kernel_manager(self):
            km = super().create_kernel_manager()
            if ipc:
                km.transport, km.ip = "ipc", str(sockets)
            return km

        async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
            if self.stuck is not None:  # the kernel is still busy with the stuck cell
                return cell
            self.running = cell
            return await super().async_execute_cell(cell, cell_index, *args, **kwargs)

        async def _async_handle_timeout(self, timeout, cell=None):
            if cell is not None and cell.get("execution_count") is None and self.stopped:
                self.stuck = self.stopped[-1]  # this cell never started: the last one holds on
            else:
                self.stopped.append(cell)
            return await super()._async_handle_timeout(timeout, cell)

        def output(self, outs, msg, display_id, cell_index):
            if msg["msg_type"] == "stream":  # printed text: errors and results always kept
                size = self.kept.get(cell_index, 0) + len(msg["content"].get("text", ""))
                self.kept[cell_index] = size
                if size > MAX_OUTPUT:
                    return None
            return super().output(outs, msg, display_id, cell_index)

    return Client(
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


def _number(cells: list, cell: Any) -> int:
    """``cell``'s number among the code cells, from 1."""
    code = [c for c in cells if c.cell_type == "code"]
    return next(i for i, c in enumerate(code, 1) if c is cell)


def _why_unfinished(cells: list, client: Any, died: bool, timeout: float) -> str:
    """Why the functions could not be copied out, in a few words; "" when they were."""
    if client.stuck is not None:
        return text(
            f"code cell {_number(cells, client.stuck)} went on after being stopped at "
            f"{timeout:g} s (it caught the interrupt), so the cells after it did not run",
            f"第 {_number(cells, client.stuck)} 个代码单元格在 {timeout:g} 秒被停止后仍在运行"
            f"（它捕获了中断），所以之后的单元格都没有运行",
        )
    if died:
        return text(
            f"the kernel died while running code cell {_number(cells, client.running)} "
            f"(os._exit, a crash, or running out of memory)",
            f"运行第 {_number(cells, client.running)} 个代码单元格时内核崩溃了"
            f"（os._exit、程序崩溃或内存不足）",
        )
    failed = [o for o in cells[-1].get("outputs", []) if o.output_type == "error"]
    if failed:  # the grader's own cell: not the learner's fault
        error = f"{failed[0].ename}: {failed[0].evalue}"[:300]
        return text(
            f"the grader could not copy the functions out of the notebook ({error})",
            f"评分程序无法从笔记本中取出这些函数（{error}）",
        )
    if cells[-1].get("execution_count") is None:
        return text("the notebook did not finish", "笔记本没有运行完")
    return ""


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


def rebuild(specs: dict[str, tuple], names: list[str] = NAMES) -> dict[str, Any]:
    """The functions ``names`` made anew in this process from what EXTRACT wrote: from the
    bundle when it loads, else each from its own copy (so one function that cannot be
    rebuilt, e.g. for a module only the notebook's folder had, costs only itself)."""
    space: dict[str, Any] = {}
    try:
        bundle = pickle.loads(specs["*"][1][1])  # KeyError: no bundle was made
        space = {name: bundle[name] for name in names if name in bundle}
    except Exception:
        for name in (n for n in names if n in specs):  # each alone
            kind, payload = specs[name]
            try:
                space[name] = pickle.loads(payload) if kind == "value" else Uncopyable(payload)
            except Exception as err:  # e.g. a module the notebook imported that is not here
                space[name] = Uncopyable(f"{type(err).__name__}: {err}")
    _restore_lines(space, specs.get("lines", ("lines", {}))[1])
    return space


def _restore_lines(space: dict[str, Any], lines: dict[str, tuple[str, list[str]]]) -> None:
    """Give each function back the file name of its cell (the copy calls it
    ``<dynamic-code>``) and put that cell's lines where tracebacks look for them."""
    for name, (filename, text_lines) in lines.items():
        fn = space.get(name)
        target = inspect.unwrap(fn) if callable(fn) else None
        if isinstance(target, types.FunctionType) and text_lines:
            target.__code__ = target.__code__.replace(co_filename=filename)
            linecache.cache[filename] = (sum(map(len, text_lines)), None, text_lines, filename)
