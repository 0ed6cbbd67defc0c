"""New origins a package brings: offices this PC never enrolled, as the preview lists them.

A relayed package may carry changes of offices the receiver never enrolled. Whether each
is taken, and on whose word, is decided in ``importer`` (``_Vouching``); this module only
holds the typed record of that decision so the CLI and the import wizard can show every
such office by name (when one is known), node and fingerprint, with who vouched for it or
why it was refused, without parsing message text.
"""

from __future__ import annotations

from dataclasses import dataclass

INTRODUCER = "introducer"  # the sender, allowed here to introduce others
ROOT_CERT = "root_cert"  # a root this PC accepts issued it a certificate
SUCCESSION = "succession"  # an office trusted here signed that it is its new identity
REFUSED = "refused"  # not vouched for: its changes are skipped


@dataclass(frozen=True)
class NewOrigin:
    """One office this PC never enrolled whose changes a package brings."""

    node_id: str
    fingerprint: str
    name: str
    """Its office name if any is known: its certificate's, the name this PC has for the
    office it succeeds, or the name the sender gives it (unchecked); else ""."""
    vouched: str
    """INTRODUCER, ROOT_CERT, SUCCESSION or REFUSED."""
    voucher: str
    """The node that vouched (the sender, the root, the predecessor); "" when refused."""
    voucher_name: str
    text: str
    """The sentence the preview and the result show for it (also among the warnings)."""
    reason: str = ""
    """When refused: why, and how to accept it (Chinese, for the clerk)."""

    @property
    def taken(self) -> bool:
        return self.vouched != REFUSED
