"""Figure plumbing shared by the plotting modules: a Figure outside pyplot,
saving it, and telling whether we run in a Jupyter kernel. matplotlib and
IPython are imported inside the functions, so importing this module is cheap."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import _checks, lang

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _ipython():
    """The running IPython shell, or None (without importing IPython)."""
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython

    return get_ipython()


def _in_notebook() -> bool:
    """True inside a Jupyter kernel, where figures can be drawn inline."""
    shell = _ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def new_figure(figsize: Sequence[float] | None = None) -> Figure:
    """A matplotlib ``Figure`` that is not registered with pyplot.

    Returning it from a notebook cell shows it once; ``fig.savefig(path)`` writes
    it from a script. No pyplot state is touched.
    """
    if figsize is not None:
        figsize = _checks.figsize("figsize", figsize)
    if _ipython() is not None:
        # Loading pyplot in a kernel activates the inline backend, which
        # registers the display formatters that render a returned Figure.
        import matplotlib.pyplot  # noqa: F401
    from matplotlib.figure import Figure

    lang.apply_font()  # Chinese labels need a CJK font first in line
    return Figure(figsize=figsize, layout="constrained")


def save_figure(fig: Figure, path: str | os.PathLike) -> None:
    """Save ``fig`` to ``path``; the format follows the suffix (.svg, .png, .pdf)."""
    fig.savefig(_checks.figure_path("path", path))
