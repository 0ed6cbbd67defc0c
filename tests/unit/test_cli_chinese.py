"""The command line speaks Chinese, argparse's own words included (``desktop.arguments``):
a clerk who mistypes a command read 「invalid choice」, 「the following arguments are
required」, 「unrecognized arguments」 and a help page headed 「positional arguments」."""

from __future__ import annotations

import argparse
import ast
import gettext
import inspect
from pathlib import Path

import pytest

from desktop.arguments import MESSAGES, PLURAL_MESSAGES
from desktop.cli import build_parser, main
from desktop.views import app as gui_app

#: What argparse prints in English when a message is not translated.
ENGLISH = (
    "usage:",
    "positional arguments",
    "options:",
    "optional arguments",
    "show this help message",
    "show program's version",
    "invalid choice",
    "unrecognized arguments",
    "the following arguments are required",
    "expected one argument",
    "invalid int value",
    "error:",
)


def _argparse_messages() -> set[str]:
    """Every message the running Python's argparse passes to ``_`` or ``ngettext``."""
    found = set()
    for node in ast.walk(ast.parse(inspect.getsource(argparse))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("_", "ngettext")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found += _parsers(child)
    return found


def _english_in(text: str) -> list[str]:
    return [phrase for phrase in ENGLISH if phrase in text]


def test_every_message_of_this_pythons_argparse_has_its_chinese() -> None:
    known = set(MESSAGES) | set(PLURAL_MESSAGES)
    assert len(_argparse_messages()) > 20  # the scan found argparse's messages at all
    assert _argparse_messages() - known == set()


def test_every_help_page_of_the_cli_is_chinese() -> None:
    pages = {p.prog: p.format_help() for p in _parsers(build_parser())}
    assert len(pages) > 100  # every area and verb
    english = {prog: _english_in(text) for prog, text in pages.items() if _english_in(text)}
    assert english == {}
    assert "显示本帮助并退出" in pages["uniondesk members find"]
    assert "显示版本号并退出" in pages["uniondesk"]
    # --reason is written into the audit trail, which an erasure cannot reach
    assert "请勿写当事人的姓名" in pages["uniondesk members show"]


def test_every_positional_argument_is_named_in_chinese() -> None:
    """A missing one is named in the usage error: 「缺少必须给出的参数：out」 read English."""
    english = [
        f"{p.prog} {a.dest}"
        for p in _parsers(build_parser())
        for a in p._actions
        if not a.option_strings
        and not isinstance(a, argparse._SubParsersAction)
        and not any("\u4e00" <= ch <= "\u9fff" for ch in str(a.metavar or a.dest))
    ]
    assert english == []


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["members", "bogus"], "'bogus' 不是可用的选项"),
        (["members", "find"], "缺少必须给出的参数：查询"),
        (["--frob", "members", "list"], "无法识别的参数：--frob"),
        (["report", "monthly", "--year", "二〇二六", "--month", "1"], "'二〇二六' 不是有效的整数"),
        (["members", "find", "王", "--limit"], "需要给出一个值"),
    ],
)
def test_a_mistyped_command_is_told_in_chinese(
    argv: list[str], said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--data-dir", str(tmp_path / "d"), *argv])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert said in err
    assert "用法：uniondesk" in err and "用法错误：" in err
    assert _english_in(err) == []
    assert not (tmp_path / "d").exists()  # a usage error makes no data folder


def test_help_asked_for_is_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["members", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("用法：uniondesk members")
    assert "显示本帮助并退出" in out and _english_in(out) == []


def test_argparse_is_put_back_for_every_other_parser() -> None:
    """pytest's options and any library's parser in the process keep their own words."""
    with pytest.raises(SystemExit):
        build_parser().parse_args(["members", "--frob"])
    assert vars(argparse)["_"] is gettext.gettext
    assert vars(argparse)["ngettext"] is gettext.ngettext
    plain = argparse.ArgumentParser(prog="plain")
    assert plain.format_help().startswith("usage: plain")


def test_the_windows_start_options_are_told_in_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        gui_app.parse_args(["--data-dir"])
    err = capsys.readouterr().err
    assert "参数 --data-dir：需要给出一个值" in err and _english_in(err) == []


@pytest.mark.parametrize(
    ("typed", "said"),
    [("2023-02-30", "日期「2023-02-30」不存在"), ("去年", "日期应写作 YYYY-MM-DD")],
)
def test_a_date_option_tells_a_day_that_does_not_exist_from_a_wrong_format(
    typed: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["--data-dir", str(tmp_path), "members", "leave", "x", "--status", "withdrawn",
              "--on", typed])  # fmt: skip
    assert said in capsys.readouterr().err


def test_a_date_option_takes_the_ways_clerks_write_a_day() -> None:
    from desktop.cli.common import iso_date

    assert {iso_date(t) for t in ("2026-03-05", "2026/3/5", "2026.3.5", "2026年3月5日")} == {
        __import__("datetime").date(2026, 3, 5)
    }
