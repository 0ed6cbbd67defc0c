"""Card numbers issued in bulk: the same numbers as ``render``, never one already held."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from desktop.services.members import card_numbers
from desktop.services.members import registry as members
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database

pytestmark = pytest.mark.both_engines


_TOKENS = st.sampled_from(
    ["{prefix}", "{year}", "{issuer}", "{seq}", "{seq:03}", "{seq:7}", "{seq:09}"]
)
_LITERALS = st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=3)


@given(
    parts=st.lists(st.one_of(_TOKENS, _LITERALS), max_size=8),
    prefix=st.text(max_size=4),
    issuer=st.text(max_size=6),
    year=st.integers(1, 9999),
    seq=st.integers(0, 10**10),
)
def test_formatter_renders_what_render_does(
    parts: list[str], prefix: str, issuer: str, year: int, seq: int
) -> None:
    pattern = "".join(parts)
    template = card_numbers._formatter(pattern, prefix=prefix, year=year, issuer=issuer)
    expected = card_numbers.render(pattern, prefix=prefix, year=year, issuer=issuer, seq=seq)
    assert template.format(seq) == expected


def test_issue_skips_numbers_already_held_and_keeps_the_sequence(db: Database) -> None:
    federations.create(db, "联合会", card_prefix="GH")
    union = unions.add(db, "一号工会").id
    with db.connect() as conn:
        first = card_numbers.issue(conn, "GH", 2)
    # Someone typed in the next two numbers of the series by hand.
    head = first[-1][:-5]
    typed = [f"{head}{n:05d}" for n in (3, 4)]
    for i, card in enumerate(typed):
        members.add(
            db,
            {"name": f"手工{i}", "id_number": ("11010519491231002X", "440304199001015410")[i],
             "union_id": union, "card_no": card},
        )  # fmt: skip
    with db.connect() as conn:
        issued = card_numbers.issue(conn, "GH", 3)
        last = conn.execute(text("SELECT max(last_seq) FROM card_sequences")).scalar_one()
    assert issued == [f"{head}{n:05d}" for n in (5, 6, 7)]
    assert last == 7 and not set(issued) & set(first)
