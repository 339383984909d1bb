import itertools
import pathlib
import re
import tomllib

import linreg_scratch

ROOT = pathlib.Path(__file__).resolve().parent.parent
TUTORIAL_NAMES = {"data_iter", "linreg", "squared_loss", "sgd", "use_svg_display", "set_figsize"}


def test_star_import_gives_the_tutorial_names_and_ours():
    namespace = {}
    exec("from linreg_scratch import *", namespace)
    names = set(namespace) - {"__builtins__"}
    assert names == set(linreg_scratch.__all__)
    assert names >= TUTORIAL_NAMES
    assert {"train", "synthetic_data"} <= names
    assert not names & {"torch", "np", "plt", "math", "sys"}  # no stray modules


def test_every_public_function_has_a_docstring_and_type_hints():
    import inspect

    for name in linreg_scratch.__all__:
        obj = getattr(linreg_scratch, name)
        assert obj.__doc__, name
        if inspect.isfunction(obj):
            assert "return" in obj.__annotations__, name


def test_dependencies_are_ranges_not_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = dict(project["optional-dependencies"])
    # the one pin: the linter, a tool of ours rather than a dependency (see pyproject.toml)
    assert [re.split(r"==", d)[0] for d in extras.pop("lint")] == ["ruff"]
    deps = [*project["dependencies"], *itertools.chain(*extras.values())]
    assert {re.split(r"[<>=!~ \[]", d)[0] for d in project["dependencies"]} >= {
        "torch",
        "numpy",
        "matplotlib",
        "ipython",
    }
    for dep in deps:
        assert "==" not in dep and "<" not in dep, dep


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    setup = readme.split("## ", 2)[1]  # the part before the second heading
    commands = re.findall(r"```(?:bash|sh)\n(.*?)```", setup, flags=re.S)
    assert len(commands) == 2, commands
    main_cmd, test_cmd = (c.strip() for c in commands)
    assert "\n" not in main_cmd and "\n" not in test_cmd  # one copy-paste line each
    assert main_cmd.endswith("python -m linreg_scratch")
    assert "pytest" in test_cmd
    # CI's main job runs it as written: a command line of that job (not a comment), once
    ci = (ROOT / ".ci" / "run").read_text()
    main_job = ci.split("\nif want main; then\n", 1)[1].split("\nfi\n", 1)[0]
    runs = [line.strip() for line in main_job.splitlines() if test_cmd in line]
    assert len(runs) == 1 and runs[0].startswith(test_cmd), runs


def test_the_api_reference_lists_every_public_name():
    api = (ROOT / "docs" / "api.md").read_text()
    listed = set(re.findall(r"^   (\w+)$", api, flags=re.M))
    assert listed == set(linreg_scratch.__all__)


def test_tests_that_start_a_process_are_the_slow_ones():
    # conftest marks `slow` from a test's code; check its rule on one test of each kind.
    import subprocess

    from conftest import starts_a_process
    from kernel import execute

    def in_process():
        return sum(range(3))

    def runs_a_subprocess():
        return subprocess.run

    def runs_a_kernel():
        return execute

    def nested():
        def helper():
            return subprocess.run

        return helper

    assert not starts_a_process(in_process)
    assert starts_a_process(in_process, fixturenames=["tmp_path", "python"])
    assert starts_a_process(runs_a_subprocess) and starts_a_process(runs_a_kernel)
    assert starts_a_process(nested)
