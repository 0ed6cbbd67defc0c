"""Roster import wizard, export of the member list's current filter, template button.

The member page calls ``open_import_wizard(ctx, parent)``,
``export_members(ctx, parent, member_filter)`` and ``save_template(ctx, parent)``.
"""

from __future__ import annotations

from desktop.views.roster.actions import export_members, open_import_wizard, save_template

__all__ = ["export_members", "open_import_wizard", "save_template"]
