"""Property tests: random parameter values, compared with PySD and with run_batch."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gzsim.engine import compile_model

MODELS = Path(__file__).parent / "models"
SETTINGS = settings(max_examples=15, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def _floats(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def _compare_with_pysd(pysd_model, cm, params, assert_same):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pysd_model.run(params=params)
    assert_same(ref, cm.run(params))


REALISTIC = {
    "base growth": _floats(-0.02, 0.1),
    "tfp elasticity": _floats(0.0, 0.3),
    "policy year": _floats(2016, 2029),
    "policy boost size": _floats(0.0, 0.02),
    "crisis year": _floats(2015, 2030),
    "crisis length": _floats(0.1, 3),
    "perception time": _floats(0.3, 5),
    "life expectancy": _floats(0.5, 12),
    "RD lag": _floats(0.05, 4),
    "patent lag": _floats(0.3, 5),
    "subsidy rate": _floats(0.0, 0.2),
    "migration scale": _floats(0.0, 0.5),
}


@pytest.fixture(scope="module")
def realistic(pysd_loader):
    return pysd_loader(MODELS / "realistic.mdl"), compile_model(MODELS / "realistic.mdl")


@SETTINGS
@given(st.fixed_dictionaries(REALISTIC))
def test_realistic_model_equals_pysd(realistic, assert_same, params):
    pysd_model, cm = realistic
    _compare_with_pysd(pysd_model, cm, params, assert_same)


@pytest.fixture(scope="module")
def delays(pysd_loader):
    names = ("delay.mdl", "smooth.mdl", "delay_fixed.mdl")
    return {n: (pysd_loader(MODELS / n), compile_model(MODELS / n)) for n in names}


@SETTINGS
@given(delay=_floats(0.26, 8), smooth=_floats(0.1, 8), lag=_floats(0.01, 6),
       level=st.one_of(st.integers(-3, 6), _floats(-3, 6)))
def test_delay_and_smooth_times_equal_pysd(delays, assert_same, delay, smooth, lag, level):
    _compare_with_pysd(*delays["delay.mdl"], {"delay time": delay}, assert_same)
    _compare_with_pysd(*delays["smooth.mdl"], {"smooth time": smooth, "initial level": level},
                       assert_same)
    _compare_with_pysd(*delays["delay_fixed.mdl"], {"lag": lag}, assert_same)


@SETTINGS
@given(st.integers(1, 6).flatmap(lambda n: st.fixed_dictionaries({
    name: st.lists(strategy, min_size=n, max_size=n).map(np.array)
    for name, strategy in list(REALISTIC.items())[::2]})))
def test_batch_rows_equal_single_runs(params):
    cm = compile_model(MODELS / "realistic.mdl")
    columns = ["GDP", "patents", "reported firms", "effective RD", "score trend"]
    batch = cm.run_batch(params, columns)
    n = len(next(iter(params.values())))
    for i in range(n):
        df = cm.run({k: float(v[i]) for k, v in params.items()}, columns)
        for col in columns:
            np.testing.assert_allclose(batch[col][i], df[col].to_numpy(), rtol=1e-12,
                                       atol=1e-300, equal_nan=True, err_msg=col)
