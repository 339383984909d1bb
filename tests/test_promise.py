"""The promise, property-tested: every public function, fed generated mistakes and valid
oddities, either gives a correct result or raises ValueError/TypeError (FloatingPointError for
divergence) that names the argument, from our own checks (never from inside torch), and never
changes its inputs (values, shape, dtype, requires_grad, .grad). Every refusal is checked in
both languages: in English with no Chinese in it, and again under ``language("zh")``, where it
must be Chinese and still name the argument (``assert_refused`` does both).

Generated cases per run: see the report in the README's "Use it" section; `pytest
--hypothesis-show-statistics tests/test_promise.py` prints them per test.
"""

from __future__ import annotations

import math
import pathlib
import re
import traceback

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import (
    BAD_GENERATORS,
    BAD_POSITIVE_FLOATS,
    BAD_POSITIVE_INTS,
    META,
    bad_data,
    bad_params,
    datasets,
    seeds,
)

import linreg_scratch as ls
from linreg_scratch.__main__ import main
from linreg_scratch.data import shuffle_order
from linreg_scratch.lang import language

PACKAGE = pathlib.Path(ls.__file__).resolve().parent
ERRORS = (ValueError, TypeError)
#: A Chinese (CJK unified) ideograph: a message in Chinese has some, one in English none.
CJK = re.compile(r"[\u4e00-\u9fff]")
#: Words of English prose, never of code: a Chinese message holds none of them.
PROSE = re.compile(r"\b(must|got|is|are|be|the|and|or|not|use|pass|needs?|should|see|error)\b")


def english_left(zh: str, cause: BaseException | None = None) -> list[str]:
    """The English prose words in the Chinese message ``zh``, once quoted values and the
    text of the error it wraps (``cause``: torch's or Python's own words) are taken out."""
    if cause is not None:
        zh = zh.replace(str(cause), "")
    return PROSE.findall(re.sub(r"'[^']*'|\"[^\"]*\"", "", zh))


# --- helpers: what "the promise" means, written once ------------------------------------


def snapshot(obj):
    """Everything about ``obj`` that a call must not change (tensors inside lists too)."""
    if isinstance(obj, torch.Tensor):
        grad = obj.grad.detach().clone() if obj.is_leaf and obj.grad is not None else None
        values = obj.detach().clone() if obj.device.type != "meta" else None
        return ("tensor", values, obj.shape, obj.dtype, obj.requires_grad, grad, obj.stride())
    if isinstance(obj, (list, tuple)):
        return (type(obj), [snapshot(o) for o in obj])
    return ("other", obj if isinstance(obj, (int, float, str, type(None))) else id(obj))


def same(a, b) -> bool:
    if a[0] != b[0]:
        return False
    if a[0] == "tensor":
        _, va, *meta_a = a
        _, vb, *meta_b = b
        ga, gb = meta_a[3], meta_b[3]
        if (ga is None) != (gb is None) or (ga is not None and not torch.equal(ga, gb)):
            return False
        if meta_a[:3] + meta_a[4:] != meta_b[:3] + meta_b[4:]:
            return False
        return va is None or torch.equal(va.nan_to_num(7.0), vb.nan_to_num(7.0))
    if a[0] in (list, tuple):
        return len(a[1]) == len(b[1]) and all(same(x, y) for x, y in zip(a[1], b[1], strict=True))
    return a == b or (a[1] != a[1] and b[1] != b[1])  # NaN == NaN here


def refusal(call, args: dict, errors) -> BaseException:
    """The error ``call(**args)`` raises, checked to be one of ``errors``, raised by our
    code (not inside torch or Python internals) and to leave every argument unchanged."""
    before = {k: snapshot(v) for k, v in args.items()}
    with pytest.raises(errors) as info:
        call(**args)
    innermost = traceback.extract_tb(info.value.__traceback__)[-1].filename
    assert pathlib.Path(innermost).resolve().is_relative_to(PACKAGE), (innermost, info.value)
    for k, v in args.items():
        assert same(before[k], snapshot(v)), f"{k} was changed by a call that failed"
    return info.value


