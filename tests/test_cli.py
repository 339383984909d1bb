import re
import subprocess
import sys

import pytest
import torch

# A few tests run `python -m linreg_scratch` in a subprocess: the entry point, its exit
# codes and what reaches the terminal. The rest call main(argv) in this process (the same
# code, without a second interpreter importing torch for each run).


def run_cli(python, *args):
    return subprocess.run(
        [python, "-m", "linreg_scratch", *args], capture_output=True, text=True, timeout=120
    )


def run_main(capsys, *args):
    """main(args) in this process: (exit code, stdout, stderr); a flag error's exit too."""
    from linreg_scratch.__main__ import main

    try:
        code = main(list(args))
    except SystemExit as stop:
        code = stop.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_main_job_learns_the_true_parameters(python):
    out = run_cli(python)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    losses = [
        float(m.group(1)) for line in lines if (m := re.fullmatch(r"epoch \d, loss (\S+)", line))
    ]
    assert len(losses) == 3 and losses[-1] < 1e-4 and losses[0] > losses[-1]
    learned_w = re.search(r"learned w: \[(\S+), (\S+)\]", out.stdout)
    learned_b = re.search(r"learned b: (\S+)", out.stdout)
    assert abs(float(learned_w.group(1)) - 2) < 1e-2
    assert abs(float(learned_w.group(2)) + 3.4) < 1e-2
    assert abs(float(learned_b.group(1)) - 4.2) < 1e-2
    assert out.stderr == ""


def test_flags_change_the_experiment(capsys, tmp_path):
    plot = tmp_path / "run.svg"
    code, stdout, _ = run_main(
        capsys,
        "--num-examples",
        "2000",
        "--num-inputs",
        "5",
        "--batch-size",
        "50",
        "--lr",
        "0.1",
        "--epochs",
        "5",
        "--seed",
        "3",
        "--plot",
        str(plot),
    )
    assert code == 0
    assert "2000 examples, 5 inputs" in stdout
    assert len(re.findall(r"^epoch \d, loss", stdout, flags=re.M)) == 5
    assert float(re.search(r"max \|error\| (\S+)", stdout).group(1)) < 1e-2
    assert plot.read_bytes().lstrip().startswith((b"<?xml", b"<svg"))


def test_same_seed_same_output(capsys):
    first = run_main(capsys, "--seed", "7")
    torch.manual_seed(123)  # the run must not depend on the global generator's state
    torch.randn(5)
    assert run_main(capsys, "--seed", "7") == first


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--lr", "-1"], "argument --lr: LR must be a finite number > 0, got -1.0"),
        (["--batch-size", "0"], "argument --batch-size: BATCH_SIZE must be a positive int, got 0"),
        (["--epochs", "abc"], "argument --epochs: EPOCHS must be a positive int, got 'abc'"),
        (["--epochs", "2.5"], "argument --epochs: EPOCHS must be a positive int, got 2.5"),
        (["--num-examples", "-10"], "argument --num-examples: N must be an int in [1, 100000000]"),
        (["--noise", "-0.5"], "argument --noise: NOISE must be a finite number in [0, 1e+30]"),
        (["--lr", "nan"], "argument --lr: LR must be a finite number > 0, got nan"),
        (["--plot", "out.txt"], "--plot: file must end in .svg, .png or .pdf"),
    ],
)
def test_bad_flags_exit_2_with_one_line(capsys, args, words):
    code, stdout, stderr = run_main(capsys, *args)
    assert code == 2
    assert stdout == ""
    assert len(stderr.splitlines()) == 1 and words in stderr


def test_a_bad_flag_on_the_command_line_exits_2_with_one_line(python):
    out = run_cli(python, "--lr", "-1")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.splitlines() == [
        "python -m linreg_scratch: error: argument --lr: LR must be a finite number > 0, "
        "got -1.0 (see --help)"
    ]


def test_diverging_run_exits_1_with_advice(python):
    out = run_cli(python, "--lr", "10")
    assert out.returncode == 1
    assert "lr=10 is probably too large" in out.stderr and "Traceback" not in out.stderr


# --- every flag takes effect (in-process, through main(argv)) -------------------------


def learned(stdout):
    w = re.search(r"learned w: \[([^\]]*)\]", stdout).group(1)
    b = re.search(r"learned b: (\S+)", stdout).group(1)
    return [float(v) for v in w.split(", ") if not v.startswith("...")], float(b)


