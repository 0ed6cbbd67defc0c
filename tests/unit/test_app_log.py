"""The error log in the data folder: written, rotated, owner-only, never a personal value."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop import app_log
from desktop.cli import main
from desktop.config import resolve_paths

NAME = "欧阳秀英"
ID_NUMBER = "440304199001015410"
PHONE = "13812345678"
UNION = "华强电子有限公司工会"


@pytest.fixture(autouse=True)
def _no_leftover_handlers() -> Iterator[None]:
    """Each test's log handler is taken off again (they are process-wide)."""
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    yield
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def _flush() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def test_lines_are_scrubbed_and_exceptions_keep_only_type_and_place(tmp_path: Path) -> None:
    target = app_log.start(resolve_paths(tmp_path / "data"))
    log = logging.getLogger("desktop.tests.app_log")
    log.info("backup written")
    log.warning("a value slipped into a log call: %s %s", ID_NUMBER, PHONE)
    try:
        raise ValueError(f"{NAME} {ID_NUMBER} cannot be stored")
    except ValueError as exc:
        app_log.unexpected("a test", exc)
    _flush()
    text = target.read_text("utf-8")
    assert "backup written" in text
    assert "[身份证号已隐去] [手机号已隐去]" in text
    assert "unexpected ValueError in a test" in text
    assert "ValueError（说明文字不记录）" in text and "test_app_log.py" in text
    for value in (NAME, ID_NUMBER, PHONE, "cannot be stored"):
        assert value not in text


def test_the_log_is_owner_only_and_rotates(tmp_path: Path) -> None:
    target = app_log.start(resolve_paths(tmp_path / "data"))
    log = logging.getLogger("desktop.tests.app_log")
    for i in range(app_log.MAX_BYTES // 500 + 200):
        log.warning("line %d %s", i, "x" * 480)
    _flush()
    generations = sorted(target.parent.glob(app_log.LOG_NAME + "*"))
    assert [p.name for p in generations][:2] == [app_log.LOG_NAME, app_log.LOG_NAME + ".1"]
    assert len(generations) <= app_log.BACKUPS + 1
    for path in generations:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.stat().st_size <= app_log.MAX_BYTES
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700


def test_starting_twice_adds_one_handler(tmp_path: Path) -> None:
    paths = resolve_paths(tmp_path / "data")
    target = app_log.start(paths)
    app_log.start(paths)
    ours = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.FileHandler) and Path(h.baseFilename) == target
    ]
    assert len(ours) == 1


def test_a_clerks_day_on_the_command_line_leaves_no_personal_value_in_the_log(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Adding, finding and exporting members, a refusal that quotes the input, and a bug
    whose message carries the name: the log has the bug's type and place, nothing else."""

    def run(*args: str) -> int:
        code = main(["--data-dir", str(data_dir), *args])
        capsys.readouterr()
        return code

    assert run("init", "--federation", "测试园区工会联合会", "--card-prefix", "GH") == 0
    assert run("unions", "add", UNION, "--industry", "C") == 0
    member = ["--name", NAME, "--id-number", ID_NUMBER, "--union", UNION, "--phone", PHONE]
    assert run("members", "add", *member) == 0
    assert run("members", "add", *member) == 1  # the same ID number again: refused
    assert run("members", "find", NAME[:2]) == 0
    assert (
        run("roster", "export", str(data_dir / "名册.xlsx"), "--unmasked", "--reason", "报送") == 0
    )

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ValueError(f"{NAME} {ID_NUMBER} {PHONE} cannot be used in worksheets.")

    monkeypatch.setattr("desktop.services.rosters.export.export_members", broken)
    assert run("roster", "export", str(data_dir / "x.xlsx")) == 1
    _flush()
    text = app_log.log_file(resolve_paths(data_dir)).read_text("utf-8")
    assert "unexpected ValueError" in text
    for value in (NAME, ID_NUMBER, PHONE, ID_NUMBER[-6:], "cannot be used"):
        assert value not in text
