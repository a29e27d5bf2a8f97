"""The scoreboard's numbers and statuses: one probability format, statuses that agree with it,
★ for headline targets, the Monte-Carlo error near a threshold, targets no lever reaches."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import gzsim
from gzsim.analysis.ceiling import lever_ceiling
from gzsim.analysis.reach import Status
from gzsim.paths import scenarios_dir
from gzsim.targets import load_targets
from gzsim.ui.compute import SEED
from gzsim.charts.numbers import format_probability, format_value
from gzsim.ui.scoreboard import probability_text, scoreboard

from .trust import melded_rows, trust_lines

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("p, shown", [(0.798, "79.8 %"), (0.8, "80 %"), (0.622, "62 %"), (0.396, "39.6 %"),
                                      (0.0, "0 %"), (1.0, "100 %"), (0.001, "<1 %"), (0.9991, ">99 %")])
def test_a_probability_is_written_one_way_and_never_rounds_across_a_threshold(p, shown):
    assert format_probability(p) == shown
    number = float(re.sub(r"[<>%\s]", "", shown)) / 100
    if shown[0] not in "<>":
        assert Status.from_probability(number) == Status.from_probability(p)


@pytest.mark.parametrize("value, unit, en, zh", [
    (0.3, "1/year", "30 %/year", "30%/年"), (0.096, "1/year", "9.6 %/year", "9.6%/年"),
    (2023.0, "year", "2023", "2023"), (150000.0, "flats (cumulative)", "150,000 flats (cumulative)", "150,000套（累计）"),
    (0.05, "share of contract value", "5 % of contract value", "5%（占合同金额比例）"),
    (60.0, "亿元", "6 bn yuan", "60亿元")])
def test_values_are_written_as_an_analyst_writes_them(value, unit, en, zh):
    assert format_value(value, unit, "en") == en
    assert format_value(value, unit, "zh") == zh


def _reach_rows(p: float, samples: int = 500) -> pd.DataFrame:
    return pd.DataFrame([{"target": "x", "measure": "level", "threshold": 1.0, "median": 1.0, "p05": 0.5,
                          "p95": 1.5, "probability": p, "status": Status.from_probability(p).value,
                          "headline": True, "samples": samples}])


def test_a_status_near_a_threshold_shows_its_monte_carlo_error():
    board = scoreboard(_reach_rows(0.798), _reach_rows(0.9), None, "en")
    row = board.iloc[0]
    assert row["status"] == "at risk" and not row["settled"]
    assert row["probability_text"] == "79.8 % ± 3.6"
    assert row["target"].startswith("★ ")
    far = scoreboard(_reach_rows(0.95), _reach_rows(0.9), None, "en").iloc[0]
    assert far["settled"] and far["probability_text"] == "95 %"
    # with 10,000 samples the same probability is settled
    assert probability_text(0.77, 10_000) == "77 %" and probability_text(0.77, 500) == "77 % ± 3.8"


@pytest.fixture(scope="module")
def app():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    return at


def test_scoreboard_marks_headline_targets_and_what_no_lever_reaches(app):
    """'not reachable' exactly where the lever ceiling (as the app computes it) finds no setting
    that meets the target in 1 % of the draws, and the target is off track."""
    board = app.dataframe[0].value.set_index("target")
    headline = [t for t in board.index if t.startswith("★ ")]
    assert len(headline) == 3
    model = gzsim.load_model()
    baseline = model.load_scenario(scenarios_dir() / "baseline.toml")
    ceiling = lever_ceiling(model, baseline, samples=200, seed=SEED)
    targets = load_targets(scenarios_dir() / "targets" / "plan_2025.toml")
    unreachable = {t.label("en") for t in targets for r in ceiling.itertuples()
                   if (r.target, r.measure) == (t.id, t.measure) and not r.reachable}
    for label, row in board.iterrows():
        if label.removeprefix("★ ") in unreachable and row["status"].startswith("● off track"):
            pytest.fail(f"{label}: no lever reaches it, yet it shows {row['status']}")
        if row["status"] == "● not reachable":
            assert label.removeprefix("★ ") in unreachable, label
    captions = " ".join(c.value for c in app.caption)
    shown = (board["status"] == "● not reachable").any()
    assert ("not reachable within the lever ranges" in captions) == shown  # the legend, when needed
    assert "★ headline target" in captions


def test_the_scoreboard_turns_off_track_into_not_reachable_where_the_ceiling_says_so():
    targets = load_targets(scenarios_dir() / "targets" / "plan_2025.toml")
    patents = next(t for t in targets if t.id == "high_value_invention_patents_per_10k")
    row = {"target": patents.id, "measure": patents.measure, "year": 2025, "threshold": patents.threshold,
           "median": 2.0, "p05": 1.6, "p95": 2.4, "probability": 0.0, "status": "off track", "samples": 500,
           "headline": False, "baseline": 1.0}
    reach_rows = pd.DataFrame([row])
    ceiling = pd.DataFrame([{"target": patents.id, "measure": patents.measure, "year": 2025,
                             "best_probability": 0.0, "reachable": False, "corner": ""}])
    marked = scoreboard(reach_rows, reach_rows, [patents], "en", ceiling=ceiling)
    assert marked["status"].tolist() == ["unreachable"]
    reachable = ceiling.assign(best_probability=0.3, reachable=True)
    assert scoreboard(reach_rows, reach_rows, [patents], "en", ceiling=reachable)["status"].tolist() == ["off track"]


def test_statuses_agree_with_the_probabilities_shown(app):
    board = app.dataframe[0].value
    for p, status in zip(board["probability"], board["status"]):
        if "not reachable" in status:
            continue
        expected = Status.from_probability(p).value
        assert status.startswith(f"● {expected}"), (p, status)


def test_sliders_show_the_scenario_value_in_the_analysts_units(app):
    formats = {s.key.split(":")[-1]: s.proto.format for s in app.slider}
    assert formats["gdp_growth"] == "percent" and formats["st_budget_growth"] == "percent"
    assert formats["talent_flats"] == "localized"
    assert formats["new_institute_year"] == "%d"
    budget = next(s for s in app.slider if s.key.endswith("st_budget_growth"))
    assert "%/year" in budget.label
    captions = " ".join(c.value for c in app.sidebar.caption)
    assert "scenario value 9.6 %/year" in captions and "2,021" not in captions


def test_trust_lines_give_the_melded_probability_under_each_pace_line(app, model):
    lines = trust_lines(app, "How far to trust these numbers")
    rows = melded_rows(model)
    assert len(rows) == 2  # R&D intensity and high-tech firms: the headline targets with a reference class
    for label, row in rows:
        head = f"{label('en')}: With the outside view as a prior: "
        line = next(line for line in lines if line.startswith(head))
        if row.meld_note:
            assert line == head + f"not shown, {row.meld_note}"
        else:
            assert line.startswith(head + f"P = {format_probability(row.probability_melded)} "
                                          f"(inside view {format_probability(row.probability)}), median ")
        assert lines[lines.index(line) - 1].startswith(f"{label('en')}: The forecast's 2020-25 pace")
