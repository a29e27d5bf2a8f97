"""Observation kinds mapped onto model output, and bad data named by its row."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from gzsim.calibration import CalibrationError, load_settings
from gzsim.calibration.observations import (Measurer, Observation, measure_times, parse_period,
                                            read_table)
from gzsim.calibration.setup import prepare

from .conftest import DATA


def _obs(measure: str, period: str, constraint: str = "point") -> Observation:
    p = parse_period(period)
    return Observation(2, "R", "x", period, "level", 1.0, "u", "s", "", "X", "x", measure,
                       constraint, 0.05, "log", 1.0, True, "", measure_times(measure, p))


def test_periods():
    assert parse_period("2020").shape == "year"
    assert parse_period("2020-09").month == 9
    span = parse_period("2016-2020")
    assert (span.shape, span.start, span.end) == ("span", 2016, 2020)
    assert parse_period("2020-13") is None and parse_period("20") is None
    assert parse_period("2020-2016") is None


def test_times_follow_the_end_of_year_convention():
    assert measure_times("level", parse_period("2020")) == (2020.0,)
    assert measure_times("value_at_month", parse_period("2020-09")) == (2019.75,)
    assert measure_times("value_at_month", parse_period("2020-11")) == pytest.approx((2020 - 1 / 12,))
    assert measure_times("sum", parse_period("2016-2020")) == (2016.0, 2017.0, 2018.0, 2019.0, 2020.0)
    assert measure_times("cagr", parse_period("2016-2020")) == (2015.0, 2020.0)


def test_measures_on_a_known_trajectory():
    times = np.arange(2015.0, 2021.0 + 1e-9, 0.25)
    path = 100.0 * 1.1 ** (times - 2015)          # grows 10 % a year
    linear = times - 2000.0                        # for interpolation checks
    obs = [_obs("level", "2018"), _obs("value_at_month", "2020-09"), _obs("sum", "2016-2020"),
           _obs("mean", "2016-2020"), _obs("cagr", "2016-2020", "lower_bound"),
           _obs("value_at_month", "2020-11")]
    m = Measurer(obs, times)
    out = m({"X": np.vstack([path, path])})
    assert out.shape == (2, 6)
    yearly = 100.0 * 1.1 ** np.arange(1, 6)
    np.testing.assert_allclose(out[0, :5], [100 * 1.1 ** 3, 100 * 1.1 ** 4.75, yearly.sum(),
                                            yearly.mean(), 0.1], rtol=1e-12)
    # a month off the saved grid is interpolated linearly
    lin = Measurer([obs[5]], times)({"X": linear[None]})
    assert lin[0, 0] == pytest.approx(2020 - 1 / 12 - 2000.0)


def test_one_gather_matches_each_observation_read_on_its_own():
    """The batched reading (one gather for all observations) equals reading each on its own."""
    times = np.arange(2015.0, 2021.0 + 1e-9, 0.25)
    rng = np.random.default_rng(3)
    outputs = {"X": rng.uniform(1, 2, (4, len(times))), "Y": rng.uniform(5, 9, (4, len(times)))}
    obs = [_obs("sum", "2016-2020"), _obs("level", "2018"), _obs("cagr", "2016-2020", "lower_bound"),
           _obs("mean", "2017-2019"), _obs("value_at_month", "2020-11")]
    obs[1], obs[3] = (dataclasses.replace(o, output="Y") for o in (obs[1], obs[3]))
    m = Measurer(obs, times)
    one_by_one = []
    for k, o in enumerate(obs):
        v = m.values_at(outputs[o.output], k)
        if o.measure == "cagr":
            one_by_one.append((v[:, 1] / v[:, 0]) ** (1 / 5) - 1)
        else:
            one_by_one.append({"sum": v.sum(axis=1), "mean": v.mean(axis=1), "level": v[:, 0],
                               "value_at_month": v[:, 0]}[o.measure])
    np.testing.assert_allclose(m(outputs), np.column_stack(one_by_one), rtol=1e-14)


def _data(tmp_path, rows: list[str], header="region,indicator,period,value,unit,kind,source,note"):
    path = tmp_path / "obs.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_missing_columns_named(tmp_path):
    path = _data(tmp_path, ["Ganzhou,x,2020,1,u,s"], header="region,indicator,period,value,unit,source")
    with pytest.raises(CalibrationError) as info:
        read_table(path)
    assert "'kind'" in str(info.value) and "obs.csv" in str(info.value)


def _with_rows(settings_copy, tmp_path, rows: list[str], extra: str = ""):
    """The bundled settings on a data file with extra rows."""
    text = DATA.read_text(encoding="utf-8").rstrip("\n").split("\n")
    path = tmp_path / "data.csv"
    path.write_text("\n".join(text + rows) + "\n", encoding="utf-8")
    return prepare(load_settings(settings_copy(extra, observations=path)))


def test_conflicting_duplicate_rows_named(settings_copy, tmp_path):
    n = len(DATA.read_text(encoding="utf-8").rstrip("\n").split("\n"))
    with pytest.raises(CalibrationError) as info:
        _with_rows(settings_copy, tmp_path, ["Ganzhou,patent_grants,2020,18000,patents/year,level,x,"])
    text = str(info.value)
    assert "conflicting rows for patent_grants 2020" in text
    assert f"line {n + 1}: 18000" in text and "data.csv" in text


def test_identical_duplicate_rows_are_fine(settings_copy, tmp_path):
    setup = _with_rows(settings_copy, tmp_path,
                       ["Ganzhou,patent_grants,2020,17619,patents/year,level,x,"])
    assert any(o.indicator == "patent_grants" for o in setup.observations)


def test_unknown_indicator_named(settings_copy, tmp_path):
    n = len(DATA.read_text(encoding="utf-8").rstrip("\n").split("\n"))
    with pytest.raises(CalibrationError) as info:
        _with_rows(settings_copy, tmp_path, ["Ganzhou,rd_intensty,2019,1.2,%,level,x,"], """
            [[observation]]
            indicator = "rd_intensty"
            period = "2019"
            measure = "level"
            constraint = "point"
            sigma = 0.05
            why = "typo in the data"
            """)
    text = str(info.value)
    assert "unknown indicator 'rd_intensty'" in text and f"line {n + 1}" in text
    assert "did you mean 'rd_intensity'" in text


def test_observation_outside_simulated_time_named(settings_copy):
    with pytest.raises(CalibrationError) as info:
        prepare(load_settings(settings_copy("""
            [[observation]]
            indicator = "high_tech_firms"
            period = "2011"
            measure = "level"
            constraint = "point"
            sigma = 0.05
            why = "wrong on purpose"
            """)))
    text = str(info.value)
    assert "line 8 (high_tech_firms 2011, level)" in text
    assert "outside the simulated time 2015-2030" in text
    # the row is also under [[skip]]: reported too, in the same error
    assert "also used by" in text


def test_bad_value_and_kind_mismatch(settings_copy, tmp_path):
    with pytest.raises(CalibrationError) as info:
        _with_rows(settings_copy, tmp_path, ["Ganzhou,patent_grants,2019,many,patents/year,level,x,"], """
            [[observation]]
            indicator = "patent_grants"
            period = "2019"
            measure = "sum"
            constraint = "point"
            sigma = 0.05
            why = "x"
            """)
    text = str(info.value)
    assert "value 'many' is not a finite number" in text
    assert "compared with measure 'level', not 'sum'" in text
