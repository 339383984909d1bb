"""Running a submitted notebook and copying its functions out (linreg_scratch.submission).

The copy is made as the grader makes it: EXTRACT run in a namespace like a kernel's
``__main__``, the bytes read back, and the functions rebuilt.
"""

from __future__ import annotations

import inspect
import pathlib
import pickle
import random
import sys

import numpy as np
import pytest
import test_check as tc
import torch

from linreg_scratch import check, submission


def _copied(namespace: dict) -> dict:
    """What the grader rebuilds from ``namespace`` (a kernel's ``__main__``) after EXTRACT
    ran in it, sent through pickle's bytes as from the kernel to the grader."""

    path = pathlib.Path(namespace.pop("__path__"))
    namespace.setdefault("__name__", "__main__")
    exec(
        submission.EXTRACT + f"\n__linreg_scratch_extract({str(path)!r}, {submission.NAMES!r})",
        namespace,
    )
    _, specs = pickle.loads(path.read_bytes())
    return submission.rebuild(specs)


@pytest.mark.parametrize(
    ("name", "fn", "diagnosis"),
    [(name, fn, words) for name, cases in tc.WRONG.items() for fn, words in cases],
    ids=lambda v: getattr(v, "__name__", None) if callable(v) else None,
)
def test_each_mistake_survives_the_copy_out_of_the_notebook(tmp_path, name, fn, diagnosis):
    source = inspect.getsource(fn).replace(f"def {fn.__name__}(", f"def {name}(", 1)
    namespace = {"torch": torch, "random": random, "np": np, "__path__": tmp_path / "f.pickle"}
    exec(source, namespace)
    copied = _copied(namespace)
    assert copied[name] is not namespace[name] and copied[name].__globals__ is not namespace
    result = check.grade(copied)[name]
    assert diagnosis in str(result).splitlines()[0]
    assert result.score == check.grade({name: fn})[name].score


def test_the_copy_takes_helpers_modules_and_values_but_not_the_kernel_state(tmp_path):
    namespace = {"__path__": tmp_path / "f.pickle"}
    exec(
        "import torch as T\nHALF = 2.0\n"
        "def _sq(d):\n    return T.square(d) / HALF\n"
        "def squared_loss(y_hat, y):\n    return _sq(y_hat - y.reshape(y_hat.shape))\n"
        "class Thing:\n    pass\nthing = Thing()\n",
        namespace,
    )
    copied = _copied(namespace)
    assert set(copied) == {"squared_loss"}  # only the five names (here one) come back
    scope = copied["squared_loss"].__globals__
    assert scope["T"] is torch and scope["HALF"] == 2.0 and callable(scope["_sq"])
    assert "thing" not in scope and "Thing" not in scope  # not used by the five
    assert check.grade(copied)["squared_loss"].score == 1.0


SOLVED_SGD = (
    "def sgd(params, lr, batch_size):\n"
    "    for param in params:\n"
    "        param -= lr * param.grad / batch_size\n"
    "        param.grad.zero_()\n"
)


@pytest.mark.parametrize(
    "source",
    [
        "import torch\n@torch.no_grad()\n" + SOLVED_SGD,  # a decorator of torch's
        "import functools, torch\n"  # a decorator of the notebook's own
        "def quiet(f):\n    @functools.wraps(f)\n    def g(*a):\n"
        "        with torch.no_grad():\n            return f(*a)\n    return g\n"
        "@quiet\n" + SOLVED_SGD,
        "import torch\nlist = [1, 2, 3]\nisinstance = open = None\n"  # built-ins reused
        "def sgd(params, lr, batch_size):\n"
        "    with torch.no_grad():\n"
        "        for param in params:\n"
        "            param -= lr * param.grad / batch_size\n"
        "            param.grad.zero_()\n",
    ],
    ids=["torch-decorator", "own-decorator", "shadowed-builtins"],
)
def test_decorated_functions_and_reused_builtin_names_copy_out(tmp_path, source):
    namespace = {"__path__": tmp_path / "f.pickle"}
    exec(source, namespace)
    assert check.sgd(namespace["sgd"]).score == 1.0
    copied = _copied(namespace)
    assert check.grade(copied)["sgd"].score == 1.0


def test_a_class_the_notebook_defines_copies_out_with_the_function(tmp_path):
    namespace = {"__path__": tmp_path / "f.pickle"}
    exec(
        "import torch\n"
        "class Batches:\n"
        "    def __init__(self, bs, X, y):\n"
        "        self.order, self.bs, self.X, self.y = torch.randperm(len(X)), bs, X, y\n"
        "    def __iter__(self):\n"
        "        for i in range(0, len(self.X), self.bs):\n"
        "            j = self.order[i : i + self.bs]\n"
        "            yield self.X[j], self.y[j]\n"
        "def data_iter(batch_size, features, labels):\n"
        "    return iter(Batches(batch_size, features, labels))\n",
        namespace,
    )
    copied = _copied(namespace)
    assert check.grade(copied)["data_iter"].score == check.data_iter(namespace["data_iter"]).score


