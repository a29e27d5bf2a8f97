"""Observations: the data file, its periods, and how each kind maps onto model output.

The data file has columns ``region, indicator, period, value, unit, kind,
source, note`` (brief §3).  Rows are named by their line in the file (the
header is line 1), so an error message points at the exact row.

Model time convention (``ganzhou_sti.mdl``): ``TIME = Y`` is the end of year
Y, so month m of year Y is ``TIME = Y - (12 - m) / 12``.  Measures:

``level``
    value at ``TIME = year`` (a stock's year-end level, a flow's annual rate);
``value_at_month``
    value at ``TIME = year - (12 - month)/12`` (``as_of`` counts, censuses);
``sum``
    sum of the annual values at ``TIME = a, ..., b`` for a span ``a-b``;
``mean``
    their mean;
``cagr``
    compound annual growth ``(v(b) / v(a-1)) ** (1/(b-a+1)) - 1``: a span
    2016-2020 grows from the 2015 level over five years.
Model output between saved times is interpolated linearly.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._csv import read_text_csv
from ..errors import Problem
from .errors import CalibrationError

__all__ = ["REQUIRED_COLUMNS", "KIND_MEASURES", "Period", "parse_period", "Observation",
           "read_table", "row_problems", "read_checked", "measure_times", "Measurer"]

REQUIRED_COLUMNS = ("region", "indicator", "period", "value", "unit", "kind", "source")

#: Which measures a data kind may be compared with (brief §3).  ``cagr_lower_bound`` is a
#: growth rate over a span; the others are levels, counts part-way through a year, or spans.
KIND_MEASURES: dict[str, tuple[str, ...]] = {
    "level": ("level",), "flow": ("level",), "level_rounded": ("level",),
    "level_derived": ("level",), "level_bulletin": ("level",), "lower_bound": ("level",),
    "upper_bound": ("level",), "as_of": ("value_at_month",), "census": ("value_at_month",),
    "cumulative": ("sum",), "average": ("mean",), "cagr_lower_bound": ("cagr",),
}

#: Period shape each measure needs.
_MEASURE_PERIOD = {"level": "year", "value_at_month": "month", "sum": "span", "mean": "span",
                   "cagr": "span"}

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_SPAN = re.compile(r"^(\d{4})\s*-\s*(\d{4})$")


@dataclass(frozen=True)
class Period:
    """A period as written in the data: a year, a month or a span of years."""

    text: str
    shape: str              # "year" | "month" | "span"
    start: int
    end: int
    month: int | None = None


def parse_period(text: str) -> Period | None:
    """Parse ``2020``, ``2020-09`` or ``2016-2020``; None when it is none of these."""
    text = str(text).strip()
    if m := _YEAR.match(text):
        return Period(text, "year", int(m[1]), int(m[1]))
    if (m := _MONTH.match(text)) and 1 <= int(m[2]) <= 12:
        return Period(text, "month", int(m[1]), int(m[1]), int(m[2]))
    if (m := _SPAN.match(text)) and int(m[1]) < int(m[2]):
        return Period(text, "span", int(m[1]), int(m[2]))
    return None


def measure_times(measure: str, period: Period) -> tuple[float, ...]:
    """Model times a measure reads for *period* (see the module docstring)."""
    if measure == "level":
        return (float(period.start),)
    if measure == "value_at_month":
        return (period.start - (12 - period.month) / 12,)  # type: ignore[operator]
    if measure == "cagr":
        return (float(period.start - 1), float(period.end))
    return tuple(float(y) for y in range(period.start, period.end + 1))


@dataclass(frozen=True)
class Observation:
    """One data row used by the calibration, with its mapping onto model output.

    ``value`` is in the data's unit; ``target = value * factor`` is in model units.
    """

    line: int
    region: str
    indicator: str
    period: str
    kind: str
    value: float
    unit: str
    source: str
    note: str
    output: str           # the model's spelling of the Vensim variable compared
    output_id: str        # catalogue indicator id when there is one, else the Vensim name
    measure: str
    constraint: str
    sigma: float
    scale: str
    factor: float
    objective: bool
    why: str
    times: tuple[float, ...]

    @property
    def target(self) -> float:
        return self.value * self.factor

    @property
    def label(self) -> str:
        return f"{self.indicator} {self.period} ({self.kind})"

    @property
    def series(self) -> str:
        """Key of the series this row belongs to in the fit table.

        Levels and counts at a month of one indicator form one series; a sum,
        mean or growth rate over a span is a series of its own (other units).
        """
        if self.measure in ("level", "value_at_month"):
            return self.indicator
        return f"{self.indicator} [{self.measure} {self.period}]"


def read_table(path: Path) -> pd.DataFrame:
    """Read the observations CSV as text, with a ``line`` column (header = line 1).

    Raises
    ------
    CalibrationError
        The file cannot be read or lacks required columns (all named at once).
    """
    header = ",".join([*REQUIRED_COLUMNS, "note"])
    table = read_text_csv(path, error=CalibrationError, what="observations file",
                          not_found="check the 'observations' path in the settings", header=header,
                          skip_blank_lines=False)
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise CalibrationError(
            f"missing column(s) {', '.join(repr(c) for c in missing)}; the header must name "
            f"{', '.join(REQUIRED_COLUMNS)} (and optionally note)", path=path)
    if "note" not in table.columns:
        table["note"] = ""
    table.insert(0, "line", np.arange(2, len(table) + 2))
    blank = (table[list(REQUIRED_COLUMNS)] == "").all(axis=1)
    table = table[~blank].reset_index(drop=True)
    if table.empty:
        raise CalibrationError("the observations file has a header but no data rows; add one row per "
                               "data point", path=path)
    for col in REQUIRED_COLUMNS:
        table[col] = table[col].astype(str).str.strip()
    return table


def _number(text: str) -> float:
    """The finite float *text* writes, or NaN (``"1,107"``, ``"n/a"``, ``"inf"``, ``""``)."""
    try:
        value = float(text)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def row_problems(table: pd.DataFrame, path: Path) -> list[Problem]:
    """Rows of *table* (from :func:`read_table`) that no use of the file can accept.

    A value that is not a finite number, and rows of the same region, indicator,
    period and kind with different values (which one would be meant?).  Every
    row of the file is checked, whichever rows a calibration or a chart uses:
    such a file is broken, not merely unused in part.
    """
    problems = []
    values = table["value"].map(_number)
    for line, row, value in zip(table["line"], table.itertuples(index=False), values):
        if math.isnan(value):
            problems.append(Problem(
                f"line {line} ({row.indicator} {row.period}, {row.kind}): value {row.value!r} is not a "
                f"finite number; write a plain number such as 1.5 (no units or thousands "
                f"separators), or remove the row", path))
    numbered = table.assign(number=values).dropna(subset=["number"])
    for (region, ind, per, kind), grp in numbered.groupby(["region", "indicator", "period", "kind"],
                                                          sort=False):
        if grp["number"].nunique() > 1:
            detail = ", ".join(f"line {ln}: {v}" for ln, v in zip(grp["line"], grp["value"]))
            problems.append(Problem(
                f"conflicting rows for {ind} {per} of kind '{kind}' in region '{region}' ({detail}); "
                f"keep one row per indicator, period and kind, or give the others another kind", path))
    return problems


def read_checked(path: str | os.PathLike[str]) -> pd.DataFrame:
    """:func:`read_table` plus :func:`row_problems`: the observations file, or every problem in it.

    Raises
    ------
    CalibrationError
        The file cannot be read, lacks columns, or has rows listed by :func:`row_problems`.
    """
    path = Path(path)
    table = read_table(path)
    problems = row_problems(table, path)
    if problems:
        raise CalibrationError(path=path, problems=problems)
    return table


class Measurer:
    """Evaluates every observation's measure on a batch of model runs.

    All observations are read with one gather (every observed time of every
    observation at once) and reduced per measure: an MCMC step calls this on
    every half of the walkers, where one small numpy call per observation
    would cost as much as the model run.

    Parameters
    ----------
    observations : sequence of Observation
    times : numpy.ndarray
        The saved model times (columns of ``run_batch`` output).
    """

    def __init__(self, observations, times: np.ndarray) -> None:
        self.observations = tuple(observations)
        self.times = np.asarray(times, dtype=float)
        self._plans = [self._plan(o) for o in self.observations]
        self._outputs = list(dict.fromkeys(o.output for o in self.observations))
        self._gather = self._gather_plan()

    def _plan(self, obs: Observation):
        t = np.asarray(obs.times, dtype=float)
        hi = np.clip(np.searchsorted(self.times, t - 1e-9), 1, len(self.times) - 1)
        lo = hi - 1
        span = self.times[hi] - self.times[lo]
        w = np.clip((t - self.times[lo]) / span, 0.0, 1.0)
        return lo, hi, w

    def _gather_plan(self):
        """Flat index arrays over every observed time: output row, lo and hi columns, weight,
        and where each observation's times start (for the per-measure reductions)."""
        row = {name: i for i, name in enumerate(self._outputs)}
        out_idx, lo, hi, w, starts = [], [], [], [], []
        for obs, (l, h, wt) in zip(self.observations, self._plans):
            starts.append(len(lo))
            out_idx += [row[obs.output]] * len(l)
            lo += list(l)
            hi += list(h)
            w += list(wt)
        starts = np.array(starts, dtype=int)
        measure = np.array([o.measure for o in self.observations])
        counts = np.diff(np.append(starts, len(lo)))
        cagr = measure == "cagr"
        years = np.array([len(range(int(o.times[0]) + 1, int(o.times[1]) + 1)) if o.measure == "cagr"
                          else 1 for o in self.observations], dtype=float)  # cagr: years spanned
        return (np.array(out_idx, dtype=int), np.array(lo, dtype=int), np.array(hi, dtype=int),
                np.array(w, dtype=float), starts, counts, measure, cagr, years)

    def values_at(self, series: np.ndarray, obs_index: int) -> np.ndarray:
        """Interpolated values ``(S, len(times))`` of *series* ``(S, T)`` at the observation's times."""
        lo, hi, w = self._plans[obs_index]
        return series[:, lo] * (1 - w) + series[:, hi] * w

    def __call__(self, outputs: dict[str, np.ndarray]) -> np.ndarray:
        """Model-side value of every observation, shape ``(S, n_observations)``."""
        if not self.observations:
            return np.empty((0, 0))
        out_idx, lo, hi, w, starts, counts, measure, cagr, years = self._gather
        stacked = np.stack([np.asarray(outputs[name], dtype=float) for name in self._outputs], axis=1)
        with np.errstate(all="ignore"):
            v = stacked[:, out_idx, lo] * (1 - w) + stacked[:, out_idx, hi] * w   # (S, points)
            result = np.add.reduceat(v, starts, axis=1)                           # sums
            first = v[:, starts]
            result = np.where(measure == "mean", result / counts, result)
            result = np.where(np.isin(measure, ("level", "value_at_month")), first, result)
            if cagr.any():  # over n years from the level before the span
                at = starts[cagr]
                result[:, cagr] = (v[:, at + 1] / v[:, at]) ** (1.0 / years[cagr]) - 1.0
        return result
