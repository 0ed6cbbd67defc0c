"""An erasure received by package reaches what a local one does: the legal-aid case's
free text and documents, the honour's notes, and every photo the person ever had
(one taken on the receiving office before it heard of the erasure included).

The clerk's day: office A records 张三's case, files his scan, records his honour, and
attaches two photos over two weeks, sending a package to office B after each; then A
erases him at his request and sends the next package."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from desktop.services.erasure import records as erasure
from desktop.services.legal import cases as legal
from desktop.services.legal import documents
from desktop.services.members import photos
from desktop.storage.database import Database
from desktop.sync import export as ex
from desktop.sync import importer
from tests.unit.sync.helpers import mesh, state_hash
from tests.unit.test_erasure_case_text import DOCUMENT, SECRETS, _clerks_day
from tests.unit.test_photo_bytes import picture, stored_pictures

_sent = [0]


def send(src: Database, dst: Database, folder: Path) -> Path:
    _sent[0] += 1
    path = folder / f"case{_sent[0]}.udsync"
    ex.export(src, path)
    importer.import_file(dst, path)
    return path


def _log(db: Database) -> str:
    with db.connect(write=False) as conn:
        return "\n".join(conn.exec_driver_sql("SELECT fields FROM sync_change").scalars())


def test_the_receiving_office_erases_the_case_text_files_and_every_photo(
    db_factory,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    a, b = db_factory("a"), db_factory("b")
    mesh([a, b], tmp_path)
    rows = _clerks_day(a)
    first = photos.attach(a, rows["member"], "photo1.png", picture("navy"))
    send(a, b, tmp_path)
    second = photos.attach(a, rows["member"], "photo2.png", picture("teal"))
    send(a, b, tmp_path)
    document = hashlib.sha256(DOCUMENT).hexdigest()
    assert {second, document} <= stored_pictures(b)  # B received the picture and the scan
    assert first not in stored_pictures(b)  # replaced on A: gone on B as well
    assert legal.get_case(b, rows["case"]).summary is not None

    # B's clerk takes a better photo before B hears of the erasure: a stale package
    # and files one more scan with his case
    third = photos.attach(b, rows["member"], "photo3.png", picture("maroon"))
    [late] = documents.add_documents(b, rows["case"], [("补充材料.pdf", b"%PDF-1.4 LATE-SCAN")])
    _sent[0] += 1
    stale = tmp_path / f"case{_sent[0]}.udsync"
    ex.export(b, stale)

    erasure.erase(a, rows["member"], "request")
    importer.import_file(a, stale)  # arrives after the erasure: brings no picture back
    assert third not in stored_pictures(a) and stored_pictures(a) == set()  # nor the late scan
    assert documents.list_documents(a, rows["case"]) == []
    package = send(a, b, tmp_path)
    send(b, a, tmp_path)

    for pc in (a, b):
        case = legal.get_case(pc, rows["case"])
        assert (case.summary, case.employer, case.notes) == (None, None, None), pc
        assert documents.list_documents(pc, rows["case"]) == []
        assert stored_pictures(pc) == set(), pc  # the scan and both photos, on both offices
        log = _log(pc)
        assert not [s for s in (*SECRETS, late.file_name) if s in log], pc
    assert state_hash(a) == state_hash(b)
    with b.connect(write=False) as conn:  # the package carried the erasure, not the text
        pkg = importer.decrypt_and_verify(conn, package)
    carried = json.dumps([c.fields for s in pkg.segments for c in s.changes], ensure_ascii=False)
    assert not [s for s in (*SECRETS, "补充材料") if s in carried] and not pkg.attachments
