"""A forecast's pace next to the reference class."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import UsageError
from .files import MIN_CLASS
from .class_paces import implied_pace, pace_unit, paces


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


