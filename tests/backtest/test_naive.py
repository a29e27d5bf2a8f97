"""Naive forecasts on hand-made series: exact trends, damping, fall-backs, quantiles and spreads."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from gzsim import outside_view
from gzsim.backtest.naive import FLOOR_SHARE, METHODS, OUTPUT_COLUMNS, PHI, naive_forecasts, spread_for
from gzsim.errors import UsageError

Z95 = 1.6448536269514722


def _history(series: str, times, values) -> pd.DataFrame:
    return pd.DataFrame({"series": series, "time": [float(t) for t in times], "value": values})


def _targets(series: str, times) -> pd.DataFrame:
    return pd.DataFrame({"series": series, "time": [float(t) for t in times]})


def _by_method(f: pd.DataFrame) -> dict:
    return {m: g.reset_index(drop=True) for m, g in f.groupby("method")}


def test_a_straight_line_is_forecast_exactly_by_the_linear_trend():
    h = _history("s", [2016, 2017, 2018, 2019, 2020], [5.0, 7.0, 9.0, 11.0, 13.0])
    f = _by_method(naive_forecasts(h, _targets("s", [2021, 2023, 2025]), spread={"s": 0.1}))
    np.testing.assert_allclose(f["linear_trend"]["median"], [15.0, 19.0, 23.0])
    np.testing.assert_allclose(f["no_change"]["median"], [13.0, 13.0, 13.0])
    np.testing.assert_allclose(f["linear_trend"]["horizon"], [1.0, 3.0, 5.0])


def test_a_geometric_series_is_forecast_exactly_by_the_compound_trend():
    h = _history("s", [2018, 2019, 2020], [100.0, 130.0, 169.0])
    f = _by_method(naive_forecasts(h, _targets("s", [2021, 2022, 2025]), spread={"s": 0.1}))
    np.testing.assert_allclose(f["compound_trend"]["median"], [169 * 1.3, 169 * 1.3 ** 2, 169 * 1.3 ** 5])
    # damped: log growth in year k is PHI**k times the last one
    r = math.log(1.3)
    np.testing.assert_allclose(f["damped_trend"]["median"],
                               [169 * math.exp(r * PHI), 169 * math.exp(r * (PHI + PHI ** 2)),
                                169 * math.exp(r * sum(PHI ** k for k in range(1, 6)))])


def test_the_trend_skips_points_less_than_a_year_before_the_last():
    # Ganzhou's firms: 90 at end 2015, 778 at end September 2020 (2019.75), 1,107 at end 2020
    h = _history("high_tech_firms", [2015, 2019.75, 2020], [90.0, 778.0, 1107.0])
    f = _by_method(naive_forecasts(h, _targets("high_tech_firms", [2021])))
    assert f["linear_trend"]["median"][0] == pytest.approx(1107 + (1107 - 90) / 5)
    assert f["compound_trend"]["median"][0] == pytest.approx(1107 * (1107 / 90) ** 0.2)
    assert (f["compound_trend"]["note"] == "").all()


def test_trend_methods_fall_back_to_no_change_and_say_so():
    h = _history("s", [2019.75, 2020], [778.0, 1107.0])
    f = naive_forecasts(h, _targets("s", [2022]), spread={"s": 0.1}).set_index("method")
    assert (f["median"] == 1107.0).all()
    for m in ("linear_trend", "compound_trend", "damped_trend"):
        assert "no change used" in f.loc[m, "note"]
    assert f.loc["no_change", "note"] == ""


def test_a_linear_trend_below_zero_is_floored_and_noted():
    h = _history("s", [2019, 2020], [10.0, 4.0])
    f = naive_forecasts(h, _targets("s", [2022]), spread={"s": 0.1}).set_index("method")
    assert f.loc["linear_trend", "median"] == pytest.approx(FLOOR_SHARE * 4.0)
    assert "not positive; floored" in f.loc["linear_trend", "note"]
    assert (f[["p05", "p25", "p75", "p95"]] > 0).all().all()


def test_quantiles_are_ordered_and_widen_with_the_horizon():
    h = _history("s", [2015, 2020], [50.0, 80.0])
    f = naive_forecasts(h, _targets("s", [2021, 2023]), spread={"s": 0.1})
    assert list(f.columns) == OUTPUT_COLUMNS and set(f["method"]) == set(METHODS)
    assert ((f["p05"] < f["p25"]) & (f["p25"] < f["median"]) & (f["median"] < f["p75"])
            & (f["p75"] < f["p95"])).all()
    # log-normal: log(p95 / median) = z95 * s * h, symmetric on the log scale
    np.testing.assert_allclose(np.log(f["p95"] / f["median"]), Z95 * 0.1 * f["horizon"])
    np.testing.assert_allclose(np.log(f["median"] / f["p05"]), Z95 * 0.1 * f["horizon"])
    assert f.attrs["spread"] == {"s": 0.1}


def test_spread_comes_from_the_reference_class():
    assert spread_for("high_tech_firms") == pytest.approx(outside_view.growth_dispersion("high_tech_firms"))
    assert spread_for("rd_intensity [level]") == pytest.approx(outside_view.growth_dispersion("rd_intensity"))
    pooled = outside_view.growth_dispersion()
    assert spread_for("st_smes") == pytest.approx(pooled)  # no class
    assert spread_for("tech_contract_turnover") == pytest.approx(pooled)  # a class of one pace
    assert spread_for("high_tech_firms_new") == pytest.approx(pooled)  # another indicator
    assert spread_for("st_smes", {"st_smes": 0.3}) == 0.3
    with pytest.raises(UsageError, match="spread for series"):
        spread_for("s", {"s": -1.0})


def test_bad_inputs():
    h = _history("s", [2019, 2020], [1.0, 2.0])
    with pytest.raises(UsageError, match="not after the series' last observation"):
        naive_forecasts(h, _targets("s", [2020]))
    with pytest.raises(UsageError, match="no history for series 't'"):
        naive_forecasts(h, _targets("t", [2021]))
    with pytest.raises(UsageError, match="lacks column"):
        naive_forecasts(h.drop(columns="value"), _targets("s", [2021]))
    with pytest.raises(UsageError, match="unknown naive method"):
        naive_forecasts(h, _targets("s", [2021]), methods=("ets",))


def test_a_hindcast_learns_its_spread_only_from_windows_ending_by_the_cutoff():
    h = _history("rd_intensity", [2011, 2015], [0.32, 0.56])
    f = naive_forecasts(h, _targets("rd_intensity", [2020]))
    assert f.attrs["until"] == 2015
    s2015 = outside_view.growth_dispersion("rd_intensity", until=2015)
    assert f.attrs["spread"]["rd_intensity"] == pytest.approx(s2015)
    assert s2015 != pytest.approx(outside_view.growth_dispersion("rd_intensity"))
    assert (outside_view.paces("rd_intensity", until=2015)["end_year"] <= 2015).all()
    with pytest.raises(UsageError, match="no reference class has 3 paces ending by 2012; give spread"):
        naive_forecasts(_history("rd_intensity", [2011, 2012], [0.32, 0.4]), _targets("rd_intensity", [2015]))
    ok = naive_forecasts(_history("s", [2011, 2012], [1.0, 2.0]), _targets("s", [2015]), spread={"s": 0.2})
    assert ok.attrs["spread"] == {"s": 0.2}
