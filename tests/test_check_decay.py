"""check.l2_penalty and check.polynomial_features: right versions pass, each mistake is named."""

import math

import pytest
import torch

import linreg_scratch
from linreg_scratch import check, lang
from linreg_scratch.check import messages


def _poly(x, powers, factorial=True):
    """A learner's polynomial columns ``x^i (/ i!)`` for ``i`` in ``powers``, ``(n, len)``."""
    x = x.reshape(-1, 1)
    return torch.cat([x**i / (math.factorial(i) if factorial else 1) for i in powers], 1)


CORRECT = {
    "l2_penalty": [
        lambda w: torch.sum(w.pow(2)) / 2,  # d2l 2.x
        lambda w: (w**2).sum() / 2,
        lambda w: torch.norm(w) ** 2 / 2,
        lambda w: 0.5 * (w * w).sum(),
        linreg_scratch.l2_penalty,
    ],
    "polynomial_features": [
        lambda x, d: _poly(x, range(1, d + 1)),
        lambda x, d: (
            x.reshape(-1, 1) ** torch.arange(1, d + 1)
            / torch.exp(torch.lgamma(torch.arange(2, d + 2, dtype=x.dtype)))
        ),
        linreg_scratch.polynomial_features,
    ],
}

WRONG = {
    "l2_penalty": [
        (lambda w: torch.sum(w**2), "the 1/2 is missing"),
        (lambda w: torch.norm(w), "the norm, not the squared norm"),
        (lambda w: torch.norm(w) / 2, "half the norm"),
        (lambda w: w**2 / 2, "one value per weight"),
        (lambda w: torch.abs(w).sum(), "absolute values"),
        (lambda w: (w**2).mean() / 2, "the mean of the squares"),
        (lambda w: (w.data.mul_(2) ** 2).sum() / 8, "changes its input w in place"),
        (lambda w: torch.tensor(float((w**2).sum() / 2)), "breaks autograd"),
        (lambda w: (w.float() ** 2).sum() / 2, "changes the dtype"),
        (lambda w: torch.sum(w**2) / 2 + 1, "wrong values"),
        (lambda w: torch.stack([(w**2).sum() / 2, w.sum()]), "wrong output shape"),
    ],
    "polynomial_features": [
        (lambda x, d: _poly(x, range(d + 1)), "includes the constant column"),
        (lambda x, d: _poly(x, range(d)), "includes the constant column"),
        (lambda x, d: _poly(x, range(1, d + 1), factorial=False), "not divided by i!"),
        (lambda x, d: _poly(x, range(1, d + 1)).T, "transposed"),
        (lambda x, d: _poly(x, range(1, d + 1)).reshape(-1), "wrong output shape"),
        (lambda x, d: _poly(x, range(1, d + 1))[:, None], "wrong output shape"),
        (lambda x, d: _poly(x, range(2, d + 2)), "wrong values"),
        (lambda x, d: _poly(x, range(1, d + 1)).double(), "changes the dtype"),
        (lambda x, d: _poly(x.mul_(2), range(1, d + 1)), "changes its input x in place"),
        (lambda x, d: [x] * d, "wrong return type"),
    ],
}


@pytest.mark.parametrize(("name", "fn"), [(n, fn) for n, fns in CORRECT.items() for fn in fns])
def test_correct_implementations_pass(name, fn):
    result = getattr(check, name)(fn)
    assert result, str(result)
    assert result.passed == result.run == 5 and str(result).startswith(f"✓ {name}")


@pytest.mark.parametrize(
    ("name", "fn", "diagnosis"), [(n, fn, w) for n, cases in WRONG.items() for fn, w in cases]
)
def test_each_mistake_is_caught_and_named(name, fn, diagnosis):
    result = getattr(check, name)(fn)
    assert not result and result.score < 1
    assert diagnosis in result.problems[0], result.problems
    assert result.found[0].key in messages.MESSAGES
    assert str(result).startswith(f"✗ {name}: ") and diagnosis in str(result).splitlines()[0]


def test_the_verdict_shows_the_right_value_computed_independently():
    result = check.l2_penalty(lambda w: torch.sum(w**2))
    w = torch.randn((3, 1), generator=torch.Generator().manual_seed(4 * 13 + 2)) * 2
    assert f"{float((w.double() ** 2).sum() / 2):.4g}" in result.problems[0]


@pytest.mark.parametrize(
    "fn",
    [lambda *a: 1 / 0, lambda *a: None, lambda *a: "x", lambda *a: torch.zeros(0)],
)
@pytest.mark.parametrize("name", ["l2_penalty", "polynomial_features"])
def test_nothing_the_learner_returns_makes_a_check_raise(name, fn):
    result = getattr(check, name)(fn)
    assert not result and str(result).startswith(f"✗ {name}: ")


def test_the_verdicts_speak_chinese():
    with lang.language("zh"):
        half = str(check.l2_penalty(lambda w: torch.sum(w**2)))
        const = str(check.polynomial_features(lambda x, d: _poly(x, range(d + 1))))
        passed = str(check.l2_penalty(linreg_scratch.l2_penalty))
    assert "少了 1/2" in half and "应为：" in half
    assert "包含了常数列 x^0" in const and "通过" in passed


def test_grade_still_grades_the_chapters_five():
    results = check.grade({"l2_penalty": linreg_scratch.l2_penalty})
    assert list(results) == ["synthetic_data", "data_iter", "linreg", "squared_loss", "sgd"]
