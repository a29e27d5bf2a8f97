"""The app's charts: one indicator as an Altair (Vega-Lite) spec, drawn by the browser.

The server only computes quantiles (milliseconds); the browser draws, so a slider move does not
wait for matplotlib (which stays for the brief and the PNG/SVG downloads).  Each run's median
line, its 50 % and 90 % ranges as bands over the whole span (one colour per run, the same as the
brief's), the history as points by kind, a level target as a dashed rule with a star, the plan
period shaded; the year axis spans only the years shown; tooltips and zoom/pan.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..charts.strings import text, unit_label

PLAN_PERIOD = (2021, 2025)
TARGET_COLOUR = "#D55E00"  # the brief's: vermillion is kept for targets


def run_colours(names: Sequence[str]) -> list[str]:
    """One colour per run, in order: the brief's scenario colours (Okabe-Ito)."""
    from ..charts.style import SCENARIO_COLOURS

    return [SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)] for i in range(len(names))]


def chart_frames(simulations: Sequence[Any], indicator_id: str, *, history: pd.DataFrame | None = None,
                 targets: Any = None, until: int | None = 2025, lang: str = "en") -> dict[str, pd.DataFrame]:
    """The chart's data as plain frames.

    ``runs``: scenario, year, median, p05, p25, p75, p95 (one row per run and year, up to *until*);
    ``history``: year, value, kind (in *lang*), source; ``target``: year, threshold, label
    (level targets only).
    """
    from ..charts.data import indicator_series

    columns = ["scenario", "year", "median", "p05", "p25", "p75", "p95"]
    parts = []
    for series in indicator_series(list(simulations), indicator_id):
        q = series.quantiles()
        parts.append(pd.DataFrame({"scenario": series.scenario, "year": series.years.astype(int),
                                   **{k: q[k] for k in columns[2:]}}))
    runs = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    if until is not None:
        runs = runs[runs["year"] <= until].reset_index(drop=True)
    hist = pd.DataFrame(columns=["year", "value", "kind", "source"])
    if history is not None and len(history):
        rows = history[history["indicator"] == indicator_id]
        rows = rows[pd.to_numeric(rows["x"], errors="coerce").notna()]
        if until is not None:
            rows = rows[rows["x"].astype(float) <= until + 0.5]
        hist = pd.DataFrame({"year": rows["x"].astype(float), "value": rows["value"].astype(float),
                             "kind": [text(f"kind_{k}", lang) for k in rows["kind"].astype(str)],
                             "source": rows["source"].astype(str)}).reset_index(drop=True)
    marks = [t for t in targets or [] if t.id == indicator_id and t.measure == "level"]
    target = pd.DataFrame({"year": [t.year for t in marks], "threshold": [float(t.threshold) for t in marks],
                           "label": [t.label(lang) for t in marks]})
    return {"runs": runs, "history": hist, "target": target}


def year_domain(frames: dict[str, pd.DataFrame], plan_period: tuple[int, int] = PLAN_PERIOD) -> list[float]:
    """The year axis: from the first year shown to the last, half a year either side (never from 0)."""
    years = [*frames["runs"]["year"].astype(float), *frames["history"]["year"].astype(float),
             *frames["target"]["year"].astype(float), float(plan_period[0]), float(plan_period[1])]
    return [min(years) - 0.5, max(years) + 0.5]


def interactive_chart(simulations: Sequence[Any], indicator_id: str, *, history: pd.DataFrame | None = None,
                      targets: Any = None, title: str = "", unit: str = "", until: int | None = 2025,
                      plan_period: tuple[int, int] = PLAN_PERIOD, lang: str = "en", height: int = 300):
    """An Altair layer chart of one indicator (see the module docstring); ``.interactive()`` zoom/pan."""
    import altair as alt

    frames = chart_frames(simulations, indicator_id, history=history, targets=targets, until=until, lang=lang)
    runs = frames["runs"]
    names = list(dict.fromkeys(runs["scenario"]))
    year_title, value_title = text("year", lang), unit_label(unit, lang) if unit else indicator_id
    year_scale = alt.Scale(domain=year_domain(frames, plan_period), nice=False, zero=False)
    x = alt.X("year:Q", title=year_title, scale=year_scale, axis=alt.Axis(format="d", tickMinStep=1))
    # Lines and bands share one scale, so the legend's swatches are the runs' colours.
    colour_scale = alt.Scale(domain=names, range=run_colours(names))
    colour = alt.Color("scenario:N", title=None, scale=colour_scale,
                       legend=alt.Legend(orient="bottom", symbolType="stroke", symbolStrokeWidth=3,
                                         symbolOpacity=1))
    fill = alt.Color("scenario:N", scale=colour_scale, legend=None)  # the bands: no faint swatches
    year_tip = alt.Tooltip("year:Q", format="d", title=year_title)
    plan_label = text("plan_period", lang, start=plan_period[0], end=plan_period[1])
    plan_data = pd.DataFrame({"start": [plan_period[0] - 0.5], "end": [plan_period[1] + 0.5], "label": [plan_label]})
    plan = alt.Chart(plan_data).mark_rect(color="#9e9e9e", opacity=0.12).encode(
        x=alt.X("start:Q", scale=year_scale, title=year_title), x2="end:Q", tooltip=[alt.Tooltip("label:N", title=" ")])
    plan_text = alt.Chart(plan_data).mark_text(align="left", baseline="top", dx=4, dy=4, color="#595959",
                                               fontSize=11).encode(
        x=alt.X("start:Q", scale=year_scale, title=year_title), y=alt.value(0), text="label:N")
    quant = [alt.Tooltip(f"{k}:Q", format=",.4~g", title=t) for k, t in
             (("median", "median" if lang == "en" else "中位数"), ("p05", "5 %"), ("p95", "95 %"))]
    band90 = alt.Chart(runs).mark_area(opacity=0.13).encode(
        x=x, y=alt.Y("p05:Q", title=value_title), y2="p95:Q", color=fill,
        tooltip=[alt.Tooltip("scenario:N", title=" "), year_tip, *quant])
    band50 = alt.Chart(runs).mark_area(opacity=0.25).encode(x=x, y="p25:Q", y2="p75:Q", color=fill)
    line = alt.Chart(runs).mark_line(point=alt.OverlayMarkDef(size=18), strokeWidth=2.2).encode(
        x=x, y=alt.Y("median:Q", title=value_title), color=colour,
        tooltip=[alt.Tooltip("scenario:N", title=" "), year_tip, *quant])
    layers = [plan, band90, band50, line]
    if len(frames["history"]):
        layers.append(alt.Chart(frames["history"]).mark_point(color="black", filled=True, size=40).encode(
            x=x, y="value:Q", shape=alt.Shape("kind:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=[year_tip, alt.Tooltip("value:Q", format=",.4~g", title=value_title),
                     alt.Tooltip("kind:N", title=" "), alt.Tooltip("source:N", title=" ")]))
    if len(frames["target"]):
        target_tip = [alt.Tooltip("label:N", title=" "), alt.Tooltip("threshold:Q", format=",.4~g", title=value_title)]
        layers.append(alt.Chart(frames["target"]).mark_rule(color=TARGET_COLOUR, strokeDash=[6, 4],
                                                            strokeWidth=1.5).encode(y="threshold:Q",
                                                                                     tooltip=target_tip))
        layers.append(alt.Chart(frames["target"]).mark_point(shape="diamond", filled=True, size=90,
                                                             color=TARGET_COLOUR).encode(
            x=x, y="threshold:Q", tooltip=target_tip))
    layers.append(plan_text)
    return alt.layer(*layers).properties(title=title, height=height).interactive()
