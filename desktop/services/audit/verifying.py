"""``audit verify``: walk the chain and name the first broken entry.

Checks, oldest first: each entry's own hash (an edited field, or a missing hash:
「内容被改动」), each entry's link to the one before it (a link naming an entry found
elsewhere in the trail: 「顺序被调换」; a link naming no entry: 「之前有记录被删除」),
then the anchor kept outside the database (``anchor.py``): the newest entry this PC saw
committed must still be there, unchanged (else 「末尾记录被截去」). Entries written after
the anchor (a crash before the anchor was written, another process's last write) are
counted as not yet anchored, not as broken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from desktop import acting
from desktop.services.audit import chain
from desktop.services.audit.anchor import read_anchor
from desktop.storage.database import Database

EDITED = "edited"
MISSING = "missing"
OUT_OF_ORDER = "out_of_order"
TAIL_CUT = "tail_cut"


@dataclass(frozen=True)
class Break:
    """The first broken entry: which, when (local time text) and what is wrong."""

    kind: str
    entry_id: int
    occurred_at: str
    message: str


@dataclass(frozen=True)
class Verdict:
    count: int
    broken: Break | None
    anchored: bool  # False: this PC holds no anchor for this database (copied, new)
    unanchored: int  # entries after the anchor (not yet anchored, not broken)

    @property
    def ok(self) -> bool:
        return self.broken is None

    @property
    def message(self) -> str:
        if self.broken is not None:
            return f"审计记录不完整：{self.broken.message}"
        text = f"审计记录完整，共 {self.count} 条"
        if not self.anchored and self.count:
            text += "（本机没有这份记录的末尾锚点，无法确认末尾是否被截去）"
        elif self.unanchored:
            text += f"（最新 {self.unanchored} 条尚未记入本机锚点）"
        return text


def local_time(stored: str) -> str:
    """A stored UTC time as the clerk's local time; the raw text if it is not one."""
    try:
        at = datetime.strptime(stored, chain.TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return stored
    return at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _where(entry: chain.StoredEntry) -> str:
    return f"第 {entry.id} 条（{local_time(entry.occurred_at)}）"


def verify(db: Database) -> Verdict:
    """The whole trail checked (administrators only, once accounts exist)."""
    acting.require(acting.ADMINISTER)
    anchor = read_anchor(db)
    count = 0
    expected = chain.GENESIS
    last: chain.StoredEntry | None = None
    at_anchor: chain.StoredEntry | None = None
    unanchored = 0
    with db.connect(write=False) as conn:
        rows = conn.exec_driver_sql(f"{chain.SELECT_ALL} ORDER BY id")
        for row in rows:
            entry = chain.read_stored(row)
            if entry.hash is None or chain.entry_hash(entry) != entry.hash:
                return _broken(count, EDITED, entry, f"{_where(entry)}的内容被改动")
            if entry.prev_hash != expected:
                moved = conn.exec_driver_sql(
                    "SELECT id FROM audit_log WHERE hash = ?", (entry.prev_hash,)
                ).scalar()
                if moved is not None:
                    return _broken(
                        count,
                        OUT_OF_ORDER,
                        entry,
                        f"{_where(entry)}的顺序被调换（它原本接在第 {moved} 条之后）",
                    )
                gap = f"第 {last.id} 条与{_where(entry)}之间" if last else f"{_where(entry)}之前"
                return _broken(count, MISSING, entry, f"{gap}有记录被删除")
            expected = entry.hash
            count += 1
            last = entry
            if anchor is not None:
                if entry.id == anchor.id:
                    at_anchor = entry
                elif entry.id > anchor.id:
                    unanchored += 1
    if anchor is None:
        return Verdict(count, None, anchored=False, unanchored=0)
    if at_anchor is None or at_anchor.hash != anchor.hash:
        now = f"现存最后一条是{_where(last)}" if last is not None else "现在一条也没有"
        what = "被截去" if at_anchor is None else "被截去后又重写"
        message = f"末尾记录{what}：本机记下的最新一条是第 {anchor.id} 条，{now}"
        entry_id = anchor.id if at_anchor is None else at_anchor.id
        when = local_time(at_anchor.occurred_at) if at_anchor is not None else ""
        return Verdict(count, Break(TAIL_CUT, entry_id, when, message), True, 0)
    return Verdict(count, None, anchored=True, unanchored=unanchored)


def _broken(count: int, kind: str, entry: chain.StoredEntry, message: str) -> Verdict:
    return Verdict(count, Break(kind, entry.id, local_time(entry.occurred_at), message), True, 0)
