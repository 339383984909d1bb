"""Cases for ``data_iter(batch_size, features, labels)``: shuffled ``(X, y)`` mini-batches.

The data are numbered: row i of the features is ``(i, i + 0.25, ...)`` and its label is
``-(i + 1)``, so every batch tells which examples it holds and whether they stay paired.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from functools import partial

import torch

from ._compare import Unchanged, same_dtype, shape
from ._verdict import Result, call, fail, raised, run
from .messages import checked, label

SIZES = [(100, 2, 10), (103, 3, 10), (7, 2, 3), (5, 1, 5), (4, 2, 10), (30, 2, 1)]  # n, d, batch


def data_iter(fn: Callable) -> Result:
    """Check ``fn(batch_size, features, labels)``: shuffled ``(X, y)`` mini-batches.

    Every example exactly once per pass, batches of ``batch_size`` with a shorter last one,
    ``y[i]`` the label of ``X[i]``, a new order on every pass, inputs left unchanged.
    """
    cases: list[Callable[[], None]] = [
        partial(_one_pass, fn, n, d, bs, label_shape, torch.float32)
        for (n, d, bs), label_shape in itertools.product(SIZES, ["(n,)", "(n, 1)"])
    ]
    cases.append(partial(_one_pass, fn, 23, 2, 5, "(n,)", torch.float64))
    cases.append(partial(_three_passes, fn))
    return Result("data_iter", checked("data_iter"), run("data_iter", fn, cases))


def _numbered(n: int, d: int, label_shape: str, dtype: torch.dtype = torch.float32):
    """Features whose row i is (i, i + 0.25, ...) and labels -(i + 1): every value names its row."""
    rows = torch.arange(n, dtype=dtype).reshape(-1, 1)
    features = rows + 0.25 * torch.arange(d, dtype=dtype)
    labels = -(rows + 1) if label_shape == "(n, 1)" else -(rows.reshape(-1) + 1)
    return features, labels


def _describe(batch_size: int, features: torch.Tensor, labels: torch.Tensor) -> str:
    return label(
        "data_iter.case", batch_size=batch_size, features=shape(features), labels=shape(labels)
    )


def _one_pass(fn, n: int, d: int, bs: int, label_shape: str, dtype: torch.dtype) -> None:
    features, labels = _numbered(n, d, label_shape, dtype)
    inputs = Unchanged(features=features, labels=labels)
    case = _describe(bs, features, labels)
    batches = _read_pass(fn, bs, features, labels, case)
    inputs.check(case)
    _check_sizes_and_cover(_batch_ids(batches, features, labels, case), n, bs, case)


def _three_passes(fn) -> None:
    n, bs = 100, 10
    features, labels = _numbered(n, 2, "(n,)")
    case = label("data_iter.passes", case=_describe(bs, features, labels))
    orders = []
    for _ in range(3):
        batches = _read_pass(fn, bs, features, labels, case)
        ids = _batch_ids(batches, features, labels, case)
        _check_sizes_and_cover(ids, n, bs, case)
        orders.append(ids)
    first = [i for b in orders[0] for i in b]
    if first == list(range(n)):
        fail("data_iter.in_order", case, first=first[:8])
    if all(b == list(range(b[0], b[0] + len(b))) for b in orders[0]):
        fail("data_iter.batches_only", case, batch=orders[0][0])
    if orders[0] == orders[1] == orders[2]:
        fail("data_iter.same_order", case, first=first[:8])


def _read_pass(fn, batch_size, features, labels, case) -> list:
    """Every item one call of ``fn`` yields, stopping a pass that runs on too long."""
    n = len(features)
    out = call(fn, case, batch_size, features, labels)
    try:
        iterator = iter(out)
    except TypeError:
        fail("data_iter.not_iterable", case, came=shape(out))
    limit = n + 1  # every batch holds at least one example: a correct iterator stops by then
    try:
        batches = list(itertools.islice(iterator, limit + 1))
    except Exception as err:
        raised(err, case)
    if len(batches) > limit:
        fail("data_iter.endless", case, most=-(-n // batch_size), limit=limit)
    return batches


def _batch_ids(batches, features, labels, case) -> list[list[int]]:
    """Check every batch's shape and pairing; return each batch's example ids."""
    n, d = features.shape
    ids = []
    for k, item in enumerate(batches):
        if not (isinstance(item, tuple | list) and len(item) == 2):
            fail("data_iter.not_pair", case, k=k, came=shape(item))
        X, y = item
        m = len(X) if isinstance(X, torch.Tensor) and X.dim() == 2 else -1
        good_X = isinstance(X, torch.Tensor) and X.dim() == 2 and X.shape[1] == d
        good_y = isinstance(y, torch.Tensor) and y.dim() >= 1 and len(y) == m and y.numel() == m
        if not (good_X and good_y):
            fail("data_iter.shapes", case, k=k, d=d, X=shape(X), y=shape(y))
        same_dtype(X, features.dtype, case, key="data_iter.dtype")
        x_ids = X[:, 0].detach().round().long()
        if m and (
            x_ids.min() < 0
            or x_ids.max() >= n
            or not torch.equal(X.detach(), features[x_ids.clamp(0, n - 1)])
        ):
            fail("data_iter.not_rows", case, k=k, rows=X[:3].tolist())
        y_ids = (-y.detach().reshape(-1) - 1).round().long()
        if not torch.equal(x_ids, y_ids):
            fail("data_iter.apart", case, k=k, x_ids=x_ids.tolist()[:5], y_ids=y_ids.tolist()[:5])
        ids.append(x_ids.tolist())
    return ids


def _check_sizes_and_cover(ids: list[list[int]], n: int, batch_size: int, case: str) -> None:
    """Batches of ``batch_size`` and a shorter last one, every example exactly once."""
    sizes = [len(b) for b in ids]
    full, rest = divmod(n, batch_size)
    expected_sizes = [batch_size] * full + ([rest] if rest else [])
    flat = [i for b in ids for i in b]
    if sorted(sizes) == sorted(expected_sizes) and sorted(flat) == list(range(n)):
        return
    body = sizes[:-1] if len(sizes) > 1 else sizes
    one_off = body and (
        all(s == batch_size - 1 for s in body) or all(s == batch_size + 1 for s in body)
    )
    if 0 in sizes:
        key = "data_iter.empty_batch"
    elif one_off:
        key = "data_iter.off_by_one"
    elif rest and sizes == [batch_size] * full and len(set(flat)) == len(flat):
        key = "data_iter.drops_last"
    elif len(set(flat)) < len(flat):
        key = "data_iter.repeats"
    elif len(flat) < n:
        key = "data_iter.drops"
    else:
        key = "data_iter.sizes"
    fail(
        key,
        case,
        count=len(expected_sizes),
        sizes=_sizes(expected_sizes),
        got_count=len(sizes),
        got_sizes=_sizes(sizes),
        missing=n - len(flat),
        repeated=len(flat) - len(set(flat)),
    )


def _sizes(sizes: list[int]) -> str:
    if len(sizes) <= 6:
        return str(sizes)
    return "[" + ", ".join(map(str, sizes[:3])) + ", ..., " + ", ".join(map(str, sizes[-2:])) + "]"
