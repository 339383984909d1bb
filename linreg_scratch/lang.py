"""The language of what the package shows a learner: figure labels, ``check`` verdicts.

English by default. A Chinese notebook starts with ``set_language("zh")``; every
figure label and feedback message drawn after that is in Chinese. Error messages
raised for programming mistakes stay in English, like torch's own.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

LANGUAGES = ("en", "zh")

_state = {"language": "en"}


def set_language(language: str) -> None:
    """Show labels and messages in ``language``: ``"en"`` (English) or ``"zh"`` (中文).

    >>> set_language("zh"); get_language()
    'zh'
    >>> set_language("en"); get_language()
    'en'
    """
    if not isinstance(language, str) or language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
    _state["language"] = language
    _figure_fonts(language)


def get_language() -> str:
    """The language set by :func:`set_language` (``"en"`` until it is called)."""
    return _state["language"]


@contextlib.contextmanager
def language(name: str) -> Iterator[None]:
    """Use ``name`` inside a ``with`` block, then go back to the previous language.

    >>> with language("zh"):
    ...     text("loss", "损失")
    '损失'
    >>> text("loss", "损失")
    'loss'
    """
    previous = get_language()
    set_language(name)
    try:
        yield
    finally:
        _state["language"] = previous


def text(en: str, zh: str) -> str:
    """``en`` or ``zh``, whichever the current language is."""
    return zh if _state["language"] == "zh" else en


#: Fonts with Chinese glyphs, tried in this order (Debian/Ubuntu, Noto, Windows, macOS).
CJK_FONTS = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Arial Unicode MS",
)


def _figure_fonts(language: str) -> None:
    """For "zh", let matplotlib fall back to an installed Chinese font for CJK glyphs.

    Latin text keeps matplotlib's default font (listed first). Without any of
    ``CJK_FONTS`` installed nothing changes (matplotlib then warns about missing glyphs).
    """
    import matplotlib
    from matplotlib import font_manager

    if language == "zh":
        installed = {f.name for f in font_manager.fontManager.ttflist}
        chinese = [name for name in CJK_FONTS if name in installed]
        if chinese:
            matplotlib.rcParams["font.family"] = ["DejaVu Sans", *chinese, "sans-serif"]
    elif "DejaVu Sans" in matplotlib.rcParams["font.family"][:1]:
        matplotlib.rcParams["font.family"] = ["sans-serif"]
