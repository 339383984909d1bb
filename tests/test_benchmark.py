"""The benchmark's loops compute what they claim, so its ratios compare like with like.

A floor that skipped work would make ``train`` look slow; one that did other updates
would not be a floor for the same training at all. Each loop is replayed here against
``train`` (or, for the tutorial's loop, against the same order by hand) on small data.
"""

import importlib.util
import random

import pytest
import torch
from conftest import ROOT

from linreg_scratch import linreg, squared_loss, synthetic_data, train


def _load_benchmark():
    spec = importlib.util.spec_from_file_location(
        "train_speed", ROOT / "benchmarks" / "train_speed.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _load_benchmark()


@pytest.fixture
def small():
    torch.manual_seed(1)
    features, labels = synthetic_data(torch.tensor([1.5, -2.0, 0.5]), 4.2, 103)
    return features, labels


def _trained(features, labels, w, b, *, lr, epochs, batch_size, seed):
    w, b = w.clone().requires_grad_(), b.clone().requires_grad_()
    torch.manual_seed(seed)
    train(linreg, squared_loss, [w, b], features, labels, lr=lr, num_epochs=epochs,
          batch_size=batch_size, verbose=False)  # fmt: skip
    return w.detach().reshape(-1), b.detach().reshape(-1)


@pytest.mark.parametrize("batch_size", [10, 7, 103])  # last batches of 3, 5 and one batch
@pytest.mark.parametrize("make", ["make_strong_floor", "make_scan"])
def test_the_strong_floor_and_the_scan_make_the_chapter_loops_updates(small, batch_size, make):
    features, labels = small
    w0, b0 = torch.randn(3, 1), torch.randn(1)
    params = [w0.clone().requires_grad_(), b0.clone().requires_grad_()]
    epoch = getattr(bench, make)(features, labels, 0.05, batch_size, params)
    torch.manual_seed(5)
    for _ in range(3):
        epoch()
    theta = torch.cat([p.detach().reshape(-1) for p in params])
    w, b = _trained(features, labels, w0, b0, lr=0.05, epochs=3, batch_size=batch_size, seed=5)
    torch.testing.assert_close(theta, torch.cat([w, b]), rtol=1e-5, atol=1e-6)
    assert not torch.allclose(theta, torch.cat([w0.reshape(-1), b0]))  # it did train


def test_the_weak_floor_makes_trains_updates(small):
    features, labels = small
    w0, b0 = torch.randn(3, 1), torch.randn(1)
    w, b = w0.clone(), b0.clone()
    torch.manual_seed(6)
    for _ in range(2):
        bench.weak_floor_epoch(features, labels, w, b, 0.05, 10)
    tw, tb = _trained(features, labels, w0, b0, lr=0.05, epochs=2, batch_size=10, seed=6)
    torch.testing.assert_close(w.reshape(-1), tw, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(b, tb, rtol=1e-5, atol=1e-6)


def test_the_tutorial_loop_is_sgd_in_pythons_shuffled_order(small):
    features, labels = small
    w0, b0 = torch.randn(3, 1), torch.randn(1)
    w, b = w0.clone().requires_grad_(), b0.clone().requires_grad_()
    random.seed(2)
    bench.tutorial_epoch(features, labels, w, b, 0.05, 10)
    random.seed(2)  # replay the same order by hand, with the gradient written out
    order = list(range(len(features)))
    random.shuffle(order)
    ew, eb = w0.double(), b0.double()
    X64, y64 = features.double(), labels.double().reshape(-1, 1)
    for i in range(0, len(order), 10):
        idx = torch.tensor(order[i : i + 10])
        r = X64[idx] @ ew + eb - y64[idx]
        ew, eb = ew - 0.05 / 10 * (X64[idx].T @ r), eb - 0.05 / 10 * r.sum()
    torch.testing.assert_close(w.detach(), ew.float(), rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(b.detach(), eb.float(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("loop", ["least work", "strong floor", "scan"])
def test_the_loops_read_every_row_once_in_trains_order(small, monkeypatch, loop):
    # The same order as train: the same numbers, drawn as train draws them (int32 here).
    features, labels = small
    seen = []
    real = torch.index_select

    def spy(source, dim, index, *, out):
        if source is features:
            seen.append(index.clone())
        return real(source, dim, index, out=out)

    monkeypatch.setattr(bench.torch, "index_select", spy)
    params = [torch.zeros(3, 1, requires_grad=True), torch.zeros(1, requires_grad=True)]
    if loop == "least work":
        epoch = bench.make_least_work(features, labels, 10, params)
    elif loop == "scan":
        epoch = bench.make_scan(features, labels, 0.05, 10, params)
    else:
        epoch = bench.make_strong_floor(features, labels, 0.05, 10, params)
    torch.manual_seed(4)
    epoch()
    torch.manual_seed(4)
    assert {index.dtype for index in seen} == {torch.int32}
    assert torch.equal(torch.cat(seen).long(), torch.randperm(len(features)))
