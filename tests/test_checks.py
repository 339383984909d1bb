"""``_checks.scalar``, the one rule for every scalar argument of the package and the CLI."""

from __future__ import annotations

import argparse
import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from strategies import not_numbers, scalar_ints

from linreg_scratch import _checks
from linreg_scratch.cli import number as _number


@given(low=scalar_ints, span=st.integers(0, 2**70), data=st.data())
def test_any_int_in_range_is_returned_unchanged(low, span, data):
    high = low + span
    value = data.draw(st.integers(low, high))
    out = _checks.scalar("n", value, int, low=low, high=high)
    assert out == value and type(out) is int


@given(value=st.booleans(), kind=st.sampled_from([int, float]))
def test_every_bool_is_refused(value, kind):
    with pytest.raises(TypeError, match=rf"^flag must be .*, got {value} \(bool\)$"):
        _checks.scalar("flag", value, kind)


@given(value=not_numbers, kind=st.sampled_from([int, float]))
def test_every_non_number_is_refused_naming_what_arrived(value, kind):
    with pytest.raises(TypeError) as info:
        _checks.scalar("lr", value, kind, low=0)
    message = str(info.value)
    assert message.startswith("lr must be ") and type(value).__name__ in message


def test_a_tensor_in_a_number_s_place_is_named_by_its_shape_not_its_values():
    features = torch.arange(2000.0).reshape(1000, 2)
    with pytest.raises(TypeError) as info:
        _checks.scalar("batch_size", features, int, low=1)
    assert str(info.value) == (
        "batch_size must be a positive int, got a Tensor of shape (1000, 2) (torch.float32); "
        "is an argument in the wrong place?"
    )
    with pytest.raises(TypeError) as info:  # a long text is cut short
        _checks.scalar("lr", "0.03" * 40, float)
    assert len(str(info.value)) < 120 and str(info.value).endswith("... (str)")


@given(value=st.floats(-1e6, 1e6), k=st.integers(-(2**40), 2**40))
def test_a_zero_d_tensor_counts_as_its_number(value, k):
    out = _checks.scalar("lr", torch.tensor(value), float)
    assert type(out) is float and out == torch.tensor(value).item()
    assert _checks.scalar("batch_size", torch.tensor(k), int) == k
    assert type(_checks.scalar("batch_size", torch.tensor(k), int)) is int


@given(kind=st.sampled_from([int, float]))
def test_a_zero_d_tensor_of_the_wrong_kind_is_refused(kind):
    with pytest.raises(TypeError, match=r"got tensor\(True\) \(Tensor\)$"):
        _checks.scalar("flag", torch.tensor(True), kind)
    words = r"^batch_size must be a positive int, got tensor\(2\.5000\) \(Tensor\)$"
    with pytest.raises(TypeError, match=words):
        _checks.scalar("batch_size", torch.tensor(2.5), int, low=1)


@given(value=st.floats(-1e6, 1e6).filter(lambda v: v != int(v)))
def test_a_float_is_no_int(value):
    with pytest.raises(TypeError, match=r"^batch_size must be a positive int, got .* \(float\)"):
        _checks.scalar("batch_size", value, int, low=1)


@given(low=scalar_ints, below=st.integers(1, 2**70), why=st.sampled_from(["", "a reason"]))
def test_every_value_below_low_is_refused_and_named(low, below, why):
    value = low - below
    with pytest.raises(ValueError) as info:
        _checks.scalar("num_epochs", value, int, low=low, why=why)
    message = str(info.value)
    assert message.startswith("num_epochs must be an int") or "positive int" in message
    assert message.endswith(f", got {value}") and (f"({why})" in message) == bool(why)


@given(high=scalar_ints, above=st.integers(1, 2**70))
def test_every_value_above_high_is_refused_with_its_reason(high, above):
    with pytest.raises(ValueError) as info:
        _checks.scalar("seed", high + above, int, high=high, why="torch seeds are 64-bit")
    assert str(info.value) == (
        f"seed must be an int <= {high} (torch seeds are 64-bit), got {high + above}"
    )


