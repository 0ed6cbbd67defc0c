"""A received legal-aid case or honour is checked like local input before a merge may
use it: a malformed phone or a NULL type is quarantined, never applied."""

from __future__ import annotations

from desktop.models import values


def test_received_case_values_are_checked() -> None:
    assert values.check("legal_cases", {"applicant_phone": "13912345678"}) == []
    [bad] = values.check("legal_cases", {"applicant_phone": "123"})
    assert bad.field == "applicant_phone" and "123" not in bad.reason
    assert [i.field for i in values.check("legal_cases", {"case_type": None})] == ["case_type"]
    assert [i.field for i in values.check("honours", {"year": "去年"})] == ["year"]
    assert values.table_label("legal_cases") == "法律援助案件"
