"""Hostile packages: each refused with a Chinese message, the database byte-identical."""

from __future__ import annotations

import hashlib
import io
import json
import re
import stat
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import zstandard
from sqlalchemy import text

from desktop.errors import UnionDeskError
from desktop.storage import hlc as hlc_mod
from desktop.sync import crypto, importer, trust
from desktop.sync.package_format import FORMAT_MAJOR, FORMAT_MINOR
from tests.unit.sync.helpers import (
    add_federation,
    add_member,
    add_union,
    craft,
    enrol,
    file_hash,
    node_of,
    origin_sign,
    set_field,
    state_hash,
)

CJK = re.compile(r"[\u4e00-\u9fff]")


class Env:
    def __init__(self, a: Any, b: Any, c: Any, tmp: Path) -> None:
        self.a, self.b, self.c, self.tmp = a, b, c, tmp

    def good(self, **kw: Any) -> bytes:
        return craft(self.a, [self.b], **kw)


def _flip(data: bytes, at: int) -> bytes:
    at = at % len(data)
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def _zip(
    items: list[tuple[str, bytes]],
    attr: dict[str, int] | None = None,
    deflate: set[str] | None = None,
) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w") as zf:
        warnings.simplefilter("ignore")
        for name, data in items:
            info = zipfile.ZipInfo(name)
            info.compress_type = (
                zipfile.ZIP_DEFLATED if deflate and name in deflate else zipfile.ZIP_STORED
            )
            if attr and name in attr:
                info.external_attr = attr[name] << 16
            zf.writestr(info, data)
    return buf.getvalue()


