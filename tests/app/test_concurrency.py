"""Several sessions at once: each gets the results of its own settings, and memory stays bounded.

Streamlit serves every session from one process, in threads, with one shared (never mutated) model
from st.cache_resource. The main check uses the real thing: one ``streamlit run app.py`` server and
20 headless-Chromium pages opened at the same time, each with its own share link; every page must
show the numbers of its own settings, and the server's memory must not grow with each new wave of
sessions. Two lighter checks stay: interleaved AppTest sessions each keep their own numbers, and the
app's computations run concurrently on the shared model give the same numbers as run alone.
(AppTest itself cannot start or rerun sessions from several threads: compiling app.py in parallel
crashes CPython 3.11 with "AST constructor recursion depth mismatch".)
"""
from __future__ import annotations

import os
import re
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import gzsim
from gzsim.analysis import reach
from gzsim.engine import jit
from gzsim.scenario import with_levers
from gzsim.charts.numbers import format_probability  # the app's one format of a probability
from gzsim.ui.compute import edited_scenario, reach_table

from .server import CHROMIUM, CHROMIUM_ARGS, app_server

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
BASELINE = str(ROOT / "scenarios" / "baseline.toml")
VALUES = [0.0, 0.05, 0.15, 0.2, 0.3]  # S&T budget growth, one per session
SESSIONS = 20  # pages open at the same time, per wave
# Server memory a wave of SESSIONS new sessions may add. What a session itself must keep is small
# (its widget states, its last messages); what is shared is capped (st.cache_data max_entries).
# 4 MiB a session is less than the one results CSV (~6 MiB at 500 samples) that each session held
# before the downloads were deferred (waves then grew by 440-620 MiB), so any per-session copy of
# the results fails this, and leaves room for what the allocator keeps after 20 script runs at
# once. Measured on 2 cores: 10-43 MiB a wave (0.5-2.2 MiB a session).
PER_SESSION_MIB = 4.0
# Candidate settings of the pages: the award for new high-tech firms moves the joint headline
# probability most, so most of its values give different numbers (two pages showing the same
# number could not tell whose it is).
AWARD = [round(0.05 * i, 2) for i in range(61)]  # between slider steps too: a link keeps them
#: R&D post-subsidy rates tried with every award (the scenario's own first): the joint probability
#: is shown in whole per cent, and the award alone moves it across few of them.
SUBSIDY = (0.0, 0.05, 0.1, 0.15, 0.2)


def _set_budget(at: AppTest, value: float) -> None:
    slider = next(s for s in at.slider if "S&T budget growth" in s.label)
    slider.set_value(value).run()
    assert not at.exception, at.exception


def _scoreboard(at: AppTest) -> tuple[np.ndarray, np.ndarray]:
    frame = at.dataframe[0].value
    return frame["probability"].to_numpy(dtype=float), frame["current median"].to_numpy()


def test_interleaved_sessions_keep_their_own_results():
    sessions = [AppTest.from_file(APP, default_timeout=120).run() for _ in VALUES]
    for at, value in zip(sessions, VALUES):  # every session moves its slider before any is read
        _set_budget(at, value)
    for at in sessions:  # and reruns after all the others moved theirs
        at.run()
    model = gzsim.load_model()
    baseline = model.load_scenario(BASELINE)
    medians = set()
    for at, value in zip(sessions, VALUES):
        probability, median = _scoreboard(at)
        edited = with_levers(baseline, {"st_budget_growth": value}, catalogue=model.catalogue,
                             name="baseline (edited)")
        expected = reach(model, [edited], samples=500, seed=1)
        np.testing.assert_allclose(probability, expected["probability"].to_numpy(), err_msg=f"session {value}")
        medians.add(tuple(median))
    assert len(medians) == len(VALUES)  # every session saw different numbers


def test_concurrent_computations_on_the_shared_model_equal_serial_ones():
    model = gzsim.load_model()  # one model shared by all sessions, as st.cache_resource does
    settings = [(("st_budget_growth", v),) for v in VALUES] * 4  # 20 sessions
    serial = {s: reach_table(model, BASELINE, s) for s in settings[:len(VALUES)]}
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(lambda s: reach_table(model, BASELINE, s), settings))
    for s, table in zip(settings, concurrent):
        pd.testing.assert_frame_equal(table, serial[s])


# ---------------------------------------------------------------------- the real server
def _rss_mib(pid: int) -> float:
    """Resident memory of process *pid* (VmRSS in /proc/PID/status), MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1)) / 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``streamlit run app.py`` on a free port: (url, pid of the server process)."""
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (apt-get install chromium) for the real-browser test")
    with app_server(tmp_path_factory.mktemp("streamlit") / "server.log") as (url, pid):
        yield url, pid


