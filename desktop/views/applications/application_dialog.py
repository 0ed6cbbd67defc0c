"""登记入会申请: the applicant's registry fields, the channel and the date received.

Every rule is the service's (``applications.records.add``, which checks the fields as
the member dialog does); its per-field messages appear in red under each field.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QLineEdit, QPlainTextEdit, QWidget

from desktop import clock
from desktop.errors import UnionDeskError, ValidationError
from desktop.models.codes import (
    APPLICATION_CHANNEL,
    EDUCATION,
    ETHNICITY,
    HUKOU_TYPE,
    POLITICAL_STATUS,
)
from desktop.services.applications import records
from desktop.services.unions import registry as unions
from desktop.views.context import AppContext
from desktop.views.widgets.code_combo import CodeCombo
from desktop.views.widgets.form_dialog import editor_value, lay_out_form

LABELS = {
    "name": "姓名",
    "id_number": "身份证号",
    "union_id": "申请加入的工会",
    "channel": "申请渠道",
    "submitted_on": "收到日期",
    "phone": "手机号",
    "ethnicity": "民族",
    "political_status": "政治面貌",
    "education": "学历",
    "hukou_type": "户籍类型",
    "is_migrant_worker": "农民工",
    "employer": "工作单位",
    "position": "岗位",
    "joined_on": "入会日期",
    "notes": "备注",
}


class ApplicationDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.saved_id: str | None = None
        self.setWindowTitle("登记入会申请")
        union = QComboBox(self)
        for u in unions.list_all(ctx.db):
            union.addItem(u.name, u.id)
        received = QLineEdit(clock.current().today().isoformat(), self)
        migrant = QComboBox(self)
        for text, value in (("（按户籍类型判断）", None), ("是", True), ("否", False)):
            migrant.addItem(text, value)
        joined = QLineEdit(self)
        joined.setPlaceholderText("不填则为批准之日")
        self.editors: dict[str, QWidget] = {
            "name": QLineEdit(self),
            "id_number": QLineEdit(self),
            "union_id": union,
            "channel": CodeCombo(APPLICATION_CHANNEL, self, blank=None),
            "submitted_on": received,
            "phone": QLineEdit(self),
            "ethnicity": CodeCombo(ETHNICITY, self),
            "political_status": CodeCombo(POLITICAL_STATUS, self),
            "education": CodeCombo(EDUCATION, self),
            "hukou_type": CodeCombo(HUKOU_TYPE, self),
            "is_migrant_worker": migrant,
            "employer": QLineEdit(self),
            "position": QLineEdit(self),
            "joined_on": joined,
            "notes": QPlainTextEdit(self),
        }
        self.editors["notes"].setMaximumHeight(60)
        self.errors, self.general = lay_out_form(self, LABELS, self.editors, self.save, columns=2)

    def values(self) -> dict[str, object]:
        return {name: editor_value(editor) for name, editor in self.editors.items()}

    def save(self) -> None:
        for line in self.errors.values():
            line.clear_message()
        self.general.clear_message()
        try:
            record = records.add(self.ctx.db, self.values())
        except ValidationError as exc:
            shown = False
            for field, message in exc.problems.items():
                if field in self.errors:
                    self.errors[field].show_error(message)
                    shown = True
            if not shown:
                self.general.show_error(exc.message)
            return
        except UnionDeskError as exc:
            self.general.show_error(exc.message)
            return
        self.saved_id = record.id
        self.ctx.changed("applications")
        self.accept()
