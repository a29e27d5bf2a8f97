"""Naive forecasts from the same cutoff: what a model has to beat.

Four methods, each from a series' observations up to the cutoff:

``no_change``
    the last value;
``linear_trend``
    the line through the last point and the latest earlier point at least one year before it;
``compound_trend``
    the constant growth rate through the same two points;
``damped_trend``
    that growth damped by ``PHI = 0.8`` a year (Gardner & McKenzie 1985): the log growth in year
    k after the cutoff is ``PHI**k`` times the last one, so the forecast at horizon h is
    ``last * exp(r * PHI * (1 - PHI**h) / (1 - PHI))`` (the same formula for a fractional h).

Why "at least one year before": a count part-way through a year (Ganzhou's 778 firms at end
September 2020, 1,107 at year end: the certification round) is a season, not a trend.  A trend
method without such a point (or with a non-positive value for a growth method) falls back to
no change and says so in ``note``.

**Predictive distribution.**  Log-normal around the point forecast, with sd on the log scale
``s * h`` (h the horizon in years): the trend itself is uncertain, and an error in the growth
rate grows linearly with the horizon.  ``s`` is the dispersion of annual log growth across the
reference class of the indicator (:func:`gzsim.outside_view.growth_dispersion`: the sd over the
class's windows of ``log(end / start) / years``, i.e. of ``log(1 + pace)`` for growth-rate
indicators, and the same log growth of the level for pp/year ones), or the pooled dispersion of
all classes for a series without a class.  Only windows ending by the cutoff count (``until``,
by default the year of the latest observation in the history): a hindcast from 2015 must not
learn its spread from 2015-2020.  ``spread={series: s}`` overrides it.
"""

from __future__ import annotations

import math
import re
from statistics import NormalDist

import numpy as np
import pandas as pd

from ..errors import UsageError

__all__ = ["METHODS", "PHI", "FLOOR_SHARE", "OUTPUT_COLUMNS", "naive_forecasts", "spread_for",
           "point_forecast"]

METHODS = ("no_change", "linear_trend", "compound_trend", "damped_trend")
PHI = 0.8
#: A linear trend that reaches zero or below is floored at this share of the last value.
FLOOR_SHARE = 1e-6
#: Shortest gap between the two points a trend is drawn through (years).
MIN_GAP = 1.0
OUTPUT_COLUMNS = ["series", "time", "method", "horizon", "median", "p05", "p25", "p75", "p95", "note"]

_Z = {q: NormalDist().inv_cdf(q) for q in (0.05, 0.25, 0.75, 0.95)}


def _class_of(series: str, indicators: list[str]) -> str | None:
    """The class indicator a series key names: itself, or its first word ("high_tech_firms [as_of]")."""
    if series in indicators:
        return series
    head = re.split(r"[^a-z0-9_]", series, maxsplit=1)[0]
    return head if head in indicators else None


def spread_for(series: str, spread: dict[str, float] | None = None, *, until: int = 2020) -> float:
    """The sd of annual log growth used for *series* (module docstring).

    Order: *spread* override; the reference class of the indicator the key names (at least
    :data:`gzsim.outside_view.MIN_CLASS` paces in windows ending by *until*); the pooled
    dispersion of all such classes.

    Raises
    ------
    UsageError
        A bad override, or no class at all up to *until* (give *spread*).
    """
    from .. import outside_view

    if spread and series in spread:
        s = float(spread[series])
        if not (math.isfinite(s) and s >= 0):
            raise UsageError(f"spread for series '{series}' must be a finite number >= 0 (got {s})")
        return s
    ind = _class_of(series, outside_view.class_indicators(until=until))
    s = outside_view.growth_dispersion(ind, until=until) if ind is not None else math.nan
    if not math.isfinite(s):
        s = outside_view.growth_dispersion(until=until)
    if not math.isfinite(s):
        raise UsageError(f"no reference class has {outside_view.MIN_CLASS} paces ending by {until}; "
                         f"give spread={{'{series}': s}}")
    return s


def _trend_points(hist: pd.DataFrame) -> tuple[float, float, float, float] | None:
    """(t0, y0, t1, y1): the last point and the latest one at least MIN_GAP years before it."""
    t1, y1 = float(hist["time"].iloc[-1]), float(hist["value"].iloc[-1])
    earlier = hist[hist["time"] <= t1 - MIN_GAP + 1e-9]
    if earlier.empty:
        return None
    return float(earlier["time"].iloc[-1]), float(earlier["value"].iloc[-1]), t1, y1


