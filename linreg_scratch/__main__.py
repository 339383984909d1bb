"""``python -m linreg_scratch``: the chapter's experiment from the command line."""

from __future__ import annotations

import argparse
import sys

import torch

from . import _checks, cli, tutorial
from .data import synthetic_data
from .lang import language, text
from .loss import squared_loss
from .model import init_params, linreg
from .train import train
from .trajectory import Trajectory

TRUE_W, TRUE_B = list(tutorial.TRUE_W), tutorial.TRUE_B
#: Bounds that keep the data in memory: N * D float32 values (400 MB at most).
MAX_VALUES = 100_000_000
MAX_INPUTS = 100_000
_IN_MEMORY = "the data must fit in memory"


def build_parser() -> argparse.ArgumentParser:
    p = cli.Parser(
        prog="python -m linreg_scratch",
        description=text(
            "Generate y = Xw + b + noise, fit w and b with mini-batch SGD, "
            "and compare them with the truth (defaults: the tutorial's).",
            "生成 y = Xw + b + 噪声，用小批量随机梯度下降拟合 w 和 b，"
            "并与真实值比较（默认值与教程相同）。",
        ),
        epilog=text(
            "Teachers: python -m linreg_scratch.grade --help grades submitted notebooks.",
            "老师：python -m linreg_scratch.grade --help 可给提交的笔记本评分。",
        ),
    )
    p.add_argument(
        "--num-examples",
        type=cli.number("N", int, low=1, high=MAX_VALUES, why=_IN_MEMORY),
        default=tutorial.NUM_EXAMPLES,
        metavar="N",
    )
    p.add_argument(
        "--num-inputs",
        type=cli.number("D", int, low=1, high=MAX_INPUTS, why=_IN_MEMORY),
        default=2,
        metavar="D",
        help=text(
            "features per example; true w is [2, -3.4] for D=2, otherwise drawn from the seed",
            "每个样本的特征数；D=2 时真实 w 为 [2, -3.4]，否则由随机种子生成",
        ),
    )
    p.add_argument(
        "--noise",
        type=cli.number("NOISE", float, low=0, high=1e30, why="labels must fit in float32"),
        default=tutorial.NOISE,
    )
    p.add_argument(
        "--batch-size", type=cli.number("BATCH_SIZE", int, low=1), default=tutorial.BATCH_SIZE
    )
    p.add_argument(
        "--lr", type=cli.number("LR", float, low=0, include_low=False), default=tutorial.LR
    )
    p.add_argument(
        "--epochs",
        type=cli.number("EPOCHS", int, low=1),
        default=None,
        help=text("default: 3, or 30 for penguins", "默认值：3，penguins 数据为 30"),
    )
    p.add_argument(
        "--weight-decay",
        type=cli.number("LAMBDA", float, low=0),
        default=0.0,
        metavar="LAMBDA",
        help=text(
            "train with weight decay LAMBDA (the L2 penalty LAMBDA/2 ||w||^2) and print the "
            "exact ridge solution beside the learned weights",
            "用权重衰减 LAMBDA（L2 惩罚 LAMBDA/2 ||w||^2）训练，并在学到的权重旁打印精确的岭回归解",
        ),
    )
    p.add_argument(
        "--seed",
        type=cli.number("SEED", int, low=0, high=2**64 - 1, why="torch seeds are 64-bit"),
        default=0,
    )
    p.add_argument(
        "--plot",
        metavar="FILE",
        help=text(
            "save the loss curve and the fit (.svg, .png or .pdf)",
            "保存损失曲线和拟合结果图（.svg、.png 或 .pdf）",
        ),
    )
    p.add_argument(
        "--data",
        choices=["synthetic", "penguins"],
        default="synthetic",
        help=text(
            "penguins: body mass (g) from flipper and bill length (mm), real measurements, "
            "features standardised (needs pip install 'linreg-scratch[data]')",
            "penguins：由鳍长和喙长（mm）预测体重（g），真实测量数据，特征已标准化"
            "（需要 pip install 'linreg-scratch[data]'）",
        ),
    )
    p.add_argument(
        "--animate",
        metavar="FILE",
        help=text(
            "save an animation of the SGD path (.gif or .html; two inputs only)",
            "保存 SGD 路径的动画（.gif 或 .html；仅限两个输入）",
        ),
    )
    return p


def _true_weights(num_inputs: int, generator: torch.Generator) -> torch.Tensor:
    if num_inputs == 2:
        return torch.tensor(TRUE_W)
    # Other sizes: weights in [-4, 4] with one decimal, easy to read back.
    return ((torch.rand(num_inputs, generator=generator) * 8 - 4) * 10).round() / 10


def _fmt(values: torch.Tensor, limit: int = 6) -> str:
    items = [f"{v:.4f}" for v in values.tolist()[:limit]]
    more = ""
    if len(values) > limit:
        more = text(f", ... ({len(values)} in all)", f", ...（共 {len(values)} 个）")
    return "[" + ", ".join(items) + more + "]"


