"""The tutorial's own code cells, with its helper definitions replaced by our import,
run in a fresh Jupyter kernel: the scenario this package exists for."""

import json
import re

import numpy as np
from kernel import execute, mime_types, notebook, text_of

TUTORIAL_CELLS = [
    """%matplotlib inline
import torch
from IPython import display
from matplotlib import pyplot as plt
import numpy as np
import random
from linreg_scratch import *""",
    """num_inputs = 2
num_examples = 1000
true_w = [2, -3.4]
true_b = 4.2
features = torch.randn(num_examples, num_inputs,
                       dtype=torch.float32)
labels = true_w[0] * features[:, 0] + true_w[1] * features[:, 1] + true_b
labels += torch.tensor(np.random.normal(0, 0.01, size=labels.size()),
                       dtype=torch.float32)""",
    """set_figsize()
plt.scatter(features[:, 1].numpy(), labels.numpy(), 1);""",
    """batch_size = 10
for X, y in data_iter(batch_size, features, labels):
    print(X, y)
    break""",
    """w = torch.tensor(np.random.normal(0, 0.01, (num_inputs, 1)), dtype=torch.float32)
b = torch.zeros(1, dtype=torch.float32)
w.requires_grad_(requires_grad=True)
b.requires_grad_(requires_grad=True)""",
    """lr = 0.03
num_epochs = 3
net = linreg
loss = squared_loss
for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        l = loss(net(X, w, b), y).sum()
        l.backward()
        sgd([w, b], lr, batch_size)
        w.grad.data.zero_()
        b.grad.data.zero_()
    train_l = loss(net(features, w, b), labels)
    print('epoch %d, loss %f' % (epoch + 1, train_l.mean().item()))""",
    """print(true_w, '\\n', w)
print(true_b, '\\n', b)""",
    """print(float((w.detach().reshape(-1) - torch.tensor(true_w)).abs().max()),
      float((b.detach() - true_b).abs().max()))""",
]


def test_tutorial_cells_run_in_a_fresh_kernel_with_our_import(tmp_path):
    nb = execute(notebook(*TUTORIAL_CELLS), tmp_path)
    scatter, first_batch, training, check = nb.cells[2], nb.cells[3], nb.cells[5], nb.cells[7]
    assert "image/svg+xml" in mime_types(scatter)  # set_figsize() -> SVG on IPython 9
    assert "torch.Size" not in text_of(first_batch) and text_of(first_batch).count("tensor(") == 2
    losses = [float(x) for x in re.findall(r"epoch \d, loss (\S+)", text_of(training))]
    assert len(losses) == 3 and losses[0] > losses[1] and losses[2] < 1e-4
    w_err, b_err = (float(x) for x in text_of(check).split())
    assert w_err < 1e-2 and b_err < 1e-2


