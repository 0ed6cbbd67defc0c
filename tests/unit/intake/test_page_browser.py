"""The application page in a real browser: Debian's headless Chromium driven by Selenium.

One browser for the module. The worker's path: refusals before any QR (empty name, a
wrong check digit, no consent), an over-long name cut with a message, then the QR shown
full-screen; its screenshot is decoded with zbarimg and fed to ``intake scan``, which
reads the application back. Chrome's performance log proves the page made no request
beyond opening its own file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.unit.intake.helpers import GOOD_ID, UNION, Office, cli

webdriver = pytest.importorskip(
    "selenium.webdriver", reason="selenium 未安装（pip install -e '.[test]'）"
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = [
    pytest.mark.slow,  # a browser start and a few seconds of clicking
    pytest.mark.skipif(
        CHROMIUM is None or DRIVER is None or shutil.which("zbarimg") is None,
        reason="需要 Debian 的 chromium、chromium-driver 和 zbar-tools"
        "（apt-get install -y chromium chromium-driver zbar-tools）",
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=480,960", "--force-device-scale-factor=1",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(str(DRIVER)))
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


def _requests(driver: Any) -> list[str]:
    """URLs the page asked for since the last call (Network.requestWillBeSent)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(str(message["params"]["request"]["url"]))
    return urls


def _message(driver: Any, field: str) -> str:
    return str(driver.find_element(By.ID, f"msg-{field}").text)


def _qr_screenshot(driver: Any, path: Path) -> Path:
    """The QR as the phone shows it, once its picture is decoded and laid out: a data-URL
    image loads asynchronously, and a busy machine once took the screenshot before (zbar
    then read a damaged payload, which the scan rightly refused)."""
    loaded = (
        "const i = document.getElementById('qr-image'); return i.complete && i.naturalWidth > 0"
    )
    deadline = time.monotonic() + 10
    while not driver.execute_script(loaded) and time.monotonic() < deadline:
        time.sleep(0.05)
    path.write_bytes(driver.find_element(By.ID, "qr-image").screenshot_as_png)
    return path


def _type(driver: Any, field: str, text: str) -> None:
    box = driver.find_element(By.ID, field)
    box.clear()
    box.send_keys(text)


def test_fill_in_scan_the_screen_and_read_it_back(
    browser: Any, office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "入会申请.html"
    page.write_text(office.page(), "utf-8")
    browser.get(page.as_uri())
    assert _requests(browser) == [page.as_uri()]  # the log works: it saw the file opened
    qr_view = browser.find_element(By.ID, "qr-view")
    submit = browser.find_element(By.ID, "submit")

    submit.click()  # nothing filled in
    assert _message(browser, "name") == "请填写姓名"
    assert "不能为空" in _message(browser, "id_number")
    assert "勾选同意" in _message(browser, "consent")
    assert not qr_view.is_displayed()

    _type(browser, "name", "张" * 60)  # over-long: cut to the registry's 50, with a message
    assert browser.find_element(By.ID, "name").get_attribute("value") == "张" * 50
    assert "最多 50 个字" in _message(browser, "name")
    _type(browser, "name", "李四")
    _type(browser, "id_number", GOOD_ID[:-1] + "1")  # wrong check digit: said while typing
    assert "校验位错误，应为 X" in _message(browser, "id_number")
    _type(browser, "phone", "13800138000")
    browser.find_element(By.ID, "consent").click()
    submit.click()
    assert not qr_view.is_displayed()
    assert "校验位错误" in _message(browser, "id_number")

    _type(browser, "id_number", GOOD_ID.lower())
    assert _message(browser, "id_number") == ""
    _type(browser, "employer", "深圳华强电子有限公司")
    Select(browser.find_element(By.ID, "hukou_type")).select_by_visible_text("外地农村")
    Select(browser.find_element(By.ID, "education")).select_by_visible_text("大学专科")
    Select(browser.find_element(By.ID, "political_status")).select_by_visible_text("共青团员")
    assert Select(browser.find_element(By.ID, "union_id")).first_selected_option.text == UNION
    submit.click()
    assert qr_view.is_displayed()
    assert not browser.find_element(By.ID, "form-view").is_displayed()
    save = browser.find_element(By.ID, "qr-save")
    assert save.text == "保存图片" and save.get_attribute("href").startswith("data:image/png")

    shot = _qr_screenshot(browser, tmp_path / "qr.png")
    decoded = subprocess.run(
        ["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(shot)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    assert decoded.startswith("UDAPP1:")
    code, out, err = cli(capsys, office.data_dir, "applications", "scan", decoded, "--json")
    assert code == 0, f"{err} (zbar read {decoded!r})"
    (item,) = json.loads(out)
    assert item["name"] == "李四" and item["id_number"] == "110*************2X"
    assert (item["union"], item["hukou_type"], item["is_migrant_worker"]) == (
        UNION,
        "外地农村",
        True,
    )
    assert (item["education"], item["political_status"]) == ("大学专科", "共青团员")

    # Back to the form and again: a new QR (a fresh payload id: not a replay of the first).
    first = save.get_attribute("href")
    browser.find_element(By.ID, "qr-back").click()
    assert browser.find_element(By.ID, "form-view").is_displayed()
    submit.click()
    assert browser.find_element(By.ID, "qr-save").get_attribute("href") != first
    # Nothing but the page's own pictures (data: URLs) was ever requested.
    assert [u for u in _requests(browser) if not u.startswith("data:")] == []


def test_the_longest_application_reads_back_from_the_screen(
    browser: Any, office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every field at its limit: the densest QR the page makes (version 20, level M)
    still decodes from a phone-sized screenshot and scans back whole."""
    page = tmp_path / "apply.html"
    page.write_text(office.page(), "utf-8")
    browser.get(page.as_uri())
    _type(browser, "name", "阿" * 50)
    _type(browser, "id_number", GOOD_ID)
    _type(browser, "phone", "13800138000")
    _type(browser, "employer", "深" * 100)
    Select(browser.find_element(By.ID, "hukou_type")).select_by_visible_text("外地城镇")
    Select(browser.find_element(By.ID, "education")).select_by_visible_text("中专/中技/职高")
    Select(browser.find_element(By.ID, "political_status")).select_by_visible_text("九三学社社员")
    browser.find_element(By.ID, "consent").click()
    browser.find_element(By.ID, "submit").click()
    assert browser.find_element(By.ID, "qr-view").is_displayed()
    shot = _qr_screenshot(browser, tmp_path / "qr.png")
    decoded = subprocess.run(
        ["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(shot)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    code, out, err = cli(capsys, office.data_dir, "applications", "scan", decoded, "--json")
    assert code == 0, f"{err} (zbar read {decoded!r})"
    (item,) = json.loads(out)
    assert (item["name"], item["employer"]) == ("阿" * 50, "深" * 100)
    assert item["political_status"] == "九三学社社员"
