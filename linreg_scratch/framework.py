"""The object-style training framework of d2l-en 1.x (chapter 3), on this package's parts.

A model is a :class:`Module` (``forward``, ``loss``, ``configure_optimizers``), data is
a :class:`DataModule` (``train_dataloader``, ``val_dataloader``) and a :class:`Trainer`
runs the loop and reports the losses on a :class:`ProgressBoard`. The linear-regression
pieces reuse the chapter's own functions: :class:`SyntheticRegressionData` draws with
``synthetic_data``, :class:`LinearRegressionScratch` predicts with ``linreg`` and
averages ``squared_loss``, and :class:`SGD` steps with ``sgd``.

Names, signatures and attribute names follow the book, so the book's own cells that
patch these classes with ``add_to_class`` (``fit_epoch``, ``get_tensorloader``, ...)
keep working.

Example (the book's section 3.4, trained a little longer, its board kept quiet):

>>> _ = torch.manual_seed(0)
>>> model = LinearRegressionScratch(2, lr=0.03)
>>> model.board.display = False
>>> data = SyntheticRegressionData(w=torch.tensor([2, -3.4]), b=4.2)
>>> Trainer(max_epochs=10).fit(model, data)
>>> bool((model.w.detach().reshape(-1) - data.w).abs().max() < 0.01)
True
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable, Iterable, Sequence
from types import FrameType
from typing import TYPE_CHECKING, Any, SupportsFloat, cast

import torch
from torch import nn

from . import _checks
from .data import load_array, synthetic_data
from .divergence import DivergenceError
from .lang import text
from .loss import squared_loss
from .model import linreg
from .optim import sgd
from .plot import Animator, _axes_settings

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def add_to_class(Class: type) -> Callable:
    """Decorator: attach the decorated function to ``Class`` as a method of the same name.

    >>> class A: ...
    >>> @add_to_class(A)
    ... def twice(self, x):
    ...     return 2 * x
    >>> A().twice(21)
    42
    """

    def wrapper(obj):
        setattr(Class, obj.__name__, obj)
        return obj

    return wrapper


class HyperParameters:
    """Base class whose ``save_hyperparameters()`` stores the caller's ``__init__`` arguments.

    >>> class B(HyperParameters):
    ...     def __init__(self, a, b, c):
    ...         self.save_hyperparameters(ignore=["c"])
    >>> b = B(1, 2, 3)
    >>> b.a, b.b, hasattr(b, "c"), b.hparams
    (1, 2, False, {'a': 1, 'b': 2})
    """

    hparams: dict[str, Any]

    def save_hyperparameters(self, ignore: Sequence[str] = ()) -> None:
        """Set ``self.<name> = <value>`` for every argument of the calling ``__init__``.

        Names in ``ignore``, ``self`` and names starting with ``_`` (such as the
        ``__class__`` cell that ``super()`` adds) are left out. ``self.hparams`` keeps
        the saved ones as a dict.
        """
        frame = cast(FrameType, cast(FrameType, inspect.currentframe()).f_back)
        skip = {"self", *ignore}
        self.hparams = {
            k: v for k, v in frame.f_locals.items() if k not in skip and not k.startswith("_")
        }
        for k, v in self.hparams.items():
            setattr(self, k, v)


class ProgressBoard(HyperParameters):
    """Lines of points that grow as training goes: a live figure in Jupyter, text elsewhere.

    ``draw(x, y, label, every_n)`` collects points per ``label`` and adds their mean
    as one point once ``every_n`` have arrived. The board draws through a
    :class:`~linreg_scratch.plot.Animator` (one line per ``label``, styled by ``ls`` and
    ``colors``): in a Jupyter kernel the figure is redrawn in place (through a display
    handle, so other output of the cell stays); in a terminal or script each new point
    is printed as ``xlabel x: label y``. With ``display=False`` it only records
    (``board.data[label]`` holds the points; they are drawn with the next point shown);
    ``board.rendered`` counts the points per line in the figure last drawn. The settings
    (``xlabel``, ``xlim``, ...) may be changed between points, as ``Trainer`` does.

    >>> board = ProgressBoard("x")
    >>> for x in range(4):
    ...     board.draw(x, x * x, "square", every_n=2)
    x 0.5: square 0.5
    x 2.5: square 6.5
    """

    # Set by save_hyperparameters() from the __init__ arguments (declared for type checkers).
    xlabel: str | None
    ylabel: str | None
    xlim: Sequence[float] | None
    ylim: Sequence[float] | None
    xscale: str
    yscale: str
    ls: Sequence[str]
    colors: Sequence[str]
    fig: Figure | None
    axes: Axes | None
    figsize: tuple[float, float]
    display: bool

    def __init__(
        self,
        xlabel: str | None = None,
        ylabel: str | None = None,
        xlim: Sequence[float] | None = None,
        ylim: Sequence[float] | None = None,
        xscale: str = "linear",
        yscale: str = "linear",
        ls: str | Sequence[str] = ("-", "--", "-.", ":"),
        colors: str | Sequence[str] = ("C0", "C1", "C2", "C3"),
        fig=None,
        axes=None,
        figsize: Sequence[float] = (3.5, 2.5),
        display: bool = True,
    ) -> None:
        _axes_settings(xlabel, ylabel, xlim, ylim, xscale, yscale)  # bad ones fail now
        ls = _checks.str_list("ls", ls)  # one string is one style, not one per character
        colors = _checks.str_list("colors", colors)
        figsize = _checks.figsize("figsize", figsize)
        self.save_hyperparameters()
        self.raw_points: dict[str, list[tuple[float, float]]] = {}
        self.data: dict[str, list[tuple[float, float]]] = {}
        self._animator: Animator | None = None  # made when the first point is shown

    @property
    def rendered(self) -> dict[str, int]:
        """The number of points per line in the figure on screen."""
        anim = self._animator
        return {} if anim is None else dict(zip(anim.legend or [], anim.drawn, strict=False))

    def draw(self, x: SupportsFloat, y: SupportsFloat, label: str, every_n: int = 1) -> None:
        """Add the point ``(x, y)`` to the line ``label``; plot the mean of every ``every_n``."""
        every_n = _checks.scalar("every_n", every_n, int, low=1)
        label = _checks.line_name("label", label)
        points = self.raw_points.setdefault(label, [])
        line = self.data.setdefault(label, [])
        points.append((float(x), float(y)))
        if len(points) < every_n:
            return
        mean_x = sum(p[0] for p in points) / len(points)
        mean_y = sum(p[1] for p in points) / len(points)
        line.append((mean_x, mean_y))
        points.clear()
        if self.display:
            self._show()

    def _show(self) -> None:
        """Hand the animator every point it has not had yet, with the board's settings."""
        if self._animator is None:
            self._animator = Animator(
                ls=self.ls, colors=self.colors, fig=self.fig, axes=self.axes, figsize=self.figsize
            )
        anim = self._animator
        settings = _axes_settings(
            self.xlabel or "x", self.ylabel, self.xlim, self.ylim, self.xscale, self.yscale
        )
        anim.xlabel, anim.ylabel, anim.xlim, anim.ylim, anim.xscale, anim.yscale = settings
        anim.ls, anim.colors = (
            _checks.str_list("ls", self.ls),
            _checks.str_list("colors", self.colors),
        )
        names = anim.legend or []
        for label, line in self.data.items():
            done = len(anim.X[names.index(label)]) if label in names else 0
            for px, py in line[done:]:
                anim.add(px, py, label=label)
        self.fig = anim.fig


