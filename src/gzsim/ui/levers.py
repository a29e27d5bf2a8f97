"""How the app shows a lever: its slider's number format and unit, and values as text."""

from __future__ import annotations

import math
from typing import Any

from ..charts.numbers import format_value, is_rate
from ..charts.strings import unit_label


def slider_unit(lever: Any, lang: str) -> str:
    """The unit in a slider's label: rates in percent (``%/year``, ``% of R&D cost``), 亿元 as such."""
    unit = lever.unit
    if unit == "1/year":
        return "%/year" if lang == "en" else "%/年"
    if is_rate(unit):
        return f"% {unit.removeprefix('share ')}" if lang == "en" else f"%，{unit_label(unit, lang)}"
    return unit_label(unit, lang)


def _decimals(value: float) -> int:
    # Decimals a value needs to be shown exactly (up to 6): 0.096 -> 3, 5000.0 -> 0.
    for d in range(7):
        if math.isclose(value, round(value, d), rel_tol=0, abs_tol=1e-9):
            return d
    return 6


def slider_format(lever: Any, *values: float) -> str:
    """Streamlit's slider ``format`` for *lever*, precise enough to show each of *values* exactly.

    Rates and shares as percent (0.096 shows as 9.6 %, not 0.10), years and counts as whole
    numbers with separators, other values with the decimals of the step or of the value.
    """
    if is_rate(lever.unit):
        return "percent"
    numbers = [float(lever.step or 0), float(lever.min), float(lever.max), *map(float, values)]
    decimals = max(_decimals(v) for v in numbers)
    if lever.unit == "year":
        return "%d"
    if decimals == 0:
        return "localized"
    return f"%.{decimals}f"


def value_text(lever: Any, value: float, lang: str) -> str:
    """A lever value with its unit, as in the range captions (``30 %/year``, ``150,000 flats``)."""
    return format_value(float(value), lever.unit, lang)
