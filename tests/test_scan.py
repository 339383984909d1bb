"""The epoch as a scan of affine maps (scan.py, fast.LinregScan) makes the loop's updates.

Every check is against an independent float64 replay in numpy (one step at a time), or
against the chapter's loop; the cost rule is forced each way so both engines are run.
"""

import importlib

import numpy as np
import pytest
import torch

from linreg_scratch import DivergenceError, init_params, linreg, squared_loss, train
from linreg_scratch.data import shuffle_order

fast = importlib.import_module("linreg_scratch.fast")
scan = importlib.import_module("linreg_scratch.scan")
record = importlib.import_module("linreg_scratch.record")
fast_trajectory = record.Trajectory


def _replay(X, y, theta, lr, batch_size, order, weight_decay=0.0):
    """Float64 SGD by hand: every iterate [w; b] and every batch's loss before its step."""
    X, y = X.double().numpy(), y.double().numpy().reshape(-1)
    theta = theta.double().numpy().copy()
    d = X.shape[1]
    iterates, losses = [theta.copy()], []
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size].numpy()
        r = X[idx] @ theta[:d] + theta[d] - y[idx]
        losses.append(float((r**2 / 2).sum()))
        grad = np.append(X[idx].T @ r, r.sum()) / len(idx)
        grad[:d] += weight_decay * theta[:d]
        theta = theta - lr * grad
        iterates.append(theta.copy())
    return np.array(iterates), np.array(losses)


