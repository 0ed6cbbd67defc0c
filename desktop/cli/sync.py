"""``uniondesk sync …``: identity, trust, export and import of sync packages."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import UTC
from pathlib import Path
from typing import Any

from desktop.cli.common import Context, add_json_flag, print_json
from desktop.cli.confirming import confirm
from desktop.errors import UnionDeskError
from desktop.private_files import write_private
from desktop.sync import office
from desktop.sync.office import COUNT_LABELS, ImportResult, NodeNames, receipt_text


def _id(ctx: Context, args: argparse.Namespace) -> int:
    info = office.this_office(ctx.db)
    card = office.key_card(ctx.db) if args.export_key else None
    if card is not None:
        write_private(Path(args.export_key), card)  # key material: owner-only
    if args.json:
        print_json({"node_id": info.node_id, "fingerprint": info.fingerprint})
    else:
        print(f"本机节点：{info.node_id}")
        print(f"指纹：{info.fingerprint}")
        if card is not None:
            print(f"密钥卡已保存到 {args.export_key}")
    return 0


def _trust(ctx: Context, args: argparse.Namespace) -> int:
    peer = office.enrol(ctx.db, Path(args.keyfile), args.fingerprint, as_root=args.root)
    print(f"已登记信任单位 {peer.name or peer.node_id}（指纹 {peer.fingerprint}）")
    if args.root:
        print(
            "并认可它为上级单位：凡持有它签发的单位证书的单位，其同步包可直接导入，无需逐个登记。"
        )
    return 0


def _certify(ctx: Context, args: argparse.Namespace) -> int:
    cert = office.certify(ctx.db, Path(args.keyfile), args.fingerprint, Path(args.out))
    print(
        f"已为单位 {cert.name or cert.node_id}（节点 {cert.node_id}）签发单位证书：{args.out}。"
        "请交给该单位，在其电脑上用 sync install-cert 安装。"
    )
    return 0


def _install_cert(ctx: Context, args: argparse.Namespace) -> int:
    cert = office.install_certificate(ctx.db, Path(args.file))
    print(
        f"已安装单位证书（签发单位节点 {cert.issuer}）。以后导出的同步包都附带此证书，"
        "认可该上级单位的单位可以直接导入。"
    )
    return 0


def _revoke(ctx: Context, args: argparse.Namespace) -> int:
    peer = office.revoke(ctx.db, args.node, args.after)
    print(f"已撤销信任：节点 {peer.node_id} 只接受计数 ≤ {peer.revoked_after} 的修改")
    return 0


def _introducer(ctx: Context, args: argparse.Namespace) -> int:
    peer = office.set_introducer(ctx.db, args.node, not args.off)
    name = peer.name or peer.node_id
    if peer.may_introduce:
        print(
            f"已允许 {name} 引荐其他单位：它转来的、本机未登记的单位的修改将被接收，"
            "导入时列出每个新单位的指纹。"
        )
    else:
        print(f"已不再允许 {name} 引荐其他单位：它转来的、本机未登记的单位的修改将被跳过。")
    return 0


def _unroot(ctx: Context, args: argparse.Namespace) -> int:
    node = office.remove_root(ctx.db, args.node)
    print(
        f"已取消对节点 {node} 的上级单位认可：它本身仍是信任单位，但不再能为其他单位签发证书；"
        "凭它的证书登记的单位需直接登记后才能再导入。"
    )
    return 0


PACKAGE_SUFFIX = ".udsync"


def _package_path(out: str, force: bool) -> Path:
    """The package's file: ``.udsync`` added to a name without it (as the export wizard
    does), and an existing file refused unless ``--force`` (the wizard asks)."""
    path = Path(out)
    if path.suffix.lower() != PACKAGE_SUFFIX:
        path = path.with_name(path.name + PACKAGE_SUFFIX)
    if path.exists() and not force:
        raise UnionDeskError(
            f"文件 {path} 已存在，未导出，原文件未做任何改动。"
            "要覆盖它请加 --force，或换一个文件名。"
        )
    return path


def _export(ctx: Context, args: argparse.Namespace) -> int:
    out = _package_path(args.out, args.force)  # before the registry is opened
    result = office.export_package(ctx.db, out, args.to or None, args.full)
    if result.ack_only:
        print(
            f"没有对方尚未收到的修改：已导出回执包 {result.path}（{result.size} 字节，"
            f"收件单位 {len(result.recipients)} 个）。它只告诉对方本机已收到哪些修改，"
            "不含任何数据；对方导入后就不会再重复发送这些修改。"
        )
        return 0
    print(
        f"已导出 {result.path}：{result.changes} 条修改，{result.attachments} 个附件，"
        f"{result.size} 字节，收件单位 {len(result.recipients)} 个"
    )
    return 0


def _sender(ctx: Context, result: ImportResult) -> str:
    """The sender as enrolled here (「东湖街道工会联合会」), not its node id."""
    return office.NodeNames(ctx.db)(result.sender)


def _print_counts(ctx: Context, result: ImportResult) -> None:
    print(f"同步包 {result.package_id}，发送单位 {_sender(ctx, result)}")
    print(f"  发送单位指纹：{result.sender_fingerprint}")
    for key, label in COUNT_LABELS:
        print(f"  {label}：{result.counts.get(key, 0)}")
    for warning in result.warnings:
        print(f"  注意：{warning}")


def _import(ctx: Context, args: argparse.Namespace) -> int:
    path = Path(args.file)
    if args.yes and not args.dry_run:
        # confirmed on the command line: straight to the import, which makes every check
        # of the preview itself (a preview first would decrypt and plan the package twice)
        return _print_imported(ctx, office.import_package(ctx.db, path), args)
    preview = office.preview_import(ctx.db, path)
    if preview.ack_only or preview.up_to_date:
        # a receipt, or nothing new (已是最新): no data changes, recorded without asking
        return _print_ack(
            ctx, preview if args.dry_run else office.import_package(ctx.db, path), args
        )
    if args.dry_run or preview.nothing_new:
        if args.json:
            print_json(asdict(preview))
        elif preview.nothing_new:
            print(_OWN_PACKAGE)
        else:
            _print_counts(ctx, preview)
            print("（试运行，数据库未做任何改动）")
        return 0
    _print_counts(ctx, preview)
    if not confirm("确认导入？[y/N] ", hint="（也可先用 --dry-run 预览）"):
        raise UnionDeskError("已取消导入，未做任何改动。")
    return _print_imported(ctx, office.import_package(ctx.db, path), args)


_OWN_PACKAGE = "这是本机自己导出的同步包，导入不会有任何改动。"


def _print_imported(ctx: Context, result: ImportResult, args: argparse.Namespace) -> int:
    if result.ack_only or result.up_to_date:
        return _print_ack(ctx, result, args)
    if args.json:
        print_json(asdict(result))
    elif result.nothing_new:
        print(_OWN_PACKAGE)
    else:
        _print_counts(ctx, result)
        print(f"导入完成，{office.backup_line(result)}")
    return 0


def _print_ack(ctx: Context, result: ImportResult, args: argparse.Namespace) -> int:
    """A receipt, or a package with nothing new (已是最新): it changed no data."""
    if args.json:
        print_json(asdict(result))
        return 0
    print(f"同步包 {result.package_id}，发送单位 {_sender(ctx, result)}")
    print(f"  发送单位指纹：{result.sender_fingerprint}")
    for warning in result.warnings:
        print(f"  注意：{warning}")
    if result.up_to_date and office.any_refused(result.origins):
        print(office.NOTHING_TAKEN)
        return 0
    if result.up_to_date:
        print("已是最新：包中的修改本机都已经有了（例如经其他单位转来过），数据未做任何改动。")
        if not args.dry_run:
            print("已记录对方已有哪些修改，以后导出给对方时不再重复发送。")
        return 0
    print("  这是回执包：只说明对方已收到哪些修改，不含任何数据修改。")
    if args.dry_run:
        print("（试运行，数据库未做任何改动）")
    else:
        print("已记录对方的回执，以后导出给对方时不再重复发送这些修改；数据未做任何改动。")
    return 0


def _conflicts(ctx: Context, args: argparse.Namespace) -> int:
    items = office.open_conflicts(ctx.db)
    if args.json:
        print_json([asdict(c) for c in items])
        return 0
    if not items:
        print("没有待处理的冲突。")
    for c in items:
        print(
            f"#{c.id} {c.table}/{c.row_id} 字段 {c.field}：当前值来自 {c.winner_node[:8]}，"
            f"另一值来自 {c.loser_node[:8]}"
        )
    return 0


def _quarantine(ctx: Context, args: argparse.Namespace) -> int:
    items = office.quarantined(ctx.db)
    if args.json:
        print_json([asdict(q) for q in items])
        return 0
    if not items:
        print("没有被隔离的修改。")
    for q in items:
        source = q.office or "未命名单位"
        print(
            f"{q.detected_at:%Y-%m-%d %H:%M} 来自「{source}」（节点 {q.origin[:8]}…）"
            f"第 {q.counter} 号修改：{q.table_label}记录 {q.row_id} "
            f"字段「{q.field_label}」{q.reason}"
        )
    return 0


def _history(ctx: Context, args: argparse.Namespace) -> int:
    items = office.receipts(ctx.db)
    if args.json:
        print_json([asdict(r) for r in items])
        return 0
    names = NodeNames(ctx.db) if items else None
    for r in items:
        assert names is not None
        when = r.at.replace(tzinfo=r.at.tzinfo or UTC).astimezone()
        way = f"收到 {r.file_name}，来自" if r.direction == "in" else f"发出 {r.file_name}，发给"
        what = receipt_text(r.direction, r.summary)
        print(f"{when:%Y-%m-%d %H:%M} {way} {names.many(r.peer)}：{what}")
    if not items:
        print("还没有收发过同步包。")
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("sync", help="同步：本机身份、信任单位、导出导入同步包")
    verbs = parser.add_subparsers(dest="verb", metavar="<操作>", required=True)
    p = verbs.add_parser("id", help="显示本机节点编号和指纹")
    add_json_flag(p)
    p.add_argument("--export-key", metavar="FILE", help="把本机密钥卡保存到文件")
    p.set_defaults(handler=_id)
    p = verbs.add_parser("trust", help="登记信任单位（核对指纹）")
    p.add_argument("keyfile", metavar="密钥卡文件")
    p.add_argument("--fingerprint", required=True)
    p.add_argument("--root", action="store_true", help="并认可它为上级单位（可签发单位证书）")
    p.set_defaults(handler=_trust)
    p = verbs.add_parser("certify", help="（上级单位）核对指纹后为下级单位签发单位证书")
    p.add_argument("keyfile", metavar="密钥卡文件")
    p.add_argument("--fingerprint", required=True)
    p.add_argument("--out", required=True, metavar="FILE")
    p.set_defaults(handler=_certify)
    p = verbs.add_parser("install-cert", help="安装上级单位为本机签发的单位证书")
    p.add_argument("file", metavar="文件")
    p.set_defaults(handler=_install_cert)
    p = verbs.add_parser("revoke", help="撤销对某单位的信任")
    p.add_argument("node", metavar="节点编号")
    p.add_argument("--after", type=int, default=None)
    p.set_defaults(handler=_revoke)
    p = verbs.add_parser(
        "introducer", help="允许（或 --off 不再允许）某信任单位转来未登记单位的修改"
    )
    p.add_argument("node", metavar="节点编号")
    p.add_argument("--off", action="store_true")
    p.set_defaults(handler=_introducer)
    p = verbs.add_parser("unroot", help="取消对某单位的上级单位认可（仍信任该单位本身）")
    p.add_argument("node", metavar="节点编号")
    p.set_defaults(handler=_unroot)
    p = verbs.add_parser("export", help="导出同步包")
    p.add_argument("out", metavar="输出文件")
    p.add_argument("--to", action="append", metavar="NODE")
    p.add_argument("--full", action="store_true")
    p.add_argument("--force", action="store_true", help="覆盖已有的同名文件")
    p.set_defaults(handler=_export)
    p = verbs.add_parser("import", help="导入同步包")
    p.add_argument("file", metavar="文件")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--yes", action="store_true")
    add_json_flag(p)
    p.set_defaults(handler=_import)
    p = verbs.add_parser("conflicts", help="列出待处理的冲突")
    add_json_flag(p)
    p.set_defaults(handler=_conflicts)
    p = verbs.add_parser("quarantine", help="列出因数值不合规则而被隔离的收到的修改")
    add_json_flag(p)
    p.set_defaults(handler=_quarantine)
    p = verbs.add_parser("history", help="收发记录")
    add_json_flag(p)
    p.set_defaults(handler=_history)