def argument_names(names, english: str) -> list[str]:
    """The argument names among ``names`` ("features and labels" names two), which read
    the same in Chinese; when ``names`` are English words ("not a leaf"), the argument the
    English message starts with, as the checks' messages do."""
    parts = [part for name in names for part in name.split(" and ")]
    return [p for p in parts if re.fullmatch(r"[\w.\[\]()-]+", p)] or [english.split()[0]]


def assert_refused(call, args: dict, names, errors=ERRORS, *, first=False):
    """``call(**args)`` raises one of ``errors`` from our checks, naming one of ``names``
    (with ``first``: as the message's first word), in English with no Chinese in it; no
    argument is changed. Under ``language("zh")`` it raises the same error type, in
    Chinese, still naming the argument. Returns the English message."""
    names = (names,) if isinstance(names, str) else names
    with language("en"):
        error = refusal(call, args, errors)
    message = str(error)
    named = message.startswith if first else message.__contains__
    assert any(named(name) for name in names), (names, message)
    assert not CJK.search(message), message
    with language("zh"):
        chinese = refusal(call, args, type(error))
    zh = str(chinese)
    assert type(chinese) is type(error) and CJK.search(zh), (message, zh)
    assert not english_left(zh, chinese.__cause__), (english_left(zh, chinese.__cause__), zh)
    in_zh = argument_names(names, message)
    named = zh.startswith if first else zh.__contains__
    assert any(named(name) for name in in_zh), (in_zh, zh)
    return message


def fresh_params(d, dtype, generator):
    w = (0.01 * torch.randn(d, 1, generator=generator, dtype=dtype)).requires_grad_()
    b = torch.zeros(1, dtype=dtype, requires_grad=True)
    return w, b


def replay(features, labels, w0, b0, lr, batch_size, num_epochs, seed):
    """Mini-batch SGD written again in float64 NumPy, reading the same shuffles."""
    X = features.detach().double().numpy()
    y = labels.detach().double().numpy().reshape(-1, 1)
    w = w0.detach().double().numpy().reshape(-1, 1).copy()
    b = float(b0.detach().double().reshape(-1)[0])
    gen = torch.Generator().manual_seed(seed)
    for _ in range(num_epochs):
        order = shuffle_order(len(X), torch.device("cpu"), gen).numpy()
        for start in range(0, len(X), batch_size):
            idx = order[start : start + batch_size]
            r = X[idx] @ w + b - y[idx]
            w = w - lr * X[idx].T @ r / len(idx)
            b = b - lr * float(r.sum()) / len(idx)
    return w.reshape(-1), b


# --- train: valid oddities give the float64 replay; mistakes are refused -----------------


@settings(deadline=None)
@given(data=datasets(), seed=seeds, batch_size=st.integers(1, 12), w_1d=st.booleans())
def test_train_valid_oddities_match_a_float64_replay(data, seed, batch_size, w_1d):
    features, labels = data
    d = features.shape[1]
    gen = torch.Generator().manual_seed(seed)
    w, b = fresh_params(d, features.dtype, gen)
    if w_1d:
        w = w.detach().reshape(-1).requires_grad_()
    w0, b0 = w.detach().clone(), b.detach().clone()
    before = (snapshot(features), snapshot(labels))
    losses = ls.train(
        ls.linreg,
        ls.squared_loss,
        [w, b],
        features,
        labels,
        lr=0.05,
        num_epochs=2,
        batch_size=batch_size,
        verbose=False,
        generator=torch.Generator().manual_seed(seed),
    )
    assert (same(before[0], snapshot(features)), same(before[1], snapshot(labels))) == (True, True)
    assert features.grad is None and labels.grad is None
    assert all(math.isfinite(v) for v in losses)
    w_ref, b_ref = replay(features, labels, w0, b0, 0.05, batch_size, 2, seed)
    tol = 1e-4 if features.dtype == torch.float32 else 1e-10
    np.testing.assert_allclose(w.detach().double().reshape(-1).numpy(), w_ref, atol=tol, rtol=tol)
    assert abs(float(b.detach()) - b_ref) <= tol * (1 + abs(b_ref))
    assert w.shape == w0.shape  # 1-D w stays 1-D


