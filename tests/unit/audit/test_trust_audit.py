"""Trust decisions are sensitive acts: whose packages this office accepts (enrol, root,
introducer, revoke, certificates) is recorded in the audit trail, with the office's
name, node and fingerprint (no personal data)."""

from __future__ import annotations

from pathlib import Path

from desktop.services import audit
from desktop.sync import office
from tests.unit.sync.helpers import card_path, node_of


def test_enrol_introducer_root_and_revoke_are_audited(db_factory: object, tmp_path: Path) -> None:
    a, b = db_factory("a"), db_factory("b")  # type: ignore[operator]
    card, fingerprint = card_path(b, tmp_path)
    node = node_of(b)
    office.enrol(a, card, fingerprint)
    office.set_introducer(a, node, True)
    office.set_introducer(a, node, False)
    office.revoke(a, node)
    details = [e.detail for e in audit.entries(a, audit.AuditFilter(action=audit.SYNC_TRUST))]
    assert len(details) == 4, details
    enrolled = details[-1]  # newest first
    assert "登记信任单位" in enrolled and node[:8] in enrolled and fingerprint in enrolled
    assert any("允许转交" in d for d in details) and any("不再允许转交" in d for d in details)
    assert "撤销信任" in details[0] and node[:8] in details[0]
    assert audit.verify(a).ok
