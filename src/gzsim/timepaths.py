"""Time-varying lever values: step, ramp and series.

A scenario sets each lever either to a constant (a ``float``) or to a
:class:`TimePath`.  Every time path can give its value at arbitrary model
times via :meth:`TimePath.values_at`; the model turns that into an input
series on its own time grid.

:func:`parse_lever_value` turns the TOML value of one ``[levers]`` entry into
a float or a time path, reporting every problem (wrong keys, years out of
order, values out of the lever's range) to a :class:`~gzsim._toml.Checker`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Union

import numpy as np

from ._toml import Checker, describe

__all__ = ["TimePath", "Step", "Ramp", "Series", "LeverValue", "parse_lever_value", "values_at"]

_INT_KEY = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True)
class Step:
    """``before`` until *year*, ``after`` from *year* on (the step happens at ``time == year``)."""

    year: int
    before: float
    after: float
    kind = "step"

    def values_at(self, times: np.ndarray) -> np.ndarray:
        """Value at each of *times*."""
        times = np.asarray(times, dtype=float)
        return np.where(times < self.year, self.before, self.after)

    def points(self) -> tuple[float, ...]:
        """Every value the path takes (for range checks)."""
        return (self.before, self.after)

    def to_dict(self) -> dict[str, Any]:
        """Canonical dict, the same shape as in the scenario TOML."""
        return {"step": {"year": self.year, "before": self.before, "after": self.after}}


@dataclass(frozen=True)
class Ramp:
    """``start`` until *start_year*, linear to ``end`` at *end_year*, ``end`` afterwards."""

    start_year: int
    end_year: int
    start: float
    end: float
    kind = "ramp"

    def values_at(self, times: np.ndarray) -> np.ndarray:
        """Value at each of *times*."""
        times = np.asarray(times, dtype=float)
        # np.interp is flat beyond the end points, which is what "flat outside" means.
        return np.interp(times, [self.start_year, self.end_year], [self.start, self.end])

    def points(self) -> tuple[float, ...]:
        return (self.start, self.end)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ramp": {
                "start_year": self.start_year,
                "end_year": self.end_year,
                "start": self.start,
                "end": self.end,
            }
        }


@dataclass(frozen=True)
class Series:
    """Values at given years, linearly interpolated between them and flat beyond the ends.

    Attributes
    ----------
    years : tuple of int
        Strictly increasing.
    values : tuple of float
    """

    years: tuple[int, ...]
    values: tuple[float, ...]
    kind = "series"

    def values_at(self, times: np.ndarray) -> np.ndarray:
        """Value at each of *times*."""
        times = np.asarray(times, dtype=float)
        return np.interp(times, np.asarray(self.years, dtype=float), np.asarray(self.values))

    def points(self) -> tuple[float, ...]:
        return self.values

    def to_dict(self) -> dict[str, Any]:
        # JSON object keys must be strings; keep the TOML spelling.
        return {"series": {str(y): v for y, v in zip(self.years, self.values)}}


TimePath = Union[Step, Ramp, Series]
LeverValue = Union[float, Step, Ramp, Series]


def values_at(value: LeverValue, times: np.ndarray) -> np.ndarray:
    """Value of a constant or a time path at each of *times*."""
    if isinstance(value, float):
        return np.full(np.shape(times), value, dtype=float)
    return value.values_at(times)


#: Largest year magnitude taken: model times are floats, exact for integers up to 2**53.
_MAX_YEAR = 2**53


def _year(check: Checker, table: dict[str, Any], key: str, where: str) -> int | None:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        check.add(f"{where}: '{key}' must be an integer year, got {describe(value)}")
        return None
    if abs(value) > _MAX_YEAR:
        check.add(f"{where}: '{key}' = {describe(value)} is not a usable year; write a model year "
                  f"such as 2025")
        return None
    return value


def _window(period: tuple[float, float]) -> str:
    return f"the period the levers act, {period[0]:g}-{period[1]:g} (policy start to FINAL TIME)"


def _outside(check: Checker, where: str, first: int, last: int, period: tuple[float, float] | None,
             effect: str) -> None:
    """Report a path that is one constant over *period*: it changes only at or beyond its ends.

    One rule for every kind of path (a step's year must lie in ``(t0, t1]`` for the same reason): a
    ramp or series changes strictly between its first and last year, so it must have ``last > t0``
    and ``first < t1``.  A one-year series is a constant anyway; it only has to lie within.
    """
    if period is None:
        return
    t0, t1 = period
    constant = (last < t0 or first > t1) if first == last else (last <= t0 or first >= t1)
    if constant:
        what = f"year {first} lies" if first == last else f"years {first}-{last} lie"
        check.add(f"{where}: {what} outside {_window(period)}, so {effect}; "
                  f"use years within the period, or a constant")


def parse_lever_value(
    raw: Any,
    *,
    where: str,
    lo: float,
    hi: float,
    check: Checker,
    period: tuple[float, float] | None = None,
) -> LeverValue | None:
    """Parse the TOML value of one lever.

    Parameters
    ----------
    raw : Any
        A number, or a one-key table ``{step = {...}}``, ``{ramp = {...}}``
        or ``{series = {...}}``.
    where : str
        How to name the item in messages, e.g. ``"lever 'st_budget_growth'"``.
    lo, hi : float
        The lever's range; every value must lie in ``[lo, hi]``.
    check : Checker
        Receives every problem found.
    period : (float, float), optional
        The model times the levers act: from the policy start (the later of
        INITIAL TIME and ``policy_start - 1``) to FINAL TIME.  When given, a
        path that is one constant over them (a step in 3000 or in 2016, a ramp
        over 2040-2050: most likely a mistyped year) is refused.

    Returns
    -------
    float, Step, Ramp, Series or None
        ``None`` when the value has problems (they are in *check*).
    """
    n_before = len(check.problems)

    def number(value: Any, what: str) -> float | None:
        x = check.finite(value, what, kind="value")
        if x is not None and not lo <= x <= hi:
            check.add(f"{what} = {x:g} is outside the lever's range [{lo:g}, {hi:g}]; "
                      f"use a value in that range", kind="value")
            return None
        return x

    if not isinstance(raw, dict):
        return number(raw, where)
    if len(raw) != 1 or next(iter(raw)) not in ("step", "ramp", "series"):
        check.add(f"{where}: a time path must be exactly one of {{ step = {{...}} }}, "
                  f"{{ ramp = {{...}} }} or {{ series = {{...}} }}; got keys {sorted(raw)}")
        return None
    kind, body = next(iter(raw.items()))
    where = f"{where} {kind}"
    if not isinstance(body, dict):
        check.add(f"{where}: must be a table, got {describe(body)}")
        return None

    if kind == "step":
        if not check.keys(body, where, required=("year", "before", "after")):
            return None
        year = _year(check, body, "year", where)
        before = number(body["before"], f"{where} 'before'")
        after = number(body["after"], f"{where} 'after'")
        if year is not None and period is not None and not period[0] < year <= period[1]:
            effect = "the step never happens" if year > period[1] else "'before' is never used"
            check.add(f"{where}: year {year} is outside {_window(period)}, so {effect}; use a year "
                      f"from {math.floor(period[0]) + 1:g} to {period[1]:g}, or a constant")
        if len(check.problems) > n_before:
            return None
        return Step(year, before, after)  # type: ignore[arg-type]

    if kind == "ramp":
        if not check.keys(body, where, required=("start_year", "end_year", "start", "end")):
            return None
        y0 = _year(check, body, "start_year", where)
        y1 = _year(check, body, "end_year", where)
        v0 = number(body["start"], f"{where} 'start'")
        v1 = number(body["end"], f"{where} 'end'")
        if y0 is not None and y1 is not None:
            if y1 <= y0:
                check.add(f"{where}: end_year {y1} must be after start_year {y0}; put the earlier year in "
                          f"start_year (a falling ramp has end below start, not its years reversed)")
            else:
                _outside(check, where, y0, y1, period, "the ramp never moves during the run")
        if len(check.problems) > n_before:
            return None
        return Ramp(y0, y1, v0, v1)  # type: ignore[arg-type]

    # series: TOML keys are strings, e.g. { 2021 = 10000 }.
    if not body:
        check.add(f"{where}: needs at least one 'year = value' entry")
        return None
    years: list[int] = []
    values: list[float] = []
    for key, value in body.items():
        # More than 16 digits cannot be a usable year (and int() refuses over 4,300 digits).
        if not _INT_KEY.fullmatch(key) or len(key) > 17 or abs(int(key)) > _MAX_YEAR:
            shown = describe(key).removeprefix("string ")
            check.add(f"{where}: key {shown} is not an integer year; write e.g. 2025 = 1.0")
            continue
        year = int(key)
        if years and year <= years[-1]:
            check.add(f"{where}: years must be strictly increasing, but {year} follows {years[-1]}; "
                      f"write each year once, in increasing order")
        years.append(year)
        x = number(value, f"{where} {year}")
        values.append(x if x is not None else float("nan"))
    if years and len(check.problems) == n_before:
        _outside(check, where, years[0], years[-1], period, "the series is one constant during the run")
    if len(check.problems) > n_before:
        return None
    return Series(tuple(years), tuple(values))
