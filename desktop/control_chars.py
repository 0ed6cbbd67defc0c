"""One definition of "control character" for every entry point and every output.

Why: a name typed or pasted with BEL (\\x07), ESC (\\x1b) or a bidi override (U+202E)
was stored, then made openpyxl refuse the whole roster export, rang the terminal's bell
and recoloured it in ``members find``, and could make a printed name read backwards.
Entry points refuse these characters (``services.validation.check_no_control_chars``);
values stored by older versions or received by sync are cleaned where they leave the
program: ``replace_control_chars`` for workbooks and PDFs, ``escape_control_chars`` for
the terminal.

The set: C0 and C1 controls and DEL (Unicode category Cc), the bidi embedding, override
and isolate marks, lone surrogates (not UTF-8 at all; they come from undecodable command
lines) and the noncharacters U+FFFE/U+FFFF (not allowed in XML, so not in .xlsx).
Tab, line feed and carriage return are whitespace in multi-line fields (notes); they are
refused in one-line fields only. Private-use characters stay: some offices type rare
hanzi in names that way.

A leaf module (no imports from the project) so printing, spreadsheets, the CLI and the
services can all use it.
"""

from __future__ import annotations

import re

_LINE_BREAKS = "\t\n\r"
_ALWAYS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 without tab/LF/CR, DEL, C1
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, overrides
    "\u2028\u2029"  # line and paragraph separators
    "\ud800-\udfff"  # lone surrogates
    "\ufffe\uffff"  # noncharacters
)
#: Refused in every field, cleaned from every output.
CONTROL = re.compile(f"[{_ALWAYS}]")
#: Refused in one-line fields (everything except notes).
CONTROL_ONE_LINE = re.compile(f"[{_ALWAYS}{_LINE_BREAKS}]")
#: What may reach the terminal: line feed and tab only (a carriage return could
#: overwrite what was printed before it).
_TERMINAL = re.compile(f"[{_ALWAYS}\r]")

REPLACEMENT = "\ufffd"


def find_control_char(value: str, *, one_line: bool = True) -> int | None:
    """Index of the first control character in ``value``, or None.

    ``str.isprintable`` is a C loop that is True for almost every real cell, so the
    regular expression runs only for the rare value that may hold one (the roster
    importer checks every text cell of 100k rows).
    """
    if value.isprintable():
        return None
    found = (CONTROL_ONE_LINE if one_line else CONTROL).search(value)
    return None if found is None else found.start()


def describe(char: str) -> str:
    """``U+001B`` — the code point a clerk can look up, never the character itself."""
    return f"U+{ord(char):04X}"


def replace_control_chars(value: str, replacement: str = REPLACEMENT) -> str:
    """``value`` with each control character replaced (U+FFFD by default): for workbooks
    and PDFs, which must be written whatever an older version stored."""
    if value.isprintable():
        return value
    return CONTROL.sub(replacement, value)


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape_control_chars(value: str) -> str:
    """``value`` with control characters (and CR) written as ``\\u001b`` / ``\\u202e``,
    so the terminal shows them instead of obeying them. Line feeds and tabs stay. The
    form is JSON's own escape, so ``--json`` output stays valid JSON with the same value."""
    if value.isprintable():
        return value
    return _TERMINAL.sub(_escape, value)
