"""The federations a registry holds, as the window's filters offer them."""

from __future__ import annotations

import pytest

from desktop.services.unions import federations, scope
from desktop.storage.database import Database


def test_an_offices_own_federation_alone_is_offered_without_ordering(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ordering needs pypinyin's dictionaries (~0.35 s on the window's cold start, where
    the dashboard's filter asks); one federation needs no order."""
    federations.create(db, "某某园区工会联合会", card_prefix="GH")

    def refuse(name: str) -> str:
        raise AssertionError(f"ordered a single federation ({name})")

    monkeypatch.setattr(scope, "union_sort_key", refuse)
    [only] = scope.held(db)
    assert only.own and only.name == "某某园区工会联合会" and only.unions == 0
