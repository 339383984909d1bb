import sys

import pandas as pd
import pytest
import torch
from palmerpenguins import load_penguins

from linreg_scratch import penguins
from linreg_scratch.datasets import NUMERIC_COLUMNS


def test_default_shapes_dtypes_and_dropped_rows():
    features, labels = penguins()
    table = load_penguins()
    assert len(table) == 344
    kept = table[["flipper_length_mm", "bill_length_mm", "body_mass_g"]].dropna()
    assert len(table) - len(kept) == 2  # as the docstring and notebook A2 say
    assert features.shape == (len(kept), 2) and labels.shape == (len(kept), 1)
    assert features.dtype == labels.dtype == torch.float32
    expected = torch.tensor(kept.to_numpy(), dtype=torch.float32)
    assert torch.equal(features, expected[:, :2]) and torch.equal(labels, expected[:, 2:])
    assert torch.isfinite(features).all() and torch.isfinite(labels).all()


def test_other_columns_in_the_order_given():
    features, labels = penguins(["bill_depth_mm", "year", "flipper_length_mm"], "bill_length_mm")
    table = load_penguins()
    kept = table[["bill_depth_mm", "year", "flipper_length_mm", "bill_length_mm"]].dropna()
    assert features.shape == (len(kept), 3)
    assert features[:, 1].min() == 2007 and features[:, 1].max() == 2009  # year is column 1
    assert torch.equal(labels[:, 0], torch.tensor(kept["bill_length_mm"].to_numpy()).float())


def test_inputs_are_not_modified():
    columns = ["flipper_length_mm", "bill_length_mm"]
    penguins(columns)
    assert columns == ["flipper_length_mm", "bill_length_mm"]


def test_numeric_columns_are_exactly_the_tables_numeric_ones():
    table = load_penguins()
    numeric = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
    assert sorted(numeric) == sorted(NUMERIC_COLUMNS)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"columns": ["wing_span"]}, ValueError, "columns[0]='wing_span' is not a column"),
        ({"target": "mass"}, ValueError, "target='mass' is not a column"),
        ({"columns": ["species"]}, ValueError, "columns[0]='species' holds text"),
        ({"target": "sex"}, ValueError, "target='sex' holds text"),
        ({"columns": ["island", "bill_length_mm"]}, ValueError, "holds text"),
        ({"columns": []}, ValueError, "columns is empty"),
        ({"columns": "flipper_length_mm"}, TypeError, "sequence of column names"),
        ({"columns": [3]}, TypeError, "columns[0] must be a column name"),
        ({"columns": ["body_mass_g"]}, ValueError, "also among the columns"),
        ({"columns": ["year", "year"]}, ValueError, "names a column twice"),
    ],
)
def test_bad_columns_get_a_clear_error(kwargs, error, words):
    with pytest.raises(error) as info:
        penguins(**kwargs)
    assert words in str(info.value)
    if "is not a column" in words or "holds text" in words:
        assert "flipper_length_mm" in str(info.value)  # the valid names are listed


def test_missing_package_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "palmerpenguins", None)  # makes the import fail
    with pytest.raises(ImportError, match=r"pip install 'linreg-scratch\[data\]'"):
        penguins()


def test_importing_the_package_does_not_import_pandas():
    import subprocess

    code = "import sys, linreg_scratch; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr
