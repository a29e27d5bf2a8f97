"""The forecast chart: one indicator, its history, each scenario's projection, the target.

:func:`forecast_chart` is the one chart function the app, the notebooks and
``gzsim brief`` share.  It returns a :class:`matplotlib.figure.Figure` and
never shows it, so callers decide whether to display, save or embed it.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from ..catalogue import Catalogue, Indicator
from ..targets import Target
from .data import IndicatorSeries, SimulationsLike, indicator_series
from .fonts import usable_language
from .history import HISTORY_KINDS, period_position
from .numbers import format_number
from .target_marks import draw_targets
from .strings import source_in, text, unit_label
from .style import (DATA_COLOUR, PLAN_SHADE, SCENARIO_COLOURS, Style, display,
                    font_family, rc_params, style_for, wrap)

__all__ = ["forecast_chart", "source_line", "PLAN_PERIOD"]

#: First and last calendar year of the 14th five-year plan.
PLAN_PERIOD = (2021, 2025)

# Line style per scenario besides its colour, so identical projections stay visible and the chart
# reads in greyscale print.
_LINESTYLES = ("-", (0, (6, 2.5)), (0, (1.5, 1.8)), (0, (6, 2, 1.5, 2)))

# Marker per kind of observation: filled for annual figures, open for part-year counts and
# lower bounds (which the true value may exceed; the triangle points up).
_KIND_MARKERS = {
    "level": dict(marker="o", facecolor=DATA_COLOUR),
    "flow": dict(marker="s", facecolor=DATA_COLOUR),
    "as_of": dict(marker="D", facecolor="white"),
    "lower_bound": dict(marker="^", facecolor="white"),
}


_SECTION = re.compile(r"(ch\.\s?\d+) (s\.\s?\d+)")


def _indicator(indicator: Indicator | str, catalogue: Catalogue | None) -> Indicator:
    if isinstance(indicator, Indicator):
        return indicator
    if catalogue is None:
        from ..catalogue import load_catalogue
        from ..paths import bundled_catalogue

        catalogue = load_catalogue(bundled_catalogue())
    return catalogue.indicator(indicator)


def _history_rows(history: pd.DataFrame | None, indicator: str) -> pd.DataFrame:
    if history is None or not len(history):
        return pd.DataFrame(columns=["period", "value", "kind", "source", "x"])
    rows = history[(history["indicator"] == indicator) & history["kind"].isin(HISTORY_KINDS)].copy()
    if "x" not in rows.columns:
        rows["x"] = [period_position(p) for p in rows["period"]]
    return rows.dropna(subset=["x", "value"])


def _source_line(rows: pd.DataFrame, lang: str, note: str | None) -> str:
    detail = text("source_detail", lang, note=note) if note else ""
    parts = [text("source_model", lang, detail=detail)]
    if len(rows):
        items = []
        for source, group in rows.groupby("source", sort=False):
            periods = text("period_list_sep", lang).join(dict.fromkeys(str(p) for p in group["period"]))
            # No line break inside "ch.1 s.1" or a list of years.
            source = _SECTION.sub("\\1\u00a0\\2", source_in(str(source), lang))
            items.append(text("source_item", lang, source=source, periods=periods.replace(" ", "\u00a0")))
        parts.append(text("source_data", lang, sources=text("source_sep", lang).join(items)))
    else:
        parts.append(text("source_none", lang))
    return display(text("source_sep", lang).join(parts))


def source_line(history: pd.DataFrame | None, indicator: str, lang: str, note: str | None = None) -> str:
    """The chart's source line (model, then each data source with its years), e.g. for a caption."""
    return _source_line(_history_rows(history, indicator), lang, note)


def _subtitle(series: Sequence[IndicatorSeries], lang: str) -> str:
    counts = sorted({s.n_samples for s in series})
    if counts[0] < 2:
        return text("subtitle_deterministic", lang)
    n = str(counts[0]) if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"
    return text("subtitle_samples", lang, n=n)


