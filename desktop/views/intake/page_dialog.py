"""生成入会申请页面: the review queue's button opens this dialog, which writes the office's
phone application page (one HTML file to send by WeChat or put on a website) and, if
asked, its A4 poster, through the same ``printing.application_page.publish`` as the
CLI's ``page`` verb."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.views.context import AppContext
from desktop.views.widgets import messages

HELP = (
    "申请页面是一个 HTML 文件，内含本单位的加密公钥和工会名单，可通过微信群、U盘发给职工，"
    "或放到任何网站上；职工在手机浏览器打开即可填写，无需联网。填完后页面显示加密的二维码，"
    "到办公室由扫码枪扫入审核列表。单位或工会名单变化后请重新生成。"
)


class ApplicationPageDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("生成入会申请页面")
        intro = QLabel(HELP)
        intro.setWordWrap(True)
        self.page_edit = QLineEdit(str(Path.home() / "入会申请.html"))
        browse = QPushButton("浏览…")
        browse.clicked.connect(self.choose_page)
        row = QHBoxLayout()
        row.addWidget(self.page_edit, 1)
        row.addWidget(browse)
        self.poster_check = QCheckBox("同时生成 A4 宣传海报（PDF，与页面同名）")
        self.poster_check.setChecked(True)
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://…（可不填：海报上印二维码打开此网址）")
        form = QFormLayout()
        form.addRow("页面文件", row)
        form.addRow("", self.poster_check)
        form.addRow("发布网址", self.url_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("生成")
        self.buttons.accepted.connect(self.make)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def choose_page(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "保存入会申请页面", self.page_edit.text(), "网页文件 (*.html)"
        )
        if chosen:
            self.page_edit.setText(chosen)

    def make(self) -> None:
        from desktop.printing.application_page import publish

        page = Path(self.page_edit.text().strip())
        if not page.name:
            messages.warn(self, "生成入会申请页面", "请选择页面文件的保存位置。")
            return
        if page.suffix.lower() not in (".html", ".htm"):
            page = page.with_name(page.name + ".html")
        poster = page.with_suffix(".pdf") if self.poster_check.isChecked() else None
        try:
            done = publish(self.ctx.db, page, poster, self.url_edit.text().strip() or None)
        except UnionDeskError as exc:
            messages.warn(self, "生成入会申请页面", exc.message)
            return
        made = f"已生成入会申请页面：{done.page}（{done.unions} 个工会可选）"
        if done.poster is not None:
            made += f"\n宣传海报：{done.poster}"
        messages.inform(self, "生成入会申请页面", made)
        self.accept()
