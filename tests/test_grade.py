"""Grading: a check's counts and score, check.grade, the assignment, python -m linreg_scratch.grade.

The kernel tests grade submissions a student would hand in, all at once in two runs of
the grader (module-scoped fixtures): kernels are slow to start.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import importlib.util
import inspect
import json
import os
import pathlib
import subprocess
import sys
import time

import nbformat
import pytest
import test_check as tc
import torch

import linreg_scratch
from linreg_scratch import check, grade, submission
from linreg_scratch.grading import GRADING

ROOT = pathlib.Path(__file__).resolve().parent.parent
ASSIGNMENT = "assignment-linear-regression-scratch"


def _load_maker():
    spec = importlib.util.spec_from_file_location(
        "make_assignment", ROOT / "notebooks/make_assignment.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- a verdict's counts and score ------------------------------------------------------


def test_counts_and_score_of_known_verdicts():
    # data_iter runs 6 sizes x 2 label shapes, one float64 case, one of three passes
    only_float64_fails = check.data_iter(tc.iter_float32)
    assert (only_float64_fails.passed, only_float64_fails.run) == (13, 14)
    assert only_float64_fails.score == pytest.approx(13 / 14)
    assert only_float64_fails.tally() == "13 of 14 cases passed"
    no_bias = check.linreg(tc.linreg_no_bias)  # every one of the 6 cases adds no bias
    assert (no_bias.passed, no_bias.run, no_bias.score) == (0, 6, 0.0)
    assert check.linreg(tc.linreg_float32).passed == 5  # all but the float64 case
    full = check.sgd(tc.sgd_seed)
    assert (full.passed, full.run, full.score) == (4, 4, 1.0)


@pytest.mark.parametrize(
    ("name", "fn"),
    [(name, fn) for name, cases in tc.WRONG.items() for fn, _ in cases],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_a_wrong_function_scores_below_one(name, fn):
    result = getattr(check, name)(fn)
    assert 0 <= result.passed < result.run
    assert result.score == result.passed / result.run < 1
    assert result.passed == len([o for o in result.outcomes if o is None])


def test_an_nbgrader_cell_can_end_in_a_number():
    cell = "result = check.sgd(sgd)\nprint(result)\nresult.score * 3"
    namespace = {"check": check, "sgd": tc.sgd_divided_twice}
    exec(cell.rsplit("\n", 1)[0], namespace)
    assert eval(cell.rsplit("\n", 1)[1], namespace) == 0.0
    namespace["sgd"] = tc.sgd_d2l2
    exec(cell.rsplit("\n", 1)[0], namespace)
    assert eval(cell.rsplit("\n", 1)[1], namespace) == 3.0


# --- check.grade over a namespace -------------------------------------------------------


def test_grade_checks_every_function_a_namespace_defines():
    results = check.grade(
        {
            "synthetic_data": tc.synthetic_no_noise,
            "data_iter": tc.iter_seed,
            "linreg": linreg_scratch.linreg,  # the package's, not the learner's
            "sgd": 3,
        }
    )
    assert list(results) == ["synthetic_data", "data_iter", "linreg", "squared_loss", "sgd"]
    assert results["data_iter"].score == 1.0
    assert "no noise" in str(results["synthetic_data"]).splitlines()[0]
    assert str(results["linreg"]).startswith("✗ linreg: the package's own function")
    assert str(results["squared_loss"]).startswith("✗ squared_loss: not found")
    assert "got:      int 3" in str(results["sgd"])
    assert [r.score for r in results.values()][2:] == [0.0, 0.0, 0.0]


def test_grade_asks_sgd_to_zero_the_gradients_as_the_assignment_s_loop_needs():
    assert check.sgd(tc.sgd_seed) and not check.sgd(tc.sgd_seed, zeroes=True)
    graded = check.grade({"sgd": tc.sgd_seed})["sgd"]
    assert (graded.passed, graded.run) == (4, 5)  # every step right; zeroing, its own case
    assert str(graded).splitlines()[0] != str(check.sgd(tc.sgd_seed)).splitlines()[0]
    assert graded.checked[-1] == "gradients zeroed after the step"
    assert str(graded).startswith("✗ sgd: gradients not zeroed after the step")
    assert "param.grad.zero_()" in str(graded)
    assert check.sgd(linreg_scratch.sgd, zeroes=True).score == 1.0
    for zeroing in (tc.sgd_d2l2, tc.sgd_sub_none, tc.sgd_data_sub):
        assert check.sgd(zeroing, zeroes=True).score == 1.0
        assert check.grade({"sgd": zeroing})["sgd"].score == 1.0
    with pytest.raises(TypeError, match=r"^zeroes must be True or False"):
        check.sgd(tc.sgd_d2l2, zeroes="yes")


def test_the_seed_s_sgd_in_the_assignment_s_loop_is_why_grade_asks():
    """The assignment's loop with an sgd that leaves the gradients: they pile up and the
    weights miss [2, -3.4] (what the teacher saw); zeroing them fixes it."""
    import linreg_scratch as ls

    def run(sgd):
        torch.manual_seed(0)
        features, labels = ls.synthetic_data(torch.tensor([2, -3.4]), 4.2, 1000)
        w, b = torch.normal(0, 0.01, (2, 1), requires_grad=True), torch.zeros(1, requires_grad=True)
        for _ in range(3):
            for X, y in ls.data_iter(10, features, labels):
                ls.squared_loss(ls.linreg(X, w, b), y).sum().backward()
                sgd([w, b], 0.03, 10)
        return (w.detach().reshape(-1) - torch.tensor([2, -3.4])).abs().max().item()

    assert run(tc.sgd_seed) > 0.1 and run(tc.sgd_d2l2) < 0.01


def test_grade_stops_a_function_that_never_returns():
    def linreg(X, w, b):
        while True:
            with contextlib.suppress(BaseException):  # swallows the first stop: stopped again
                pass

    start = time.monotonic()
    result = check.grade({"linreg": linreg}, seconds=0.5)["linreg"]
    assert time.monotonic() - start < 5
    assert str(result).startswith("✗ linreg: too slow: stopped after 0.5 s")
    assert result.score == 0.0


def test_grade_survives_a_function_that_exits():
    result = check.grade({"linreg": lambda X, w, b: sys.exit(3)})["linreg"]
    assert "SystemExit: 3" in str(result) and result.score == 0.0


def test_a_report_holds_every_problem_a_grader_shows():
    result = check.data_iter(tc.iter_mutates) if hasattr(tc, "iter_mutates") else None
    result = result or next(
        r for r in (check.data_iter(fn) for fn, _ in tc.WRONG["data_iter"]) if len(r.found) > 1
    )
    report = result.report()
    assert "more problem(s)" not in report and report.endswith(result.tally())
    for found in result.found:
        assert found.mistake in report and found.hint in report and found.got in report


# --- the assignment notebook ------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_assignment_is_what_the_script_makes_from_3_2(lang):
    committed = (ROOT / "notebooks" / lang / f"{ASSIGNMENT}.ipynb").read_text(encoding="utf-8")
    assert _load_maker().text_of(lang) == committed


def test_the_script_refuses_a_solution_it_no_longer_recognises(monkeypatch):
    maker = _load_maker()
    monkeypatch.setattr(maker, "INLINE_DATA", "features = something else\n")
    with pytest.raises(ValueError, match="expected one data cell"):
        maker.build("en")


def test_the_assignment_leaves_each_function_as_a_stub_with_a_check_after_it():
    nb = nbformat.read(ROOT / "notebooks" / "en" / f"{ASSIGNMENT}.ipynb", as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    for name in submission.NAMES:
        at = next(i for i, s in enumerate(code) if s.startswith(f"def {name}("))
        assert 'raise NotImplementedError("write ' in code[at]
        assert code[at + 1].endswith(
            f"check.{name}({name})" if name != "sgd" else "check.sgd(sgd, zeroes=True)"
        )
        namespace = {}
        exec(code[at], namespace)
        with pytest.raises(NotImplementedError, match=f"write {name}: .* / "):
            namespace[name](*[None] * namespace[name].__code__.co_argcount)


# --- animations under an autograder ----------------------------------------------------


def test_animate_sgd_draws_one_frame_under_an_autograder(monkeypatch):
    gen = torch.Generator().manual_seed(0)
    features, labels = linreg_scratch.synthetic_data([2, -3.4], 4.2, 40, generator=gen)
    for variable in (GRADING, "NBGRADER_EXECUTION"):
        monkeypatch.delenv(GRADING, raising=False)
        monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
        assert len(linreg_scratch.animate_sgd(features, labels, frames=4, num_epochs=1)) == 4
        monkeypatch.setenv(variable, "autograde")
        assert len(linreg_scratch.animate_sgd(features, labels, frames=4, num_epochs=1)) == 1


# --- the command: bad input --------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "args", "words"),
    [
        (None, [], "does not exist"),
        ("not json at all", [], "is not a Jupyter notebook"),
        ('{"cells": 3}', [], "is not a Jupyter notebook"),
        (None, ["--points", "sdg=2"], "--points must be one of ("),
        (None, ["--points", "two"], "--points must be a finite number > 0, got 'two'"),
        (None, ["--points", "-1"], "--points must be a finite number > 0, got -1"),
        (None, ["--timeout", "0"], "argument --timeout: TIMEOUT must be a finite number > 0"),
    ],
)
def test_a_bad_path_or_option_is_one_error_line_and_exit_2(tmp_path, capsys, make, args, words):
    path = tmp_path / "submission.ipynb"
    if make is not None:
        path.write_text(make)
    try:
        code = grade.main([str(path), *args])
    except SystemExit as stop:  # refused by the parser, which names the program
        code = stop.code
    err = capsys.readouterr().err.removeprefix("python -m linreg_scratch.grade: ")
    assert code == 2 and err.count("\n") == 1 and err.startswith("error: ") and words in err
    if "--" not in words:
        assert str(path) in err


def test_a_folder_s_out_must_be_a_folder_and_submission_needs_one(tmp_path, capsys):
    assert grade.main([str(tmp_path), "--out", "results.json"]) == 2
    assert "--out must be a folder when grading a folder, got the file name 'results.json'" in (
        capsys.readouterr().err
    )
    notebook = tmp_path / "alice.ipynb"
    notebook.write_text("{}")
    assert grade.main([str(notebook), "--submission"]) == 2
    assert "path must be a folder with --submission" in capsys.readouterr().err


def test_a_submission_whose_notebook_is_broken_gets_results_that_say_so(tmp_path):
    folder = tmp_path / "submission"
    (folder / "__MACOSX").mkdir(parents=True)
    (folder / "hw.ipynb").write_text('{"cells": [')  # cut short in the upload
    (folder / "__MACOSX" / "._hw.ipynb").write_text("a Mac's resource fork, not a notebook")
    (folder / "._hw.ipynb").write_text("another one")
    out = tmp_path / "results.json"
    assert grade.main([str(folder), "--submission", "--out", str(out)]) == 0
    results = json.loads(out.read_text())
    assert results["score"] == 0 and "hw.ipynb is not a Jupyter notebook" in results["output"]
    assert all("not graded: " in t["output"] for t in results["tests"])


@pytest.mark.parametrize(
    "files", [[], ["a.ipynb", "zip/b.ipynb", ".ipynb_checkpoints/a-checkpoint.ipynb"]]
)
def test_a_submission_without_exactly_one_notebook_gets_results_that_say_so(tmp_path, files):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "notes.txt").write_text("my answers")
    for name in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("{}")
    out = tmp_path / "results.json"
    assert grade.main([str(folder), "--submission", "--out", str(out), "--points", "2"]) == 0
    results = json.loads(out.read_text())
    assert results["score"] == 0 and [t["name"] for t in results["tests"]] == submission.NAMES
    assert all(t["score"] == 0 and t["max_score"] == 2 for t in results["tests"])
    why = (
        "the submission holds 2 notebooks (a.ipynb, zip/b.ipynb); submit only one"
        if files
        else "the submission holds no notebook (.ipynb); submit the assignment's notebook"
    )
    assert results["output"] == why
    assert results["tests"][0]["output"] == f"✗ synthetic_data: not graded: {why}"


# --- the command on submissions (kernels) ----------------------------------------------

MESSY = [
    "import torch\nfrom linreg_scratch import animate_sgd, check\n"
    "from linreg_scratch import synthetic_data as make\n"
    "import linreg_scratch.check._compare as cmp",
    inspect.getsource(tc.synthetic_d2l2).replace("synthetic_d2l2", "synthetic_data"),
    inspect.getsource(tc.iter_randperm_split).replace("iter_randperm_split", "data_iter"),
    "1 / 0",
    "while True:\n    pass",
    inspect.getsource(tc.linreg_mm).replace("linreg_mm", "linreg"),
    inspect.getsource(tc.sgd_no_division).replace("sgd_no_division", "sgd"),
    # a submission trying to grade itself
    "check.sgd = lambda fn: check.linreg(linreg)\ncheck.grade = lambda *a, **k: {}\n"
    "cmp.close = lambda a, b: True\ntorch.allclose = lambda *a, **k: True\n"
    "print(check.sgd(sgd))",
    "f, l = make([2, -3.4], 4.2, 1000)\nanimate_sgd(f, l)",  # 60 frames, unless graded
]

WRONG = {  # one mistake per function, each named in the verdict
    "synthetic_data": (tc.synthetic_loud_noise, "wrong noise level"),
    "data_iter": (tc.iter_in_order, "no shuffling"),
    "linreg": (tc.linreg_no_bias, "missing bias"),
    "squared_loss": (tc.loss_no_reshape, "broadcasting"),
    "sgd": (tc.sgd_ascent, "gradient ascent"),
}

SYNTHETIC_DATA = """def synthetic_data(w, b, num_examples):
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = X @ w + b
    return X, y + torch.normal(0, 0.01, y.shape)