def _failed(err: Exception) -> int:
    """Say on stderr why the run could not go on (the diverged training, a missing extra)."""
    print(
        text("python -m linreg_scratch: ", "python -m linreg_scratch：") + str(err), file=sys.stderr
    )
    return 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    with language(cli.chosen_language(argv)):  # --language zh: the help and errors too
        parser = build_parser()
        args = parser.parse_args(argv)
    with language(args.language):
        return _run(args, parser)


def _run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.plot is not None:  # checked before training, not after it
        try:
            _checks.figure_path(text("--plot: file", "--plot"), args.plot)
        except (TypeError, ValueError) as err:
            parser.error(text(f"argument {err}", f"参数 {err}"))
    if args.data == "penguins":
        return _penguins(args, parser)
    args.epochs = tutorial.NUM_EPOCHS if args.epochs is None else args.epochs
    try:
        _checks.scalar(
            "N * D",
            args.num_examples * args.num_inputs,
            int,
            high=MAX_VALUES,
            why="the data must fit in memory",
        )
    except ValueError as err:
        parser.error(
            text(
                f"argument --num-examples/--num-inputs: {err}",
                f"参数 --num-examples/--num-inputs：{err}",
            )
        )
    if args.animate:
        from .animation import animation_suffix

        if args.weight_decay:
            parser.error(
                text(
                    "argument --animate: not with --weight-decay (the animation shows plain SGD)",
                    "参数 --animate：不能与 --weight-decay 同用（动画展示的是不带衰减的 SGD）",
                )
            )
        if args.num_inputs != 2:
            parser.error(
                text(
                    "argument --animate: needs --num-inputs 2 (a landscape over w1, w2)",
                    "参数 --animate：需要 --num-inputs 2（画的是 w1、w2 上的损失曲面）",
                )
            )
        try:
            animation_suffix(args.animate)
        except (TypeError, ValueError) as err:
            parser.error(text(f"argument --animate: {err}", f"参数 --animate：{err}"))
    gen = torch.Generator().manual_seed(args.seed)
    true_w = _true_weights(args.num_inputs, gen)
    features, labels = synthetic_data(true_w, TRUE_B, args.num_examples, args.noise, generator=gen)
    replay = torch.Generator().set_state(gen.get_state())  # the animation retraces this run
    w, b = init_params(args.num_inputs, generator=gen)
    print(
        text(
            f"linear regression from scratch: {args.num_examples} examples, "
            f"{args.num_inputs} inputs, noise {args.noise:g}, batch size {args.batch_size}, "
            f"lr {args.lr:g}, {args.epochs} epochs, seed {args.seed}",
            f"从零实现线性回归：{args.num_examples} 个样本，{args.num_inputs} 个输入，"
            f"噪声 {args.noise:g}，批量大小 {args.batch_size}，学习率 {args.lr:g}，"
            f"{args.epochs} 个迭代周期，随机种子 {args.seed}",
        )
        + _decay_note(args.weight_decay)
    )
    # the path of w feeds the landscape panel of the plot (two inputs only)
    trajectory = Trajectory([w, b]) if args.plot and args.num_inputs == 2 else None
    try:
        losses = train(
            linreg,
            squared_loss,
            [w, b],
            features,
            labels,
            lr=args.lr,
            num_epochs=args.epochs,
            batch_size=args.batch_size,
            generator=gen,
            callback=trajectory,
            weight_decay=args.weight_decay,
            fast=True,
        )
    except FloatingPointError as err:
        return _failed(err)
    w_hat, b_hat = w.detach().reshape(-1), float(b.detach())
    w_err = (w_hat - true_w).abs()
    print(text(f"true w:    {_fmt(true_w)}", f"真实的 w：  {_fmt(true_w)}"))
    print(
        text(
            f"learned w: {_fmt(w_hat)}  max |error| {w_err.max():.2e}",
            f"学到的 w：  {_fmt(w_hat)}  最大 |误差| {w_err.max():.2e}",
        )
    )
    print(text(f"true b:    {TRUE_B:.4f}", f"真实的 b：  {TRUE_B:.4f}"))
    print(
        text(
            f"learned b: {b_hat:.4f}  |error| {abs(b_hat - TRUE_B):.2e}",
            f"学到的 b：  {b_hat:.4f}  |误差| {abs(b_hat - TRUE_B):.2e}",
        )
    )
    if args.weight_decay:  # what SGD with decay should reach: the penalised minimum
        from .solve import closed_form

        w_ridge, b_ridge = closed_form(features, labels, weight_decay=args.weight_decay)
        print(_ridge_line(w_ridge.reshape(-1), float(b_ridge), args.weight_decay, 4))
    if args.plot:
        from .plot import plot_training

        plot_training(losses, features, labels, w, b, path=args.plot, trajectory=trajectory)
        print(text(f"plot saved to {args.plot}", f"图已保存到 {args.plot}"))
    if args.animate:
        from .animation import animate_sgd

        settings = {"lr": args.lr, "batch_size": args.batch_size, "num_epochs": args.epochs}
        animate_sgd(features, labels, generator=replay, **settings).save(args.animate)
        print(text(f"animation saved to {args.animate}", f"动画已保存到 {args.animate}"))
    return 0


