"""Targets on a forecast chart: a level as a threshold, a growth rate as the path it requires."""

from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from ..targets import Target
from .data import IndicatorSeries
from .numbers import format_number
from .strings import text
from .style import TARGET_COLOUR, Style

__all__ = ["draw_targets"]


def _draw_target(ax: Axes, target: Target, st: Style, lang: str) -> Line2D:
    ax.axhline(target.threshold, color=TARGET_COLOUR, lw=st.line * 0.5, ls=(0, (5, 3)), zorder=3)
    ax.plot([target.year], [target.threshold], ls="none", marker="*", markersize=st.marker * 1.9,
            markerfacecolor=TARGET_COLOUR, markeredgecolor="white", markeredgewidth=st.line * 0.3,
            zorder=7, clip_on=False)
    op = text("at_least" if target.direction == "at_least" else "at_most", lang)
    return Line2D([], [], color=TARGET_COLOUR, lw=st.line * 0.5, ls=(0, (5, 3)), marker="*",
                  markersize=st.marker * 1.3, markeredgecolor="white",
                  label=text("target", lang, year=target.year, op=op, value=format_number(target.threshold)))


def _draw_growth_target(ax: Axes, target: Target, start_value: float | None, st: Style,
                        lang: str) -> Line2D | None:
    """A growth-rate target as the path it requires from the base year (dotted, ending in a star).

    The path starts from the first scenario's median in the base year: growth is measured on
    the model's own values, so this is the line the median must end above (at_least).
    """
    base_year = target.base_year if target.base_year is not None else target.year - 5
    if start_value is None or not np.isfinite(start_value) or start_value <= 0:
        return None
    years = np.arange(base_year, target.year + 1)
    path = start_value * (1 + target.threshold) ** (years - base_year)
    ax.plot(years, path, color=TARGET_COLOUR, lw=st.line * 0.6, ls=(0, (1, 1.6)), zorder=3)
    ax.plot([target.year], [path[-1]], ls="none", marker="*", markersize=st.marker * 1.5,
            markerfacecolor="white", markeredgecolor=TARGET_COLOUR, markeredgewidth=st.line * 0.35, zorder=7,
            clip_on=False)
    op = text("at_least" if target.direction == "at_least" else "at_most", lang)
    value = f"{target.threshold * 100:g}" + (" %" if lang == "en" else "%")
    return Line2D([], [], color=TARGET_COLOUR, lw=st.line * 0.6, ls=(0, (1, 1.6)), marker="*",
                  markersize=st.marker * 1.1, markerfacecolor="white", markeredgecolor=TARGET_COLOUR,
                  label=text("target_cagr", lang, start=base_year + 1, year=target.year, op=op, value=value))


def draw_targets(ax: Axes, targets: Sequence[Target], series: Sequence[IndicatorSeries], st: Style,
                  lang: str) -> list:
    """Draw every target of the indicator; return their legend handles."""
    handles = []
    for target in targets:
        measure = getattr(target, "measure", "level") or "level"
        if measure == "level":
            handles.append(_draw_target(ax, target, st, lang))
        elif measure == "cagr":
            base_year = target.base_year if target.base_year is not None else target.year - 5
            ref = series[0]
            hit = np.flatnonzero(ref.years == base_year)
            start = float(ref.quantiles()["median"][hit[0]]) if len(hit) else None
            handle = _draw_growth_target(ax, target, start, st, lang)
            if handle is not None:
                handles.append(handle)
        # A plan-period total has no place on a chart of yearly values; the brief's text covers it.
    return handles
