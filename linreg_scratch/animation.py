"""Watch mini-batch SGD: the path of ``w`` on the loss landscape, frame by frame.

Each frame shows the path so far on the contours of the loss over ``(w1, w2)``
(``b`` held at its least-squares value, drawn to scale), the step the current
mini-batch takes next to the step the full batch would take, and the loss curve
filling in. The frames are PNG images in a small HTML page with its own player
(no external files, works offline); ``.save`` writes that page or a GIF.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import os
from typing import Any

import torch

from . import _checks, lang
from .grading import grading
from .lang import text
from .record import Run, record_run
from .tutorial import BATCH_SIZE, LR, NUM_EPOCHS

#: ``.save`` writes these formats (no ffmpeg needed).
SUFFIXES = (".gif", ".html")


def frame_steps(num_points: int, frames: int) -> list[int]:
    """At most ``frames`` step indices spread evenly over ``0 .. num_points - 1``.

    The first and last points are always shown.

    >>> frame_steps(301, 4)
    [0, 100, 200, 300]
    >>> frame_steps(3, 60)
    [0, 1, 2]
    """
    if num_points <= frames:
        return list(range(num_points))
    if frames == 1:
        return [num_points - 1]
    return sorted({round(i * (num_points - 1) / (frames - 1)) for i in range(frames)})


class Scene:
    """The figure of one run: static background drawn once, moving parts updated.

    ``show(step)`` puts the figure in the state after ``step`` updates: the path
    up to there, the direction the next mini-batch moves ``w`` (orange arrow) and
    the direction of the full-batch gradient step (white arrow) from the current
    point, both at one fixed length, and the loss curve up to there.
    """

    def __init__(
        self,
        run: Run,
        features: torch.Tensor,
        labels: torch.Tensor,
        figsize: tuple[float, float] = (8.0, 3.4),
        dpi: int = 80,
    ) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.patches import FancyArrowPatch
        from matplotlib.ticker import FuncFormatter

        from .landscape import draw_loss_landscape

        self.run = run
        X = features.detach().double()
        y = labels.detach().double().reshape(-1, 1)
        # the full-batch gradient of the mean loss with respect to w at every point
        residuals = run.path @ X.T + run.bias[:, None] - y.T
        self.full_grad = residuals @ X / len(X)
        lang.apply_font()  # Chinese labels need a CJK font first in line
        self.fig = Figure(figsize=figsize, dpi=dpi)  # a fixed layout: one cheap first draw
        self.fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.86, wspace=0.45)
        self.canvas = FigureCanvasAgg(self.fig)
        ax_land, ax_loss = self.fig.subplots(1, 2, width_ratios=[1.15, 1])
        note = text(
            f"lr={run.lr:g}, batch size {run.batch_size}",
            f"lr={run.lr:g}，批量大小 {run.batch_size}",
        )
        if run.diverged:
            note += text(" - diverged", "，发散")
        draw_loss_landscape(
            ax_land, features, labels, run.path, note, equal_aspect=True, show_path=False
        )
        (self.path_line,) = ax_land.plot(
            [],
            [],
            ".-",
            color="orange",
            markersize=2,
            linewidth=0.8,
            label=text("SGD path", "SGD 路径"),
        )
        (self.point,) = ax_land.plot([], [], "o", color="orange", markeredgecolor="black")
        # no shrinking: matplotlib 3.7 can loop for ever clipping a shrunk arrow far off-axes
        style: dict[str, Any] = {"arrowstyle": "-|>", "mutation_scale": 10, "linewidth": 1.5}
        style |= {"shrinkA": 0, "shrinkB": 0}
        self.batch_arrow = FancyArrowPatch((0, 0), (0, 0), color="orange", **style)
        self.full_arrow = FancyArrowPatch((0, 0), (0, 0), color="white", **style)
        for arrow in (self.batch_arrow, self.full_arrow):
            ax_land.add_patch(arrow)
        # Directions only, at one fixed length: late steps are far too small to see.
        self.arrow_length = 0.15 * abs(ax_land.get_xlim()[1] - ax_land.get_xlim()[0])
        ax_land.plot([], [], color="orange", label=text("mini-batch direction", "小批量梯度的方向"))
        ax_land.plot([], [], color="white", label=text("full-batch direction", "全批量梯度的方向"))
        ax_land.legend(loc="lower left", fontsize=6, framealpha=0.8)
        if run.diverged:
            ax_land.plot(*run.path[-1].tolist(), "x", color="red", markersize=10, mew=2)

        steps = len(run.path) - 1
        ax_loss.set_xlim(0, max(steps, 1))
        low, high = float(run.losses.min()), float(run.losses.max())
        ax_loss.set_ylim(max(low, 1e-12) / 2, high * 2)
        ax_loss.set_yscale("log")
        ax_loss.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0e}"))
        ax_loss.set_xlabel(text("step (mini-batch updates)", "步数（小批量更新次数）"))
        ax_loss.set_ylabel(text("mean squared loss (all data)", "均方损失（全部数据）"))
        ax_loss.grid(True, alpha=0.3)
        per_epoch = (run.epochs == 1).sum().item() if steps else 0
        for e in range(1, run.num_epochs):
            if per_epoch and e * per_epoch < steps:
                ax_loss.axvline(e * per_epoch, color="gray", linewidth=0.6, linestyle=":")
        if run.diverged:
            ax_loss.set_title(text("diverged: ", "发散：") + run.diverged, fontsize=7, color="red")
        (self.loss_line,) = ax_loss.plot([], [], "-", color="tab:blue", linewidth=1)
        (self.loss_point,) = ax_loss.plot([], [], "o", color="tab:blue", markersize=4)
        self.moving = [
            self.path_line,
            self.point,
            self.batch_arrow,
            self.full_arrow,
            self.loss_line,
            self.loss_point,
        ]
        for artist in self.moving:
            artist.set_animated(True)
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)

    def show(self, step: int) -> None:
        """Set the moving artists to the state after ``step`` updates."""
        run = self.run
        path = run.path[: step + 1].numpy()
        here = path[-1]
        self.path_line.set_data(path[:, 0], path[:, 1])
        self.point.set_data([here[0]], [here[1]])
        if step + 1 < len(run.path):  # the way the next mini-batch moves w
            self._point_arrow(self.batch_arrow, here, run.path[step + 1].numpy() - here)
        else:
            self.batch_arrow.set_visible(False)
        self._point_arrow(self.full_arrow, here, -self.full_grad[step].numpy())
        self.loss_line.set_data(range(step + 1), run.losses[: step + 1].numpy())
        self.loss_point.set_data([step], [float(run.losses[step])])

    def _point_arrow(self, arrow, start, direction) -> None:
        import numpy as np

        norm = float(np.hypot(*direction))
        arrow.set_visible(norm > 0)
        if norm > 0:
            end = start + self.arrow_length * direction / norm
            arrow.set_positions(tuple(start), tuple(end))

    def render(self, step: int):
        """The frame after ``step`` updates as an RGB ``PIL.Image`` (blitted)."""
        from PIL import Image

        self.show(step)
        self.canvas.restore_region(self.background)
        for artist in self.moving:
            artist.axes.draw_artist(artist)
        buffer = self.canvas.buffer_rgba()
        return Image.frombuffer("RGBA", self.canvas.get_width_height(), buffer).convert("RGB")

    def draw(self):
        """The figure with the moving artists drawn normally (for a static picture)."""
        for artist in self.moving:
            artist.set_animated(False)
        return self.fig


class SGDAnimation:
    """Frames of an SGD run with a play/pause/step player.

    In Jupyter (and on a static page) it shows itself through ``_repr_html_``;
    ``save("run.gif")`` or ``save("run.html")`` writes it to a file. ``steps[k]``
    is the number of updates shown in frame ``k`` and ``drawn[k]: (steps[k] + 1, 2)``
    the path of ``w`` drawn in it.
    """

    _counter = itertools.count()

    def __init__(self, run: Run, steps: list[int], images: list, drawn: list) -> None:
        self.run, self.steps, self.images, self.drawn = run, steps, images, drawn
        self._png: list[bytes] | None = None
        self._paletted: list | None = None

    def __len__(self) -> int:
        return len(self.images)

    def __repr__(self) -> str:
        return f"<SGDAnimation: {len(self)} frames of {len(self.run.path) - 1} SGD steps>"

    def _indexed(self) -> list:
        """The frames in one shared palette of 256 colours (taken from the last frame)."""
        if self._paletted is None:
            palette = self.images[-1].quantize(256)
            self._paletted = [im.quantize(palette=palette, dither=0) for im in self.images]
        return self._paletted

    def png_frames(self) -> list[bytes]:
        """Every frame as PNG bytes (256 colours, so a page of 60 frames stays small)."""
        if self._png is None:
            self._png = []
            for image in self._indexed():
                out = io.BytesIO()
                image.save(out, "PNG")
                self._png.append(out.getvalue())
        return self._png

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self, interval: int = 150) -> str:
        """An HTML fragment: the frames and a small player (play/pause, step, slider)."""
        frames = [
            "data:image/png;base64," + base64.b64encode(p).decode() for p in self.png_frames()
        ]
        digest = hashlib.sha1("".join(frames[:3]).encode()).hexdigest()[:10]
        uid = f"linreg-sgd-{digest}-{next(self._counter)}"
        label = html.escape(text("SGD animation", "SGD 动画"))
        play, pause = text("play", "播放"), text("pause", "暂停")
        return _PLAYER.format(
            uid=uid,
            label=label,
            first=frames[0],
            count=len(frames),
            last=len(frames) - 1,
            frames=json.dumps(frames),
            interval=int(interval),
            play=json.dumps(play),
            pause=json.dumps(pause),
            play_html=html.escape(play),
        )

    def save(self, path: str | os.PathLike, interval: int = 150) -> None:
        """Write a ``.gif`` (looping, ``interval`` ms a frame) or a standalone ``.html`` page."""
        suffix = animation_suffix(path)
        if suffix == ".gif":
            first, *rest = self._indexed()
            first.save(path, save_all=True, append_images=rest, duration=int(interval), loop=0)
        else:
            page = (
                "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
                f"<title>{html.escape(text('SGD animation', 'SGD 动画'))}</title></head>"
                f"<body>\n{self.to_html(interval)}\n</body></html>\n"
            )
            with open(path, "w", encoding="utf-8") as f:
                f.write(page)


def animation_suffix(path: str | os.PathLike) -> str:
    """The suffix of ``path`` if an animation can be saved there; else a ValueError."""
    path = _checks.file_path("path", path, SUFFIXES, "'sgd.gif'")
    return os.path.splitext(path)[1].lower()


def animate_sgd(
    features: torch.Tensor,
    labels: torch.Tensor,
    *,
    lr: float = LR,
    batch_size: int = BATCH_SIZE,
    num_epochs: int = NUM_EPOCHS,
    generator: torch.Generator | None = None,
    frames: int = 60,
) -> SGDAnimation:
    """Animate mini-batch SGD on two features: the path of ``w`` and the loss, step by step.

    ``features: (n, 2)``, ``labels: (n, 1)`` or ``(n,)``. Trains linreg with
    :func:`train` from :func:`init_params` (both through ``generator``) and
    records every update; a long run is shown in at most ``frames`` frames spread
    evenly over it (only the last while an autograder runs: :func:`~.grading.grading`).
    A run that diverges is shown up to its last finite point.

    Example:

    >>> from linreg_scratch import synthetic_data
    >>> gen = torch.Generator().manual_seed(0)
    >>> features, labels = synthetic_data([2, -3.4], 4.2, 100, generator=gen)
    >>> anim = animate_sgd(features, labels, frames=5, generator=gen)
    >>> anim.steps, anim.drawn[-1].shape
    ([0, 8, 15, 22, 30], (31, 2))
    """
    frames = _checks.scalar("frames", frames, int, low=1)
    if grading():  # an autograder shows the frames to no one: draw only the last
        frames = 1
    _checks.two_features(_checks.tensor("features", features, ndim=2), "the animation")
    run = record_run(
        features, labels, lr=lr, batch_size=batch_size, num_epochs=num_epochs, generator=generator
    )
    scene = Scene(run, features, labels)
    steps = frame_steps(len(run.path), frames)
    images, drawn = [], []
    for step in steps:
        images.append(scene.render(step))
        drawn.append(scene.path_line.get_xydata().copy())
    return SGDAnimation(run, steps, images, drawn)


_PLAYER = """<div id="{uid}" class="linreg-sgd-player" role="figure" aria-label="{label}">
<img class="linreg-sgd-frame" src="{first}" alt="{label}" data-frame="0" style="max-width:100%">
<div class="linreg-sgd-controls" style="font:13px sans-serif">
<button type="button" class="linreg-sgd-back">&#9664;&#9646;</button>
<button type="button" class="linreg-sgd-play">{play_html}</button>
<button type="button" class="linreg-sgd-next">&#9646;&#9654;</button>
<input type="range" class="linreg-sgd-slider" min="0" max="{last}" value="0" style="width:40%">
<span class="linreg-sgd-count">1 / {count}</span>
</div></div>
<script>
(function () {{
  var root = document.getElementById("{uid}");
  if (!root) return;
  var frames = {frames};
  var img = root.querySelector(".linreg-sgd-frame");
  var slider = root.querySelector(".linreg-sgd-slider");
  var count = root.querySelector(".linreg-sgd-count");
  var button = root.querySelector(".linreg-sgd-play");
  var k = 0, timer = null;
  function show(i) {{
    k = (i + frames.length) % frames.length;
    img.src = frames[k];
    img.setAttribute("data-frame", k);
    slider.value = k;
    count.textContent = (k + 1) + " / " + frames.length;
  }}
  function stop() {{
    if (timer) clearInterval(timer);
    timer = null;
    button.textContent = {play};
  }}
  button.onclick = function () {{
    if (timer) {{ stop(); return; }}
    if (k === frames.length - 1) show(0);
    button.textContent = {pause};
    timer = setInterval(function () {{
      if (k === frames.length - 1) {{ stop(); return; }}
      show(k + 1);
    }}, {interval});
  }};
  root.querySelector(".linreg-sgd-back").onclick = function () {{ stop(); show(k - 1); }};
  root.querySelector(".linreg-sgd-next").onclick = function () {{ stop(); show(k + 1); }};
  slider.oninput = function () {{ stop(); show(parseInt(slider.value, 10)); }};
}})();
</script>"""
