"""Paces of the reference class: windows, summaries, dispersion (rules in the package docstring)."""

from __future__ import annotations

import functools
import math
import os

import numpy as np
import pandas as pd

from ..errors import UsageError
from .files import (MAX_WINDOWS, MIN_CLASS, PP_INDICATORS, WINDOW_BEST, WINDOW_MAX, WINDOW_MIN,
                    _file_key, _points, reference_points)


# ---------------------------------------------------------------------------- paces

def class_indicators(*, until: int = 2020, **files: str | os.PathLike[str] | None) -> list[str]:
    """Indicators with at least :data:`MIN_CLASS` paces up to *until* (those a forecast is checked against)."""
    pts = reference_points(**files)
    return sorted(i for i in pts["indicator"].unique()
                  if len(paces(i, until=until, **files)) >= MIN_CLASS)


def pace_unit(indicator: str) -> str:
    """``"pp/year"`` for a rate in % (R&D intensity), else ``"1/year"`` (a growth rate)."""
    return "pp/year" if indicator in PP_INDICATORS else "1/year"


def implied_pace(indicator: str, value_start, values_end, years: float) -> np.ndarray:
    """The pace from *value_start* to each of *values_end* over *years* (the class's definition).

    pp/year indicators: ``(end - start) / years``; others ``(end / start) ** (1 / years) - 1``.
    Arrays broadcast (e.g. each sample's 2020 and 2025 values).
    """
    start = np.asarray(value_start, dtype=float)
    end = np.asarray(values_end, dtype=float)
    if not years > 0:
        raise UsageError(f"years must be positive (got {years}); give the length of the period")
    if pace_unit(indicator) == "pp/year":
        return (end - start) / years
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.power(end / start, 1.0 / years) - 1.0


def _windows(years: list[int], until: int) -> list[tuple[int, int]]:
    """The (start, end) windows of one region's years (module docstring)."""
    chosen: list[tuple[int, int]] = []
    limit = until
    for _ in range(MAX_WINDOWS):
        best = None
        for end in sorted((y for y in years if y <= limit), reverse=True):
            starts = [s for s in years if WINDOW_MIN <= end - s <= WINDOW_MAX]
            if starts:
                # closest to 5 years; a tie goes to the longer window
                start = min(starts, key=lambda s: (abs(end - s - WINDOW_BEST), s))
                best = (start, end)
                break
        if best is None:
            break
        chosen.append(best)
        limit = best[0]
    return chosen


def _check_indicator(indicator: str, points: pd.DataFrame) -> None:
    known = sorted(points["indicator"].unique())
    if indicator not in known:
        raise UsageError(f"no reference-class data for indicator '{indicator}'; use one of "
                         f"{', '.join(known)}")


def paces(indicator: str, *, until: int = 2020, reference: str | os.PathLike[str] | None = None,
          observations: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The reference class of paces of *indicator*: up to two windows per region.

    Parameters
    ----------
    indicator : str
        E.g. ``"rd_intensity"``, ``"high_tech_firms"``.
    until : int
        Windows end at or before this year.
    reference, observations : path-like, optional
        The data files (default: the project's).

    Returns
    -------
    pandas.DataFrame
        Columns region, region_en, level, start_year, end_year, start_value, end_value, pace,
        unit (``"pp/year"`` or ``"1/year"``); sorted by pace.

    Raises
    ------
    UsageError
        No data for *indicator*.
    """
    return _paces(indicator, until, _file_key(reference, "reference_class.csv"),
                  _file_key(observations, "observations.csv")).copy()


@functools.lru_cache(maxsize=64)
def _paces(indicator: str, until: int, ref_key: tuple[str, int, int],
           obs_key: tuple[str, int, int]) -> pd.DataFrame:
    pts = _points(ref_key, obs_key, True)
    _check_indicator(indicator, pts)
    pts = pts[pts["indicator"] == indicator]
    unit = pace_unit(indicator)
    rows = []
    for region_en, grp in pts.groupby("region_en", sort=True):
        value = dict(zip(grp["year"], grp["value"]))
        for start, end in _windows(sorted(value), until):
            rows.append({"region": grp["region"].iloc[0], "region_en": region_en,
                         "level": grp["level"].iloc[0], "start_year": start, "end_year": end,
                         "start_value": value[start], "end_value": value[end],
                         "pace": float(implied_pace(indicator, value[start], value[end], end - start)),
                         "unit": unit})
    cols = ["region", "region_en", "level", "start_year", "end_year", "start_value", "end_value",
            "pace", "unit"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["pace", "region_en"], kind="stable").reset_index(drop=True)


def pace_summary(indicator: str, **kwargs) -> dict[str, float]:
    """n, min, p10, median, p90, max of the class's paces (NaN when there are none).

    Keyword arguments go to :func:`paces`.
    """
    p = paces(indicator, **kwargs)["pace"].to_numpy(dtype=float)
    if not len(p):
        return {"n": 0, **{k: math.nan for k in ("min", "p10", "median", "p90", "max")}}
    q = np.quantile(p, [0.1, 0.5, 0.9])
    return {"n": len(p), "min": float(p.min()), "p10": float(q[0]), "median": float(q[1]),
            "p90": float(q[2]), "max": float(p.max())}


def growth_dispersion(indicator: str | None = None, **kwargs) -> float:
    """Spread of annual log growth across the class: the sd over its windows of ``log(end/start)/years``.

    For growth-rate indicators this is the sd of ``log(1 + pace)``.  For pp/year indicators the
    same log growth of the level is taken window by window, which puts every indicator on one
    scale (a log-normal forecast's spread) without mixing one region's level with another's pace.
    With *indicator* None: the pooled within-class sd, ``sqrt(sum (n_i - 1) s_i^2 / sum (n_i - 1))``
    over the classes with at least :data:`MIN_CLASS` paces.  NaN when the class is smaller.
    Keyword arguments go to :func:`paces` (``until``: a hindcast from 2015 uses windows ending
    by 2015 only).
    """
    def logs(ind: str) -> np.ndarray:
        p = paces(ind, **kwargs)
        years = (p["end_year"] - p["start_year"]).to_numpy()
        return np.log(p["end_value"] / p["start_value"]).to_numpy() / years

    if indicator is not None:
        g = logs(indicator)
        return float(np.std(g, ddof=1)) if len(g) >= MIN_CLASS else math.nan
    num = den = 0.0
    for ind in class_indicators(**kwargs):
        g = logs(ind)
        num += (len(g) - 1) * float(np.var(g, ddof=1))
        den += len(g) - 1
    return math.sqrt(num / den) if den else math.nan


