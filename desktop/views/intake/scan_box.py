"""The review queue's scan box: the USB scanner types a phone application's QR plus Enter.

The box opens it with this office's key and checks it by the member dialog's rules
(``sync.office.read_application_scan``) and emits ``scanned`` with the result; the page
that embeds it files the application (channel 扫码). A refusal — a card QR, another
office's, altered, old page, already filed — is shown under the box, not in a modal
box, so the clerk can simply scan again; the box is cleared either way.
"""

from __future__ import annotations

from collections.abc import Callable, Container

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.errors import UnionDeskError
from desktop.models.masking import mask_id_number
from desktop.sync import office
from desktop.views.context import AppContext

OK_STYLE = "color: #1b5e20;"
REFUSED_STYLE = "color: #b71c1c;"


class ApplicationScanBox(QWidget):
    """A line edit for the scanner and the verdict below it.

    ``seen`` gives the payload ids already filed (the applications table's), asked at
    each scan so a QR scanned twice is refused as a replay.
    """

    scanned = Signal(object)  # office's ScannedApplication

    def __init__(
        self,
        ctx: AppContext,
        seen: Callable[[], Container[str]] = frozenset,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._seen = seen
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("扫码枪扫描申请人手机上的入会申请二维码（扫完自动读取）")
        self.edit.setClearButtonEnabled(True)
        self.result = QLabel("")
        self.result.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.result)
        self.edit.returnPressed.connect(self.read)

    def read(self) -> None:
        text = self.edit.text()
        self.edit.clear()
        if not text.strip():
            return
        try:
            scanned = office.read_application_scan(self.ctx.db, text, self._seen())
        except UnionDeskError as exc:
            self.result.setStyleSheet(REFUSED_STYLE)
            self.result.setText(exc.message)
            return
        values = scanned.values
        self.result.setStyleSheet(OK_STYLE)
        self.result.setText(
            f"已读取入会申请：{values['name']}（身份证号 {mask_id_number(values['id_number'])}）"
            + "".join(f"\n注意：{w}" for w in scanned.warnings)
        )
        self.scanned.emit(scanned)
