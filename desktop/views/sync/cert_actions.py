"""Office certificates on the 数据同步 page (CLI ``sync certify`` / ``sync install-cert``).

A higher-level union (上级单位) signs a certificate for a subordinate office's key card;
the office installs it, and every package it exports then carries it, so any PC that
accepts that union as a root imports the office's packages without enrolling it.
The signing and checking live in ``desktop.sync.certs``; this module only asks for
files, shows the result and keeps the file choosers behind names tests can replace.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.storage.database import Database
from desktop.sync import office
from desktop.sync.office import OwnCertificate
from desktop.views.context import AppContext
from desktop.views.sync import files
from desktop.views.sync.card_check import CardCheck
from desktop.views.widgets import messages

CERT_SUFFIX = ".udcert"
CERT_FILTER = "单位证书 (*.udcert);;所有文件 (*)"


def open_cert_path(parent: QWidget | None) -> Path | None:
    chosen, _ = QFileDialog.getOpenFileName(parent, "选择上级单位签发的证书", "", CERT_FILTER)
    return Path(chosen) if chosen else None


def save_cert_path(parent: QWidget | None, suggested: str) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(parent, "保存单位证书", suggested, CERT_FILTER)
    return files.with_suffix(Path(chosen), CERT_SUFFIX) if chosen else None


def issuer_text(cert: OwnCertificate) -> str:
    """Who signed: the name this PC enrolled it under, else its full node number."""
    if cert.issuer_name:
        return f"「{cert.issuer_name}」（节点 {cert.issuer[:8]}…）"
    return f"上级单位（节点 {cert.issuer}）"


def own_certificate_text(db: Database) -> str:
    """One line for the identity box: whether packages from this PC carry a certificate."""
    cert = office.own_certificate(db)
    if cert.state == "damaged":
        return "本机保存的证书已损坏，请重新安装上级单位签发的证书"
    if cert.state == "none":
        return "未安装（对方须逐个登记本机，才接受本机的同步包）"
    at = "" if cert.issued_at is None else f"，签发于 {cert.issued_at.astimezone():%Y-%m-%d %H:%M}"
    return f"已安装：由{issuer_text(cert)}签发{at}"


def install_certificate(parent: QWidget, ctx: AppContext) -> bool:
    """Ask for the certificate file and keep it as this PC's own (one transaction)."""
    path = open_cert_path(parent)
    if path is None:
        return False
    try:
        issuer = issuer_text(office.install_certificate(ctx.db, path))
    except UnionDeskError as exc:
        messages.warn(parent, "未安装证书", exc.message)
        return False
    ctx.changed("sync")
    ctx.status_message.emit("已安装上级单位签发的单位证书")
    messages.inform(
        parent,
        "证书已安装",
        f"已安装由{issuer}为本机签发的单位证书。\n\n以后本机导出的同步包都附带此证书，"
        "认可该上级单位的单位可以直接导入，无需逐个登记本机。",
    )
    return True


class CertifyDialog(QDialog):
    """为下级单位签发证书: check the subordinate's key card by phone, sign, save."""

    certified = Signal(object)  # office.Certificate

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.saved_to: Path | None = None
        self.setWindowTitle("为下级单位签发证书")
        self.resize(560, 380)
        intro = QLabel(
            "请向下级单位索取其“密钥卡”文件（.udkey），选择后打电话请对方在其“数据同步”页面"
            "念出本机指纹，与下面显示的逐组比对。\n核对无误后签发单位证书：认可本单位为上级"
            "单位的单位，今后可直接导入持证单位的同步包，无需逐个登记。"
        )
        intro.setWordWrap(True)
        self.check = CardCheck(None, self)
        self.buttons = QDialogButtonBox()
        self.certify_button = self.buttons.addButton(
            "签发并保存…", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.check)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.check.changed.connect(self._update)
        self.certify_button.clicked.connect(self.certify)
        self.buttons.rejected.connect(self.reject)
        self._update()

    def _update(self) -> None:
        self.certify_button.setEnabled(self.check.ready())

    def certify(self) -> None:
        card = self.check.card
        if card is None or not self.check.ready():
            return
        name = self.check.office_name()
        out = save_cert_path(self, f"单位证书-{name}{CERT_SUFFIX}")
        if out is None:
            return
        try:
            cert = office.certify(self.ctx.db, card, self.check.checked_fingerprint(), out)
        except UnionDeskError as exc:
            messages.error(self, "未签发证书", exc.message)
            return
        self.saved_to = out
        self.ctx.status_message.emit(f"已为「{name}」签发单位证书")
        messages.inform(
            self,
            "证书已签发",
            f"已为「{name}」签发单位证书，保存在\n{out}\n\n请把这个文件交给该单位（U盘、邮件均可，"
            "证书不含任何会员信息），由对方在其“数据同步”页面点「安装上级证书…」安装。",
        )
        self.certified.emit(cert)
        self.accept()
