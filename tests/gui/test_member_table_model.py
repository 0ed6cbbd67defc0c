"""The member table model without a window: data(), roles, masking and lazy paging."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from desktop.services.members import queries as member_queries
from desktop.services.members import registry as members
from desktop.services.members import writer as member_writer
from desktop.services.members.queries import MemberFilter
from desktop.services.unions import registry as unions
from desktop.views.context import AppContext
from desktop.views.qtmodels import member_table as mt
from desktop.views.qtmodels.member_table import MemberTableModel

from .conftest import valid_id

DISPLAY = Qt.ItemDataRole.DisplayRole


def cell(model: MemberTableModel, row: int, col: int, role: int = DISPLAY) -> Any:
    return model.data(model.index(row, col), role)


def test_columns_show_labels_and_masked_values(ctx: AppContext, registry: dict[str, str]) -> None:
    members.update(ctx.db, registry["张三"], {"phone": "13812341234"})
    model = MemberTableModel(ctx.db, MemberFilter(status="current"), today=date(2026, 11, 21))
    assert model.columnCount() == len(mt.HEADERS)
    assert model.headerData(mt.COL_ID_NUMBER, Qt.Orientation.Horizontal) == "身份证号"
    assert model.rowCount() == 3
    row = model.row_of(registry["张三"])
    assert cell(model, row, mt.COL_NAME) == "张三"
    assert cell(model, row, mt.COL_GENDER) == "男"
    assert cell(model, row, mt.COL_AGE) == "36"
    assert cell(model, row, mt.COL_UNION) == "甲公司工会"
    full_id = valid_id("44030419900101123")
    assert cell(model, row, mt.COL_ID_NUMBER) == full_id[:3] + "*" * 13 + full_id[-2:]
    assert cell(model, row, mt.COL_PHONE) == "138****1234"
    assert cell(model, row, mt.COL_STATUS) == "在会"
    assert cell(model, row, mt.COL_CARD_NO).startswith("CS2026")
    assert cell(model, row, 0, mt.MemberIdRole) == registry["张三"]
    assert cell(model, row, 0, mt.StatusCodeRole) == "active"
    assert cell(model, row, 0, mt.MemberRowRole).name == "张三"
    # The full numbers never reach the model.
    for col in range(model.columnCount()):
        assert full_id not in str(cell(model, row, col))
        assert "13812341234" not in str(cell(model, row, col))
    assert model.data(QModelIndex()) is None
    assert cell(model, 99, mt.COL_NAME) is None


def test_rows_follow_pinyin_order_and_filters(ctx: AppContext, registry: dict[str, str]) -> None:
    model = MemberTableModel(ctx.db)
    shown = [cell(model, r, mt.COL_NAME) for r in range(model.rowCount())]
    assert shown == ["李四", "王五", "张三"]
    model.set_filter(MemberFilter(union_id=registry["乙公司工会"]))
    assert [cell(model, r, mt.COL_NAME) for r in range(model.rowCount())] == ["王五"]
    model.set_filter(MemberFilter(search="zs"))
    assert [cell(model, r, mt.COL_NAME) for r in range(model.rowCount())] == ["张三"]


def test_left_members_are_greyed(ctx: AppContext, registry: dict[str, str]) -> None:
    members.mark_left(ctx.db, registry["李四"], "withdrawn", reason="调离")
    model = MemberTableModel(ctx.db, MemberFilter())
    row = model.row_of(registry["李四"])
    assert cell(model, row, mt.COL_STATUS) == "已退会"
    assert cell(model, row, mt.COL_NAME, Qt.ItemDataRole.ForegroundRole) is not None
    assert cell(model, model.row_of(registry["张三"]), 0, Qt.ItemDataRole.ForegroundRole) is None


def test_large_registry_is_fetched_a_page_at_a_time(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    union = unions.add(ctx.db, "大工会")
    rows = [
        {"name": f"会员{i:05d}", "id_number": f"44030419900101{i:04d}", "union_id": union.id}
        for i in range(5000)
    ]
    with ctx.db.connect() as conn:
        member_writer.insert_rows(conn, rows)
    calls: list[int] = []
    real = member_queries.fetch_page

    def counting(*args: Any, **kwargs: Any) -> list[member_queries.MemberRow]:
        rows = real(*args, **kwargs)
        calls.append(len(rows))
        return rows

    monkeypatch.setattr(member_queries, "fetch_page", counting)
    model = MemberTableModel(ctx.db, MemberFilter(), page_size=200)
    with ctx.db.connect(write=False) as conn:
        total = member_queries.count(conn, MemberFilter())
    assert total == 5000
    assert calls == [200]
    assert model.rowCount() == 200
    assert model.canFetchMore()

    model.fetchMore()
    model.fetchMore()
    assert calls == [200, 200, 200]
    assert model.rowCount() == 600
    assert model.pages_fetched == 3
    # No duplicates and no gaps between pages: keys strictly increase.
    keys = [model.row_at(r).key() for r in range(model.rowCount())]  # type: ignore[union-attr]
    assert keys == sorted(set(keys))

    model.set_filter(MemberFilter(status="current"))
    assert model.rowCount() == 200
    assert sum(calls) == 800 < total


def test_fetch_more_stops_at_the_end(ctx: AppContext, registry: dict[str, str]) -> None:
    model = MemberTableModel(ctx.db, MemberFilter(), page_size=2)
    assert model.rowCount() == 2 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 3
    assert not model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 3


def test_rows_held_past_the_bound_leave_full_collections(
    ctx: AppContext, registry: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deep in a large registry the fetched rows go to the permanent generation, so a
    full collection on the GUI thread does not walk them (a 560 ms pause at 900k rows)."""
    import gc

    monkeypatch.setattr(mt, "FREEZE_FROM", 2)
    gc.unfreeze()
    try:
        model = MemberTableModel(ctx.db, MemberFilter(), page_size=1)
        assert gc.get_freeze_count() == 0  # one row held: under the bound
        model.fetchMore()
        assert model.rowCount() == 2 and gc.get_freeze_count() > 0
        frozen = set(map(id, gc.get_objects()))
        assert all(id(model.row_at(r)) not in frozen for r in range(2))
    finally:
        gc.unfreeze()
