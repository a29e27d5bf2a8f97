"""The Charts tab's interactive chart: one indicator as an Altair (Vega-Lite) spec, from Simulation arrays.

Baseline and current median lines, the 5-95 % band of each run as an area, the history as points,
a level target as a horizontal rule, the plan period as a shaded rectangle; tooltips and zoom/pan.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

PLAN_PERIOD = (2021, 2025)


def chart_frames(simulations: Sequence[Any], indicator_id: str, *, history: pd.DataFrame | None = None,
                 targets: Any = None, until: int | None = 2025) -> dict[str, pd.DataFrame]:
    """The chart's data as plain frames.

    ``runs``: scenario, year, median, p05, p95 (one row per run and year, up to *until*);
    ``history``: year, value, kind, source; ``target``: year, threshold, label (level targets only).
    """
    from ..charts.data import indicator_series

    parts = []
    for series in indicator_series(list(simulations), indicator_id):
        q = series.quantiles()
        parts.append(pd.DataFrame({"scenario": series.scenario, "year": series.years.astype(int),
                                   "median": q["median"], "p05": q["p05"], "p95": q["p95"]}))
    runs = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["scenario", "year", "median", "p05", "p95"])
    if until is not None:
        runs = runs[runs["year"] <= until].reset_index(drop=True)
    hist = pd.DataFrame(columns=["year", "value", "kind", "source"])
    if history is not None and len(history):
        rows = history[history["indicator"] == indicator_id]
        rows = rows[pd.to_numeric(rows["x"], errors="coerce").notna()]
        hist = pd.DataFrame({"year": rows["x"].astype(float), "value": rows["value"].astype(float),
                             "kind": rows["kind"].astype(str), "source": rows["source"].astype(str)})
        hist = hist.reset_index(drop=True)
    marks = [t for t in targets or [] if t.id == indicator_id and t.measure == "level"]
    target = pd.DataFrame({"year": [t.year for t in marks], "threshold": [float(t.threshold) for t in marks],
                           "label": [t.label_en for t in marks]})
    return {"runs": runs, "history": hist, "target": target}


def interactive_chart(simulations: Sequence[Any], indicator_id: str, *, history: pd.DataFrame | None = None,
                      targets: Any = None, title: str = "", unit: str = "", until: int | None = 2025,
                      plan_period: tuple[int, int] = PLAN_PERIOD):
    """An Altair layer chart of one indicator (see the module docstring); ``.interactive()`` zoom/pan."""
    import altair as alt

    frames = chart_frames(simulations, indicator_id, history=history, targets=targets, until=until)
    runs = frames["runs"]
    y_title = unit or indicator_id
    x = alt.X("year:Q", title=None, axis=alt.Axis(format="d"))
    colour = alt.Color("scenario:N", title=None, sort=list(dict.fromkeys(runs["scenario"])))
    plan = alt.Chart(pd.DataFrame({"start": [plan_period[0] - 0.5], "end": [plan_period[1] + 0.5],
                                   "label": [f"plan {plan_period[0]}-{plan_period[1]}"]})).mark_rect(
        color="#9e9e9e", opacity=0.12).encode(x="start:Q", x2="end:Q", tooltip=["label:N"])
    band = alt.Chart(runs).mark_area(opacity=0.2).encode(
        x=x, y=alt.Y("p05:Q", title=y_title), y2="p95:Q", color=colour,
        tooltip=["scenario:N", alt.Tooltip("year:Q", format="d"), alt.Tooltip("p05:Q", format=",.3g"),
                 alt.Tooltip("p95:Q", format=",.3g")])
    line = alt.Chart(runs).mark_line(point=True).encode(
        x=x, y=alt.Y("median:Q", title=y_title), color=colour,
        tooltip=["scenario:N", alt.Tooltip("year:Q", format="d"), alt.Tooltip("median:Q", format=",.3g"),
                 alt.Tooltip("p05:Q", format=",.3g"), alt.Tooltip("p95:Q", format=",.3g")])
    layers = [plan, band, line]
    if len(frames["history"]):
        layers.append(alt.Chart(frames["history"]).mark_point(color="black", filled=True, size=40).encode(
            x="year:Q", y="value:Q", shape=alt.Shape("kind:N", title=None),
            tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("value:Q", format=",.3g"), "kind:N",
                     "source:N"]))
    if len(frames["target"]):
        layers.append(alt.Chart(frames["target"]).mark_rule(color="#b71c1c", strokeDash=[6, 4]).encode(
            y="threshold:Q", tooltip=["label:N", "year:Q", alt.Tooltip("threshold:Q", format=",.3g")]))
    return alt.layer(*layers).properties(title=title, height=320).interactive()
