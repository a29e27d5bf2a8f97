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

from ..errors import UsageError

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
    UsageError
        The file is missing, unreadable or lacks a required column.
    """
    path = Path(path) if path is not None else default_data_file()
    try:
        raw = pd.read_csv(path, dtype={"period": str}, keep_default_na=False, na_values={"value": [""]})
    except FileNotFoundError:
        raise UsageError("data file not found; give an observations CSV with --data", path=path) from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise UsageError(f"cannot read the data file ({exc})", path=path) from None
    missing = [c for c in HISTORY_COLUMNS if c not in raw.columns and c != "note"]
    if missing:
        raise UsageError(f"data file lacks column(s) {', '.join(missing)}", path=path)
    if "note" not in raw.columns:
        raw["note"] = ""
    keep = (raw["region"] == region) & raw["kind"].isin(HISTORY_KINDS)
    if indicators is not None:
        keep &= raw["indicator"].isin(list(indicators))
    rows = raw.loc[keep, HISTORY_COLUMNS].copy()
    rows["value"] = pd.to_numeric(rows["value"], errors="coerce")
    rows["x"] = [period_position(p) for p in rows["period"]]
    # Spans and unparseable periods are not points on a time axis; non-numbers cannot be plotted.
    rows = rows.dropna(subset=["x", "value"])
    return rows.sort_values(["indicator", "x"], kind="stable").reset_index(drop=True)
