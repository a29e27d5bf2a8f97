"""Coverage per cutoff against what calibrated bands would give (gzsim.backtest.calibration_check)."""

import pandas as pd
import pytest

from gzsim.backtest.calibration_check import (FIRST_CUTOFF, calibrated_range, coverage_by_cutoff,
                                              distinct_values, flags)
from gzsim.backtest.report import coverage_line


def _forecast(observation, cutoff, value, method="model"):
    # bands: 50 % [9, 11], 90 % [5, 15]
    return {"observation": observation, "cutoff": cutoff, "method": method, "value": value,
            "p05": 5.0, "p25": 9.0, "median": 10.0, "p75": 11.0, "p95": 15.0,
            "inside_50": 9.0 <= value <= 11.0, "inside_90": 5.0 <= value <= 15.0,
            "interval_score_50": 1.0, "interval_score_90": 1.0, "interval_score": 1.0}


def test_calibrated_range_is_the_central_binomial_range():
    assert calibrated_range(10, 0.5) == (2, 8)
    assert calibrated_range(6, 0.5) == (1, 5)
    assert calibrated_range(10, 0.9) == (7, 10)


def test_counts_sides_flags_and_counts_each_value_once():
    rows = [_forecast(f"x{i} 2020", 2015, v) for i, v in enumerate([10, 10, 10, 10, 10, 10])]
    # the same values from a later cutoff: all above the 50 % band, inside the 90 % band
    rows += [_forecast(f"x{i} 2020", 2018, 12.0) for i in range(6)]
    rows += [_forecast("x0 2020", 2018, 30.0, method="no_change")]  # other methods are ignored
    check = coverage_by_cutoff(pd.DataFrame(rows)).set_index("cutoff")
    assert check.loc["2015", "inside_50"] == "6/6" and check.loc["2015", "flag_50"] == "too many inside"
    assert check.loc["2018", "inside_50"] == "0/6" and check.loc["2018", "flag_50"] == "too few inside"
    assert (check.loc["2018", "below_50"], check.loc["2018", "above_50"]) == (0, 6)
    assert check.loc["2018", "inside_90"] == "6/6" and check.loc["2018", "flag_90"] == ""
    assert check.loc[FIRST_CUTOFF, "forecasts"] == 6
    assert check.loc[FIRST_CUTOFF, "inside_50"] == "6/6"  # from 2015, the earliest cutoff
    assert distinct_values(pd.DataFrame(rows)) == 6
    said = flags(check.reset_index())
    assert "50 % band, cutoff 2018: too few inside (0/6, calibrated 1-5)" in said
    assert not any(s.startswith("90 %") for s in said)


def test_coverage_line_counts_distinct_values(tmp_path):
    rows = [_forecast("a 2020", 2015, 10.0), _forecast("a 2020", 2018, 12.0),
            _forecast("b 2020", 2015, 20.0)]
    folder = tmp_path / "backtest" / "region"
    folder.mkdir(parents=True)
    pd.DataFrame(rows).to_csv(folder / "backtest.csv", index=False)
    line = coverage_line(tmp_path / "region", "en")
    assert "of 3 forecasts of 2 distinct held-out values" in line
    assert "(50 % and 50 % with each value counted once" in line
    assert "2个不同的留出观测值" in coverage_line(tmp_path / "region", "zh")


@pytest.mark.parametrize("n,level", [(0, 0.5), (1, 0.9)])
def test_calibrated_range_of_tiny_counts_is_within_the_count(n, level):
    low, high = calibrated_range(n, level)
    assert 0 <= low <= high <= n


def test_coverage_line_follows_a_rewritten_backtest(tmp_path):
    # the line is cached per version of the file: a re-run backtest is read again
    folder = tmp_path / "backtest" / "region"
    folder.mkdir(parents=True)
    pd.DataFrame([_forecast("a 2020", 2015, 10.0)]).to_csv(folder / "backtest.csv", index=False)
    assert "of 1 forecasts of 1 distinct" in coverage_line(tmp_path / "region", "en")
    pd.DataFrame([_forecast("a 2020", 2015, 10.0), _forecast("b 2020", 2015, 10.0)]).to_csv(
        folder / "backtest.csv", index=False)
    assert "of 2 forecasts of 2 distinct" in coverage_line(tmp_path / "region", "en")
    (folder / "backtest.csv").unlink()
    assert coverage_line(tmp_path / "region", "en") is None
