"""The navigation areas of the main window, in order. One line per area.

``factory`` is "module:callable"; the callable takes the ``AppContext`` and returns the
page widget. Pages are imported and built the first time they are shown, which keeps the
cold start short. A page may define ``navigate(**params)`` to accept click-throughs and
``refresh()`` to reload after ``AppContext.data_changed``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    key: str
    label: str
    factory: str
    # "module:callable" taking the Database and returning a count shown beside the label
    # (e.g. 入会申请 awaiting review); read after the window has painted, and after writes.
    badge: str = ""


# In the order of a clerk's day: the first nine get Ctrl+1 … Ctrl+9.
AREAS: tuple[Area, ...] = (
    Area("dashboard", "首页", "desktop.views.dashboard.page:create_page"),
    Area("members", "会员管理", "desktop.views.members.page:create_page"),
    Area(
        "applications",
        "入会申请",
        "desktop.views.applications.page:create_page",
        badge="desktop.services.applications.queries:pending_count",
    ),
    Area("unions", "基层工会", "desktop.views.unions.page:create_page"),
    Area("activities", "活动管理", "desktop.views.activities.page:create_page"),
    Area("sites", "会站家", "desktop.views.sites.page:create_page"),
    Area("hardship", "困难帮扶", "desktop.views.care.page:create_page"),
    Area("legal", "法律援助", "desktop.views.legal.page:create_page"),
    Area("printing", "打印中心", "desktop.views.printing.page:create_page"),
    Area("sync", "数据同步", "desktop.views.sync.page:create_page"),
    Area("honours", "荣誉", "desktop.views.honours.page:create_page"),
    Area("duplicates", "重复会员", "desktop.views.duplicates.page:create_page"),
    Area("transfers", "会籍转接", "desktop.views.transfers.page:create_page"),
    # The office's upkeep, after the day's work: administrators' areas last.
    Area("backups", "备份与恢复", "desktop.views.backups.page:create_page"),
    Area("audit", "审计记录", "desktop.views.audit.page:create_page"),
    Area("accounts", "账号管理", "desktop.views.accounts.page:create_page"),
    Area("settings", "设置", "desktop.views.settings.page:create_page"),
)