def _entry_flip(prefix: str) -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        def zf(raw: bytes, sig: bytes, entries: dict[str, bytes]) -> bytes:
            items = [("manifest.json", raw), ("manifest.sig", sig), *sorted(entries.items())]
            items = [(n, _flip(d, len(d) // 2) if n.startswith(prefix) else d) for n, d in items]
            return _zip(items)

        return env.good(zip_fn=zf)

    return make


def _extra_zip(
    items_fn: Callable[[list[tuple[str, bytes]]], list[tuple[str, bytes]]], **kw: Any
) -> Callable[[Env], bytes]:
    def make(env: Env) -> bytes:
        def zf(raw: bytes, sig: bytes, entries: dict[str, bytes]) -> bytes:
            items = [("manifest.json", raw), ("manifest.sig", sig), *sorted(entries.items())]
            return _zip(items_fn(items), **kw)

        return env.good(zip_fn=zf)

    return make


def _seg_rewrite(
    fn: Callable[[dict[str, Any]], Any], raw_bytes: bool = False, signer: str = "a"
) -> Callable[[Env], bytes]:
    """Rewrite A's segment payload and re-sign it with ``signer``'s key."""

    def make(env: Env) -> bytes:
        def entries_fn(entries: dict[str, bytes]) -> None:
            for name in [n for n in entries if n.endswith(".zst")]:
                body = json.loads(zstandard.ZstdDecompressor().decompress(entries[name]))
                new = fn(body)
                data = new if raw_bytes else json.dumps(new).encode()
                payload = zstandard.ZstdCompressor().compress(data)
                entries[name] = payload
                entries[name[:-4] + ".sig"] = origin_sign(getattr(env, signer), payload)

        return env.good(entries_fn=entries_fn)

    return make


def _manifest(fn: Callable[[dict[str, Any]], None]) -> Callable[[Env], bytes]:
    return lambda env: env.good(manifest_fn=fn)


def _unsigned_manifest_edit(env: Env) -> bytes:
    return env.good(
        raw_fn=None,
        sig_fn=lambda sig, raw: sig,
        zip_fn=lambda raw, sig, e: _zip(
            [
                (
                    "manifest.json",
                    raw.replace(
                        f'"format": [{FORMAT_MAJOR}, {FORMAT_MINOR}]'.encode(),
                        f'"format": [{FORMAT_MAJOR}, {FORMAT_MINOR + 1}]'.encode(),
                    ),
                ),
                ("manifest.sig", sig),
                *sorted(e.items()),
            ]
        ),
    )


def _bomb(env: Env) -> bytes:
    def entries_fn(entries: dict[str, bytes]) -> None:
        for name in [n for n in entries if n.endswith(".zst")]:
            payload = zstandard.ZstdCompressor(level=1).compress(b" " * (600 << 20))
            entries[name] = payload
            entries[name[:-4] + ".sig"] = origin_sign(env.a, payload)

    return env.good(entries_fn=entries_fn)


def _far_future(env: Env) -> bytes:
    def fn(body: dict[str, Any]) -> dict[str, Any]:
        future = hlc_mod.pack(hlc_mod.millis(hlc_mod.now_hlc()) + 400 * 86_400_000)
        body["hlc"][0] += future - sum(body["hlc"])  # every clock ~400 days ahead
        return body

    return _seg_rewrite(fn)(env)


def _relay_altered(env: Env) -> bytes:
    # C (trusted by B) relays A's segment but changes a value; it cannot re-sign as A.
    importer.import_file(env.c, _to_file(env, craft(env.a, [env.c]), "toc"))

    def entries_fn(entries: dict[str, bytes]) -> None:
        for name in [n for n in entries if n.endswith(".zst") and node_of(env.a) in n]:
            body = json.loads(zstandard.ZstdDecompressor().decompress(entries[name]))
            body["cols"][-1][0][-1] = "篡改"
            entries[name] = zstandard.ZstdCompressor().compress(json.dumps(body).encode())

    return craft(env.c, [env.b], entries_fn=entries_fn)


def _to_file(env: Env, data: bytes, name: str) -> Path:
    path = env.tmp / f"{name}.udsync"
    path.write_bytes(data)
    return path


def _replayed(env: Env) -> bytes:
    data = env.good()
    importer.import_file(env.b, _to_file(env, data, "first"))
    return data


def _older_after_newer(env: Env) -> bytes:
    old = env.good()
    set_field(env.a, "unions", env.union, "name", "新名称")
    importer.import_file(env.b, _to_file(env, env.good(), "newer"))
    return old


def _unknown_key(env: Env) -> bytes:
    return craft(env.d, [env.b])


def _revoked(env: Env) -> bytes:
    importer.import_file(env.b, _to_file(env, env.good(), "before"))
    with env.b.connect() as conn:
        trust.revoke(conn, node_of(env.a), None)
    set_field(env.a, "unions", env.union, "name", "撤销后")
    return env.good()


def _wrong_recipient(env: Env) -> bytes:
    return craft(env.a, [env.c])


def _wrong_key_sig(env: Env) -> bytes:
    with env.c.connect(write=False) as conn:
        _n, sp, sk, *_ = trust.self_keys(conn)
    return env.good(sig_fn=lambda sig, raw: sig[:32] + crypto.sign(sk, raw))


def _other_trusted_signer(env: Env) -> bytes:
    with env.c.connect(write=False) as conn:
        _n, sp, sk, *_ = trust.self_keys(conn)
    return env.good(sig_fn=lambda sig, raw: sp + crypto.sign(sk, raw))


def _seal(env: Env, inner: bytes) -> bytes:
    with env.b.connect(write=False) as conn:
        n, _a, _b, box, *_ = trust.self_keys(conn)
    return crypto.seal(inner, {n: box})


CASES: dict[str, Callable[[Env], bytes]] = {
    "flip-manifest": _entry_flip("manifest.json"),
    "flip-manifest-sig": _entry_flip("manifest.sig"),
    "flip-segment": _entry_flip("segments/"),
    "flip-segment-sig": lambda env: env.good(
        zip_fn=lambda raw, sig, e: _zip(
            [
                ("manifest.json", raw),
                ("manifest.sig", sig),
                *[(n, _flip(d, 3) if n.endswith(".sig") else d) for n, d in sorted(e.items())],
            ]
        )
    ),
    "flip-attachment": _entry_flip("attachments/"),
    "flip-envelope-magic": lambda env: _flip(env.good(), 0),
    "flip-envelope-header": lambda env: _flip(env.good(), 30),
    "flip-ciphertext-middle": lambda env: (lambda d: _flip(d, len(d) // 2))(env.good()),
    "flip-ciphertext-tag": lambda env: _flip(env.good(), -1),
    "no-manifest-sig": _extra_zip(lambda items: [i for i in items if i[0] != "manifest.sig"]),
    "no-manifest": _extra_zip(lambda items: [i for i in items if i[0] != "manifest.json"]),
    "sig-wrong-key": _wrong_key_sig,
    "sig-other-trusted-signer": _other_trusted_signer,
    "sig-zeroed": lambda env: env.good(sig_fn=lambda sig, raw: sig[:32] + b"\0" * 64),
    "sig-short": lambda env: env.good(sig_fn=lambda sig, raw: sig[:50]),
    "manifest-edited-after-signing": _unsigned_manifest_edit,
    "manifest-entry-hash-wrong": _manifest(
        lambda m: m["entries"][0].__setitem__("sha256", "0" * 64)
    ),
    "manifest-entry-size-wrong": _manifest(lambda m: m["entries"][0].__setitem__("size", 1)),
    "unlisted-entry": _extra_zip(lambda items: [*items, ("attachments/" + "a" * 64, b"x")]),
    "unknown-entry-name": _extra_zip(lambda items: [*items, ("readme.txt", b"hi")]),
    "missing-entry": _extra_zip(lambda items: [i for i in items if not i[0].endswith(".zst")]),
    "missing-segment-sig": _extra_zip(
        lambda items: [i for i in items if not i[0].endswith(".sig") or i[0] == "manifest.sig"]
    ),
    "duplicate-json-keys": lambda env: env.good(raw_fn=lambda raw: raw[:-1] + b', "sender": "x"}'),
    "invalid-utf8": lambda env: env.good(raw_fn=lambda raw: raw[:-1] + b', "x": "\xff\xfe"}'),
    "manifest-not-object": lambda env: env.good(raw_fn=lambda raw: b"[" + raw + b"]"),
    "manifest-missing-field": _manifest(lambda m: m.pop("vv")),
    "manifest-sender-mismatch": _manifest(lambda m: m.__setitem__("sender", "0" * 32)),
    "zip-slip-dotdot": _extra_zip(lambda items: [*items, ("../evil.txt", b"x")]),
    "zip-slip-absolute": _extra_zip(lambda items: [*items, ("/tmp/evil.txt", b"x")]),
    "zip-slip-nested": _extra_zip(lambda items: [*items, ("segments/../../evil", b"x")]),
    "zip-slip-drive": _extra_zip(lambda items: [*items, ("C:\\evil.txt", b"x")]),
    "zip-symlink": _extra_zip(
        lambda items: [*items, ("attachments/" + "b" * 64, b"/etc/passwd")],
        attr={"attachments/" + "b" * 64: stat.S_IFLNK | 0o777},
    ),
    "zip-deflated-entry": _extra_zip(lambda items: items, deflate={"manifest.json"}),
    "zip-duplicate-entry": _extra_zip(lambda items: [*items, items[0]]),
    "zip-bomb-segment": _bomb,
    "truncated-tiny": lambda env: env.good()[:10],
    "truncated-half": lambda env: (lambda d: d[: len(d) // 2])(env.good()),
    "truncated-last-byte": lambda env: env.good()[:-1],
    "empty-file": lambda env: b"",
    "not-a-package": lambda env: b"PK\x03\x04 this is a plain zip-ish file",
    "inner-not-zip": lambda env: _seal(env, b"not a zip at all"),
    "wrong-recipient": _wrong_recipient,
    "unknown-key": _unknown_key,
    "revoked-key": _revoked,
    "relay-altered-segment": _relay_altered,
    "newer-envelope-format": lambda env: env.good().replace(b"UDSYNC\x01", b"UDSYNC\x02", 1),
    "newer-major-format": _manifest(lambda m: m.__setitem__("format", [FORMAT_MAJOR + 1, 0])),
    "segment-range-mismatch": _seg_rewrite(lambda b: {**b, "first": b["first"] + 1}),
    "segment-bad-table-name": _seg_rewrite(
        lambda b: {**b, "tables": ['members"; DROP TABLE members; --' for _ in b["tables"]]}
    ),
    "segment-bad-field-name": _seg_rewrite(
        lambda b: {**b, "shapes": [[t, ['name" = 1; --', *f[1:]]] for t, f in b["shapes"]]}
    ),
    "segment-counter-gap": _seg_rewrite(
        lambda b: {**b, "rows": b["rows"][:-1], "hlc": b["hlc"][:-1]}
    ),
    "segment-duplicate-keys": _seg_rewrite(
        lambda b: json.dumps(b).encode()[:-1] + b', "origin": "x"}', raw_bytes=True
    ),
    "segment-invalid-utf8": _seg_rewrite(
        lambda b: json.dumps(b).encode()[:-1] + b', "x": "\xff"}', raw_bytes=True
    ),
    "segment-signed-by-sender-not-origin": _seg_rewrite(lambda b: b, signer="c"),
}


@pytest.fixture
def env(db_factory, tmp_path):  # type: ignore[no-untyped-def]
    a, b, c, d = (db_factory(n) for n in ("a", "b", "c", "d"))
    for x, y in ((a, b), (b, a), (b, c), (c, a), (a, c), (d, a)):
        enrol(x, y, tmp_path)
    e = Env(a, b, c, tmp_path)
    e.d = d  # type: ignore[attr-defined]
    fed = add_federation(a)
    e.union = add_union(a, fed)  # type: ignore[attr-defined]
    mid = add_member(a, e.union, "张三", "110101199003070011")  # type: ignore[attr-defined]
    blob = b"photo-bytes"
    sha = hashlib.sha256(blob).hexdigest()
    with a.connect() as conn:
        conn.execute(
            text(
                "INSERT INTO attachments (sha256, mime, size, data) "
                "VALUES (:s, 'image/png', 11, :d)"
            ),
            {"s": sha, "d": blob},
        )
    set_field(a, "members", mid, "photo", sha)

    def with_photo(entries: dict[str, bytes]) -> None:
        entries[f"attachments/{sha}"] = blob

    original = e.good
    e.good = lambda **kw: original(**({"entries_fn": with_photo} | kw))  # type: ignore[method-assign]
    return e


def _tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_package_refused(env: Env, case: str, tmp_path: Path) -> None:
    data = CASES[case](env)
    path = tmp_path / "incoming" / "hostile.udsync"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    before = file_hash(env.b)
    data_dir = env.b.paths.data_dir
    tree_before = _tree(data_dir)
    incoming_before = _tree(path.parent)
    with pytest.raises(UnionDeskError) as info:
        importer.import_file(env.b, path)
    assert CJK.search(info.value.message), info.value.message
    assert "未做任何改动" in info.value.message or "已拒绝" in info.value.message
    assert file_hash(env.b) == before
    assert _tree(data_dir) - {"uniondesk.db-wal", "uniondesk.db-shm"} == tree_before - {
        "uniondesk.db-wal",
        "uniondesk.db-shm",
    }
    assert _tree(path.parent) == incoming_before


def test_a_package_from_a_newer_version_says_upgrade(env: Env, tmp_path: Path) -> None:
    """QA D11: a newer format byte (``UDSYNC\\x02``) was 「不是工会桌面通同步包（文件头不对）」."""
    path = tmp_path / "newer.udsync"
    path.write_bytes(env.good().replace(b"UDSYNC\x01", b"UDSYNC\x02", 1))
    with pytest.raises(UnionDeskError) as info:
        importer.import_file(env.b, path)
    assert "由更新版本的工会桌面通导出" in info.value.message
    assert "请先升级本机程序" in info.value.message and "文件头不对" not in info.value.message


def test_case_count() -> None:
    assert len(CASES) >= 40


def test_good_package_is_accepted(env: Env, tmp_path: Path) -> None:
    """The control: the untouched package imports, so every refusal above is meaningful."""
    path = tmp_path / "good.udsync"
    path.write_bytes(env.good())
    result = importer.import_file(env.b, path)
    assert result.counts["new"] == 3 and result.counts["attachments"] == 1


@pytest.mark.parametrize("make", [_replayed, _older_after_newer], ids=["replayed", "older"])
def test_replayed_or_older_package_is_up_to_date(
    env: Env, make: Callable[[Env], bytes], tmp_path: Path
) -> None:
    """Nothing in them is new: a success (已是最新) that leaves the data as it was."""
    path = tmp_path / "again.udsync"
    path.write_bytes(make(env))
    before = state_hash(env.b)
    result = importer.import_file(env.b, path)
    assert result.up_to_date and not any(result.counts.values())
    assert state_hash(env.b) == before


def test_far_future_package_is_accepted_and_flagged(env: Env, tmp_path: Path) -> None:
    """Never refused for the sender's clock alone: applied, its office named."""
    path = tmp_path / "future.udsync"
    path.write_bytes(_far_future(env))
    dry = importer.preview(env.b, path)
    result = importer.import_file(env.b, path)
    assert result.counts == dry.counts and result.counts["future_clocks"] == 4
    assert any(node_of(env.a)[:8] in w and "超前约" in w for w in result.warnings)
    with env.b.connect(write=False) as conn:
        clock = conn.exec_driver_sql("SELECT hlc FROM sync_clock").scalar_one()
    assert hlc_mod.millis(clock) <= hlc_mod.physical_ms() + hlc_mod.MAX_AHEAD_MS