@settings(deadline=None)
@given(data=datasets(max_n=12, max_d=3), seed=seeds)
def test_train_with_a_custom_net_leaves_features_alone(data, seed):
    """A net that is not ``linreg`` takes the autograd path: inputs must not collect ``.grad``."""
    features, labels = data
    features.requires_grad_()
    w, b = fresh_params(features.shape[1], features.dtype, torch.Generator().manual_seed(seed))
    before = snapshot(features)
    ls.train(lambda X, w, b: X @ w + b, ls.squared_loss, [w, b], features, labels, verbose=False)
    assert features.grad is None and same(before, snapshot(features))


def _train_args(features, labels, seed=0):
    w, b = fresh_params(features.shape[1], features.dtype, torch.Generator().manual_seed(seed))
    return dict(
        net=ls.linreg,
        loss=ls.squared_loss,
        params=[w, b],
        features=features,
        labels=labels,
        verbose=False,
    )


@settings(deadline=None)
@given(data=datasets())
def test_train_refuses_bad_data(data):
    features, labels = data
    for name, value, named in bad_data(features, labels):
        args = _train_args(features, labels) | {name: value}
        assert_refused(ls.train, args, named, first=True)


@settings(deadline=None)
@given(data=datasets())
def test_train_refuses_bad_params(data):
    features, labels = data
    w, b = fresh_params(features.shape[1], features.dtype, torch.Generator().manual_seed(0))
    for value, words in bad_params(w, b):
        args = _train_args(features, labels) | {"params": value}
        assert_refused(ls.train, args, words)


@settings(deadline=None)
@given(data=datasets(max_n=10))
def test_train_refuses_bad_settings(data):
    features, labels = data
    for name, value in (
        [("lr", v) for v in BAD_POSITIVE_FLOATS]
        + [(k, v) for k in ("batch_size", "num_epochs") for v in BAD_POSITIVE_INTS]
        + [("generator", v) for v in BAD_GENERATORS]
        + [("verbose", v) for v in ("no", 0, None)]
        + [("callback", v) for v in (1, "print")]
    ):
        args = _train_args(features, labels) | {name: value}
        message = assert_refused(ls.train, args, name)
        if name == "generator" and isinstance(value, int):
            assert f"torch.Generator().manual_seed({value})" in message


@settings(deadline=None)
@given(data=datasets(max_n=10))
def test_train_refuses_swapped_or_wrong_functions(data):
    features, labels = data
    for net, loss, words in [
        (ls.squared_loss, ls.linreg, "net"),
        (ls.linreg, ls.linreg, "loss"),
        (None, ls.squared_loss, "net"),
        (ls.linreg, "squared_loss", "loss"),
        (lambda X, w, b: (X @ w + b).sum(), ls.squared_loss, "net"),  # one number
        (lambda X, w, b: torch.cat([X @ w + b, X @ w - b], 1), ls.squared_loss, "net"),
        (lambda X, w, b: X @ w + b.expand(2), ls.squared_loss, "net"),
        (ls.linreg, lambda y_hat, y: ((y_hat - y.reshape(-1, 1)) ** 2).mean(), "loss"),
    ]:
        args = _train_args(features, labels) | {"net": net, "loss": loss}
        assert_refused(ls.train, args, words)


def test_divergence_is_a_floating_point_error_not_nan(tutorial_data):
    features, labels = tutorial_data
    with pytest.raises(FloatingPointError, match="lr=100"):
        ls.train(**_train_args(features, labels), lr=100.0)


# --- the model, the loss and the optimiser ----------------------------------------------


