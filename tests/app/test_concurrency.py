"""Several sessions at once: each gets the results of its own settings (nothing leaks between sessions).

Streamlit serves every session from one process, in threads, with one shared (never mutated) model
from st.cache_resource. Two checks: interleaved AppTest sessions each keep their own numbers, and
the app's computations run concurrently on the shared model give the same numbers as run alone.
(AppTest itself cannot start or rerun sessions from several threads: compiling app.py in parallel
crashes CPython 3.11 with "AST constructor recursion depth mismatch".)
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

import gzsim
from gzsim.analysis import reach
from gzsim.scenario import with_levers
from gzsim.ui.compute import reach_table

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
BASELINE = str(ROOT / "scenarios" / "baseline.toml")
VALUES = [0.0, 0.05, 0.15, 0.2, 0.3]  # S&T budget growth, one per session


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