def _penguins(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """The same experiment on real data: standardise, train, map back, compare."""
    from .datasets import penguins
    from .scaling import standardize, unscale
    from .solve import closed_form

    for flag in ("num_examples", "num_inputs", "noise", "animate"):
        if getattr(args, flag) != parser.get_default(flag):
            option = f"--{flag.replace('_', '-')}"
            parser.error(
                text(
                    f"argument {option}: applies to --data synthetic only",
                    f"参数 {option}：只适用于 --data synthetic",
                )
            )
    epochs = 30 if args.epochs is None else args.epochs
    try:
        features, labels = penguins()
    except ImportError as err:
        return _failed(err)
    scaled, mean, std = standardize(features)
    gen = torch.Generator().manual_seed(args.seed)
    w, b = init_params(2, generator=gen)
    trajectory = Trajectory([w, b]) if args.plot else None
    print(
        text(
            f"penguins: body mass (g) from flipper and bill length (mm), {len(features)} "
            f"penguins (rows with a missing value dropped); features standardised to mean 0, "
            f"std 1; batch size {args.batch_size}, lr {args.lr:g}, {epochs} epochs, "
            f"seed {args.seed}",
            f"penguins：由鳍长和喙长（mm）预测体重（g），共 {len(features)} 只企鹅（已删除有"
            f"缺失值的行）；特征已标准化为均值 0、标准差 1；批量大小 {args.batch_size}，"
            f"学习率 {args.lr:g}，{epochs} 个迭代周期，随机种子 {args.seed}",
        )
        + _decay_note(args.weight_decay)
    )
    try:
        losses = train(
            linreg,
            squared_loss,
            [w, b],
            scaled,
            labels,
            lr=args.lr,
            num_epochs=epochs,
            batch_size=args.batch_size,
            generator=gen,
            callback=trajectory,
            weight_decay=args.weight_decay,
            fast=True,
        )
    except FloatingPointError as err:
        return _failed(err)
    w_orig, b_orig = unscale(w, b, mean, std)
    w_exact, b_exact = closed_form(features, labels)
    print(
        text(
            "in original units (g per mm of flipper, g per mm of bill; g):",
            "换回原始单位（每 mm 鳍长对应的 g，每 mm 喙长对应的 g；g）：",
        )
    )
    print(
        text(
            f"learned w: {_fmt(w_orig.reshape(-1))}  b: {float(b_orig):.2f}",
            f"学到的 w：{_fmt(w_orig.reshape(-1))}  b：{float(b_orig):.2f}",
        )
    )
    print(
        text(
            f"exact w:   {_fmt(w_exact.reshape(-1))}  b: {float(b_exact):.2f}  (closed form)",
            f"精确的 w：{_fmt(w_exact.reshape(-1))}  b：{float(b_exact):.2f}（闭式解）",
        )
    )
    if args.weight_decay:  # the penalty acts on the standardised weights SGD trains
        w_ridge, b_ridge = unscale(*closed_form(scaled, labels, args.weight_decay), mean, std)
        print(_ridge_line(w_ridge.reshape(-1), float(b_ridge), args.weight_decay, 2))
    exact_loss = squared_loss(linreg(features, w_exact, b_exact), labels).mean()
    print(
        text(
            f"loss: learned {losses[-1]:.1f}, exact {float(exact_loss):.1f}",
            f"损失：学到的 {losses[-1]:.1f}，精确的 {float(exact_loss):.1f}",
        )
    )
    if args.plot:
        from .plot import plot_training

        plot_training(losses, scaled, labels, w, b, path=args.plot, trajectory=trajectory)
        print(text(f"plot saved to {args.plot}", f"图已保存到 {args.plot}"))
    return 0


def _decay_note(weight_decay: float) -> str:
    """``, weight decay 0.1`` for the settings line, or nothing without decay."""
    if not weight_decay:
        return ""
    return text(f", weight decay {weight_decay:g}", f"，权重衰减 {weight_decay:g}")


def _ridge_line(w: torch.Tensor, b: float, weight_decay: float, digits: int) -> str:
    """The ridge solution, printed under the learned weights."""
    return text(
        f"ridge w:   {_fmt(w)}  b: {b:.{digits}f}  (closed form, weight decay {weight_decay:g})",
        f"岭回归 w：{_fmt(w)}  b：{b:.{digits}f}（闭式解，权重衰减 {weight_decay:g}）",
    )


if __name__ == "__main__":
    sys.exit(main())
