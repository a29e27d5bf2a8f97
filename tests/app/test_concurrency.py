"""Several sessions at once: each gets the results of its own settings (nothing leaks between sessions)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

import gzsim
from gzsim.analysis import reach
from gzsim.scenario import with_levers

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
VALUES = [0.0, 0.05, 0.15, 0.2, 0.3]  # S&T budget growth, one per session


def _start() -> AppTest:
    # The first run compiles app.py (ast.parse), which CPython 3.11 does not allow from several threads at once
    # ("AST constructor recursion depth mismatch"): sessions start one by one, then run concurrently.
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    return at


def _session(at: AppTest, value: float) -> tuple[float, np.ndarray, np.ndarray]:
    slider = next(s for s in at.slider if "S&T budget growth" in s.label)
    slider.set_value(value).run()
    assert not at.exception, at.exception
    frame = at.dataframe[0].value
    return value, frame["probability"].to_numpy(dtype=float), frame["current median"].to_numpy()


def test_independent_sessions_get_their_own_results():
    sessions = [_start() for _ in VALUES]
    with ThreadPoolExecutor(max_workers=len(VALUES)) as pool:
        results = list(pool.map(_session, sessions, VALUES))
    model = gzsim.load_model()
    baseline = model.load_scenario(ROOT / "scenarios" / "baseline.toml")
    probabilities = []
    for value, probability, _ in results:
        edited = with_levers(baseline, {"st_budget_growth": value}, catalogue=model.catalogue,
                             name="baseline (edited)")
        expected = reach(model, [edited], samples=500, seed=1)
        np.testing.assert_allclose(probability, expected["probability"].to_numpy(), err_msg=f"session {value}")
        probabilities.append(probability)
    medians = {tuple(m) for _, _, m in results}
    assert len(medians) == len(VALUES)  # every session saw different numbers
