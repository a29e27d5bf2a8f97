"""Plan-period measures: end value, cumulative 2021-2025, CAGR."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from gzsim.analysis.plan_period import Measure, PlanPeriod, measure_of, measure_values, period_for, \
    plan_period_values
from gzsim.errors import UsageError
from gzsim.targets import Target

YEARS = np.arange(2015, 2031)


def test_the_three_measures_on_a_known_series():
    values = np.vstack([1.1 ** (YEARS - 2020), np.full(len(YEARS), 2.0)])
    period = PlanPeriod(2020, 2025)
    out = plan_period_values(values, YEARS, period)
    np.testing.assert_allclose(out[Measure.LEVEL], [1.1 ** 5, 2.0])
    np.testing.assert_allclose(out[Measure.CUMULATIVE], [sum(1.1 ** k for k in range(1, 6)), 10.0])
    np.testing.assert_allclose(out[Measure.CAGR], [0.1, 0.0], atol=1e-12)
    assert list(period.years) == [2021, 2022, 2023, 2024, 2025] and period.label == "2021-2025"


def test_cagr_of_a_non_positive_base_is_nan():
    values = np.zeros((1, len(YEARS)))
    assert np.isnan(measure_values(values, YEARS, Measure.CAGR, PlanPeriod(2020, 2025))[0])


def test_period_follows_base_year_or_defaults_to_five_years():
    t = Target("x", 2025, 1.0, "at_least", base_year=2020)
    assert period_for(t) == PlanPeriod(2020, 2025)
    assert period_for(t, year=2028) == PlanPeriod(2020, 2028)
    assert period_for(Target("x", 2025, 1.0, "at_least")) == PlanPeriod(2020, 2025)


@dataclass(frozen=True)
class _Measured(Target):
    measure: str = "level"


def test_measure_attribute_is_optional_and_checked():
    assert measure_of(Target("x", 2025, 1.0, "at_least")) is Measure.LEVEL
    assert measure_of(_Measured("x", 2025, 1.0, "at_least", measure="cagr")) is Measure.CAGR
    with pytest.raises(UsageError, match="measure 'growth' is unknown"):
        measure_of(_Measured("x", 2025, 1.0, "at_least", measure="growth"))


def test_years_outside_the_model_are_usage_errors():
    with pytest.raises(UsageError, match="outside the model's years"):
        measure_values(np.zeros((1, len(YEARS))), YEARS, Measure.LEVEL, PlanPeriod(2030, 2035))
    with pytest.raises(UsageError):
        PlanPeriod(2025, 2025)