def _draw_scenarios(ax: Axes, series: Sequence[IndicatorSeries], labels: Mapping[str, str],
                    st: Style, lang: str) -> list:
    handles = []
    crowded = len(series) >= 3
    for i, s in enumerate(series):
        colour = SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)]
        q = s.quantiles()
        # Each band over its whole span: a band starting where two scenarios diverge began with a
        # vertical edge that read as a jump.
        shown = np.ones(len(s.years), bool)
        if s.n_samples >= 2 and crowded:
            # Three or more overlapping fills turn to mud: the 90 % range becomes two thin edges.
            ax.fill_between(s.years, q["p25"], q["p75"], where=shown, color=colour, alpha=0.16, lw=0, zorder=2)
            for edge in ("p05", "p95"):
                ax.plot(s.years, np.where(shown, q[edge], np.nan), color=colour, lw=st.line * 0.3, alpha=0.8,
                        zorder=3, ls=_LINESTYLES[i % len(_LINESTYLES)])
        elif s.n_samples >= 2:
            ax.fill_between(s.years, q["p05"], q["p95"], where=shown, color=colour, alpha=0.13, lw=0, zorder=1)
            ax.fill_between(s.years, q["p25"], q["p75"], where=shown, color=colour, alpha=0.28, lw=0, zorder=2)
        # The subtitle says the lines are medians; the legend names the scenarios only.
        label = display(labels.get(s.scenario, s.scenario))
        (line,) = ax.plot(s.years, q["median"], color=colour, lw=st.line, zorder=4 + i * 0.01,
                          label=label, gid=f"median:{s.scenario}", ls=_LINESTYLES[i % len(_LINESTYLES)],
                          solid_capstyle="round")
        handles.append(line)
    if any(s.n_samples >= 2 for s in series):
        # Bands take each scenario's colour; the legend explains them once, in grey.
        handles.append(Patch(color="#7F7F7F", alpha=0.3 if crowded else 0.45, lw=0, label=text("band50", lang)))
        handles.append(Line2D([], [], color="#7F7F7F", lw=st.line * 0.3, label=text("band90", lang)) if crowded
                       else Patch(color="#7F7F7F", alpha=0.17, lw=0, label=text("band90", lang)))
    return handles


def _draw_history(ax: Axes, rows: pd.DataFrame, st: Style, lang: str) -> list:
    handles = []
    for kind in HISTORY_KINDS:
        part = rows[rows["kind"] == kind]
        if not len(part):
            continue
        spec = _KIND_MARKERS[kind]
        ax.scatter(part["x"], part["value"], s=st.marker ** 2, marker=spec["marker"],
                   facecolor=spec["facecolor"], edgecolor=DATA_COLOUR,
                   linewidth=st.line * 0.45, zorder=6, clip_on=False)
        handles.append(Line2D([], [], ls="none", marker=spec["marker"], markersize=st.marker * 0.8,
                              markerfacecolor=spec["facecolor"], markeredgecolor=DATA_COLOUR,
                              label=text(f"kind_{kind}", lang)))
    return handles


def _format_axes(ax: Axes, x_range: tuple[float, float], lang: str, unit: str, st: Style) -> None:
    ax.set_xlim(*x_range)
    first, last = int(np.ceil(x_range[0])), int(np.floor(x_range[1]))
    yearly = 11 if st.name == "slide" else 7  # how many yearly labels fit side by side
    step = 1 if last - first <= yearly else 2 if last - first <= 2 * yearly + 2 else 5
    # Count back from the last year so the target year at the right edge is always labelled.
    ax.xaxis.set_major_locator(FixedLocator(list(range(last, first - 1, -step))[::-1]))
    ax.xaxis.set_minor_locator(FixedLocator(list(range(first, last + 1))))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v) if v else "0"))
    ax.set_xlabel(text("year", lang))
    ax.set_ylabel(display(unit_label(unit, lang)), parse_math=False)
    # Tick labels can be made at draw time, outside the style context: give them the font now.
    ax.tick_params(length=st.base * 0.3, width=0.8, labelfontfamily=font_family(lang))


