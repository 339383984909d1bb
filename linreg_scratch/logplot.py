"""``semilogy``: the seed edition's training and test loss curves on a log-scale y axis."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from . import _checks, lang
from .plot import set_figsize

Values = Sequence[float] | torch.Tensor | range


def semilogy(
    x_vals: Values,
    y_vals: Values,
    x_label: str,
    y_label: str,
    x2_vals: Values | None = None,
    y2_vals: Values | None = None,
    legend: Sequence[str] | None = None,
    figsize: Sequence[float] = (3.5, 2.5),
) -> None:
    """Plot ``y_vals`` against ``x_vals`` with a log-scale y axis on pyplot's current axes,
    and ``y2_vals`` against ``x2_vals`` as a dotted second line when both are given.

    As the seed edition (Dive-into-DL-PyTorch 3.11, 3.12) draws the training and test loss
    after each epoch: the log scale shows a loss falling from 100 to 0.01 as evenly as one
    falling from 1 to 0.001. Calls :func:`set_figsize` (``figsize`` inches, SVG) first;
    ``legend`` names the lines (one name per line). Returns None, as in the book: the
    figure shows when the cell ends. Labels listed in ``lang.TERMS`` follow ``set_language``.

    Args:
        x_vals, y_vals: the first line, ``n`` values each (lists, ranges, 1-D arrays or
            tensors); every ``y`` finite and > 0, as a log axis needs.
        x_label, y_label: the axis labels.
        x2_vals, y2_vals: the second line, both or neither.
        legend: the lines' names, e.g. ``['train', 'test']``.
        figsize: ``(width, height)`` in inches.

    Example:

    >>> semilogy(range(1, 4), [1.0, 0.1, 0.01], 'epochs', 'loss',
    ...          range(1, 4), [2.0, 0.5, 0.4], ['train', 'test'])  # doctest: +SKIP
    """
    lines = [_line("x_vals", x_vals, "y_vals", y_vals)]
    _checks.both_or_neither("x2_vals", x2_vals, "y2_vals", y2_vals)
    if x2_vals is not None:
        lines.append(_line("x2_vals", x2_vals, "y2_vals", y2_vals))
    xlabel = _checks.optional_str("x_label", x_label)
    ylabel = _checks.optional_str("y_label", y_label)
    names = _checks.str_list("legend", legend) if legend is not None else None
    if names is not None:
        _checks.how_many("legend", len(names), len(lines), "names", "one per line")
    set_figsize(figsize)
    from matplotlib import pyplot as plt

    plt.xlabel(lang.term(xlabel) or "")
    plt.ylabel(lang.term(ylabel) or "")
    for (xs, ys), style in zip(lines, ("-", ":"), strict=False):
        plt.semilogy(xs, ys, linestyle=style)
    if names is not None:
        plt.legend([lang.term(n) for n in names])


def _line(x_name: str, x: object, y_name: str, y: object) -> tuple[list[float], list[float]]:
    """One line's ``(xs, ys)`` as floats: as many of each, the ``ys`` fit for a log axis."""
    xs, ys = _checks.numbers_list(x_name, x), _checks.numbers_list(y_name, y)
    _checks.how_many(y_name, len(ys), len(xs), "values", "one per x value")
    _checks.log_values(y_name, ys)
    return xs, ys