"""


def _notebook(sources, path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)


def _solved(path):
    """The English assignment with every stub replaced by 3.2's definition."""
    solution = nbformat.read(ROOT / "notebooks/en/3.2-linear-regression-scratch.ipynb", 4)
    answers = {
        c.source.split("(")[0][4:]: c.source for c in solution.cells if c.source.startswith("def ")
    }
    answers["synthetic_data"] = SYNTHETIC_DATA
    nb = nbformat.read(ROOT / "notebooks" / "en" / f"{ASSIGNMENT}.ipynb", 4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "raise NotImplementedError" in cell.source:
            cell.source = answers[cell.source.split("(")[0][4:]]
    nbformat.write(nb, path)


def _grade(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(GRADING, None)
    start = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "linreg_scratch.grade", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    return out, time.monotonic() - start


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("messy")
    _notebook(MESSY, folder / "messy.ipynb")
    out, seconds = _grade(
        folder / "messy.ipynb",
        "--out",
        folder / "results.json",
        "--timeout",
        8,  # room for the first cell's imports on a busy machine
        "--points",
        "sgd=3",
    )
    return out, json.loads((folder / "results.json").read_text()), seconds


LINREG = "def linreg(X, w, b):\n    return X @ w + b"


def _grade_watching_memory(*args):
    """``_grade``, and the grader process's own peak memory in KiB (its kernel apart)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(GRADING, None)
    start, peak = time.monotonic(), 0
    command = [sys.executable, "-m", "linreg_scratch.grade", *map(str, args)]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as p:
        status = pathlib.Path(f"/proc/{p.pid}/status")
        while p.poll() is None:
            with contextlib.suppress(OSError):  # gone, or a zombie without memory lines
                lines = status.read_text().splitlines()
                peak = max([peak, *(int(ln.split()[1]) for ln in lines if ln.startswith("VmHWM"))])
            time.sleep(0.2)
        out = subprocess.CompletedProcess(
            command, p.returncode, *(s.read().decode() for s in (p.stdout, p.stderr))
        )
    return out, time.monotonic() - start, peak


@pytest.fixture(scope="module")
def troubled(tmp_path_factory):
    """Three notebooks that trouble the kernel, graded as a folder with --timeout 3."""
    folder = tmp_path_factory.mktemp("troubled")
    swallow = (  # the stop is caught: the cell goes on
        "while True:\n    try:\n        time.sleep(0.5)\n"
        "    except KeyboardInterrupt:\n        pass"
    )
    _notebook(["import time", swallow, LINREG], folder / "stuck.ipynb")
    _notebook(["import os", "x = 1", "os._exit(1)", LINREG], folder / "dies.ipynb")
    flood = "import sys\nwhile True:\n    sys.stdout.write('y' * 100000)"
    _notebook([flood, "import torch", LINREG], folder / "flood.ipynb")
    out, seconds, peak_kib = _grade_watching_memory(
        folder, "--out", folder / "results", "--timeout", 3
    )
    results = {p.stem: json.loads(p.read_text()) for p in (folder / "results").glob("*.json")}
    return out, results, seconds, peak_kib


@pytest.mark.slow
def test_a_kernel_that_ignores_its_stop_or_dies_leaves_each_function_not_graded_and_why(
    troubled,
):
    out, results, seconds, _ = troubled
    assert out.returncode == 0, out.stderr
    stuck = _tests(results["stuck"])["linreg"]["output"]
    assert stuck == (
        "✗ linreg: not graded: code cell 2 went on after being stopped at 3 s (it caught "
        "the interrupt), so the cells after it did not run"
    )
    died = _tests(results["dies"])["linreg"]["output"]
    assert died == (
        "✗ linreg: not graded: the kernel died while running code cell 3 (os._exit, a crash, "
        "or running out of memory)"
    )
    assert seconds < 90  # the stuck kernel costs two timeouts, not one per cell left


@pytest.mark.slow
def test_a_cell_that_prints_without_end_is_cut_short_and_the_rest_graded(troubled):
    out, results, _, peak_kib = troubled
    assert out.returncode == 0, out.stderr
    flood = results["flood"]
    assert "Code cell 1 was stopped after 3 s." in flood["output"]
    assert _tests(flood)["linreg"]["score"] == 1
    if sys.platform.startswith("linux"):  # it stays bounded by zmq's queues (about 2 GB),
        assert 0 < peak_kib < 6 * 1024 * 1024  # not 1 GB more each second of the cell


@pytest.mark.slow
def test_the_readme_s_gradescope_autograder_runs_as_written(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("**Gradescope.**", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    script = tmp_path / "run_autograder"
    script.write_text(block.replace("/autograder", str(tmp_path)))
    (tmp_path / "results").mkdir()
    (tmp_path / "submission" / "unzipped").mkdir(parents=True)
    _solved(tmp_path / "submission" / "unzipped" / "alice.ipynb")
    bin_dir = os.path.dirname(sys.executable)  # `python` is the environment's, as there
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": bin_dir + os.pathsep + os.environ["PATH"]}
    env.pop(GRADING, None)
    ran = subprocess.run(["bash", str(script)], capture_output=True, text=True, env=env)
    assert ran.returncode == 0, ran.stderr
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    assert results["score"] == 10 and {t["max_score"] for t in results["tests"]} == {2}


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    subs = folder / "submissions"
    subs.mkdir()
    wrong = [
        inspect.getsource(fn).replace(f"def {fn.__name__}(", f"def {name}(")
        for name, (fn, _) in WRONG.items()
    ]
    _notebook(["import random\nimport torch", *wrong], subs / "wrong.ipynb")
    _solved(subs / "solved.ipynb")
    stubs = (ROOT / "notebooks" / "zh" / f"{ASSIGNMENT}.ipynb").read_text(encoding="utf-8")
    (subs / "stubs.ipynb").write_text(stubs, encoding="utf-8")
    (subs / "broken.ipynb").write_text("my answers are in the email")
    (subs / "notes.txt").write_text("not graded")
    student = subs / "王五"  # a folder per student, as a course site exports them
    student.mkdir()
    wrappers = [f"def {n}(*args):\n    return linreg_scratch.{n}(*args)" for n in submission.NAMES]
    _notebook(["import linreg_scratch", *wrappers], student / "作业.ipynb")
    hidden = subs / ".venv" / "share"  # a hidden folder's notebooks are not submissions
    hidden.mkdir(parents=True)
    _solved(hidden / "example.ipynb")
    out, _ = _grade(
        subs,
        "--csv",
        folder / "scores.csv",
        "--out",
        folder / "results",
        "--points",
        "2",
        "--language",
        "zh",
    )
    with open(folder / "scores.csv", newline="", encoding="utf-8-sig") as f:
        rows = {row["file"]: row for row in csv.DictReader(f)}
    found = (folder / "results").rglob("*.json")  # subfolders mirrored: 王五/作业.json
    results = {
        p.relative_to(folder / "results").with_suffix("").as_posix(): json.loads(p.read_text())
        for p in found
    }
    assert (folder / "scores.csv").read_bytes().startswith(codecs.BOM_UTF8)  # for Excel
    return out, rows, results


def _tests(results):
    return {t["name"]: t for t in results["tests"]}


@pytest.mark.slow
def test_a_messy_submission_is_graded_to_the_end(messy):
    out, results, seconds = messy
    assert out.returncode == 0, out.stderr
    tests = _tests(results)
    assert list(tests) == submission.NAMES
    for test in results["tests"]:
        assert set(test) == {"name", "score", "max_score", "output", "visibility"}
    assert results["score"] == sum(t["score"] for t in results["tests"]) == 3
    # defined after the failing cell and the endless loop: still graded
    assert [tests[n]["score"] for n in ("synthetic_data", "data_iter", "linreg")] == [1, 1, 1]
    assert tests["squared_loss"]["score"] == 0 and "not found" in tests["squared_loss"]["output"]
    # check, its helpers and torch patched in the notebook: the marks do not move
    assert tests["sgd"]["max_score"] == 3 and tests["sgd"]["score"] == 0
    assert tests["sgd"]["output"].startswith("✗ sgd: update not divided by the batch size")
    assert "expected: " in tests["sgd"]["output"] and "hint: " in tests["sgd"]["output"]
    assert "0 of 5 cases passed" in tests["sgd"]["output"]  # 4 steps, and the zeroing
    assert "Code cell 4 raised ZeroDivisionError" in results["output"]
    assert "Code cell 5 was stopped after 8 s." in results["output"]
    assert seconds < 60  # the animation drew one frame, not 60


@pytest.mark.slow
def test_a_class_is_graded_into_a_csv(class_folder):
    out, rows, results = class_folder
    assert out.returncode == 0, out.stderr
    assert set(rows) == {
        "broken.ipynb",
        "solved.ipynb",
        "stubs.ipynb",
        "wrong.ipynb",
        "王五/作业.ipynb",
    }
    # thin wrappers around the package's functions score nothing, and say why
    assert float(rows["王五/作业.ipynb"]["score"]) == 0
    for name, test in _tests(results["王五/作业"]).items():
        assert f"一个调用 linreg_scratch 的 {name} 的函数" in test["output"]
    assert "不是 Jupyter 笔记本" in rows["broken.ipynb"]["error"]  # in --language zh
    assert float(rows["broken.ipynb"]["score"]) == 0 and "broken" not in results
    assert float(rows["solved.ipynb"]["score"]) == 10 == float(rows["solved.ipynb"]["max_score"])
    assert results["solved"]["score"] == 10
    # the assignment as handed out: five stubs, found, zero marks, the stub's hint shown
    assert float(rows["stubs.ipynb"]["score"]) == 0
    for name, test in _tests(results["stubs"]).items():
        assert test["score"] == 0 and f"NotImplementedError: write {name}" in test["output"]
        assert f"（{name}，第 3 行：raise NotImplementedError(" in test["output"]  # its line
        assert "输入" in test["output"]  # --language zh
    for name, (fn, _) in WRONG.items():
        expected = 2 * check.grade({name: fn})[name].score
        assert float(rows["wrong.ipynb"][name]) == pytest.approx(expected, abs=1e-4)
        assert expected < 2


@pytest.mark.slow
def test_each_wrong_function_gets_the_verdict_a_learner_reads(class_folder):
    _, _, results = class_folder
    tests = _tests(results["wrong"])
    with linreg_scratch.lang.language("zh"):
        for name, (fn, _) in WRONG.items():
            assert tests[name]["output"] == check.grade({name: fn})[name].report(), name


# --- the README's otter-grader recipe, run with otter ----------------------------------

OTTER = ROOT / "docs" / "teachers" / "otter"


def _sgd_of_3_2():
    solution = nbformat.read(ROOT / "notebooks/en/3.2-linear-regression-scratch.ipynb", 4)
    (source,) = [c.source for c in solution.cells if c.source.startswith("def sgd(")]
    return source


def _otter(*args, cwd):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(GRADING, None)
    return subprocess.run(
        [sys.executable, "-m", "otter", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )


def test_the_otter_example_submission_is_3_2s_sgd():
    nb = nbformat.read(OTTER / "submission.ipynb", 4)
    assert [c.source for c in nb.cells] == ["import torch", _sgd_of_3_2()]
    assert all(not c.get("outputs") for c in nb.cells)


@pytest.mark.slow
def test_otter_run_scores_sgd_with_check(tmp_path):
    pytest.importorskip(
        "otter", reason="otter-grader is not installed (not a dependency: pip install otter-grader)"
    )
    correct = _sgd_of_3_2()
    mistaken = correct.replace(" / batch_size", "")  # the update not divided by the batch size
    assert mistaken != correct
    made = _otter("generate", "-t", OTTER / "tests", "-o", "autograder.zip", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    scores, outputs = {}, {}
    for stem, source in [("correct", correct), ("no-division", mistaken)]:
        _notebook(["import torch", source], tmp_path / f"{stem}.ipynb")
        (tmp_path / stem).mkdir()
        ran = _otter(
            "run", "-a", "autograder.zip", "--no-logo", "-o", stem, f"{stem}.ipynb", cwd=tmp_path
        )
        assert ran.returncode == 0, ran.stderr
        tests = _tests(json.loads((tmp_path / stem / "results.json").read_text()))
        assert tests["sgd"]["max_score"] == 2
        scores[stem] = tests["sgd"]["score"]
        outputs[stem] = tests["sgd"]["output"]
    assert scores == {"correct": 2, "no-division": 0}
    assert check.sgd(tc.sgd_no_division).score == 0  # check agrees: 2 x 0 points
    assert "divide it by batch_size" in outputs["no-division"]
    assert "divide it by batch_size" not in outputs["correct"]


def test_outputs_are_checked_before_grading_and_points_do_not_depend_on_order(tmp_path, capsys):
    notebook = tmp_path / "alice.ipynb"
    notebook.write_text("{}")  # never read: the options are refused first
    empty = tmp_path / "empty"
    empty.mkdir()
    for argv, words in [
        ([notebook, "--out", tmp_path / "missing" / "r.json"], "is in a folder that does not"),
        ([notebook, "--out", empty], f"--out must be a file, got {str(empty)!r}"),
        ([empty, "--csv", empty], f"--csv must be a file, got {str(empty)!r}"),
        ([empty, "--csv", notebook / "x.csv"], "cannot be written: "),  # in a file
        ([empty, "--out", notebook], "--out must be a folder when grading a folder"),
        ([empty], "holds no notebook (.ipynb), not even in its folders"),
    ]:
        assert grade.main([str(a) for a in argv]) == 2
        assert words in capsys.readouterr().err
    both = [grade._points(["sgd=2", "0.5"]), grade._points(["0.5", "sgd=2"])]
    assert both[0] == both[1] == {**dict.fromkeys(submission.NAMES, 0.5), "sgd": 2.0}
