"""Time linreg_scratch's train loop against the tutorial's loop and its neighbours.

    python benchmarks/train_speed.py                 # every setting (a few minutes on 2 cores)
    python benchmarks/train_speed.py --quick         # the tutorial's setting and n=1e6, d=2
    python benchmarks/train_speed.py --device cuda   # the torch loops on a GPU

Prints ms per epoch (median of several rounds; in each round every loop runs once, in a
shuffled order, so a busy machine slows them alike; at n=1e6 more rounds of the
sequential loops and train alone follow) and ratios to the tutorial's loop and to the strong
floor: the fast engine's loop run bare, without train's checks and bookkeeping. Numbers
are for reading, not for asserting: they depend on the machine. Each setting runs in its
own process with 2 torch threads, so that its peak memory can be read from the operating
system (or from CUDA's allocator).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time

import torch
from torch import nn

from linreg_scratch import data_iter, linreg, squared_loss, synthetic_data, train
from linreg_scratch.data import shuffle_order  # the order train draws (int32 on the CPU)
from linreg_scratch.fast import LinregScan, LinregSGD  # the engines of train(..., fast=True)

THREADS = 2

# --- the tutorial's loop, as the chapter writes it (the baseline) ------------------


def tutorial_data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        j = torch.LongTensor(indices[i : min(i + batch_size, num_examples)]).to(features.device)
        yield features.index_select(0, j), labels.index_select(0, j)


def tutorial_linreg(X, w, b):
    return torch.mm(X, w) + b


def tutorial_squared_loss(y_hat, y):
    return (y_hat - y.view(y_hat.size())) ** 2 / 2


def tutorial_sgd(params, lr, batch_size):
    for param in params:
        param.data -= lr * param.grad / batch_size


def tutorial_epoch(features, labels, w, b, lr, batch_size):
    for X, y in tutorial_data_iter(batch_size, features, labels):
        ls = tutorial_squared_loss(tutorial_linreg(X, w, b), y).sum()
        ls.backward()
        tutorial_sgd([w, b], lr, batch_size)
        w.grad.data.zero_()
        b.grad.data.zero_()
    tutorial_squared_loss(tutorial_linreg(features, w, b), labels).mean().item()


# --- the idiomatic torch.nn loop ----------------------------------------------------


def make_nn_epoch(features, labels, d, lr, batch_size):
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(features, labels.reshape(-1, 1)),
        batch_size=batch_size,
        shuffle=True,
    )
    net = nn.Linear(d, 1).to(features.device)
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    mse = nn.MSELoss()

    def epoch():
        for X, y in loader:
            optimizer.zero_grad()
            ls = mse(net(X), y) / 2  # /2: the chapter's squared loss
            ls.backward()
            optimizer.step()
        with torch.no_grad():
            (mse(net(features), labels.reshape(-1, 1)) / 2).item()

    return epoch


# --- hand-written floors: the gradient written out, no autograd ---------------------


def weak_floor_epoch(features, labels, w, b, lr, batch_size):
    """The obvious loop: a fresh gather per batch, unfused operations."""
    n = len(features)
    labels = labels.reshape(-1, 1)
    order = torch.randperm(n, device=features.device)
    for i in range(0, n, batch_size):
        idx = order[i : i + batch_size]
        X, y = features[idx], labels[idx]
        r = X @ w + b - y
        w -= lr / len(idx) * (X.T @ r)
        b -= lr / len(idx) * r.sum()
    ((features @ w + b - labels) ** 2 / 2).mean().item()


def make_strong_floor(features, labels, lr, batch_size, params):
    """The strongest sequential loop we have, bare: the fast engine's epochs, no checks.

    The engine (``linreg_scratch.fast.LinregSGD``, imported, never copied) keeps
    theta = [w; b] and Z = [X, 1], so a step is r = Z @ theta - y, theta -= lr/m Z.T @ r:
    two fused matrix-vector products. It gathers the shuffled data a chunk of batches at
    a time into buffers made once, whose views are the batches. Here it runs without
    train's argument checks, divergence check or printing: what train adds on top is
    the difference between the two rows.
    """
    return _bare_epochs(LinregSGD, features, labels, lr, batch_size, params)


def make_scan(features, labels, lr, batch_size, params):
    """The scan engine alone: each epoch a blocked scan of affine maps, no checks.

    ``linreg_scratch.fast.LinregScan`` (imported, never copied): batched products make
    the Gram matrix, hence the affine map, of every mini-batch, and a blocked prefix
    scan gives every iterate (see ``linreg_scratch.scan``). ``train(..., fast=True)``
    runs it when the cost rule ``linreg_scratch.scan.use_scan`` says it pays, else the
    strong floor's loop; here it runs whatever the rule says, to show both sides of it.
    """
    return _bare_epochs(LinregScan, features, labels, lr, batch_size, params)


def _bare_epochs(engine_class, features, labels, lr, batch_size, params):
    """An epoch of ``engine_class`` (an engine of ``fast.py``) and the loss train prints."""
    engine = engine_class(params, features, labels, batch_size, lr)
    batch_losses = torch.empty(engine.num_batches, dtype=features.dtype, device=features.device)

    def epoch():
        engine.run(shuffle_order(len(features), features.device, None), batch_losses)
        engine.epoch_loss()

    return epoch


def make_least_work(features, labels, batch_size, params):
    """What every loop must do per epoch, and nothing more: no update at all.

    Draw the epoch's order, read every example once in that order (gathered a chunk
    at a time into the engine's own buffers) and compute the loss on the whole data set
    that the chapter prints after each epoch, as train's fast engine computes it. Every
    loop that shuffles each epoch and reports that loss does this much, and its updates
    on top.
    """
    engine = LinregSGD(params, features, labels, batch_size, 0.0)
    n, d = features.shape

    def epoch():
        order = shuffle_order(n, features.device, None)
        for start in range(0, n, engine.stride):
            idx = order[start : start + engine.stride]
            m = len(idx)
            torch.index_select(engine.features, 0, idx, out=engine.Z[:m, :d])
            torch.index_select(engine.labels, 0, idx, out=engine.y[:m])
        engine.epoch_loss()

    return epoch


# --- running ------------------------------------------------------------------------


def fresh_params(d, device):
    w = torch.normal(0, 0.01, (d, 1), device=device).requires_grad_()
    b = torch.zeros(1, device=device, requires_grad=True)
    return w, b


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def run_setting(n, d, batch_size, epochs, rounds, names, device):
    """Time the named loops on one data set; return {loop: ms per epoch} and memory."""
    torch.set_num_threads(THREADS)
    torch.manual_seed(0)
    device = torch.device(device)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    true_w = torch.linspace(-2, 2, d)
    features, labels = synthetic_data(true_w, 4.2, n)
    features, labels = features.to(device), labels.to(device)
    data_bytes = features.nbytes + labels.nbytes
    lr = 0.03

    def ours(fast=True):
        w, b = fresh_params(d, device)
        train(
            linreg,
            squared_loss,
            [w, b],
            features,
            labels,
            lr=lr,
            num_epochs=epochs,
            batch_size=batch_size,
            verbose=False,
            fast=fast,
        )

    def chapter():
        ours(fast=False)

    def ours_data_iter():
        for _ in range(epochs):
            for _X, _y in data_iter(batch_size, features, labels):
                pass

    def tutorial_data_iter_only():
        for _ in range(epochs):
            for _X, _y in tutorial_data_iter(batch_size, features, labels):
                pass

    def tutorial():
        w, b = fresh_params(d, device)
        for _ in range(epochs):
            tutorial_epoch(features, labels, w, b, lr, batch_size)

    def torch_nn():
        epoch = make_nn_epoch(features, labels, d, lr, batch_size)
        for _ in range(epochs):
            epoch()

    def weak_floor():
        w, b = (p.detach() for p in fresh_params(d, device))
        for _ in range(epochs):
            weak_floor_epoch(features, labels, w, b, lr, batch_size)

    def strong_floor():
        epoch = make_strong_floor(features, labels, lr, batch_size, fresh_params(d, device))
        for _ in range(epochs):
            epoch()

    def scan():
        epoch = make_scan(features, labels, lr, batch_size, fresh_params(d, device))
        for _ in range(epochs):
            epoch()

    def least_work():
        epoch = make_least_work(features, labels, batch_size, fresh_params(d, device))
        for _ in range(epochs):
            epoch()

    table = {
        "least work (no updates)": least_work,
        "tutorial loop": tutorial,
        "torch.nn loop": torch_nn,
        "weak hand-written floor": weak_floor,
        "strong floor (engine alone)": strong_floor,
        "scan engine alone": scan,
        "linreg_scratch.train fast=True": ours,
        "linreg_scratch.train (chapter loop)": chapter,
        "tutorial data_iter": tutorial_data_iter_only,
        "linreg_scratch.data_iter": ours_data_iter,
    }
    # train runs first and alone: peak memory only rises, so its peak is then its own.
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
        base = torch.cuda.memory_allocated(device) - data_bytes
    ours()
    sync(device)
    if device.type == "cuda":
        peak_mb = (torch.cuda.max_memory_allocated(device) - base) / 2**20
    else:  # KiB on Linux; data included, torch's own baseline not
        peak_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024
    if device.type == "cpu" and any(name.startswith("scikit-learn") for name in names):
        table.update(sklearn_loops(features, labels, lr))
    names = [name for name in names if name in table]

    times = {name: [] for name in names}
    shuffler = random.Random(0)
    full_rounds, paired = rounds
    train_loops = [name for name in TRAIN_LOOPS if name in names]
    # rounds: every loop once per round, in a fresh order, so none always follows another;
    # then more rounds of the train loops alone, whose ratios are the closest to call
    for loops in [names] * full_rounds + [train_loops] * paired:
        for name in shuffler.sample(loops, len(loops)):
            sync(device)
            start = time.perf_counter()
            table[name]()
            sync(device)
            per_epoch = 1 if name == "scikit-learn LinearRegression fit" else epochs
            times[name].append((time.perf_counter() - start) * 1000 / per_epoch)
    out = {name: statistics.median(values) for name, values in times.items()}
    # the ratio of train to the strong floor, round by round: the fairest comparison
    pairs = zip(times[OURS], times[STRONG], strict=True)
    ratios = [t / f for t, f in pairs]
    return {
        "ms": out,
        "train_vs_strong_rounds": ratios,
        "data_mb": data_bytes / 2**20,
        "peak_mb": peak_mb,
    }


def sklearn_loops(features, labels, lr):
    """What a user might pick instead: scikit-learn's SGD epoch and its exact solve."""
    try:
        from sklearn.linear_model import LinearRegression, SGDRegressor
        from threadpoolctl import threadpool_limits
    except ImportError:
        return {}
    X32, y32 = features.numpy(), labels.reshape(-1).numpy()
    X64, y64 = X32.astype("float64"), y32.astype("float64")  # SGDRegressor works in float64

    def sgd_epoch():  # one pass over the data, one example per step
        with threadpool_limits(THREADS):
            SGDRegressor(
                penalty=None, learning_rate="constant", eta0=lr, random_state=0
            ).partial_fit(X64, y64)

    def exact():
        with threadpool_limits(THREADS):
            LinearRegression().fit(X32, y32)

    return {
        "scikit-learn SGDRegressor epoch": sgd_epoch,
        "scikit-learn LinearRegression fit": exact,
    }


