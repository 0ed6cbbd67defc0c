"""File choosers and removable drives behind small functions tests can monkeypatch.

Nothing here touches the database; the wizards call these and pass paths to the engine.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStorageInfo
from PySide6.QtWidgets import QFileDialog, QWidget

PACKAGE_FILTER = "同步包 (*.udsync);;所有文件 (*)"
CARD_FILTER = "密钥卡 (*.udkey);;所有文件 (*)"
PACKAGE_SUFFIX = ".udsync"
CARD_SUFFIX = ".udkey"

_REMOVABLE_FS = {"vfat", "msdos", "fat", "fat32", "exfat", "fuseblk", "ntfs", "ntfs3"}
_REMOVABLE_ROOTS = ("/media/", "/run/media/", "/mnt/", "/Volumes/")


@dataclass(frozen=True)
class Volume:
    root: Path
    label: str
    free_bytes: int
    removable: bool

    def describe(self) -> str:
        kind = "U盘/移动硬盘" if self.removable else "磁盘"
        name = f"{self.label} " if self.label else ""
        return f"{kind} {name}（{self.root}）　剩余 {self.free_bytes / 2**30:.1f} GB"


def _looks_removable(info: QStorageInfo) -> bool:
    root = info.rootPath()
    fs = bytes(info.fileSystemType().data()).decode(errors="replace").lower()
    if sys.platform == "win32":
        system = os.environ.get("SystemDrive", "C:").upper()
        return not root.upper().startswith(system) and fs in {"fat32", "exfat", "fat", "ntfs"}
    return root.startswith(_REMOVABLE_ROOTS) and (fs in _REMOVABLE_FS or fs == "")


def removable_volumes() -> list[Volume]:
    """Mounted, writable volumes that look like USB sticks, removable ones first."""
    found: list[Volume] = []
    for info in QStorageInfo.mountedVolumes():
        if not info.isValid() or not info.isReady() or info.isReadOnly():
            continue
        if not _looks_removable(info):
            continue
        found.append(Volume(Path(info.rootPath()), info.displayName(), info.bytesAvailable(), True))
    return sorted(found, key=lambda v: str(v.root))


def with_suffix(path: Path, suffix: str) -> Path:
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def save_package_path(parent: QWidget | None, suggested: str) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(parent, "保存同步包", suggested, PACKAGE_FILTER)
    return with_suffix(Path(chosen), PACKAGE_SUFFIX) if chosen else None


def open_package_path(parent: QWidget | None, start: str = "") -> Path | None:
    chosen, _ = QFileDialog.getOpenFileName(parent, "选择同步包", start, PACKAGE_FILTER)
    return Path(chosen) if chosen else None


def save_card_path(parent: QWidget | None, suggested: str) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(parent, "保存本机密钥卡", suggested, CARD_FILTER)
    return with_suffix(Path(chosen), CARD_SUFFIX) if chosen else None


def open_card_path(parent: QWidget | None) -> Path | None:
    chosen, _ = QFileDialog.getOpenFileName(parent, "选择对方单位的密钥卡", "", CARD_FILTER)
    return Path(chosen) if chosen else None


def packages_on(volumes: list[Volume]) -> list[Path]:
    """Sync packages lying at the top of the given drives (what a clerk just copied)."""
    found: list[Path] = []
    for volume in volumes:
        try:
            found.extend(sorted(volume.root.glob("*" + PACKAGE_SUFFIX)))
        except OSError:
            continue
    return found