def _set_ylim(ax: Axes, series: Sequence[IndicatorSeries], rows: pd.DataFrame, targets: Sequence[Target],
              plan_period: tuple[int, int], end: float) -> None:
    """Y range from what is shown (up to *end*), with room at the top of the plan period for its label."""
    xs, ys = [], []
    for s in series:
        q = s.quantiles()
        for key in (("p05", "p95") if s.n_samples >= 2 else ("median",)):
            xs.append(s.years.astype(float))
            ys.append(q[key])
    xs.append(rows["x"].to_numpy(float))
    ys.append(rows["value"].to_numpy(float))
    for line in ax.lines:  # target lines and paths drawn so far (not the axhline: x in axes units)
        if (line.get_gid() or "").startswith("median:") or line.get_transform() is not ax.transData:
            continue
        xs.append(np.asarray(line.get_xdata(), float))
        ys.append(np.asarray(line.get_ydata(), float))
    for t in targets:
        if (getattr(t, "measure", "level") or "level") == "level":
            xs.append(np.array([float(t.year)]))
            ys.append(np.array([t.threshold]))
    x, y = np.concatenate(xs), np.concatenate(ys)
    keep = np.isfinite(y) & (x <= end + 0.5)
    x, y = x[keep], y[keep]
    if not len(y):
        return
    low, high = float(y.min()), float(y.max())
    span = (high - low) or abs(high) or 1.0
    # Counts, money and shares start at zero: the zero line keeps proportions honest.
    bottom = 0.0 if low >= 0 else low - 0.05 * span
    top = high + 0.05 * (high - bottom or span)
    in_plan = y[(x >= plan_period[0] - 0.5) & (x <= plan_period[1] + 0.5)]
    if len(in_plan):
        # The label takes the top ~10 % of the axes over the plan period.
        top = max(top, bottom + (float(in_plan.max()) - bottom) / 0.88)
    ax.set_ylim(bottom, top)