@pytest.fixture
def force(monkeypatch):
    """force(True) runs every fast epoch as a scan, force(False) step by step."""

    def set_rule(value):
        monkeypatch.setattr(scan, "use_scan", lambda n, d, batch_size: value)

    return set_rule


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("weight_decay", [0.0, 0.3])
@pytest.mark.parametrize(("n", "d", "batch_size"), [(333, 3, 5), (100, 1, 1), (64, 2, 2)])
def test_every_iterate_of_the_blocked_scan_is_the_replays(dtype, weight_decay, n, d, batch_size):
    # the scan's own functions on a whole epoch of full batches: more than one block
    gen = torch.Generator().manual_seed(n)
    X = torch.randn(n, d, generator=gen, dtype=dtype)
    y = X @ torch.randn(d, generator=gen, dtype=dtype) + 0.5
    order = torch.randperm(n, generator=gen)
    full = n // batch_size
    idx = order[: full * batch_size]
    rows = torch.cat([X[idx], torch.ones(len(idx), 1, dtype=dtype), y[idx, None]], 1)
    lr, p = 0.05, d + 2
    slots = -(-full // scan.BLOCK) * scan.BLOCK
    assert slots >= 2 * scan.BLOCK  # sequential between blocks is exercised too
    maps = torch.eye(p, dtype=dtype).repeat(slots, 1, 1)
    diag = torch.full((d + 1,), 1 - lr * weight_decay, dtype=dtype)
    diag[d] = 1
    batches = rows.view(full, batch_size, p)
    gram = torch.bmm(batches.transpose(1, 2), batches)
    scan.affine_maps(gram, lr / batch_size, diag, maps[:full])
    theta0 = torch.randn(d + 1, generator=gen, dtype=dtype)
    out = torch.empty(slots + 1, p, dtype=dtype)
    scan.blocked_scan(maps, torch.cat([theta0, torch.ones(1, dtype=dtype)]), out, maps.clone())
    expected, losses = _replay(X, y, theta0, lr, batch_size, idx, weight_decay)
    tol = {"rtol": 1e-5, "atol": 1e-5} if dtype == torch.float32 else {"rtol": 1e-12, "atol": 1e-12}
    np.testing.assert_allclose(out[: full + 1, : d + 1].double().numpy(), expected, **tol)
    assert torch.all(out[:, d + 1] == 1)  # the affine coordinate stays exactly 1
    assert not np.allclose(expected[-1], expected[0])  # it did move
    got = torch.empty(full, dtype=dtype)
    scan.batch_losses(gram, out[:full], got)
    # the quadratic form's rounding is relative to its terms, |x||w| + |b| + |y| per row
    terms = _term_sizes(X[idx], y[idx], expected[:-1], batch_size)
    eps = torch.finfo(dtype).eps
    assert np.all(np.abs(got.double().numpy() - losses) <= 64 * eps * terms + 1e-300)


def _term_sizes(X, y, iterates, batch_size):
    """sum over each batch of (|x| |w| + |b| + |y|)^2 / 2 at its iterate: the scale of
    the Gram-form loss's rounding (float64, numpy)."""
    X, y = np.abs(X.double().numpy()), np.abs(y.double().numpy())
    d, full = X.shape[1], len(iterates)
    size = X.reshape(full, batch_size, d) @ np.abs(iterates[:, :d, None])
    size = size[..., 0] + np.abs(iterates[:, d:]) + y.reshape(full, batch_size)
    return (size**2 / 2).sum(1)


@pytest.mark.usefixtures("small_chunks")
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("weight_decay", [0.0, 0.5])
@pytest.mark.parametrize(("n", "batch_size"), [(203, 4), (150, 3), (3, 7), (97, 1)])
def test_the_scan_engine_makes_the_replays_steps_over_several_epochs(
    force, dtype, weight_decay, n, batch_size
):
    # every batch's loss before its step is a function of every iterate: all are checked,
    # over 4 epochs with short last batches and chunks of 3 batches (the fixture)
    gen = torch.Generator().manual_seed(n)
    X = torch.randn(n, 3, generator=gen, dtype=dtype)
    y = X @ torch.tensor([1.0, -2.0, 0.5], dtype=dtype) + 0.7
    w0, b0 = torch.randn(3, 1, generator=gen, dtype=dtype), torch.zeros(1, dtype=dtype)
    engine = fast.LinregScan([w0.clone(), b0.clone()], X, y, batch_size, 0.05, weight_decay)
    w, b = engine.w, engine.b
    losses = torch.empty(engine.num_batches, dtype=dtype)
    theta = torch.cat([w0.reshape(-1), b0])
    orders = [torch.randperm(n, generator=gen) for _ in range(4)]
    tol = {"rtol": 2e-5, "atol": 1e-5} if dtype == torch.float32 else {"rtol": 1e-9, "atol": 1e-12}
    for order in orders:
        iterates, expected = _replay(X, y, theta, 0.05, batch_size, order, weight_decay)
        engine.run(order.to(torch.int32), losses)
        np.testing.assert_allclose(losses.double().numpy(), expected, **tol)
        theta = torch.from_numpy(iterates[-1])
        got = torch.cat([w.reshape(-1), b]).double().numpy()
        np.testing.assert_allclose(got, iterates[-1], **tol)


@pytest.fixture
def small_chunks(monkeypatch):
    # the scan: chunks of 5 batches, gathered in parts of 30 numbers (one batch of 7
    # rows, 1 of 4, 2 of 3, 5 of 1 with d = 3); the loop: chunks of 3 batches or fewer
    monkeypatch.setattr(fast, "CHUNK_BATCHES", 3)
    monkeypatch.setattr(fast, "SCAN_CHUNK_BATCHES", 5)
    monkeypatch.setattr(fast, "CHUNK_NUMBERS", 30)


@pytest.mark.parametrize("weight_decay", [0.0, 0.2])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_train_on_the_scan_branch_matches_the_sequential_branch(
    force, tutorial_data, weight_decay, dtype
):
    features, labels = (t.to(dtype) for t in tutorial_data)
    results = []
    for rule in (True, False):
        force(rule)
        torch.manual_seed(3)
        w, b = (p.detach().to(dtype).requires_grad_() for p in init_params(2))
        gen = torch.Generator().manual_seed(1)
        losses = train(linreg, squared_loss, [w, b], features[:997], labels[:997], lr=0.05,
                       batch_size=10, num_epochs=3, verbose=False, fast=True,
                       weight_decay=weight_decay, generator=gen)  # fmt: skip
        results.append((losses, w.detach(), b.detach()))
    (scan_losses, w1, b1), (seq_losses, w2, b2) = results
    assert scan_losses == pytest.approx(seq_losses, rel=1e-4, abs=1e-7)
    torch.testing.assert_close(w1, w2, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(b1, b2, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("rule", [True, False])
def test_the_rule_picks_the_engine_that_runs(force, tutorial_data, monkeypatch, rule):
    force(rule)
    ran = []
    for engine in (fast.LinregScan, fast.LinregSGD):
        real = engine.run
        monkeypatch.setattr(
            engine,
            "run",
            lambda self, *a, _real=real, **k: ran.append(type(self)) or _real(self, *a, **k),
        )
    w, b = init_params(2)
    train(linreg, squared_loss, [w, b], *tutorial_data, verbose=False, fast=True)
    assert set(ran) == {fast.LinregScan if rule else fast.LinregSGD}
    assert len(ran) == 3  # one run per epoch
    ran.clear()  # a callback must see every step: always step by step
    train(linreg, squared_loss, [w, b], *tutorial_data, verbose=False, fast=True,
          callback=lambda *args: None)  # fmt: skip
    assert set(ran) == {fast.LinregSGD}


def test_the_rule_scans_many_batches_of_few_features_only():
    assert scan.use_scan(1000, 2, 10) and scan.use_scan(1000, 2, 1)  # the tutorial's size
    assert scan.use_scan(10**5, 2, 100) and scan.use_scan(10**6, 2, 1000)  # d <= 2
    assert scan.use_scan(10**4, 10, 10) and scan.use_scan(10**6, 10, 100)  # many small ones
    assert not scan.use_scan(10**6, 10, 1000)  # large batches of 10 features: the loop
    assert not scan.use_scan(10**6, 100, 1000)  # the Gram matrices cost too much
    assert not scan.use_scan(10**5, 20, 100)  # so do 20 features
    assert not scan.use_scan(1000, 4, 10)  # 100 batches save too few calls for 4 features
    assert not scan.use_scan(1000, 2, 100)  # 10 batches save none
    assert scan.use_scan(64 * 7, 2, 7) and not scan.use_scan(63 * 7 + 6, 2, 7)  # full batches
    assert scan.use_scan(512 * 9, 5, 9) and not scan.use_scan(511 * 9 + 8, 5, 9)


@pytest.mark.parametrize(
    ("lr", "num_epochs", "gen_seed"), [(10.0, 1, 1), (5.0, 1, 0), (3.0, 2, 2), (2.3, 5, 2)]
)
def test_a_diverging_scan_names_the_loops_epoch_and_batch(
    force, tutorial_data, lr, num_epochs, gen_seed
):
    reports = []
    for fast_path, rule in ((False, False), (True, True)):
        force(rule)
        torch.manual_seed(0)
        w, b = init_params(2)
        with pytest.raises(DivergenceError) as info:
            train(linreg, squared_loss, [w, b], *tutorial_data, lr=lr, num_epochs=num_epochs,
                  generator=torch.Generator().manual_seed(gen_seed), verbose=False,
                  fast=fast_path)  # fmt: skip
        err = info.value
        reports.append((err.epoch, err.batch, err.reason, len(err.losses)))
    assert reports[0] == reports[1]
    assert reports[0][1] is not None and reports[0][1] > 1  # a batch inside the epoch


def test_a_scan_redone_step_by_step_leaves_the_loops_parameters(force, tutorial_data):
    # after the report, the parameters are the loop's at the bad batch's epoch end
    finals = []
    for rule in (True, False):
        force(rule)
        torch.manual_seed(0)
        w, b = init_params(2)
        with pytest.raises(DivergenceError):
            train(linreg, squared_loss, [w, b], *tutorial_data, lr=2.3, num_epochs=5,
                  generator=torch.Generator().manual_seed(2), verbose=False,
                  fast=True)  # fmt: skip
        finals.append(torch.cat([w.detach().reshape(-1), b.detach()]))
    assert torch.equal(finals[0].isfinite(), finals[1].isfinite())
    ok = finals[1].isfinite()
    torch.testing.assert_close(finals[0][ok], finals[1][ok], rtol=1e-4, atol=0)


@pytest.mark.parametrize(
    ("d", "batch_size", "n"),
    [(2, 10, 5000), (2, 1, 5000), (30, 100, 20000), (30, 20000, 40000), (100, 10, 20000)],
)
def test_the_scan_engine_holds_at_most_one_chunk_of_the_data(d, batch_size, n):
    # as the sequential engine: the gathered rows at most 2**20 numbers or one batch;
    # the maps of a chunk at most 1024 batches' and about 2**20 numbers
    features, labels = torch.zeros(n, d), torch.zeros(n)
    engine = fast.LinregScan(list(init_params(d)), features, labels, batch_size, 0.03)
    rows, p = engine.rows.shape[0], d + 2
    assert rows % batch_size == 0 and rows <= n
    assert rows * p <= max(2**20, p * batch_size)
    slots = engine.maps.shape[0]
    assert slots < n // batch_size + scan.BLOCK and slots < 1024 + scan.BLOCK
    assert slots * p * p < 2**20 + scan.BLOCK * p * p
    assert engine.gram.shape == engine.maps.shape
    assert engine.work.shape == engine.maps.shape


def test_the_scan_reads_the_order_it_is_given():
    # two different orders give different epochs: the engine is not reading its own
    torch.manual_seed(0)
    X = torch.randn(200, 2)
    y = X @ torch.tensor([2.0, -3.4]) + 4.2
    finals = []
    for seed in (0, 1):
        w, b = torch.zeros(2, 1), torch.zeros(1)
        engine = fast.LinregScan([w, b], X, y, 10, 0.03)
        order = shuffle_order(200, X.device, torch.Generator().manual_seed(seed))
        engine.run(order, torch.empty(20))
        finals.append(w.clone())
    assert not torch.equal(*finals)


def test_a_plain_trajectory_is_fed_from_the_scan_and_records_every_step(force, tutorial_data):
    # the scan's iterates reach a Trajectory in order, as the loop's steps do
    records = []
    for rule in (True, False):
        force(rule)
        torch.manual_seed(2)
        w, b = init_params(2)
        trajectory = fast_trajectory([w, b])
        train(linreg, squared_loss, [w, b], tutorial_data[0][:995], tutorial_data[1][:995],
              verbose=False, fast=True, callback=trajectory, num_epochs=2,
              generator=torch.Generator().manual_seed(4))  # fmt: skip
        records.append(trajectory)
    scanned, stepped = records
    assert scanned.steps == stepped.steps == [(e, k) for e in range(2) for k in range(100)]
    torch.testing.assert_close(scanned.stack(0), stepped.stack(0), rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(scanned.stack(1), stepped.stack(1), rtol=1e-5, atol=1e-6)
    assert scanned.params[-1][0].shape == (2, 1) and scanned.params[-1][1].shape == (1,)


def test_a_trajectory_subclass_is_called_step_by_step(force, tutorial_data, monkeypatch):
    # a subclass may do more than record (change the parameters): it gets every call
    force(True)
    calls = []

    class Clipping(fast_trajectory):
        def __call__(self, epoch, batch, params):
            calls.append((epoch, batch))
            super().__call__(epoch, batch, params)

    w, b = init_params(2)
    train(linreg, squared_loss, [w, b], *tutorial_data, verbose=False, fast=True,
          callback=Clipping(), num_epochs=1)  # fmt: skip
    assert calls == [(0, k) for k in range(100)]


def test_a_diverging_scan_leaves_the_trajectory_of_the_loop(force, tutorial_data):
    # the bad epoch's scanned records are rewound and the steps redone one by one
    records = []
    for rule in (True, False):
        force(rule)
        torch.manual_seed(0)
        w, b = init_params(2)
        trajectory = fast_trajectory([w, b])
        with pytest.raises(DivergenceError):
            train(linreg, squared_loss, [w, b], *tutorial_data, lr=2.3, num_epochs=5,
                  generator=torch.Generator().manual_seed(2), verbose=False, fast=True,
                  callback=trajectory)  # fmt: skip
        records.append(trajectory)
    assert records[0].steps == records[1].steps
    assert len(records[0].params) == len(records[1].params)


def test_a_scan_that_overflows_where_the_loop_does_not_is_redone_by_the_loop(force):
    # x = 1e20, y = 0, w = b = 0: every residual is 0 and the loop never moves, but the
    # scan's map holds x^2 = 1e40 (inf in float32), and inf * 0 is NaN: the scan's epoch
    # goes bad where the loop's does not. Redone step by step, the run is the loop's.
    force(True)
    features, labels = torch.full((64, 1), 1e20), torch.zeros(64)
    w, b = torch.zeros(1, 1, requires_grad=True), torch.zeros(1, requires_grad=True)
    losses = train(linreg, squared_loss, [w, b], features, labels, lr=0.1, batch_size=2,
                   num_epochs=2, verbose=False, fast=True)  # fmt: skip
    assert losses == [0.0, 0.0] and w.item() == 0.0 and b.item() == 0.0


def test_a_batch_whose_loss_overflows_is_named_as_the_loop_names_it(force):
    # x = 1, y = 0, w = 1e20: batch 1's loss (1e40 / 2 per example) overflows, and its
    # step with lr = 0.5 lands on w + b = 0, so every later batch and the epoch's end
    # are finite. The scan reads the loss off the Gram matrix; it must still go bad
    # there, so that the loop redoes the epoch and names batch 1.
    reports = []
    for rule in (True, False):
        force(rule)
        w = torch.full((1, 1), 1e20, requires_grad=True)
        b = torch.zeros(1, requires_grad=True)
        with pytest.raises(DivergenceError) as info:
            train(linreg, squared_loss, [w, b], torch.ones(256, 1), torch.zeros(256), lr=0.5,
                  batch_size=4, num_epochs=1, verbose=False, fast=True)  # fmt: skip
        reports.append(info.value.reason)
    assert reports[0] == reports[1] == "the loss became inf at epoch 1, batch 1 of 64"


def test_a_run_with_validation_data_is_scanned_and_reads_the_loops_epoch_ends(
    force, tutorial_data, monkeypatch
):
    # record_run reads the validation loss off the recorded epoch ends afterwards, so
    # a sweep over weight decay or degree (which always has validation data) scans too
    ran = []
    real = fast.LinregScan.run
    monkeypatch.setattr(fast.LinregScan, "run", lambda self, *a: ran.append(1) or real(self, *a))
    X, y = tutorial_data
    runs = []
    for rule in (True, False):
        force(rule)
        runs.append(record.record_run(X[:800], y[:800], lr=0.03, batch_size=10, num_epochs=3,
                               steps=False, generator=torch.Generator().manual_seed(5),
                               val_features=X[800:], val_labels=y[800:]))  # fmt: skip
    assert len(ran) == 3  # every epoch of the first run, none of the second
    scanned, stepped = runs
    assert len(scanned.val_losses) == 4
    # float32 iterates within rounding of each other: losses within 1e-6 near the minimum
    assert scanned.val_losses == pytest.approx(stepped.val_losses, rel=1e-4, abs=1e-6)
    assert scanned.epoch_losses == pytest.approx(stepped.epoch_losses, rel=1e-4, abs=1e-6)
