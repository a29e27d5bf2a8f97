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
    spec = interactive_chart(sims, "rd_intensity", history=load_history(), targets=targets, title="R&D")
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert marks == ["rect", "area", "area", "line", "point", "rule", "point", "text"]
    import altair as alt

    alt.LayerChart.from_dict(spec)  # a valid Vega-Lite spec (raises SchemaValidationError if not)
    assert all("tooltip" in layer["encoding"] for layer in spec["layer"] if layer["mark"]["type"] != "text"
               and layer["encoding"].get("y", {}).get("field") != "p25")
    assert any(p.get("bind") == "scales" for layer in spec["layer"] for p in layer.get("params", [])) or \
        any(p.get("bind") == "scales" for p in spec.get("params", []))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_year_axis_spans_the_years_shown_with_a_title(model, sims, lang):
    # Once: the plan-period rectangle pulled the axis to 0-2,200 and every line was a vertical stroke.
    spec = interactive_chart(sims, "rd_intensity", history=load_history(), unit="% of GDP", lang=lang)
    xs = [layer["encoding"]["x"] for layer in spec["layer"] if "x" in layer["encoding"]]
    domains = {tuple(x["scale"]["domain"]) for x in xs if "scale" in x}
    assert len(domains) == 1
    low, high = domains.pop()
    assert 2005 < low < 2021 and high == 2025.5
    assert all(x["scale"].get("zero") is False for x in xs if "scale" in x)
    titles = {x.get("title") for x in xs if x.get("title")}
    assert titles == {"Year" if lang == "en" else "年份"}
    y_titles = {layer["encoding"]["y"].get("title") for layer in spec["layer"]
                if "y" in layer["encoding"] and "title" in layer["encoding"]["y"]}
    assert y_titles == {"% of GDP" if lang == "en" else "%（占GDP）"}


def test_lines_and_bands_share_the_run_colours_baseline_grey(model, sims):
    from gzsim.charts.style import SCENARIO_COLOURS
    from gzsim.ui.interactive import REFERENCE_COLOUR

    spec = interactive_chart(sims, "rd_intensity")
    scales = [enc[ch]["scale"] for enc in (layer["encoding"] for layer in spec["layer"])
              for ch in ("color", "fill") if ch in enc]
    assert len(scales) == 3 and all(s == {"domain": ["baseline", "baseline (edited)"],
                                          "range": [REFERENCE_COLOUR, SCENARIO_COLOURS[0]]} for s in scales)
    # one legend, on the lines, with opaque swatches
    legends = [enc[ch]["legend"] for enc in (layer["encoding"] for layer in spec["layer"])
               for ch in ("color", "fill") if ch in enc]
    assert len(legends) == 3 and all(legend and legend["symbolOpacity"] == 1 for legend in legends)
    assert all(legend == legends[0] for legend in legends)


def test_charts_tab_draws_every_indicator_client_side(model):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.session_state["tab_en"] = "Charts"
    at.run()
    assert not at.exception, at.exception
    charts = at.get("arrow_vega_lite_chart") + at.get("vega_lite_chart")
    assert len(charts) == len(model.catalogue.indicators)
    assert not at.get("imgs")  # no server-drawn PNGs
