"""GUI fixtures: an AppContext over a fresh database, a synchronous task runner, and
message boxes replaced by recorders (no test ever blocks on a modal box)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from stdnum.cn import ric

from desktop import APP_TITLE
from desktop.services.members import registry as members
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database
from desktop.views.app import install_font
from desktop.views.context import AppContext
from desktop.views.tasks import SyncTaskRunner
from desktop.views.translations import install_chinese
from desktop.views.widgets import messages

# The offscreen platform plugin warns about a window-manager feature it lacks; that is
# not our warning, every other Qt warning still fails the test.
OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/gui/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


def valid_id(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def bad_check_digit(first17: str) -> str:
    good = ric.calc_check_digit(first17 + "0")
    return first17 + ("1" if good != "1" else "2")


@dataclass
class Boxes:
    """What the code under test asked the message seam to show."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)
    answer: bool = True
    # The yes=/no= button labels of each confirm (empty when 是/否).
    buttons: list[dict[str, str | None]] = field(default_factory=list)

    def kinds(self) -> list[str]:
        return [k for k, _t, _x in self.shown]


@pytest.fixture(scope="session", autouse=True)
def chinese_qt(qapp: QApplication) -> QApplication:
    """The test application made like the real one: display name 工会桌面通, Qt's
    Chinese catalogue and the bundled CJK application font installed, so dialogs under
    test read and measure as the clerk sees them. The font is set here for the whole
    session: a test that installs it on its own (``test_font_is_the_bundled_cjk_font``)
    would otherwise change text widths, hence click targets, for every test after it."""
    qapp.setApplicationDisplayName(APP_TITLE)
    assert install_chinese(qapp)
    assert install_font(qapp) is not None
    return qapp


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:
    rec = Boxes()

    def recorder(kind: str) -> Any:
        def show(_parent: Any, title: str, text: str) -> None:
            rec.shown.append((kind, title, text))

        return show

    for kind in ("inform", "warn", "error"):
        monkeypatch.setattr(messages, kind, recorder(kind))

    def confirm(_parent: Any, title: str, text: str, **buttons: str | None) -> bool:
        rec.shown.append(("confirm", title, text))
        rec.buttons.append(buttons)
        return rec.answer

    monkeypatch.setattr(messages, "confirm", confirm)
    return rec


@pytest.fixture
def ctx(db: Database, qapp: Any, boxes: Boxes) -> Iterator[AppContext]:
    """A context whose database has a federation but no unions or members."""
    federations.create(db, "测试街道总工会", card_prefix="CS")
    context = AppContext(db, SyncTaskRunner())
    yield context
    context.deleteLater()


@pytest.fixture
def registry(ctx: AppContext) -> dict[str, str]:
    """Two unions and three members; returns names → ids."""
    db = ctx.db
    a = unions.add(db, "甲公司工会")
    b = unions.add(db, "乙公司工会")
    ids = {"甲公司工会": a.id, "乙公司工会": b.id}
    for name, id17, union in (
        ("张三", "44030419900101123", a.id),
        ("李四", "44030419850615234", a.id),
        ("王五", "44030419950310345", b.id),
    ):
        record, _ = members.add(
            db, {"name": name, "id_number": valid_id(id17), "union_id": union, "phone": None}
        )
        ids[name] = record.id
    return ids


@pytest.fixture
def no_usb(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sync wizards list removable drives first; tests never see the machine's own."""
    from desktop.views.sync import files

    monkeypatch.setattr(files, "removable_volumes", lambda: [])


@pytest.fixture
def make_pc(db_factory: Any, qapp: Any, boxes: Boxes, no_usb: None) -> Iterator[Any]:
    """Another office's PC: ``make_pc("a", "甲街道总工会")`` gives its AppContext."""
    made: list[AppContext] = []

    def make(name: str, office: str) -> AppContext:
        db: Database = db_factory(name)
        federations.create(db, office, card_prefix=name.upper())
        ctx = AppContext(db, SyncTaskRunner())
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.deleteLater()
