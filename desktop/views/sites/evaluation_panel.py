"""星级评定 for the selected site: pick a checklist template, score the site (a dialog
with the live total and star level), and read the site's evaluation history with the
item scores of the selected one. The templates themselves are edited from here too."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.services import sites
from desktop.services.sites import SiteRecord, evaluations
from desktop.services.sites.evaluations import EvaluationRecord, TemplateRecord
from desktop.views.context import AppContext
from desktop.views.sites.common import item_title, list_table, selected_row, star_text
from desktop.views.sites.record_table import Column, RecordTableModel
from desktop.views.sites.score_dialog import ScoreDialog
from desktop.views.sites.template_dialog import TemplateDialog
from desktop.views.widgets import messages

# (item title, points, max points, bonus?) as evaluations.scores_of returns them.
ScoreLine = tuple[str, float, float, bool]

HISTORY_COLUMNS: tuple[Column[EvaluationRecord], ...] = (
    Column("评定日期", lambda e: e.evaluated_on.isoformat()),
    Column("评分模板", lambda e: e.template_name),
    Column("评定人", lambda e: e.assessor or ""),
    Column("得分", lambda e: f"{e.total_points:g}", numeric=True),
    Column("星级", lambda e: star_text(e.star_level)),
    Column("备注", lambda e: e.notes or "", tooltip=lambda e: e.notes),
)
SCORE_COLUMNS: tuple[Column[ScoreLine], ...] = (
    Column("评分项", lambda s: item_title(s[0], s[3])),
    Column("得分", lambda s: f"{s[1]:g}", numeric=True),
    Column("满分", lambda s: f"{s[2]:g}", numeric=True),
)


class EvaluationPanel(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.site: SiteRecord | None = None
        self.dialog: QDialog | None = None
        self.templates: list[TemplateRecord] = []

        self.current_label = QLabel(self)
        font = self.current_label.font()
        font.setBold(True)
        self.current_label.setFont(font)
        self.template_combo = QComboBox(self)
        self.template_combo.setMinimumWidth(220)
        self.score_button = QPushButton("评分…", self)
        self.new_template_button = QPushButton("新建模板", self)
        self.edit_template_button = QPushButton("编辑模板", self)
        self.history_model: RecordTableModel[EvaluationRecord] = RecordTableModel(
            HISTORY_COLUMNS, self
        )
        self.history = list_table(self.history_model, self)
        for col, width in enumerate((100, 190, 110, 60, 100)):
            self.history.setColumnWidth(col, width)
        self.scores_model: RecordTableModel[ScoreLine] = RecordTableModel(SCORE_COLUMNS, self)
        self.scores = list_table(self.scores_model, self)
        self.scores.setColumnWidth(0, 320)
        self.scores.setColumnWidth(1, 60)

        top = QHBoxLayout()
        top.addWidget(QLabel("评分模板", self))
        top.addWidget(self.template_combo, 1)
        top.addWidget(self.score_button)
        top.addWidget(self.new_template_button)
        top.addWidget(self.edit_template_button)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setObjectName("evaluations_splitter")  # remembered between runs
        splitter.addWidget(self.history)
        splitter.addWidget(self.scores)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.current_label)
        layout.addLayout(top)
        layout.addWidget(QLabel("评定历史（选中一条查看各项得分）", self))
        layout.addWidget(splitter, 1)

        self.score_button.clicked.connect(self.score_site)
        self.new_template_button.clicked.connect(lambda: self.edit_template(new=True))
        self.edit_template_button.clicked.connect(lambda: self.edit_template(new=False))
        self.template_combo.currentIndexChanged.connect(lambda _i: self._enable())
        self.history.selectionModel().selectionChanged.connect(lambda *_: self._show_scores())
        self.load_templates()
        self.set_site(None)

    # ---- state -----------------------------------------------------------------------

    def load_templates(self, select_id: str | None = None) -> None:
        chosen = select_id or self.template_combo.currentData()
        self.templates = evaluations.list_templates(self.ctx.db)
        kind = self.site.kind if self.site else None
        # Templates for this kind of site first, then general ones, then the rest.
        ordered = sorted(
            self.templates,
            key=lambda t: (0 if t.site_kind == kind else 1 if t.site_kind is None else 2, t.name),
        )
        self.template_combo.blockSignals(True)
        self.template_combo.clear()
        for t in ordered:
            suffix = "" if t.site_kind in (None, kind) else "（其他类别）"
            self.template_combo.addItem(f"{t.name}{suffix}", t.id)
        index = self.template_combo.findData(chosen) if chosen else -1
        self.template_combo.setCurrentIndex(max(index, 0) if ordered else -1)
        self.template_combo.blockSignals(False)
        self._enable()

    def set_site(self, site: SiteRecord | None) -> None:
        kind_changed = (site.kind if site else None) != (self.site.kind if self.site else None)
        self.site = site
        if kind_changed:
            # Offer the template made for this kind of site, not the last one used.
            self.template_combo.setCurrentIndex(-1)
            self.load_templates()
        self.reload()

    def reload(self) -> None:
        if self.site is None:
            self.current_label.setText("请在左侧选择一个阵地")
            self.history_model.set_rows([])
        else:
            self.current_label.setText(
                f"{self.site.name}　当前星级：{star_text(self.site.star_level)}"
            )
            self.history_model.set_rows(evaluations.history(self.ctx.db, self.site.id))
        self._show_scores()
        self._enable()

    def template(self) -> TemplateRecord | None:
        template_id = self.template_combo.currentData()
        return next((t for t in self.templates if t.id == template_id), None)

    def _enable(self) -> None:
        self.score_button.setEnabled(self.site is not None and self.template() is not None)
        self.edit_template_button.setEnabled(self.template() is not None)

    def selected_evaluation(self) -> EvaluationRecord | None:
        return self.history_model.record_at(selected_row(self.history))

    def _show_scores(self) -> None:
        chosen = self.selected_evaluation()
        self.scores_model.set_rows(
            [] if chosen is None else evaluations.scores_of(self.ctx.db, chosen.id)
        )

    # ---- actions ---------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()

    def score_site(self) -> None:
        template = self.template()
        if self.site is None or template is None:
            return
        try:
            # Read afresh: another window may have edited the template meanwhile.
            template = evaluations.get_template(self.ctx.db, template.id)
        except UnionDeskError as exc:
            messages.error(self, "无法评分", exc.message)
            return
        dialog = ScoreDialog(self.ctx, self.site, template, self)
        dialog.accepted.connect(lambda: self._scored(dialog))
        self._open(dialog)

    def _scored(self, dialog: ScoreDialog) -> None:
        record = dialog.record
        if record is None:
            return
        self.changed.emit()  # the page re-reads the site (its star level) and calls back
        text = (
            f"{record.evaluated_on:%Y-%m-%d} 评定：{record.total_points:g} 分，"
            f"{star_text(record.star_level)}"
        )
        if record.shortfalls:
            text += "\n未达到下一星级：" + "；".join(record.shortfalls)
        try:
            current = sites.get_site(self.ctx.db, record.site_id).star_level
        except UnionDeskError:
            current = record.star_level
        if current != record.star_level:  # an older evaluation typed in afterwards
            text += (
                f"\n这不是最近一次评定，阵地当前星级仍为"
                f"{star_text(current).split(' ')[0]}（按评定日期最近的一次）"
            )
        messages.inform(self, "评定已保存", text)

    def edit_template(self, *, new: bool) -> None:
        template = None if new else self.template()
        if not new and template is None:
            return
        dialog = TemplateDialog(self.ctx, template, self)
        dialog.accepted.connect(lambda: self._template_saved(dialog))
        self._open(dialog)

    def _template_saved(self, dialog: TemplateDialog) -> None:
        if dialog.saved is not None:
            self.load_templates(dialog.saved.id)
            self.changed.emit()
