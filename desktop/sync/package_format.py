"""The ``.udsync`` inner zip: build it, and read it in place with every check first.

Entries: ``manifest.json``, ``manifest.sig`` (sender's 32-byte Ed25519 public key then
the 64-byte signature over the raw manifest bytes), ``segments/<origin>/<a>-<b>.zst``
with ``.sig`` beside each (origin-signed), ``attachments/<sha256>``. Entries are stored
uncompressed (payloads are compressed by us, with a decompression cap), so a zip-level
bomb is impossible; names, sizes and hashes are checked before anything is used.
"""

from __future__ import annotations

import hashlib
import io
import re
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desktop.errors import UnionDeskError
from desktop.sync import crypto, segments, strictjson
from desktop.sync.identity import fingerprint, node_id_for
from desktop.sync.segments import Segment

FORMAT_MAJOR = 2
FORMAT_MINOR = 0
MAX_ENTRIES = 200_000
MAX_ENTRY_BYTES = 1 << 30
MAX_TOTAL_BYTES = 2 << 30
MAX_MANIFEST_BYTES = 64 << 20
_ENTRY = re.compile(
    r"^(manifest\.json|manifest\.sig|sender\.cert|segments/[0-9a-f]{32}/[0-9]{1,19}-[0-9]{1,19}\.(zst|sig)"
    r"|attachments/[0-9a-f]{64})$"
)


def seg_name(origin: str, first: int, last: int) -> str:
    return f"segments/{origin}/{first}-{last}.zst"