# The seed edition's 3.11 (under- and overfitting) and 3.12 (weight decay), written its way
# (`import d2lzh_pytorch as d2l`, its own loop, `d2l.semilogy`) in our own words, with the
# one-line swap `import linreg_scratch as d2l`. 3.12 trains for 30 epochs instead of 100.
SEED_SWAP = "import linreg_scratch as d2l"
FIT_CELLS = [
    "%matplotlib inline\nimport json, sys\nimport numpy as np\nimport torch\n"
    "import torch.nn as nn\n"
    f'sys.path.append("..")\n{SEED_SWAP}',
    # 3.11: y = 1.2x - 3.4x^2 + 5.6x^3 + 5 + noise
    "np.random.seed(11)\ntorch.manual_seed(11)\n"
    "n_train, n_test, true_w, true_b = 100, 100, [1.2, -3.4, 5.6], 5\n"
    "features = torch.randn((n_train + n_test, 1))\n"
    "cubic = torch.cat((features, torch.pow(features, 2), torch.pow(features, 3)), 1)\n"
    "labels = true_b + sum(true_w[k] * cubic[:, k] for k in range(3))\n"
    "labels += torch.tensor(np.random.normal(0, 0.01, size=labels.size()), dtype=torch.float)",
    "def draw_log(x_vals, y_vals, x_label, y_label, x2_vals=None, y2_vals=None, legend=None):\n"
    "    d2l.set_figsize((3.5, 2.5))\n"
    "    d2l.plt.xlabel(x_label)\n    d2l.plt.ylabel(y_label)\n"
    "    d2l.plt.semilogy(x_vals, y_vals)\n"
    "    if x2_vals and y2_vals:\n"
    "        d2l.plt.semilogy(x2_vals, y2_vals, linestyle=':')\n"
    "        d2l.plt.legend(legend)",
    "num_epochs, loss = 100, torch.nn.MSELoss()\n"
    "def fit_and_plot(train_features, test_features, train_labels, test_labels, tag):\n"
    "    net = torch.nn.Linear(train_features.shape[-1], 1)\n"
    "    batch_size = min(10, train_labels.shape[0])\n"
    "    dataset = torch.utils.data.TensorDataset(train_features, train_labels)\n"
    "    train_iter = torch.utils.data.DataLoader(dataset, batch_size, shuffle=True)\n"
    "    optimizer = torch.optim.SGD(net.parameters(), lr=0.01)\n"
    "    train_ls, test_ls = [], []\n"
    "    for _ in range(num_epochs):\n"
    "        for X, y in train_iter:\n"
    "            l = loss(net(X), y.view(-1, 1))\n"
    "            optimizer.zero_grad()\n            l.backward()\n            optimizer.step()\n"
    "        train_ls.append(loss(net(train_features), train_labels.view(-1, 1)).item())\n"
    "        test_ls.append(loss(net(test_features), test_labels.view(-1, 1)).item())\n"
    "    print('final epoch: train loss', train_ls[-1], 'test loss', test_ls[-1])\n"
    "    draw_log(range(1, num_epochs + 1), train_ls, 'epochs', 'loss',\n"
    "             range(1, num_epochs + 1), test_ls, ['train', 'test'])\n"
    "    print(json.dumps({'tag': tag, 'w': net.weight.data.view(-1).tolist(),\n"
    "                      'b': net.bias.item(), 'train': train_ls[-1], 'test': test_ls[-1]}))",
    "fit_and_plot(cubic[:n_train], cubic[n_train:], labels[:n_train], labels[n_train:], 'third')",
    "fit_and_plot(features[:n_train], features[n_train:], labels[:n_train], labels[n_train:],\n"
    "             'linear')",
    "fit_and_plot(cubic[0:2], cubic[n_train:], labels[0:2], labels[n_train:], 'two examples')",
    # 3.12: 200 inputs, 20 training examples, batch size 1
    "torch.manual_seed(12)\nn_train, n_test, num_inputs = 20, 100, 200\n"
    "true_w, true_b = torch.ones(num_inputs, 1) * 0.01, 0.05\n"
    "features = torch.randn((n_train + n_test, num_inputs))\n"
    "labels = torch.matmul(features, true_w) + true_b\n"
    "labels += torch.tensor(np.random.normal(0, 0.01, size=labels.size()), dtype=torch.float)\n"
    "train_features, test_features = features[:n_train, :], features[n_train:, :]\n"
    "train_labels, test_labels = labels[:n_train], labels[n_train:]\n"
    "batch_size, num_epochs, lr = 1, 30, 0.003\nnet, loss = d2l.linreg, d2l.squared_loss\n"
    "dataset = torch.utils.data.TensorDataset(train_features, train_labels)\n"
    "train_iter = torch.utils.data.DataLoader(dataset, batch_size, shuffle=True)",
    "def start():\n"
    "    w = torch.randn((num_inputs, 1), requires_grad=True)\n"
    "    b = torch.zeros(1, requires_grad=True)\n    return [w, b]\n"
    "def penalty(w):\n    return (w ** 2).sum() / 2\n"
    "def report(tag, norm, train_ls, test_ls):\n"
    "    d2l.semilogy(range(1, num_epochs + 1), train_ls, 'epochs', 'loss',\n"
    "                 range(1, num_epochs + 1), test_ls, ['train', 'test'])\n"
    "    print('L2 norm of w:', norm)\n"
    "    print(json.dumps({'tag': tag, 'norm': norm, 'train': train_ls[-1], 'test': test_ls[-1]}))",
    "def decay_by_hand(lambd):\n"
    "    w, b = start()\n    train_ls, test_ls = [], []\n"
    "    for _ in range(num_epochs):\n"
    "        for X, y in train_iter:\n"
    "            l = (loss(net(X, w, b), y) + lambd * penalty(w)).sum()\n"
    "            if w.grad is not None:\n"
    "                w.grad.data.zero_()\n                b.grad.data.zero_()\n"
    "            l.backward()\n            d2l.sgd([w, b], lr, batch_size)\n"
    "        train_ls.append(loss(net(train_features, w, b), train_labels).mean().item())\n"
    "        test_ls.append(loss(net(test_features, w, b), test_labels).mean().item())\n"
    "    report(f'hand {lambd}', w.norm().item(), train_ls, test_ls)",
    "decay_by_hand(lambd=0)",
    "decay_by_hand(lambd=3)",
    "def decay_by_optimizer(wd):\n"
    "    model = nn.Linear(num_inputs, 1)\n"
    "    nn.init.normal_(model.weight, mean=0, std=1)\n"
    "    nn.init.normal_(model.bias, mean=0, std=1)\n"
    "    optimizer_w = torch.optim.SGD(params=[model.weight], lr=lr, weight_decay=wd)\n"
    "    optimizer_b = torch.optim.SGD(params=[model.bias], lr=lr)\n"
    "    train_ls, test_ls = [], []\n"
    "    for _ in range(num_epochs):\n"
    "        for X, y in train_iter:\n"
    "            l = loss(model(X), y).mean()\n"
    "            optimizer_w.zero_grad()\n            optimizer_b.zero_grad()\n"
    "            l.backward()\n            optimizer_w.step()\n            optimizer_b.step()\n"
    "        train_ls.append(loss(model(train_features), train_labels).mean().item())\n"
    "        test_ls.append(loss(model(test_features), test_labels).mean().item())\n"
    "    report(f'optimizer {wd}', model.weight.data.norm().item(), train_ls, test_ls)",
    "decay_by_optimizer(0)",
    "decay_by_optimizer(3)",
    # the star import gives semilogy too
    "from linreg_scratch import *\n"
    "semilogy(range(1, 4), [1.0, 0.1, 0.01], 'epochs', 'loss')\n"
    "print(d2l.plt.gca().get_yscale())",
]


