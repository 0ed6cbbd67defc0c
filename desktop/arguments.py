"""Command-line parsing that speaks Chinese: argparse's own words, not only ours.

Every string argparse prints itself — ``usage:``, the section titles, ``-h``'s help, and
its errors (``invalid choice``, ``the following arguments are required``, ``unrecognized
arguments``, ``expected one argument`` …) — goes through gettext's ``_``/``ngettext`` in
the ``argparse`` module, so that a program can translate it. gettext finds a catalogue
only through locale environment variables (``LANGUAGE``, ``LANG``) that an office's
Windows PC does not set, and a compiled ``.mo`` would be a build step; so the catalogue is
here, as a table, and :class:`ChineseArgumentParser` puts it in argparse's place while it
builds, parses and prints, then puts argparse back (other parsers in the process, pytest's
among them, are left alone). The CLI and the window's start-up options both use it.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

#: argparse's messages (Python 3.11–3.13) in Chinese. A message missing here is printed
#: in English; ``tests/unit/test_arguments.py`` fails if the running Python's argparse
#: has one that is not in this table.
MESSAGES: Mapping[str, str] = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "optional arguments": "选项",
    "subcommands": "子命令",
    "%(heading)s:": "%(heading)s：",
    " (default: %(default)s)": "（默认：%(default)s）",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "%(prog)s: warning: %(message)s\n": "%(prog)s：警告：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必须给出的参数：%s",
    "one of the arguments %s is required": "参数 %s 必须给出其中一个",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "%(value)r 不是可用的选项（可选：%(choices)s）"
    ),
    "invalid %(type)s value: %(value)r": "%(value)r 不是有效的%(type)s",
    "expected one argument": "需要给出一个值",
    "expected at most one argument": "最多给出一个值",
    "expected at least one argument": "至少给出一个值",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "这个选项不带值，却给出了 %r",
    "ambiguous option: %(option)s could match %(matches)s": (
        "选项 %(option)s 不明确，可能是 %(matches)s"
    ),
    "unexpected option string: %s": "不应出现的选项：%s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "没有命令 %(parser_name)r（可用：%(choices)s）"
    ),
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "argument '%(argument_name)s' is deprecated": "参数“%(argument_name)s”已不再使用",
    "option '%(option)s' is deprecated": "选项“%(option)s”已不再使用",
    "command '%(parser_name)s' is deprecated": "命令“%(parser_name)s”已不再使用",
    # Mistakes in our own parser declarations, not a clerk's input; translated so that
    # nothing argparse can say is left in English.
    ".__call__() not defined": ".__call__() 未定义",
    "conflicting subparser: %s": "子命令重复：%s",
    "conflicting subparser alias: %s": "子命令别名重复：%s",
    "cannot merge actions - two groups are named %r": "无法合并：两个参数组都叫 %r",
    "'required' is an invalid argument for positionals": "位置参数不能设置 required",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r": (
        "选项 %(option)r 无效：必须以 %(prefix_chars)r 中的字符开头"
    ),
    "dest= is required for options like %r": "像 %r 这样的选项必须给出 dest=",
    "invalid conflict_resolution value: %r": "conflict_resolution 的值无效：%r",
    "mutually exclusive arguments must be optional": "互斥的参数必须是可选的",
    "cannot have multiple subparser arguments": "不能有多组子命令",
    "%r is not callable": "%r 不可调用",
    'argument "-" with mode %r': "参数“-”不能以 %r 方式打开",
}

#: Plural messages (``ngettext``): Chinese has one form.
PLURAL_MESSAGES: Mapping[str, str] = {
    "expected %s argument": "需要给出 %s 个值",
    "conflicting option string: %s": "选项重复：%s",
}

#: Names of the value types argparse reports in ``invalid %(type)s value``.
TYPE_NAMES: Mapping[str, str] = {"int": "整数", "float": "数字", "str": "文字"}


class _TypedTemplate(str):
    """The Chinese ``invalid %(type)s value`` template: argparse fills ``type`` with the
    converter's ``__name__`` (``int``); the clerk reads 整数."""

    def __mod__(self, values: Any) -> str:
        if isinstance(values, dict) and "type" in values:
            values = {**values, "type": TYPE_NAMES.get(values["type"], values["type"])}
        return str.__mod__(self, values)


def translate(message: str) -> str:
    """argparse's ``_``: the Chinese of one of its messages (itself when unknown)."""
    chinese = MESSAGES.get(message, message)
    return _TypedTemplate(chinese) if message == "invalid %(type)s value: %(value)r" else chinese


def translate_plural(singular: str, plural: str, n: int) -> str:
    """argparse's ``ngettext``."""
    return PLURAL_MESSAGES.get(singular, singular if n == 1 else plural)


#: argparse's module namespace, where its functions look ``_`` and ``ngettext`` up.
_ARGPARSE = vars(argparse)
_lock = threading.RLock()
_depth = 0
_saved: tuple[Any, Any] | None = None


@contextmanager
def speaking_chinese() -> Iterator[None]:
    """argparse's messages in Chinese inside the block (re-entrant: a subcommand's parser
    parses inside its parent's parse)."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = (_ARGPARSE["_"], _ARGPARSE["ngettext"])
            _ARGPARSE["_"], _ARGPARSE["ngettext"] = translate, translate_plural
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                _ARGPARSE["_"], _ARGPARSE["ngettext"] = _saved
                _saved = None


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose every printed word is Chinese; usage errors exit 2 with
    「用法错误：…」 after the usage line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with speaking_chinese():  # the section titles and -h's help are made here
            super().__init__(*args, **kwargs)

    def parse_args(  # type: ignore[override]  # typeshed: overloads on namespace
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        with speaking_chinese():  # 「unrecognized arguments」 is said here
            return super().parse_args(args, namespace)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        with speaking_chinese():  # errors, and -h's help printed while parsing
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with speaking_chinese():
            return super().format_usage()

    def format_help(self) -> str:
        with speaking_chinese():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"用法错误：{message}", file=sys.stderr)
        raise SystemExit(2)
