"""The roster template: what offices fill in and send back.

Sheet 「会员名册」 has the Chinese header row (required columns marked *), a drop-down for
every code list (lists live on the hidden sheet 「代码表」, so long lists like 民族 fit),
ID and phone columns formatted as text (so Excel never turns an ID into 4.4E+17), and a
length check on the ID column. Sheet 「填写说明」 explains each column with an example row.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from desktop.control_chars import replace_control_chars
from desktop.models.member_fields import MEMBER_FIELDS, FieldSpec
from desktop.spreadsheets import styles
from desktop.spreadsheets.files import save_workbook

ROSTER_SHEET = "会员名册"
LISTS_SHEET = "代码表"
HELP_SHEET = "填写说明"
TEMPLATE_ROWS = 2000  # rows that carry the drop-downs and the text format
EXAMPLE = {
    "name": "张三",
    "id_number": "11010519491231002X",
    "union_id": "（填本单位工会名称）",
    "phone": "13800138000",
    "ethnicity": "汉族",
    "political_status": "群众",
    "education": "大学本科",
    "hukou_type": "外地农村",
    "is_migrant_worker": "是",
    "employer": "某某电子有限公司",
    "position": "操作工",
    "joined_on": "2024-03-05",
    "membership_status": "在会",
    "card_no": "",
    "notes": "",
}
HINTS = {
    "name": "必填。",
    "id_number": (
        "必填。18 位公民身份号码，最后一位可以是 X。本列已设为文本格式，请勿改成数字格式。"
    ),
    "union_id": "必填。填写已登记的基层工会全称（可从下拉列表选择）。",
    "phone": "11 位手机号，本列为文本格式。",
    "is_migrant_worker": "填「是」或「否」；不填时按户籍类型判断。",
    "joined_on": "如 2024-03-05、2024.3.5 或 2024年3月5日；不填时为导入当天。",
    "membership_status": "不填时为「在会」。",
    "card_no": "可不填，导入时自动发放会员证号。",
}


def _choices(spec: FieldSpec, union_names: Sequence[str]) -> list[str]:
    if spec.kind == "union":  # names stored with a control character must not stop it
        return [replace_control_chars(name) for name in union_names]
    if spec.kind == "bool":
        return ["是", "否"]
    if spec.codes is not None:
        return list(spec.codes.labels)
    return []


def write_template(target: Path, union_names: Sequence[str] = ()) -> Path:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = ROSTER_SHEET
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    labels = [spec.label + ("*" if spec.required else "") for spec in MEMBER_FIELDS]
    ws.append(labels)
    styles.style_header_row(ws, 1, len(labels))
    ws.row_dimensions[1].height = 24
    last = TEMPLATE_ROWS + 1
    list_col = 0
    for index, spec in enumerate(MEMBER_FIELDS, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = styles.width_for(spec.label, spec.kind)
        if spec.name in HINTS:
            ws.cell(row=1, column=index).comment = Comment(HINTS[spec.name], "工会桌面通")
        if spec.kind in ("id_number", "phone") or spec.name == "card_no":
            ws.column_dimensions[letter].number_format = styles.TEXT_FORMAT
            for row in range(2, last + 1):
                ws.cell(row=row, column=index).number_format = styles.TEXT_FORMAT
        if spec.kind == "id_number":
            check = DataValidation(
                type="textLength", operator="equal", formula1="18", allow_blank=True
            )
            check.error, check.errorTitle = "身份证号应为 18 位（文本格式）", "身份证号"
            check.showErrorMessage = True
            check.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(check)
        choices = _choices(spec, union_names)
        if not choices:
            continue
        list_col += 1
        list_letter = get_column_letter(list_col)
        lists.cell(row=1, column=list_col, value=spec.label)
        for offset, choice in enumerate(choices, start=2):
            # a union name comes from the registry (or another office's package): text
            styles.keep_as_text(lists.cell(row=offset, column=list_col, value=choice))
        source = f"'{LISTS_SHEET}'!${list_letter}$2:${list_letter}${len(choices) + 1}"
        drop = DataValidation(type="list", formula1=source, allow_blank=True)
        drop.error = f"请从下拉列表中选择{spec.label}"
        drop.errorTitle = spec.label
        drop.showErrorMessage = spec.kind != "union"  # a union may be registered later
        drop.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(drop)
    ws.freeze_panes = "A2"
    styles.a4_setup(ws, ROSTER_SHEET)
    _help_sheet(workbook.create_sheet(HELP_SHEET))
    return save_workbook(workbook, Path(target))


def _help_sheet(ws: object) -> None:
    from openpyxl.worksheet.worksheet import Worksheet

    assert isinstance(ws, Worksheet)
    ws.append(["会员名册填写说明"])
    ws["A1"].font = Font(size=14, bold=True)
    ws.append(["1. 在「会员名册」工作表中每行填写一名会员，不要修改、合并或删除表头。"])
    ws.append(["2. 带 * 的列必须填写；民族、政治面貌等列请从下拉列表中选择。"])
    ws.append(
        [
            "3. 身份证号、手机号列已设为文本格式。从其他表格粘贴时请用「选择性粘贴 → 数值」，"
            "不要把这两列改成数字格式，否则号码后几位会变成 0 且无法恢复。"
        ]
    )
    ws.append(["4. 不要使用公式；性别、出生日期由身份证号自动得出，无需填写。"])
    ws.append([])
    ws.append(["列名", "说明", "示例"])
    styles.style_header_row(ws, ws.max_row, 3)
    for spec in MEMBER_FIELDS:
        ws.append([spec.label, HINTS.get(spec.name, "选填。"), EXAMPLE.get(spec.name, "")])
    ws.append([])
    ws.append(["示例行（可参照填写，导入前无需删除本说明页）："])
    example_row = ws.max_row + 1
    ws.append([spec.label for spec in MEMBER_FIELDS])
    styles.style_header_row(ws, example_row, len(MEMBER_FIELDS))
    ws.append([EXAMPLE.get(spec.name, "") for spec in MEMBER_FIELDS])
    for col in range(1, len(MEMBER_FIELDS) + 1):
        ws.cell(row=example_row + 1, column=col).number_format = styles.TEXT_FORMAT
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 24
    for row in ws.iter_rows(min_row=2, max_col=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
