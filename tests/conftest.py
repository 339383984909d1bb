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
