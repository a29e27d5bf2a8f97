"""Numbers as people write them in charts and briefs."""

from __future__ import annotations

import numpy as np

__all__ = ["format_number", "decimals_for", "format_probability", "format_value", "is_rate"]


def format_number(value: float, decimals: int | None = None) -> str:
    """A number as people write it: ``2,000``, ``2.6``, ``3.19``, ``0.05``.

    With *decimals*, exactly that many (so numbers side by side line up: ``1.80–3.10``).
    """
    if value is None or not np.isfinite(value):
        return "–"
    if decimals is not None:
        return f"{value:,.{decimals}f}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}".rstrip("0").rstrip(".")


def decimals_for(*values: float) -> int:
    """Decimals that show numbers of this size to about three significant digits."""
    finite = [abs(v) for v in values if v is not None and np.isfinite(v)]
    top = max(finite, default=0.0)
    return 0 if top >= 100 else 1 if top >= 10 else 2


#: Status thresholds of a probability (gzsim.analysis.reach.Status): shown values never cross them.
_STATUS_EDGES = (0.4, 0.8)


def format_probability(p: float) -> str:
    """A probability as people write it, the one format everywhere: ``62 %``.

    Whole percent, except where rounding would cross a status threshold (0.798 is ``79.8 %``,
    not ``80 %`` next to "at risk") or hide that something can still happen (``<1 %``, ``>99 %``).
    """
    if p is None or not np.isfinite(p):
        return "–"
    if p == 0 or p == 1:
        return f"{100 * p:.0f} %"
    if p < 0.005:
        return "<1 %"
    if p > 0.995:
        return ">99 %"
    shown = round(100 * p) / 100
    if any((p < edge) != (shown < edge) for edge in _STATUS_EDGES):
        return f"{100 * p:.1f} %"
    return f"{100 * p:.0f} %"


def is_rate(unit: str) -> bool:
    """Whether values in *unit* are fractions an analyst writes in percent (``0.3`` is ``30 %``)."""
    return unit == "1/year" or unit.startswith("share of")


def _trim(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_value(value: float, unit: str, lang: str = "en") -> str:
    """A lever or parameter value with its unit, as an analyst writes it.

    ``0.3`` in ``1/year`` is ``30 %/year``; a share ``0.05`` of contract value is ``5 % of contract
    value``; a year is ``2023``; counts have separators and no decimals (``150,000 flats``); in
    English, 亿元 become billions of yuan (``0.5 bn yuan/year``).
    """
    from .strings import unit_label

    if value is None or not np.isfinite(value):
        return "–"
    if unit == "year":
        return f"{value:.0f}"
    if is_rate(unit):
        number = _trim(100 * value, 2)
        if unit == "1/year":
            return f"{number} %/year" if lang == "en" else f"{number}%/年"
        return f"{number} % {unit.removeprefix('share ')}" if lang == "en" else \
            f"{number}%（{unit_label(unit, lang)}）"
    if unit.startswith("亿元") and lang == "en":
        return f"{_trim(value / 10, 3)} bn yuan{unit.removeprefix('亿元')}"
    number = _trim(value, 0 if abs(value) >= 1000 else 3)
    label = unit_label(unit, lang)
    if unit.startswith("×"):
        return f"{number} {label}" if lang == "en" else f"{label}{number}倍"
    return f"{number} {label}" if lang == "en" else f"{number}{label}"
