"""Fit statistics on hand-computed examples."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gzsim.calibration.statistics import series_statistics


def test_hand_computed_example():
    data = [100.0, 200.0, 300.0]
    model = [110.0, 190.0, 330.0]
    s = series_statistics(model, data)
    assert s["n_obs"] == 3
    assert s["mape"] == pytest.approx(100 * (0.1 + 0.05 + 0.1) / 3)
    assert s["rmse"] == pytest.approx(math.sqrt((100 + 100 + 900) / 3))
    r = np.corrcoef(model, data)[0, 1]
    assert s["r2"] == pytest.approx(r * r)
    mse = (100 + 100 + 900) / 3
    assert s["theil_um"] == pytest.approx((np.mean(model) - 200.0) ** 2 / mse)
    assert s["theil_us"] == pytest.approx((np.std(model) - np.std(data)) ** 2 / mse)
    assert s["theil_um"] + s["theil_us"] + s["theil_uc"] == pytest.approx(1.0)


def test_pure_bias_is_all_um():
    s = series_statistics([11.0, 21.0, 31.0], [10.0, 20.0, 30.0])
    assert s["theil_um"] == pytest.approx(1.0) and s["theil_us"] == pytest.approx(0.0)
    assert s["r2"] == pytest.approx(1.0)


def test_undefined_statistics_are_nan():
    one = series_statistics([1.1], [1.0])
    assert one["mape"] == pytest.approx(10.0)
    assert all(math.isnan(one[k]) for k in ("r2", "theil_um", "theil_us", "theil_uc"))
    two = series_statistics([1.0, 2.5], [1.0, 2.0])
    assert math.isnan(two["r2"]) and not math.isnan(two["theil_um"])
    exact = series_statistics([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert exact["mape"] == 0 and math.isnan(exact["theil_uc"])   # no error to decompose


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(1, 1e4), st.floats(1, 1e4)), min_size=2, max_size=8))
def test_theil_components_sum_to_one(pairs):
    model, data = zip(*pairs)
    s = series_statistics(model, data)
    if not math.isnan(s["theil_um"]):
        assert s["theil_um"] + s["theil_us"] + s["theil_uc"] == pytest.approx(1.0, abs=1e-9)
        assert min(s["theil_um"], s["theil_us"], s["theil_uc"]) >= -1e-12