def epoch_losses(stdout):
    return [float(v) for v in re.findall(r"^epoch \d+, loss (\S+)$", stdout, flags=re.M)]


def test_the_defaults_are_the_tutorials(capsys):
    code, out, _ = run_main(capsys)
    assert code == 0
    assert "1000 examples, 2 inputs, noise 0.01, batch size 10, lr 0.03, 3 epochs, seed 0" in out
    explicit = run_main(
        capsys, "--num-examples", "1000", "--num-inputs", "2", "--noise", "0.01",
        "--batch-size", "10", "--lr", "0.03", "--epochs", "3", "--seed", "0",
    )  # fmt: skip
    assert explicit[1] == out


@pytest.mark.parametrize(
    "flag",
    [
        ("--num-examples", "500"),
        ("--num-inputs", "3"),
        ("--noise", "0.5"),
        ("--batch-size", "7"),
        ("--lr", "0.01"),
        ("--epochs", "4"),
        ("--seed", "1"),
    ],
    ids=lambda f: f[0],
)
def test_each_flag_changes_the_run(capsys, flag):
    _, base, _ = run_main(capsys)
    code, changed, _ = run_main(capsys, *flag)
    assert code == 0
    assert epoch_losses(changed) != epoch_losses(base)
    assert learned(changed) != learned(base)


def test_the_flags_mean_what_they_say(capsys):
    # --epochs: that many epoch lines; --num-inputs: that many weights
    _, out, _ = run_main(capsys, "--epochs", "5", "--num-inputs", "4")
    assert len(epoch_losses(out)) == 5 and len(learned(out)[0]) == 4
    # --noise: the final loss sits at the noise floor noise²/2
    for noise in (0.1, 1.0):
        _, out, _ = run_main(capsys, "--noise", str(noise), "--epochs", "10")
        assert epoch_losses(out)[-1] == pytest.approx(noise**2 / 2, rel=0.25)
    # --lr: too large diverges (exit 1), and --batch-size enters the report line
    code, _, err = run_main(capsys, "--lr", "10")
    assert code == 1 and "lr=10 is probably too large" in err
    _, out, _ = run_main(capsys, "--batch-size", "25")
    assert "batch size 25" in out


@pytest.mark.parametrize("suffix", [".svg", ".png", ".pdf"])
def test_plot_writes_the_named_format(capsys, tmp_path, suffix):
    path = tmp_path / f"fit{suffix}"
    code, out, _ = run_main(capsys, "--plot", str(path))
    assert code == 0 and f"plot saved to {path}" in out
    magic = {".svg": b"<svg", ".png": b"\x89PNG", ".pdf": b"%PDF"}[suffix]
    assert magic in path.read_bytes()[:400]


def test_penguins_standardises_and_prints_weights_in_original_units(capsys):
    import numpy as np
    from palmerpenguins import load_penguins

    code, stdout, _ = run_main(capsys, "--data", "penguins")
    assert code == 0
    assert "342 penguins" in stdout and "standardised" in stdout
    assert len(re.findall(r"^epoch \d+, loss", stdout, flags=re.M)) == 30
    number = r"(-?[\d.]+)"
    learned = re.search(rf"learned w: \[{number}, {number}\]  b: {number}", stdout)
    exact = re.search(rf"exact w:   \[{number}, {number}\]  b: {number}", stdout)
    learned, exact = (np.array([float(x) for x in m.groups()]) for m in (learned, exact))
    # the closed form, independently: numpy least squares on the table read by pandas
    table = load_penguins()[["flipper_length_mm", "bill_length_mm", "body_mass_g"]].dropna()
    A = np.c_[table.iloc[:, :2].to_numpy(), np.ones(len(table))]
    theta = np.linalg.lstsq(A, table.iloc[:, 2].to_numpy(), rcond=None)[0]
    np.testing.assert_allclose(exact, theta, rtol=1e-4)
    assert abs(learned[0] - theta[0]) < 1.0  # g per mm of flipper
    loss_learned, loss_exact = map(
        float, re.search(r"loss: learned (\S+), exact (\S+)", stdout).groups()
    )
    assert loss_exact <= loss_learned < 1.01 * loss_exact


def test_penguins_rejects_synthetic_only_flags(capsys):
    code, _, stderr = run_main(capsys, "--data", "penguins", "--num-inputs", "3")
    assert code == 2
    assert "--num-inputs: applies to --data synthetic only" in stderr


