"""Check a learner's own ``data_iter``, ``linreg``, ``squared_loss``, ``sgd``, ``synthetic_data``,
``l2_penalty`` and ``polynomial_features``.

``from linreg_scratch import check``, then ``check.sgd(my_sgd)``. Each check runs the
function on cases of its own (odd sizes, short batches, several passes, float64, labels
``(n,)`` and ``(n, 1)``) under a fixed seed, with the caller's random state restored
afterwards, and compares with the chapter's behaviour. It never raises because of the
learner's code: an exception, an endless generator or a wrong return type is reported.
The result is truthy only when every case passed; ``.problems`` lists what went wrong,
and it shows itself (terminal or Jupyter) as a short verdict that names the likely mistake.
``.passed`` of ``.run`` cases passed, ``.score`` is that share (0 to 1), and
``check.grade(globals())`` checks the chapter's five functions a notebook defines.

Example:

>>> import torch
>>> from linreg_scratch import check
>>> def my_linreg(X, w, b):
...     return X @ w  # forgot the bias
>>> result = check.linreg(my_linreg)
>>> bool(result), "bias" in result.problems[0]
(False, True)

The package: :mod:`~.messages` holds every word a learner reads (English and Chinese),
``_verdict`` runs the cases and makes the :class:`Result`, ``_compare`` describes and
compares tensors, and one module per checked function holds its cases.
"""

from __future__ import annotations

from ._data_iter import data_iter
from ._grade import Uncopyable as Uncopyable  # what a grader's namespace may hold
from ._grade import grade
from ._l2_penalty import l2_penalty
from ._linreg import linreg
from ._polynomial_features import polynomial_features
from ._sgd import sgd
from ._squared_loss import squared_loss
from ._synthetic_data import synthetic_data
from ._verdict import Problem as Problem  # what Result.found holds
from ._verdict import Result

__all__ = [
    "Result",
    "data_iter",
    "grade",
    "l2_penalty",
    "linreg",
    "polynomial_features",
    "sgd",
    "squared_loss",
    "synthetic_data",
]

SEED = 20240601  # every case runs under this seed; a grader may set another
