"""The application page as a file: self-contained (no URL, no request possible), escaped,
and refused when it would be useless."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from desktop.errors import UnionDeskError
from desktop.printing.application_page import build_page
from tests.unit.intake.helpers import Office, run_page_js

CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; form-action 'none'; base-uri 'none'"
)
# Attributes that make a browser fetch or navigate somewhere.
_FETCHING = {"src", "href", "action", "formaction", "srcset", "poster", "data", "background"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.fetching: list[tuple[str, str, str | None]] = []
        self.csp: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if values.get("http-equiv", "").lower() == "content-security-policy":  # type: ignore[union-attr]
            self.csp.append(values.get("content"))
        self.fetching += [(tag, k, v) for k, v in attrs if k in _FETCHING]


def test_the_page_references_no_url_and_forbids_requests(office: Office) -> None:
    page = office.page()
    # The only scheme-like text is an XML namespace *name* inside the QR library's SVG
    # writer (never called): an identifier that no browser fetches.
    assert re.findall(r"[a-z][a-z0-9+.-]*://[^\s\"'<>)]*", page, re.I) == [
        "http://www.w3.org/2000/svg"
    ]
    tags = _Tags()
    tags.feed(page)
    assert tags.fetching == []
    assert not {"link", "base", "iframe", "object", "embed", "img", "audio", "video"} & set(
        tags.tags[: tags.tags.index("body")]
    )
    assert tags.csp == [CSP]
    for css_fetch in ("url(", "@import", "@font-face"):
        assert css_fetch not in page
    for api in ("fetch(", "XMLHttpRequest", "WebSocket", "sendBeacon", "EventSource"):
        assert api not in page


def test_office_and_union_names_cannot_break_out(office: Office) -> None:
    evil = '</script><script>alert("x")</script>&'
    page = build_page(evil, office.node_id, office.box_public, [(office.union_id, evil)])
    assert "<script>alert" not in page
    assert page.count("</script>") == 3  # the page's own three scripts
    (check,) = run_page_js(page, [("check", ["11010519491231002X"])])
    assert check["ok"] is True  # type: ignore[index]
    assert '\\u003c/script\\u003e\\u003cscript\\u003ealert(\\"x\\")' in page


def test_a_page_without_unions_or_key_is_refused(office: Office) -> None:
    with pytest.raises(UnionDeskError, match="还没有登记任何基层工会"):
        build_page(office.name, office.node_id, office.box_public, [])
    with pytest.raises(UnionDeskError, match="加密公钥无效"):
        build_page(office.name, office.node_id, b"", [(office.union_id, "x")])