def test_a_function_that_cannot_be_copied_is_named_and_the_others_still_come(tmp_path):
    namespace = {"__path__": tmp_path / "f.pickle"}
    exec(
        "import threading\nLOCK = threading.Lock()\n"
        "def linreg(X, w, b):\n    with LOCK:\n        return X @ w + b\n"
        "def squared_loss(y_hat, y):\n    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2\n",
        namespace,
    )
    copied = _copied(namespace)
    assert isinstance(copied["linreg"], check.Uncopyable) and "lock" in repr(copied["linreg"])
    assert check.grade(copied)["squared_loss"].score == 1.0


def test_one_function_that_cannot_be_rebuilt_costs_only_itself(tmp_path, monkeypatch):
    (tmp_path / "helpers.py").write_text("def mm(a, b):\n    return a @ b\n")
    monkeypatch.syspath_prepend(str(tmp_path))  # the notebook's folder, during its run only
    namespace = {"__path__": tmp_path / "f.pickle"}
    exec(
        "import torch\nfrom helpers import mm\n"
        "def linreg(X, w, b):\n    return mm(X, w) + b\n"
        "def squared_loss(y_hat, y):\n    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2\n",
        namespace,
    )

    path = pathlib.Path(namespace.pop("__path__"))
    namespace["__name__"] = "__main__"
    exec(
        submission.EXTRACT
        + f"\n__linreg_scratch_extract({str(path)!r}, ['linreg', 'squared_loss'])",
        namespace,
    )
    monkeypatch.delitem(sys.modules, "helpers")
    monkeypatch.syspath_prepend("/nonexistent")
    sys.path.remove(str(tmp_path))
    copied = submission.rebuild(pickle.loads(path.read_bytes())[1])
    assert isinstance(copied["linreg"], check.Uncopyable) and "helpers" in copied["linreg"].why
    assert check.grade(copied)["squared_loss"].score == 1.0
    graded = check.grade(copied)["linreg"]
    assert str(graded).startswith("✗ linreg: not graded: the grader could not copy it out")


def test_the_client_keeps_at_most_max_output_characters_of_a_cell_s_prints(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    client = submission._client(nb, 1.0, tmp_path, tmp_path / "kernel")
    client.clear_before_next_output = False  # as a cell's run sets it
    outs = []

    def message(kind, text):
        content = (
            {"name": "stdout", "text": text}
            if kind == "stream"
            else {"ename": "E", "evalue": "x", "traceback": []}
        )
        return {
            "msg_type": kind,
            "content": content,
            "header": {"msg_type": kind},
            "parent_header": {"msg_id": "m"},
            "metadata": {},
        }

    chunk = "y" * 100_000
    for _ in range(30):  # 3 MB printed
        client.output(outs, message("stream", chunk), None, 0)
    kept = sum(len(o.get("text", "")) for o in outs)
    assert kept <= submission.MAX_OUTPUT and kept >= submission.MAX_OUTPUT - len(chunk)
    client.output(outs, message("error", ""), None, 0)  # an error is kept after the cap
    assert outs[-1]["output_type"] == "error"


def test_the_kernel_talks_over_unix_sockets_and_prints_no_tcp_warning(tmp_path, capfd):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("def linreg(X, w, b):\n    return X @ w + b")]
    run = submission.run_notebook(nb, timeout=30)
    assert set(run.specs) >= {"linreg"} and run.notes == []
    err = capfd.readouterr().err
    if sys.platform != "win32":
        assert "TCP" not in err and "unencrypted" not in err.lower(), err
    short = submission._client(nb, 1.0, tmp_path, tmp_path / "kernel").create_kernel_manager()
    assert short.transport == ("tcp" if sys.platform == "win32" else "ipc")
    long = submission._client(nb, 1.0, tmp_path, tmp_path / ("k" * submission.IPC_PATH_MAX))
    assert long.create_kernel_manager().transport == "tcp"  # too long for a socket's path
    wide = pathlib.Path("/t", "作" * (submission.IPC_PATH_MAX // 3))  # few letters, many bytes
    assert len(str(wide)) < submission.IPC_PATH_MAX <= len(str(wide).encode())
    assert submission._client(nb, 1.0, tmp_path, wide).create_kernel_manager().transport == "tcp"