class Module(nn.Module, HyperParameters):
    """Base class of the models: ``forward``, ``loss``, ``configure_optimizers``.

    ``training_step``/``validation_step`` compute the loss of one batch and put it on
    ``self.board``: ``plot_train_per_epoch`` training points and
    ``plot_valid_per_epoch`` validation points per epoch.
    """

    # Set by save_hyperparameters(), by subclasses (lr, net) and by Trainer.fit (trainer).
    plot_train_per_epoch: int
    plot_valid_per_epoch: int
    lr: float
    net: nn.Module
    trainer: Trainer

    def __init__(self, plot_train_per_epoch: int = 2, plot_valid_per_epoch: int = 1) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.board = ProgressBoard()

    def loss(self, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        if not hasattr(self, "net"):
            name = type(self).__name__
            raise NotImplementedError(
                text(
                    f"{name} has no self.net: define forward() or set self.net",
                    f"{name} 没有 self.net：请定义 forward() 或设置 self.net",
                )
            )
        return self.net(X)

    def plot(self, key: str, value: torch.Tensor, train: bool) -> None:
        """Put one loss value on the board, at a fractional epoch while training."""
        if not hasattr(self, "trainer"):
            raise RuntimeError(
                text(
                    "plot() needs a trainer: call Trainer.fit(model, data) first",
                    "plot() 需要 trainer：请先调用 Trainer.fit(model, data)",
                )
            )
        self.board.xlabel = "epoch"
        trainer = self.trainer
        if train:
            x = trainer.train_batch_idx / trainer.num_train_batches
            n = trainer.num_train_batches / self.plot_train_per_epoch
        else:
            x = trainer.epoch + 1
            n = trainer.num_val_batches / self.plot_valid_per_epoch
        value = value.detach().to("cpu")
        self.board.draw(x, value, ("train_" if train else "val_") + key, every_n=max(1, int(n)))

    def training_step(self, batch: Sequence[torch.Tensor]) -> torch.Tensor:
        loss = self.loss(self(*batch[:-1]), batch[-1])
        self.plot("loss", loss, train=True)
        return loss

    def validation_step(self, batch: Sequence[torch.Tensor]) -> None:
        loss = self.loss(self(*batch[:-1]), batch[-1])
        self.plot("loss", loss, train=False)

    def configure_optimizers(self):
        """Plain ``torch.optim.SGD`` over the module's parameters with ``self.lr``."""
        if not hasattr(self, "lr"):  # nn.Module's own error would not say where lr comes from
            name = type(self).__name__
            raise AttributeError(
                text(
                    f"{name} has no self.lr: take lr in __init__ and call "
                    f"self.save_hyperparameters() there (or set self.lr = lr)",
                    f"{name} 没有 self.lr：请在 __init__ 中接收 lr 并调用 "
                    f"self.save_hyperparameters()（或设置 self.lr = lr）",
                )
            )
        return torch.optim.SGD(self.parameters(), lr=self.lr)

    def apply_init(self, inputs: Sequence[torch.Tensor], init: Callable | None = None) -> None:
        """Run ``forward`` once (materialising lazy layers), then ``self.net.apply(init)``."""
        self.forward(*inputs)
        if init is not None:
            self.net.apply(init)


#: the default ``indices`` of ``DataModule.get_tensorloader``: every row
_EVERY_ROW = slice(0, None)


class DataModule(HyperParameters):
    """Base class of the data: ``get_dataloader(train)`` gives the batches of one pass."""

    # Set by save_hyperparameters(); batch_size by the subclasses that batch.
    root: str
    num_workers: int
    batch_size: int

    def __init__(self, root: str = "../data", num_workers: int = 4) -> None:
        self.save_hyperparameters()

    def get_dataloader(self, train: bool):
        raise NotImplementedError

    def train_dataloader(self):
        return self.get_dataloader(train=True)

    def val_dataloader(self):
        return self.get_dataloader(train=False)

    def get_tensorloader(
        self, tensors: Sequence[torch.Tensor], train: bool, indices: slice = _EVERY_ROW
    ) -> torch.utils.data.DataLoader:
        """Batches of ``self.batch_size`` rows of ``tensors[indices]``, shuffled when ``train``."""
        return load_array(tuple(t[indices] for t in tensors), self.batch_size, is_train=train)


class Trainer(HyperParameters):
    """Fits a :class:`Module` to a :class:`DataModule` for ``max_epochs`` passes.

    Each step: ``loss = model.training_step(batch)``, ``optim.zero_grad()``,
    ``loss.backward()``, optional clipping of the gradient norm to
    ``gradient_clip_val``, ``optim.step()``; after each epoch the validation batches
    are put on the board. ``num_gpus`` GPUs are used when there are that many
    (the first one only); on a machine without, it trains on the CPU.
    """

    # Set by save_hyperparameters() from the __init__ arguments.
    max_epochs: int
    num_gpus: int
    gradient_clip_val: float

    def __init__(self, max_epochs: int, num_gpus: int = 0, gradient_clip_val: float = 0) -> None:
        max_epochs = _checks.scalar("max_epochs", max_epochs, int, low=1)
        num_gpus = _checks.scalar("num_gpus", num_gpus, int, low=0)
        gradient_clip_val = _checks.scalar("gradient_clip_val", gradient_clip_val, float, low=0)
        self.save_hyperparameters()
        available = torch.cuda.device_count() if num_gpus else 0
        self.gpus = [torch.device(f"cuda:{i}") for i in range(min(num_gpus, available))]

    def prepare_data(self, data: DataModule) -> None:
        self.train_dataloader = data.train_dataloader()
        self.val_dataloader = data.val_dataloader()
        self.num_train_batches = len(self.train_dataloader)
        self.num_val_batches = len(self.val_dataloader) if self.val_dataloader is not None else 0

    def prepare_model(self, model: Module) -> None:
        model.trainer = self
        model.board.xlim = [0, self.max_epochs]
        if self.gpus:
            model.to(self.gpus[0])
        self.model = model

    def prepare_batch(self, batch):
        if self.gpus:
            batch = [a.to(self.gpus[0]) for a in batch]
        return batch

    def fit(self, model: Module, data: DataModule) -> None:
        """Train ``model`` on ``data`` for ``max_epochs`` epochs (``fit_epoch`` each).

        After each epoch, a parameter or a training loss on the board that is no longer
        finite stops the run with a :class:`~linreg_scratch.DivergenceError` that names
        the epoch and the learning rate, instead of plotting NaN from then on.
        """
        _checks.model_and_data(model, data)
        self.prepare_data(data)
        self.prepare_model(model)
        self.optim = model.configure_optimizers()
        self.epoch = 0
        self.train_batch_idx = 0
        self.val_batch_idx = 0
        for epoch in range(self.max_epochs):
            self.epoch = epoch
            self.fit_epoch()  # the book's cells may replace it: checked after, not inside
            self._refuse_divergence(epoch)

    def _refuse_divergence(self, epoch: int) -> None:
        """Raise DivergenceError if the model's parameters or its training losses on the
        board (every ``train_`` line, pending points included) are not all finite."""
        board = self.model.board
        losses = [
            y
            for points in (board.data, board.raw_points)
            for label, line in points.items()
            if label.startswith("train_")
            for _, y in line
        ]
        bad_loss = next((y for y in losses if not math.isfinite(y)), None)
        params = [p.detach() for p in self.model.parameters()]
        bad_params = [p for p in params if not bool(torch.isfinite(p).all())]
        lr = _learning_rate(self.model, self.optim)
        if (bad_loss is None and not bad_params) or lr is None:
            return
        if bad_loss is not None:
            kind = "NaN" if math.isnan(bad_loss) else "inf"
            reason = text(
                f"the training loss became {kind} in epoch {epoch + 1}",
                f"训练损失在第 {epoch + 1} 个迭代周期变成了 {kind}",
            )
        else:
            kind = "NaN" if any(bool(p.isnan().any()) for p in bad_params) else "inf"
            reason = text(
                f"the parameters became {kind} in epoch {epoch + 1}",
                f"参数在第 {epoch + 1} 个迭代周期变成了 {kind}",
            )
        raise DivergenceError(
            reason,
            lr,
            epoch=epoch + 1,
            batch=None,
            losses=[y for y in losses if math.isfinite(y)],
            params_finite=not bad_params,
        )

    def fit_epoch(self) -> None:
        self.model.train()
        for batch in self.train_dataloader:
            loss = self.model.training_step(self.prepare_batch(batch))
            self.optim.zero_grad()
            loss.backward()
            if self.gradient_clip_val > 0:
                self.clip_gradients(self.gradient_clip_val, self.model)
            self.optim.step()
            self.train_batch_idx += 1
        if self.val_dataloader is None:
            return
        self.model.eval()
        for batch in self.val_dataloader:
            with torch.no_grad():
                self.model.validation_step(self.prepare_batch(batch))
            self.val_batch_idx += 1

    def clip_gradients(self, grad_clip_val: float, model: nn.Module) -> None:
        """Scale all gradients down together so their joint L2 norm is at most ``grad_clip_val``."""
        params = [p for p in model.parameters() if p.requires_grad and p.grad is not None]
        if not params:
            return
        grads = [cast(torch.Tensor, p.grad) for p in params]  # not None: filtered above
        norm = torch.sqrt(cast(torch.Tensor, sum(torch.sum(g**2) for g in grads)))
        if norm > grad_clip_val:
            with torch.no_grad():
                for g in grads:
                    g *= grad_clip_val / norm  # in place: g is p.grad itself


def _learning_rate(model: nn.Module, optim: object) -> float | None:
    """``model.lr`` (the books' models keep it), else the optimiser's first group's, else None."""
    lr = getattr(model, "lr", None)
    if lr is None:
        groups = getattr(optim, "param_groups", None) or [{}]
        lr = groups[0].get("lr")
    return float(lr) if isinstance(lr, numbers.Real) else None


class SyntheticRegressionData(DataModule):
    """``num_train + num_val`` examples of ``y = X w + b + noise`` (drawn by ``synthetic_data``).

    ``X: (n, len(w))``, ``y: (n, 1)``; the first ``num_train`` rows are the training
    set (shuffled batches of ``batch_size``), the rest the validation set.

    >>> data = SyntheticRegressionData(w=torch.tensor([2, -3.4]), b=4.2)
    >>> X, y = next(iter(data.train_dataloader()))
    >>> X.shape, y.shape, len(data.train_dataloader())
    (torch.Size([32, 2]), torch.Size([32, 1]), 32)
    """

    # Set by save_hyperparameters() from the __init__ arguments.
    w: torch.Tensor | Sequence[float]
    b: float
    noise: float
    num_train: int
    num_val: int

    def __init__(
        self,
        w: torch.Tensor | Sequence[float],
        b: float,
        noise: float = 0.01,
        num_train: int = 1000,
        num_val: int = 1000,
        batch_size: int = 32,
    ) -> None:
        super().__init__()
        num_train = _checks.scalar("num_train", num_train, int, low=1)
        num_val = _checks.scalar("num_val", num_val, int, low=0)
        batch_size = _checks.scalar("batch_size", batch_size, int, low=1)
        self.save_hyperparameters()
        self.X, self.y = synthetic_data(w, b, num_train + num_val, noise)

    def get_dataloader(self, train: bool):
        i = slice(0, self.num_train) if train else slice(self.num_train, None)
        return self.get_tensorloader((self.X, self.y), train, i)


class SGD(HyperParameters):
    """Minibatch SGD for a model whose loss is already a *mean* over the batch.

    ``step()`` is the package's ``sgd`` with ``batch_size=1``: ``param -= lr * param.grad``,
    and then (as ``sgd`` always does) ``param.grad`` is zeroed. ``zero_grad()`` zeroes
    the gradients too, for loops that call it before ``backward()``.
    """

    # Set by save_hyperparameters() from the __init__ arguments.
    params: list[torch.Tensor]
    lr: float

    def __init__(self, params: Iterable[torch.Tensor], lr: float) -> None:
        params = list(params)
        lr = _checks.scalar("lr", lr, float, low=0, include_low=False)
        self.save_hyperparameters()

    def step(self) -> None:
        sgd(self.params, self.lr, 1)

    def zero_grad(self) -> None:
        for param in self.params:
            if param.grad is not None:
                param.grad.zero_()


class LinearRegressionScratch(Module):
    """Linear regression from scratch: ``w: (num_inputs, 1)`` ~ N(0, sigma²) and ``b: (1,)`` = 0.

    ``forward`` is ``linreg(X, w, b)``, ``loss`` the mean of ``squared_loss``
    (``(y_hat - y)² / 2``), and the optimiser is :class:`SGD` with ``lr``.
    """

    def __init__(self, num_inputs: int, lr: float, sigma: float = 0.01) -> None:
        super().__init__()
        num_inputs = _checks.scalar("num_inputs", num_inputs, int, low=1)
        lr = _checks.scalar("lr", lr, float, low=0, include_low=False)
        sigma = _checks.scalar("sigma", sigma, float, low=0)
        self.save_hyperparameters()
        # Parameters (tensors with requires_grad), so .to(device) and clipping see them.
        self.w = nn.Parameter(torch.normal(0, sigma, (num_inputs, 1)))
        self.b = nn.Parameter(torch.zeros(1))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return linreg(X, self.w, self.b)

    def loss(self, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return squared_loss(y_hat, y).mean()

    def configure_optimizers(self) -> SGD:
        return SGD([self.w, self.b], self.lr)


class _LinearNormalInit(nn.LazyLinear):
    """``nn.LazyLinear`` that, once its input size is known, starts from N(0, 0.01²) and 0.

    Setting ``weight.data.normal_`` before the first call (as the book does) is lost,
    because the lazy layer re-initialises when it materialises; this does it then.
    """

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            with torch.no_grad():
                self.weight.normal_(0, 0.01)
                self.bias.zero_()


class LinearRegression(Module):
    """Linear regression with ``torch.nn``: lazy ``Linear(d, 1)``, ``MSELoss``, ``optim.SGD``."""

    net: _LinearNormalInit

    def __init__(self, lr: float) -> None:
        super().__init__()
        lr = _checks.scalar("lr", lr, float, low=0, include_low=False)
        self.save_hyperparameters()
        self.net = _LinearNormalInit(1)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.net(X)

    def loss(self, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return nn.functional.mse_loss(y_hat, y)

    def configure_optimizers(self) -> torch.optim.SGD:
        return torch.optim.SGD(self.parameters(), self.lr)

    def get_w_b(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The learned ``weight: (1, d)`` and ``bias: (1,)``."""
        return self.net.weight.data, self.net.bias.data
