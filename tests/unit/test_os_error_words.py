"""The OS's failures in the clerk's words: its own text (``strerror``) is English on every
PC, and a reader that stops reading (``… | head``) is not the command's failure."""

from __future__ import annotations

import errno
import io
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.errors import storage_error


@pytest.mark.parametrize(
    ("number", "said"),
    [(errno.EBUSY, "文件正被占用"), (errno.EXDEV, "不能跨磁盘移动"), (errno.EPIPE, "已关闭")],
)
def test_an_uncommon_os_error_is_said_in_chinese(number: int, said: str) -> None:
    error = storage_error(OSError(number, "Some English text", "/mnt/u盘/名册.xlsx"))
    assert error is not None
    assert said in error.message and "「/mnt/u盘/名册.xlsx」" in error.message
    assert "English" not in error.message


def test_an_unknown_errno_gives_its_number_not_english() -> None:
    error = storage_error(OSError(4242, "Weird failure", "x.pdf"))
    assert error is not None and "系统错误码 4242" in error.message
    assert "Weird" not in error.message


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")


def test_a_reader_that_stops_reading_ends_the_command_quietly(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["--data-dir", str(data_dir), "init", "--federation", "测试工会联合会"]) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdout", _ClosedPipe())
    code = main(["--data-dir", str(data_dir), "members", "list", "--json"])
    assert code == 0
    assert capsys.readouterr().err == ""  # not 「无法读写文件（Broken pipe）」