@settings(deadline=None)
@given(data=datasets(), w_1d=st.booleans(), b_0d=st.booleans(), seed=seeds)
def test_linreg_matches_numpy_for_every_accepted_shape(data, w_1d, b_0d, seed):
    X = data[0]
    gen = torch.Generator().manual_seed(seed)
    w = torch.randn(X.shape[1], 1, generator=gen, dtype=X.dtype)
    b = torch.randn(1, generator=gen, dtype=X.dtype)
    w = w.reshape(-1) if w_1d else w
    b = b.reshape(()) if b_0d else b
    y_hat = ls.linreg(X, w, b)
    assert y_hat.shape == ((len(X),) if w_1d else (len(X), 1))
    ref = X.detach().double().numpy() @ w.double().numpy().reshape(-1, 1) + float(b)
    tol = 1e-5 if X.dtype == torch.float32 else 1e-12
    np.testing.assert_allclose(y_hat.detach().double().numpy().reshape(-1, 1), ref, atol=tol)


@settings(deadline=None)
@given(data=datasets())
def test_linreg_refuses_shapes_it_would_broadcast(data):
    X = data[0].detach()
    n, d = X.shape
    w, b = torch.zeros(d, 1, dtype=X.dtype), torch.zeros(1, dtype=X.dtype)
    for name, value in [
        ("b", torch.zeros(2, dtype=X.dtype)),
        ("b", torch.zeros(n + 1, dtype=X.dtype)),
        ("b", torch.zeros(1, 1, 1, dtype=X.dtype)),
        ("w", torch.zeros(d, 2, dtype=X.dtype)),
        ("w", torch.zeros(d + 1, 1, dtype=X.dtype)),
        ("w", torch.zeros(d, 1, 1, dtype=X.dtype)),
        ("w", w.to(torch.int64)),
        ("b", b.to(torch.complex128)),
        ("w", None),
        ("b", 4.2),
        ("w", w.to(META)),
        ("b", b.to(META)),
        ("X", X.reshape(-1)),
        ("X", X > 0),
    ]:
        args = {"X": X, "w": w, "b": b} | {name: value}
        assert_refused(ls.linreg, args, name)


@settings(deadline=None)
@given(n=st.integers(1, 20))
def test_squared_loss_refuses_mismatched_predictions_and_labels(n):
    y_hat = torch.zeros(n, 1)
    for name, value in [
        ("y", torch.zeros(n + 1)),
        ("y", torch.zeros(1, n) if n > 1 else torch.zeros(1, 1, 2)),
        ("y", torch.zeros(n) > 0),
        ("y", torch.zeros(n, dtype=torch.complex64)),
        ("y", torch.zeros(n, device=META)),
        ("y", [0.0] * n),
        ("y_hat", torch.zeros(n, 2)),
        ("y_hat", torch.zeros(n, dtype=torch.int64)),
    ]:
        args = {"y_hat": y_hat, "y": torch.zeros(n)} | {name: value}
        assert_refused(ls.squared_loss, args, name)


@settings(deadline=None)
@given(data=datasets(max_n=10))
def test_sgd_refuses_what_backward_cannot_fill(data):
    X, y = data
    X, y = X.detach(), y.detach()
    w, b = fresh_params(X.shape[1], X.dtype, torch.Generator().manual_seed(0))
    ls.squared_loss(ls.linreg(X, w, b), y).sum().backward()
    for case in ["non-leaf", "bare tensor", "None", "no backward", "lr"]:
        if case == "non-leaf":
            params, words = [torch.randn(2, 1, requires_grad=True) * 0.01, b], "not a leaf"
        elif case == "bare tensor":
            params, words = w, "wrap it in a list"
        elif case == "None":
            params, words = None, "params"
        elif case == "no backward":
            params, words = [torch.zeros(2, requires_grad=True)], "backward()"
        else:
            params, words = [w, b], "lr"
        lr = -1.0 if case == "lr" else 0.1
        message = assert_refused(ls.sgd, {"params": params, "lr": lr, "batch_size": len(X)}, words)
        if case == "non-leaf":
            assert "call loss.backward()" not in message  # they did; the fix is elsewhere


# --- grad_check: NaN is a failure, every w shape is checked correctly --------------------


