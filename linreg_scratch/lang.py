"""The language of what the package shows a learner: figures, verdicts, messages.

English by default. A Chinese notebook starts with ``set_language("zh")``; after
that every figure label and ``check`` verdict is in Chinese, and so is the message
of every refusal of a bad argument (the ValueError or TypeError from the checks in
``_checks``), of a diverging run and of a missing optional package. Each message is
written once, as ``text(en, zh)``, and picked when it is raised. Argument names,
code, numbers and shapes read the same in both ("lr 必须是大于 0 的有限数，实际得到
-1.0"). Errors raised inside torch or Python themselves stay English.

This module imports nothing from the package, so every other module, ``_checks``
included, can import :func:`text` without an import cycle.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterator
from typing import overload

LANGUAGES = ("en", "zh")

_state = {"language": "en"}


def set_language(language: str) -> None:
    """Show labels and messages in ``language``: ``"en"`` (English) or ``"zh"`` (中文).

    >>> set_language("zh"); get_language()
    'zh'
    >>> set_language("en"); get_language()
    'en'
    """
    # _checks.choice's rule, written here: _checks imports text from this module
    if not isinstance(language, str) or language not in LANGUAGES:
        raise ValueError(
            text(
                f"language must be one of {LANGUAGES}, got {language!r}",
                f"language 必须是 {LANGUAGES} 之一，实际得到 {language!r}",
            )
        )
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


# Labels the package's figures use, so that notebook code can stay the same in both
# languages: ``Animator(xlabel="epoch")`` reads 迭代周期 once ``set_language("zh")`` ran.
TERMS = {
    "epoch": "迭代周期",
    "epochs": "迭代周期",
    "loss": "损失",
    "train": "训练",  # d2l-zh's legends: legend=["train", "test"]
    "test": "测试",
    "train loss": "训练损失",
    "test loss": "测试损失",
    "train_loss": "训练损失",  # the lines of the books' ProgressBoard
    "val_loss": "验证损失",
    "mean squared loss": "均方损失",
    "step": "迭代步",
}


@overload
def term(label: str) -> str: ...
@overload
def term(label: None) -> None: ...
def term(label: str | None) -> str | None:
    """``label`` in the current language when it is one of :data:`TERMS`, else unchanged.

    >>> with language("zh"):
    ...     term("epoch"), term("$x_1$")
    ('迭代周期', '$x_1$')
    """
    if label is None or _state["language"] != "zh":
        return label
    return TERMS.get(label, label)


# Fonts with Chinese glyphs, most common first (Debian's fonts-wqy-microhei is what CI and
# the docs build install; the others are the usual ones on macOS, Windows and other Linux).
CJK_FONTS = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
)


#: Words in the file names of those fonts, to find one installed after matplotlib made
#: its font cache (it lists only the fonts it saw then, so a font added later is unseen).
CJK_FILES = ("wqy", "notosanscjk", "sourcehansans", "simhei", "msyh", "pingfang", "heiti")

_font_search = {"done": False}


def apply_font() -> list[str]:
    """When the language is Chinese, put the installed CJK fonts first in matplotlib's
    sans-serif list, so figure labels show Chinese characters; returns the fonts put first.

    Touches matplotlib only when it is already imported (``import linreg_scratch`` stays
    cheap), and only fonts that are installed (no "font not found" warnings). Latin
    letters and the minus sign fall back to the fonts that follow (DejaVu Sans). When
    matplotlib knows none, the system's font folders are searched once for one (a font
    installed after matplotlib's cache was made); if there is none, one warning says how
    to install one, instead of figures whose Chinese labels are empty boxes.
    """
    import sys

    if _state["language"] != "zh" or "matplotlib" not in sys.modules:
        return []
    import matplotlib
    from matplotlib import font_manager

    found = _known_cjk_fonts(font_manager)
    if not found and not _font_search["done"]:
        _font_search["done"] = True  # once: the search walks the font folders
        for path in font_manager.findSystemFonts():
            if any(word in os.path.basename(path).lower() for word in CJK_FILES):
                with contextlib.suppress(Exception):  # a file matplotlib cannot read
                    font_manager.fontManager.addfont(path)
        found = _known_cjk_fonts(font_manager)
        if not found:
            warnings.warn(
                "没有找到中文字体，图中的中文会显示为方框。请安装一个中文字体（例如在 "
                "Colab、Debian 或 Ubuntu 上运行 !apt-get install -y fonts-wqy-microhei），"
                "然后重启内核。",
                stacklevel=2,
            )
    rest = [f for f in matplotlib.rcParams["font.sans-serif"] if f not in found]
    matplotlib.rcParams["font.sans-serif"] = found + rest
    if found:
        matplotlib.rcParams["font.family"] = ["sans-serif"]
    return found


def _known_cjk_fonts(font_manager) -> list[str]:
    """The fonts of :data:`CJK_FONTS` that matplotlib knows, in that order."""
    known = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in CJK_FONTS if name in known]


def _figure_fonts(language: str) -> None:
    """Called by :func:`set_language`: when matplotlib is already loaded, put the Chinese
    fonts first now; otherwise every figure the package makes does it when it is made."""
    if language == "zh":
        apply_font()
