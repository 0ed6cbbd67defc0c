"""Shared pieces of the phone-application tests: an office ready to receive, the page's
own JavaScript run in node, and fields of a typical application."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.printing.application_page import build_page

GOOD_ID = "11010519491231002X"  # female, 1949-12-31
UNION = "华强电子有限公司工会"
PAYLOAD_ID = "0011223344556677"
EPH = "77" * 32

FIELDS: dict[str, object] = {
    "name": "张三",
    "id_number": GOOD_ID,
    "phone": "13800138000",
    "employer": "深圳华强电子有限公司",
    "is_migrant_worker": True,
    "hukou_type": "nonlocal_rural",
    "education": "college",
    "political_status": "13",
    "consent": True,
}


@dataclass(frozen=True)
class Office:
    data_dir: Path
    node_id: str
    name: str
    box_public: bytes
    box_private: bytes
    union_id: str

    def page(self) -> str:
        return build_page(self.name, self.node_id, self.box_public, [(self.union_id, UNION)])


def cli(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


def page_scripts(page: str) -> str:
    """The page's inline scripts, in order, as one program."""
    return "\n;\n".join(re.findall(r"<script>\n(.*?)\n</script>", page, re.S))


_RUNNER = """
const vm = require('vm'); const fs = require('fs');
const ctx = {crypto: require('crypto').webcrypto, TextEncoder, console}; ctx.window = ctx;
vm.createContext(ctx);
vm.runInContext(fs.readFileSync(0, 'utf8'), ctx);
const calls = JSON.parse(process.argv[1]);
const out = calls.map(([fn, args]) => {
  if (fn === 'seal') return ctx.UDApp.sealApplication(ctx.UD_CONFIG, args[0], args[1]);
  if (fn === 'check') return ctx.UDApp.checkIdNumber(args[0]);
  if (fn === 'qr') return ctx.UDApp.qrFor(args[0]).getModuleCount();
  throw new Error(fn);
});
process.stdout.write(JSON.stringify(out));
"""


def run_page_js(page: str, calls: list[tuple[str, list[object]]]) -> list[object]:
    """Run the page's own code in node (no DOM: its pure part) for each call."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node 未安装：无法运行申请页面的 JavaScript（apt-get install nodejs）")
    done = subprocess.run(
        [node, "-e", _RUNNER, json.dumps(calls)],
        input=page_scripts(page),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: list[object] = json.loads(done.stdout)
    return result
