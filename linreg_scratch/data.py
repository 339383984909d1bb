"""Synthetic regression data and the shuffled mini-batch iterator."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch

from . import _checks

#: What shuffle (data_iter) and is_train (load_array) each mean, said when refusing them.
SHUFFLE = "True: a fresh random order, False: in order"

_FLOAT32 = "larger values overflow float32"


def synthetic_data(
    w: Sequence[float] | torch.Tensor,
    b: float,
    num_examples: int,
    noise: float = 0.01,
    *,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw a linear-regression data set.

    ``features: (num_examples, d)`` float32 with entries ~ N(0, 1), and
    ``labels: (num_examples, 1)`` with ``labels = features @ w + b + noise * N(0, 1)``,
    where ``d = len(w)``. The labels are a column, as in every d2l edition, so that
    ``nn.MSELoss`` compares them with a ``(n, 1)`` prediction element by element.
    All draws use torch's RNG (or ``generator``).

    Args:
        w: the true weights, ``d`` numbers (a list or a 1-D tensor).
        b: the true bias.
        num_examples: ``n``, the number of examples to draw.
        noise: the standard deviation of the Gaussian noise added to the labels.
        generator: draw from this ``torch.Generator`` instead of the global RNG.

    Returns:
        ``(features, labels)`` of shapes ``(n, d)`` and ``(n, 1)``.

    Raises:
        TypeError: ``w`` is not a list of numbers or a tensor, or a number is not one.
        ValueError: ``w`` is empty or not finite, ``num_examples`` is not positive,
            ``noise`` is negative.

    Example:

    >>> features, labels = synthetic_data([2, -3.4], 4.2, 1000)
    >>> features.shape, labels.shape
    (torch.Size([1000, 2]), torch.Size([1000, 1]))
    """
    w_vec = _checks.weights("w", w)
    b = _checks.scalar("b", b, float, low=-1e30, high=1e30, why=_FLOAT32)
    num_examples = _checks.scalar("num_examples", num_examples, int, low=1)
    _checks.fits_in_memory("num_examples", num_examples, (num_examples, len(w_vec)))
    noise = _checks.scalar("noise", noise, float, low=0, high=1e30, why=_FLOAT32)
    largest = float(w_vec.abs().max())
    _checks.scalar("max(abs(w))", largest, float, high=1e30, why="so labels fit in float32")
    generator = _checks.generator("generator", generator)
    features = torch.randn(num_examples, len(w_vec), generator=generator)
    labels = features @ w_vec.reshape(-1, 1) + b
    if noise > 0:
        labels += noise * torch.randn(num_examples, 1, generator=generator)
    return features, labels


def data_iter(
    batch_size: int,
    features: torch.Tensor,
    labels: torch.Tensor,
    *,
    shuffle: bool = True,
    generator: torch.Generator | None = None,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Yield ``(X, y)`` mini-batches that cover every example exactly once.

    ``X: (m, d)`` rows of ``features`` and ``y`` the matching rows of ``labels``,
    with ``m = batch_size`` except for a possibly shorter last batch. With
    ``shuffle`` the order is a fresh ``torch.randperm`` (drawn on the features'
    device) each time the function is called. Batches are copies: changing them
    never changes ``features`` or ``labels``.

    Args:
        batch_size: the number of examples per batch (the last may be shorter).
        features: ``(n, d)``.
        labels: ``n`` rows, e.g. ``(n, 1)`` or ``(n,)``.
        shuffle: read in a fresh random order (``False``: in order).
        generator: draw the order from this ``torch.Generator``.

    Yields:
        ``(X, y)``: ``X: (m, d)`` and the matching ``m`` rows of ``labels``.

    Raises:
        TypeError: ``features`` or ``labels`` is not a tensor, ``batch_size`` not an int.
        ValueError: ``batch_size < 1``, or ``features`` and ``labels`` differ in length
            or device.

    Example:

    >>> X, y = next(iter(data_iter(10, torch.randn(100, 2), torch.randn(100))))
    >>> X.shape, y.shape
    (torch.Size([10, 2]), torch.Size([10]))
    """
    # Checked here, not in the generator body, so mistakes surface at the call.
    batch_size = _checks.scalar("batch_size", batch_size, int, low=1)
    _checks.tensor("features", features, ndim=(1, 2, 3, 4))
    _checks.tensor("labels", labels, ndim=(1, 2, 3, 4))
    shuffle = _checks.boolean("shuffle", shuffle, SHUFFLE)
    generator = _checks.generator("generator", generator)
    n = _checks.same_length(features, labels)
    _checks.on_device("labels", labels, "features", features)
    order = shuffle_order(n, features.device, generator) if shuffle else None
    return _batches(batch_size, features, labels, order)


def shuffle_order(n: int, device: torch.device, generator: torch.Generator | None) -> torch.Tensor:
    """One epoch's reading order: a random permutation of ``range(n)``.

    On the CPU it is drawn as int32 when ``n`` fits: ``torch.randperm`` gives the
    same numbers and takes the same draws from the RNG for either dtype, and
    ``index_select`` reads either, but int32 is drawn about twice as fast.
    """
    _checks.generator_on("generator", generator, device)
    return torch.randperm(n, device=device, generator=generator, dtype=_order_dtype(n, device))


def _order_dtype(n: int, device: torch.device) -> torch.dtype:
    """int32 for an order on the CPU that fits in it, else torch's default int64."""
    small = n <= _INT32_MAX and torch.device(device).type == "cpu"
    return torch.int32 if small else torch.int64


_INT32_MAX = 2**31 - 1


def _batches(batch_size, features, labels, order):
    n = len(features)
    for start in range(0, n, batch_size):
        if order is None:
            stop = min(start + batch_size, n)
            yield features[start:stop].clone(), labels[start:stop].clone()
        else:
            idx = order[start : start + batch_size]
            yield features.index_select(0, idx), labels.index_select(0, idx)


def load_array(
    data_arrays: Sequence[torch.Tensor], batch_size: int, is_train: bool = True
) -> torch.utils.data.DataLoader:
    """A ``DataLoader`` over ``data_arrays`` (e.g. ``(features, labels)``), as in d2l.

    Every tensor in ``data_arrays`` has the same first dimension ``n``; each batch is a
    list with one ``(batch_size, ...)`` slice of each. ``is_train`` shuffles the order
    every pass (through torch's global RNG), as the concise section of the chapter does.

    Example:

    >>> features, labels = synthetic_data([2, -3.4], 4.2, 100)
    >>> X, y = next(iter(load_array((features, labels), 10)))
    >>> X.shape, y.shape
    (torch.Size([10, 2]), torch.Size([10, 1]))
    """
    arrays = _checks.tensor_list("data_arrays", data_arrays, "(features, labels)")
    batch_size = _checks.scalar("batch_size", batch_size, int, low=1)
    shuffle = _checks.boolean("is_train", is_train, SHUFFLE)
    _checks.same_lengths("data_arrays", arrays)
    dataset = torch.utils.data.TensorDataset(*arrays)
    return torch.utils.data.DataLoader(dataset, batch_size, shuffle=shuffle)
