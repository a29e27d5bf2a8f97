"""The app's results are keyed by content: a scenario file edited while the app runs gives new numbers.

Issue 14: the caches were keyed by file path, so a new session after an edit of ``plan.toml``
showed the old probability next to the new scenario hash.  Here the bundled folders are copied
(``GZSIM_ROOT``), one session reads ``plan``, the file is edited, and a new session in the same
process (the caches are shared by every session) must show the numbers of the new content.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from gzsim.ui.compute import SAMPLES, SEED, reach_of

ROOT = Path(__file__).resolve().parents[2]


def _session(scenario: str) -> tuple[str, str]:
    """(scenario hash shown, joint headline probability shown) of a new session on *scenario*."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    at.selectbox(key="scenario").set_value(scenario).run()
    assert not at.exception, at.exception
    shown = next(c.value for c in at.caption if c.value.startswith("Scenario hash"))
    return re.search(r"Scenario hash ([0-9a-f]{12})", shown).group(1), at.metric[0].value


def test_an_edited_scenario_file_gives_the_new_numbers_in_a_new_session(tmp_path, monkeypatch):
    for folder in ("model", "scenarios", "calibration"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    monkeypatch.setenv("GZSIM_ROOT", str(tmp_path))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        before_hash, before_joint = _session("plan")
        plan = tmp_path / "scenarios" / "plan.toml"
        text = plan.read_text(encoding="utf-8").replace("[sources]", "st_budget_growth = 0.3\n\n[sources]", 1)
        plan.write_text(text, encoding="utf-8")
        after_hash, after_joint = _session("plan")

        import gzsim

        model = gzsim.load_model()
        edited = model.load_scenario(plan)
        table = reach_of(model, edited, samples=SAMPLES, seed=SEED)
        expected = float(table.loc[table["target"] == "all_headline", "probability"].iloc[0])
        assert after_hash == edited.hash[:12] != before_hash
        assert after_joint == f"{100 * expected:.1f} %"  # the new content's numbers, not the cached ones
        assert after_joint != before_joint
    finally:
        monkeypatch.undo()
        st.cache_resource.clear()
        st.cache_data.clear()