def test_penguins_without_the_data_extra_says_what_to_install(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "palmerpenguins", None)  # import now raises ImportError
    code, _, stderr = run_main(capsys, "--data", "penguins")
    assert code == 1
    assert "pip install 'linreg-scratch[data]'" in stderr


def test_animate_saves_the_run_it_printed(capsys, tmp_path):
    from PIL import Image

    gif = tmp_path / "run.gif"
    code, stdout, _ = run_main(
        capsys, "--num-examples", "200", "--seed", "5", "--animate", str(gif)
    )
    assert code == 0
    assert f"animation saved to {gif}" in stdout
    with Image.open(gif) as image:
        assert image.n_frames == 60  # 3 epochs x 20 batches + start = 61 steps, 60 frames
    page = tmp_path / "run.html"
    assert run_main(capsys, "--num-examples", "50", "--animate", str(page))[0] == 0
    frames = page.read_text(encoding="utf-8").count("data:image/png;base64,")
    assert frames == 5 * 3 + 1 + 1  # 5 batches x 3 epochs + the start, and the first <img>


def test_animate_replays_the_cli_run():
    import torch

    from linreg_scratch.__main__ import main

    calls = {}

    def spy(features, labels, **kwargs):
        calls["w0"] = linreg_scratch_init(kwargs["generator"])
        raise SystemExit(0)

    import linreg_scratch.animation as animation

    original = animation.animate_sgd
    animation.animate_sgd = spy
    try:
        with pytest.raises(SystemExit):
            main(["--num-examples", "30", "--seed", "9", "--animate", "/tmp/unused.gif"])
    finally:
        animation.animate_sgd = original
    gen = torch.Generator().manual_seed(9)
    from linreg_scratch import init_params, synthetic_data

    synthetic_data([2.0, -3.4], 4.2, 30, 0.01, generator=gen)
    w, _ = init_params(2, generator=gen)  # what the printed run started from
    assert torch.equal(calls["w0"], w)


def linreg_scratch_init(generator):
    from linreg_scratch import init_params

    return init_params(2, generator=generator)[0]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--animate", "run.mp4"], "argument --animate: path must end in .gif or .html"),
        (
            ["--animate", "no/such/dir/run.gif"],
            "argument --animate: path must be in an existing folder",
        ),
        (["--num-inputs", "3", "--animate", "run.gif"], "needs --num-inputs 2"),
    ],
)
def test_animate_checks_the_file_before_training(capsys, monkeypatch, tmp_path, args, words):
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = run_main(capsys, *args)
    assert code == 2 and words in stderr
    assert stdout == ""  # nothing trained
    assert list(tmp_path.iterdir()) == []


# --- --data and --animate honour the other flags (issue #18) ----------------------------


def penguin_losses(stdout):
    return [float(v) for v in re.findall(r"^epoch \d+, loss (\S+)$", stdout, flags=re.M)]


@pytest.mark.parametrize(
    "flag",
    [("--batch-size", "20"), ("--lr", "0.01"), ("--seed", "1"), ("--epochs", "4")],
    ids=lambda f: f[0],
)
def test_penguins_takes_the_training_flags(capsys, flag):
    _, base, _ = run_main(capsys, "--data", "penguins", "--epochs", "3")
    code, changed, _ = run_main(capsys, "--data", "penguins", "--epochs", "3", *flag)
    assert code == 0 and "342 penguins" in changed
    assert penguin_losses(changed) != penguin_losses(base)
    if flag[0] == "--epochs":
        assert len(penguin_losses(changed)) == 4 and len(penguin_losses(base)) == 3


def test_penguins_plot_draws_the_penguin_run(capsys, tmp_path, monkeypatch):
    import linreg_scratch.plot as plot_module
    from linreg_scratch import penguins, standardize

    drawn = {}
    real = plot_module.plot_training

    def spy(losses, features, labels, w, b, path=None, *, trajectory=None):
        drawn.update(losses=losses, features=features, labels=labels, trajectory=trajectory)
        return real(losses, features, labels, w, b, path, trajectory=trajectory)

    monkeypatch.setattr(plot_module, "plot_training", spy)
    path = tmp_path / "penguins.svg"
    code, out, _ = run_main(capsys, "--data", "penguins", "--epochs", "2", "--plot", str(path))
    assert code == 0 and f"plot saved to {path}" in out
    assert path.read_bytes().lstrip().startswith((b"<?xml", b"<svg"))
    features, labels = penguins()
    assert torch.equal(drawn["labels"], labels)
    assert torch.allclose(drawn["features"], standardize(features)[0])
    assert drawn["losses"] == pytest.approx(penguin_losses(out), rel=1e-4)
    assert drawn["trajectory"].stack(0).shape == (2 * 35 + 1, 2, 1)  # 342 rows, batches of 10


