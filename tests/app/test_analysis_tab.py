"""The Analysis tab never shows a traceback: levers at a bound, nothing moved, targets met or not."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def _run(kind: str, lang: str = "en", **levers: float) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["lang"] = lang
    at.run()
    for lever, value in levers.items():
        at.slider(key=f"baseline:{lever}").set_value(value).run()
    at.session_state[f"tab_{lang}"] = "Analysis" if lang == "en" else "分析"
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


def test_attribution_is_a_wedge_chart_with_a_takeaway_and_one_row_per_target():
    at = _run("attribution", st_budget_growth=0.25, talent_subsidy=3.0)
    assert not at.exception, at.exception
    assert "contributes most" in at.markdown[-1].value
    table = at.dataframe[-1].value
    assert len(table) == 9 and "Extra talent subsidy" in table.columns
    assert not any(c in table.columns for c in ("gap", "component", "baseline_value"))
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")


def test_sensitivity_in_chinese_names_drivers_by_label():
    at = _run("sensitivity", lang="zh")
    assert not at.exception, at.exception
    table = at.dataframe[-1].value
    assert list(table.columns) == ["目标", "驱动因素", "类型", "影响（最大者=100%）"]
    assert not table["驱动因素"].str.fullmatch(r"[a-z0-9_]+").any()  # no raw ids


def test_goal_seeking_lists_moved_levers_and_says_which_have_no_cost():
    at = _run("goalseek")
    assert not at.exception, at.exception
    takeaway = at.markdown[-1].value
    assert "Reachable" in takeaway or "Not reachable within the lever ranges" in takeaway
    table = at.dataframe[-1].value
    free = table[table["fiscal cost"].str.startswith("none in the model")]
    if len(free):
        assert any("not free in practice" in c.value for c in at.caption)
