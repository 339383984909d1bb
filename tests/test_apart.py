"""Checking copied functions in child processes (linreg_scratch.apart): nothing the
learner's functions do reaches the grader."""

from __future__ import annotations

import pathlib
import pickle
import time

from linreg_scratch import apart, submission


def _specs(tmp_path, source):
    """What EXTRACT copies out of a namespace (a kernel's ``__main__``) after ``source``."""
    namespace = {"__path__": tmp_path / "f.pickle", "__name__": "__main__"}
    exec(source, namespace)
    path = pathlib.Path(namespace.pop("__path__"))
    exec(
        submission.EXTRACT + f"\n__linreg_scratch_extract({str(path)!r}, {submission.NAMES!r})",
        namespace,
    )
    return pickle.loads(path.read_bytes())[1]


def test_checks_apart_survive_exit_interrupt_and_output(tmp_path, capfd):
    specs = _specs(
        tmp_path,
        "import sys, torch\n"
        "def linreg(X, w, b):\n    raise KeyboardInterrupt('stop')\n"
        "def squared_loss(y_hat, y):\n"
        "    print('noise'); print('more noise', file=sys.stderr)\n"
        "    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2\n",
    )
    found = apart.check_apart(specs, 10.0)
    assert list(found) == submission.NAMES
    assert found["squared_loss"][0] == 1.0
    assert found["linreg"][0] == 0.0 and "KeyboardInterrupt: stop" in found["linreg"][1]
    assert "not found" in found["sgd"][1]
    assert "noise" not in capfd.readouterr().out + capfd.readouterr().err
    specs = _specs(
        tmp_path,
        "import os, torch\ndef sgd(*a):\n    os._exit(3)\n"
        "def linreg(X, w, b):\n    return X @ w + b\n",
    )
    ended = apart.check_apart(specs, 10)
    assert ended["sgd"] == (0.0, "✗ sgd: not graded: checking it ended the process (exit code 3)")
    assert ended["linreg"][0] == 1.0 and "not found" in ended["squared_loss"][1]


def test_a_function_that_ignores_its_stop_is_cut_off_and_the_rest_still_graded(tmp_path):
    specs = _specs(
        tmp_path,
        "import time, torch\n"
        "def linreg(X, w, b):\n"
        "    while True:\n"
        "        try:\n            time.sleep(1)\n        except BaseException:\n            pass\n"
        "def squared_loss(y_hat, y):\n    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2\n",
    )
    start = time.monotonic()
    found = apart.check_apart(specs, 1.0)
    assert time.monotonic() - start < 30  # 1 s, then the watchdog's grace, then a new child
    assert found["linreg"][0] == 0.0 and "too slow: stopped after 1 s" in found["linreg"][1]
    assert found["squared_loss"][0] == 1.0


def test_a_crash_is_named_and_forged_lines_are_not_verdicts(tmp_path):
    specs = _specs(
        tmp_path,
        "import ctypes, os, sys, torch\n"
        "def data_iter(batch_size, features, labels):\n    ctypes.string_at(0)\n"
        "def sgd(params, lr, batch_size):\n"
        "    with open(sys.argv[2], 'a') as f:\n"
        '        f.write(\'["sgd", 7.0, "full marks"]\\n\')\n'
        "    os._exit(0)\n"
        "def linreg(X, w, b):\n    return X @ w + b\n",
    )
    found = apart.check_apart(specs, 10.0)
    assert found["data_iter"] == (
        0.0,
        "✗ data_iter: not graded: checking it ended the process (it crashed: SIGSEGV)",
    )
    assert found["sgd"][0] == 0.0 and "not graded" in found["sgd"][1]  # a score of 7: no verdict
    assert found["linreg"][0] == 1.0
