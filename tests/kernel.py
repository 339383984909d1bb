"""Run notebooks in a fresh Jupyter kernel (shared by the notebook tests)."""

from __future__ import annotations

import json

import nbformat
from nbclient import NotebookClient


def execute(nb, cwd, timeout: int = 120):
    """Execute ``nb`` in a fresh ``python3`` kernel with ``cwd`` as working folder.

    The kernel is stopped at once when the last cell has run ("immediate"): a graceful
    shutdown waits seconds for a kernel that has imported torch to exit, and no test
    looks at how a kernel ends.
    """
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
        shutdown_kernel="immediate",
    )
    client.execute()
    return nb


def notebook(*sources: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
    return nb


def text_of(cell) -> str:
    """Everything a code cell printed or returned, as text."""
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif "data" in out and "text/plain" in out.data:
            parts.append(out.data["text/plain"])
    return "".join(parts)


def mime_types(cell) -> set[str]:
    return {m for out in cell.get("outputs", []) for m in out.get("data", {})}


def errors(nb) -> list[str]:
    return [
        json.dumps(o) for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"
    ]
