"""A district union that received two parks' registries by sync, built once per session.

Three real offices, each its own data dir, driven through the CLI (``init``, ``unions
add``, ``members add``, ``sync id/trust/export/import``): the district (区总工会, one union
of its own) and two parks (甲园区 with two unions, 乙园区 with one), which send their
packages up to the district. ``hub_db`` copies the district's data folder for a test
(a fresh identity on the copy, as any copy takes; the data is the same).

Used by the roll-up tests of issue #25 (tests/unit/test_rollups*.py, tests/gui).
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop import clock
from desktop.cli import main
from desktop.storage.database import Database
from tests.conftest import TEST_TODAY, make_db
from tests.unit.sync.helpers import valid_id

DISTRICT = "城关区总工会"
PARK_A = "甲园区工会联合会"
PARK_B = "乙园区工会联合会"

#: union name → (its federation, member tokens; a token's ID number is ``valid_id``'s)
UNIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "区机关工会": (DISTRICT, ("d1", "d2")),
    "甲一公司工会": (PARK_A, ("a1", "a2", "a3")),
    "甲二公司工会": (PARK_A, ("a4",)),
    "乙一公司工会": (PARK_B, ("b1", "b2")),
}


def run(data: Path, *argv: str) -> str:
    """One CLI command on an office's data dir; its standard output (asserting exit 0)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--data-dir", str(data), *argv])
    assert code == 0, f"{argv}: {out.getvalue()}{err.getvalue()}"
    return out.getvalue()


@dataclass(frozen=True)
class Hub:
    district: Path
    park_a: Path
    park_b: Path


def _build(folder: Path) -> Hub:
    offices = {fed: folder / name for fed, name in ((DISTRICT, "d"), (PARK_A, "a"), (PARK_B, "b"))}
    for fed, data in offices.items():
        run(data, "init", "--federation", fed, "--card-prefix", "GH")
    for union, (fed, tokens) in UNIONS.items():
        run(offices[fed], "unions", "add", union)
        for token in tokens:
            run(offices[fed], "members", "add", "--name", f"会员{token}", "--id-number",
                valid_id(token), "--union", union)  # fmt: skip
    district = offices[DISTRICT]
    cards: dict[str, tuple[Path, str]] = {}
    for fed, data in offices.items():
        card = folder / f"{data.name}.udkey"
        fp = json.loads(run(data, "sync", "id", "--json", "--export-key", str(card)))
        cards[fed] = (card, str(fp["fingerprint"]))
    for park in (PARK_A, PARK_B):  # each park and the district enrol each other
        run(district, "sync", "trust", str(cards[park][0]), "--fingerprint", cards[park][1])
        run(offices[park], "sync", "trust", str(cards[DISTRICT][0]), "--fingerprint",
            cards[DISTRICT][1])  # fmt: skip
        package = folder / f"{offices[park].name}.udsync"
        run(offices[park], "sync", "export", str(package))
        run(district, "sync", "import", str(package), "--yes")
    return Hub(district, offices[PARK_A], offices[PARK_B])


@pytest.fixture(scope="session")
def hub_offices(tmp_path_factory: pytest.TempPathFactory, installation_state: Path) -> Hub:
    """The three offices after both parks sent their packages to the district."""
    previous = clock.use(clock.FixedClock.on(TEST_TODAY))
    try:
        return _build(tmp_path_factory.mktemp("hub"))
    finally:
        clock.use(previous)


@pytest.fixture
def hub_db(hub_offices: Hub, tmp_path: Path) -> Iterator[Database]:
    """A copy of the district's registry for one test."""
    database = make_db(hub_offices.district / "uniondesk.db", tmp_path / "district")
    yield database
    database.close()
