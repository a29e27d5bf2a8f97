"""goalseek finds the known optimum of the toy model.

outcome = a + b + c/2 + u, u ~ U[0, 1]; a costs 2 亿元/year per unit, b 1, c nothing (distance
price 1 亿元 per full range).  Per unit of outcome: c costs 2, b 5 (over 2021-2025), a 10.  So the
least effort for P(outcome >= 2.2) >= 0.8 is c = 1 (at its bound), b = 2.2 - q - 0.5, a = 0, where
q is the value 400 of the 500 common draws of u reach.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from gzsim.analysis.goalseek import default_decision_levers, goalseek
from gzsim.errors import UsageError


def _needed_sum(toy, sc, draws, seed, p):
    u = np.sort(toy.draw(sc, draws, np.random.default_rng(seed))["noise"].to_numpy())
    k = int(np.ceil(p * draws))
    return sc.targets.targets[0].threshold - u[draws - k]


def test_finds_the_known_optimum(toy, toy_sc):
    sc = toy_sc("hard")
    res = goalseek(toy, sc, probability=0.8, draws=500, seed=3)
    s_star = _needed_sum(toy, sc, 500, 3, 0.8)
    x = res.settings.set_index("lever")["value"]
    assert res.reachable and res.probability >= 0.8
    assert x["lever_c"] == pytest.approx(1.0, abs=5e-3)
    assert x["lever_a"] == pytest.approx(0.0, abs=1e-3)
    assert x["lever_b"] == pytest.approx(s_star - 0.5, abs=5e-3)
    assert x["growth"] == pytest.approx(0.1, abs=1e-3)  # no effect: stays at the scenario
    assert res.cost == pytest.approx(5 * x["lever_b"] + 10 * x["lever_a"], rel=1e-9)
    assert res.distance == pytest.approx(x["lever_c"], abs=1e-3)
    optimum = 5 * (s_star - 0.5) + 1.0
    assert optimum - 1e-9 <= res.effort <= optimum * 1.002
    binding = res.settings.set_index("lever")["binding"]
    assert binding["lever_c"] and not binding["lever_b"] and not binding["lever_a"]
    assert "reachable" in res.message
    assert res.targets.set_index("target").loc["outcome", "probability"] == res.probability


def test_price_changes_the_optimum(toy, toy_sc):
    # c at 10 亿元 per full range (20 per unit of outcome) is dearer than b (5): c stays at 0
    res = goalseek(toy, toy_sc("hard"), probability=0.8, draws=500, seed=3, distance_price=10.0,
                   levers=["lever_a", "lever_b", "lever_c"])
    x = res.settings.set_index("lever")["value"]
    s_star = _needed_sum(toy, toy_sc("hard"), 500, 3, 0.8)
    assert x["lever_c"] == pytest.approx(0.0, abs=5e-3)
    assert x["lever_b"] == pytest.approx(s_star, abs=5e-3)


def test_not_reachable_reports_best_probability_and_binding_levers(toy, toy_sc):
    sc = toy_sc("hard")
    hard = replace(sc.targets, targets=(replace(sc.targets.targets[0], threshold=5.0),))
    res = goalseek(toy, sc, probability=0.8, draws=400, seed=1, targets=hard, maxiter=10)
    assert not res.reachable
    assert res.message.startswith("not reachable within the lever ranges")
    # best: a = b = 2, c = 1 -> 4.5 + u >= 5  <=>  u >= 0.5
    u = toy.draw(sc, 400, np.random.default_rng(1))["noise"].to_numpy()
    assert res.probability == pytest.approx(np.mean(u >= 0.5))
    binding = set(res.settings.loc[res.settings["binding"], "lever"])
    assert {"lever_a", "lever_b", "lever_c"} <= binding


def test_scenario_already_meeting_the_target_costs_nothing(toy, toy_sc):
    sc = toy_sc("hard")
    easy = replace(sc.targets, targets=(replace(sc.targets.targets[0], threshold=0.0),))
    res = goalseek(toy, sc, probability=0.9, draws=100, seed=1, targets=easy)
    assert res.reachable and res.cost == 0 and res.distance == 0
    assert "already meets" in res.message


def test_deterministic(toy, toy_sc):
    a = goalseek(toy, toy_sc("hard"), probability=0.7, draws=200, seed=5, maxiter=5)
    b = goalseek(toy, toy_sc("hard"), probability=0.7, draws=200, seed=5, maxiter=5)
    assert a.settings.equals(b.settings) and a.cost == b.cost


def test_no_cuts_keeps_costly_levers_at_or_above_the_scenario(toy, toy_sc):
    res = goalseek(toy, toy_sc("more"), probability=0.5, draws=200, seed=1, allow_cuts=False,
                   levers=["lever_a", "lever_b"], maxiter=10)
    x = res.settings.set_index("lever")
    assert (x["value"] >= x["scenario_value"] - 1e-12).all()


def test_time_path_levers_keep_their_shape(toy, toy_sc):
    sc = toy_sc("more")  # growth ramps 0.1 -> 0.2 over 2021-2025
    res = goalseek(toy, sc, probability=0.5, draws=100, seed=1, levers=["growth", "lever_a"], maxiter=3)
    row = res.settings.set_index("lever").loc["growth"]
    assert row["scenario_value"] == pytest.approx(0.2) and row["setting"].startswith("path scaled")


def test_defaults_and_bad_options(toy, toy_sc, ganzhou):
    plan = ganzhou.load_scenario(ganzhou.catalogue.path.parents[1] / "scenarios" / "baseline.toml")
    levers = default_decision_levers(ganzhou, plan)
    assert "gdp_growth" not in levers and "super_deduction" not in levers and "talent_flats" in levers
    sc = toy_sc("hard")
    for kwargs, match in [({"probability": 1.5}, "probability must be within"),
                          ({"probability": 0}, "probability must be within"),
                          ({"probability": 0.5, "target_ids": ["nope"]}, "target 'nope'"),
                          ({"probability": 0.5, "levers": ["lever_q"]}, "lever 'lever_q' is unknown"),
                          ({"probability": 0.5, "draws": -1}, "draws must be")]:
        with pytest.raises(UsageError, match=match):
            goalseek(toy, sc, **kwargs)
    with pytest.raises(UsageError, match="drawn in scenario"):
        goalseek(toy, toy_sc("drawn"), probability=0.5, levers=["lever_a"])


def test_levers_already_at_their_maximum_are_fixed_not_a_crash(toy, toy_sc):
    # a and b at their maximum with no cuts allowed: only c can move (once a ValueError from argmin)
    sc = toy_sc("maxed")
    hard = replace(sc.targets, targets=(replace(sc.targets.targets[0], threshold=5.2),))
    res = goalseek(toy, sc, probability=0.5, draws=200, seed=1, targets=hard, maxiter=5,
                   levers=["lever_a", "lever_b", "lever_c"])
    x = res.settings.set_index("lever")
    assert x.loc["lever_a", "value"] == 2.0 and x.loc["lever_b", "value"] == 2.0
    assert x.loc["lever_c", "value"] == pytest.approx(1.0, abs=5e-3)
    # 4.5 + u >= 5.2 for u ~ U[0, 1] is 30 %: not reachable, and the three levers are what binds
    assert not res.reachable
    assert set(x.index[x["binding"]]) == {"lever_a", "lever_b", "lever_c"}
    assert list(x["at_bound"]) == ["max", "max", "max"]


def test_every_lever_fixed_evaluates_the_scenario(toy, toy_sc):
    sc = toy_sc("maxed")
    hard = replace(sc.targets, targets=(replace(sc.targets.targets[0], threshold=10.0),))
    res = goalseek(toy, sc, probability=0.8, draws=100, seed=1, targets=hard, levers=["lever_a", "lever_b"])
    assert not res.reachable and res.probability == 0.0 and res.cost == 0.0
    assert "no decision lever can move" in res.message
    assert "binding levers: lever_a=max, lever_b=max" in res.message


def test_bounds_are_the_catalogue_range_not_the_scenario_floor(toy, toy_sc):
    # without cuts a costly lever's floor is the scenario's value; staying there is not "at a bound"
    res = goalseek(toy, toy_sc("more"), probability=0.5, draws=200, seed=1, levers=["lever_a", "lever_b"],
                   maxiter=10)
    x = res.settings.set_index("lever")
    for lever in ("lever_a", "lever_b"):
        if x.loc[lever, "value"] == x.loc[lever, "scenario_value"]:
            assert x.loc[lever, "at_bound"] == "" and not x.loc[lever, "binding"]
