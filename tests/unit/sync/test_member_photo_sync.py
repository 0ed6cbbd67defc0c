"""Member photos travel in sync packages by content: once per photo, however many
members carry it."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import text

from desktop.services.members import photos
from desktop.storage.database import Database
from desktop.sync import export as ex
from desktop.sync import importer
from tests.unit.sync.helpers import add_federation, add_member, add_union, mesh, state_hash


def _attachments(db: Database) -> list[str]:
    with db.connect(write=False) as conn:
        return [str(s) for s in conn.execute(text("SELECT sha256 FROM attachments")).scalars()]


def test_a_photo_travels_once_and_lands_on_both_members(db_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b = db_factory("a"), db_factory("b")
    mesh([a, b], tmp_path)
    uid = add_union(a, add_federation(a))
    first, second = add_member(a, uid, "张三", "1"), add_member(a, uid, "李四", "2")
    out = io.BytesIO()
    Image.new("RGB", (300, 400), "navy").save(out, "PNG")
    sha = photos.attach(a, first, "a.png", out.getvalue())
    assert photos.attach(a, second, "a.png", out.getvalue()) == sha
    path = tmp_path / "p.udsync"
    ex.export(a, path)
    result = importer.import_file(b, path)
    assert result.counts["attachments"] == 1  # one photo, two members: carried once
    assert _attachments(a) == _attachments(b) == [sha]
    assert photos.photo_of(b, second) == photos.photo_of(a, first)
    assert state_hash(a) == state_hash(b)


def test_a_photo_replaced_elsewhere_leaves_no_old_picture_here(db_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The clerk at A attaches a snapshot, B receives it; a week later A replaces it with
    a proper ID photo: B, receiving the replacement, keeps only the new picture (as A
    does), unless another record there still shows the old one."""
    a, b = db_factory("a"), db_factory("b")
    mesh([a, b], tmp_path)
    uid = add_union(a, add_federation(a))
    member, other = add_member(a, uid, "张三", "1"), add_member(a, uid, "李四", "2")
    pictures = []
    for colour in ("navy", "teal", "olive"):
        out = io.BytesIO()
        Image.new("RGB", (300, 400), colour).save(out, "PNG")
        pictures.append(out.getvalue())
    snapshot = photos.attach(a, member, "a.png", pictures[0])
    shared = photos.attach(a, other, "b.png", pictures[2])
    ex.export(a, tmp_path / "1.udsync")
    importer.import_file(b, tmp_path / "1.udsync")
    assert set(_attachments(b)) == {snapshot, shared}
    proper = photos.attach(a, member, "a2.png", pictures[1])
    assert photos.attach(a, member, "a3.png", pictures[2]) == shared  # now both show it
    ex.export(a, tmp_path / "2.udsync")
    importer.import_file(b, tmp_path / "2.udsync")
    assert set(_attachments(b)) == set(_attachments(a)) == {shared}
    assert proper not in _attachments(b)
    assert photos.photo_of(b, member) == photos.photo_of(b, other) is not None
