"""活动管理: activities under the 3+N plan, who attended them, and their photos.

Modules and their roles:

- ``records``: the activity itself (title, 服务类别, time, site, budget and spending).
- ``attendance``: 签到 by card scan, member search or as a named non-member, and the
  year's coverage (share of current members who attended anything).
- ``photos``: JPEG/PNG photos of an activity, stored once by content hash.
- ``categories``: the 3 fixed and N editable 服务类别. Not re-exported here: its names
  (``list_in``, ``set_active``) read right only after the module's name, so callers write
  ``categories.add_category(...)``.
- ``inputs``: parsing of the values clerks type, shared with the sites area.

The public face: ``from desktop.services import activities`` then ``activities.add(...)``,
``activities.attend_by_card(...)``, ``activities.add_photos(...)``. Each name below loads
its module on first use (PEP 562), because importing any module of this package runs this
file first: the sites area and the categories CLI import ``inputs``/``categories`` only,
and should not pay for card signing (cryptography) and the dashboard summary they never
use. The ``TYPE_CHECKING`` imports give type checkers the same names; a unit test keeps
them, ``__all__`` and the table below in step.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Public name → the module of this package that defines it.
_FACE: dict[str, str] = {
    name: module
    for module, names in (
        (
            "records",
            ("FIELDS", "ActivityRecord", "add", "get", "update", "delete", "list_activities"),
        ),
        (
            "attendance",
            (
                "AttendanceRecord",
                "Coverage",
                "attend_by_card",
                "attend_member",
                "attend_guest",
                "list_attendance",
                "remove_attendance",
                "coverage",
                "coverage_in",
            ),
        ),
        (
            "photos",
            (
                "MAX_PHOTO_BYTES",
                "add_photo",
                "add_photos",
                "check_photo",
                "list_photos",
                "photo_bytes",
                "photo_mime",
                "photo_size_problem",
                "remove_photo",
            ),
        ),
    )
    for name in names
}

if TYPE_CHECKING:
    from desktop.services.activities.attendance import (
        AttendanceRecord,
        Coverage,
        attend_by_card,
        attend_guest,
        attend_member,
        coverage,
        coverage_in,
        list_attendance,
        remove_attendance,
    )
    from desktop.services.activities.photos import (
        MAX_PHOTO_BYTES,
        add_photo,
        add_photos,
        check_photo,
        list_photos,
        photo_bytes,
        photo_mime,
        photo_size_problem,
        remove_photo,
    )
    from desktop.services.activities.records import (
        FIELDS,
        ActivityRecord,
        add,
        delete,
        get,
        list_activities,
        update,
    )

__all__ = [
    "FIELDS",
    "MAX_PHOTO_BYTES",
    "ActivityRecord",
    "AttendanceRecord",
    "Coverage",
    "add",
    "add_photo",
    "add_photos",
    "attend_by_card",
    "attend_guest",
    "attend_member",
    "check_photo",
    "coverage",
    "coverage_in",
    "delete",
    "get",
    "list_activities",
    "list_attendance",
    "list_photos",
    "photo_bytes",
    "photo_mime",
    "photo_size_problem",
    "remove_attendance",
    "remove_photo",
    "update",
]


def __getattr__(name: str) -> Any:
    module = _FACE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
