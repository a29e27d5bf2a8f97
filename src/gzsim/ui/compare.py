"""Scenario comparison: several ``gzsim.analysis.reach`` results side by side, one row per target.

One column per scenario holding its probability (a number: sortable and testable; the app shows
it as ``82 % · on track``, the status being the probability's), so four or more scenarios fit
at 1440 px; and a dot chart of the same probabilities in the charts' run colours.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..analysis.reach import ALL_HEADLINE, Status


def compare_table(reached: pd.DataFrame, targets: Any, lang: str) -> pd.DataFrame:
    """Rows = targets (★ for headline ones, then the joint headline row); one probability column per scenario.

    *reached* is a :func:`gzsim.analysis.reach` table of several scenarios.  Columns are
    ``target`` then each scenario's name, in the scenarios' order.
    """
    from ..charts import text

    labels = {(t.id, t.measure): t.label(lang) for t in targets or []}
    scenarios = list(dict.fromkeys(reached["scenario"]))
    keys = list(dict.fromkeys(zip(reached["target"], reached["measure"])))
    headline = {(r.target, r.measure) for r in reached.itertuples() if r.headline and r.target != ALL_HEADLINE}
    rows = []
    for target, measure in keys:
        label = text("all_headline", lang) if target == ALL_HEADLINE else labels.get((target, measure), target)
        row: dict[str, Any] = {"target": ("★ " if (target, measure) in headline else "") + label}
        for name in scenarios:
            hit = reached[(reached["scenario"] == name) & (reached["target"] == target)
                          & (reached["measure"] == measure)]
            row[name] = float(hit["probability"].iloc[0]) if len(hit) else float("nan")
        rows.append(row)
    return pd.DataFrame(rows, columns=["target", *scenarios])


def status_of(p: float) -> str:
    """The status key of a probability (``on track``, ``at risk``, ``off track``)."""
    return Status.from_probability(p).value


def compare_chart(table: pd.DataFrame, lang: str, title: str = "") -> dict[str, Any]:
    """A Vega-Lite dot chart: per target (rows) each scenario's probability, in the runs' colours."""
    from .interactive import run_colours

    names = [c for c in table.columns if c != "target"]
    values = [{"target": r["target"], "scenario": n, "probability": float(r[n])}
              for r in table.to_dict("records") for n in names if r[n] == r[n]]
    probability = "probability" if lang == "en" else "实现概率"
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json", "title": title,
        "data": {"values": values}, "height": {"step": 26},
        "layer": [
            {"mark": {"type": "rule", "color": "#bdbdbd", "strokeDash": [3, 3]},
             "data": {"values": [{"x": 0.4}, {"x": 0.8}]},
             "encoding": {"x": {"field": "x", "type": "quantitative"}}},
            {"mark": {"type": "point", "filled": True, "size": 110, "opacity": 0.9},
             "encoding": {
                 "y": {"field": "target", "type": "nominal", "title": None, "sort": list(table["target"]),
                       "axis": {"labelLimit": 420}},
                 "x": {"field": "probability", "type": "quantitative", "title": probability,
                       "scale": {"domain": [0, 1]}, "axis": {"format": ".0%"}},
                 "color": {"field": "scenario", "type": "nominal", "title": None,
                           "scale": {"domain": names, "range": run_colours(names)},
                           "legend": {"orient": "top"}},
                 "tooltip": [{"field": "scenario", "type": "nominal"}, {"field": "target", "type": "nominal"},
                             {"field": "probability", "type": "quantitative", "format": ".0%"}]}},
        ]}
