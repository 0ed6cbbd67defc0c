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


NOTHING_TAKEN = (
    "本机可以接收的修改都已经有了；所列未登记单位的修改已跳过（并非已是最新），"
    "数据未做任何改动。按说明登记该单位或允许引荐后，请让发送单位重新导出同步包再导入。"
)
"""Said instead of 已是最新 when a package changes nothing because its only new changes
came from offices refused here (CLI and import wizard)."""


def any_refused(found: list[NewOrigin]) -> bool:
    """Whether some office's changes were skipped: a package that then changes nothing is
    not 已是最新 (its skipped changes are not held here), and must not say so."""
    return any(not o.taken for o in found)