@settings(deadline=None)
@given(data=datasets(max_n=15, max_d=3), w_1d=st.booleans(), b_0d=st.booleans(), seed=seeds)
def test_grad_check_is_tiny_for_correct_gradients_of_any_accepted_shape(data, w_1d, b_0d, seed):
    X, y = data
    gen = torch.Generator().manual_seed(seed)
    w = torch.randn(X.shape[1], 1, generator=gen, dtype=X.dtype)
    b = torch.randn(1, generator=gen, dtype=X.dtype)
    w = w.reshape(-1) if w_1d else w
    b = b.reshape(()) if b_0d else b
    before = [snapshot(t) for t in (X, y, w, b)]
    assert ls.grad_check(ls.linreg, ls.squared_loss, [w, b], X, y) < 1e-5
    assert all(same(s, snapshot(t)) for s, t in zip(before, (X, y, w, b), strict=True))


@settings(deadline=None)
@given(data=datasets(max_n=10, max_d=3))
def test_grad_check_never_reports_a_nan_gradient_as_perfect(data):
    X, y = data
    w, b = torch.zeros(X.shape[1], 1, dtype=X.dtype), torch.zeros(1, dtype=X.dtype)

    def sqrt_net(X, w, b):
        return torch.sqrt(ls.linreg(X, w, b) - 1.0)  # sqrt of a negative number: NaN

    with pytest.raises(FloatingPointError, match="not finite"):
        ls.grad_check(sqrt_net, ls.squared_loss, [w, b], X, y)


@settings(deadline=None)
@given(data=datasets(max_n=10, max_d=3))
def test_grad_check_refuses_bad_input(data):
    X, y = data
    X, y = X.detach(), y.detach()
    w, b = torch.zeros(X.shape[1], 1, dtype=X.dtype), torch.zeros(1, dtype=X.dtype)
    for name, value, words in [
        ("params", None, "params"),
        ("params", w, "params"),
        ("params", [w, b, torch.zeros(1)], "params"),
        ("params", [w, torch.zeros(3)], "b"),
        ("y", y.to(META), "y"),
        ("X", X.to(META), ("X", "y", "params")),
        ("y", y > 0, "y"),
        ("X", X.to(torch.complex64), "X"),
        ("y", torch.full_like(y, float("nan")), "y"),
        ("y", y.reshape(-1)[0], "y"),  # 0-d: no example to hold (was an IndexError)
        ("eps", 0.0, "eps"),
        ("net", None, "net"),
        ("loss", ls.linreg, "loss"),
    ]:
        args = {"net": ls.linreg, "loss": ls.squared_loss, "params": [w, b], "X": X, "y": y}
        assert_refused(ls.grad_check, args | {name: value}, words)


# --- data ------------------------------------------------------------------------------


@settings(deadline=None)
@given(data=datasets())
def test_closed_form_matches_numpy_lstsq_or_refuses(data):
    features, labels = data
    for name, value, named in bad_data(features, labels):
        args = {"features": features, "labels": labels} | {name: value}
        assert_refused(ls.closed_form, args, named, first=True)
    before = (snapshot(features), snapshot(labels))
    w, b = ls.closed_form(features, labels)
    A = np.hstack([features.detach().double().numpy(), np.ones((len(features), 1))])
    theta = np.linalg.lstsq(A, labels.detach().double().numpy().reshape(-1), rcond=None)[0]
    tol = 1e-4 if features.dtype == torch.float32 else 1e-8
    np.testing.assert_allclose(w.double().numpy().reshape(-1), theta[:-1], atol=tol, rtol=tol)
    np.testing.assert_allclose(float(b), theta[-1], atol=tol, rtol=tol)
    assert (same(before[0], snapshot(features)), same(before[1], snapshot(labels))) == (True, True)


