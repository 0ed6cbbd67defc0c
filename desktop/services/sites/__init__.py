"""会站家: the sites a federation runs (office, 职工服务站, 职工之家) and what hangs off them.

Modules and their roles:

- ``records``: the site register itself (kind, name, address, size, contacts).
- ``closing``: deleting a site together with its facilities.
- ``facilities``: each site's facilities with condition and quantity.
- ``workers``: the social union workers assigned to sites and their contracts.
- ``service_log``: 服务台账, the services delivered at a site day by day.
- ``evaluations``: 星级评定, checklist templates, scoring a site and its history.

The public face: ``from desktop.services import sites`` then ``sites.add_site(...)``,
``sites.set_facility(...)``, ``sites.add_worker(...)``. ``service_log`` and
``evaluations`` are not re-exported: their names (``add_day``, ``history``) read right
only after the module's name, so callers import those modules. Each name below loads its
module on first use (PEP 562), so importing one module of this package costs no more
than that module; the ``TYPE_CHECKING`` imports give type checkers the same names and a
unit test keeps them, ``__all__`` and the table below in step.
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
            (
                "SITE_FIELDS",
                "SiteRecord",
                "add_site",
                "get_site",
                "update_site",
                "list_sites",
            ),
        ),
        ("closing", ("delete_site",)),
        (
            "facilities",
            ("FacilityRecord", "set_facility", "remove_facility", "list_facilities"),
        ),
        ("workers", ("WorkerRecord", "add_worker", "update_worker", "list_workers")),
    )
    for name in names
}

if TYPE_CHECKING:
    from desktop.services.sites.closing import delete_site
    from desktop.services.sites.facilities import (
        FacilityRecord,
        list_facilities,
        remove_facility,
        set_facility,
    )
    from desktop.services.sites.records import (
        SITE_FIELDS,
        SiteRecord,
        add_site,
        get_site,
        list_sites,
        update_site,
    )
    from desktop.services.sites.workers import (
        WorkerRecord,
        add_worker,
        list_workers,
        update_worker,
    )

__all__ = [
    "SITE_FIELDS",
    "FacilityRecord",
    "SiteRecord",
    "WorkerRecord",
    "add_site",
    "add_worker",
    "delete_site",
    "get_site",
    "list_facilities",
    "list_sites",
    "list_workers",
    "remove_facility",
    "set_facility",
    "update_site",
    "update_worker",
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
