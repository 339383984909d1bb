"""Sliders for lr, batch size, epochs and seed that re-run SGD and redraw its path.

Needs ``ipywidgets`` (``pip install "linreg-scratch[interactive]"``) and a live
Jupyter kernel for the sliders to respond; it is imported only when
:func:`explore` is called.
"""

from __future__ import annotations

from typing import cast

import torch

from . import _checks, tutorial
from .animation import Scene
from .lang import text
from .plot import _in_notebook
from .record import Run, record_run


def _widgets():
    try:
        import ipywidgets
    except ImportError as err:
        raise ImportError(
            text(
                'explore needs ipywidgets: pip install "linreg-scratch[interactive]" '
                "(or pip install ipywidgets), then restart the kernel",
                'explore 需要 ipywidgets：请运行 pip install "linreg-scratch[interactive]"'
                "（或 pip install ipywidgets），然后重启内核",
            )
        ) from err
    return ipywidgets


class Explorer:
    """The sliders of :func:`explore`, the figure they redraw, and the last run.

    ``sliders`` maps ``"lr"``, ``"batch_size"``, ``"num_epochs"`` and ``"seed"`` to
    their widgets; changing a slider's ``value`` (by hand or from code) re-runs
    training. ``run`` is the latest :class:`~linreg_scratch.animation.Run`,
    ``runs`` counts the runs made and ``widget`` is the box a notebook shows.
    """

    def __init__(self, features: torch.Tensor, labels: torch.Tensor) -> None:
        widgets = _widgets()
        self.features, self.labels = features, labels
        style = {"description_width": "initial"}
        self.sliders = {
            "lr": widgets.FloatLogSlider(
                value=tutorial.LR,
                base=10,
                min=-3,
                max=0.5,
                step=0.05,
                description="lr",
                readout_format=".3g",
                continuous_update=False,
                style=style,
            ),
            "batch_size": widgets.IntSlider(
                value=min(tutorial.BATCH_SIZE, len(features)),
                min=1,
                max=len(features),
                description=text("batch size", "批量大小"),
                continuous_update=False,
                style=style,
            ),
            "num_epochs": widgets.IntSlider(
                value=tutorial.NUM_EPOCHS,
                min=1,
                max=10,
                description=text("epochs", "迭代周期"),
                continuous_update=False,
                style=style,
            ),
            "seed": widgets.IntSlider(
                value=0,
                min=0,
                max=20,
                description=text("seed", "随机种子"),
                continuous_update=False,
                style=style,
            ),
        }
        self.status = widgets.HTML()
        self.output = widgets.Output()
        self.widget = widgets.VBox(
            [
                widgets.HBox(list(self.sliders.values())[:2]),
                widgets.HBox(list(self.sliders.values())[2:]),
                self.status,
                self.output,
            ]
        )
        self.run: Run | None = None
        self.runs = 0
        for slider in self.sliders.values():
            slider.observe(self._on_change, names="value")
        self.refresh()

    def _on_change(self, change) -> None:
        self.refresh()

    def update(self, **values: float) -> Run:
        """Set some sliders (``lr=0.1, batch_size=50``), train once, return the new run."""
        _checks.known("setting(s)", values, self.sliders)
        for name, value in values.items():  # set them all, then train once
            slider = self.sliders[name]
            slider.unobserve(self._on_change, names="value")
            try:
                slider.value = value
            finally:
                slider.observe(self._on_change, names="value")
        return self.refresh()

    def settings(self) -> dict:
        """The current slider values."""
        return {name: slider.value for name, slider in self.sliders.items()}

    def refresh(self) -> Run:
        """Train with the current slider values and redraw the figure."""
        s = self.settings()
        gen = torch.Generator().manual_seed(int(s["seed"]))
        self.run = record_run(
            self.features,
            self.labels,
            lr=float(s["lr"]),
            batch_size=int(s["batch_size"]),
            num_epochs=int(s["num_epochs"]),
            generator=gen,
        )
        self.runs += 1
        self.status.value = self.describe()
        self._draw()
        return self.run

    def describe(self) -> str:
        """One line about the latest run: the final loss, or where it diverged."""
        run = cast(Run, self.run)  # set by refresh(), which __init__ calls
        steps = len(run.path) - 1
        if run.diverged:
            return (
                "<b style='color:#c00'>"
                + text("diverged: ", "发散：")
                + run.diverged
                + text(
                    f" (the red cross marks the last finite point, after {steps} steps)",
                    f"（红叉是发散前最后一个有限的点，在第 {steps} 步之后）",
                )
                + "</b>"
            )
        final = float(run.losses[-1])
        return text(
            f"final loss {final:.3g} after {steps} steps",
            f"{steps} 步之后的损失为 {final:.3g}",
        )

    def _draw(self) -> None:
        import io

        from IPython.display import Image, display

        run = cast(Run, self.run)  # set by refresh(), which __init__ calls
        scene = Scene(run, self.features, self.labels, dpi=90)
        scene.show(len(run.path) - 1)
        buffer = io.BytesIO()
        scene.draw().savefig(buffer, format="png")
        self.png = buffer.getvalue()
        if _in_notebook():  # outside a kernel there is no output area to draw into
            with self.output:
                self.output.clear_output(wait=True)
                display(Image(data=self.png))

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        """The widget for a live Jupyter frontend; a still picture for a page without one."""
        import base64

        still = (
            f"<p>{self.describe()}</p><img alt='SGD' src='data:image/png;base64,"
            f"{base64.b64encode(self.png).decode()}'><p><i>"
            + text(
                "(the sliders respond in a live Jupyter kernel)",
                "（在运行中的 Jupyter 内核里，滑块才能响应）",
            )
            + "</i></p>"
        )
        return {
            "text/plain": repr(self),
            "text/html": still,
            "application/vnd.jupyter.widget-view+json": {
                "version_major": 2,
                "version_minor": 0,
                "model_id": self.widget.model_id,
            },
        }

    def __repr__(self) -> str:
        return f"<Explorer {self.settings()}>"


def explore(features: torch.Tensor | None = None, labels: torch.Tensor | None = None) -> Explorer:
    """Sliders for ``lr`` (log scale), batch size, epochs and seed over the SGD path.

    ``features: (n, 2)``, ``labels: (n, 1)`` or ``(n,)``; without them the
    tutorial's data (``w = [2, -3.4]``, ``b = 4.2``, 1000 examples, seed 0).
    Moving a slider re-trains and redraws the path on the landscape and the loss
    curve; a run that diverges is marked in red where it left the finite numbers.
    Needs ``ipywidgets``; shows itself in Jupyter.

    Example:

    >>> explorer = explore()  # doctest: +SKIP
    >>> explorer.sliders["lr"].value = 0.5  # doctest: +SKIP
    """
    _checks.both_or_neither("features", features, "labels", labels)
    _widgets()
    if features is None or labels is None:  # both None, checked above
        features, labels = tutorial.tutorial_data(torch.Generator().manual_seed(0))
    _checks.examples(features, labels)
    _checks.two_features(features, "explore")
    return Explorer(features, labels)
