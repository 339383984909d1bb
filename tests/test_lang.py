import ast
import inspect
import pathlib
import re
import sys

import pytest
import torch

import linreg_scratch as ls
from linreg_scratch import _checks, lang

#: A Chinese (CJK unified) ideograph.
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_english_by_default_and_switchable():
    assert lang.get_language() == "en"
    assert lang.text("loss", "损失") == "loss"
    lang.set_language("zh")
    try:
        assert lang.get_language() == "zh"
        assert lang.text("loss", "损失") == "损失"
    finally:
        lang.set_language("en")
    assert lang.text("loss", "损失") == "loss"


def test_the_context_manager_restores_the_language_even_after_an_error():
    with pytest.raises(RuntimeError), lang.language("zh"):
        assert lang.text("a", "甲") == "甲"
        raise RuntimeError
    assert lang.get_language() == "en"


@pytest.mark.parametrize("bad", ["fr", "EN", "", None, 1])
def test_an_unknown_language_is_refused_by_name(bad):
    with pytest.raises(ValueError, match=r"language must be one of \('en', 'zh'\), got"):
        lang.set_language(bad)
    assert lang.get_language() == "en"


def test_known_figure_labels_follow_the_language():
    assert lang.term("epoch") == "epoch" and lang.term(None) is None
    with lang.language("zh"):
        assert lang.term("epoch") == "迭代周期" and lang.term("loss") == "损失"
        assert lang.term("$x_1$") == "$x_1$"  # anything else stays as it is


