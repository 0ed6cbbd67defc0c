"""Validate every data row with the member service's rules and sort rows into a preview.

Each row goes through ``members.validate`` (the member dialog's rules); the per-row
queries are replaced by set-based ones: the live unions are loaded once, and the file's
ID numbers and card numbers are each looked up in one query (a JSON array joined with
``engines.json_values``). The messages for database duplicates are the service's own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from desktop import clock
from desktop.errors import UnionDeskError, ValidationError
from desktop.gc_pause import paused_gc
from desktop.models.codes import LEFT_STATUSES, MEMBERSHIP_STATUS
from desktop.models.id_numbers import upgrade_15, upgrade_note
from desktop.models.member_fields import FIELDS_BY_NAME
from desktop.models.validation import check_id_number
from desktop.progress import CancelToken, ProgressFn, no_progress
from desktop.services.members import registry as members
from desktop.services.members import status_rules
from desktop.services.unions import federations
from desktop.spreadsheets import cells, layout
from desktop.spreadsheets.headers import HeaderMap
from desktop.spreadsheets.preview import ImportPreview, OnDuplicate, Problem, RowResult
from desktop.spreadsheets.reader import DEFAULT_ROW_LIMIT, RawTable
from desktop.storage import engines
from desktop.textnorm import normalise_name, normalise_text

# Column kinds whose cells repeat (code lists, dates, yes/no, unions, employers and
# positions), read once per spelling; not the columns whose values are each their own.
_REPEATING_KINDS = frozenset({"code", "date", "bool", "union", "text"})
_UNIQUE = frozenset({"name", "card_no", "notes"})
_SPELLINGS_LIMIT = 20_000
_MISSING: Any = object()
_SHOWN_RUNS = 10  # runs of blank rows named in the note
MASKED_ROSTER_MESSAGE = (
    "这是打码导出的名册（身份证号中有 *），不能用于导入；如需导回，请导出完整号码的名册"
)
FORMULA_MESSAGE = "是公式，导入需要的是数值。请选中这一列，复制后「选择性粘贴 → 数值」，保存再导入"
_COMPARE = (
    "name",
    "id_number",
    "union_id",
    "gender",
    "birth_date",
    "phone",
    "ethnicity",
    "political_status",
    "education",
    "hukou_type",
    "is_migrant_worker",
    "employer",
    "position",
    "joined_on",
    "membership_status",
    "card_no",
    "notes",
)


@dataclass(frozen=True)
class ImportOptions:
    union: str | None = None  # the union for rows without a union column (or a blank cell)
    on_duplicate: OnDuplicate = "refuse"
    mapping: Mapping[str, str] = field(default_factory=dict)  # header as written -> field
    sheet: str | None = None
    row_limit: int = DEFAULT_ROW_LIMIT
    today: date | None = None


@dataclass
class _Existing:
    id: str
    union_name: str
    values: dict[str, Any]


class _Context:
    """What the row checks need from the database, loaded in batches up front."""

    def __init__(self, conn: Connection, default_union: str | None) -> None:
        fed = federations.require_current_id(conn)
        rows = conn.execute(
            text("SELECT id, name FROM unions WHERE deleted = 0 AND federation_id = :f"),
            {"f": fed},
        ).all()
        self.union_ids = frozenset(str(r[0]) for r in rows)
        self.union_names = {str(r[0]): str(r[1]) for r in rows}
        self.union_by_name = {normalise_text(str(r[1])): str(r[0]) for r in rows}
        self.default_union = default_union
        self.existing: dict[str, _Existing] = {}
        self.cards: dict[str, tuple[str, str]] = {}  # card_no -> (member id, name)
        self.area_warnings: dict[str, str | None] = {}

    def load_members(self, conn: Connection, id_numbers: Iterable[str]) -> None:
        """The live members holding any of these ID numbers, in one set-based query."""
        columns = ", ".join(f"m.{c}" for c in _COMPARE)
        found = conn.execute(
            text(
                f"SELECT m.id, u.name, {columns} FROM members m "
                "JOIN unions u ON u.id = m.union_id "
                f"WHERE m.deleted = 0 AND m.id_number IN ({engines.json_values(conn, 'ids')})"
            ),
            {"ids": json.dumps(sorted(set(id_numbers)))},
        ).all()
        for r in found:
            values = dict(zip(_COMPARE, r[2:], strict=True))
            self.existing.setdefault(
                str(values["id_number"]), _Existing(str(r[0]), str(r[1]), values)
            )

    def load_cards(self, conn: Connection, card_numbers: Iterable[str]) -> None:
        """Who holds any of these card numbers, in one set-based query."""
        found = conn.execute(
            text(
                "SELECT card_no, id, name FROM members WHERE deleted = 0 "
                f"AND card_no IN ({engines.json_values(conn, 'cards')})"
            ),
            {"cards": json.dumps(sorted(set(card_numbers)))},
        ).all()
        for r in found:
            self.cards.setdefault(str(r[0]), (str(r[1]), str(r[2])))

    def area_warning(self, id_number: str) -> str | None:
        """The service's area-code warning, looked up once per area code and birth year
        (whether a code is doubtful depends on the year: ``id_numbers.area_warning``)."""
        area = id_number[:10]
        if area not in self.area_warnings:
            self.area_warnings[area] = check_id_number(id_number, check_area=True).warning
        return self.area_warnings[area]


def _strip_label(message: str, field_name: str) -> str:
    label = FIELDS_BY_NAME[field_name].label if field_name in FIELDS_BY_NAME else ""
    if label and message.startswith(label) and len(message) > len(label):
        return message[len(label) :].strip()
    return message


class RowChecker:
    def __init__(
        self,
        conn: Connection,
        table: RawTable,
        header: HeaderMap,
        options: ImportOptions,
        ctx: _Context,
    ) -> None:
        self.conn = conn
        self.table = table
        self.header = header
        self.options = options
        self.ctx = ctx
        self.seen_ids: dict[str, int] = {}
        self.seen_cards: dict[str, int] = {}
        today = options.today or clock.current().today()
        # Per column: its field, index, reader, whether it is the ID column, and the results
        # of its text cells by spelling where the same spellings come back row after row.
        self.parsers: list[tuple[str, int, cells.Parser, bool, dict[str, Any] | None]] = [
            (
                f,
                col,
                cells.column_parser(FIELDS_BY_NAME[f].kind, f, today=today),
                f == "id_number",
                {} if FIELDS_BY_NAME[f].kind in _REPEATING_KINDS and f not in _UNIQUE else None,
            )
            for f, col in header.columns.items()
        ]
        # a union's id by the name as written in the file (``resolve_union``)
        self.union_spellings: dict[str, str | None] = {}
        # Date columns give ``DateReading``s: unwrapped after the row is read, with the note
        # of a completed partial date (2019.3 → 2019-03-01) kept for the preview.
        self.date_fields = [f for f in header.columns if FIELDS_BY_NAME[f].kind == "date"]
        self.notes: list[str] = []  # about the table: total rows and the footer below them
        # Rows without an ID number below a total row: the footer (制表人、审核人) if no
        # member follows them, dropped at the end; refused as usual if one does.
        self.after_total = False
        self.footer: list[RowResult] = []
        # Rows with neither name nor ID number, skipped as blank (``no_member``).
        self.blank_rows: list[int] = []
        # The ID column is read once, up front (its values are looked up in the database
        # before the rows are checked); ``parse_row`` takes those results by row index.
        self.id_col = header.columns["id_number"]
        self.id_first = 0
        self.id_cells: list[str | cells.CellError | None] = []
        # Offsets (in ``id_cells``) of 15-digit numbers read as their 18-digit form.
        self.upgraded_ids: set[int] = set()
        # A blank join date is recorded as today (``members.validate``), never silently.
        self.today = today
        self.blank_join_note = blank_join_note(today) if "joined_on" in header.columns else None

    def read_ids(self, first: int, data: list[list[Any]]) -> list[str]:
        """Read every row's ID number cell once; returns the readable ones."""
        col = self.id_col
        parse = cells.column_parser("id_number", "id_number")
        self.id_first = first
        results: list[str | cells.CellError | None] = [None] * len(data)
        self.id_cells = results
        found: list[str] = []
        masked = 0
        for offset, row in enumerate(data):
            value = row[col] if col < len(row) else None
            if value is None:
                continue
            try:
                number = parse(value)
            except cells.CellError as exc:
                results[offset] = exc
                continue
            if number and "*" in number:
                masked += 1
            upgraded = upgrade_15(number) if number and len(number) == 15 else None
            if upgraded is not None:  # before any lookup, so duplicates are found
                number = upgraded
                self.upgraded_ids.add(offset)
            results[offset] = number
            if number:
                found.append(number)
        if masked and masked * 2 >= len(found):  # not a slip in one cell: a masked export
            raise UnionDeskError(MASKED_ROSTER_MESSAGE)
        return found

    def problem(self, row: int, field_name: str, message: str) -> Problem:
        col = self.header.columns.get(field_name)
        return Problem(
            row,
            self.header.header_of(field_name),
            _strip_label(message, field_name),
            field_name,
            col,
        )

    def parse_row(
        self, index: int, cells_in_row: list[Any]
    ) -> tuple[dict[str, Any], list[Problem], list[str]]:
        """The row's fields, its problems, and notes on completed partial dates.

        A text cell of a repeating column is read once per spelling (``self.parsers``'
        caches, bounded by ``_SPELLINGS_LIMIT``); a spelling it refused is read again, so
        each of its rows gets its own problem.
        """
        parsed: dict[str, Any] = {}
        problems: list[Problem] = []
        formulas = self.table.formulas
        errors = self.table.errors
        width = len(cells_in_row)
        for field_name, col, parse, is_id, seen in self.parsers:
            if formulas and (index, col) in formulas:
                problems.append(self.problem(index + 1, field_name, FORMULA_MESSAGE))
                continue
            if errors and (index, col) in errors:
                message = cells.excel_error_message(errors[index, col])
                problems.append(self.problem(index + 1, field_name, message))
                continue
            value = cells_in_row[col] if col < width else None
            if value is None:
                parsed[field_name] = None
                continue
            if seen is not None and type(value) is str:
                known = seen.get(value, _MISSING)
                if known is not _MISSING:
                    parsed[field_name] = known
                    continue
            try:
                if is_id and self.id_cells:
                    known = self.id_cells[index - self.id_first]
                    if isinstance(known, cells.CellError):
                        raise known
                    parsed[field_name] = known
                else:
                    parsed[field_name] = known = parse(value)
                    if seen is not None and type(value) is str and len(seen) < _SPELLINGS_LIMIT:
                        seen[value] = known
            except cells.CellError as exc:
                problems.append(self.problem(index + 1, field_name, str(exc)))
        notes: list[str] = []
        for field_name in self.date_fields:
            reading = parsed.get(field_name)
            if reading is not None:
                parsed[field_name] = reading.value
                if reading.note:
                    notes.append(f"「{self.header.header_of(field_name)}」{reading.note}")
        return parsed, problems, notes

    def note_total(self, row_no: int, label: str) -> None:
        self.after_total = True
        self.notes.append(f"第 {row_no} 行是合计行（「{label}」），不是会员，未导入")

    def skip_total(self, row_no: int, cells_in_row: list[Any]) -> bool:
        """A 合计/总计/小计 row without a valid ID number: noted in the preview, not a row.

        Called only for rows without an 18-character ID number (the rare path), so the
        100k-row import pays nothing for it.
        """
        label = layout.total_label(cells_in_row)
        if label is None:
            return False
        self.note_total(row_no, label)
        return True

    def no_member(self, row_no: int, problems: list[Problem]) -> bool:
        """A row with neither name nor ID number (only 序号, a dragged-down 所属工会, a
        merged union cell over a blank row) is no member: skipped, noted once for all.
        Called only for rows without both (the rare path)."""
        return not any(p.field in ("name", "id_number") for p in problems)

    def blank_rows_note(self) -> str | None:
        """The one note naming the rows skipped as blank: runs of rows as 6–10."""
        if not self.blank_rows:
            return None
        runs: list[list[int]] = []
        for row in self.blank_rows:
            if runs and row == runs[-1][1] + 1:
                runs[-1][1] = row
            else:
                runs.append([row, row])
        shown = "、".join(f"{a}–{b}" if b > a else str(a) for a, b in runs[:_SHOWN_RUNS])
        more = f"等（共 {len(self.blank_rows)} 行）" if len(runs) > _SHOWN_RUNS else ""
        return f"第 {shown} 行{more}没有姓名和身份证号（只填了序号、所属工会等），已作为空行跳过"

    def drop_footer(self, rows: list[RowResult]) -> list[RowResult]:
        """Without the rows below the last total row that have no ID number (the footer)."""
        if not self.footer:
            return rows
        for result in self.footer:
            self.notes.append(
                f"第 {result.row} 行在末尾的合计行之下且没有有效的身份证号，视为表尾说明，未导入"
            )
        dropped = {id(r) for r in self.footer}
        return [r for r in rows if id(r) not in dropped]

    def resolve_union(self, parsed: dict[str, Any], row_no: int, problems: list[Problem]) -> None:
        name = parsed.pop("union_id", None)
        if name is None:
            if self.ctx.default_union is not None:
                parsed["union_id"] = self.ctx.default_union
            return
        try:
            union_id = self.union_spellings[name]
        except (KeyError, TypeError):  # a spelling not seen yet (or a cell not hashable)
            union_id = self.ctx.union_by_name.get(normalise_text(str(name)))
            if type(name) is str and len(self.union_spellings) < _SPELLINGS_LIMIT:
                self.union_spellings[name] = union_id
        if union_id is None:
            problems.append(
                self.problem(
                    row_no,
                    "union_id",
                    f"工会「{name}」尚未登记，请先在「基层工会」中添加，或核对名称",
                )
            )
        else:
            parsed["union_id"] = union_id

    def check(self, index: int, cells_in_row: list[Any]) -> RowResult | None:
        parsed, problems, notes = self.parse_row(index, cells_in_row)
        row_no = index + 1
        if not problems and [*parsed.values()].count(None) == len(parsed):
            # A blank line or a footer in an ignored column (合计 under 序号: noted).
            label = layout.total_label(cells_in_row)
            if label is not None:
                self.note_total(row_no, label)
            return None
        number = parsed.get("id_number")
        if number is None and parsed.get("name") is None and self.no_member(row_no, problems):
            if not self.skip_total(row_no, cells_in_row):
                self.blank_rows.append(row_no)
            return None
        footer = False
        if type(number) is str and len(number) == 18:
            if self.after_total:  # a member below a 小计 row: what came between is data
                self.after_total, self.footer = False, []
        elif self.skip_total(row_no, cells_in_row):
            return None
        else:
            # Below the last total row, a row without a valid ID number (制表人 under the
            # name, 审核人 under the ID number, 填报日期 under the phone) is the footer.
            footer = self.after_total
        name = str(parsed.get("name") or "")
        result = RowResult(row_no, "new", name)
        if notes:
            result.warnings.extend(notes)
        if index - self.id_first in self.upgraded_ids:
            result.warnings.append(upgrade_note(str(parsed.get("id_number"))))
        self.resolve_union(parsed, row_no, problems)
        # fields already reported: one message per cell
        bad: set[str | None] = {p.field for p in problems} if problems else set()
        id_number = parsed.get("id_number")
        existing = self.ctx.existing.get(id_number) if isinstance(id_number, str) else None
        if isinstance(id_number, str) and "id_number" not in bad:
            first = self.seen_ids.get(id_number)
            if first is not None:
                if self.options.on_duplicate == "skip":
                    result.action, result.note = "skip", f"与第 {first} 行身份证号相同，已跳过"
                    return result
                problems.append(
                    self.problem(
                        row_no, "id_number", f"与第 {first} 行的身份证号相同，同一人只能登记一次"
                    )
                )
            else:
                self.seen_ids[id_number] = row_no
        if existing is not None and self.options.on_duplicate == "skip":
            result.action, result.member_id = "skip", existing.id
            result.note = f"已登记（{existing.union_name}），已跳过"
            return result
        if parsed.get("card_no") is not None:
            self.check_card(parsed, row_no, existing, problems)
        if existing is not None and self.options.on_duplicate == "update":
            self.validate_update(result, parsed, existing, problems, bad)
        else:
            if existing is not None and "id_number" not in bad:
                values = existing.values
                message = members.duplicate_id_message(
                    str(id_number),
                    str(values["name"]),
                    existing.union_name,
                    str(values.get("membership_status") or ""),
                )
                problems.append(
                    self.problem(
                        row_no,
                        "id_number",
                        message + "；如要用名册更新已登记的会员，请选择「更新已有会员」",
                    )
                )
            self.validate_new(result, parsed, problems, bad)
        if problems:
            result.action = "refuse"
            result.problems = problems
            result.name = normalise_name(result.name)
        if footer:
            self.footer.append(result)
        return result

    def check_card(
        self,
        parsed: dict[str, Any],
        row_no: int,
        existing: _Existing | None,
        problems: list[Problem],
    ) -> None:
        card = parsed.get("card_no")
        if not isinstance(card, str):
            return
        first = self.seen_cards.get(card)
        if first is not None:
            problems.append(self.problem(row_no, "card_no", f"与第 {first} 行的会员证号相同"))
            return
        self.seen_cards[card] = row_no
        owner = self.ctx.cards.get(card)
        if owner is not None and (existing is None or owner[0] != existing.id):
            problems.append(
                self.problem(row_no, "card_no", f"会员证号 {card} 已被「{owner[1]}」使用")
            )

    def _validate(
        self,
        values: dict[str, Any],
        member_id: str | None,
        row_no: int,
        problems: list[Problem],
        bad: set[str | None],
    ) -> members.Validated | None:
        try:
            checked = members.validate(
                self.conn,
                values,
                member_id=member_id,
                check_area=False,
                today=self.options.today,
                union_ids=self.ctx.union_ids,
                check_duplicates=False,
            )
        except ValidationError as exc:
            for field_name, message in exc.problems.items():
                if field_name not in bad:
                    problems.append(self.problem(row_no, field_name, message))
            return None
        return checked

    def validate_new(
        self,
        result: RowResult,
        parsed: dict[str, Any],
        problems: list[Problem],
        bad: set[str | None],
    ) -> None:
        # ``parsed`` is this row's own dict and is not used after this: no copy when clean.
        values = {k: v for k, v in parsed.items() if k not in bad} if bad else parsed
        if "union_id" not in values or "name" not in values or "id_number" not in values:
            for required in ("name", "id_number", "union_id"):
                values.setdefault(required, None)
        checked = self._validate(values, None, result.row, problems, bad)
        if checked is not None and not problems:
            try:  # 在会, 申请中 or 保留会籍: a leave comes with its date, a transfer its slip
                status_rules.check_new(checked.values.get("membership_status"))
            except ValidationError as exc:
                problems.append(self.problem(result.row, "membership_status", exc.message))
                return
            result.values = checked.values
            result.name = checked.values["name"] or ""  # as it will be stored
            if (
                self.blank_join_note is not None
                and parsed.get("joined_on") is None
                and checked.values.get("joined_on") is not None
            ):
                result.warnings.append(self.blank_join_note)
            warning = self.ctx.area_warning(checked.values["id_number"])
            if warning:
                result.warnings.append(warning)

    def validate_update(
        self,
        result: RowResult,
        parsed: dict[str, Any],
        existing: _Existing,
        problems: list[Problem],
        bad: set[str | None],
    ) -> None:
        result.member_id = existing.id
        current_union = str(existing.values["union_id"])
        if parsed.get("union_id", current_union) != current_union:
            problems.append(
                self.problem(
                    result.row,
                    "union_id",
                    f"该会员已登记在「{existing.union_name}」，不能由名册改换工会；"
                    "如需调入，请办理会籍转接",
                )
            )
            return
        values = {k: v for k, v in parsed.items() if k not in bad and v is not None}
        checked = self._validate(values, existing.id, result.row, problems, bad)
        if checked is None or problems:
            return
        stored, wanted = existing.values.get("membership_status"), values.get("membership_status")
        refusal = _status_change_refused(str(stored or ""), checked.values.get("membership_status"))
        if wanted is not None and refusal is not None:
            problems.append(self.problem(result.row, "membership_status", refusal))
            return
        result.name = checked.values.get("name") or result.name
        changes = {
            k: v for k, v in checked.values.items() if _stored(v) != _stored(existing.values.get(k))
        }
        result.values = changes
        result.action = "update" if changes else "unchanged"


