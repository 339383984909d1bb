"""check: the books' correct implementations pass; each known mistake is caught and named."""

from __future__ import annotations

import ast
import functools
import inspect
import os
import pathlib
import random
import re
import string
import subprocess
import sys

import numpy as np
import pytest
import torch

import linreg_scratch
from linreg_scratch import check, lang
from linreg_scratch.check import messages

# --- correct implementations, in the styles of the seed, d2l 2.x and d2l-en 1.x ------------


def iter_seed(batch_size, features, labels):  # python list shuffled by random, index_select
    num_examples = len(features)
    order = list(range(num_examples))
    random.shuffle(order)
    for start in range(0, num_examples, batch_size):
        rows = torch.LongTensor(order[start : min(start + batch_size, num_examples)])
        yield features.index_select(0, rows), labels.index_select(0, rows)


def iter_d2l2(batch_size, features, labels):  # index with a tensor made from a list slice
    n = len(features)
    idx = list(range(n))
    random.shuffle(idx)
    for i in range(0, n, batch_size):
        chosen = torch.tensor(idx[i : min(i + batch_size, n)])
        yield features[chosen], labels[chosen]


def iter_randperm_split(batch_size, features, labels):  # own words: split a permutation
    for chunk in torch.randperm(len(features)).split(batch_size):
        yield features[chunk], labels[chunk]


def iter_numpy_list(batch_size, features, labels):  # returns a list, numpy's shuffle
    order = np.random.permutation(len(features))
    return [
        (features[order[i : i + batch_size]], labels[order[i : i + batch_size]])
        for i in range(0, len(features), batch_size)
    ]


def iter_dataloader(batch_size, features, labels):  # what section 3.3 uses
    dataset = torch.utils.data.TensorDataset(features, labels)
    return torch.utils.data.DataLoader(dataset, batch_size, shuffle=True)


def iter_d2l1(batch_size, features, labels):  # d2l-en 1.x: slices run past the end
    indices = list(range(len(features)))
    random.shuffle(indices)
    for i in range(0, len(indices), batch_size):
        batch_indices = torch.tensor(indices[i : i + batch_size])
        yield features[batch_indices], labels[batch_indices]


def iter_tolist(batch_size, features, labels):  # own words: python ints, one row at a time
    order = torch.randperm(len(features)).tolist()
    while order:
        rows, order = order[:batch_size], order[batch_size:]
        yield torch.stack([features[r] for r in rows]), torch.stack([labels[r] for r in rows])


def linreg_mm(X, w, b):  # the seed
    return torch.mm(X, w) + b


def linreg_matmul(X, w, b):  # d2l 2.x
    return torch.matmul(X, w) + b


def linreg_sum(X, w, b):  # own words: a weighted sum of columns, kept as a column
    return (X * w.reshape(1, -1)).sum(dim=1, keepdim=True) + b


def linreg_methods(X, w, b):  # own words, method calls
    return X.mm(w).add(b)


def loss_view(y_hat, y):  # the seed
    return (y_hat - y.view(y_hat.size())) ** 2 / 2


def loss_reshape(y_hat, y):  # d2l 2.x
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def loss_flat(y_hat, y):  # own words: one value per example, as a flat vector
    diff = y_hat.reshape(-1) - y.reshape(-1)
    return 0.5 * diff * diff


def loss_square(y_hat, y):  # own words
    return 0.5 * torch.square(y_hat - y.reshape(-1, 1))


def sgd_seed(params, lr, batch_size):  # .data, the loop zeroes the gradients
    for param in params:
        param.data -= lr * param.grad / batch_size


def sgd_d2l2(params, lr, batch_size):  # no_grad, sgd zeroes the gradients
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def sgd_sub_none(params, lr, batch_size):  # own words: sub_, then drop the gradient
    with torch.no_grad():
        for p in params:
            p.sub_(p.grad, alpha=lr / batch_size)
            p.grad = None


def sgd_torch_optim(params, lr, batch_size):  # torch's own optimiser, one step
    torch.optim.SGD(params, lr=lr / batch_size).step()


def sgd_data_sub(params, lr, batch_size):  # .data in place, zeroing .grad.data like the seed loop
    for param in params:
        param.data.sub_(lr * param.grad / batch_size)
        param.grad.data.zero_()


