"""The app's analysis tab: small, quick ``gzsim.analysis`` runs, each shown as a takeaway line, a
chart and a short table a person can read (labels in the chosen language, not ids).

* attribution: per target, the change from the baseline and each moved lever's share of it
  (Shapley values) as stacked bars; one row per target;
* sensitivity: the top drivers (Morris mu*) of each headline target as bars;
* goal seeking: the levers it moves, whether each has a fiscal cost, the cost and probability.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..charts.numbers import format_number, format_probability, format_value
from .strings import ui_text

KINDS = ("attribution", "sensitivity", "goalseek")
TOP = 6  # drivers shown per target


@dataclass
class AnalysisView:
    """What the tab shows for one run: a one-line takeaway, an optional Vega-Lite chart, a table."""

    takeaway: str
    table: pd.DataFrame
    chart: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


def input_label(catalogue: Any, name: str, lang: str) -> str:
    """A lever, uncertain parameter or model constant by its label (ids and Vensim names alike)."""
    from ..analysis.drivers import constant_label

    for item in (*catalogue.levers, *catalogue.uncertain):
        if name in (item.id, item.vensim):
            return item.label(lang)
    return constant_label(name, lang) or name


def _target_labels(scenario: Any, lang: str) -> dict[tuple[str, str], str]:
    return {(t.id, t.measure): ("★ " if t.headline else "") + t.label(lang) for t in scenario.targets or []}


def _number(value: float, measure: str) -> str:
    return f"{format_number(100 * value)} %" if measure == "cagr" else format_number(value)


def _attribution(model: Any, scenario: Any, baseline: Any, lang: str) -> AnalysisView:
    from .. import analysis

    def T(key: str, **f: Any) -> str:
        return ui_text(key, lang, **f)

    raw = analysis.attribute(model, scenario, baseline=baseline)
    labels = _target_labels(scenario, lang)
    moved = [c for c in dict.fromkeys(raw["component"]) if c not in ("interaction", "total")]
    rows, bars = [], []
    for (target, measure), part in raw.groupby(["target", "measure"], sort=False):
        part = part.set_index("component")
        first = part.iloc[0]
        label = labels.get((target, measure), target)
        row = {T("col_target"): label, T("att_baseline"): _number(first["baseline_value"], measure),
               T("att_current"): _number(first["scenario_value"], measure),
               T("col_threshold"): _number(first["threshold"], measure)}
        total = float(part.loc["total", "wedge"])
        for lever in moved:
            share = float(part.loc[lever, "shapley"])
            row[input_label(model.catalogue, lever, lang)] = _number(share, measure)
            if total:
                bars.append({"target": label, "lever": input_label(model.catalogue, lever, lang),
                             "share": share / total})
        rows.append(row)
    table = pd.DataFrame(rows)
    names = [input_label(model.catalogue, lv, lang) for lv in moved]
    if not moved:
        return AnalysisView(T("att_nothing"), table)
    top = max(moved, key=lambda lv: float(raw.loc[raw["component"] == lv, "shapley"].abs().sum()))
    takeaway = T("att_takeaway", n=len(moved), lever=input_label(model.catalogue, top, lang))
    chart = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json", "data": {"values": bars},
        "height": {"step": 24}, "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "target", "type": "nominal", "title": None, "sort": list(table[T("col_target")]),
                  "axis": {"labelLimit": 420}},
            "x": {"field": "share", "type": "quantitative", "title": T("att_share"), "axis": {"format": ".0%"},
                  "stack": "zero"},
            "color": {"field": "lever", "type": "nominal", "title": None, "scale": {"domain": names},
                      "legend": {"orient": "top", "labelLimit": 400}},
            "tooltip": [{"field": "target", "type": "nominal"}, {"field": "lever", "type": "nominal"},
                        {"field": "share", "type": "quantitative", "format": ".0%"}]}}
    return AnalysisView(takeaway, table, chart, [T("att_note")])


def _sensitivity(model: Any, scenario: Any, lang: str, seed: int) -> AnalysisView:
    from .. import analysis

    def T(key: str, **f: Any) -> str:
        return ui_text(key, lang, **f)

    raw = analysis.sensitivity(model, scenario, method="morris", samples=10, seed=seed, bootstrap=50)
    labels = _target_labels(scenario, lang)
    headline = {(t.id, t.measure) for t in scenario.targets or [] if t.headline}
    mu = raw[(raw["index"] == "mu_star") & (raw["output"] == "value")]
    bars, rows = [], []
    for (target, measure), part in mu.groupby(["target", "measure"], sort=False):
        if headline and (target, measure) not in headline:
            continue
        largest = float(part["estimate"].max()) or 1.0
        for r in part.nlargest(TOP, "estimate").itertuples():
            name = input_label(model.catalogue, r.input, lang)
            kind = T("kind_lever") if r.kind == "lever" else T("kind_uncertain")
            bars.append({"target": labels.get((target, measure), target), "input": name, "kind": kind,
                         "influence": float(r.estimate) / largest})
            rows.append({T("col_target"): labels.get((target, measure), target), T("sens_input"): name,
                         T("sens_kind"): kind, T("sens_influence"): f"{100 * float(r.estimate) / largest:.0f} %"})
    table = pd.DataFrame(rows)
    first = table.groupby(T("col_target"), sort=False).first()[T("sens_input")]
    takeaway = T("sens_takeaway", drivers="; ".join(f"{t}: {d}" for t, d in first.items()))
    chart = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json", "data": {"values": bars},
        "facet": {"row": {"field": "target", "type": "nominal", "title": None,
                          "header": {"labelAngle": 0, "labelAlign": "left", "labelAnchor": "start",
                                     "labelFontWeight": "bold", "labelLimit": 600}}},
        "spec": {"height": {"step": 18}, "width": 520, "mark": {"type": "bar"},
                 "encoding": {"y": {"field": "input", "type": "nominal", "title": None, "sort": "-x",
                                    "axis": {"labelLimit": 320}},
                              "x": {"field": "influence", "type": "quantitative", "title": T("sens_influence"),
                                    "axis": {"format": ".0%"}},
                              "color": {"field": "kind", "type": "nominal", "title": None,
                                        "legend": {"orient": "top"}},
                              "tooltip": [{"field": "input", "type": "nominal"},
                                          {"field": "influence", "type": "quantitative", "format": ".0%"}]}},
        "resolve": {"scale": {"y": "independent"}}}
    return AnalysisView(takeaway, table, chart, [T("sens_note")])


def _goalseek(model: Any, scenario: Any, lang: str, seed: int) -> AnalysisView:
    from .. import analysis

    def T(key: str, **f: Any) -> str:
        return ui_text(key, lang, **f)

    result = analysis.goalseek(model, scenario, probability=0.8, draws=100, seed=seed, maxiter=20)
    rows = []
    for r in result.settings.itertuples():
        if not r.moved:
            continue
        lever = model.catalogue.lever(r.lever)
        rows.append({T("gs_lever"): lever.label(lang),
                     T("gs_from"): format_value(r.scenario_value, lever.unit, lang),
                     T("gs_to"): format_value(r.value, lever.unit, lang),
                     T("gs_cost"): T("gs_has_cost") if r.has_cost else T("gs_no_cost"),
                     T("gs_bound"): T(f"gs_{r.at_bound}") if r.at_bound else ""})
    table = pd.DataFrame(rows, columns=[T("gs_lever"), T("gs_from"), T("gs_to"), T("gs_cost"), T("gs_bound")])
    cost = format_value(result.cost, "亿元", lang)
    if result.reachable:
        takeaway = T("gs_reachable", p=format_probability(result.probability),
                     required=format_probability(result.required), cost=cost, n=len(rows))
    else:
        takeaway = T("gs_unreachable", p=format_probability(result.probability),
                     required=format_probability(result.required))
    notes = [T("gs_note")]
    if any(not r.has_cost for r in result.settings.itertuples() if r.moved):
        notes.append(T("gs_free_note"))
    return AnalysisView(takeaway, table, None, notes)


def run_analysis(kind: str, model: Any, scenario: Any, baseline: Any, *, seed: int = 1,
                 lang: str = "en") -> AnalysisView:
    """Run one analysis with app-sized settings (seconds, not minutes) and make it readable."""
    if kind == "attribution":
        return _attribution(model, scenario, baseline, lang)
    if kind == "sensitivity":
        return _sensitivity(model, scenario, lang, seed)
    if kind == "goalseek":
        return _goalseek(model, scenario, lang, seed)
    raise ValueError(f"unknown analysis {kind!r}; one of {', '.join(KINDS)}")
