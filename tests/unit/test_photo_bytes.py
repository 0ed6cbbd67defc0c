"""A member's picture goes when the photo does: replacing or removing it drops the old
bytes unless another record still shows them, and 个人信息删除 drops every photo the
record ever had — even ones replaced long ago that only the change log still named.

The clerk's day: 换照片人 joins with a phone snapshot, brings a proper ID photo a week
later (replaced), then asks to be erased; a colleague's photo is removed from her record."""

from __future__ import annotations

import pytest

from desktop.services.erasure import records as erasure
from desktop.services.members import photos
from desktop.services.members import registry as members
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database
from tests.unit.test_member_photos import picture as any_picture

pytestmark = pytest.mark.both_engines


def picture(colour: str) -> bytes:
    """A passport-shaped PNG of one colour (a different colour: different bytes)."""
    return any_picture(300, 400, "PNG", colour)


def stored_pictures(db: Database) -> set[str]:
    with db.connect(write=False) as conn:
        return {str(s) for s in conn.exec_driver_sql("SELECT sha256 FROM attachments").scalars()}


@pytest.fixture
def two_members(db: Database) -> tuple[str, str]:
    federations.create(db, "测试园区工会联合会", card_prefix="GH")
    uid = unions.add(db, "长名字工会", industry="C", ownership="170").id
    first = members.add(
        db, {"name": "换照片人", "id_number": "370102197706157442", "union_id": uid}
    )
    second = members.add(db, {"name": "李四", "id_number": "11010519491231002X", "union_id": uid})
    return first[0].id, second[0].id


def test_replacing_and_removing_a_photo_drops_the_old_picture(
    db: Database, two_members: tuple[str, str]
) -> None:
    member, _other = two_members
    snapshot = photos.attach(db, member, "photo1.png", picture("navy"))
    proper = photos.attach(db, member, "photo2.png", picture("teal"))
    assert stored_pictures(db) == {proper}  # the replaced snapshot went
    photos.remove(db, member)
    assert stored_pictures(db) == set() and snapshot != proper


def test_a_picture_another_member_still_shows_is_kept(
    db: Database, two_members: tuple[str, str]
) -> None:
    member, other = two_members
    shared = photos.attach(db, member, "photo.png", picture("navy"))
    assert photos.attach(db, other, "same.png", picture("navy")) == shared
    photos.remove(db, member)
    assert stored_pictures(db) == {shared} and photos.photo_of(db, other) is not None


def test_erasure_drops_every_photo_the_record_ever_had(
    db: Database, two_members: tuple[str, str]
) -> None:
    member, other = two_members
    kept = photos.attach(db, other, "colleague.png", picture("olive"))
    photos.attach(db, member, "photo1.png", picture("navy"))
    photos.attach(db, member, "photo2.png", picture("teal"))
    erasure.erase(db, member, "request")
    assert stored_pictures(db) == {kept}
