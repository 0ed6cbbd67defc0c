"""Node id → what a clerk calls that office: the name enrolled here, 本机, or a short id.

A package's sender and an export's recipients are node ids; the window's 收发记录 and
``uniondesk sync history`` name them the same way.
"""

from __future__ import annotations

from desktop.storage.database import Database
from desktop.sync import office


class NodeNames:
    """Node id → the office name a clerk enrolled, this PC, or a short id."""

    def __init__(self, db: Database) -> None:
        known = office.known_offices(db)
        self.own = set(known.own)
        self.names = dict(known.names)

    def __call__(self, node: str) -> str:
        if node in self.own:
            return "本机"
        name = self.names.get(node)
        return name if name else f"节点 {node[:8]}"

    def many(self, nodes: str) -> str:
        """Comma-joined node ids (an export's recipients) as 「甲、乙」."""
        parts = [self(n) for n in nodes.split(",") if n]
        return "、".join(parts) if parts else "（仅本机）"
