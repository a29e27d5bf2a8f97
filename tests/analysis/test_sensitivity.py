"""sensitivity on the toy model: additive, so S1 = ST = share of variance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gzsim.analysis.sensitivity import SENSITIVITY_COLUMNS, sensitivity
from gzsim.errors import UsageError

# outcome = a + b + c/2 + u with a, b ~ U[0, 2], c ~ U[0, 1], u ~ U[0, 1]; growth has no effect
_VAR = {"lever_a": 1 / 3, "lever_b": 1 / 3, "lever_c": 0.25 / 12, "noise": 1 / 12, "growth": 0.0}
_TOTAL = sum(_VAR.values())


def _indices(table, index):
    sub = table[(table.target == "outcome") & (table.output == "value") & (table["index"] == index)]
    return sub.set_index("input")


def test_sobol_on_the_toy_model(toy, toy_sc):
    table = sensitivity(toy, toy_sc("base"), samples=2048, seed=1, target_ids=["outcome"], bootstrap=50)
    assert list(table.columns) == SENSITIVITY_COLUMNS
    for index in ("S1", "ST"):
        got = _indices(table, index)
        for name, var in _VAR.items():
            assert got.loc[name, "estimate"] == pytest.approx(var / _TOTAL, abs=0.02), (index, name)
            assert got.loc[name, "low"] <= got.loc[name, "estimate"] <= got.loc[name, "high"]
    assert _indices(table, "ST").loc["noise", "kind"] == "uncertain"
    met = table[(table.output == "met") & (table["index"] == "ST")].set_index("input")
    assert met.loc["lever_a", "estimate"] > 0.2 and met.loc["growth", "estimate"] == pytest.approx(0, abs=1e-9)


def test_morris_on_the_toy_model(toy, toy_sc):
    table = sensitivity(toy, toy_sc("base"), method="morris", samples=40, seed=1, target_ids=["outcome"])
    got = _indices(table, "mu_star")["estimate"]
    # effects per full range: a, b: 2; c: 0.5; noise: ~1 (empirical marginal); growth: 0
    assert got["lever_a"] == pytest.approx(2) and got["lever_b"] == pytest.approx(2)
    assert got["lever_c"] == pytest.approx(0.5) and got["growth"] == pytest.approx(0)
    assert got["noise"] == pytest.approx(1, abs=0.01)


def test_deterministic_and_lever_subset(toy, toy_sc):
    a = sensitivity(toy, toy_sc("base"), samples=64, seed=4, levers=["lever_a"], bootstrap=10)
    b = sensitivity(toy, toy_sc("base"), samples=64, seed=4, levers=["lever_a"], bootstrap=10)
    pd.testing.assert_frame_equal(a, b)
    assert set(a["input"]) == {"lever_a", "noise"}


def test_scenario_uncertainty_is_an_input(toy, toy_sc):
    table = sensitivity(toy, toy_sc("drawn"), samples=64, seed=1, bootstrap=0)
    kinds = table.drop_duplicates("input").set_index("input")["kind"]
    assert kinds["lever_a"] == "scenario uncertainty"


@pytest.mark.parametrize("kwargs, match", [
    ({"samples": 1000}, "power of 2"), ({"samples": -4}, "samples must be"),
    ({"target_ids": ["nope"]}, "target 'nope'"), ({"levers": ["lever_z"]}, "lever 'lever_z' is unknown"),
])
def test_bad_options(toy, toy_sc, kwargs, match):
    with pytest.raises(UsageError, match=match):
        sensitivity(toy, toy_sc("base"), seed=1, **kwargs)


def test_bundled_model_small_sobol(ganzhou):
    plan = ganzhou.load_scenario(ganzhou.catalogue.path.parents[1] / "scenarios" / "plan.toml")
    table = sensitivity(ganzhou, plan, samples=64, seed=1, target_ids=["rd_intensity"], bootstrap=10)
    # every lever plus every drawn input (calibrated parameters, post-2020 priors), a drawn lever once
    drawn = ganzhou.draw(plan, 4, np.random.default_rng(0)).columns
    n_inputs = len({lv.vensim for lv in ganzhou.catalogue.levers} | set(drawn))
    assert table["input"].nunique() == n_inputs
    assert np.isfinite(table[table["index"] == "ST"]["estimate"]).all()
