"""The tutorial's experiment, written down once: its true parameters, data and settings.

Every default that says "as in the chapter" (``train``, ``sweep``, ``explore``, the CLI)
reads these names, so the numbers a learner meets in the notebooks live in one place.
"""

from __future__ import annotations

import torch

from .data import synthetic_data

#: The weights and bias the chapter's data are drawn from: ``y = X @ TRUE_W + TRUE_B + noise``.
TRUE_W = (2.0, -3.4)
TRUE_B = 4.2
#: How many examples the chapter draws, and the standard deviation of its label noise.
NUM_EXAMPLES = 1000
NOISE = 0.01
#: The chapter's hyperparameters.
LR = 0.03
NUM_EPOCHS = 3
BATCH_SIZE = 10


def tutorial_data(
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The chapter's data set: ``features: (1000, 2)``, ``labels: (1000, 1)``.

    >>> features, labels = tutorial_data(torch.Generator().manual_seed(0))
    >>> features.shape, labels.shape
    (torch.Size([1000, 2]), torch.Size([1000, 1]))
    """
    return synthetic_data(TRUE_W, TRUE_B, NUM_EXAMPLES, NOISE, generator=generator)
