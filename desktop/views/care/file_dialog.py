"""One hardship file: its particulars, household, assistance ledger and reviews.

The consent gate: until a consent is recorded the sensitive fields cannot be entered
(the household form greys them out, 编辑敏感信息 stays disabled) and the services
refuse them anyway. The sensitive values are hidden until 查看敏感信息, which asks for
a reason (``reason_dialog.ask_reason``) that the service writes to the audit log.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import acting
from desktop.errors import UnionDeskError
from desktop.models.codes import HOUSEHOLD_RELATION, WORK_STATUS
from desktop.services.care import files, household, sensitive
from desktop.services.care.assistance import AssistanceRecord
from desktop.services.care.files import HardshipFile
from desktop.services.care.household import HouseholdRecord
from desktop.services.care.reviews import ReviewRecord
from desktop.views.care import entries, printouts, reason_dialog
from desktop.views.context import AppContext
from desktop.views.sites.common import list_table
from desktop.views.sites.record_table import Column, RecordTableModel
from desktop.views.widgets import messages

HIDDEN = "＊＊＊（已隐藏）"


def _opt(value: object) -> str:
    return "" if value is None else str(value)


class HardshipFileDialog(QDialog):
    def __init__(self, ctx: AppContext, case_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.case_id = case_id
        self.file: HardshipFile | None = None
        self.setWindowTitle("困难职工档案")
        self.resize(820, 600)

        self.heading = QLabel(self)
        font = self.heading.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.heading.setFont(font)
        self.level = QLabel(self)
        self.dates = QLabel(self)
        self.consent_label = QLabel(self)
        self.consent_label.setWordWrap(True)
        self.income = QLabel(self)
        self.disability = QLabel(self)
        self.health = QLabel(self)
        form = QFormLayout()
        form.addRow("困难类别 / 致困原因", self.level)
        form.addRow("建档 / 复核 / 脱困", self.dates)
        self.withdraw_button = QPushButton("撤回同意…", self)
        self.withdraw_button.setToolTip("本人撤回同意：删除健康、残疾和收入信息")
        consent_row = QHBoxLayout()
        consent_row.addWidget(self.consent_label, 1)
        consent_row.addWidget(self.withdraw_button)
        form.addRow("个人信息同意", consent_row)
        form.addRow("家庭月人均收入", self.income)
        form.addRow("残疾等级", self.disability)
        form.addRow("健康状况", self.health)

        self.consent_button = QPushButton("登记同意…", self)
        self.show_sensitive_button = QPushButton("查看敏感信息…", self)
        self.edit_sensitive_button = QPushButton("编辑敏感信息…", self)
        self.add_person_button = QPushButton("添加家庭成员…", self)
        self.assist_button = QPushButton("登记救助…", self)
        self.review_button = QPushButton("年度复核…", self)
        self.close_button = QPushButton("脱困退档…", self)
        self.print_button = QPushButton("打印登记表…", self)
        actions = QHBoxLayout()
        for button in (
            self.consent_button,
            self.show_sensitive_button,
            self.edit_sensitive_button,
            self.add_person_button,
            self.assist_button,
            self.review_button,
            self.close_button,
            self.print_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)

        self.household_model: RecordTableModel[HouseholdRecord] = RecordTableModel(
            [
                Column("姓名", lambda p: p.name),
                Column("关系", lambda p: HOUSEHOLD_RELATION.label(p.relation)),
                Column("身份证号", lambda p: p.masked_id_number),
                Column("年龄", lambda p: _opt(p.age), numeric=True),
                Column("就业就学", lambda p: WORK_STATUS.label(p.work_status)),
                Column("单位或学校", lambda p: _opt(p.work_place)),
                Column("健康状况", self._sensitive_text(lambda p: _opt(p.health))),
                Column("月收入（元）", self._sensitive_text(lambda p: _opt(p.monthly_income))),
            ],
            self,
        )
        self.ledger_model: RecordTableModel[AssistanceRecord] = RecordTableModel(
            [
                Column("日期", lambda a: a.given_on.isoformat()),
                Column("类别", lambda a: a.kind_label),
                Column("金额（元）", lambda a: a.amount_yuan, numeric=True),
                Column("资金来源", lambda a: a.fund_source_label),
                Column("经办人", lambda a: _opt(a.handler)),
                Column("批次", lambda a: _opt(a.batch)),
            ],
            self,
        )
        self.review_model: RecordTableModel[ReviewRecord] = RecordTableModel(
            [
                Column("复核日期", lambda r: r.reviewed_on.isoformat()),
                Column("结论", lambda r: r.result_label),
                Column("复核人", lambda r: _opt(r.reviewer)),
                Column("下次复核", lambda r: _opt(r.next_due_on)),
                Column("意见", lambda r: _opt(r.notes)),
            ],
            self,
        )
        self.household_table = list_table(self.household_model, self)
        self.ledger_table = list_table(self.ledger_model, self)
        self.review_table = list_table(self.review_model, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.household_table, "家庭成员")
        self.tabs.addTab(self.ledger_table, "救助台账")
        self.tabs.addTab(self.review_table, "复核记录")
        self.remove_person_button = QPushButton("移除家庭成员…", self)
        self.remove_person_button.setEnabled(False)
        self.tabs.setCornerWidget(self.remove_person_button)
        self.household_table.selectionModel().selectionChanged.connect(self._person_picked)
        self.tabs.currentChanged.connect(self._person_picked)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)

        self.consent_button.clicked.connect(lambda: self._form(entries.record_consent))
        self.show_sensitive_button.clicked.connect(self.show_sensitive)
        self.edit_sensitive_button.clicked.connect(lambda: self._form(entries.sensitive_fields))
        self.add_person_button.clicked.connect(lambda: self._form(entries.household_member))
        self.assist_button.clicked.connect(lambda: self._form(entries.assist))
        self.review_button.clicked.connect(lambda: self._form(entries.review))
        self.close_button.clicked.connect(lambda: self._form(entries.close_file))
        self.print_button.clicked.connect(self.print_form)
        self.withdraw_button.clicked.connect(self.withdraw_consent)
        self.remove_person_button.clicked.connect(self.remove_person)
        self.reload()

    def _sensitive_text(
        self, text: Callable[[HouseholdRecord], str]
    ) -> Callable[[HouseholdRecord], str]:
        return lambda p: text(p) if self.file and self.file.sensitive_shown else HIDDEN

    # ---- loading ---------------------------------------------------------------------

    def reload(self, shown: HardshipFile | None = None) -> None:
        try:
            self.file = shown or files.get_file(
                self.ctx.db, self.case_id, today=self.ctx.db.clock.today()
            )
        except UnionDeskError as exc:
            messages.error(self, "困难职工档案", exc.message)
            return
        self._fill(self.file)

    def _fill(self, f: HardshipFile) -> None:
        self.heading.setText(
            f"{f.member_name}　{f.union_name}　（{f.household_size or '?'} 口之家）"
        )
        self.level.setText(f"{f.level_label}　/　{f.cause_labels or '未填'}")
        closed = f"　脱困 {f.closed_on}（{f.close_reason or ''}）" if f.closed_on else ""
        self.dates.setText(f"建档 {f.opened_on}　下次复核 {f.review_due_on}{closed}")
        if f.consents:
            c = f.consents[-1]
            self.consent_label.setText(
                f"已登记：{c.consented_on} {c.form_label}（{c.recorded_by}）"
            )
        elif f.consent_withdrawn:
            self.consent_label.setText(
                "已撤回：本人已撤回同意，健康、残疾和收入信息已删除；再次录入须重新登记本人同意"
            )
        else:
            self.consent_label.setText("未登记：健康、残疾、收入等敏感信息须先登记本人同意才能录入")
        if f.sensitive_shown:
            line = ""
            if f.below_threshold is not None:
                verdict = "低于" if f.below_threshold else "不低于"
                line = f"（{verdict}当地标准 {f.income_threshold} 元）"
            income = f.monthly_income_per_capita
            self.income.setText(f"{'' if income is None else f'{income} 元'}{line}" or "未填")
            self.disability.setText(f.disability_label or "无")
            self.health.setText(f.health_notes or "未填")
        else:
            for label in (self.income, self.disability, self.health):
                label.setText(HIDDEN)
        self.withdraw_button.setEnabled(f.has_consent)
        open_file = f.closed_on is None
        self.edit_sensitive_button.setEnabled(f.has_consent and f.sensitive_shown)
        self.edit_sensitive_button.setToolTip("" if f.has_consent else "须先登记本人同意")
        may_see = acting.current().may(acting.SENSITIVE)
        self.show_sensitive_button.setEnabled(not f.sensitive_shown and may_see)
        self.show_sensitive_button.setToolTip(
            "" if may_see else "本账号没有「查看敏感信息」的权限，请让管理员在账号管理中授权"
        )
        self.assist_button.setEnabled(open_file)
        self.review_button.setEnabled(open_file)
        self.close_button.setEnabled(open_file)
        self.household_model.set_rows(f.household)
        self._person_picked()
        self.ledger_model.set_rows(f.assistance)
        self.review_model.set_rows(f.reviews)

    # ---- actions ---------------------------------------------------------------------

    def show_sensitive(self) -> None:
        reason = reason_dialog.ask_reason(self)
        if reason is None:
            return
        try:
            shown = sensitive.reveal(
                self.ctx.db, self.case_id, reason, today=self.ctx.db.clock.today()
            )
        except UnionDeskError as exc:
            messages.warn(self, "查看敏感信息", exc.message)
            return
        self.reload(shown)

    def _picked_person(self) -> HouseholdRecord | None:
        if self.tabs.currentWidget() is not self.household_table:
            return None
        rows = self.household_table.selectionModel().selectedRows()
        people = self.household_model.rows()
        return people[rows[0].row()] if rows and rows[0].row() < len(people) else None

    def _person_picked(self, *_: object) -> None:
        self.remove_person_button.setEnabled(self._picked_person() is not None)

    def remove_person(self) -> None:
        """移除家庭成员: asked first; the person's values go everywhere (sync too)."""
        person = self._picked_person()
        if person is None or not messages.confirm(
            self,
            "移除家庭成员",
            f"从本档案中移除家庭成员「{person.name}」？其身份证号、健康和收入等信息将被删除"
            "（同步后各单位同时删除），不能恢复。家庭人口请在复核时核对。",
            yes="移除",
            no="取消",
        ):
            return
        try:
            household.remove_member(self.ctx.db, self.case_id, person.id)
        except UnionDeskError as exc:
            messages.warn(self, "移除家庭成员", exc.message)
            return
        self._after_write()

    def withdraw_consent(self) -> None:
        """撤回同意: said plainly what goes, then the date and who records it."""
        if self.file is None or not messages.confirm(
            self,
            "撤回同意",
            "本人撤回同意后，本档案及家庭成员的健康、残疾和收入信息将被删除"
            "（同步后各单位同时删除），不能恢复；档案的其他内容保留。"
            "以后再录入这些信息须重新登记本人同意。是否继续？",
            yes="继续",
            no="取消",
        ):
            return
        self._form(entries.withdraw_consent)

    def print_form(self) -> None:
        if self.file is not None:
            printouts.print_form(self.ctx, self, self.file.id)

    def _form(self, make: Callable[[AppContext, HardshipFile, QWidget], QDialog]) -> None:
        if self.file is None:
            return
        dialog = make(self.ctx, self.file, self)
        self.form = dialog
        dialog.accepted.connect(self._after_write)
        dialog.open()

    def _after_write(self) -> None:
        # Shown again hidden: seeing the sensitive values again takes a new reason.
        self.ctx.changed("hardship")
        self.reload()