OURS, STRONG = "linreg_scratch.train fast=True", "strong floor (engine alone)"
TRAIN_LOOPS = [
    OURS,
    STRONG,
    "scan engine alone",
    "weak hand-written floor",
    "least work (no updates)",
]
ALL = [
    *TRAIN_LOOPS,
    "linreg_scratch.train (chapter loop)",
    "tutorial loop",
    "torch.nn loop",
    "scikit-learn SGDRegressor epoch",
    "scikit-learn LinearRegression fit",
    "tutorial data_iter",
    "linreg_scratch.data_iter",
]
SETTINGS = [
    # label, n, d, batch, epochs, (rounds of every loop, more of the train loops), loops
    ("tutorial: n=1e3, d=2, batch 10, 3 epochs", 1000, 2, 10, 3, (201, 0), ALL),
    ("n=1e6, d=2, batch 1000", 10**6, 2, 1000, 1, (7, 24), ALL),
    ("n=1e5, d=2, batch 100", 10**5, 2, 100, 1, (9, 40), TRAIN_LOOPS),
    ("n=1e6, d=10, batch 1000", 10**6, 10, 1000, 1, (5, 20), TRAIN_LOOPS),
    ("n=1e6, d=100, batch 1000", 10**6, 100, 1000, 1, (5, 16), ALL),
    ("n=1e7, d=10, batch 1000, 1 epoch", 10**7, 10, 1000, 1, (5, 0), TRAIN_LOOPS),
]


