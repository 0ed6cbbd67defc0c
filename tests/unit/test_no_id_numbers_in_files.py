"""A clerk's day through the command line — register, look up, export, print, report,
sync, back up, a refused input — and then every file the app wrote outside the
database (logs, temporaries, reports, PDFs, packages, backups) is searched for the full
ID number and phone: none may hold them (issue 23, PIPL). The database and its backups
are encrypted, so they are searched too."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.config import Paths
from desktop.opening import open_database
from desktop.sync import office
from tests.unit.printing.conftest import pdf_text
from tests.unit.spreadsheets.helpers import make_id
from tests.unit.sync.helpers import mesh

ID_NUMBER = make_id(seq=731)
PHONE = "13987654321"
SECRETS = (ID_NUMBER.encode(), PHONE.encode(), ID_NUMBER[-8:].encode())


def _contents(path: Path) -> bytes:
    """What a reader of the file sees: an xlsx's (zip's) parts unpacked, a PDF's text
    (its streams are compressed), else the bytes as they are."""
    data = path.read_bytes()
    if data.startswith(b"PK"):
        with zipfile.ZipFile(path) as archive:
            data += b"".join(archive.read(name) for name in archive.namelist())
    elif data.startswith(b"%PDF") and shutil.which("pdftotext"):
        data += pdf_text(path).encode("utf-8")
    return data


def _leaks(*folders: Path) -> list[str]:
    found = []
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            data = _contents(path)
            found += [f"{path}: {s[:4]!r}…" for s in SECRETS if s in data]
    return found


def _member_id(data: Path) -> str:
    db = open_database(Paths(data))
    try:
        with db.connect(write=False) as conn:
            return str(conn.exec_driver_sql("SELECT id FROM members").scalar_one())
    finally:
        db.close()


def test_no_file_the_app_writes_holds_a_full_id_number_or_phone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, out, partner_dir = tmp_path / "office", tmp_path / "out", tmp_path / "partner"
    out.mkdir()

    def run(*argv: str) -> int:
        return main(["--data-dir", str(data), *argv])

    assert run("init", "--federation", "松山湖园区工会联合会", "--card-prefix", "SS") == 0
    assert run("unions", "add", "甲公司工会") == 0
    assert run("members", "add", "--name", "欧阳明月", "--id-number", ID_NUMBER,
               "--union", "甲公司工会", "--phone", PHONE) == 0  # fmt: skip
    assert run("members", "add", "--name", "欧阳明月", "--id-number", ID_NUMBER,
               "--union", "甲公司工会") == 1  # a duplicate, refused  # fmt: skip
    assert run("members", "find", ID_NUMBER[-6:]) == 0
    assert run("members", "find", "欧阳", "--json") == 0
    assert run("roster", "export", str(out / "名册.xlsx")) == 0
    assert run("print", "cards", str(out / "cards.pdf"), "--union", "甲公司工会") == 0
    member_form = str(out / "登记表.pdf")
    assert run("print", "form", "registration", member_form, "--member", _member_id(data)) == 0
    assert run("report", "annual", "--year", "2026", str(out / "annual.xlsx")) == 0
    assert run("backup", "create") == 0
    terminal = capsys.readouterr()

    db = open_database(Paths(data))
    partner = open_database(Paths(partner_dir))
    (tmp_path / "cards").mkdir()
    mesh([db, partner], tmp_path / "cards")
    package = out / "to-partner.udsync"
    office.export_package(db, package)
    office.import_package(partner, package)
    with partner.connect(write=False) as conn:  # the person did travel, encrypted
        assert conn.exec_driver_sql("SELECT count(*) FROM members").scalar_one() == 1
    db.close()
    partner.close()

    assert ID_NUMBER not in terminal.out + terminal.err and PHONE not in terminal.out
    assert (data / "logs").is_dir()  # the refusal and the commands were logged
    assert _leaks(data, out, partner_dir) == []
