"""Time linreg_scratch's train loop against the tutorial's loop and its neighbours.

    python benchmarks/train_speed.py            # every setting (a few minutes on 2 cores)
    python benchmarks/train_speed.py --quick    # the tutorial's setting and n=1e6, d=2

Prints ms per epoch (median of several repeats) and ratios to the tutorial's loop
and to the hand-written floor. Numbers are for reading, not for asserting: they
depend on the machine. Each large setting runs in its own process so that its
peak memory can be read from the operating system.
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

# --- the tutorial's loop, as the chapter writes it (the baseline) ------------------


def tutorial_data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        j = torch.LongTensor(indices[i : min(i + batch_size, num_examples)])
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
        torch.utils.data.TensorDataset(features, labels), batch_size=batch_size, shuffle=True
    )
    net = nn.Linear(d, 1)
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    mse = nn.MSELoss()

    def epoch():
        for X, y in loader:
            optimizer.zero_grad()
            ls = mse(net(X), y.reshape(-1, 1)) / 2  # /2: the chapter's squared loss
            ls.backward()
            optimizer.step()
        with torch.no_grad():
            (mse(net(features), labels.reshape(-1, 1)) / 2).item()

    return epoch


# --- the floor: the gradient written out, no autograd -------------------------------


def floor_epoch(features, labels, w, b, lr, batch_size):
    n = len(features)
    order = torch.randperm(n)
    for i in range(0, n, batch_size):
        idx = order[i : i + batch_size]
        X, y = features[idx], labels[idx]
        r = X @ w + b - y.reshape(-1, 1)
        w -= lr / len(idx) * (X.T @ r)
        b -= lr / len(idx) * r.sum()
    ((features @ w + b - labels.reshape(-1, 1)) ** 2 / 2).mean().item()


# --- running ------------------------------------------------------------------------


def fresh_params(d):
    w = torch.normal(0, 0.01, (d, 1)).requires_grad_()
    b = torch.zeros(1, requires_grad=True)
    return w, b


def median_ms(fn, repeats, epochs):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000 / epochs)
    return statistics.median(times)


def run_setting(n, d, batch_size, epochs, repeats, loops):
    """Time the named loops on one data set; return {loop: ms per epoch} and memory."""
    torch.manual_seed(0)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    true_w = torch.linspace(-2, 2, d)
    features, labels = synthetic_data(true_w, 4.2, n)
    data_bytes = features.nbytes + labels.nbytes
    lr = 0.03
    out = {}

    def ours():
        w, b = fresh_params(d)
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
        )

    def ours_data_iter():
        for _ in range(epochs):
            for _X, _y in data_iter(batch_size, features, labels):
                pass

    def tutorial_data_iter_only():
        for _ in range(epochs):
            for _X, _y in tutorial_data_iter(batch_size, features, labels):
                pass

    def tutorial():
        w, b = fresh_params(d)
        for _ in range(epochs):
            tutorial_epoch(features, labels, w, b, lr, batch_size)

    def torch_nn():
        epoch = make_nn_epoch(features, labels, d, lr, batch_size)
        for _ in range(epochs):
            epoch()

    def floor():
        w = torch.normal(0, 0.01, (d, 1))
        b = torch.zeros(1)
        for _ in range(epochs):
            floor_epoch(features, labels, w, b, lr, batch_size)

    table = {
        "tutorial loop": tutorial,
        "torch.nn loop": torch_nn,
        "hand-written floor": floor,
        "linreg_scratch.train": ours,
        "tutorial data_iter": tutorial_data_iter_only,
        "linreg_scratch.data_iter": ours_data_iter,
    }
    # Peak RSS only rises, so train runs first: its peak is then its own.
    loops = ["linreg_scratch.train"] + [name for name in loops if name != "linreg_scratch.train"]
    peak_mb = None
    for name in loops:
        out[name] = median_ms(table[name], repeats, epochs)
        if peak_mb is None:  # KiB on Linux; data included, torch's own baseline not
            peak_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024
    return {"ms": out, "data_mb": data_bytes / 2**20, "peak_mb": peak_mb}


SETTINGS = [
    # label, n, d, batch, epochs, repeats, loops
    ("tutorial: n=1e3, d=2, batch 10, 3 epochs", 1000, 2, 10, 3, 7, "all"),
    ("n=1e6, d=2, batch 1000", 10**6, 2, 1000, 1, 5, "all"),
    ("n=1e6, d=100, batch 1000", 10**6, 100, 1000, 1, 3, "all"),
    (
        "n=1e7, d=10, batch 1000, 1 epoch",
        10**7,
        10,
        1000,
        1,
        3,
        ["linreg_scratch.train", "hand-written floor", "linreg_scratch.data_iter"],
    ),
]
ALL = [
    "tutorial loop",
    "torch.nn loop",
    "hand-written floor",
    "linreg_scratch.train",
    "tutorial data_iter",
    "linreg_scratch.data_iter",
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the first two settings")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child process mode
    args = parser.parse_args()
    if args.one is not None:
        label, n, d, batch, epochs, repeats, loops = SETTINGS[args.one]
        print(
            json.dumps(run_setting(n, d, batch, epochs, repeats, ALL if loops == "all" else loops))
        )
        return
    print(
        f"linreg_scratch benchmark: torch {torch.__version__}, {torch.get_num_threads()} threads, "
        f"python {sys.version.split()[0]}"
    )
    settings = SETTINGS[:2] if args.quick else SETTINGS
    for i, (label, *_rest) in enumerate(settings):
        child = subprocess.run(
            [sys.executable, __file__, "--one", str(i)], capture_output=True, text=True, check=True
        )
        result = json.loads(child.stdout)
        ms = result["ms"]
        print(
            f"\n{label}: data {result['data_mb']:.1f} MB; peak RSS of data + train "
            f"{result['peak_mb']:.1f} MB = {result['peak_mb'] / result['data_mb']:.2f}x data"
        )
        print(f"  {'loop':<26}{'ms/epoch':>12}{'vs tutorial':>14}{'vs floor':>11}")
        for name, value in ms.items():
            vs_tut = (
                ms.get("tutorial loop") if "data_iter" not in name else ms.get("tutorial data_iter")
            )
            ratio_t = f"{value / vs_tut:.3f}x" if vs_tut else "-"
            ratio_f = f"{value / ms['hand-written floor']:.2f}x" if "data_iter" not in name else "-"
            print(f"  {name:<26}{value:>12.2f}{ratio_t:>14}{ratio_f:>11}")
    seconds, mpl, ipy = import_overhead()
    print(
        f"\nimport linreg_scratch after torch: {seconds * 1000:.1f} ms; "
        f"matplotlib imported: {mpl}; IPython imported: {ipy}"
    )


if __name__ == "__main__":
    main()
