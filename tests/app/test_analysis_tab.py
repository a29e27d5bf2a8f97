"""The Analysis tab never shows a traceback: levers at a bound, nothing moved, targets met or not."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def _run(kind: str, **levers: float) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    for lever, value in levers.items():
        at.slider(key=f"baseline:{lever}").set_value(value).run()
    at.session_state["tab_en"] = "Analysis"
    at.run()
    at.radio(key="analysis_kind").set_value(kind).run()
    at.button(key="run_analysis").click().run()
    return at


@pytest.mark.parametrize("kind", ["goalseek"])
def test_goal_seeking_with_a_lever_at_its_maximum(kind):
    # Once: ValueError "attempt to get argmin of an empty sequence" from goalseek._refine.
    at = _run(kind, st_budget_growth=0.3)
    assert not at.exception, at.exception
    assert not at.error