def test_synthetic_data_and_init_params_refuse_bad_input():
    for call, args, name in [
        (ls.synthetic_data, {"w": [1.0, float("nan")], "b": 0, "num_examples": 5}, "w"),
        (ls.synthetic_data, {"w": [1.0], "b": 1e39, "num_examples": 5}, "b"),
        (ls.synthetic_data, {"w": [1.0], "b": "4.2", "num_examples": 5}, "b"),
        (ls.synthetic_data, {"w": [1.0], "b": 0, "num_examples": 0}, "num_examples"),
        (ls.synthetic_data, {"w": [1.0], "b": 0, "num_examples": 5, "noise": -1}, "noise"),
        (
            ls.synthetic_data,
            {"w": [1.0], "b": 0, "num_examples": 3, "noise": 1e35},
            "noise",
        ),
        (ls.synthetic_data, {"w": [1e38], "b": 0, "num_examples": 3}, "w"),
        (
            ls.synthetic_data,
            {"w": [1.0], "b": 0, "num_examples": 5, "generator": 0},
            "generator",
        ),
        (ls.synthetic_data, {"w": None, "b": 0, "num_examples": 5}, "w"),
        # complex weights: refused, never cut to their real part
        (ls.synthetic_data, {"w": [1 + 2j], "b": 0, "num_examples": 5}, "w[0]"),
        (ls.synthetic_data, {"w": [1.0, 2j], "b": 0, "num_examples": 5}, "w[1]"),
        (ls.synthetic_data, {"w": np.array([1 + 0j, 2]), "b": 0, "num_examples": 5}, "w[0]"),
        (ls.synthetic_data, {"w": torch.tensor([1 + 2j]), "b": 0, "num_examples": 5}, "w"),
        (
            ls.synthetic_data,
            {"w": torch.ones(2, 1, dtype=torch.complex64), "b": 0, "num_examples": 5},
            "w",
        ),
        # sizes no machine holds: refused before torch tries to allocate them
        (ls.synthetic_data, {"w": [1.0, 2.0], "b": 0, "num_examples": 10**15}, "num_examples"),
        (ls.synthetic_data, {"w": [1.0] * 1000, "b": 0, "num_examples": 10**8}, "num_examples"),
        (ls.init_params, {"num_inputs": 10**15}, "num_inputs"),
        (ls.init_params, {"num_inputs": 0}, "num_inputs"),
        (ls.init_params, {"num_inputs": 2.0}, "num_inputs"),
        (ls.init_params, {"num_inputs": 2, "std": 1e39}, "std"),
        (ls.init_params, {"num_inputs": 2, "std": -1}, "std"),
        (ls.init_params, {"num_inputs": 2, "generator": 7}, "generator"),
    ]:
        assert_refused(call, args, name)


def test_too_large_sizes_say_how_many_bytes_and_the_cap_is_one_constant(monkeypatch):
    message = assert_refused(ls.init_params, {"num_inputs": 10**15}, "num_inputs", first=True)
    assert "4,000,000,000,000,000 bytes" in message
    message = assert_refused(
        ls.synthetic_data, {"w": [1.0, 2.0], "b": 0, "num_examples": 10**15}, "num_examples"
    )
    assert "(1000000000000000, 2)" in message and "8,000,000,000,000,000 bytes" in message
    monkeypatch.setattr(ls._checks, "MAX_VALUES", 12)  # the cap, and nothing else, decides
    assert ls.init_params(12)[0].shape == (12, 1)
    assert_refused(ls.init_params, {"num_inputs": 13}, "num_inputs")
    assert ls.synthetic_data([1.0, 2.0], 0, 6)[0].shape == (6, 2)
    assert_refused(ls.synthetic_data, {"w": [1.0, 2.0], "b": 0, "num_examples": 7}, "num_examples")


@settings(deadline=None)
@given(data=datasets())
def test_data_iter_refuses_bad_input(data):
    features, labels = data
    for name, value in [
        ("batch_size", 0),
        ("batch_size", 2.0),
        ("features", None),
        ("features", torch.tensor(1.0)),
        ("labels", torch.zeros(len(features) + 1)),
        ("labels", labels.detach().to(META)),
        ("generator", 0),
        ("shuffle", "yes"),
        ("shuffle", None),
    ]:
        args = {"batch_size": 3, "features": features, "labels": labels} | {name: value}
        message = assert_refused(ls.data_iter, args, (name, "features and labels"))
        if name == "shuffle":  # says what to pass instead
            assert "pass shuffle=True or shuffle=False" in message, message


# --- plots, the sweep, the recorder -------------------------------------------------------


