"""The pipeline end to end with small budgets: recovery, determinism, family test, outputs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from gzsim.calibration import load_calibration, load_settings
from gzsim.calibration.outputs import write_outputs
from gzsim.calibration.run import calibrate
from gzsim.calibration.setup import prepare
from gzsim.calibration.statistics import FIT_COLUMNS
from gzsim.calibration.synthetic import synthetic_table

from .conftest import JIANGXI

RECOVERY_BUDGET = """
[optimiser]
popsize = 6
maxiter = 60
[profile]
points = 5
refine = 2
local_evals = 30
[mcmc]
walkers = 48
steps = 500
burn = 0.4
min_sets = 200
max_sets = 1000
"""


def test_synthetic_recovery(settings_copy, tmp_path):
    """Data generated from known parameters (same sparse pattern): known values inside the intervals."""
    real = prepare(load_settings(settings_copy()))
    # known values: the model file's hand-set values, moved a little inside the box
    known = np.array([0.8 * p.default + 0.2 * (p.lower + p.upper) / 2 for p in real.free])
    table = synthetic_table(real, known)
    data = tmp_path / "synthetic.csv"
    table.to_csv(data, index=False)
    path = settings_copy(observations=data, budget=RECOVERY_BUDGET, name="synthetic.toml")
    result = calibrate(path, seed=7)
    post = result.chain.samples
    lo, hi = np.percentile(post, [2.5, 97.5], axis=0)
    profiles = {prof.name: prof for prof in result.profiles}
    assert set(profiles) == {p.name for p in result.setup.free if p.profile}
    for j, p in enumerate(result.setup.free):
        # known value inside the reported 95 % intervals (ensemble, and profile where profiled)
        assert lo[j] <= known[j] <= hi[j], (p.name, lo[j], known[j], hi[j])
        prof = profiles.get(p.name)
        if prof is not None:
            assert prof.low - 1e-9 <= known[j] <= prof.high + 1e-9, (p.name, prof.low, known[j], prof.high)
    # the fit to exact synthetic data is near perfect
    assert result.ml_nll < 0.05
    assert (result.fit["mape"] < 2).all()


def test_same_seed_same_numbers(settings_copy):
    path = settings_copy()
    a = calibrate(path, seed=3)
    b = calibrate(path, seed=3)
    np.testing.assert_array_equal(a.chain.samples, b.chain.samples)
    np.testing.assert_array_equal(a.estimate.theta, b.estimate.theta)
    pd.testing.assert_frame_equal(a.fit, b.fit)


def test_family_jiangxi_end_to_end(settings_copy, tmp_path):
    path = settings_copy(source=JIANGXI, targets=None, name="jiangxi.toml")
    result = calibrate(path, seed=1)
    assert result.settings.region == "Jiangxi"
    assert {o.region for o in result.setup.observations} == {"Jiangxi"}
    out = write_outputs(result, tmp_path / "jx")
    fit = pd.read_csv(out / "fit.csv")
    assert list(fit.columns) == FIT_COLUMNS
    assert set(fit["indicator"]) == {"rd_intensity", "high_tech_firms", "tech_contract_turnover",
                                     "high_tech_va_share"}


def test_outputs_written_and_loadable(settings_copy, tmp_path):
    result = calibrate(settings_copy(), seed=11)
    out = write_outputs(result, tmp_path / "out")
    names = {p.name for p in out.iterdir()}
    assert {"fit.csv", "parameters.csv", "posterior.parquet", "report.md", "calibration.json",
            "profiles.png", "high_tech_firms.png", "tech_contract_turnover.png"} <= names
    params = pd.read_csv(out / "parameters.csv")
    assert set(params["identified"]) <= {"yes", "no", "not profiled"}
    profiled = {p.name for p in result.setup.free if p.profile}
    assert set(params.loc[params["identified"] != "not profiled", "name"]) == profiled
    post = pd.read_parquet(out / "posterior.parquet")
    assert list(post.columns) == result.setup.names and len(post) == len(result.chain.samples)
    cal = load_calibration(out)
    assert cal.point == pytest.approx(result.point)
    cal.check_fresh()
    meta = json.loads((out / "calibration.json").read_text())
    assert meta["provenance"]["seed"] == 11
    assert "## What this means for 2025" in (out / "report.md").read_text()
    # writing again replaces the folder as a whole, leaving no temporary folders behind
    write_outputs(result, out)
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".out.")]
