"""Observed history to plot: the data rows of ``calibration/observations.csv``.

Only rows that are a point value of a catalogue indicator for Ganzhou are
history points: kinds ``level``, ``flow``, ``as_of`` and ``lower_bound``.
Rounded, derived or other-vintage duplicates, spans (cumulative totals,
averages, growth rates) and other regions are left out.

Each point gets a position ``x`` on the model's time axis (``TIME = Y`` is the
end of year Y): a year at Y, month m of year Y at ``Y - (12 - m) / 12``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterable

import pandas as pd


__all__ = ["HISTORY_KINDS", "HISTORY_COLUMNS", "load_history", "default_data_file", "period_position"]

HISTORY_KINDS = ("level", "flow", "as_of", "lower_bound")
HISTORY_COLUMNS = ["region", "indicator", "period", "value", "unit", "kind", "source", "note"]
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")


def default_data_file(catalogue_path: str | os.PathLike[str] | None = None) -> Path:
    """``calibration/observations.csv`` of the project holding the catalogue (default: this project)."""
    if catalogue_path is None:
        from ..paths import repo_root

        return repo_root() / "calibration" / "observations.csv"
    return Path(catalogue_path).resolve().parent.parent / "calibration" / "observations.csv"


def period_position(period: str) -> float | None:
    """Model time of a point period: ``2020`` -> 2020.0, ``2020-09`` -> 2019.75; None for a span."""
    if m := _YEAR.match(str(period)):
        return float(m[1])
    if (m := _MONTH.match(str(period))) and 1 <= int(m[2]) <= 12:
        return int(m[1]) - (12 - int(m[2])) / 12
    return None


def load_history(path: str | os.PathLike[str] | None = None, *, indicators: Iterable[str] | None = None,
                 region: str = "Ganzhou") -> pd.DataFrame:
    """Read the history points to plot.

    Parameters
    ----------
    path : path-like, optional
        The observations CSV (default :func:`default_data_file`).
    indicators : iterable of str, optional
        Indicator ids to keep (normally the catalogue's); default all.
    region : str
        Region to keep.

    Returns
    -------
    pandas.DataFrame
        Columns ``region, indicator, period, value, unit, kind, source, note, x``,
        sorted by indicator and ``x``.

    Raises
    ------
    CalibrationError
        The file is missing, unreadable, lacks a required column, or has a value that is
        not a number or two rows that conflict (every problem named with its line).
    """
    from ..calibration.observations import read_checked

    path = Path(path) if path is not None else default_data_file()
    # The same checks as calibration: a non-number or two conflicting rows make the file broken,
    # not merely a point fewer on a chart.
    raw = read_checked(path)
    keep = (raw["region"] == region) & raw["kind"].isin(HISTORY_KINDS)
    if indicators is not None:
        keep &= raw["indicator"].isin(list(indicators))
    rows = raw.loc[keep, HISTORY_COLUMNS].copy()
    rows["value"] = pd.to_numeric(rows["value"])  # every value is a finite number (read_checked)
    rows["x"] = [period_position(p) for p in rows["period"]]
    rows = rows.dropna(subset=["x"])  # spans are not points on a time axis
    return rows.sort_values(["indicator", "x"], kind="stable").reset_index(drop=True)
