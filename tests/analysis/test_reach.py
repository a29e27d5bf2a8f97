"""reach: probabilities against analytic answers on the toy model, determinism, common draws."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from gzsim.analysis.reach import ALL_HEADLINE, REACH_COLUMNS, Status, reach
from gzsim.errors import UsageError
from gzsim.targets import Target, Targets


@dataclass(frozen=True)
class MTarget(Target):
    measure: str = "level"


def test_probability_matches_the_analytic_answer(toy, toy_sc):
    # base: a = 0.5, so outcome = 0.5 + U[0,1] >= 1.2 with probability 0.3 exactly.
    n = 20000
    table = reach(toy, [toy_sc("base")], samples=n, seed=3)
    row = table.set_index("target").loc["outcome"]
    assert abs(row.probability - 0.3) < 4 * np.sqrt(0.3 * 0.7 / n)
    assert row.mc_se == pytest.approx(np.sqrt(row.probability * (1 - row.probability) / n))
    assert row["median"] == pytest.approx(1.0, abs=0.02)
    assert row.p05 == pytest.approx(0.55, abs=0.02) and row.p95 == pytest.approx(1.45, abs=0.02)
    assert row.deterministic == pytest.approx(1.0)  # noise at its model value 0.5
    assert row.status == Status.OFF_TRACK.value
    assert list(table.columns) == REACH_COLUMNS


def test_at_most_direction_and_joint_headline_row(toy, toy_sc):
    table = reach(toy, [toy_sc("base")], samples=500, seed=1).set_index("target")
    assert table.loc["product", "probability"] == 1.0  # 0 <= 0.5 always
    # grower = (1 + 0.025)^20 = 1.64 >= 1.5 always; the joint headline = outcome alone
    assert table.loc["grower", "probability"] == 1.0
    assert table.loc[ALL_HEADLINE, "probability"] == table.loc["outcome", "probability"]
    assert table.loc[ALL_HEADLINE, "deterministic"] == 0.0


def test_plan_period_outputs_and_measures(toy, toy_sc):
    sc = toy_sc("base")
    targets = Targets("m", sc.targets.path, (
        MTarget("outcome", 2025, 6.0, "at_least", base_year=2020, headline=True, measure="cumulative"),
        MTarget("grower", 2025, 0.1, "at_least", base_year=2020, measure="cagr")))
    table = reach(toy, [sc], samples=4000, seed=2, targets=targets).set_index("target")
    # cumulative 2021-2025 = 5 (0.5 + u) >= 6  <=>  u >= 0.7
    assert abs(table.loc["outcome", "probability"] - 0.3) < 0.03
    assert table.loc["outcome", "cumulative"] == pytest.approx(5.0, abs=0.1)
    assert table.loc["outcome", "end_value"] == pytest.approx(1.0, abs=0.03)
    assert table.loc["outcome", "period"] == "2021-2025"
    # Euler with DT 0.25: CAGR = (1 + 0.1 / 4)^4 - 1 = 0.10381... >= 0.1
    cagr = (1 + 0.1 / 4) ** 4 - 1
    assert table.loc["grower", "median"] == pytest.approx(cagr, rel=1e-9)
    assert table.loc["grower", "cagr"] == pytest.approx(cagr, rel=1e-9)
    assert table.loc["grower", "probability"] == 1.0


def test_same_seed_same_table_and_common_draws(toy, toy_sc):
    a = reach(toy, [toy_sc("base"), toy_sc("more")], samples=300, seed=7)
    b = reach(toy, [toy_sc("base"), toy_sc("more")], samples=300, seed=7)
    pd.testing.assert_frame_equal(a, b)
    c = reach(toy, [toy_sc("base")], samples=300, seed=8)
    assert not np.allclose(a["median"].iloc[0], c["median"].iloc[0])
    # more = base + 0.3 on a and b, same noise draws: medians shift by exactly 0.6
    med = a.set_index(["scenario", "target"])["median"]
    assert med["more", "outcome"] - med["base", "outcome"] == pytest.approx(0.6, abs=1e-9)
    assert a.attrs["seed"] == 7 and set(a.attrs["scenarios"]) == {"base", "more"}


def test_declared_uncertainty_is_drawn(toy, toy_sc):
    # drawn: a ~ U[0.2, 0.8] + u ~ U[0, 1]: P(a + u >= 1.2) = 0.3 by symmetry
    table = reach(toy, [toy_sc("drawn")], samples=20000, seed=5).set_index("target")
    assert abs(table.loc["outcome", "probability"] - 0.3) < 0.015


def test_year_override(toy, toy_sc):
    table = reach(toy, [toy_sc("base")], samples=200, seed=1, year=2019).set_index("target")
    assert table.loc["outcome", "year"] == 2019
    assert table.loc["outcome", "probability"] == 0.0  # before the policy: outcome = u < 1.2
    with pytest.raises(UsageError, match="outside the model's years"):
        reach(toy, [toy_sc("base")], samples=10, seed=1, year=2040)


@pytest.mark.parametrize("kwargs, match", [
    ({"samples": -1}, "samples must be"), ({"samples": 0}, "samples must be"),
    ({"samples": 10, "seed": -2}, "seed must be"),
])
def test_bad_options(toy, toy_sc, kwargs, match):
    kwargs.setdefault("seed", 1)
    with pytest.raises(UsageError, match=match):
        reach(toy, [toy_sc("base")], **kwargs)


def test_status_thresholds():
    assert Status.from_probability(0.8) is Status.ON_TRACK
    assert Status.from_probability(0.79) is Status.AT_RISK
    assert Status.from_probability(0.4) is Status.AT_RISK
    assert Status.from_probability(0.39) is Status.OFF_TRACK


def test_bundled_model_runs_every_target(ganzhou):
    plan = ganzhou.load_scenario(ganzhou.catalogue.path.parents[1] / "scenarios" / "plan.toml")
    table = reach(ganzhou, [plan], samples=200, seed=1)
    assert len(table) == len(plan.targets) + 1
    assert table["probability"].between(0, 1).all()
    # the outside view: the headline targets with a reference class, and only those
    paced = table.loc[table["pace"].notna(), "target"].tolist()
    assert paced == ["rd_intensity", "high_tech_firms"]
    from gzsim.outside_view import pace_summary
    for target, row in table.set_index("target").loc[paced].iterrows():
        lo, hi = pace_summary(target)["min"], pace_summary(target)["max"]
        assert row["class_pace_max"] == hi
        assert bool(row["pace_beyond"]) == (row["pace"] > hi or row["pace"] < lo)


# ---------------------------------------------------------------------------- outside view

def test_no_pace_where_no_reference_class(toy, toy_sc):
    table = reach(toy, [toy_sc("base")], samples=50, seed=1)
    assert table["pace"].isna().all() and table["class_pace_max"].isna().all()
    assert table["pace_beyond"].isna().all() and str(table["pace_beyond"].dtype) == "boolean"


def test_pace_columns_against_the_reference_class():
    from gzsim import outside_view
    from gzsim.analysis.reach import _pace_columns

    years = np.arange(2015, 2031)
    values = np.tile(np.linspace(1.0, 4.0, len(years)), (3, 1))
    values[:, years == 2020] = 1.58
    values[:, years == 2025] = [[2.7], [2.83], [2.9]]  # median pace (2.83 - 1.58) / 5 = 0.25 pp/year
    rd = MTarget("rd_intensity", 2025, 2.6, "at_least", base_year=2020, headline=True)
    cols = _pace_columns(rd, values, years)
    summary = outside_view.pace_summary("rd_intensity")
    assert cols["pace"] == pytest.approx(0.25)
    assert cols["class_pace_max"] == summary["max"] and cols["class_pace_median"] == summary["median"]
    assert cols["pace_beyond"] is True
    values[:, years == 2025] = 1.58 + 5 * summary["median"]
    assert _pace_columns(rd, values, years)["pace_beyond"] is False
    not_headline = MTarget("rd_intensity", 2025, 2.6, "at_least", base_year=2020, headline=False)
    assert np.isnan(_pace_columns(not_headline, values, years)["pace"])
    no_class = MTarget("tech_contract_turnover", 2025, 60, "at_least", base_year=2020, headline=True)
    assert _pace_columns(no_class, values, years)["pace_beyond"] is None


def test_pace_notes_give_one_line_per_headline_target_with_a_class():
    from gzsim.analysis.reach import pace_notes

    table = pd.DataFrame({"scenario": ["baseline"] * 3, "target": ["rd_intensity", "high_tech_firms", "x"],
                          "period": ["2021-2025"] * 3, "pace": [0.25, 0.18, np.nan]})
    lines = pace_notes(table)
    assert lines[0].startswith("baseline rd_intensity: The forecast's 2020-25 pace, +0.25 pp/year, "
                               "is faster than any region of the reference class")
    assert "+18.0 %/year, is slower than any region" in lines[1] and len(lines) == 2
    assert "快于参照类中任何地区" in pace_notes(table, lang="zh")[0]


def test_reach_of_a_simulation_is_reach_without_running_again(toy, toy_sc):
    # The app runs one batch per setting and reads the scoreboard from it: it must be reach's table.
    from gzsim.analysis.reach import reach_of_simulation

    for name in ("base", "drawn"):
        sc = toy_sc(name)
        expected = reach(toy, [sc], samples=300, seed=7)
        got = reach_of_simulation(toy, sc, toy.simulate(sc, samples=300, seed=7), seed=7)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        assert got.attrs == expected.attrs


def test_reach_of_a_simulation_refuses_what_it_cannot_read(toy, toy_sc):
    from gzsim.analysis.reach import reach_of_simulation

    sc = toy_sc("base")
    with pytest.raises(UsageError, match="Monte-Carlo samples"):
        reach_of_simulation(toy, sc, toy.simulate(sc), seed=1)
    with pytest.raises(UsageError, match="no values of outcome"):
        reach_of_simulation(toy, sc, toy.simulate(sc, samples=20, seed=1, indicators=["grower"]), seed=1)
