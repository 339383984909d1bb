import os
import pathlib
import re
import sys
import types

import pytest
import torch

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture
def tutorial_data():
    """The tutorial's data set: 1000 examples, true_w = [2, -3.4], true_b = 4.2."""
    from linreg_scratch import synthetic_data

    torch.manual_seed(0)
    features, labels = synthetic_data([2, -3.4], 4.2, 1000)
    return features, labels


@pytest.fixture
def python():
    """The interpreter running the tests, for tests that start it in a subprocess."""
    return sys.executable


# --- markers: `slow` is given by what a test does; `docs` runs only when asked for -------

# Names whose use in a test's body means it starts another process: a subprocess, or a
# Jupyter kernel through tests/kernel.py's `execute`. The `python` fixture exists only
# to start subprocesses.
STARTS_A_PROCESS = frozenset({"subprocess", "execute"})


def starts_a_process(function, fixturenames=()) -> bool:
    """Whether a test function (or a function nested in it) uses a name in STARTS_A_PROCESS."""
    if "python" in fixturenames:
        return True
    codes = [getattr(function, "__code__", None)]
    while codes:
        code = codes.pop()
        if code is None:
            continue
        if STARTS_A_PROCESS & {*code.co_names, *code.co_freevars}:
            return True
        codes += [c for c in code.co_consts if isinstance(c, types.CodeType)]
    return False


def wants_docs(config) -> bool:
    """Whether the -m expression asks for the docs tests (`-m docs`, not `-m "not docs"`)."""
    return re.search(r"(?<!not )\bdocs\b", config.option.markexpr or "") is not None


def pytest_collection_modifyitems(config, items):
    # `slow`: every test that starts a kernel or a subprocess, marked here from its code
    # so that no such test can be forgotten; `pytest -m "not slow"` is the quick loop.
    for item in items:
        function = getattr(item, "function", None)
        if function is not None and starts_a_process(function, item.fixturenames):
            item.add_marker(pytest.mark.slow)
    # `docs` (the Sphinx build, minutes) runs only when the -m expression names it, so
    # that `pytest` and `pytest -m "not slow"` both leave it out.
    if not wants_docs(config):
        docs = [item for item in items if item.get_closest_marker("docs")]
        if docs:
            config.hook.pytest_deselected(items=docs)
            items[:] = [item for item in items if not item.get_closest_marker("docs")]


def pytest_xdist_auto_num_workers(config):
    """Workers for `-n auto` (addopts): one per core, at most 4 (each imports torch and
    starts its own kernels; more would mostly add start-up); none when the docs are
    selected, whose tests share one build of the site in one process."""
    if wants_docs(config):
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(4, cores or 1))


# --- Hypothesis profiles: the only place that sets how many examples a property test
# draws (no test's @settings does). No profile has a per-example deadline: shared
# machines are slow and a deadline would make the suite flaky.
#   default: a plain `pytest` (the README's test command), 25 examples each;
#   ci:      CI (CI=true, or HYPOTHESIS_PROFILE=ci; mutmut too), 10 examples each;
#   thorough: HYPOTHESIS_PROFILE=thorough, 500 examples each, for a deep run by hand.
def _register_profiles():
    from hypothesis import HealthCheck, settings

    quiet = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
    settings.register_profile("default", max_examples=25, **quiet)
    settings.register_profile("ci", max_examples=10, print_blob=True, **quiet)
    settings.register_profile("thorough", max_examples=500, **quiet)
    fallback = "ci" if os.environ.get("CI", "").lower() == "true" else "default"
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or fallback)


_register_profiles()