@given(value=st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**6), 10**6))
def test_finite_real_numbers_come_back_as_the_same_float(value):
    out = _checks.scalar("b", value, float)
    assert type(out) is float and out == value


@given(value=st.sampled_from([math.nan, math.inf, -math.inf]), low=st.none() | st.just(0))
def test_non_finite_floats_are_refused(value, low):
    with pytest.raises(ValueError, match=r"^noise must be a finite number"):
        _checks.scalar("noise", value, float, low=low)


@given(bound=st.floats(-1e6, 1e6))
def test_exclusive_bounds_refuse_the_bound_itself(bound):
    assert _checks.scalar("x", bound, float, low=bound, high=bound) == bound
    for kwargs in ({"include_low": False}, {"include_high": False}):
        with pytest.raises(ValueError, match=r"^x must be a finite number in [\[(]"):
            _checks.scalar("x", bound, float, low=bound, high=bound, **kwargs)


def test_the_wording_of_the_common_cases():
    cases = [
        ({"kind": int, "low": 1}, 0, "n must be a positive int, got 0"),
        ({"kind": int, "low": 0}, -1, "n must be an int >= 0, got -1"),
        ({"kind": float, "low": 0, "include_low": False}, -0.5, "n must be a finite number > 0"),
        ({"kind": float, "low": 0, "high": 1.0, "why": "a share"}, 2.0, "n must be a finite "),
    ]
    for kwargs, value, words in cases:
        with pytest.raises(ValueError) as info:
            _checks.scalar("n", value, **kwargs)
        assert str(info.value).startswith(words), str(info.value)
    with pytest.raises(ValueError, match=r"in \[0, 1\] \(a share\), got 2\.0$"):
        _checks.scalar("n", 2.0, float, low=0, high=1.0, why="a share")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@given(
    value=st.one_of(
        st.integers(-(10**20), 10**20),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=4).filter(lambda s: not _is_number(s)),
    ),
    kind=st.sampled_from([int, float]),
)
def test_the_cli_refuses_exactly_what_the_library_refuses(value, kind):
    """One rule: a flag's text is refused with scalar's own message, or gives its value."""
    bounds = {"low": 1, "high": 10**12, "why": "a reason"}
    parse = _number("N", kind, **bounds)
    text = value if isinstance(value, str) else repr(value)
    try:
        expected = _checks.scalar("N", value, kind, **bounds)
    except (TypeError, ValueError) as err:
        with pytest.raises(argparse.ArgumentTypeError) as info:
            parse(text)
        assert str(info.value) == str(err)
    else:
        out = parse(text)
        assert out == expected and type(out) is kind


def test_fits_in_memory_refuses_one_value_over_the_cap_and_says_the_bytes():
    cap = _checks.MAX_VALUES
    _checks.fits_in_memory("num_examples", cap, (cap, 1))  # at the cap: accepted
    with pytest.raises(ValueError) as info:
        _checks.fits_in_memory("num_examples", cap + 1, (cap + 1, 1))
    message = str(info.value)
    assert message.startswith("num_examples=")
    assert f"{4 * (cap + 1):,} bytes" in message and "256 GiB" in message


def test_a_value_in_the_wrong_place_is_described_in_either_language():
    from linreg_scratch import data_iter
    from linreg_scratch.lang import language

    features = torch.zeros(1000, 2)
    with language("zh"), pytest.raises(TypeError) as info:
        data_iter(features, torch.zeros(1000), 10)  # features where batch_size goes
    assert "实际得到 Tensor，形状为 (1000, 2)（torch.float32）" in str(info.value)
    with pytest.raises(TypeError) as info:
        data_iter(features, torch.zeros(1000), 10)
    assert "got a Tensor of shape (1000, 2) (torch.float32)" in str(info.value)