@pytest.fixture(scope="module")
def context():
    """A headless-Chromium browser context; its pages share a cache but each is its own session."""
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (apt-get install chromium) for the real-browser test")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            # 20 pages at once are 20 tabs: keep the ones not in front from being throttled.
            args=[*CHROMIUM_ARGS, "--disable-dev-shm-usage", "--disable-background-timer-throttling",
                  "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows"])
        try:
            yield browser.new_context(viewport={"width": 1000, "height": 700})
        finally:
            browser.close()


def _distinct_settings(model, fixed: dict[str, float], n: int) -> list[dict]:
    """*n* settings (``fixed`` plus an award value and an R&D post-subsidy), each its own scenario
    hash, with as many different joint headline probabilities as the levers give (at least half
    of them differ, so a page showing another session's number is caught by that number too,
    and by the hash in every case)."""
    distinct, rest, seen = [], [], set()
    for subsidy in SUBSIDY:
        for award in AWARD:
            overrides = tuple(sorted({**fixed, "award_new_htf": award, "rd_post_subsidy": subsidy}.items()))
            table = reach_table(model, BASELINE, overrides)
            joint = format_probability(float(table.loc[table['target'] == 'all_headline', 'probability'].iloc[0]))
            setting = {"overrides": dict(overrides), "joint": joint,
                       "hash": edited_scenario(model, BASELINE, overrides).hash[:12]}
            (rest if joint in seen else distinct).append(setting)
            seen.add(joint)
            if len(distinct) == n:
                return distinct
        if len(distinct) >= n // 2 and len(distinct) + len(rest) >= n:
            break
    assert len(distinct) >= n // 2, f"only {len(distinct)} different joint probabilities among {AWARD} x {SUBSIDY}"
    return (distinct + rest)[:n]


def _wave(context, url: str, settings: list[dict]) -> list[tuple[str, str]]:
    """Open one page per setting at once, wait for all; (joint probability, hash caption) of each.

    The pages share a browser context (its cache: the app's JavaScript is fetched and compiled
    once), but each page opens its own websocket, which is what makes a Streamlit session.
    """
    pages = []
    try:
        for s in settings:  # every navigation starts before any page is read
            query = urllib.parse.urlencode({"scenario": "baseline", **{k: repr(v) for k, v in s["overrides"].items()}})
            pages.append(context.new_page())
            pages[-1].goto(f"{url}/?{query}", wait_until="commit")
        shown = []
        for page in pages:
            metric = page.get_by_test_id("stMetric").filter(has_text="All headline targets").first
            joint = metric.get_by_test_id("stMetricValue").inner_text(timeout=90_000)
            caption = page.get_by_text(re.compile(r"Scenario hash [0-9a-f]{12}")).first.inner_text(timeout=30_000)
            assert page.get_by_test_id("stException").count() == 0
            shown.append((joint, caption))
        return shown
    finally:
        for page in pages:  # closing a page closes its websocket: the session is over
            page.close()


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def test_concurrent_browser_sessions_get_their_own_results_in_bounded_memory(server, context):
    url, pid = server
    model = gzsim.load_model()
    # one wave of new settings after the warm-up (a second wave measured the same growth,
    # 41-48 MiB, and cost 70 s of the suite)
    warm_up, *waves = [_distinct_settings(model, {"st_budget_growth": 0.1}, jit.HOT_CALLS),
                       _distinct_settings(model, {}, SESSIONS)]
    # warm-up: the model loaded, the baseline cached, the hot plans compiled (once per server;
    # numba's compiler holds ~100 MiB, which is not what a session costs)
    _wave(context, url, warm_up)
    time.sleep(1)
    rss = [_rss_mib(pid)]
    for settings in waves:
        start, cpu = time.monotonic(), _cpu_seconds(pid)
        shown = _wave(context, url, settings)
        elapsed, cpu = time.monotonic() - start, _cpu_seconds(pid) - cpu
        for s, (joint, caption) in zip(settings, shown):
            assert joint == s["joint"], f"page with {s['overrides']} shows {joint}, its settings give {s['joint']}"
            assert f"Scenario hash {s['hash']}" in caption, (s["overrides"], caption)
        time.sleep(1)  # the last script runs finish
        rss.append(_rss_mib(pid))
        print(f"wave of {SESSIONS}: {elapsed:.1f} s, server CPU {cpu:.1f} s, VmRSS {rss[-1]:.0f} MiB")
    print("server VmRSS after the warm-up and after each wave (MiB):", [round(r) for r in rss])
    growth = np.diff(rss)
    assert (growth <= SESSIONS * PER_SESSION_MIB).all(), \
        f"server memory grew by {growth.round()} MiB per wave of {SESSIONS} sessions (VmRSS {np.round(rss)})"
