"""The member dialog's photo: choose a file, drop one, or paste; preview as it will be
printed (cropped to the card's photo frame); remove. Nothing is stored until the dialog
saves (``apply``); a refused picture is explained at once under the preview."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, Qt
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QImage,
    QImageReader,
    QKeySequence,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import ValidationError, storage_error
from desktop.services.members import photos
from desktop.storage.database import Database
from desktop.views.widgets.field_error import FieldMessage

FILE_FILTER = "照片 (*.jpg *.jpeg *.png *.JPG *.JPEG *.PNG)"
PREVIEW = (114, 150)  # the card's 19 × 25 mm frame, on screen
_REMOVE = "remove"
# Where the card's frame sits on a picture taller (or wider) than it: the clerk's choice.
PLACES = (("center", "居中裁剪"), ("top", "靠上裁剪"), ("bottom", "靠下裁剪"))


def choose_file(parent: QWidget | None) -> str:
    """The file the clerk picked ('' when cancelled): one seam for tests to replace."""
    chosen, _ = QFileDialog.getOpenFileName(parent, "选择会员照片", "", FILE_FILTER)
    return chosen


def crop_for(data: bytes, place: str) -> photos.Crop | None:
    """The card-shaped part of the picture at ``place`` (None: centred, the default).
    Sizes are read from the header, turned upright as the service turns the picture."""
    if place == "center":
        return None
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    image = reader.read()
    if image.isNull():
        return None
    width, height = image.width(), image.height()
    aw, ah = photos.ASPECT
    fw, fh = (height * aw // ah, height) if width * ah > height * aw else (width, width * ah // aw)
    left, top = (width - fw) // 2, 0 if place == "top" else height - fh
    return photos.Crop(left, top, fw, fh)


def _image_bytes(image: QImage) -> bytes:
    """A pasted or dropped picture as PNG bytes (then checked like a file)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs lack (QIODevice, str)
    return bytes(buffer.data().data())


class PhotoBox(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        # (name, bytes, crop), _REMOVE, or None (unchanged)
        self.pending: tuple[str, bytes, photos.Crop | None] | str | None = None
        self._has_photo = False
        self.preview = QLabel(self)
        self.preview.setFixedSize(*PREVIEW)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("border: 1px solid #bbb; color: #777;")
        self.choose_button = QPushButton("选择照片…", self)
        self.paste_button = QPushButton("粘贴", self)
        self.remove_button = QPushButton("删除照片", self)
        self.place = QComboBox(self)
        for code, label in PLACES:
            self.place.addItem(label, code)
        self.message = FieldMessage(self)
        self.message.setMaximumWidth(220)
        hint = QLabel("可拖入照片或按 Ctrl+V 粘贴；\nJPEG/PNG，自动裁成会员卡照片比例", self)
        hint.setStyleSheet("color: #777;")
        buttons = QHBoxLayout()
        for b in (self.choose_button, self.paste_button, self.remove_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(buttons)
        layout.addWidget(self.place)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.choose_button.clicked.connect(self.choose)
        self.paste_button.clicked.connect(self.paste)
        self.remove_button.clicked.connect(self.remove)
        self.place.currentIndexChanged.connect(self._replace)
        QShortcut(QKeySequence.StandardKey.Paste, self, self.paste)
        self._show(None)

    # ---- what is shown -----------------------------------------------------------------

    def load(self, data: bytes | None, has_ref: bool = False) -> None:
        """The member's stored photo (``has_ref``: a photo is named but not yet synced)."""
        self.pending = None
        self._has_photo = data is not None or has_ref
        self._show(data, missing=has_ref and data is None)

    def _show(self, data: bytes | None, missing: bool = False) -> None:
        pixmap = QPixmap()
        if data is not None and pixmap.loadFromData(QByteArray(data)):
            self.preview.setPixmap(
                pixmap.scaled(
                    *PREVIEW,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.preview.clear()
            self.preview.setText("照片尚未同步到本机" if missing else "照片")
        self.remove_button.setEnabled(data is not None or missing)

    def has_changes(self) -> bool:
        return self.pending is not None

    # ---- taking a picture in -----------------------------------------------------------

    def offer(self, name: str, data: bytes) -> bool:
        """Check a picture now (refusal shown under the preview); keep it for saving."""
        self.message.clear_message()
        crop = crop_for(data, str(self.place.currentData()))
        try:
            prepared = photos.prepare(name, data, crop)
        except ValidationError as exc:
            self.message.show_error(exc.message)
            return False
        self.pending = (name, data, crop)
        self._show(prepared.data)
        return True

    def _replace(self) -> None:
        """The crop place changed: the picture in hand, cropped again."""
        if isinstance(self.pending, tuple):
            name, data, _crop = self.pending
            self.offer(name, data)

    def offer_file(self, path: Path) -> bool:
        try:
            data = photos.read_file(path)
        except ValidationError as exc:
            self.message.show_error(exc.message)
            return False
        except OSError as exc:
            err = storage_error(exc, path=path)
            self.message.show_error(err.message if err else f"无法读取「{path.name}」")
            return False
        return self.offer(path.name, data)

    def choose(self) -> None:
        chosen = choose_file(self)
        if chosen:
            self.offer_file(Path(chosen))

    def _take_mime(self, mime: QMimeData | None) -> bool:
        if mime is None:
            return False
        files = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
        if files:
            return self.offer_file(files[0])
        if mime.hasImage():
            image = QImage(mime.imageData())
            if not image.isNull():
                return self.offer("粘贴的图片", _image_bytes(image))
        self.message.show_error("剪贴板或拖入的内容不是图片：请复制一张照片，或选择照片文件")
        return False

    def paste(self) -> None:
        self._take_mime(QApplication.clipboard().mimeData())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        mime = event.mimeData()
        if mime.hasUrls() or mime.hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        if self._take_mime(event.mimeData()):
            event.acceptProposedAction()

    def remove(self) -> None:
        self.message.clear_message()
        self.pending = _REMOVE if self._has_photo else None
        self._show(None)

    # ---- saving --------------------------------------------------------------------------

    def apply(self, db: Database, member_id: str) -> None:
        """Store the change for the saved member (its own transaction)."""
        if isinstance(self.pending, tuple):
            name, data, crop = self.pending
            photos.attach(db, member_id, name, data, crop)
            self._has_photo = True
        elif self.pending == _REMOVE:
            photos.remove(db, member_id)
            self._has_photo = False
        self.pending = None
