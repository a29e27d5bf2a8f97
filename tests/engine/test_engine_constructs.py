"""Every supported construct: the fast engine equals PySD at every saved time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pathlib import Path

from gzsim.engine import compile_model

MODELS = Path(__file__).parent / "models"
CONSTRUCT_MODELS = sorted(MODELS.glob("*.mdl"))


@pytest.mark.parametrize("model", CONSTRUCT_MODELS, ids=lambda p: p.stem)
def test_default_run_equals_pysd(model, pysd_reference, assert_same):
    assert_same(pysd_reference(model), compile_model(model).run())


@pytest.mark.parametrize("model", CONSTRUCT_MODELS, ids=lambda p: p.stem)
def test_vector_runner_equals_scalar_runner(model):
    cm = compile_model(model)
    df = cm.run()
    batch = cm.run_batch({}, n=2)
    for col in df.columns:
        for row in range(2):
            np.testing.assert_allclose(batch[col][row], df[col].to_numpy(), rtol=1e-12,
                                       atol=1e-300, equal_nan=True, err_msg=col)


@pytest.mark.parametrize("params", [
    {"birth rate": 0.03, "lifetime": 20},                    # constants
    {"Initial Population": 10},                              # case-insensitive, int value
    {"deaths": 12.5},                                        # an auxiliary becomes constant
    {"capital": 3000.0},                                     # a stock becomes constant
    {"birth_rate": pd.Series([0.01, 0.05, 0.02], index=[0, 20, 50])},  # time series
    {"investment": pd.Series([5.0, 50.0], index=[10, 30])},  # time series for an auxiliary
], ids=["constants", "case-int", "aux", "stock", "series-const", "series-aux"])
def test_params_equal_pysd(params, pysd_reference, assert_same):
    model = MODELS / "integ.mdl"
    assert_same(pysd_reference(model, params=params), compile_model(model).run(params))


@pytest.mark.parametrize("params", [
    {"table": pd.Series([0.0, 5.0, 1.0], index=[0.0, 4.0, 12.0])},
    {"table": 2.5},
    {"table no range": pd.Series([3.0, 1.0], index=[-2.0, 3.0]), "x": 1.5},
], ids=["series", "constant", "second"])
def test_lookup_overrides_equal_pysd(params, pysd_reference, assert_same):
    model = MODELS / "lookups.mdl"
    assert_same(pysd_reference(model, params=params), compile_model(model).run(params))


@pytest.mark.parametrize("control", [
    {"final_time": 20.0},
    {"time_step": 0.5},
    {"saveper": 2.0},
    {"final_time": 7.3, "time_step": 0.2, "saveper": 0.6},
])
def test_control_arguments_equal_pysd(control, pysd_reference, assert_same):
    model = MODELS / "integ.mdl"
    assert_same(pysd_reference(model, **control), compile_model(model).run(**control))


def test_return_columns_subset_in_given_order(pysd_reference, assert_same):
    model = MODELS / "delay.mdl"
    cols = ["dn varying", "input", "d3", "delay time"]
    ref = pysd_reference(model, return_columns=cols)
    out = compile_model(model).run(return_columns=cols)
    assert_same(ref, out)


def test_time_column_and_output_times():
    cm = compile_model(MODELS / "odd_grid.mdl")
    df = cm.run(return_columns=["Time", "t copy"])
    np.testing.assert_allclose(df["Time"], df["t copy"])
    np.testing.assert_array_equal(cm.output_times(), df.index.to_numpy())


def test_runs_do_not_leak_state():
    cm = compile_model(MODELS / "realistic.mdl")
    first = cm.run()
    cm.run({"base growth": 0.09, "RD lag": 3})
    pd.testing.assert_frame_equal(cm.run(), first)


def test_model_attributes():
    cm = compile_model(MODELS / "control.mdl")
    assert (cm.initial_time, cm.final_time, cm.time_step, cm.saveper) == (2015, 2030, 0.125, 1)
    assert cm.columns[:4] == ("SAVEPER", "TIME STEP", "INITIAL TIME", "FINAL TIME")
    assert "table" in compile_model(MODELS / "lookups.mdl").variable_names
    assert "table" not in compile_model(MODELS / "lookups.mdl").columns
    assert compile_model(MODELS / "integ.mdl").constants["lifetime"] == 30


def test_division_by_zero_and_domain_errors_follow_numpy(tmp_path, write_model):
    # PySD raises ZeroDivisionError on 1/0 with Python floats; the engine gives numpy's inf/nan
    path = write_model(tmp_path, "div.mdl", """
x = 1 / (Time - 5) ~~|
y = LN(Time - 5) ~~|
z = SQRT(5 - Time) + (Time - 11) ^ 0.5 ~~|
w = EXP(Time * 100) ~~|
s = INTEG(x, 0) ~~|
""", final_time=10)
    cm = compile_model(path)
    df = cm.run()
    assert np.isposinf(df.loc[5.0, "x"]) and np.isneginf(df.loc[5.0, "y"])
    assert np.isnan(df.loc[4.0, "y"]) and np.isnan(df.loc[6.0, "z"])
    assert np.isposinf(df.loc[10.0, "w"])
    batch = cm.run_batch({}, n=1)
    for col in df.columns:
        np.testing.assert_array_equal(batch[col][0], df[col].to_numpy(), err_msg=col)


def test_empty_return_columns():
    cm = compile_model(MODELS / "integ.mdl")
    df = cm.run(return_columns=[])
    assert df.shape == (401, 0)
    assert cm.run_batch({}, return_columns=[]) == {}
