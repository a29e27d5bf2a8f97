"""The outside view: how fast other Chinese regions moved over five years, up to 2020.

A forecast that Ganzhou's R&D intensity rises 0.25 pp a year for five years is a claim about
what regions do; the *reference class* says what regions did.  This module derives it from two
files of the project:

``calibration/reference_class.csv``
    (a verbatim copy of ``../shared/data/reference_class.csv``) R&D intensities, R&D spending and
    high-tech firm counts of the nation, provinces and cities, years up to 2020, each row sourced;
    plus ``<indicator>_target`` rows: targets set for 2020.
``calibration/observations.csv``
    the Ganzhou, Jiangxi and China rows of the same indicators (and ``tech_contract_turnover``).

**One value per region, indicator and year.**  The files repeat some points, sometimes as a
first release and a revision, a derived figure, or a preliminary estimate.  The value kept is
the first by (1) quality: a directly published figure (``level`` rows of observations.csv,
reference rows without a flag) before a *derived* one (``level_derived``; a note starting
``derived:``, i.e. a difference of two published figures) before a *preliminary, approximate or
rounded* one (``level_rounded``; a note saying preliminary, approximate, 左右 or forecast);
(2) file: observations.csv (the project's checked bulletin figures) before reference_class.csv;
(3) order in the file.  Only single-year levels take part (not ``as_of`` counts part-way through
a year, spans, bounds or flows).  Thus China's 2020 R&D intensity is the bulletin's 2.40 (not the
later revision 2.41, which would not match the first-release 2015 value it is compared with).

**Paces.**  For a rate in % (R&D intensity) the pace is percentage points per year,
``(v_end - v_start) / years``; for counts and money (firms, R&D spending, contract turnover) the
compound annual growth rate ``(v_end / v_start) ** (1 / years) - 1``.

**Windows.**  A window spans 3 to 6 years and ends at or before ``until`` (2020).  Per region and
indicator: take the latest end year that has a start 3-6 years before it, and of those starts
the one closest to 5 years (a tie goes to the longer window: less noise from rounded values);
then, once more, a second window ending at or before the first one's start.  At most two
windows per region, sharing no year but an end point, so that Guangzhou's annual series gives
2015-2020 and 2010-2015 and does not outweigh regions with two data points.

Ganzhou's own windows are in the class: it is one of the regions that could have been looked up
in 2021.
"""

from __future__ import annotations

import functools
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import GzsimError, Problem, UsageError
from .paths import repo_root

__all__ = ["ReferenceClassError", "COLUMNS", "LEVELS", "MIN_CLASS", "PaceCheck",
           "load_reference_class", "reference_points", "class_indicators", "pace_unit", "paces",
           "pace_summary", "implied_pace", "pace_check", "describe_pace", "growth_dispersion",
           "target_outcomes"]

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
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise ReferenceClassError("reference-class file not found; copy ../shared/data/reference_class.csv "
                                  "to calibration/ or give the path", path=path) from None
    except IsADirectoryError:
        raise ReferenceClassError("is a folder, not a reference-class CSV file; give the file",
                                  path=path) from None
    except pd.errors.EmptyDataError:
        raise ReferenceClassError(f"the file is empty; it needs the header {','.join(COLUMNS)} and "
                                  f"one row per data point", path=path) from None
    except UnicodeDecodeError as exc:
        raise ReferenceClassError(f"is not valid UTF-8 (byte {exc.start}); save the file as UTF-8 CSV",
                                  path=path) from None
    except (OSError, pd.errors.ParserError) as exc:
        raise ReferenceClassError(f"cannot read the file as CSV: {str(exc).strip()}; check the quoting "
                                  f"and the number of fields there", path=path) from None
    table.columns = [str(c).strip() for c in table.columns]
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
    from .calibration.observations import parse_period, read_checked

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


# ---------------------------------------------------------------------------- a forecast vs the class

@dataclass(frozen=True)
class PaceCheck:
    """A forecast's pace next to the reference class.

    ``pace`` is the median over the samples of the implied pace; ``beyond`` is True when it is
    above the class's fastest or below its slowest (``direction`` "faster" / "slower", else "").
    """

    indicator: str
    unit: str
    pace: float
    n: int
    class_min: float
    class_median: float
    class_max: float
    beyond: bool
    direction: str
    text_en: str
    text_zh: str


def _fmt_en(x: float, unit: str) -> str:
    return f"{x:+.2f} pp/year" if unit == "pp/year" else f"{100 * x:+.1f} %/year"


def _fmt_zh(x: float, unit: str) -> str:
    return f"每年{x:+.2f}个百分点" if unit == "pp/year" else f"年均{100 * x:+.1f}%"


def pace_check(indicator: str, value_start, values_end, years: float = 5, *, start_year: int = 2020,
               **kwargs) -> PaceCheck | None:
    """Compare the pace a forecast implies with the reference class of *indicator*.

    Parameters
    ----------
    indicator : str
    value_start : float or array
        The start-year value (e.g. each sample's 2020 value).
    values_end : array
        The sampled end-year values (e.g. 2025).
    years : float
        Length of the period.
    start_year : int
        For the text only ("2020-25").
    **kwargs
        Go to :func:`paces` (``until``, the data files).

    Returns
    -------
    PaceCheck or None
        None when the class has fewer than :data:`MIN_CLASS` paces (or no data).
    """
    pace = float(np.nanmedian(implied_pace(indicator, value_start, values_end, years)))
    return describe_pace(indicator, pace, start_year=start_year, years=years, **kwargs)


def describe_pace(indicator: str, pace: float, *, start_year: int = 2020, years: float = 5,
                  **kwargs) -> PaceCheck | None:
    """:func:`pace_check` for a pace already computed (e.g. read back from a reach table)."""
    try:
        cls = paces(indicator, **kwargs)
    except UsageError:
        return None
    if len(cls) < MIN_CLASS or not math.isfinite(pace):
        return None
    unit = pace_unit(indicator)
    lo, med, hi = (float(cls["pace"].min()), float(cls["pace"].median()), float(cls["pace"].max()))
    n = len(cls)
    span = f"{start_year}-{(start_year + int(round(years))) % 100:02d}"
    head_en = f"The forecast's {span} pace, {_fmt_en(pace, unit)}, is"
    head_zh = f"预测的{span}年增速为{_fmt_zh(pace, unit)}，"
    if pace > hi:
        direction = "faster"
        en = f"{head_en} faster than any region of the reference class (n={n}, fastest {_fmt_en(hi, unit)})"
        zh = f"{head_zh}快于参照类中任何地区（n={n}，最快{_fmt_zh(hi, unit)}）"
    elif pace < lo:
        direction = "slower"
        en = f"{head_en} slower than any region of the reference class (n={n}, slowest {_fmt_en(lo, unit)})"
        zh = f"{head_zh}慢于参照类中任何地区（n={n}，最慢{_fmt_zh(lo, unit)}）"
    else:
        direction = ""
        en = (f"{head_en} within the reference class (n={n}: slowest {_fmt_en(lo, unit)}, "
              f"median {_fmt_en(med, unit)}, fastest {_fmt_en(hi, unit)})")
        zh = (f"{head_zh}在参照类范围内（n={n}：最慢{_fmt_zh(lo, unit)}，"
              f"中位数{_fmt_zh(med, unit)}，"
              f"最快{_fmt_zh(hi, unit)}）")
    return PaceCheck(indicator, unit, pace, n, lo, med, hi, bool(direction), direction, en, zh)


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