def test_chinese_puts_an_installed_cjk_font_first(python):
    import subprocess

    code = (
        "import matplotlib; matplotlib.use('Agg');"
        "from matplotlib import font_manager as fm;"
        "from linreg_scratch import lang;"
        "assert lang.apply_font() == [];"  # English: matplotlib is left alone
        "lang.set_language('zh'); found = lang.apply_font();"
        "names = {f.name for f in fm.fontManager.ttflist};"
        "assert found == [f for f in lang.CJK_FONTS if f in names], found;"
        "assert matplotlib.rcParams['font.sans-serif'][: len(found)] == found;"
        "print(len(found))"
    )
    out = subprocess.run([python, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def _without_cjk_fonts(monkeypatch):
    """matplotlib as it is when its font cache predates every CJK font on the machine."""
    from matplotlib import font_manager as fm

    kept = [f for f in fm.fontManager.ttflist if f.name not in lang.CJK_FONTS]
    monkeypatch.setattr(fm.fontManager, "ttflist", kept)
    monkeypatch.setitem(lang._font_search, "done", False)
    monkeypatch.setitem(lang._state, "language", "zh")
    return fm


def test_a_cjk_font_installed_after_matplotlib_s_cache_is_found(monkeypatch):
    import matplotlib

    fm = _without_cjk_fonts(monkeypatch)
    files = [p for p in fm.findSystemFonts() if any(w in p.lower() for w in lang.CJK_FILES)]
    if not files:
        pytest.skip("no CJK font on this machine")
    monkeypatch.setitem(matplotlib.rcParams, "font.sans-serif", ["DejaVu Sans"])
    found = lang.apply_font()
    assert found and matplotlib.rcParams["font.sans-serif"][: len(found)] == found


def test_without_any_cjk_font_one_chinese_warning_says_how_to_get_one(monkeypatch):
    import warnings

    import matplotlib

    fm = _without_cjk_fonts(monkeypatch)
    monkeypatch.setattr(fm, "findSystemFonts", lambda *a, **k: [])
    monkeypatch.setitem(matplotlib.rcParams, "font.sans-serif", ["DejaVu Sans"])
    with pytest.warns(UserWarning, match="没有找到中文字体.*fonts-wqy-microhei"):
        assert lang.apply_font() == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said once, not at every figure
        assert lang.apply_font() == []


def test_apply_font_does_not_import_matplotlib(python):
    import subprocess

    code = (
        "import sys; from linreg_scratch import lang; lang.set_language('zh');"
        "lang.apply_font(); print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- set_language takes effect on what is drawn and said (issue #18) -----------------


def test_set_language_switches_the_labels_of_a_figure():
    from linreg_scratch import Sweep

    runs = Sweep("lr", [0.03, 10.0], [[1.0, 0.1], [1.0, float("inf")]], [None, "blew up"])
    ax_en = runs.plot().axes[0]
    lang.set_language("zh")
    try:
        fig_zh = runs.plot()
    finally:
        lang.set_language("en")
    ax_zh = fig_zh.axes[0]
    assert (ax_en.get_xlabel(), ax_en.get_ylabel()) == ("epoch", "mean squared loss")
    assert (ax_zh.get_xlabel(), ax_zh.get_ylabel()) == ("迭代周期", "均方损失")
    assert "lr=10（发散）" in [t.get_text() for t in fig_zh.legends[0].get_texts()]


def test_set_language_switches_a_check_verdict():
    from linreg_scratch import check

    def no_bias(X, w, b):
        return X @ w

    english = str(check.linreg(no_bias))
    with lang.language("zh"):
        chinese = str(check.linreg(no_bias))
    assert "expected:" in english and "应为：" not in english
    assert "应为：" in chinese and "expected:" not in chinese


# --- refusals and hints in Chinese (issue #24); tests/test_promise.py checks every ---
# --- refusal of its tables in both languages, these pin the exact wording          ---

CLI_PROG = "python -m linreg_scratch"


def _refusal_in_chinese(call):
    with pytest.raises((ValueError, TypeError, ImportError)) as info, lang.language("zh"):
        call()
    return str(info.value)


def _nan_at_row_1():
    features = torch.zeros(3, 2)
    features[1, 0] = float("nan")
    return features


@pytest.mark.parametrize(
    ("call", "chinese"),
    [
        (
            lambda: ls.sgd([torch.zeros(2, 1, requires_grad=True)], lr=-1.0, batch_size=1),
            "lr 必须是大于 0 的有限数，实际得到 -1.0",
        ),
        (
            lambda: ls.data_iter(0, torch.zeros(3, 2), torch.zeros(3)),
            "batch_size 必须是正整数，实际得到 0",
        ),
        (
            lambda: ls.synthetic_data([1.0], 0, 5, generator=42),
            "generator 必须是 torch.Generator 或 None，实际得到 42（int）；"
            "要使用随机种子 42，请传入 torch.Generator().manual_seed(42)",
        ),
        (
            lambda: ls.synthetic_data([1.0], 1e39, 5),
            "b 必须是区间 [-1e+30, 1e+30] 内的有限数（更大的值会超出 float32 的范围），"
            "实际得到 1e+39",
        ),
        (
            lambda: ls.linreg(torch.zeros(4, 2), torch.zeros(2, 1), torch.zeros(2)),
            "b 必须是单个数，形状为 (1,) 或 ()，实际得到形状为 (2,) 的 b；"
            "更长的 b 会被广播，得出错误的 y_hat",
        ),
        (
            lambda: ls.closed_form(_nan_at_row_1(), torch.zeros(3)),
            "features 的第 1 行第 0 列是 NaN（共有 1 个非有限值）；请先删除或修正这些行",
        ),
        (
            lambda: ls.Animator(legend=["train", "test"]).add(1, [0.5]),
            "y 必须含有 2 个值（每条线一个，与 legend 的项数相同），实际得到 1 个",
        ),
        (
            lambda: ls.Trajectory().stack(0),
            "还没有记录任何内容：请把这个 Trajectory 传给 train(callback=...)",
        ),
        (lambda: lang.set_language("fr"), "language 必须是 ('en', 'zh') 之一，实际得到 'fr'"),
    ],
    ids=["lr", "batch_size", "seed", "b-bound", "b-shape", "nan", "y-count", "empty", "language"],
)
def test_refusals_read_as_written_in_chinese(call, chinese):
    assert _refusal_in_chinese(call) == chinese
    assert lang.get_language() == "en"


def test_the_cli_refuses_in_chinese(capsys):
    from linreg_scratch.__main__ import main

    with pytest.raises(SystemExit), lang.language("zh"):
        main(["--lr", "nan"])
    err = capsys.readouterr().err
    assert (
        err == f"{CLI_PROG}：错误：参数 --lr：LR 必须是大于 0 的有限数，实际得到 nan（见 --help）\n"
    )


def test_install_hints_are_chinese_too(monkeypatch):
    from linreg_scratch.explore import _widgets

    monkeypatch.setitem(sys.modules, "palmerpenguins", None)  # makes the imports fail
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    penguins = _refusal_in_chinese(ls.penguins)
    assert penguins.startswith("penguins() 需要可选的包 palmerpenguins 和 pandas")
    assert penguins.endswith("pip install 'linreg-scratch[data]'")
    assert _refusal_in_chinese(_widgets).startswith("explore 需要 ipywidgets：")
    with pytest.raises(ImportError, match="explore needs ipywidgets"):
        _widgets()


# Arguments of the checks that carry words (where a bound comes from, how to fix it...).
PHRASE_KEYWORDS = ("why", "fix", "what", "unit", "like", "meaning")


def _words(value: str) -> bool:
    """Words, not a name or code: "this Sweep", "ls and colors"; not "features", "N * D"."""
    return " " in value and re.search(r"\b[a-z]{2,}\b", value) is not None


def _string(arg: ast.expr, constants: dict) -> str | None:
    """The string ``arg`` is: a literal, or a module-level constant (``_FLOAT32``)."""
    value = arg.value if isinstance(arg, ast.Constant) else None
    value = constants.get(arg.id) if isinstance(arg, ast.Name) else value
    return value if isinstance(value, str) else None


def phrases_handed_to_checks() -> dict[str, str]:
    """Each string the package hands a check as words, with the file it is in: a keyword
    argument ``why=``, ``fix=``... of any call (``_number(..., why=...)`` passes it on), and
    a positional argument of a ``_checks.`` call that fills such a parameter or is words
    itself; a module-level constant (``why=_FLOAT32``) is read."""
    package = pathlib.Path(lang.__file__).resolve().parent
    found = {}
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text())
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name)
        }

        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            texts = [_string(k.value, constants) for k in call.keywords if k.arg in PHRASE_KEYWORDS]
            func = call.func
            if isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "_checks":
                params = list(inspect.signature(getattr(_checks, func.attr)).parameters)
                for param, arg in zip(params, call.args, strict=False):
                    value = _string(arg, constants)
                    if value is not None and (param in PHRASE_KEYWORDS or _words(value)):
                        texts.append(value)
            found |= {value: path.name for value in texts if value is not None}
    return found


def test_every_phrase_a_check_is_handed_has_its_chinese():
    phrases = phrases_handed_to_checks()
    assert "torch seeds are 64-bit" in phrases and "the animation" in phrases  # it finds them
    code = {  # 'fit.svg', linreg, (features, labels)
        p
        for p in phrases
        if p.startswith("'") or hasattr(ls, p) or re.fullmatch(r"\(\w+(, \w+)*\)", p)
    }
    missing = {
        p: where for p, where in phrases.items() if p not in _checks.PHRASES_ZH and p not in code
    }
    assert missing == {}
    assert all(CJK.search(zh) for english, zh in _checks.PHRASES_ZH.items() if english not in code)
