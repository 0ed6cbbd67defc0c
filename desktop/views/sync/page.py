"""数据同步 page: this PC's identity, trusted offices, conflicts and history.

Buttons open the export and import wizards, the enrolment dialog and the certificate
actions (cert_actions); resolving a conflict and revoking an office are one engine call each.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.storage.database import Database
from desktop.sync import office
from desktop.sync.office import ConflictView, Peer
from desktop.views.context import AppContext
from desktop.views.qtmodels import conflict_table as ct
from desktop.views.qtmodels.conflict_table import ConflictTableModel
from desktop.views.qtmodels.sync_tables import (
    PeerTableModel,
    QuarantineTableModel,
    ReceiptTableModel,
)
from desktop.views.sync import cert_actions, labels
from desktop.views.sync.enrol_dialog import FINGERPRINT_STYLE
from desktop.views.widgets import messages
from desktop.views.widgets.tables import RecordTable, record_list

T = TypeVar("T")


def create_page(ctx: AppContext) -> QWidget:
    return SyncPage(ctx)


def _table(model: QAbstractItemModel, parent: QWidget, empty_text: str) -> QTableView:
    """A list of the page's, which says what its emptiness means (a new office has no
    trusted office yet: the first thing to do)."""
    view = record_list(RecordTable(parent, empty_text=empty_text))
    view.setModel(model)
    view.setAlternatingRowColors(True)
    return view


def _selected_row(view: QTableView) -> int | None:
    rows = view.selectionModel().selectedRows()
    return rows[0].row() if rows else None


class SyncPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: QDialog | None = None

        # -- this PC ---------------------------------------------------------------------
        self.office_label = QLabel()
        self.node_label = QLabel()
        self.fingerprint_label = QLabel()
        self.fingerprint_label.setStyleSheet(FINGERPRINT_STYLE)
        for label in (self.node_label, self.fingerprint_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cert_label = QLabel()
        self.cert_label.setWordWrap(True)
        self.cert_label.setTextFormat(Qt.TextFormat.PlainText)
        self.card_button = QPushButton("导出本机密钥卡…")
        self.install_cert_button = QPushButton("安装上级证书…")
        self.install_cert_button.setToolTip(
            "安装上级单位为本机签发的单位证书（.udcert）：认可该上级单位的单位可直接导入"
            "本机的同步包"
        )
        identity_box = QGroupBox("本机身份（对方登记本单位时，请念这组指纹给对方核对）")
        form = QFormLayout(identity_box)
        form.addRow("单位名称：", self.office_label)
        form.addRow("节点编号：", self.node_label)
        form.addRow("本机指纹：", self.fingerprint_label)
        form.addRow("单位证书：", self.cert_label)
        card_row = QHBoxLayout()
        card_row.addWidget(self.card_button)
        card_row.addWidget(self.install_cert_button)
        card_row.addStretch(1)
        form.addRow("", card_row)

        self.export_button = QPushButton("导出同步包…")
        self.import_button = QPushButton("导入同步包…")
        for b in (self.export_button, self.import_button):
            b.setMinimumSize(170, 44)
        actions = QVBoxLayout()
        actions.addWidget(self.export_button)
        actions.addWidget(self.import_button)
        actions.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(identity_box, 1)
        top.addLayout(actions)

        # -- trusted offices -------------------------------------------------------------
        self.peer_model = PeerTableModel(ctx.db, self)
        self.peer_table = _table(
            self.peer_model,
            self,
            "还没有信任单位：按「添加信任单位…」导入对方的密钥卡，并与对方电话核对指纹；"
            "登记之后才能与对方交换同步包。",
        )
        for col, width in ((0, 200), (1, 300), (2, 240)):
            self.peer_table.setColumnWidth(col, width)
        self.enrol_button = QPushButton("添加信任单位…")
        self.revoke_button = QPushButton("撤销信任…")
        self.unroot_button = QPushButton("取消上级认可…")
        self.introduce_button = QPushButton("允许引荐其他单位…")
        self.certify_button = QPushButton("为下级单位签发证书…")
        peers_tab = self._tab(
            self.peer_table,
            self.enrol_button,
            self.revoke_button,
            self.unroot_button,
            self.introduce_button,
            self.certify_button,
        )

        # -- conflicts -------------------------------------------------------------------
        self.conflict_model = ConflictTableModel(ctx.db, self)
        self.conflict_table = _table(
            self.conflict_model, self, "没有待处理的冲突：收到的修改都已自动合并。"
        )
        for col, width in (
            (ct.COL_TABLE, 70),
            (ct.COL_RECORD, 260),
            (ct.COL_FIELD, 90),
            (ct.COL_CURRENT, 260),
            (ct.COL_OTHER, 260),
        ):
            self.conflict_table.setColumnWidth(col, width)
        self.keep_button = QPushButton("保留当前值")
        self.other_button = QPushButton("改用另一值")
        conflicts_tab = self._tab(
            self.conflict_table,
            self.keep_button,
            self.other_button,
            note="两个单位同时改了同一字段时，系统先按时间选定“当前值”，另一值保留在这里，"
            "请核实后选择。选择后会作为新的修改同步给其他单位。",
        )

        # -- history ---------------------------------------------------------------------
        self.receipt_model = ReceiptTableModel(ctx.db, self)
        self.receipt_table = _table(
            self.receipt_model, self, "还没有收发记录：导出或导入同步包后，每次收发都记在这里。"
        )
        for col, width in ((0, 130), (1, 60), (2, 180), (3, 260)):
            self.receipt_table.setColumnWidth(col, width)
        history_tab = self._tab(self.receipt_table)

        # -- quarantine --------------------------------------------------------------------
        self.quarantine_model = QuarantineTableModel(ctx.db, self)
        self.quarantine_table = _table(
            self.quarantine_model, self, "没有被隔离的修改：收到的修改都符合规则。"
        )
        for col, width in ((0, 130), (1, 260), (2, 300), (3, 90)):
            self.quarantine_table.setColumnWidth(col, width)
        quarantine_tab = self._tab(
            self.quarantine_table,
            note="这些收到的修改数值不合规则（如必填项为空、超长、身份证号校验位错误），"
            "已隔离，没有写入数据。请联系来源单位核对并重新修改对应记录。",
        )

        self.tabs = QTabWidget(self)
        self.tabs.addTab(peers_tab, "信任单位")
        self.tabs.addTab(conflicts_tab, "待处理冲突")
        self.tabs.addTab(history_tab, "收发记录")
        self.tabs.addTab(quarantine_tab, "已隔离的修改")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

        self.card_button.clicked.connect(self.export_card)
        self.install_cert_button.clicked.connect(self.install_certificate)
        self.certify_button.clicked.connect(self.open_certify)
        self.export_button.clicked.connect(self.open_export)
        self.import_button.clicked.connect(lambda: self.open_import())  # not clicked's bool
        self.enrol_button.clicked.connect(self.open_enrol)
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.unroot_button.clicked.connect(self.unroot_selected)
        self.introduce_button.clicked.connect(self.toggle_introducer)
        self.keep_button.clicked.connect(lambda: self.resolve_selected(keep_current=True))
        self.other_button.clicked.connect(lambda: self.resolve_selected(keep_current=False))
        for view in (self.peer_table, self.conflict_table):
            view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        for model in (self.peer_model, self.conflict_model):
            model.modelReset.connect(self._update_buttons)
        self._load_identity()
        self._update_buttons()

    def _tab(self, view: QTableView, *buttons: QPushButton, note: str = "") -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        if note:
            label = QLabel(note)
            label.setWordWrap(True)
            layout.addWidget(label)
        if buttons:
            row = QHBoxLayout()
            for b in buttons:
                row.addWidget(b)
            row.addStretch(1)
            layout.addLayout(row)
        layout.addWidget(view, 1)
        return tab

    # -- state -----------------------------------------------------------------------------
    def _load_identity(self) -> None:
        here = office.this_office(self.ctx.db)
        cert_text = cert_actions.own_certificate_text(self.ctx.db)
        self.office = here.name
        self.office_label.setText(here.name or "（尚未设置）")
        self.node_label.setText(here.node_id)
        self.fingerprint_label.setText(here.fingerprint)
        self.cert_label.setText(cert_text)

    def refresh(self) -> None:
        self._load_identity()
        self.peer_model.refresh()
        self.conflict_model.refresh()
        self.receipt_model.refresh()
        self.quarantine_model.refresh()
        self._update_buttons()

    def selected_peer(self) -> Peer | None:
        row = _selected_row(self.peer_table)
        return None if row is None else self.peer_model.item_at(row)

    def selected_conflict(self) -> ConflictView | None:
        row = _selected_row(self.conflict_table)
        return None if row is None else self.conflict_model.conflict_at(row)

    def _update_buttons(self) -> None:
        peer = self.selected_peer()
        self.revoke_button.setEnabled(
            peer is not None and peer.trusted and peer.revoked_after is None
        )
        self.unroot_button.setEnabled(peer is not None and peer.node_id in self.peer_model.roots)
        live = peer is not None and peer.trusted and peer.revoked_after is None
        self.introduce_button.setEnabled(live)
        self.introduce_button.setText(
            "不再允许引荐…"
            if live and peer is not None and peer.may_introduce
            else "允许引荐其他单位…"
        )
        has_conflict = self.selected_conflict() is not None
        self.keep_button.setEnabled(has_conflict)
        self.other_button.setEnabled(has_conflict)
        n = self.conflict_model.rowCount()
        self.tabs.setTabText(1, f"待处理冲突（{n}）" if n else "待处理冲突")
        q = self.quarantine_model.rowCount()
        self.tabs.setTabText(3, f"已隔离的修改（{q}）" if q else "已隔离的修改")

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    # -- actions ---------------------------------------------------------------------------
    def export_card(self) -> None:
        from desktop.views.sync.key_card import export_key_card

        export_key_card(self, self.ctx)

    def open_export(self) -> None:
        from desktop.views.sync.export_wizard import ExportWizard

        self._open(ExportWizard(self.ctx, self))

    def open_import(self, path: Path | None = None) -> None:
        """The import wizard; on ``path`` (a .udsync given on the command line) it starts
        checking that file at once."""
        from desktop.views.sync.import_wizard import ImportWizard

        wizard = ImportWizard(self.ctx, self)
        self._open(wizard)
        if path is not None:
            wizard.start_with(path)

    def open_enrol(self) -> None:
        from desktop.views.sync.enrol_dialog import EnrolDialog

        self._open(EnrolDialog(self.ctx, parent=self))

    def install_certificate(self) -> None:
        cert_actions.install_certificate(self, self.ctx)

    def open_certify(self) -> None:
        self._open(cert_actions.CertifyDialog(self.ctx, self))

    def revoke_selected(self) -> None:
        peer = self.selected_peer()
        if peer is None or not peer.trusted:
            return
        name = peer.name or f"节点 {peer.node_id[:8]}"
        done = self._change_peer(
            "撤销信任",
            f"确定撤销对「{name}」的信任吗？\n\n撤销后，只接受该单位到目前为止已收到的修改，"
            "此后它发来的同步包将被拒绝（例如该单位电脑丢失或密钥泄露时使用）。",
            "无法撤销",
            lambda db: office.revoke(db, peer.node_id, None),
        )
        if done is not None:
            self.ctx.status_message.emit(f"已撤销对「{name}」的信任（计数 ≤ {done.revoked_after}）")

    def unroot_selected(self) -> None:
        peer = self.selected_peer()
        if peer is None or peer.node_id not in self.peer_model.roots:
            return
        name = peer.name or f"节点 {peer.node_id[:8]}"
        done = self._change_peer(
            "取消上级认可",
            f"确定不再认可「{name}」为上级单位吗？\n\n它本身仍是信任单位，发来的同步包照常导入；"
            "但它签发的单位证书不再有效，凭证书登记的单位需直接登记其密钥卡后才能再导入。",
            "无法取消上级认可",
            lambda db: office.remove_root(db, peer.node_id),
        )
        if done is not None:
            self.ctx.status_message.emit(f"已不再认可「{name}」为上级单位")

    def toggle_introducer(self) -> None:
        """Per office: may its packages bring offices this PC never enrolled?"""
        peer = self.selected_peer()
        if peer is None or not peer.trusted:
            return
        name = peer.name or f"节点 {peer.node_id[:8]}"
        allow = not peer.may_introduce
        question = (
            f"允许「{name}」引荐其他单位吗？\n\n允许后，它转来的、本机未登记的单位的修改也会被接收，"
            "导入时列出每个新单位的指纹。只对您信得过、负责汇总下级数据的单位这样做。"
            if allow
            else f"不再允许「{name}」引荐其他单位吗？\n\n"
            "此后它转来的、本机未登记的单位的修改将被跳过。"
        )
        done = self._change_peer(
            "引荐其他单位",
            question,
            "无法更改",
            lambda db: office.set_introducer(db, peer.node_id, allow),
        )
        if done is not None:
            self.ctx.status_message.emit(
                f"已允许「{name}」引荐其他单位" if allow else f"已不再允许「{name}」引荐其他单位"
            )

    def _change_peer(
        self, title: str, question: str, refused: str, change: Callable[[Database], T]
    ) -> T | None:
        """Ask, then make one change to a trusted office (the façade's call opens its
        own transaction); None when the clerk said no or the change was refused (its
        reason shown)."""
        if not messages.confirm(self, title, question):
            return None
        try:
            done = change(self.ctx.db)
        except UnionDeskError as exc:
            messages.error(self, refused, exc.message)
            return None
        self.ctx.changed("sync")
        return done

    def resolve_selected(self, keep_current: bool) -> None:
        c = self.selected_conflict()
        if c is None:
            return
        value = c.winner_value if keep_current else c.loser_value
        shown = labels.value_text(c.table, c.field, value, labels.union_names(self.ctx.db))
        field = labels.field_label(c.table, c.field)
        if not messages.confirm(
            self, "处理冲突", f"将「{field}」定为「{shown}」，并同步给其他单位。确定吗？"
        ):
            return
        try:
            office.resolve_conflict(self.ctx.db, c.id, value)
        except UnionDeskError as exc:
            messages.error(self, "无法处理冲突", exc.message)
            return
        self.ctx.changed("sync")
        self.ctx.status_message.emit(f"已处理冲突：{field}")
