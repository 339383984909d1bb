"""What the two command lines (``python -m linreg_scratch`` and ``... .grade``) share.

:class:`Parser` is an ``argparse`` parser that speaks the current language, its own words
included (``usage:``, ``options:``, ``-h``, and its error messages), and takes
``--language en|zh``. argparse builds its help from the texts it is given, so the
language must be chosen before the parser is made: :func:`chosen_language` reads it from
the command line first.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from typing import NoReturn

from .lang import get_language, text

LANGUAGES = ("en", "zh")

# argparse's own error messages (Python 3.10 to 3.13) and what a Chinese reader sees.
_ZH_ERRORS = (
    (r"unrecognized arguments: (.*)", "无法识别的参数：{0}"),
    (r"the following arguments are required: (.*)", "缺少必需的参数：{0}"),
    (r"ambiguous option: (\S+) could match (.*)", "选项 {0} 有歧义，可能是 {1}"),
    (r"argument (\S+): expected one argument", "参数 {0}：需要一个值"),
    (
        r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)",
        "参数 {0}：{1} 不可选，可选 {2}",
    ),
    (r"argument (\S+): ignored explicit argument (.*)", "参数 {0}：不接受值 {1}"),
    (r"argument (\S+): (.*)", "参数 {0}：{1}"),
)


def chosen_language(argv: Sequence[str]) -> str:
    """The ``--language`` given in ``argv`` (also as ``--language=zh`` or ``--lang zh``),
    else the current one; a value that is not a language is left to the parser to refuse."""
    for i, arg in enumerate(argv):
        flag, eq, value = arg.partition("=")
        if len(flag) >= 4 and "--language".startswith(flag):
            value = value if eq else (argv[i + 1] if i + 1 < len(argv) else "")
            if value in LANGUAGES:
                return value
    return get_language()


def in_chinese(message: str) -> str:
    """One of argparse's error messages, in Chinese (unchanged when it is not one of them)."""
    for pattern, zh in _ZH_ERRORS:
        match = re.fullmatch(pattern, message, flags=re.DOTALL)
        if match:
            return zh.format(*match.groups())
    return message


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, text("usage: ", "用法："))


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
                help_text = help_text.replace(f"\n{group.title}:\n", f"\n{group.title}：\n")
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
