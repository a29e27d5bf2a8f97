"""The fast engine and PySD give the same tidy results for the bundled model."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import gzsim
from gzsim.paths import scenarios_dir


@pytest.fixture(scope="module")
def models():
    return gzsim.load_model(engine="fast"), gzsim.load_model(engine="pysd")


@pytest.mark.parametrize("name", ["baseline", "plan", "plan_push", "slow_growth"])
def test_fast_and_pysd_engines_give_the_same_tidy_results(models, name):
    fast, reference = models
    path = scenarios_dir() / f"{name}.toml"
    a = fast.run(path, samples=3, seed=11)
    b = reference.run(path, samples=3, seed=11)
    pd.testing.assert_frame_equal(a[["scenario", "sample", "year", "indicator"]],
                                  b[["scenario", "sample", "year", "indicator"]])
    np.testing.assert_allclose(a["value"], b["value"], rtol=1e-9, atol=1e-12)


def test_batch_samples_equal_one_by_one_runs(models):
    fast, _ = models
    path = scenarios_dir() / "plan.toml"
    sim = fast.simulate(path, samples=5, seed=3)
    scenario = fast.load_scenario(path)
    rows = []
    for i, row in sim.draws.iterrows():
        one = fast.engine.run(fast.inputs(scenario, row.to_dict()), return_columns=["high tech firms"])
        rows.append(one.loc[one.index.isin(sim.years.astype(float)), "high tech firms"].to_numpy())
    # the model-discrepancy term is added to the indicators after the run, from the same draws
    one_by_one = fast.with_discrepancy({"high_tech_firms": np.array(rows)}, sim.draws)
    np.testing.assert_allclose(sim.values["high_tech_firms"][1:], one_by_one["high_tech_firms"], rtol=1e-12)
