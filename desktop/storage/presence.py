"""Is there a registry in the data dir, and may this open make one?

A registry is made in three places only: ``uniondesk init``, ``uniondesk demo`` and the
window's first run (``open_storage(create=True)``). Every other open of a folder without
a registry file is refused before anything is created (no folder, no ``keys.json``, no
recovery key): a mistyped ``--data-dir`` or a USB stick not plugged in must not become a
new, empty registry that answers 「没有符合条件的会员」.

Worse is a folder whose ``uniondesk.db`` is gone (deleted, moved, not copied by a sync
tool) while its ``keys.json`` or its backups are still there: a new, empty registry
there would take a new sync identity, and the clerk would see an office with no
members. That is refused always, even by ``init`` and the window's first run, with the
newest good backup and how to put it back. ``backup restore`` still works there (it
restores onto the missing file without opening it: ``restoring.restore_unopenable``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from desktop.config import Paths
from desktop.errors import DatabaseError
from desktop.storage import health, keys

#: What an interrupted encryption leaves beside the file (``encrypting.PLAIN_SUFFIX``):
#: the next open puts it back, so the registry is not missing.
_PLAIN_ASIDE = ".plain"


class NoRegistryError(DatabaseError):
    """The folder holds no registry (and nothing of one), and this command makes none."""


class RegistryMissingError(DatabaseError):
    """The registry file is gone while its key or backups remain. ``good``: the newest
    backup that passes its check (None when none does)."""

    def __init__(self, message: str, good: Path | None) -> None:
        super().__init__(message)
        self.good = good


def _present(paths: Paths) -> bool:
    db_file = paths.database
    if db_file.exists() and (db_file.is_dir() or db_file.stat().st_size > 0):
        return True
    return db_file.with_name(db_file.name + _PLAIN_ASIDE).exists()


def refuse_unless_present(paths: Paths, *, create: bool, now: datetime) -> None:
    """Raise unless the registry file is there, or ``create`` may make it (and nothing of
    a former registry is left in the folder). Reads only: nothing is created."""
    if _present(paths) or (paths.data_dir.exists() and not paths.data_dir.is_dir()):
        return  # a file given as the folder: ``config.ensure_writable`` says so
    ring = keys.keys_file(paths)
    backups = health.backup_paths(paths.backups) if paths.backups.is_dir() else []
    if ring.exists() or backups:
        raise missing_message(paths, has_key=ring.exists(), backups=len(backups), now=now)
    if not create:
        raise NoRegistryError(
            f"文件夹 {paths.data_dir} 中没有工会桌面通的登记库（{paths.database.name}），"
            "未做任何改动，也没有新建。请检查 --data-dir（或环境变量 UNIONDESK_DATA_DIR）"
            "是否写对、U 盘或网络盘是否已接好；要在这里新建本单位的登记库，请运行 "
            "uniondesk init --federation 名称（或打开工会桌面通，按首次使用的提示创建）。"
        )


def missing_message(
    paths: Paths, *, has_key: bool, backups: int, now: datetime
) -> RegistryMissingError:
    """The refusal of a folder whose registry file is gone beside its key or backups."""
    left = "、".join(
        part
        for part in (
            "它的密钥文件 keys.json" if has_key else "",
            f"{backups} 份备份（{paths.backups}）" if backups else "",
        )
        if part
    )
    head = (
        f"数据文件夹 {paths.data_dir} 中的登记库文件 {paths.database.name} 不见了，"
        f"但同一文件夹中还有{left}。工会桌面通不会在这里新建一个空的登记库"
        "（那样本单位的会员都看不到，同步身份也会换成新的），未做任何改动。"
        f"如果文件被移走或改名了，请把它放回这个文件夹并命名为 {paths.database.name}；"
    )
    good = health.last_good_backup(paths.backups, now=now) if backups else None
    if good is not None:
        return RegistryMissingError(
            head + f"否则请用最近一份完好的备份（{good.name}）恢复：运行 uniondesk backup restore "
            f"{good.name}（或打开工会桌面通，按提示恢复）。备份之后录入的数据需要重新录入，"
            "或与各单位交换一次同步包后重新接收。",
            good,
        )
    if backups:
        where = (
            f"备份文件夹中的 {backups} 份备份都没有通过校验（在另一台电脑上做的备份，"
            "请先运行 uniondesk unlock --backup 备份文件名 解锁）。"
        )
    else:
        where = "备份文件夹中没有备份。"
    return RegistryMissingError(
        head + where + "如果 U 盘上有第二份备份，请把它和同名的 .keys.json 复制到 "
        f"{paths.backups}，再运行 uniondesk backup restore 备份文件名。"
        "确实要在这个文件夹重新开始时，请先把 keys.json 移到别处保留，再运行 uniondesk init。",
        None,
    )