def test_animate_follows_batch_size_epochs_and_lr(capsys, tmp_path):
    page = tmp_path / "run.html"
    settings = ("--num-examples", "50", "--batch-size", "25", "--epochs", "2")
    code, out, _ = run_main(capsys, *settings, "--lr", "0.1", "--animate", str(page))
    assert code == 0 and f"animation saved to {page}" in out
    frames = page.read_text(encoding="utf-8").count("data:image/png;base64,")
    assert frames == 2 * 2 + 1 + 1  # 2 batches x 2 epochs + the start, and the first <img>
    other = tmp_path / "other.html"
    assert run_main(capsys, *settings, "--lr", "0.01", "--animate", str(other))[0] == 0
    frames_of = [
        re.search(r"var frames = (\[.*?\]);", p.read_text(encoding="utf-8")).group(1)
        for p in (page, other)
    ]
    assert frames_of[0] != frames_of[1]  # another lr, another path drawn


# --- --weight-decay -----------------------------------------------------------------------


def _ridge_printed(stdout):
    w = re.search(r"ridge w: +\[([^\]]*)\]", stdout).group(1)
    b = re.search(r"ridge w: .* b: (\S+)", stdout).group(1)
    return [float(v) for v in w.split(", ")], float(b)


def test_weight_decay_trains_toward_the_printed_ridge_solution(capsys):
    import numpy as np

    from linreg_scratch import synthetic_data

    code, stdout, _ = run_main(capsys, "--weight-decay", "1", "--epochs", "10", "--seed", "3")
    assert code == 0 and "weight decay 1" in stdout.splitlines()[0]
    # the CLI's data, rebuilt: the seed draws them first; ridge from numpy's normal equations
    gen = torch.Generator().manual_seed(3)
    X, y = synthetic_data(torch.tensor([2.0, -3.4]), 4.2, 1000, 0.01, generator=gen)
    Z = np.column_stack([X.double().numpy(), np.ones(1000)])
    D = np.diag([1.0, 1.0, 0.0])
    theta = np.linalg.solve(Z.T @ Z / 1000 + 1.0 * D, Z.T @ y.double().numpy().ravel() / 1000)
    w_ridge, b_ridge = _ridge_printed(stdout)
    assert w_ridge == pytest.approx(theta[:2], abs=1e-4) and b_ridge == pytest.approx(
        theta[2], abs=1e-4
    )
    w, _ = learned(stdout)
    assert np.abs(np.array(w) - theta[:2]).max() < 0.1  # SGD with decay near the ridge point...
    assert np.abs(np.array(w) - [2, -3.4]).max() > 0.5  # ...far from the true, unpenalised w


def test_without_weight_decay_nothing_changes(capsys):
    _, base, _ = run_main(capsys)
    _, zero, _ = run_main(capsys, "--weight-decay", "0")
    assert zero == base and "ridge" not in base


def test_penguins_weight_decay_prints_the_ridge_solution_in_original_units(capsys):
    pytest.importorskip("palmerpenguins")
    from linreg_scratch import closed_form, penguins, standardize, unscale

    code, stdout, _ = run_main(capsys, "--data", "penguins", "--weight-decay", "0.5")
    assert code == 0
    features, labels = penguins()
    scaled, mean, std = standardize(features)
    w, b = unscale(*closed_form(scaled, labels, weight_decay=0.5), mean, std)
    w_printed, b_printed = _ridge_printed(stdout)
    assert w_printed == pytest.approx(w.reshape(-1).tolist(), abs=1e-3)
    assert b_printed == pytest.approx(float(b), abs=0.01)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--weight-decay", "-1"], "argument --weight-decay: LAMBDA must be a finite number >= 0"),
        (["--weight-decay", "inf"], "argument --weight-decay: LAMBDA must be a finite number"),
        (["--weight-decay", "x"], "argument --weight-decay: LAMBDA must be a finite number"),
        (["--weight-decay", "1", "--animate", "a.gif"], "argument --animate: not with --weight"),
    ],
)
def test_bad_weight_decay_exits_2_with_one_line(capsys, args, words):
    code, stdout, stderr = run_main(capsys, *args)
    assert code == 2 and stdout == ""
    assert len(stderr.splitlines()) == 1 and words in stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--bogus", "1"], "无法识别的参数：--bogus 1"),
        (["--lr"], "参数 --lr：需要一个值"),
        (["--data", "x"], "参数 --data：'x' 不可选，可选 "),  # how choices are quoted varies
        (["--lr", "-1"], "参数 --lr：LR 必须"),
        (["--l", "1"], "选项 --l 有歧义，可能是 --l"),  # joined with 、: tested below
        (["--seed=1", "--help=x"], "参数 -h/--help：不接受值 "),
        (["--lr", "1, 2"], "参数 --lr：LR 必须是大于 0 的有限数，实际得到 '1, 2'"),  # as typed
    ],
)
def test_language_zh_says_argparse_s_own_errors_in_chinese(capsys, args, words):
    from linreg_scratch import get_language

    for where in (["--language", "zh"], ["--lang=zh"]):
        code, out, err = run_main(capsys, *where, *args)
        assert code == 2 and out == "" and len(err.splitlines()) == 1, err
        assert err.startswith("python -m linreg_scratch：错误：") and words in err, err
        assert err.endswith("（见 --help）\n")
    assert get_language() == "en"  # the command line's choice ends with the run


