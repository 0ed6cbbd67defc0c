"""desktop.models loads its entities lazily; every way in still sees every table."""

from __future__ import annotations

import subprocess
import sys

import pytest

import desktop.models


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return done.stdout.strip()


def _all_tables() -> str:
    return _run("from desktop.models import Base\nprint(' '.join(sorted(Base.metadata.tables)))")


def test_package_names_resolve_to_the_entities() -> None:
    from desktop.models.member import Member
    from desktop.models.union import Union

    assert desktop.models.Member is Member and desktop.models.Union is Union
    assert set(desktop.models.__all__) <= set(dir(desktop.models))


def test_unknown_names_are_still_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="NoSuchEntity"):
        _ = desktop.models.NoSuchEntity  # type: ignore[attr-defined]


def test_synced_tables_from_base_alone_sees_every_entity() -> None:
    """Change capture imports ``synced_tables`` from ``base``, not from the package."""
    alone = _run(
        "from desktop.models.base import synced_tables\nprint(' '.join(sorted(synced_tables())))"
    )
    full = _run(
        "import desktop.models as m\nm.load_all()\nprint(' '.join(sorted(m.synced_tables())))"
    )
    assert alone == full
    assert {"members", "unions", "activities", "sites"} <= set(alone.split())


def test_first_orm_use_after_one_entity_import_sees_every_table() -> None:
    """Foreign keys name tables of other modules; the ORM must know them all."""
    tables = _run(
        "import desktop.models.activity\n"
        "from sqlalchemy.orm import configure_mappers\n"
        "from desktop.models.base import Base\n"
        "before = len(Base.metadata.tables)\n"
        "configure_mappers()\n"
        "print(before < len(Base.metadata.tables), ' '.join(sorted(Base.metadata.tables)))"
    )
    grew, _, names = tables.partition(" ")
    assert grew == "True"
    assert names == _all_tables()
