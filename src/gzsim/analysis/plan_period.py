"""Plan-period measures: the value at the end of the period, the cumulative total, the CAGR.

A plan target may be stated as a level in its year (the default), as a total
over the plan period, or as an average annual growth rate.  The period runs
from the year after its *base year* to its *end year* inclusive: for the 14th
five-year plan, base 2020 and end 2025, so the cumulative total is
2021 + ... + 2025 and the CAGR is ``(v2025 / v2020) ** (1 / 5) - 1``.

Values are the model's year-end values (``TIME = Y`` is the end of year Y);
for a flow (亿元/year) the year-end rate stands for that year's amount, as in
the rest of gzsim.  Growth rates are fractions per year (0.2 = 20 %/year).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np

from ..errors import UsageError

__all__ = ["Measure", "PlanPeriod", "measure_of", "period_for", "measure_values",
           "plan_period_values"]


class Measure(enum.Enum):
    """How a target reads an indicator's yearly values."""

    LEVEL = "level"
    """The value in the end year."""
    CUMULATIVE = "cumulative"
    """The sum of the values over the period's years."""
    CAGR = "cagr"
    """Compound annual growth from the base year to the end year (a fraction per year)."""


@dataclass(frozen=True)
class PlanPeriod:
    """Years ``base_year + 1 .. end_year``; growth is measured from *base_year*.

    Parameters
    ----------
    base_year : int
        The year before the period (2020 for the 14th five-year plan).
    end_year : int
        The period's last year (2025).
    """

    base_year: int
    end_year: int

    def __post_init__(self) -> None:
        if self.end_year <= self.base_year:
            raise UsageError(f"plan period: end year {self.end_year} must be after "
                             f"base year {self.base_year}")

    @property
    def years(self) -> np.ndarray:
        """The period's years, ``base_year + 1 .. end_year``."""
        return np.arange(self.base_year + 1, self.end_year + 1)

    @property
    def label(self) -> str:
        return f"{self.base_year + 1}-{self.end_year}"


def measure_of(target: object) -> Measure:
    """The :class:`Measure` of a target (``target.measure``, default ``"level"``).

    Raises
    ------
    UsageError
        For an unknown measure name.
    """
    raw = getattr(target, "measure", "level") or "level"
    if isinstance(raw, Measure):
        return raw
    try:
        return Measure(str(raw))
    except ValueError:
        known = ", ".join(m.value for m in Measure)
        raise UsageError(f"target '{getattr(target, 'id', '?')}': measure '{raw}' is unknown "
                         f"(use {known})") from None


def period_for(target: object, *, year: int | None = None, default_length: int = 5) -> PlanPeriod:
    """The plan period of a target: from its ``base_year`` to its year (or *year*).

    Without a usable ``base_year`` (missing, or not before the end year) the
    period is the *default_length* years ending in the end year.
    """
    end = int(year if year is not None else getattr(target, "year"))
    base = getattr(target, "base_year", None)
    if base is None or int(base) >= end:
        base = end - default_length
    return PlanPeriod(int(base), end)


def _positions(years: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    years = np.asarray(years)
    pos = np.searchsorted(years, wanted)
    bad = (pos >= len(years)) | (years[np.minimum(pos, len(years) - 1)] != wanted)
    if bad.any():
        raise UsageError(f"year {int(np.asarray(wanted)[bad][0])} is outside the model's years "
                         f"{int(years[0])}-{int(years[-1])}")
    return pos


def measure_values(values: np.ndarray, years: np.ndarray, measure: Measure,
                   period: PlanPeriod) -> np.ndarray:
    """One number per run: the *measure* of *values* over *period*.

    Parameters
    ----------
    values : numpy.ndarray, shape (n, n_years)
        An indicator per run and year.
    years : numpy.ndarray, shape (n_years,)
        The years of the columns (increasing integers).
    measure : Measure
    period : PlanPeriod

    Returns
    -------
    numpy.ndarray, shape (n,)
        NaN where a CAGR has a base value <= 0 or an end value < 0.

    Raises
    ------
    UsageError
        When a needed year is outside *years*.
    """
    values = np.asarray(values, dtype=float)
    if measure is Measure.LEVEL:
        return values[:, _positions(years, np.array([period.end_year]))[0]]
    if measure is Measure.CUMULATIVE:
        return values[:, _positions(years, period.years)].sum(axis=1)
    base, end = values[:, _positions(years, np.array([period.base_year, period.end_year]))].T
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where((base > 0) & (end >= 0), end / base, np.nan)
        return ratio ** (1.0 / (period.end_year - period.base_year)) - 1.0


def plan_period_values(values: np.ndarray, years: np.ndarray,
                       period: PlanPeriod) -> dict[Measure, np.ndarray]:
    """All three measures of *values* over *period* (see :func:`measure_values`).

    A measure needing a year outside *years* is NaN here instead of an error.
    """
    out = {}
    for m in Measure:
        try:
            out[m] = measure_values(values, years, m, period)
        except UsageError:
            out[m] = np.full(np.shape(values)[0], np.nan)
    return out
