"""The reference-class files: read and check them, one value per region, indicator and year
(see the package docstring for the rules)."""


from __future__ import annotations

import functools
import math
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .._csv import read_text_csv
from ..errors import GzsimError, Problem
from ..paths import repo_root


COLUMNS = ("region", "region_en", "level", "indicator", "year", "value", "unit", "source_url", "note")
LEVELS = ("nation", "province", "city")

#: Fewest paces a class needs before a forecast is compared with it.
MIN_CLASS = 3

#: Shortest and longest window (years), and the length preferred.
WINDOW_MIN, WINDOW_MAX, WINDOW_BEST = 3, 6, 5
#: Windows per region and indicator at most.
MAX_WINDOWS = 2

#: observations.csv regions that join the class: English name -> (Chinese name, level).
OBSERVATION_REGIONS = {"Ganzhou": ("赣州", "city"), "Jiangxi": ("江西", "province"),
                       "China": ("全国", "nation")}
#: observations.csv indicators that join the class besides those of the reference file.
EXTRA_INDICATORS = ("tech_contract_turnover",)
#: Indicators measured in % whose pace is in percentage points per year.
PP_INDICATORS = ("rd_intensity",)

# Rank of a row's quality (lower is better), by observations.csv kind or reference-file note.
_OBS_KIND_RANK = {"level": 0, "level_derived": 1, "level_rounded": 2}
_ROUGH = re.compile(r"preliminary|approximate|左右|forecast|rounded", re.IGNORECASE)
_INDICATOR = re.compile(r"^[a-z][a-z0-9_]*$")


class ReferenceClassError(GzsimError):
    """The reference-class file is missing or malformed (every bad row named at once)."""


# ---------------------------------------------------------------------------- files

def _default(name: str) -> Path:
    return repo_root() / "calibration" / name


