"""10,000 random lever settings through the batch engine: no NaN, no infinity, no negative stock,
no share outside [0, 100] %.

Every lever is drawn uniformly within its catalogue range and the uncertain parameters as
Monte-Carlo runs draw them (``Model.draw``: the calibrated ensemble and the priors of the
parameters that act after the data; without a calibration, every catalogue prior), with a
fixed seed. Every variable of the model is checked for finiteness at every saved time, and
every stock (``gzsim.checks.stock_variables``) for non-negativity. Runs go in chunks of
1,000 to keep memory modest (about 80 MiB).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import gzsim
from gzsim import discrepancy
from gzsim.catalogue import vensim_key
from gzsim.checks import defaults_scenario, stock_variables
from gzsim.engine import compile_model

SAMPLES = 10_000
CHUNK = 1_000
SEED = 20_250_815
ROUND_OFF = 1e-9  # a stock may dip below zero by this share of its largest value, no more


def _setup(calibration):
    model = gzsim.load_model(calibration=calibration)
    compiled = compile_model(model.catalogue.model_file)
    spelled = {vensim_key(n): n.strip('"') for n in compiled.variable_names}
    base = {spelled[vensim_key(k)]: v for k, v in model.inputs(defaults_scenario(model)).items()}
    return model, compiled, spelled, base


def _settings(model, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """n random lever settings (lever ids) and uncertain draws (Vensim names), one row per run."""
    levers = pd.DataFrame({lv.id: rng.uniform(lv.min, lv.max, n) for lv in model.catalogue.levers})
    draws = model.draw(defaults_scenario(model), n, rng).reset_index(drop=True)
    return pd.concat([levers, draws], axis=1)


def first_problem(out: dict, stocks, times: np.ndarray, settings: pd.DataFrame,
                  shares=frozenset()) -> str | None:
    """The first non-finite value of any variable, negative stock or share outside [0, 100] %,
    named with its run's settings."""
    for name, values in out.items():
        values = np.asarray(values)
        bad = ~np.isfinite(values)
        what = "not finite"
        if name in stocks and not bad.any():
            scale = np.abs(values).max(axis=1, keepdims=True)
            bad = values < -ROUND_OFF * scale
            what = "a negative stock"
        if name in shares and not bad.any():
            bad = (values < 0) | (values > 100)
            what = "a share outside [0, 100] %"
        if bad.any():
            run, step = np.argwhere(bad)[0]
            row = ", ".join(f"{k}={v:.6g}" for k, v in settings.iloc[run].items())
            return (f"'{name}' is {what} at {times[step]:g} ({values[run, step]:.6g}) in run {run} "
                    f"of the chunk; its settings: {row}")
    return None


@pytest.mark.parametrize("calibration", ["auto", None], ids=["calibrated", "handset"])
def test_random_lever_settings_keep_every_variable_finite_and_every_stock_nonnegative(calibration):
    model, compiled, spelled, base = _setup(calibration)
    stocks = set(stock_variables(model.catalogue.model_file))
    shares = {spelled[vensim_key(i.vensim)] for i in model.catalogue.indicators if i.unit.startswith("%")}
    columns = list(compiled.columns)
    times = compiled.output_times()
    rng = np.random.default_rng(SEED)
    checked = 0
    for _ in range(SAMPLES // CHUNK):
        settings = _settings(model, CHUNK, rng)
        params = dict(base)
        for lever in model.catalogue.levers:
            params[spelled[vensim_key(lever.vensim)]] = settings[lever.id].to_numpy()
        drawn, _ = discrepancy.split(settings[settings.columns[len(model.catalogue.levers):]])
        for name in drawn.columns:
            params[spelled[vensim_key(name)]] = settings[name].to_numpy()
        out = compiled.run_batch(params, columns, n=CHUNK)
        problem = first_problem(out, stocks, times, settings, shares)
        assert problem is None, problem
        checked += CHUNK
    assert checked == SAMPLES and len(stocks) >= 10 and len(shares) >= 3


def test_shares_stay_within_0_and_100_with_the_discrepancy_term():
    """Forecasts add the model-discrepancy term (gzsim.discrepancy) on the logit scale for shares:
    even extreme draws of it keep every share inside (0, 100) %."""
    loaded = gzsim.load_model()
    # a large term on every indicator (the committed one may be small or zero)
    term = {"sigma": 0.5, "from_year": 2020.0, "why": "",
            "indicators": [i.id for i in loaded.catalogue.indicators]}
    model = type(loaded)(loaded.catalogue, loaded.engine,
                         calibration=dataclasses.replace(loaded.calibration, discrepancy=term))
    rng = np.random.default_rng(SEED)
    draws = model.draw(defaults_scenario(model), 2000, rng)
    z = [c for c in draws.columns if c.startswith(discrepancy.PREFIX)]
    assert len(z) == len(term["indicators"])
    draws[z] = draws[z] * 10  # ten-sigma errors
    out = model.run_batch(defaults_scenario(model), draws=draws)
    for ind in model.catalogue.indicators:
        values = out[ind.id]
        assert np.isfinite(values).all(), ind.id
        if ind.unit.startswith("%"):
            assert ((values > 0) & (values < 100)).all(), ind.id


def test_the_random_check_names_the_variable_the_time_and_the_runs_settings():
    times = np.array([2015.0, 2015.25, 2015.5])
    settings = pd.DataFrame({"talent_subsidy": [1.0, 2.5], "attrition rate": [0.05, 0.07]})
    nan = {"GDP": np.array([[1.0, 2.0, 3.0], [1.0, np.nan, 3.0]])}
    negative = {"knowledge stock": np.array([[1.0, 2.0, 3.0], [5.0, 4.0, -0.5]])}
    message = first_problem(nan, {"knowledge stock"}, times, settings)
    assert "'GDP' is not finite at 2015.25" in message and "talent_subsidy=2.5" in message
    message = first_problem(negative, {"knowledge stock"}, times, settings)
    assert "'knowledge stock' is a negative stock at 2015.5 (-0.5)" in message
    assert "attrition rate=0.07" in message
    # round-off below a stock's scale is not a failure
    tiny = {"knowledge stock": np.array([[1e6, 1.0, -1e-5]])}
    assert first_problem(tiny, {"knowledge stock"}, times, settings) is None
    share = {"high tech VA share": np.array([[40.0, 60.0, 100.5]])}
    message = first_problem(share, set(), times, settings, {"high tech VA share"})
    assert "'high tech VA share' is a share outside [0, 100] % at 2015.5" in message
