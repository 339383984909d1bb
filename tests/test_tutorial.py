"""The tutorial's own code cells, with its helper definitions replaced by our import,
run in a fresh Jupyter kernel: the scenario this package exists for."""

import re

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