def synthetic_seed(w, b, num_examples):  # numpy noise, labels (n,)
    X = torch.randn(num_examples, len(w), dtype=torch.float32)
    y = sum(float(w[j]) * X[:, j] for j in range(len(w))) + b
    y += torch.tensor(np.random.normal(0, 0.01, size=y.size()), dtype=torch.float32)
    return X, y


def synthetic_d2l2(w, b, num_examples):  # labels (n, 1)
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


def synthetic_column(w, b, num_examples):  # own words: a column from the start
    X = torch.randn(num_examples, len(w))
    y = X @ w.reshape(-1, 1) + b
    return X, y + 0.01 * torch.randn_like(y)


CORRECT = {
    "data_iter": [
        iter_seed,
        iter_d2l2,
        iter_randperm_split,
        iter_numpy_list,
        iter_dataloader,
        iter_d2l1,
        iter_tolist,
        linreg_scratch.data_iter,
    ],
    "linreg": [linreg_mm, linreg_matmul, linreg_sum, linreg_methods, linreg_scratch.linreg],
    "squared_loss": [loss_view, loss_reshape, loss_flat, loss_square, linreg_scratch.squared_loss],
    "sgd": [sgd_seed, sgd_d2l2, sgd_sub_none, sgd_data_sub, sgd_torch_optim, linreg_scratch.sgd],
    "synthetic_data": [
        synthetic_seed,
        synthetic_d2l2,
        synthetic_column,
        linreg_scratch.synthetic_data,
    ],
}