def build_zip(manifest_raw: bytes, manifest_sig: bytes, entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("manifest.json", manifest_raw)
        zf.writestr("manifest.sig", manifest_sig)
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def entry_list(entries: dict[str, bytes]) -> list[dict[str, Any]]:
    return [
        {"name": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
        for n, d in sorted(entries.items())
    ]


@dataclass
class Package:
    name: str
    manifest: dict[str, Any]
    sender: str
    sender_sign: bytes
    segments: list[Segment] = field(default_factory=list)
    attachments: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    sender_cert: bytes | None = None  # the sender's office certificate, if it sent one

    @property
    def package_id(self) -> str:
        return str(self.manifest["package_id"])


SenderCheck = Callable[[str, bytes, bytes | None], None]
"""check(sender, sender_sign_public, sender_certificate_or_None); raises to refuse."""
SuccessorCheck = Callable[[str, bytes, bytes | None, dict[str, Any]], None]
"""check(sender, sender_sign_public, certificate_or_None, manifest), asked after
``SenderCheck`` refused; raises to refuse."""
CERT_ENTRY = "sender.cert"
MAX_CERT_BYTES = 4096
KeyLookup = Callable[[str], bytes | None]


def _refuse(name: str, what: str) -> UnionDeskError:
    return UnionDeskError(f"同步包 {name} {what}，未做任何改动。")


def _open_zip(data: bytes, name: str) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _refuse(name, "已损坏或不完整（可能是拷贝时拔出了U盘）") from exc
    if len(infos) > MAX_ENTRIES:
        raise _refuse(name, f"条目过多（{len(infos)} 个）")
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        n = info.filename
        if n.startswith(("/", "\\")) or "\\" in n or ".." in n.split("/") or ":" in n:
            raise _refuse(name, f"含有危险的条目名「{n[:80]}」（绝对路径或跳出目录）")
        mode = (info.external_attr >> 16) & 0o170000
        if mode == stat.S_IFLNK:
            raise _refuse(name, f"含有符号链接条目「{n[:80]}」")
        if info.is_dir() or not _ENTRY.match(n):
            raise _refuse(name, f"含有清单之外的条目「{n[:80]}」")
        if n in by_name:
            raise _refuse(name, f"条目「{n}」重复出现")
        if info.compress_type != zipfile.ZIP_STORED:
            raise _refuse(name, f"条目「{n}」使用了不支持的压缩方式")
        if info.file_size > MAX_ENTRY_BYTES:
            raise _refuse(name, f"条目「{n}」超过大小上限")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise _refuse(name, "总大小超过上限，疑似压缩炸弹，已中止")
        by_name[n] = info
    return zf, by_name


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    try:
        data = zf.read(info)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise _refuse(name, f"的条目 {info.filename} 校验失败：内容被改动或不完整") from exc
    if len(data) != info.file_size:
        raise _refuse(name, f"的条目 {info.filename} 大小不符")
    return data


def _check_manifest(m: Any, name: str) -> dict[str, Any]:
    if not isinstance(m, dict):
        raise _refuse(name, "的清单格式错误")
    fmt = m.get("format")
    if not (isinstance(fmt, list) and len(fmt) == 2 and all(isinstance(x, int) for x in fmt)):
        raise _refuse(name, "的清单缺少格式版本")
    if fmt[0] != FORMAT_MAJOR:
        raise _refuse(
            name,
            f"使用了本程序不支持的格式版本 {fmt[0]}.{fmt[1]}（本程序支持 {FORMAT_MAJOR}.x），"
            "请先升级工会桌面通",
        )
    need = {
        "package_id": str,
        "sender": str,
        "schema": str,
        "recipients": list,
        "vv": dict,
        "ranges": dict,
        "keys": dict,
        "entries": list,
        "attachments": dict,
        "created_hlc": int,
    }
    for key, kind in need.items():
        if not isinstance(m.get(key), kind):
            raise _refuse(name, f"的清单字段 {key} 缺失或类型错误")
    for e in m["entries"]:
        if not (
            isinstance(e, dict)
            and isinstance(e.get("name"), str)
            and isinstance(e.get("size"), int)
            and isinstance(e.get("sha256"), str)
        ):
            raise _refuse(name, "的清单条目列表格式错误")
    for origin, runs in m["ranges"].items():
        if not isinstance(runs, list) or not all(
            isinstance(r, list) and len(r) == 2 and all(isinstance(x, int) for x in r) for r in runs
        ):
            raise _refuse(name, f"的清单中节点 {origin[:8]} 的计数范围格式错误")
    if not all(isinstance(v, int) for v in m["vv"].values()):
        raise _refuse(name, "的清单版本向量格式错误")
    return m


def _parse_manifest(raw: bytes, name: str) -> dict[str, Any]:
    try:
        return _check_manifest(strictjson.loads(raw), name)
    except strictjson.StrictJSONError as exc:
        raise _refuse(name, f"的清单不是有效的 JSON（{exc}）") from exc


def read_package(
    data: bytes,
    name: str,
    check_sender: SenderCheck,
    known_key: KeyLookup,
    materialize: bool = True,
    successor: SuccessorCheck | None = None,
) -> Package:
    """Verify everything in the decrypted zip ``data`` and return its parsed content.

    ``materialize`` false: all the same checks, but segments carry no ``Change`` objects.
    ``successor``: asked only when ``check_sender`` refuses the sender, with the verified
    manifest; it raises to keep the refusal (``succession``).
    """
    zf, infos = _open_zip(data, name)
    if "manifest.json" not in infos or "manifest.sig" not in infos:
        raise _refuse(name, "缺少清单或清单签名")
    if infos["manifest.json"].file_size > MAX_MANIFEST_BYTES:
        raise _refuse(name, "的清单超过大小上限")
    raw = _read(zf, infos["manifest.json"], name)
    sig = _read(zf, infos["manifest.sig"], name)
    if len(sig) != 96:
        raise _refuse(name, "的清单签名格式错误")
    sender_pub, signature = sig[:32], sig[32:]
    sender = node_id_for(sender_pub)
    if not crypto.verify(sender_pub, signature, raw):
        raise _refuse(name, "的清单签名无效：清单被改动或签名被替换")
    cert: bytes | None = None
    if CERT_ENTRY in infos:  # self-authenticating; read before trusting the manifest
        if infos[CERT_ENTRY].file_size > MAX_CERT_BYTES:
            raise _refuse(name, "的单位证书超过大小上限")
        cert = _read(zf, infos[CERT_ENTRY], name)
    manifest: dict[str, Any] | None = None
    try:
        check_sender(sender, sender_pub, cert)
    except UnionDeskError:
        if successor is None:
            raise
        # an office under a fresh identity may carry its former identity's signed
        # succession statement in the (signature-checked) manifest
        manifest = _parse_manifest(raw, name)
        successor(sender, sender_pub, cert, manifest)  # raises, saying why, when it does not hold
    if manifest is None:
        manifest = _parse_manifest(raw, name)
    if manifest["sender"] != sender:
        raise _refuse(name, "的清单中的发送单位与签名密钥不一致")
    listed = {str(e["name"]): e for e in manifest["entries"]}
    present = set(infos) - {"manifest.json", "manifest.sig"}
    for extra in sorted(present - set(listed)):
        raise _refuse(name, f"含有清单之外的条目「{extra}」")
    for missing in sorted(set(listed) - present):
        raise _refuse(name, f"缺少清单中列出的条目「{missing}」")
    blobs: dict[str, bytes] = {}
    for entry_name, e in sorted(listed.items()):
        blob = _read(zf, infos[entry_name], name)
        if len(blob) != e["size"] or hashlib.sha256(blob).hexdigest() != e["sha256"]:
            raise _refuse(name, f"的条目 {entry_name} 校验失败：内容被改动")
        blobs[entry_name] = blob
    pkg = Package(
        name=name, manifest=manifest, sender=sender, sender_sign=sender_pub, sender_cert=cert
    )
    covered: set[str] = {CERT_ENTRY} if cert is not None else set()
    for origin, runs in sorted(manifest["ranges"].items()):
        key = known_key(origin)
        if key is None and origin == sender:  # accepted above (e.g. on its certificate)
            key = sender_pub
        if key is None:
            card = manifest["keys"].get(origin)
            if isinstance(card, dict) and isinstance(card.get("sign"), str):
                try:
                    candidate = bytes.fromhex(card["sign"])
                except ValueError:
                    candidate = b""
                if node_id_for(candidate) == origin:
                    key = candidate
        if key is None:
            raise _refuse(name, f"含有未知节点 {origin[:8]}… 的修改，且未附带其公钥")
        for first, last in runs:
            seg = seg_name(origin, first, last)
            sig_name = seg[:-4] + ".sig"
            if seg not in blobs or sig_name not in blobs:
                raise _refuse(name, f"缺少条目 {seg}")
            payload, seg_sig = blobs[seg], blobs[sig_name]
            if not segments.verify_payload(key, seg_sig, payload):
                raise _refuse(
                    name,
                    f"的条目 {seg} 签名无效：节点 {origin[:8]}… 的修改被转发方改动"
                    f"（指纹 {fingerprint(key)}）",
                )
            decoded = segments.decode(payload, seg_sig, f"同步包 {name} 的条目 {seg}", materialize)
            if (decoded.origin, decoded.first, decoded.last) != (origin, first, last):
                raise _refuse(name, f"的条目 {seg} 内容与其名称不符")
            pkg.segments.append(decoded)
            covered.update((seg, sig_name))
    for entry_name, blob in blobs.items():
        if entry_name.startswith("attachments/"):
            digest = entry_name.split("/", 1)[1]
            if hashlib.sha256(blob).hexdigest() != digest:
                raise _refuse(name, f"的附件 {entry_name} 校验失败：内容被改动")
            mime = manifest["attachments"].get(digest)
            pkg.attachments[digest] = (str(mime) if isinstance(mime, str) else "", blob)
        elif entry_name not in covered:
            raise _refuse(name, f"含有清单范围之外的条目「{entry_name}」")
    return pkg
