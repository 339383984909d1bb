import pathlib
import sys

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
    return sys.executable


# Hypothesis profiles: "ci" keeps CI fast (few generated cases, no per-example deadline,
# since shared CI machines are slow). Chosen by HYPOTHESIS_PROFILE, or "ci" when CI=true;
# otherwise hypothesis' own defaults apply.
def _register_profiles():
    import os

    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "ci",
        max_examples=10,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        print_blob=True,
    )
    settings.register_profile("dev", deadline=None)
    default = "ci" if os.environ.get("CI", "").lower() == "true" else None
    profile = os.environ.get("HYPOTHESIS_PROFILE", default)
    if profile:
        settings.load_profile(profile)


_register_profiles()