@pytest.mark.parametrize(
    ("name", "fn"),
    [(name, fn) for name, fns in CORRECT.items() for fn in fns],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_correct_implementations_pass(name, fn):
    result = getattr(check, name)(fn)
    assert result, str(result)
    assert result.problems == []
    assert str(result).startswith(f"✓ {name}")


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize(
    ("name", "fn"),
    [
        ("data_iter", iter_seed),
        ("data_iter", iter_randperm_split),
        ("synthetic_data", synthetic_seed),
        ("synthetic_data", synthetic_d2l2),
    ],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_no_false_alarm_under_other_seeds(monkeypatch, seed, name, fn):
    # the statistical cases (shuffling, N(0, 1), noise level) hold for any draw, not one
    monkeypatch.setattr(check, "SEED", seed)
    assert getattr(check, name)(fn)


# --- wrong implementations, each with the words its diagnosis must contain ----------------


def _perm_batches(batch_size, n, stop=None, width=0):
    idx = torch.randperm(n)
    for i in range(0, n if stop is None else stop, batch_size):
        yield idx[i : i + batch_size + width]


def iter_drops_last(batch_size, features, labels):
    idx = torch.randperm(len(features))
    for i in range(0, len(features) - batch_size + 1, batch_size):
        j = idx[i : i + batch_size]
        yield features[j], labels[j]


def iter_floor_batches(batch_size, features, labels):
    idx = torch.randperm(len(features))
    for k in range(len(features) // batch_size):
        j = idx[k * batch_size : (k + 1) * batch_size]
        yield features[j], labels[j]


def iter_with_replacement(batch_size, features, labels):
    idx = torch.randint(0, len(features), (len(features),))
    for i in range(0, len(features), batch_size):
        j = idx[i : i + batch_size]
        yield features[j], labels[j]


def iter_in_order(batch_size, features, labels):
    for i in range(0, len(features), batch_size):
        yield features[i : i + batch_size], labels[i : i + batch_size]


def iter_reseeded(batch_size, features, labels):
    idx = torch.randperm(len(features), generator=torch.Generator().manual_seed(0))
    for i in range(0, len(features), batch_size):
        j = idx[i : i + batch_size]
        yield features[j], labels[j]


def iter_apart(batch_size, features, labels):
    n = len(features)
    idx_x, idx_y = torch.randperm(n), torch.randperm(n)
    for i in range(0, n, batch_size):
        yield features[idx_x[i : i + batch_size]], labels[idx_y[i : i + batch_size]]


def iter_short_slices(batch_size, features, labels):
    idx = torch.randperm(len(features))
    for i in range(0, len(features), batch_size):
        j = idx[i : i + batch_size - 1]
        yield features[j], labels[j]


def iter_long_slices(batch_size, features, labels):
    idx = torch.randperm(len(features))
    for i in range(0, len(features), batch_size):
        j = idx[i : i + batch_size + 1]
        yield features[j], labels[j]


def iter_batches_shuffled(batch_size, features, labels):
    starts = list(range(0, len(features), batch_size))
    random.shuffle(starts)
    for i in starts:
        yield features[i : i + batch_size], labels[i : i + batch_size]


def iter_forever(batch_size, features, labels):
    while True:
        j = torch.randint(0, len(features), (batch_size,))
        yield features[j], labels[j]


def iter_return_not_yield(batch_size, features, labels):
    idx = torch.randperm(len(features))
    for i in range(0, len(features), batch_size):
        j = idx[i : i + batch_size]
        return features[j], labels[j]


def iter_raises(batch_size, features, labels):
    idx = torch.randperm(len(features))
    for i in range(0, len(features), batch_size):
        j = idx[i : i + batch_size]
        yield features.index_select(0, j), labels.index_select(1, j)


def iter_empty_tail(batch_size, features, labels):
    idx = torch.randperm(len(features))
    for i in range(0, len(features) + batch_size, batch_size):
        j = idx[i : i + batch_size]
        yield features[j], labels[j]


def iter_shuffles_inputs(batch_size, features, labels):
    idx = torch.randperm(len(features))
    features[:] = features[idx]
    labels[:] = labels[idx]
    for i in range(0, len(features), batch_size):
        yield features[i : i + batch_size], labels[i : i + batch_size]


def iter_returns_none(batch_size, features, labels):
    random.shuffle(list(range(len(features))))


def iter_float32(batch_size, features, labels):
    for j in torch.randperm(len(features)).split(batch_size):
        yield features[j].float(), labels[j].float()


def iter_swapped(batch_size, features, labels):
    for j in torch.randperm(len(features)).split(batch_size):
        yield labels[j], features[j]


def linreg_no_bias(X, w, b):
    return X @ w


def linreg_minus_bias(X, w, b):
    return torch.mm(X, w) - b


def linreg_w_first(X, w, b):
    return w @ X + b


def linreg_w_transposed(X, w, b):
    return X @ w.T + b


def linreg_flat(X, w, b):
    return (X @ w + b).reshape(-1)


def linreg_rowsum(X, w, b):
    return (X * w.T).sum(dim=1) + b


def linreg_detached(X, w, b):
    return X.data @ w.data + b.data


def linreg_rebuilt(X, w, b):
    return torch.tensor((X @ w + b).tolist())


def linreg_numpy(X, w, b):
    return X.numpy() @ w.detach().numpy() + b.detach().numpy()


def linreg_float32(X, w, b):
    return X.float() @ w.float() + b.float()


def linreg_times_bias(X, w, b):
    return X @ w * b


def loss_no_reshape(y_hat, y):
    return (y_hat - y) ** 2 / 2


def loss_flat_hat(y_hat, y):
    return (y_hat.reshape(-1) - y) ** 2 / 2


def loss_no_half(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2


def loss_mean(y_hat, y):
    return ((y_hat - y.reshape(y_hat.shape)) ** 2 / 2).mean()


def loss_mse(y_hat, y):
    return torch.nn.functional.mse_loss(y_hat, y.reshape(y_hat.shape))


def loss_sum(y_hat, y):
    return ((y_hat - y.reshape(y_hat.shape)) ** 2 / 2).sum()


def loss_abs(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)).abs()


def loss_detached(y_hat, y):
    return (y_hat.detach() - y.reshape(y_hat.shape)) ** 2 / 2


def loss_unsquared(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) / 2


def sgd_no_division(params, lr, batch_size):
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad


def sgd_divided_twice(params, lr, batch_size):
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad / batch_size / batch_size


def sgd_by_len_params(params, lr, batch_size):
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad / len(params)


def sgd_ascent(params, lr, batch_size):
    with torch.no_grad():
        for p in params:
            p += lr * p.grad / batch_size


def sgd_rebinds(params, lr, batch_size):
    with torch.no_grad():
        for p in params:
            p = p - lr * p.grad / batch_size  # the mistake under test


def sgd_on_clone(params, lr, batch_size):
    for p in params:
        p.detach().clone().sub_(lr * p.grad / batch_size)


def sgd_replaces_entries(params, lr, batch_size):
    for i in range(len(params)):
        params[i] = params[i] - lr * params[i].grad / batch_size


def sgd_no_no_grad(params, lr, batch_size):
    for p in params:
        p -= lr * p.grad / batch_size


def sgd_zero_first(params, lr, batch_size):
    with torch.no_grad():
        for p in params:
            p.grad.zero_()
            p -= lr * p.grad / batch_size


def sgd_no_lr(params, lr, batch_size):
    for p in params:
        p.data -= p.grad / batch_size


def sgd_only_first(params, lr, batch_size):
    params[0].data -= lr * params[0].grad / batch_size


def sgd_grad_ones(params, lr, batch_size):
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad / batch_size
            p.grad.fill_(1.0)


def synthetic_no_noise(w, b, num_examples):
    X = torch.randn(num_examples, len(w))
    return X, (X @ w + b).reshape(-1, 1)


def synthetic_loud_noise(w, b, num_examples):
    X = torch.randn(num_examples, len(w))
    y = X @ w + b
    return X, y + torch.normal(0, 0.1, y.shape)


def synthetic_no_bias(w, b, num_examples):
    X = torch.randn(num_examples, len(w))
    y = X @ w
    return X, y + torch.normal(0, 0.01, y.shape)


def synthetic_uniform(w, b, num_examples):
    X = torch.rand(num_examples, len(w))
    y = X @ w + b
    return X, y + torch.normal(0, 0.01, y.shape)


def synthetic_flipped(w, b, num_examples):
    X = torch.randn(num_examples, len(w))
    y = X @ w.flip(0) + b
    return X, y + torch.normal(0, 0.01, y.shape)


def synthetic_broadcast(w, b, num_examples):
    X = torch.randn(num_examples, len(w))
    return X, X @ w + b + torch.normal(0, 0.01, (num_examples, 1))


def synthetic_list_w(w, b, num_examples):
    X = torch.randn(num_examples, len(w))
    return X, X @ w.tolist() + b


def synthetic_three(w, b, num_examples):
    X = torch.randn(num_examples, len(w))
    y = X @ w + b + torch.normal(0, 0.01, (num_examples,))
    return X, y, w


WRONG = {
    "data_iter": [
        (iter_drops_last, "drops the last short batch"),
        (iter_floor_batches, "drops the last short batch"),
        (iter_with_replacement, "repeated examples"),
        (iter_in_order, "no shuffling"),
        (iter_reseeded, "same order every pass"),
        (iter_apart, "features and labels shuffled apart"),
        (iter_short_slices, "off-by-one"),
        (iter_long_slices, "off-by-one"),
        (iter_batches_shuffled, "shuffles the batches but not the examples"),
        (iter_forever, "never stops"),
        (iter_return_not_yield, "each batch should be a pair"),
        (iter_raises, "raised an error"),
        (iter_empty_tail, "empty batch"),
        (iter_shuffles_inputs, "changes its input features in place"),
        (iter_returns_none, "does not return batches"),
        (iter_float32, "changes the dtype"),
        (iter_swapped, "wrong shapes"),
    ],
    "linreg": [
        (linreg_no_bias, "missing bias"),
        (linreg_minus_bias, "subtracted bias"),
        (linreg_w_first, "transposed weights"),
        (linreg_w_transposed, "transposed weights"),
        (linreg_flat, "wrong output shape"),
        (linreg_rowsum, "wrong output shape"),
        (linreg_detached, "breaks autograd"),
        (linreg_rebuilt, "breaks autograd"),
        (linreg_numpy, "wrong return type"),
        (linreg_float32, "changes the dtype"),
        (linreg_times_bias, "wrong values"),
    ],
    "squared_loss": [
        (loss_no_reshape, "broadcasting"),
        (loss_flat_hat, "broadcasting"),
        (loss_no_half, "missing ½"),
        (loss_mean, "a mean (scalar) where one value per example is expected"),
        (loss_mse, "a mean (scalar)"),
        (loss_sum, "sum instead of one value per example"),
        (loss_abs, "absolute error"),
        (loss_detached, "breaks autograd"),
        (loss_unsquared, "wrong values"),
    ],
    "sgd": [
        (sgd_no_division, "not divided by the batch size"),
        (sgd_divided_twice, "divided by the batch size twice"),
        (sgd_by_len_params, "divided by something other than batch_size"),
        (sgd_ascent, "gradient ascent"),
        (sgd_rebinds, "never reaches the parameter"),
        (sgd_on_clone, "never reaches the parameter"),
        (sgd_only_first, "never reaches the parameter"),
        (sgd_replaces_entries, "update recorded by autograd"),
        (sgd_no_no_grad, "update recorded by autograd"),
        (sgd_zero_first, "gradients zeroed before the step"),
        (sgd_no_lr, "missing lr"),
        (sgd_grad_ones, "changes .grad"),
    ],
    "synthetic_data": [
        (synthetic_no_noise, "no noise"),
        (synthetic_loud_noise, "wrong noise level"),
        (synthetic_no_bias, "bias missing"),
        (synthetic_uniform, "features not N(0, 1)"),
        (synthetic_flipped, "wrong weights"),
        (synthetic_broadcast, "labels of the wrong shape"),
        (synthetic_list_w, "raised an error"),
        (synthetic_three, "wrong return type"),
    ],
}


@pytest.mark.parametrize(
    ("name", "fn", "diagnosis"),
    [(name, fn, words) for name, cases in WRONG.items() for fn, words in cases],
    ids=lambda v: getattr(v, "__name__", None) if callable(v) else None,
)
def test_each_mistake_is_caught_and_named(name, fn, diagnosis):
    result = getattr(check, name)(fn)
    assert not result
    assert result.problems
    assert diagnosis in result.problems[0], result.problems
    assert result.found[0].key in messages.MESSAGES
    assert str(result).startswith(f"✗ {name}: ")
    assert diagnosis in str(result).splitlines()[0]


def test_every_check_is_fed_wrong_implementations():
    counts = {name: len(cases) for name, cases in WRONG.items()}
    print("wrong implementations per check:", counts, "total", sum(counts.values()))
    assert set(counts) == {"data_iter", "linreg", "squared_loss", "sgd", "synthetic_data"}
    assert min(counts.values()) >= 8


# --- the result object --------------------------------------------------------------------


def test_a_failing_result_shows_input_expected_got_and_hint():
    result = check.linreg(linreg_no_bias)
    lines = str(result).splitlines()
    assert lines[0] == "✗ linreg: missing bias"
    assert [line.split(":")[0].strip() for line in lines[1:5]] == [
        "input",
        "expected",
        "got",
        "hint",
    ]
    assert "linreg(X tensor of shape (10, 2)" in lines[1]
    assert "X @ w + b" in lines[4]
    assert repr(result) == str(result)
    html = result._repr_html_()
    assert "✗ linreg: missing bias" in html and "<table>" in html and "X @ w + b" in html


def test_a_passing_result_says_what_was_checked():
    result = check.squared_loss(loss_reshape)
    assert str(result).startswith("✓ squared_loss: passed: ")
    assert "(n,) and (n, 1)" in str(result)
    assert "✓ squared_loss" in result._repr_html_()


def test_synthetic_data_says_which_label_shape_it_saw():
    assert "labels (n,) " in str(check.synthetic_data(synthetic_seed))
    assert "labels (n, 1) " in str(check.synthetic_data(synthetic_d2l2))


def test_the_values_shown_are_the_real_ones():
    result = check.squared_loss(loss_no_half)
    expected, got = result.found[0].expected, result.found[0].got
    want = [float(v) for v in expected.split("[")[1].split(",")[:3]]
    came = [float(v) for v in got.split("[")[1].split(",")[:3]]
    assert came == pytest.approx([2 * v for v in want], rel=1e-3)


def test_a_grader_assert_fails_with_the_verdict_as_message():
    assert check.sgd(sgd_d2l2)
    result = check.sgd(sgd_no_division)
    with pytest.raises(AssertionError, match="update not divided by the batch size"):
        assert result, result


def test_messages_in_chinese():
    with lang.language("zh"):
        bad = check.squared_loss(loss_no_reshape)
        good = check.sgd(sgd_seed)
    assert "广播" in bad.problems[0]
    assert "输入" in str(bad) and "提示" in str(bad) and "提示" in bad._repr_html_()
    assert str(good).startswith("✓ sgd: 通过：")


def test_the_callers_random_state_is_left_alone():
    torch.manual_seed(123)
    random.seed(4)
    np.random.seed(5)
    expected = torch.rand(3), random.random(), np.random.rand()
    torch.manual_seed(123)
    random.seed(4)
    np.random.seed(5)
    check.data_iter(iter_seed)
    check.synthetic_data(synthetic_seed)
    assert torch.equal(torch.rand(3), expected[0])
    assert random.random() == expected[1] and np.random.rand() == expected[2]


def test_the_verdict_is_the_same_every_time():
    assert str(check.sgd(sgd_by_len_params)) == str(check.sgd(sgd_by_len_params))
    assert check.data_iter(iter_seed).checked == check.data_iter(iter_seed).checked


@pytest.mark.parametrize(
    "fn",
    [
        lambda *args: 1 / 0,
        lambda *args: None,
        lambda *args: "tensor",
        lambda *args: [object(), object()],
        lambda *args: (torch.zeros(2), torch.zeros(3)),
        lambda *args: torch.zeros(0),
    ],
)
@pytest.mark.parametrize("name", ["data_iter", "linreg", "squared_loss", "sgd", "synthetic_data"])
def test_nothing_the_learner_returns_makes_a_check_raise(name, fn):
    result = getattr(check, name)(fn)
    assert not result
    assert result.problems and all(isinstance(p, str) for p in result.problems)
    assert str(result).startswith(f"✗ {name}: ")


@pytest.mark.parametrize("name", sorted(set(check.__all__) - {"Result", "grade"}))
def test_a_check_asks_for_the_function_itself_by_its_own_name(name):
    with pytest.raises(TypeError) as info:
        getattr(check, name)(name)  # the name as a string, not the function
    assert str(info.value) == (
        f"fn must be a function, got str; pass the function itself (check.{name}({name})), "
        f"not the result of calling it (check.{name}({name}(...)))"
    )


def test_check_is_a_submodule_not_a_star_export():
    assert "check" not in linreg_scratch.__all__
    assert set(check.__all__) >= {"data_iter", "linreg", "squared_loss", "sgd", "synthetic_data"}


# --- the README's grading recipes run as written ---------------------------------------

ROOT = pathlib.Path(__file__).resolve().parent.parent
ANSWERS = """
import torch

def data_iter(batch_size, features, labels):
    order = torch.randperm(len(features))
    for i in range(0, len(features), batch_size):
        j = order[i : i + batch_size]
        yield features[j], labels[j]

def sgd(params, lr, batch_size):
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad{divide}
"""


def _grading_recipes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Grading with check\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


@pytest.mark.parametrize(("divide", "passes"), [(" / batch_size", True), ("", False)])
def test_the_readme_pytest_recipe_grades(tmp_path, divide, passes):
    test_file, _ = _grading_recipes()
    (tmp_path / "answers.py").write_text(ANSWERS.format(divide=divide))
    (tmp_path / "test_answers.py").write_text(test_file)
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp_path}"}
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert (out.returncode == 0) is passes, out.stdout + out.stderr
    if not passes:
        assert "1 failed, 1 passed" in out.stdout
        assert "✗ sgd: update not divided by the batch size" in out.stdout


def test_the_readme_notebook_cell_grades():
    _, cell = _grading_recipes()
    exec(cell, {"linreg": linreg_mm, "squared_loss": loss_view, "sgd": sgd_seed})
    with pytest.raises(AssertionError, match=r"✗ squared_loss: broadcasting"):
        exec(cell, {"linreg": linreg_mm, "squared_loss": loss_no_reshape, "sgd": sgd_seed})


def test_import_linreg_scratch_does_not_load_check():
    code = "import sys, linreg_scratch; print('linreg_scratch.check' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


# --- the package: one table of words, tied to the cases that use them ---------------------

CHECK_DIR = pathlib.Path(messages.__file__).parent  # the installed package (CI's wheel job)
KEYLIKE = re.compile(r"^[a-z_]+\.[A-Za-z_]+$")  # "sgd.not_divided", "linreg.case"


def _templates():
    """Every template in the tables, named by where it sits."""
    for key, message in messages.MESSAGES.items():
        for field in ("mistake", "hint", "expected", "got"):
            yield f"MESSAGES[{key}].{field}", getattr(message, field)
    for name, items in messages.CHECKED.items():
        for i, item in enumerate(items):
            yield f"CHECKED[{name}][{i}]", item
    for key, template in messages.LABELS.items():
        yield f"LABELS[{key}]", template


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def _chinese(s: str) -> bool:  # ideographs or full-width punctuation
    return any("\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" for c in s)


def test_every_message_is_said_in_both_languages_with_the_same_placeholders():
    for where, template in _templates():
        if isinstance(template, str):  # the same in both languages: no words of either
            assert not _chinese(template), where
            continue
        assert isinstance(template, messages.Words), where
        assert _chinese(template.zh) and not _chinese(template.en), where
        assert _placeholders(template.en) == _placeholders(template.zh), where
    for key, message in messages.MESSAGES.items():  # a learner always reads these translated
        assert isinstance(message.mistake, messages.Words), key
        assert isinstance(message.hint, messages.Words), key


def test_the_chinese_verdicts_use_d2l_zh_2s_words():
    # 偏置 (bias) and 自动微分 (autograd), as the zh notebooks say; 偏差 also means the
    # "bias" of bias-variance, and 自动求梯度 is the first edition's word
    chinese = [t.zh for _, t in _templates() if isinstance(t, messages.Words)]
    assert any("偏置" in zh for zh in chinese)
    assert not [zh for zh in chinese if "偏差" in zh or "自动求梯度" in zh]


def _calls_and_literals():
    """The check modules' string literals, and each call of fail/problem/label/checked."""
    literals, calls = set(), []
    for path in CHECK_DIR.glob("*.py"):
        if path.name == "messages.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                calls.append((path.name, node))
    return literals, calls


def test_every_key_in_the_tables_is_used_and_every_key_used_is_in_them():
    literals, _ = _calls_and_literals()
    tables = [messages.MESSAGES, messages.CHECKED, messages.LABELS]
    for table in tables:
        assert set(table) <= literals, set(table) - literals  # no words nobody shows
    known = set().union(*tables)
    assert {s for s in literals if KEYLIKE.match(s)} <= known  # no typo'd key


def test_each_call_with_a_written_key_fills_every_placeholder():
    _, calls = _calls_and_literals()
    templates = {
        "fail": lambda key: list(vars(messages.MESSAGES[key]).values()),
        "problem": lambda key: list(vars(messages.MESSAGES[key]).values()),
        "label": lambda key: [messages.LABELS[key]],
        "checked": lambda key: messages.CHECKED[key],
    }
    seen = 0
    for module, call in calls:
        name = call.func.id
        if name not in templates or not call.args or not isinstance(call.args[0], ast.Constant):
            continue
        given = {kw.arg for kw in call.keywords}
        for template in templates[name](call.args[0].value):
            words = [template] if isinstance(template, str) else [template.en, template.zh]
            for w in words:
                missing = _placeholders(w) - given
                assert not missing, (
                    f"{module}:{call.lineno} {name}({call.args[0].value!r}) {missing}"
                )
        seen += 1
    assert seen > 40  # the scan found the calls


def test_the_result_keeps_one_outcome_per_case():
    # what a later score counts: cases passed of cases run
    good, bad = check.data_iter(iter_seed), check.data_iter(iter_float32)
    assert len(good.outcomes) == len(bad.outcomes) > 1
    assert all(o is None for o in good.outcomes)
    failed = [o for o in bad.outcomes if o is not None]
    assert len(failed) == 1 and "float64" in failed[0].case  # only the float64 case
    assert failed[0].key == "data_iter.dtype" and bad.found == failed


def test_an_array_that_came_back_is_named_by_its_type_shape_and_dtype():
    from linreg_scratch.check._compare import shape

    assert shape(np.zeros((1000, 2))) == "numpy ndarray of shape (1000, 2) (float64)"
    assert shape(torch.zeros(3, 1)) == "tensor of shape (3, 1) (float32)"
    long = shape(list(range(100)))
    assert long.startswith("list [0, 1, 2") and len(long) == 120 and "\n" not in long


def _linreg_that_raises(X, w, b):
    scale = 2.0
    return torch.mm(w, X) * scale + b  # the factors swapped: mm raises here


def test_an_error_names_the_line_of_the_learner_s_function_that_raised():
    line = inspect.getsourcelines(_linreg_that_raises)[1] + 2
    got = check.linreg(_linreg_that_raises).found[0].got
    assert got.startswith("RuntimeError: mat1 and mat2 shapes cannot be multiplied")
    assert got.endswith(
        f"(_linreg_that_raises, line {line}: return torch.mm(w, X) * scale + b"
        "  # the factors swapped: mm raises here)"
    )
    with linreg_scratch.lang.language("zh"):
        got = check.linreg(_linreg_that_raises).found[0].got
    assert f"（_linreg_that_raises，第 {line} 行：return torch.mm(w, X)" in got


def test_the_assignment_s_stub_is_called_not_written_yet():
    def linreg(X, w, b):
        raise NotImplementedError("write linreg: X @ w + b / 用 X @ w + b 计算")

    result = check.linreg(linreg)
    assert str(result).startswith("✗ linreg: not written yet")
    assert "Replace the line raise NotImplementedError(...) with your code" in str(result)
    assert "NotImplementedError: write linreg" in result.found[0].got


def _via_module(params, lr, batch_size):
    return linreg_scratch.sgd(params, lr, batch_size)


def _via_d2l(params, lr, batch_size):
    from linreg_scratch import d2l

    return d2l.sgd(params, lr, batch_size)


def _via_closure():
    step = linreg_scratch.sgd

    def sgd(params, lr, batch_size):
        step(params, lr, batch_size)

    return sgd


def _via_closed_over_module():
    package = linreg_scratch

    def sgd(params, lr, batch_size):
        package.sgd(params, lr, batch_size)

    return sgd


def _helper(params, lr, batch_size):
    linreg_scratch.sgd(params, lr, batch_size)


def _via_helper(params, lr, batch_size):
    _helper(params, lr, batch_size)


def _via_default(params, lr, batch_size, step=linreg_scratch.sgd):
    step(params, lr, batch_size)


def _via_comprehension(params, lr, batch_size):
    from linreg_scratch import d2l

    [d2l.sgd([p], lr, batch_size) for p in params]


class _Stepper:
    def __call__(self, params, lr, batch_size):
        linreg_scratch.sgd(params, lr, batch_size)


def _own_sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def _own_with_the_package_nearby(params, lr, batch_size):
    linreg_scratch.set_language("en")  # uses the package, but not its sgd
    _own_sgd(params, lr, batch_size)


@pytest.mark.parametrize(
    ("fn", "caught"),
    [
        (linreg_scratch.sgd, True),
        (_via_module, True),
        (_via_d2l, True),  # the module imported inside the function
        (_via_closure(), True),
        (_via_closed_over_module(), True),
        (_via_helper, True),
        (_via_default, True),
        (_via_comprehension, True),
        (_Stepper(), True),
        (functools.partial(linreg_scratch.d2l.sgd), True),
        (torch.no_grad()(linreg_scratch.sgd), True),
        (functools.wraps(linreg_scratch.sgd)(lambda *a: linreg_scratch.sgd(*a)), True),
        (_own_sgd, False),
        (_own_with_the_package_nearby, False),
        (torch.no_grad()(_own_sgd), False),
    ],
)
def test_grade_catches_the_package_s_sgd_also_inside_a_wrapper(fn, caught):
    result = check.grade({"sgd": fn})["sgd"]
    assert result.score == (0 if caught else 1), str(result)
    assert str(result).startswith("✗ sgd: the package's own function") == caught


def test_grade_lets_a_function_use_the_package_s_other_functions():
    def synthetic_data(w, b, num_examples):  # its own, built on the package's linreg
        X = linreg_scratch.d2l.normal(0, 1, (num_examples, len(w)))
        y = linreg_scratch.linreg(X, torch.as_tensor(w).reshape(-1, 1), torch.as_tensor(b))
        return X, y + torch.normal(0, 0.01, y.shape)

    assert check.grade({"synthetic_data": synthetic_data})["synthetic_data"].score == 1


def test_grade_names_a_namespace_that_is_not_a_mapping():
    with pytest.raises(TypeError, match=r"namespace must map names to functions.*got 42 \(int\)"):
        check.grade(42)
    with lang.language("zh"), pytest.raises(TypeError, match="namespace 必须是从名字到函数的映射"):
        check.grade([linreg_scratch.sgd])
