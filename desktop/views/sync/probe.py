"""After the engine refused a package: was it only because its sender is not enrolled?

The check itself is the sync façade's (``desktop.sync.office.unknown_sender``: it runs
the engine's own first steps in its own read transaction); kept under this name for the
import wizard.
"""

from __future__ import annotations

from desktop.sync.office import UnknownSender, unknown_sender

__all__ = ["UnknownSender", "unknown_sender"]
