"""After the engine refused a package: was it only because its sender is not enrolled?

Runs the engine's own first steps (decrypt, manifest signature) with a sender check
that records the sender instead of refusing, then asks the engine's trust rule. Gives
the sender's node id and fingerprint so the wizard can offer enrolment; never writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.errors import UnionDeskError
from desktop.storage.database import Database
from desktop.sync import crypto, package_format, trust
from desktop.sync.identity import fingerprint


@dataclass(frozen=True)
class UnknownSender:
    node_id: str
    fingerprint: str


class _Stop(Exception):
    pass


def unknown_sender(db: Database, path: Path) -> UnknownSender | None:
    seen: list[tuple[str, bytes, bytes | None]] = []

    def capture(sender: str, sign_public: bytes, cert: bytes | None) -> None:
        seen.append((sender, sign_public, cert))
        raise _Stop

    try:
        data = path.read_bytes()
        with db.connect(write=False) as conn:
            node, _sp, _sk, _bp, box_private, _n = trust.self_keys(conn)
            env = crypto.read_envelope(data, path.name)
            inner = crypto.open_sealed(env, node, box_private, path.name)
            try:
                package_format.read_package(inner, path.name, capture, lambda _o: None)
            except _Stop:
                pass
            if not seen:
                return None
            sender, sign_public, cert = seen[0]
            try:
                trust.check_sender(conn, path.name, sender, sign_public, cert)
            except UnionDeskError:
                return UnknownSender(sender, fingerprint(sign_public))
    except (OSError, UnionDeskError):
        return None
    return None
