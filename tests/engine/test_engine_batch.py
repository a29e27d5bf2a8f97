"""run_batch: row i equals run() with parameter set i."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gzsim.engine import EngineError, TimeSeriesParam, compile_model

MODELS = Path(__file__).parent / "models"


def _rows_equal_runs(cm, params: dict, columns=None, rows=None, rtol=1e-12):
    batch = cm.run_batch(params, columns)
    n = len(next(iter(batch.values())))
    for i in rows if rows is not None else range(n):
        row_params = {}
        for name, value in params.items():
            if isinstance(value, np.ndarray):
                row_params[name] = float(value[i])
            elif isinstance(value, TimeSeriesParam) and value.n is not None:
                row_params[name] = pd.Series(value.values[i], index=value.times)
            else:
                row_params[name] = value
        df = cm.run(row_params, columns)
        for col in df.columns:
            np.testing.assert_allclose(batch[col][i], df[col].to_numpy(), rtol=rtol,
                                       atol=1e-300, equal_nan=True, err_msg=f"{col} row {i}")
    return batch


def test_realistic_model_random_constants():
    cm = compile_model(MODELS / "realistic.mdl")
    rng = np.random.default_rng(1)
    n = 40
    params = {name: value * rng.uniform(0.8, 1.2, n) for name, value in cm.constants.items()}
    batch = _rows_equal_runs(cm, params, rows=[0, 7, 39])
    assert set(batch) == set(cm.columns)
    assert batch["GDP"].shape == (n, len(cm.output_times()))


def test_delay_sizes_differ_between_rows():
    # DELAY FIXED buffers and reduced DELAY3 orders vary per parameter set
    cm = compile_model(MODELS / "delay_fixed.mdl")
    lag = np.array([0.1, 0.3, 1.0, 2.6, 3.0, 4.4])
    _rows_equal_runs(cm, {"lag": lag})
    cm = compile_model(MODELS / "delay.mdl")
    delay = np.array([0.3, 0.5, 0.6, 0.75, 0.9, 4.0])
    _rows_equal_runs(cm, {"delay time": delay})


def test_smooth_and_trend_rows():
    cm = compile_model(MODELS / "smooth.mdl")
    _rows_equal_runs(cm, {"smooth time": np.linspace(0.5, 6, 5), "initial level": 3.5})
    cm = compile_model(MODELS / "trend_forecast.mdl")
    _rows_equal_runs(cm, {"input": np.array([0.0, 1.0, -2.0])})


def test_time_series_per_row_and_shared():
    cm = compile_model(MODELS / "integ.mdl")
    times = np.array([0.0, 10.0, 25.0, 50.0])
    paths = np.array([[0.01, 0.02, 0.05, 0.0], [0.04, 0.04, 0.04, 0.04], [0.0, 0.1, 0.0, 0.1]])
    _rows_equal_runs(cm, {"birth rate": TimeSeriesParam(times, paths)})
    shared = pd.Series([10.0, 0.0], index=[5.0, 15.0])
    _rows_equal_runs(cm, {"investment": shared, "lifetime": np.array([10.0, 20.0, 40.0])})


def test_lookup_overrides_in_batch():
    cm = compile_model(MODELS / "lookups.mdl")
    _rows_equal_runs(cm, {"table": np.array([1.0, 2.0, 3.0])})
    _rows_equal_runs(cm, {"table": pd.Series([1.0, 4.0], index=[0.0, 10.0]),
                          "x": np.array([0.0, 1.0])})


def test_only_requested_columns_are_returned():
    cm = compile_model(MODELS / "realistic.mdl")
    out = cm.run_batch({"base growth": np.full(1000, 0.06)}, ["GDP", "patents", "Time"])
    assert list(out) == ["GDP", "patents", "Time"]
    assert out["GDP"].shape == (1000, 61)
    np.testing.assert_allclose(out["Time"][3], cm.output_times())


def test_batch_errors():
    cm = compile_model(MODELS / "integ.mdl")
    with pytest.raises(EngineError, match="differ in length"):
        cm.run_batch({"lifetime": np.ones(3), "birth rate": np.ones(4)})
    with pytest.raises(EngineError, match="differ in length"):
        cm.run_batch({"lifetime": np.ones(3)}, n=5)
    with pytest.raises(EngineError, match="one time path"):
        cm.run({"lifetime": TimeSeriesParam([0, 1], [[1, 2], [3, 4]])})
    with pytest.raises(EngineError, match="must be"):
        cm.run({"lifetime": "long"})
    out = cm.run_batch({}, ["population"], n=4)
    assert out["population"].shape[0] == 4


def test_time_series_param_validation():
    with pytest.raises(ValueError):
        TimeSeriesParam([0, 1, 2], [1, 2])
    ts = TimeSeriesParam([2, 0, 1], [20, 0, 10])
    np.testing.assert_array_equal(ts.times, [0, 1, 2])
    np.testing.assert_array_equal(ts.values, [0, 10, 20])
