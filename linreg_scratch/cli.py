"""What the two command lines (``python -m linreg_scratch`` and ``... .grade``) share.

:class:`Parser` is an ``argparse`` parser that speaks the current language, its own words
included (``usage:``, the headings, ``-h``, its error messages), and takes
``--language en|zh``. argparse builds its help from the texts it is given, so the
language must be chosen before the parser is made: :func:`chosen_language` reads it from
the command line first, as argparse will. :func:`number` is the ``type=`` of every
numeric flag: the library's own check, so the flag is refused in the library's words.
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections.abc import Sequence
from typing import NoReturn

from . import _checks
from .lang import get_language, text

LANGUAGES = ("en", "zh")

# argparse's own error messages (Python 3.10 to 3.14) and what a Chinese reader sees; the
# groups listed last are argparse's own lists ("a, b"), joined with 、 in Chinese.
_ZH_ERRORS = (
    (r"unrecognized arguments: (.*)", "无法识别的参数：{0}", ()),
    (r"the following arguments are required: (.*)", "缺少必需的参数：{0}", (0,)),
    (r"ambiguous option: (\S+) could match (.*)", "选项 {0} 有歧义，可能是 {1}", (1,)),
    (r"argument (\S+): expected one argument", "参数 {0}：需要一个值", ()),
    (
        r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)",
        "参数 {0}：{1} 不可选，可选 {2}",
        (2,),
    ),
    (r"argument (\S+): invalid (\S+) value: (.*)", "参数 {0}：{2} 不是 {1} 值", ()),
    (r"argument (\S+): ignored explicit argument (.*)", "参数 {0}：不接受值 {1}", ()),
    (r"argument (\S+): (.*)", "参数 {0}：{1}", ()),
)
_CJK = "\u3000-\u9fff\uff00-\uffef"  # Chinese characters and full-width punctuation
_NO_LINE_START = "，。；：、）！？"  # Chinese punctuation that never starts a line
_NO_LINE_END = "（《“"  # nor ends one
# A colour code, which Python 3.14's argparse puts around headings in a terminal.
_COLOUR = r"(?:\x1b\[[\d;]*m)*"


def chosen_language(argv: Sequence[str]) -> str:
    """The ``--language`` that argparse will read from ``argv`` (the last one; also written
    ``--language=zh`` or shortened, ``--lang zh``), else the current language. A value
    that is not a language is left to the parser to refuse."""
    chosen = get_language()
    for i, arg in enumerate(argv):
        flag, eq, value = arg.partition("=")
        if len(flag) >= 3 and "--language".startswith(flag):
            value = value if eq else (argv[i + 1] if i + 1 < len(argv) else "")
            chosen = value if value in LANGUAGES else chosen
    return chosen


def in_chinese(message: str) -> str:
    """One of argparse's error messages, in Chinese (unchanged when it is not one of them)."""
    for pattern, zh, lists in _ZH_ERRORS:
        match = re.fullmatch(pattern, message, flags=re.DOTALL)
        if match:
            parts = match.groups()
            return zh.format(
                *(p.replace(", ", "、") if i in lists else p for i, p in enumerate(parts))
            )
    return message


def number(name: str, kind: type[int] | type[float], **bounds):
    """An argparse ``type=``: the text as a number, checked by :func:`_checks.scalar` with
    ``bounds``; ``name`` is the flag's metavar, as ``--help`` shows it."""

    def parse(text: str):
        value: object = text
        for read in (int, float):
            try:
                value = read(text)
                break
            except ValueError:
                pass  # not this kind of number; a text scalar() refuses
        try:
            return _checks.scalar(name, value, kind, **bounds)
        except (TypeError, ValueError) as err:
            raise argparse.ArgumentTypeError(str(err)) from None

    return parse


def _columns(words: str) -> int:
    """How many terminal columns ``words`` take: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in words)


def _wrap(words: str, width: int) -> list[str]:
    """``words`` in lines of at most ``width`` columns, broken at a space or between two
    Chinese characters (argparse counts characters and breaks only at spaces)."""
    lines, line = [], ""
    for piece in re.findall(rf"[{_CJK}]|[^\s{_CJK}]+|\s+", words):
        if _columns(line + piece) <= width or not line.strip() or piece in _NO_LINE_START:
            line += piece  # a comma stays at the end of its line, even past the width
            continue
        carried = line[-1] if line[-1] in _NO_LINE_END else ""  # "（" goes down with "三"
        if line[: len(line) - len(carried)].strip():
            lines.append(line[: len(line) - len(carried)].rstrip())
            line = carried + piece.lstrip()
        else:
            line += piece
    return [*lines, line.rstrip()] if line.strip() else lines


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, text("usage: ", "用法："))

    def _split_lines(self, text, width):
        return _wrap(" ".join(text.split()), width)

    def _fill_text(self, text, width, indent):
        return "\n".join(indent + line for line in _wrap(" ".join(text.split()), width))


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` in the current language, with ``-h`` and ``--language``;
    an error is one line ending in "(see --help)", exit status 2."""

    def __init__(self, prog: str, description: str, epilog: str | None = None) -> None:
        super().__init__(
            prog=prog,
            description=description,
            epilog=epilog,
            add_help=False,
            formatter_class=_Formatter,
        )
        self._positionals.title = text("positional arguments", "位置参数")
        self._optionals.title = text("options", "选项")
        self.add_argument(
            "-h", "--help", action="help", help=text("show this help and exit", "显示本帮助并退出")
        )
        self.add_argument(
            "--language",
            choices=LANGUAGES,
            default=get_language(),
            help=text("the language of everything printed", "输出所用的语言"),
        )

    def format_help(self) -> str:  # argparse ends each heading with ":"
        help_text = super().format_help()
        if get_language() == "zh":
            for group in self._action_groups:
                heading = rf"(?m)^({_COLOUR}){re.escape(str(group.title))}:"
                help_text = re.sub(heading, rf"\g<1>{group.title}：", help_text)
        return help_text

    def error(self, message: str) -> NoReturn:
        if get_language() == "zh":
            message = in_chinese(message)
        self.exit(
            2,
            text(
                f"{self.prog}: error: {message} (see --help)\n",
                f"{self.prog}：错误：{message}（见 --help）\n",
            ),
        )
