"""Time paths give the right value at any model time."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gzsim._toml import Checker
from gzsim.timepaths import Ramp, Series, Step, parse_lever_value, values_at

TIMES = np.arange(2015, 2030.0001, 0.25)


def test_step_switches_at_the_year():
    step = Step(2022, 0.0, 0.05)
    got = step.values_at(np.array([2021.75, 2021.99, 2022.0, 2022.25, 2030]))
    assert got.tolist() == [0.0, 0.0, 0.05, 0.05, 0.05]


def test_ramp_is_linear_between_and_flat_outside():
    ramp = Ramp(2022, 2025, 0.0, 5.1)
    got = ramp.values_at(np.array([2015, 2022, 2023, 2023.5, 2025, 2030]))
    np.testing.assert_allclose(got, [0.0, 0.0, 1.7, 2.55, 5.1, 5.1])


def test_series_interpolates_by_year_and_is_flat_beyond_ends():
    series = Series((2021, 2023, 2025), (10000.0, 50000.0, 100000.0))
    got = series.values_at(np.array([2015, 2021, 2022, 2023, 2024.5, 2025, 2030]))
    np.testing.assert_allclose(got, [10000, 10000, 30000, 50000, 87500, 100000, 100000])


def test_constant_values_at_gives_the_constant_everywhere():
    assert values_at(0.12, TIMES).tolist() == [0.12] * len(TIMES)


def test_to_dict_mirrors_the_toml_shape():
    assert Step(2022, 0.0, 0.05).to_dict() == {"step": {"year": 2022, "before": 0.0, "after": 0.05}}
    assert Series((2021, 2025), (1.0, 2.0)).to_dict() == {"series": {"2021": 1.0, "2025": 2.0}}
    assert Ramp(2022, 2025, 0.0, 1.0).to_dict()["ramp"]["end_year"] == 2025


def parse(raw, lo=0.0, hi=1e6):
    check = Checker(__file__)  # type: ignore[arg-type]
    value = parse_lever_value(raw, where="lever 'x'", lo=lo, hi=hi, check=check)
    return value, [p.message for p in check.problems]


def test_series_keys_from_toml_strings_are_parsed_as_int_years():
    value, problems = parse({"series": {"2021": 1, "2023": 2.5}})
    assert problems == [] and value == Series((2021, 2023), (1.0, 2.5))


def test_series_point_before_the_run_shapes_the_interpolation():
    value, problems = parse({"series": {"2010": 0, "2020": 10}})
    assert problems == [] and value.values_at(np.array([2015.0]))[0] == pytest.approx(5.0)


def test_a_problem_returns_none():
    value, problems = parse({"ramp": {"start_year": 2022, "end_year": 2025, "start": 0, "end": 2e6}})
    assert value is None and len(problems) == 1


years = st.lists(st.integers(2000, 2050), min_size=1, max_size=8, unique=True).map(sorted)
finite = st.floats(-1e6, 1e6, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(years, st.data())
def test_series_matches_linear_interpolation_and_stays_within_its_points(ys, data):
    vs = data.draw(st.lists(finite, min_size=len(ys), max_size=len(ys)))
    series = Series(tuple(ys), tuple(vs))
    times = np.linspace(1990, 2060, 141)
    got = series.values_at(times)
    np.testing.assert_allclose(got, np.interp(times, ys, vs))
    assert got.min() >= min(vs) - 1e-6 and got.max() <= max(vs) + 1e-6
    assert got[0] == vs[0] and got[-1] == vs[-1]


@settings(max_examples=60, deadline=None)
@given(st.integers(2000, 2040), st.integers(1, 20), finite, finite)
def test_ramp_is_monotone_between_its_ends(y0, span, v0, v1):
    got = Ramp(y0, y0 + span, v0, v1).values_at(np.linspace(1990, 2070, 161))
    diffs = np.diff(got)
    assert (diffs >= -1e-6).all() if v1 >= v0 else (diffs <= 1e-6).all()


@settings(max_examples=60, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_constant_is_accepted_iff_finite_and_within_range(x):
    value, problems = parse(x, lo=-1.0, hi=1.0)
    ok = np.isfinite(x) and -1.0 <= x <= 1.0
    assert (value == x and problems == []) if ok else (value is None and len(problems) == 1)
