import pytest

from linreg_scratch import lang


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
