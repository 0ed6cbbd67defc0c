"""The one way ID numbers, phones and birth dates are shown when not shown in full.

Every list, export, JSON output, printed form and message that hides part of a number
calls these functions, so the reasoning below holds everywhere (docs/PRIVACY.md says the
same for readers outside the code).

An 18-digit 公民身份号码 is ``AAAAAA YYYYMMDD SSS C``: a 6-digit area code, the birth
date, a 3-digit sequence whose last digit is odd for men, and a GB 11643 check digit. A
mask protects nothing if what it hides is printed beside it: the old mask
(``440683********8923``) hid exactly the eight birth-date digits while the same row
showed 出生日期, so every full number could be read back.

The mask kept here is ``440*************23``: the first 3 digits (province and a part of
the city) and the last 2 (the sequence's gender digit and the check digit). Beside a
masked number only the birth *year* (or the age) is shown, never the full date. What a
reader of a masked row can then reconstruct, counting only numbers that pass every rule
(a listed area code, a real date in the shown year, the shown gender, the check digit):

- hidden: 3 area digits (1 to ~300 listed codes start with any 3 digits), month and day
  (365 choices), 2 sequence digits (100 choices); the check digit removes a factor of 11;
- so at least 1 × 365 × 100 / 11 ≈ 3,300 candidates even for an area prefix with a
  single code (810 Hong Kong), and ~10⁵ or more for a common one (110 Beijing: 130,000;
  440 Guangdong: 540,000). A reader
  who also knows the exact birth date from elsewhere still faces codes × 100 / 11
  (≈ 9 for 810, hundreds for most prefixes): the mask alone does not give the number.

Keeping the last 4 instead (``440***********8923``) leaves only codes × 365 / 11: 33 for
a single-code prefix (710, 810, 820) and under 1,000 for 34 of the 102 three-digit
prefixes in stdnum's code table (those with fewer than 31 listed codes, e.g. 139, 449,
611), and a few dozen once the birth date is known: which is why the tail is 2 digits.
Phones keep the familiar ``138****1234``: nothing else shown narrows the 10,000 hidden
combinations.

These masks guard what leaves the program (files, printouts, screens seen over a
shoulder). A clerk who may use the program can open a member's record anyway; the full
number is there, and unmasked exports are recorded in the audit trail.
"""

from __future__ import annotations

from datetime import date

#: Digits kept at each end of a masked ID number (see the module docstring).
ID_HEAD = 3
ID_TAIL = 2


def mask_id_number(value: str | None) -> str:
    """``440*************23``: first 3 and last 2 characters, the rest as ``*``.

    Shorter values (never a valid ID number, but they may come from old data) keep
    proportionally less: a value of fewer than 8 characters is starred whole.
    """
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return value[:ID_HEAD] + "*" * (len(value) - ID_HEAD - ID_TAIL) + value[-ID_TAIL:]


def mask_phone(value: str | None) -> str:
    """138****1234: the carrier prefix and the last four, as everyone prints phones."""
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_quoted(value: str) -> str:
    """A number quoted back in a message (a phone or ID number that was refused): the
    first 3 and last 4 characters, the rest as ``*`` (``139*****0061``). Enough to find
    the cell, whose row and column the message names; messages reach the preview, the
    JSON output and the error report, so the whole number is never repeated."""
    return mask_phone(value)


def birth_year_text(birth: date | None) -> str:
    """ "1985年": what stands for the birth date beside a masked ID number."""
    return f"{birth.year}年" if birth is not None else ""


def birth_text(birth: date | None, *, unmasked: bool) -> str:
    """The full date (2026-11-21) only when the ID number beside it is shown in full."""
    if birth is None:
        return ""
    return birth.isoformat() if unmasked else birth_year_text(birth)