def import_overhead(repeats=5):
    code = (
        "import sys, time; t0 = time.perf_counter(); import torch; t1 = time.perf_counter();"
        "import linreg_scratch; t2 = time.perf_counter();"
        "print(t2 - t1, 'matplotlib' in sys.modules, 'IPython' in sys.modules)"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(repeats)
    ]
    return statistics.median(float(r[0]) for r in runs), runs[0][1], runs[0][2]


def print_setting(label, result):
    ms = result["ms"]
    memory = "peak CUDA memory" if result.get("device") == "cuda" else "peak RSS"
    if result["data_mb"] >= 100:  # below that, the interpreter's own noise dominates
        print(
            f"\n{label}: data {result['data_mb']:.1f} MB; {memory} of data + train "
            f"{result['peak_mb']:.1f} MB = {result['peak_mb'] / result['data_mb']:.2f}x data"
        )
    else:
        print(f"\n{label}: data {result['data_mb']:.1f} MB")
    print(f"  {'loop':<36}{'ms/epoch':>11}{'vs tutorial':>13}{'vs strong floor':>17}")
    for name, value in ms.items():
        base = ms.get("tutorial data_iter" if "data_iter" in name else "tutorial loop")
        ratio_t = f"{value / base:.3f}x" if base else "-"
        floor = ms[STRONG]
        ratio_f = "-" if "data_iter" in name else f"{value / floor:.2f}x"
        print(f"  {name:<36}{value:>11.2f}{ratio_t:>13}{ratio_f:>17}")
    rounds = result["train_vs_strong_rounds"]
    if rounds:
        print(
            f"  train / strong floor, round by round: median {statistics.median(rounds):.2f}x "
            f"(min {min(rounds):.2f}x, max {max(rounds):.2f}x, {len(rounds)} rounds)"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the first two settings")
    parser.add_argument("--device", default="cpu", help="where the torch loops run (cpu, cuda)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child process mode
    args = parser.parse_args()
    if args.one is not None:
        label, n, d, batch, epochs, rounds, loops = SETTINGS[args.one]
        result = run_setting(n, d, batch, epochs, rounds, loops, args.device)
        result["device"] = torch.device(args.device).type
        print(json.dumps(result))
        return
    torch.set_num_threads(THREADS)
    where = torch.cuda.get_device_name(0) if args.device.startswith("cuda") else "CPU"
    print(
        f"linreg_scratch benchmark on {where}: torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads, python {sys.version.split()[0]}"
    )
    settings = SETTINGS[:2] if args.quick else SETTINGS
    for i, (label, *_rest) in enumerate(settings):
        child = subprocess.run(
            [sys.executable, __file__, "--one", str(i), "--device", args.device],
            capture_output=True,
            text=True,
            check=True,
        )
        print_setting(label, json.loads(child.stdout.splitlines()[-1]))
        sys.stdout.flush()
    seconds, mpl, ipy = import_overhead()
    print(
        f"\nimport linreg_scratch after torch: {seconds * 1000:.1f} ms; "
        f"matplotlib imported: {mpl}; IPython imported: {ipy}"
    )


if __name__ == "__main__":
    main()
