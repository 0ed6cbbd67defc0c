"""The A4 poster for the phone application page (扫码申请入会): the office's name, a QR that
opens the page where it is hosted, and the steps; without a hosting URL, how to get
the page file instead (the office's WeChat group, a USB stick)."""

from __future__ import annotations

import os
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop.errors import FileAccessError, UnionDeskError
from desktop.printing.fonts import FontSet, fonts
from desktop.printing.qr import draw_qr

STEPS_WITH_URL: tuple[str, ...] = (
    "1. 用手机扫描上方二维码，打开入会申请页面（无需下载应用）。",
    "2. 填写姓名、身份证号、手机号等信息，阅读并勾选个人信息处理告知。",
    "3. 点击「生成申请二维码」，可保存图片。",
    "4. 到工会办公室出示二维码，工作人员扫码后为您办理入会。",
)
STEPS_WITHOUT_URL: tuple[str, ...] = (
    "1. 向工会工作人员索取「入会申请页面」文件（HTML 文件，可通过微信发送，",
    "    或用U盘拷贝），在手机上用浏览器打开，无需联网、无需下载应用。",
    "2. 填写姓名、身份证号、手机号等信息，阅读并勾选个人信息处理告知。",
    "3. 点击「生成申请二维码」，可保存图片。",
    "4. 到工会办公室出示二维码，工作人员扫码后为您办理入会。",
)
PRIVACY = "您填写的信息只保存在自己的手机上，加密后只有本工会能读取，不经过任何网站。"


def _centred(c: Canvas, fs: FontSet, y: float, text: str, size: float) -> None:
    width, _ = A4
    fs.draw(c, (width - fs.width(text, size)) / 2, y, text, size)


def _fitting_size(fs: FontSet, text: str, size: float, room: float) -> float:
    while size > 12 and fs.width(text, size) > room:
        size -= 1
    return size


def check_url(url: str | None) -> None:
    """Refuse a hosting address a phone's QR reader would not open as a web page."""
    if url is not None and not url.lower().startswith(("https://", "http://")):
        raise UnionDeskError(
            f"网址「{url}」应以 https:// 或 http:// 开头（页面发布的完整地址），未生成页面和海报。"
        )


def render_poster(out: str | os.PathLike[str], office_name: str, url: str | None) -> None:
    """Write the poster; ``url`` (http or https) is where the page is hosted, or None."""
    check_url(url)
    fs = fonts()
    missing = fs.missing_chars(office_name)
    if missing:
        raise UnionDeskError(
            f"单位名称中有字体缺少的字：{'、'.join(missing)}，海报未生成。请安装含这些字的字体后重试。"
        )
    width, height = A4
    final = Path(out)
    part = final.with_name(final.name + ".part")
    try:
        c = Canvas(str(part), pagesize=A4, pageCompression=1, initialFontName=fs.latin.name)
        c.setTitle("扫码申请入会")
        c.setCreator("工会桌面通 UnionDesk")
        c.setFillColorRGB(0.69, 0.1, 0.12)
        c.rect(0, height - 60 * mm, width, 60 * mm, stroke=0, fill=1)
        c.setFillGray(1)
        size = _fitting_size(fs, office_name, 30, width - 30 * mm)
        _centred(c, fs, height - 28 * mm, office_name, size)
        _centred(c, fs, height - 48 * mm, "手机申请加入工会", 36)
        c.setFillGray(0)
        qr_size = 110 * mm
        top = height - 75 * mm
        if url:
            draw_qr(c, url, (width - qr_size) / 2, top - qr_size, qr_size)
            _centred(c, fs, top - qr_size - 8 * mm, "扫码打开入会申请页面", 18)
            steps, y = STEPS_WITH_URL, top - qr_size - 22 * mm
        else:
            _centred(c, fs, top - 10 * mm, "入会申请页面以文件形式提供", 24)
            steps, y = STEPS_WITHOUT_URL, top - 30 * mm
        for line in steps:
            fs.draw(c, 22 * mm, y, line, 14)
            y -= 9 * mm
        y -= 4 * mm
        fs.draw(c, 22 * mm, y, PRIVACY, 12)
        c.showPage()
        c.save()
        os.replace(part, final)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise FileAccessError(
            f"无法写入文件 {final}：{exc.strerror or exc}。请检查路径和权限。"
        ) from exc