@settings(deadline=None)
@given(data=datasets(max_n=20, d=2))
def test_landscape_and_sweep_refuse_bad_data_before_using_it(data):
    features, labels = data
    for name, value, named in bad_data(features, labels):
        args = {"features": features, "labels": labels} | {name: value}
        assert_refused(ls.plot_loss_landscape, args, named, first=True)
        assert_refused(lambda **kw: ls.sweep("lr", [0.03], **kw), args, named, first=True)


@settings(deadline=None)
@given(data=datasets(max_n=20, d=2))
def test_landscape_refuses_bad_settings_and_paths(data, tmp_path_factory):
    features, labels = data
    folder = tmp_path_factory.mktemp("plots")
    for name, value in [
        ("trajectory", torch.zeros(5, 1)),  # the path of b, not of w
        ("trajectory", torch.zeros(5, 3)),
        ("trajectory", [[0.0, 0.0]]),
        ("generator", 0),
        ("lr", 0),
        ("batch_size", "10"),
        ("num_epochs", -1),
        ("path", str(folder / "missing" / "x.svg")),
        ("path", str(folder / "x.txt")),
        ("path", ""),
        ("path", 3),
    ]:
        args = {"features": features, "labels": labels, name: value}
        assert_refused(ls.plot_loss_landscape, args, name)


def test_landscape_and_sweep_accept_float64_and_requires_grad_data(tutorial_data):
    features, labels = tutorial_data
    f64 = torch.from_numpy(features.double().numpy()).requires_grad_()
    l64 = torch.from_numpy(labels.double().numpy())
    fig = ls.plot_loss_landscape(f64[:200], l64[:200])
    assert fig.axes and f64.grad is None
    a = ls.sweep("lr", [0.03, 0.1], f64, l64)
    b = ls.sweep("lr", [0.03, 0.1], features, labels)
    np.testing.assert_allclose(a.final_losses, b.final_losses, rtol=1e-3, atol=1e-6)


def test_sweep_refuses_bad_settings():
    for param_name, values, name in [
        ("momentum", [0.1], "param_name"),
        ("lr", "0.1", "values"),
        ("lr", [], "values"),
        ("lr", [0.1, -1], "lr"),
        ("batch_size", [10, 2.5], "batch_size"),
    ]:
        assert_refused(ls.sweep, {"param_name": param_name, "values": values}, name)
        assert_refused(ls.sweep, {"param_name": "lr", "values": [0.1], "seed": -1}, "seed")


def test_animator_takes_a_legend_string_and_array_values(capsys):
    anim = ls.Animator(legend="train loss")  # one string: a one-item legend
    anim.add(1, np.array([0.5]))
    anim.add(2, 0.25)
    assert "train loss 0.25" in capsys.readouterr().out
    assert anim.Y == [[0.5, 0.25]]


def test_animator_and_trajectory_refuse_bad_input():
    two = ls.Animator(legend=["train", "test"])
    two.add(1, torch.tensor([0.5, 0.25]))
    assert two.Y == [[0.5], [0.25]]
    for call, args, name in [
        (two.add, {"x": 2, "y": None}, "y"),
        (two.add, {"x": 2, "y": "0.5"}, "y"),
        (two.add, {"x": 2, "y": [0.1]}, "y"),
        (two.add, {"x": "2", "y": [0.1, 0.2]}, "x"),
        (ls.Animator, {"legend": [1, 2]}, "legend"),
        (ls.Animator, {"xlim": (1,)}, "xlim"),
        (ls.Animator, {"yscale": "logarithmic"}, "yscale"),
        (ls.Animator, {"figsize": (0, 1)}, "figsize"),
        (ls.Trajectory, {"params": torch.zeros(2, 1)}, "params"),
        (ls.Trajectory([torch.zeros(2, 1), torch.zeros(1)]).stack, {"index": 2}, "index"),
        (ls.Trajectory([torch.zeros(2, 1), torch.zeros(1)]).stack, {"index": "w"}, "index"),
        (ls.set_figsize, {"figsize": "big"}, "figsize"),
        (ls.set_language, {"language": "fr"}, "language"),
    ]:
        assert_refused(call, args, name)


