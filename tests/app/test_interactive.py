"""The interactive chart (gzsim.ui.interactive): its data and its Vega-Lite spec; and the Charts tab option."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gzsim.charts import load_history
from gzsim.paths import scenarios_dir
from gzsim.ui.compute import simulation
from gzsim.ui.interactive import chart_frames, interactive_chart

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sims(model):
    base = simulation(model, str(scenarios_dir() / "baseline.toml"), (), "baseline", samples=50, seed=1)
    edited = simulation(model, str(scenarios_dir() / "baseline.toml"), (("st_budget_growth", 0.2),),
                        "baseline (edited)", samples=50, seed=1)
    return [base, edited]


def test_frames_hold_a_band_around_the_median(model, sims):
    targets = model.load_scenario(scenarios_dir() / "plan.toml").targets
    frames = chart_frames(sims, "rd_intensity", history=load_history(), targets=targets)
    runs = frames["runs"]
    assert list(dict.fromkeys(runs["scenario"])) == ["baseline", "baseline (edited)"]
    assert (runs["p05"] <= runs["median"]).all() and (runs["median"] <= runs["p95"]).all()
    assert runs["year"].max() == 2025
    assert len(frames["history"]) and (frames["history"]["year"] <= 2025).any()
    assert frames["target"]["threshold"].tolist() == [2.6]


def test_spec_layers_tooltips_and_zoom(model, sims):
    targets = model.load_scenario(scenarios_dir() / "plan.toml").targets
    spec = interactive_chart(sims, "rd_intensity", history=load_history(), targets=targets, title="R&D").to_dict()
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert marks == ["rect", "area", "line", "point", "rule"]
    assert all("tooltip" in layer["encoding"] for layer in spec["layer"])
    assert any(p.get("bind") == "scales" for layer in spec["layer"] for p in layer.get("params", [])) or \
        any(p.get("bind") == "scales" for p in spec.get("params", []))
    plan = spec["layer"][0]
    assert spec["datasets"] and plan["encoding"]["x"]["field"] == "start"


def test_charts_tab_interactive_option():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.session_state["tab_en"] = "Charts"
    at.run()
    at.toggle(key="interactive_chart").set_value(True).run()
    assert not at.exception, at.exception
    at.selectbox(key="interactive_indicator").set_value("rd_intensity").run()
    assert not at.exception, at.exception
    assert len(at.get("arrow_vega_lite_chart")) == 1 or len(at.get("vega_lite_chart")) == 1
