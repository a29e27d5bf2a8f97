"""The dotted-key upload in the real app: refused at once, the server's memory stays bounded.

Issue 14: a 64 KiB scenario file of ``"x." * 32765 + "y=1"`` kept the server busy 29-41 s and
left it at 4.5 GB (Python's TOML reader is quadratic in a key's parts).  Here it is uploaded
through headless Chromium to ``streamlit run app.py``; the error must name the file and the
limit, and the server's resident memory must stay under 500 MiB.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from .server import CHROMIUM, CHROMIUM_ARGS, app_server

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="no /usr/bin/chromium (apt-get install chromium) for the real-browser test")

DOTTED = b"x." * 32765 + b"y=1"  # 65,533 bytes: within the 64 KiB upload limit
LIMIT_MIB = 500


def _rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1)) / 1024


def test_the_dotted_key_upload_is_refused_and_the_server_stays_small(tmp_path):
    from playwright.sync_api import sync_playwright

    with app_server(tmp_path / "server.log") as (url, pid), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(url)
            page.get_by_test_id("stMetric").first.wait_for(timeout=120_000)
            before = _rss_mib(pid)
            start = time.monotonic()
            page.locator("input[type=file]").set_input_files(
                files=[{"name": "dotted.toml", "mimeType": "application/toml", "buffer": DOTTED}])
            page.get_by_text(re.compile("more than 16 dotted parts")).first.wait_for(timeout=60_000)
            seconds = time.monotonic() - start
            after = _rss_mib(pid)
            shown = page.get_by_text(re.compile("dotted.toml: cannot be read")).count()
        finally:
            browser.close()
    print(f"server VmRSS before the upload {before:.0f} MiB, after {after:.0f} MiB; refused in {seconds:.1f} s")
    assert shown >= 1
    assert after < LIMIT_MIB, f"server at {after:.0f} MiB after the upload (limit {LIMIT_MIB})"
    assert seconds < 20
