"""Received applications and status-history rows pass the local input rules (a sync
package from another version, or a hostile one, is quarantined, not merged)."""

from __future__ import annotations

from desktop.models import values


def test_received_lifecycle_values_are_checked_like_local_input() -> None:
    assert values.check("applications", {"channel": "fax"})
    assert values.check("applications", {"status": "maybe"})
    assert values.check("applications", {"ethnicity": "99"})
    assert values.check("applications", {"id_number": "123"})
    assert values.check("applications", {"channel": "qr", "status": "rejected"}) == []
    assert values.check("member_status_changes", {"to_status": "vanished"})
    assert values.check("member_status_changes", {"from_status": None, "to_status": "active"}) == []