def _status_change_refused(stored: str, wanted: str | None) -> str | None:
    """Why a roster may not set this status, or None. An edit never sets a leaving status
    (``status_rules.check_edit``), and a roster never brings back a member who left (已转出
    elsewhere, 已退会, 已开除): that is a transfer in or a new application, recorded with
    its date — a roster saying 在会 would count a transferred member twice."""
    if wanted is None or wanted == stored:
        return None
    try:
        status_rules.check_edit(stored, wanted)
    except ValidationError as exc:
        return exc.message
    if stored in LEFT_STATUSES:
        was = MEMBERSHIP_STATUS.label(stored)
        return (
            f"该会员已是「{was}」，名册不能改回「{MEMBERSHIP_STATUS.label(wanted)}」："
            "请办理会籍转入或入会申请"
        )
    return None


def blank_join_note(today: date) -> str:
    """The row's note when its 入会日期 cell is blank and the member joins today."""
    return f"入会日期为空，已按今天 {today:%Y-%m-%d} 记录"


def no_join_column_note(today: date) -> str:
    """The preview's one note when the file has no join-date column at all."""
    return f"名册中没有「入会日期」列，新会员的入会日期都按今天 {today:%Y-%m-%d} 记录，请核对"


def _stored(value: Any) -> Any:
    """A value as SQLite returns it, for comparing file values with stored ones."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def check_table(
    conn: Connection,
    table: RawTable,
    header: HeaderMap,
    options: ImportOptions,
    default_union_id: str | None,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ImportPreview:
    ctx = _Context(conn, default_union_id)
    checker = RowChecker(conn, table, header, options, ctx)
    data = table.rows[header.row + 1 :]
    first = header.row + 1
    with paused_gc():  # ~10^6 live objects: full collections find nothing to free
        ctx.load_members(conn, checker.read_ids(first, data))
        card_col = header.columns.get("card_no")
        if card_col is not None:
            cards = [_quiet(cells.as_identifier, r[card_col]) for r in data if card_col < len(r)]
            ctx.load_cards(conn, (c for c in cards if c))
        rows: list[RowResult] = []
        total = len(data)
        for offset, row in enumerate(data):
            if offset % 2000 == 0:
                if cancel is not None:
                    cancel.check()
                progress(offset, total, f"正在检查第 {first + offset + 1} 行…")
            checked = checker.check(first + offset, row)
            if checked is not None:
                rows.append(checked)
    progress(total, total, "检查完成")
    rows = checker.drop_footer(rows)
    notes = [*table.notes, *checker.notes]
    blank_note = checker.blank_rows_note()
    if blank_note is not None:
        notes.append(blank_note)
    if "joined_on" not in header.columns and any(r.action in ("new", "refuse") for r in rows):
        notes.append(no_join_column_note(checker.today))
    return ImportPreview(table, header, options.on_duplicate, rows, notes)


def _quiet(parse: Any, value: Any) -> str | None:
    try:
        result = parse(value)
    except cells.CellError:
        return None
    return str(result) if result else None
