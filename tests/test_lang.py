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
