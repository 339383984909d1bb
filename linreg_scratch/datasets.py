"""Real measurements to fit: the Palmer penguins (CC0 data, shipped by ``palmerpenguins``)."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from . import _checks
from .lang import text

#: The columns that hold numbers; species, island and sex hold text.
NUMERIC_COLUMNS = (
    "bill_length_mm",
    "bill_depth_mm",
    "flipper_length_mm",
    "body_mass_g",
    "year",
)
TEXT_COLUMNS = ("species", "island", "sex")


def penguins(
    columns: Sequence[str] = ("flipper_length_mm", "bill_length_mm"),
    target: str = "body_mass_g",
) -> tuple[torch.Tensor, torch.Tensor]:
    """Measurements of 344 penguins from Palmer Station, Antarctica, as tensors.

    Returns ``features: (n, d)`` with the ``columns`` in the order given and
    ``labels: (n, 1)`` with ``target``, both float32. Rows with a missing value in
    any of these columns are dropped: for the defaults, 2 of the 344 rows. Valid
    names are those in ``linreg_scratch.datasets.NUMERIC_COLUMNS``; any other name
    raises ``ValueError`` listing them.
    The data (Gorman et al., CC0) come from the optional ``palmerpenguins``
    package: ``pip install 'linreg-scratch[data]'``.

    Example:

    >>> features, labels = penguins()  # flipper and bill length (mm), body mass (g)
    >>> features.shape, labels.shape
    (torch.Size([342, 2]), torch.Size([342, 1]))
    >>> labels[:3, 0].tolist()  # grams
    [3750.0, 3800.0, 3250.0]
    """
    columns = _checks.columns(columns, target, NUMERIC_COLUMNS, TEXT_COLUMNS)
    try:
        from palmerpenguins import load_penguins
    except ImportError as err:
        raise ImportError(
            text(
                "penguins() needs the optional packages palmerpenguins and pandas; install "
                "them with: pip install 'linreg-scratch[data]'",
                "penguins() 需要可选的包 palmerpenguins 和 pandas；请用以下命令安装："
                "pip install 'linreg-scratch[data]'",
            )
        ) from err
    table = load_penguins()[[*columns, target]].dropna()
    values = torch.tensor(table.to_numpy(dtype="float64"), dtype=torch.float32)
    return values[:, :-1].contiguous(), values[:, -1:].contiguous()