def forecast_chart(indicator: Indicator | str, simulations: SimulationsLike, *,
                   history: pd.DataFrame | None = None, target: Target | Sequence[Target] | None = None,
                   lang: str = "en", size: str = "slide", ax: Axes | None = None,
                   scenario_labels: Mapping[str, str] | None = None,
                   catalogue: Catalogue | None = None, note: str | None = None,
                   plan_period: tuple[int, int] = PLAN_PERIOD, until: int | None = None) -> Figure:
    """Chart one indicator: history, each scenario's median and ranges, the target.

    Parameters
    ----------
    indicator : Indicator or str
        The catalogue indicator (or its id, looked up in *catalogue*).
    simulations : Simulation, list of Simulation, or pandas.DataFrame
        One :class:`~gzsim.simulation.Simulation` per scenario, or tidy results
        (``scenario, sample, year, indicator, value``).  The median and the
        50 % / 90 % ranges come from samples 1..N; with no samples the
        deterministic run is drawn alone.
    history : pandas.DataFrame, optional
        Observations (e.g. :func:`~gzsim.charts.load_history`): rows of this
        indicator with kind ``level``, ``flow``, ``as_of`` or ``lower_bound``
        are drawn, one marker per kind, and their sources cited.
    target : Target or sequence of Target, optional
        A level target is drawn as a dashed threshold with a star at its year;
        a growth-rate target (``measure = "cagr"``) as the dotted path it
        requires from the base year; a plan-period total is not drawn.
    lang : {"en", "zh"}
        Chinese falls back to English, with a :class:`~gzsim.charts.FontWarning`,
        when no CJK font is installed.
    size : {"slide", "print"}
        13.33 x 7.5 in (16:9 slide) or 6.3 x 3.9 in (A4 text width).
    ax : matplotlib.axes.Axes, optional
        Draw into this axes (its figure is returned); default a new figure.
    scenario_labels : mapping, optional
        Scenario name -> legend label (default the name).
    catalogue : Catalogue, optional
        For an indicator given by id (default the bundled catalogue).
    note : str, optional
        Model details for the source line, e.g. ``"ganzhou_sti.mdl, seed 1"``.
    plan_period : (int, int)
        First and last calendar year shaded as the plan period.
    until : int, optional
        Last year shown (default the last simulated year).  A briefing on
        2025 targets reads better ending in 2025: later years of a fast-growing
        ensemble would set the scale.

    Returns
    -------
    matplotlib.figure.Figure
    """
    lang = usable_language(lang, stacklevel=2)
    st = style_for(size)
    ind = _indicator(indicator, catalogue)
    series = indicator_series(simulations, ind.id)
    if until is not None:
        # Cut the data, not just the view: a band drawn past the last year would leave the axes.
        series = [IndicatorSeries(s.scenario, s.years[s.years <= until], s.values[:, s.years <= until])
                  for s in series]
        if any(not len(s.years) for s in series):
            raise ValueError(f"until={until} is before the first simulated year")
    rows = _history_rows(history, ind.id)
    # Text objects take their font at creation, so everything is built inside the style context.
    with matplotlib.rc_context(rc_params(lang, size)):
        if ax is None:
            fig = Figure(figsize=st.figsize, layout="constrained")
            pad = 0.12 if size == "slide" else 0.05  # inches of white margin around everything
            fig.get_layout_engine().set(w_pad=pad, h_pad=pad)
            ax = fig.add_subplot()
            wrap_width = st.figsize[0] * 72 - 24
        else:
            # The root figure, also when *ax* sits in a subfigure (as on the brief's PDF pages).
            fig = ax.get_figure(root=True)
            # The source line starts left of the axes (at the y label) and may run under the legend:
            # the axes' own width keeps it inside the page however the layout ends up.
            wrap_width = fig.get_figwidth() * 72 * ax.get_position().width
        # Year Y is plotted at x = Y (end-of-year levels, annual flows), so the plan's calendar years
        # first..last are the points from first to last: shade half a year either side.
        ax.axvspan(plan_period[0] - 0.5, plan_period[1] + 0.5, color=PLAN_SHADE, lw=0, zorder=0)
        handles = _draw_scenarios(ax, series, scenario_labels or {}, st, lang)
        handles += _draw_history(ax, rows, st, lang)
        targets = [] if target is None else [target] if isinstance(target, Target) else list(target)
        handles += draw_targets(ax, targets, series, st, lang)
        if until is not None:
            rows = rows[rows["x"] <= until + 0.5]
        starts = [s.years[0] for s in series] + list(rows["x"])
        end = float(until if until is not None else max(s.years[-1] for s in series))
        _format_axes(ax, (float(np.floor(min(starts))) - 0.5, end + 0.5), lang, ind.unit, st)
        _set_ylim(ax, series, rows, targets, plan_period, end)
        ax.text(plan_period[0] - 0.5, 0.985, " " + text("plan_period", lang, start=plan_period[0],
                                                         end=plan_period[1]),
                transform=ax.get_xaxis_transform(), va="top", ha="left", fontsize=st.note * 1.05,
                color="#595959", zorder=8)
        legend = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.015, 1.0), borderaxespad=0,
                           frameon=False, handlelength=1.8, labelspacing=0.6)
        for label in legend.get_texts():
            label.set_parse_math(False)  # a "$" in a scenario title is a dollar, not mathtext
        subtitle = _subtitle(series, lang)
        ax.set_title(display(ind.label(lang)), loc="left", fontweight="bold", parse_math=False,
                     pad=st.subtitle * 1.35 + st.base * 0.35)
        ax.annotate(subtitle, xy=(0, 1), xycoords="axes fraction", xytext=(0, st.base * 0.35),
                    textcoords="offset points", va="bottom", ha="left", fontsize=st.subtitle,
                    color="#4D4D4D", annotation_clip=False)
        # Anchored to the axis labels so constrained layout reserves room for it under the axes.
        ax.annotate(wrap(_source_line(rows, lang, note), wrap_width, st.note, font_family(lang)),
                    xy=(0, 0), xycoords=(ax.yaxis.label, ax.xaxis.label), xytext=(0, -st.note * 0.8),
                    textcoords="offset points", va="top", ha="left", fontsize=st.note, color="#4D4D4D",
                    linespacing=1.3, annotation_clip=False, parse_math=False)
    return fig
