"""A slider move runs the Monte-Carlo batch once (issue 13, speed).

The app ran ``reach`` and ``simulate`` separately, each drawing and running the same 500
samples; now the scoreboard and the charts read one batch (:func:`gzsim.ui.compute.batch_of`).
The scoreboard must stay exactly what ``gzsim reach --samples 500 --seed 1`` gives.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import gzsim
from gzsim.paths import scenarios_dir
from gzsim.ui.compute import SAMPLES, SEED, batch_of, edited_scenario, reach_of, scoreboard_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("overrides", [(), (("st_budget_growth", 0.3), ("rd_post_subsidy", 0.05))])
def test_the_scoreboard_of_the_batch_is_reach_of_the_same_seed(model, overrides):
    scenario = edited_scenario(model, str(scenarios_dir() / "baseline.toml"), overrides)
    expected = reach_of(model, scenario, samples=SAMPLES, seed=SEED)
    got = scoreboard_of(model, scenario, batch_of(model, scenario, samples=SAMPLES, seed=SEED), seed=SEED)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got.attrs == expected.attrs


@pytest.mark.parametrize("tab", ["Targets scoreboard", "Charts"])
def test_a_slider_move_draws_the_samples_once(monkeypatch, tab):
    st.cache_data.clear()  # the moved setting is new to this process's caches
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    at.session_state["tab_en"] = tab
    at.run()
    assert not at.exception, at.exception
    batches = []  # the sample batches drawn for the moved setting: model.draw is where they come from
    draw = gzsim.Model.draw
    monkeypatch.setattr(gzsim.Model, "draw", lambda self, sc, n, rng: batches.append(n) or draw(self, sc, n, rng))
    at.slider(key="baseline:st_budget_growth").set_value(0.137).run()
    assert not at.exception, at.exception
    assert batches == [SAMPLES]