def _records(nb) -> dict[str, dict]:
    found = {}
    for cell in nb.cells:
        for match in re.finditer(r'\{"tag": .*?\}', text_of(cell)):
            rec = json.loads(match.group())
            found[rec.pop("tag")] = rec
    return found


def test_seed_edition_3_11_and_3_12_run_with_the_one_line_swap(tmp_path):
    nb = execute(notebook(*FIT_CELLS), tmp_path)
    found = _records(nb)
    print("seed 3.11-3.12", found)
    third, linear, two = found["third"], found["linear"], found["two examples"]
    # the third-order fit recovers the generating polynomial: weights and bias
    assert np.allclose(third["w"], [1.2, -3.4, 5.6], atol=0.1) and abs(third["b"] - 5) < 0.1
    assert third["train"] < 0.01 and third["test"] < 0.01, third
    assert linear["train"] > 10 and linear["test"] > 10, linear  # a line underfits a cubic
    assert two["test"] > 2 * two["train"], two  # two examples: overfitting
    for none, decay in (("hand 0", "hand 3"), ("optimizer 0", "optimizer 3")):
        none, decay = found[none], found[decay]
        # 200 weights drawn from N(0, 1) (||w|| near sqrt(200)) fit 20 examples; decay
        # shrinks w and the test loss falls with it
        assert none["norm"] > 5 and decay["norm"] < 1, (none, decay)
        assert decay["test"] < none["test"] / 5, (none, decay)
    calls = ["'third')", "'linear')", "'two examples')", "decay_by_hand(lambd=0)"]
    calls += ["decay_by_hand(lambd=3)", "decay_by_optimizer(0)", "decay_by_optimizer(3)"]
    for call in calls:  # each fit drew its curves (3.11 through d2l.plt, 3.12 d2l.semilogy)
        (cell,) = [c for c in nb.cells if c.source.endswith(call)]
        assert "image/svg+xml" in mime_types(cell), call
    assert text_of(nb.cells[-1]).startswith("log\n")  # the star import's semilogy
