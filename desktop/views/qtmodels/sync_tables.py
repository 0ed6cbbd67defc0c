"""Trusted offices and the history of packages: small tables for the 数据同步 page."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.storage.database import Database
from desktop.sync import office
from desktop.sync.office import Peer
from desktop.views.sync import labels

Index = QModelIndex | QPersistentModelIndex

PEER_NAME = 0
PEER_FINGERPRINT = 1
PEER_STATUS = 2
PEER_NODE = 3
PEER_HEADERS = ("单位名称", "指纹", "状态", "节点编号")

RECEIPT_AT = 0
RECEIPT_DIRECTION = 1
RECEIPT_PEER = 2
RECEIPT_FILE = 3
RECEIPT_SUMMARY = 4
RECEIPT_HEADERS = ("时间", "收/发", "对方单位", "文件", "内容")
QUARANTINE_HEADERS = ("发现时间", "来源单位", "记录", "字段", "原因")

PeerRole = Qt.ItemDataRole.UserRole + 1


def peer_status(
    p: Peer, roots: frozenset[str] = frozenset(), names: dict[str, str] | None = None
) -> str:
    if not p.trusted:
        return "未登记（经转发得知）"
    if p.revoked_after is not None:
        return f"已撤销：只接受计数 ≤ {p.revoked_after} 的修改"
    if p.node_id in roots:
        return "信任（上级根密钥，可为下级单位签发证书）"
    introduces = "，可引荐其他单位" if p.may_introduce else ""
    if p.certified_by:
        root = (names or {}).get(p.certified_by) or p.certified_by[:8]
        return f"信任（由「{root}」的单位证书认证{introduces}）"
    return "信任（可引荐其他单位）" if p.may_introduce else "信任"


class _Table(QAbstractTableModel):
    headers: tuple[str, ...] = ()

    def __init__(self, db: Database, parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self._rows: list[tuple[Any, tuple[str, ...]]] = self.load()

    def load(self) -> list[tuple[Any, tuple[str, ...]]]:
        raise NotImplementedError

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = self.load()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return None

    def item_at(self, row: int) -> Any:
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item, texts = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return texts[index.column()] if index.column() < len(texts) else None
        if role == PeerRole:
            return item
        return None


class PeerTableModel(_Table):
    """Enrolled offices (trusted first); origins only seen through relays come last."""

    headers = PEER_HEADERS
    roots: frozenset[str] = frozenset()  # offices accepted as roots, as of the last load

    def load(self) -> list[tuple[Any, tuple[str, ...]]]:
        found = office.peers(self._db)
        peers, roots = found.peers, found.roots
        self.roots = roots
        names = {p.node_id: p.name for p in peers}
        return [
            (
                p,
                (
                    p.name or "（未命名单位）",
                    p.fingerprint,
                    peer_status(p, roots, names),
                    p.node_id,
                ),
            )
            for p in peers
        ]


class ReceiptTableModel(_Table):
    headers = RECEIPT_HEADERS

    def load(self) -> list[tuple[Any, tuple[str, ...]]]:
        receipts = office.receipts(self._db)
        if not receipts:
            return []
        nodes = labels.NodeNames(self._db)
        return [
            (
                r,
                (
                    labels.local_time(r.at),
                    "发出" if r.direction == "out" else "收到",
                    nodes.many(r.peer),
                    r.file_name,
                    labels.receipt_summary(r.direction, r.summary),
                ),
            )
            for r in receipts
        ]


class QuarantineTableModel(_Table):
    """Received changes kept out of the data for invalid values, with their origin."""

    headers = QUARANTINE_HEADERS

    def load(self) -> list[tuple[Any, tuple[str, ...]]]:
        items = office.quarantined(self._db)
        return [
            (
                q,
                (
                    labels.local_time(q.detected_at),
                    f"{q.office or '（未命名单位）'}"
                    f"（节点 {q.origin[:8]}…，第 {q.counter} 号修改）",
                    f"{q.table_label} {q.row_id}",
                    q.field_label,
                    q.reason,
                ),
            )
            for q in items
        ]
