"""Whether an autograder is running this code: then figures render nothing heavy.

nbgrader sets ``NBGRADER_EXECUTION`` while it runs a submission; ``python -m
linreg_scratch.grade`` sets :data:`GRADING` in the kernel it starts.

>>> import os
>>> os.environ.pop(GRADING, None) and None
>>> grading() == bool(os.environ.get("NBGRADER_EXECUTION"))
True
"""

from __future__ import annotations

import os

GRADING = "LINREG_SCRATCH_GRADING"  # set to "1" by linreg_scratch.grade in its kernel


def grading() -> bool:
    """True while nbgrader or ``linreg_scratch.grade`` runs the notebook."""
    return bool(os.environ.get("NBGRADER_EXECUTION") or os.environ.get(GRADING))
