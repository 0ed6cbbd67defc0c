"""A registry found damaged, or gone beside its key and backups: offer the last good backup.

At start-up (the file is refused before any window exists) and while the window is open
(the open-time check runs in the background: ``damage_watch``), the same question. Without
it the window could only say how to restore by hand and quit, and the 备份与恢复 page is out
of reach while the registry cannot be read. A registry file that is gone while its
``keys.json`` or backups remain (``storage.presence``) is offered the same restore: a new,
empty registry there would hide the office's members behind a new sync identity.
"""

from __future__ import annotations

from pathlib import Path

from desktop.clock import current as current_clock
from desktop.config import Paths
from desktop.errors import UnionDeskError
from desktop.opening import open_database
from desktop.services.backups import restoring
from desktop.storage.backups import parse_name
from desktop.storage.database import Database
from desktop.storage.health import CorruptDatabaseError, damage_summary, last_good_backup
from desktop.storage.presence import RegistryMissingError
from desktop.views.widgets import messages

TITLE = "数据库已损坏"
MISSING_TITLE = "登记库文件不见了"
RESTORE = "用这份备份恢复"
QUIT = "退出"


def restore_question(database: Path, findings: list[str], good: Path) -> str:
    """What is wrong and the question whether to restore ``good`` now. Not the CLI's
    refusal: its ``uniondesk backup restore`` steps are what the button does."""
    parsed = parse_name(good.name)
    when = f"{parsed[0]:%Y年%m月%d日 %H:%M} 的" if parsed else ""
    return (
        f"{damage_summary(database, findings)}为防止损坏扩散，工会桌面通不再读写它，"
        "数据库未做任何改动。\n\n"
        f"现在用最近一份完好的备份（{when}{good}）恢复吗？当前数据库会移到备份文件夹中的 "
        "replaced-… 文件夹保留（不会删除）。备份之后录入的数据需要重新录入，"
        "或与各单位交换一次同步包后重新接收。"
    )


def missing_question(paths: Paths, good: Path) -> str:
    """The registry file is gone beside its key and backups: restore ``good`` now?"""
    parsed = parse_name(good.name)
    when = f"{parsed[0]:%Y年%m月%d日 %H:%M} 的" if parsed else ""
    return (
        f"数据文件夹 {paths.data_dir} 中的登记库文件 {paths.database.name} 不见了，"
        "但同一文件夹中还有它的密钥和备份。工会桌面通不会在这里新建一个空的登记库"
        "（那样本单位的会员都看不到，同步身份也会换成新的），未做任何改动。"
        f"如果文件被移走或改名了，请选「{QUIT}」，把它放回原处后再打开。\n\n"
        f"现在用最近一份完好的备份（{when}{good}）恢复吗？备份之后录入的数据需要重新录入，"
        "或与各单位交换一次同步包后重新接收。"
    )


def offer_restore(
    paths: Paths, refused: CorruptDatabaseError | RegistryMissingError
) -> Database | None:
    """Ask to restore the newest backup that passes its check; the reopened registry,
    or None (no good backup, the clerk declined, or the restore failed: said why)."""
    missing = isinstance(refused, RegistryMissingError)
    title = MISSING_TITLE if missing else TITLE
    good = refused.good if isinstance(refused, RegistryMissingError) else None
    if not missing:
        good = last_good_backup(paths.backups, current_clock().now())
    if good is None:
        messages.error(None, title, refused.message)  # says there is none, and what to do
        return None
    if isinstance(refused, RegistryMissingError):
        question = missing_question(paths, good)
    else:
        question = restore_question(paths.database, refused.findings, good)
    if not messages.confirm(None, title, question, yes=RESTORE, no=QUIT):
        return None
    try:
        result = restoring.restore_unopenable(paths, current_clock(), good, open_database)
    except UnionDeskError as exc:
        reopened = getattr(exc, "db", None)
        if reopened is not None:
            reopened.close()
        messages.error(None, "恢复失败", exc.message)
        return None
    messages.inform(None, "已恢复备份", result.message)
    return result.db