def point_forecast(method: str, hist: pd.DataFrame, h: float) -> tuple[float, str]:
    """The point forecast of *method* at horizon *h* from one series' sorted history, and a note."""
    last = float(hist["value"].iloc[-1])
    if method == "no_change":
        return last, ""
    pts = _trend_points(hist)
    if pts is None:
        return last, f"{method}: no point {MIN_GAP:g} year or more before the last; no change used"
    t0, y0, t1, y1 = pts
    gap = t1 - t0
    if method == "linear_trend":
        value = y1 + (y1 - y0) / gap * h
        if value <= 0:
            floor = FLOOR_SHARE * y1
            return floor, f"linear_trend: forecast {value:.4g} is not positive; floored at {floor:.3g}"
        return value, ""
    if y0 <= 0 or y1 <= 0:
        return last, f"{method}: growth needs positive values ({y0:.4g}, {y1:.4g}); no change used"
    r = math.log(y1 / y0) / gap  # annual log growth through the two points
    if method == "compound_trend":
        return y1 * math.exp(r * h), ""
    if method == "damped_trend":
        return y1 * math.exp(r * PHI * (1 - PHI ** h) / (1 - PHI)), ""
    raise UsageError(f"unknown naive method '{method}'; use one of {', '.join(METHODS)}")


def _check(df: pd.DataFrame, name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise UsageError(f"{name} lacks column(s) {', '.join(missing)}; it needs {', '.join(columns)}")
    out = df[list(columns)].copy()
    out["series"] = out["series"].astype(str)
    for c in columns[1:]:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
        if not np.isfinite(out[c]).all():
            raise UsageError(f"{name}: column {c} has values that are not finite numbers; fix or drop them")
    return out


def naive_forecasts(history: pd.DataFrame, targets: pd.DataFrame, *,
                    methods: tuple[str, ...] = METHODS,
                    spread: dict[str, float] | None = None, until: int | None = None) -> pd.DataFrame:
    """Naive forecasts, with log-normal predictive quantiles, of every target point.

    Parameters
    ----------
    history : pandas.DataFrame
        Columns series, time, value: the observations up to the cutoff (time a float year in the
        model's convention, ``TIME = Y`` the end of year Y: 2020.0, or 2019.75 for end September
        2020).
    targets : pandas.DataFrame
        Columns series, time: the points to forecast, each after its series' last observation.
    methods : tuple of str
        Subset of :data:`METHODS`.
    spread : dict, optional
        ``{series: s}``, the sd of annual log growth, overriding the reference class.
    until : int, optional
        Reference-class windows end by this year; default the year of the latest observation in
        *history* (the cutoff).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`OUTPUT_COLUMNS`, one row per target and method; ``horizon`` in years from
        the series' last observation; ``note`` says when a method fell back or was floored.
        ``attrs["spread"]`` holds the s used per series, ``attrs["until"]`` the class's last year.

    Raises
    ------
    UsageError
        Missing columns, non-finite numbers, a target series without history, a target not
        after the last observation, an unknown method.
    """
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise UsageError(f"unknown naive method(s) {', '.join(unknown)}; use {', '.join(METHODS)}")
    hist = _check(history, "history", ("series", "time", "value")).sort_values(["series", "time"],
                                                                                kind="stable")
    tg = _check(targets, "targets", ("series", "time"))
    if until is None:
        until = int(math.floor(hist["time"].max() + 1e-9)) if len(hist) else 2020
    rows, used = [], {}
    by_series = {k: g.reset_index(drop=True) for k, g in hist.groupby("series", sort=False)}
    for series, time in zip(tg["series"], tg["time"]):
        h_df = by_series.get(series)
        if h_df is None:
            raise UsageError(f"no history for series '{series}' before the cutoff; drop its targets or "
                             f"give at least one observation")
        h = time - float(h_df["time"].iloc[-1])
        if h <= 0:
            raise UsageError(f"target {series} at {time:g} is not after the series' last observation "
                             f"({h_df['time'].iloc[-1]:g}); forecast only later points")
        if series not in used:
            used[series] = spread_for(series, spread, until=until)
        sd = used[series] * h
        for method in methods:
            median, note = point_forecast(method, h_df, h)
            q = {f"p{round(100 * p):02d}": median * math.exp(z * sd) for p, z in _Z.items()}
            rows.append({"series": series, "time": time, "method": method, "horizon": h,
                         "median": median, **q, "note": note})
    out = pd.DataFrame(rows, columns=OUTPUT_COLUMNS)
    out.attrs["spread"] = used
    out.attrs["until"] = until
    return out