def load_reference_class(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The rows of the reference-class file, checked.

    Parameters
    ----------
    path : path-like, optional
        Default ``calibration/reference_class.csv`` of the project.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS` plus ``line`` (the row's line in the file; the header is line 1);
        ``year`` is an int, ``value`` a float (NaN only for a target stated without a number).

    Raises
    ------
    ReferenceClassError
        The file cannot be read, lacks columns, or has bad rows: each problem names the file,
        the line and the fix.
    """
    path = Path(path) if path is not None else _default("reference_class.csv")
    table = read_text_csv(path, error=ReferenceClassError, what="reference-class file",
                          not_found="copy ../shared/data/reference_class.csv to calibration/ or "
                                    "give the path", header=",".join(COLUMNS))
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise ReferenceClassError(f"missing column(s) {', '.join(map(repr, missing))}; the header must "
                                  f"be {','.join(COLUMNS)}", path=path)
    table = table[list(COLUMNS)].apply(lambda col: col.str.strip())
    table.insert(0, "line", np.arange(2, len(table) + 2))
    if table.empty:
        raise ReferenceClassError("the file has a header but no rows; add one row per data point",
                                  path=path)
    problems = _row_problems(table, path)
    if problems:
        raise ReferenceClassError(path=path, problems=problems)
    table["year"] = table["year"].astype(int)
    table["value"] = pd.to_numeric(table["value"].replace("", np.nan), errors="coerce").astype(float)
    return table.reset_index(drop=True)


def _row_problems(table: pd.DataFrame, path: Path) -> list[Problem]:
    problems: list[Problem] = []

    def bad(line: int, what: str) -> None:
        problems.append(Problem(f"line {line}: {what}", path))

    for r in table.itertuples(index=False):
        for col in ("region", "region_en", "source_url"):
            if not getattr(r, col):
                bad(r.line, f"'{col}' is empty; fill it in (every row needs its region and source)")
        if r.level not in LEVELS:
            bad(r.line, f"level {r.level!r} is not one of {', '.join(LEVELS)}; write one of them")
        if not _INDICATOR.match(r.indicator):
            bad(r.line, f"indicator {r.indicator!r} is not an identifier; write e.g. rd_intensity "
                        f"(lower case, digits, underscores)")
        if not re.fullmatch(r"\d{4}", r.year) or not 1949 <= int(r.year) <= 2100:
            bad(r.line, f"year {r.year!r} is not a calendar year; write e.g. 2020")
        is_target = r.indicator.endswith("_target")
        if r.value == "" and is_target and r.note:
            continue  # a target stated without a number ("= national average"), said in the note
        try:
            value = float(r.value)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value <= 0:
            fix = ("leave it empty only for a target without a number, saying why in 'note'"
                   if is_target else "remove the row if the figure is unknown")
            bad(r.line, f"value {r.value!r} is not a positive number; write a plain number such as "
                        f"1.58 (no units or thousands separators), or {fix}")
    for region_en, grp in table.groupby("region_en", sort=False):
        if region_en and (grp["level"].nunique() > 1 or grp["region"].nunique() > 1):
            lines = ", ".join(str(x) for x in grp["line"])
            problems.append(Problem(f"region '{region_en}' has different Chinese names or levels on "
                                    f"lines {lines}; write the same region and level on every row", path))
    return problems


def _reference_rank(note: str) -> int:
    if note.startswith("derived:"):
        return 1
    return 2 if _ROUGH.search(note) else 0


def _file_key(path: str | os.PathLike[str] | None, name: str) -> tuple[str, int, int]:
    """(path, mtime, size): reads are cached until the file changes (the app asks on every move)."""
    p = Path(path) if path is not None else _default(name)
    try:
        st = p.stat()
        return (str(p.resolve()), st.st_mtime_ns, st.st_size)
    except OSError:
        return (str(p), -1, -1)  # not there: the loader says so


def reference_points(*, reference: str | os.PathLike[str] | None = None,
                     observations: str | os.PathLike[str] | None = None,
                     deduplicate: bool = True) -> pd.DataFrame:
    """Every level of the class indicators from both files, one per region, indicator and year.

    Parameters
    ----------
    reference, observations : path-like, optional
        Default: the project's ``calibration/reference_class.csv`` and ``observations.csv``.
    deduplicate : bool
        Keep only the preferred row per region, indicator and year (module docstring); False
        returns every candidate with its ``rank``.

    Returns
    -------
    pandas.DataFrame
        Columns region, region_en, level, indicator, year, value, unit, rank, file, line, note.
        Target rows are not included (see :func:`target_outcomes`).
    """
    return _points(_file_key(reference, "reference_class.csv"), _file_key(observations, "observations.csv"),
                   deduplicate).copy()


@functools.lru_cache(maxsize=8)
def _points(ref_key: tuple[str, int, int], obs_key: tuple[str, int, int], deduplicate: bool) -> pd.DataFrame:
    from ..calibration.observations import parse_period, read_checked

    ref = load_reference_class(ref_key[0])
    ref = ref[~ref["indicator"].str.endswith("_target")]
    rows = ref.assign(rank=ref["note"].map(_reference_rank), file="reference_class.csv",
                      order=1)[["region", "region_en", "level", "indicator", "year", "value",
                                "unit", "rank", "file", "line", "note", "order"]]
    indicators = set(ref["indicator"]) | set(EXTRA_INDICATORS)
    obs = read_checked(Path(obs_key[0]))
    keep = []
    for r in obs.itertuples(index=False):
        period = parse_period(r.period)
        if (r.region in OBSERVATION_REGIONS and r.indicator in indicators and r.kind in _OBS_KIND_RANK
                and period is not None and period.shape == "year"):
            zh, level = OBSERVATION_REGIONS[r.region]
            keep.append({"region": zh, "region_en": r.region, "level": level, "indicator": r.indicator,
                         "year": period.start, "value": float(r.value), "unit": r.unit,
                         "rank": _OBS_KIND_RANK[r.kind], "file": "observations.csv", "line": r.line,
                         "note": r.note, "order": 0})
    points = pd.concat([pd.DataFrame(keep, columns=rows.columns), rows], ignore_index=True)
    points = points.sort_values(["region_en", "indicator", "year", "rank", "order", "line"],
                                kind="stable")
    if deduplicate:
        points = points.drop_duplicates(["region_en", "indicator", "year"], keep="first")
    return points.drop(columns="order").reset_index(drop=True)



# ---------------------------------------------------------------------------- 2020 targets

def target_outcomes(*, reference: str | os.PathLike[str] | None = None,
                    observations: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Targets set for 2020 (``<indicator>_target`` rows) next to what came in.

    Returns
    -------
    pandas.DataFrame
        Columns region (English), indicator, year, target, outcome, met, note.  ``outcome`` is
        the preferred level of that region, indicator and year (module docstring) or NaN;
        ``met`` is True/False, or missing (``pd.NA``) when the target has no number or the
        outcome is unknown — the note says why (e.g. "target = national average").
    """
    ref = load_reference_class(reference)
    pts = reference_points(reference=reference, observations=observations)
    outcome = {(r.region_en, r.indicator, r.year): r.value for r in pts.itertuples(index=False)}
    rows = []
    for r in ref[ref["indicator"].str.endswith("_target")].itertuples(index=False):
        ind = r.indicator[: -len("_target")]
        got = outcome.get((r.region_en, ind, r.year), math.nan)
        ok = pd.NA if math.isnan(r.value) or math.isnan(got) else bool(got >= r.value)
        rows.append({"region": r.region_en, "indicator": ind, "year": r.year, "target": r.value,
                     "outcome": got, "met": ok, "note": r.note})
    return pd.DataFrame(rows, columns=["region", "indicator", "year", "target", "outcome", "met", "note"])

