"""活动照片: a strip of thumbnails under the 签到 list, with 添加照片 and 删除照片.

Files are read, checked (JPEG/PNG by content, size limit) and stored on the task runner,
never on the GUI thread: ten phone pictures are ~50 MB. Thumbnails are decoded there too,
at thumbnail size (``QImageReader.setScaledSize`` lets JPEG skip most of the work), and
kept by hash, so re-showing an activity costs nothing. ``QImage`` is safe off the GUI
thread; the ``QPixmap`` is made on it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QBuffer,
    QByteArray,
    QIODevice,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError, ValidationError
from desktop.progress import CancelToken, ProgressFn
from desktop.services import activities
from desktop.views.context import AppContext
from desktop.views.widgets import messages
from desktop.views.widgets.field_error import FieldMessage

THUMB = 96
SHA_ROLE = Qt.ItemDataRole.UserRole + 1
FILE_FILTER = "JPEG 或 PNG 图片 (*.jpg *.jpeg *.png *.JPG *.JPEG *.PNG)"

Index = QModelIndex | QPersistentModelIndex


def choose_files(parent: QWidget | None) -> list[str]:
    """The file dialog behind one name, so tests can replace it."""
    chosen, _ = QFileDialog.getOpenFileNames(parent, "选择活动照片", "", FILE_FILTER)
    return list(chosen)


def thumbnail(data: bytes, size: int = THUMB) -> QImage:
    """Decode at thumbnail size (any thread). A null image when the bytes do not decode."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)  # phone pictures carry their rotation in EXIF
    full = reader.size()
    if full.isValid() and (full.width() > size or full.height() > size):
        reader.setScaledSize(full.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    buffer.close()
    return image


def readable_image(data: bytes) -> bool:
    """True when the image header parses (cheap: no pixels decoded)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    ok = reader.canRead() and reader.size().isValid()
    buffer.close()
    return ok


def read_files(paths: list[str], cancel: CancelToken | None = None) -> list[tuple[str, bytes]]:
    """Read the chosen files; a file that cannot be read (or is too large to try) refuses
    the lot, naming every such file. The content checks are the service's."""
    files: list[tuple[str, bytes]] = []
    problems: list[str] = []
    for path in paths:
        if cancel is not None and cancel.cancelled:
            break
        name = Path(path).name
        try:
            # Checked before reading: a stray video is not worth loading into memory.
            too_large = activities.photo_size_problem(name, Path(path).stat().st_size)
            if too_large:
                problems.append(too_large)
                continue
            data = Path(path).read_bytes()
        except OSError as exc:
            problems.append(
                f"{name}：无法读取文件（{exc.strerror or exc}），请确认文件存在且未被占用"
            )
            continue
        if activities.photo_mime(data) is not None and not readable_image(data):
            problems.append(f"{name}：图片文件已损坏，无法打开，请换一张照片")
            continue
        files.append((name, data))
    if problems:
        raise ValidationError("；".join(problems) + "。未添加任何照片", field="photo")
    return files


class PhotoListModel(QAbstractListModel):
    """The activity's photos by hash, with a thumbnail once it has been decoded."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hashes: list[str] = []
        self.thumbs: dict[str, QPixmap] = {}
        self.broken: set[str] = set()

    def set_hashes(self, hashes: list[str]) -> None:
        self.beginResetModel()
        self.hashes = hashes
        self.endResetModel()

    def missing(self) -> list[str]:
        return [h for h in self.hashes if h not in self.thumbs and h not in self.broken]

    def set_thumbs(self, images: dict[str, QImage | None]) -> None:
        for sha, image in images.items():
            if image is None or image.isNull():
                self.broken.add(sha)
            else:
                self.thumbs[sha] = QPixmap.fromImage(image)
        if self.hashes:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.hashes) - 1, 0))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self.hashes)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.hashes):
            return None
        sha = self.hashes[index.row()]
        if role == Qt.ItemDataRole.DecorationRole:
            return self.thumbs.get(sha)
        if role == Qt.ItemDataRole.DisplayRole:
            if sha in self.broken:
                return "无法显示"
            return "" if sha in self.thumbs else "载入中…"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"照片 {index.row() + 1}"
        if role == SHA_ROLE:
            return sha
        return None


class PhotoStrip(QWidget):
    """Thumbnails of one activity's photos; emits ``changed`` after a write."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.activity_id: str | None = None
        self.label = QLabel("活动照片", self)
        self.add_button = QPushButton("添加照片…", self)
        self.remove_button = QPushButton("删除照片", self)
        self.message = FieldMessage(self)
        self.model = PhotoListModel(self)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setFlow(QListView.Flow.LeftToRight)
        self.view.setWrapping(False)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setIconSize(QSize(THUMB, THUMB))
        self.view.setGridSize(QSize(THUMB + 12, THUMB + 24))
        self.view.setFixedHeight(THUMB + 44)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

        top = QHBoxLayout()
        top.addWidget(self.label)
        top.addStretch(1)
        top.addWidget(self.add_button)
        top.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.view)
        layout.addWidget(self.message)

        self.add_button.clicked.connect(self.add_from_files)
        self.remove_button.clicked.connect(self.remove_selected)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self._enable()

    # ---- state -----------------------------------------------------------------------

    def set_activity(self, activity_id: str | None) -> None:
        if activity_id != self.activity_id:
            self.message.clear_message()
        self.activity_id = activity_id
        self.reload()

    def reload(self) -> None:
        hashes = (
            []
            if self.activity_id is None
            else activities.list_photos(self.ctx.db, self.activity_id)
        )
        self.model.set_hashes(hashes)
        self.label.setText(f"活动照片（{len(hashes)} 张）" if self.activity_id else "活动照片")
        self._enable()
        self._load_thumbs()

    def selected_hash(self) -> str | None:
        rows = self.view.selectionModel().selectedIndexes()
        return str(rows[0].data(SHA_ROLE)) if rows else None

    def _enable(self) -> None:
        on = self.activity_id is not None
        self.add_button.setEnabled(on)
        self.remove_button.setEnabled(on and self.selected_hash() is not None)

    def _load_thumbs(self) -> None:
        wanted = self.model.missing()
        if not wanted:
            return
        db = self.ctx.db

        def work(_progress: ProgressFn, cancel: CancelToken) -> dict[str, QImage | None]:
            out: dict[str, QImage | None] = {}
            for sha in wanted:
                if cancel.cancelled:
                    break
                try:
                    out[sha] = thumbnail(activities.photo_bytes(db, sha))
                except UnionDeskError:
                    out[sha] = None  # not synced here yet: shown as 无法显示
            return out

        self.ctx.runner.run(
            work,
            title="正在载入照片",
            parent=self,
            on_done=self.model.set_thumbs,
            on_error=lambda exc: self.message.show_error(
                getattr(exc, "message", None) or "照片载入失败"
            ),
            quiet=True,
        )

    # ---- actions ---------------------------------------------------------------------

    def add_from_files(self) -> None:
        activity_id = self.activity_id
        if activity_id is None:
            return
        paths = choose_files(self)
        if not paths:
            return
        self.message.clear_message()
        db = self.ctx.db

        def work(_progress: ProgressFn, cancel: CancelToken) -> tuple[int, int]:
            files = read_files(paths, cancel)
            if cancel.cancelled:
                return (0, 0)
            return (len(activities.add_photos(db, activity_id, files)), len(files))

        self.ctx.runner.run(
            work,
            title="正在添加照片",
            parent=self,
            on_done=self._added,
            on_error=self._failed,
            cancellable=False,
        )

    def _added(self, counts: tuple[int, int]) -> None:
        added, chosen = counts
        text = f"已添加 {added} 张照片"
        if chosen > added:
            text += f"；{chosen - added} 张已在本活动中，未重复添加"
        self.message.show_hint(text)
        self.reload()
        if added:
            self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, UnionDeskError):
            self.message.show_error(exc.message)
        else:
            messages.error(self, "添加照片", f"添加照片失败：{exc}")

    def remove_selected(self) -> None:
        sha = self.selected_hash()
        if self.activity_id is None or sha is None:
            return
        if not messages.confirm(self, "删除照片", "从本活动中删除这张照片？"):
            return
        try:
            activities.remove_photo(self.ctx.db, self.activity_id, sha)
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            self.reload()
            return
        self.message.show_hint("照片已删除")
        self.reload()
        self.changed.emit()