def test_language_zh_puts_the_help_and_the_run_in_chinese(capsys):
    code, out, _ = run_main(capsys, "--language", "zh", "--help")
    assert code == 0 and out.startswith("用法：python -m linreg_scratch")
    assert "\n选项：\n" in out and "显示本帮助并退出" in out and "usage" not in out
    english = set(re.findall(r"(?<![-\w{])[a-z]{4,}(?![\w}])", out))  # not flags, not metavars
    names = {"python", "linreg", "grade", "penguins", "synthetic", "install", "data", "html"}
    assert english <= names, english - names  # commands, file types and choices only
    code, out, _ = run_main(capsys, "--language", "zh", "--epochs", "1", "--num-examples", "50")
    assert code == 0 and "真实的 w" in out and "学到的 b" in out
    code, out, _ = run_main(capsys, "--epochs", "1", "--num-examples", "50")
    assert "true w" in out  # English again without the flag


def test_the_grader_s_help_and_refusals_follow_language(capsys, tmp_path, monkeypatch):
    from linreg_scratch.grade import main

    monkeypatch.setenv("COLUMNS", "60")
    with pytest.raises(SystemExit):
        main(["--language", "zh", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("用法：python -m linreg_scratch.grade") and "位置参数：" in out
    # lines of Chinese fit the terminal, counting a Chinese character as two columns
    chinese = [line for line in out.splitlines() if re.search("[\u4e00-\u9fff]", line)]
    assert max(sum(1 + (ord(c) > 0x2E80) for c in line) for line in chinese) <= 60, chinese
    assert not [line for line in chinese if line.strip()[0] in "，。；：、）"]
    assert main(["--language", "zh", str(tmp_path), "--out", "x.json"]) == 2
    assert capsys.readouterr().err.startswith("错误：--out 必须")
    for argv, words in [
        (["--language", "zh"], "错误：缺少必需的参数：path（见 --help）"),
        (["--language", "zh", "--timeout", "abc", "x"], "参数 --timeout：TIMEOUT 必须"),
    ]:
        with pytest.raises(SystemExit):
            main(argv)
        assert words in capsys.readouterr().err
    # the language argparse reads: shortened, or the last one given
    assert main(["--l", "zh", str(tmp_path / "nothing")]) == 2
    assert capsys.readouterr().err.startswith("错误：path")
    assert main(["--language=zh", "--language=en", str(tmp_path / "nothing")]) == 2
    assert capsys.readouterr().err.startswith("error: path")


def test_chinese_lists_and_lines_follow_chinese_rules():
    from linreg_scratch.cli import _wrap, in_chinese

    said = in_chinese("ambiguous option: --l could match --lr, --language")
    assert said == "选项 --l 有歧义，可能是 --lr、--language"
    assert in_chinese("argument --lr: LR got '1, 2'") == "参数 --lr：LR got '1, 2'"  # typed
    # two columns a character: a comma never starts a line, an opening bracket never ends one
    assert _wrap("一二三，四", 6) == ["一二三，", "四"]
    assert _wrap("一二（三四", 6) == ["一二", "（三四"]
    assert _wrap("alpha beta 五六", 10) == ["alpha beta", "五六"]