@settings(deadline=None)
@given(data=datasets(max_n=20, max_d=3))
def test_plot_training_refuses_bad_input(data, tmp_path_factory):
    features, labels = data
    d = features.shape[1]
    w, b = torch.zeros(d, 1, dtype=features.dtype), torch.zeros(1, dtype=features.dtype)
    folder = tmp_path_factory.mktemp("plots")
    for name, value in [
        ("losses", []),
        ("losses", "0.1"),
        ("losses", None),
        ("w", w.to(META)),
        ("b", torch.zeros(3, dtype=features.dtype)),
        ("labels", labels.detach().to(META)),
        ("labels", torch.zeros(len(features), 2, dtype=features.dtype)),
        ("path", str(folder / "missing" / "fit.svg")),
        ("trajectory", torch.zeros(4, 1)),
    ]:
        args = dict(losses=[1.0, 0.5], features=features, labels=labels, w=w, b=b) | {name: value}
        assert_refused(ls.plot_training, args, name)


def _drawn_path(fig):
    """The (x, y) points of the SGD path drawn on the figure's landscape panel."""
    lines = [line for ax in fig.axes for line in ax.lines if line.get_label() == "SGD path"]
    return [line.get_xydata().tolist() for line in lines]


def test_plots_take_the_trajectory_itself_as_well_as_its_stack(tutorial_data):
    features, labels = tutorial_data[0][:100], tutorial_data[1][:100]
    w, b = ls.init_params(2, generator=torch.Generator().manual_seed(0))
    recorder = ls.Trajectory([w, b])
    losses = ls.train(
        ls.linreg, ls.squared_loss, [w, b], features, labels, callback=recorder, verbose=False
    )
    before = snapshot(recorder.params)
    for plot, args in [
        (ls.plot_training, dict(losses=losses, features=features, labels=labels, w=w, b=b)),
        (ls.plot_loss_landscape, dict(features=features, labels=labels)),
    ]:
        with_recorder = _drawn_path(plot(**args, trajectory=recorder))
        with_tensor = _drawn_path(plot(**args, trajectory=recorder.stack(0)))
        assert len(with_recorder) == 1 and len(with_recorder[0]) == len(recorder.params)
        assert with_recorder == with_tensor
        assert same(before, snapshot(recorder.params))
        assert_refused(plot, args | {"trajectory": ls.Trajectory()}, "trajectory", first=True)
        three = ls.Trajectory([torch.zeros(3, 1), torch.zeros(1)])
        assert_refused(plot, args | {"trajectory": three}, "trajectory", first=True)


# --- the command line: argparse errors (exit 2, one line) before any training -------------


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--plot", ""], "--plot"),
        (["--plot", "no_such_folder/fit.svg"], "existing folder"),
        (["--plot", "fit.txt"], ".svg, .png or .pdf"),
        (["--num-examples", "1000000000000"], "--num-examples"),
        (["--num-inputs", "10000000"], "--num-inputs"),
        (["--num-examples", "100000", "--num-inputs", "10000"], "N * D"),
        (["--seed", str(2**64)], "--seed"),
        (["--seed", "-1"], "--seed"),
        (["--noise", "1e300"], "--noise"),
        (["--lr", "nan"], "--lr"),
    ],
)
def test_cli_refuses_before_training(argv, words, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for lang in ("en", "zh"):
        with pytest.raises(SystemExit) as info, language(lang):
            main(argv)
        out, err = capsys.readouterr()
        assert info.value.code == 2 and out == ""  # nothing trained, nothing printed
        assert len(err.strip().splitlines()) == 1, err
        if lang == "en":
            assert words in err and not CJK.search(err), err
        else:  # in Chinese, naming the flag given
            assert CJK.search(err) and argv[0] in err and not english_left(err), err


def test_cli_accepts_the_largest_seed(capsys):
    assert main(["--seed", str(2**64 - 1), "--num-examples", "50", "--epochs", "1"]) == 0
    assert "learned w" in capsys.readouterr().out
