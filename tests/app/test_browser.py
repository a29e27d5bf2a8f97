"""The app in a real browser: headless Chromium driven by Playwright against `streamlit run app.py`.

Skipped only when /usr/bin/chromium is absent (CI installs it: `apt-get install chromium`
and `pip install playwright`; Playwright's own browser download is not used).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .server import CHROMIUM, CHROMIUM_ARGS, app_server

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="no /usr/bin/chromium (apt-get install chromium) for the real-browser test")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with app_server(tmp_path_factory.mktemp("streamlit") / "server.log") as (url, _pid):
        yield url


@pytest.fixture(scope="module")
def browser():
    # With Chromium present a missing Playwright is an error, not a skip: `pip install playwright`.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _joint(page) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text="All headline targets").first
    return metric.get_by_test_id("stMetricValue").inner_text(timeout=60_000)


def test_moving_a_slider_updates_the_scoreboard(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(server, wait_until="domcontentloaded")
        before = _joint(page)
        assert re.fullmatch(r"\d+(\.\d)? %", before)  # whole percent, one decimal only next to a threshold
        slider = page.get_by_role("slider", name=re.compile("Municipal S&T budget growth"))
        slider.focus()
        page.keyboard.press("End")  # to the maximum, 0.3 a year
        page.wait_for_function(
            """(before) => [...document.querySelectorAll('[data-testid="stMetric"]')]
                 .some(m => m.innerText.includes('All headline targets')
                       && !m.innerText.includes(before))""",
            arg=before, timeout=60_000)
        after = _joint(page)
        assert after != before
        assert float(after.split()[0]) > float(before.split()[0])
        assert "st_budget_growth=0.3" in page.url  # the link holds the setting
        assert page.get_by_test_id("stException").count() == 0
        # GZSIM_SCREENSHOTS=DIR keeps the screenshot (e.g. as a CI artefact); else pytest's tmp_path.
        folder = Path(os.environ.get("GZSIM_SCREENSHOTS") or tmp_path)
        folder.mkdir(parents=True, exist_ok=True)
        shot = folder / "app_after_slider.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
    finally:
        page.close()


def test_interactive_chart_and_stock_flow_diagram_render(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(server, wait_until="domcontentloaded")
        _joint(page)
        page.get_by_role("tab", name="Charts").click()
        chart = page.get_by_test_id("stVegaLiteChart").first
        chart.locator("canvas, svg").first.wait_for(timeout=60_000)
        page.get_by_role("tab", name="Model").click()
        diagram = page.get_by_test_id("stGraphVizChart").first
        diagram.locator("svg").first.wait_for(timeout=60_000)
        assert "knowledge stock" in diagram.inner_text()
        assert page.get_by_test_id("stException").count() == 0
    finally:
        page.close()


_UPLOADER_TEXT = """() => {
  const dropzone = document.querySelector('[data-testid="stFileUploaderDropzone"]');
  const shown = e => {  // what a reader sees: the element's own text unless hidden, then its ::after
    const own = parseFloat(getComputedStyle(e).fontSize) > 0 ? e.innerText : "";
    const after = getComputedStyle(e, "::after").content;
    return own + (after && after !== "none" ? JSON.parse(after) : "");
  };
  return [shown(dropzone.querySelector('button [data-testid="stMarkdownContainer"] p')),
          shown(document.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span'))];
}"""


@pytest.mark.parametrize("lang, expected", [
    ("zh", ["上传", "单个文件不超过1MB • TOML"]),
    ("en", ["Upload", "1MB per file • TOML"]),
])
def test_the_uploaders_own_text_is_in_the_apps_language(server, browser, tmp_path, lang, expected):
    # Issue 13: Streamlit writes "Upload" and "1MB per file" in English only; in Chinese the app
    # shows its own words in their place (gzsim.ui.uploader_text).
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    try:
        page.goto(f"{server}/?lang={lang}", wait_until="domcontentloaded")
        page.get_by_test_id("stFileUploaderDropzoneInstructions").wait_for(timeout=60_000)
        page.wait_for_function(f"() => ({_UPLOADER_TEXT})()[0] === {expected[0]!r}", timeout=30_000)
        assert page.evaluate(_UPLOADER_TEXT) == expected
        folder = Path(os.environ.get("GZSIM_SCREENSHOTS") or tmp_path)
        folder.mkdir(parents=True, exist_ok=True)
        page.get_by_test_id("stSidebar").screenshot(path=str(folder / f"uploader_{lang}.png"))
    finally:
        page.close()
