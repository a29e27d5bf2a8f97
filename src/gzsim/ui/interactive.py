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

import numpy as np
import pandas as pd

from ..charts.strings import source_in, text, unit_label

PLAN_PERIOD = (2021, 2025)
QUANTILE_FIELDS = ("median", "p05", "p25", "p75", "p95")
TARGET_COLOUR = "#D55E00"  # the brief's: vermillion is kept for targets
REFERENCE_COLOUR = "#767676"  # the run the others are compared with


def run_colours(names: Sequence[str]) -> list[str]:
    """One colour per run: with two or more, the first (the reference, e.g. the baseline) grey and
    the others the brief's scenario colours (Okabe-Ito) in order, so an edited run stands out."""
    from ..charts.style import SCENARIO_COLOURS

    if len(names) < 2:
        return [SCENARIO_COLOURS[0]][:len(names)]
    return [REFERENCE_COLOUR] + [SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)] for i in range(len(names) - 1)]


def _clean(value: Any) -> Any:
    # JSON-ready: numpy scalars as Python numbers, NaN as null.
    if isinstance(value, (np.floating, float)):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def run_records(simulation: Any, until: int | None = 2025) -> dict[str, list[dict[str, Any]]]:
    """Per indicator, one run's median, 5/25/75/95 % quantiles per year up to *until* (chart rows).

    Computed once per run (the app caches it), so a slider move redoes only the moved run's.
    """
    from ..charts.data import IndicatorSeries

    years = np.asarray(simulation.years, dtype=np.int64)
    keep = years <= until if until is not None else np.ones(len(years), bool)
    out = {}
    for indicator, values in simulation.values.items():
        q = IndicatorSeries(simulation.scenario, years, np.asarray(values, dtype=float)).quantiles()
        out[indicator] = [{"scenario": simulation.scenario, "year": int(y),
                           **{k: _clean(q[k][i]) for k in QUANTILE_FIELDS}}
                          for i, y in enumerate(years) if keep[i]]
    return out


def history_records(history: pd.DataFrame | None, lang: str, until: int | None = 2025) -> dict[str, list[dict]]:
    """Per indicator, its observations as chart rows: year, value, kind (in *lang*), source."""
    if history is None or not len(history):
        return {}
    rows = history[pd.to_numeric(history["x"], errors="coerce").notna()]
    if until is not None:
        rows = rows[rows["x"].astype(float) <= until + 0.5]
    out: dict[str, list[dict]] = {}
    for r in rows.itertuples():
        out.setdefault(str(r.indicator), []).append(
            {"year": float(r.x), "value": _clean(float(r.value)), "kind": text(f"kind_{r.kind}", lang),
             "source": source_in(str(r.source), lang)})
    return out


def target_records(targets: Any, indicator_id: str, lang: str) -> list[dict[str, Any]]:
    """The level targets of *indicator_id* as chart rows: year, threshold, label."""
    return [{"year": t.year, "threshold": float(t.threshold), "label": t.label(lang)}
            for t in targets or [] if t.id == indicator_id and t.measure == "level"]


def chart_frames(simulations: Sequence[Any], indicator_id: str, *, history: pd.DataFrame | None = None,
                 targets: Any = None, until: int | None = 2025, lang: str = "en") -> dict[str, pd.DataFrame]:
    """The chart's data as plain frames.

    ``runs``: scenario, year, median, p05, p25, p75, p95 (one row per run and year, up to *until*);
    ``history``: year, value, kind (in *lang*), source; ``target``: year, threshold, label
    (level targets only).
    """
    runs = [row for sim in simulations for row in run_records(sim, until).get(indicator_id, [])]
    return {"runs": pd.DataFrame(runs, columns=["scenario", "year", *QUANTILE_FIELDS]),
            "history": pd.DataFrame(history_records(history, lang, until).get(indicator_id, []),
                                    columns=["year", "value", "kind", "source"]),
            "target": pd.DataFrame(target_records(targets, indicator_id, lang),
                                   columns=["year", "threshold", "label"])}


def year_domain(runs: list[dict], history: list[dict], target: list[dict],
                plan_period: tuple[int, int] = PLAN_PERIOD) -> list[float]:
    """The year axis: from the first year shown to the last, half a year either side (never from 0)."""
    years = [float(r["year"]) for part in (runs, history, target) for r in part]
    years += [float(plan_period[0]), float(plan_period[1])]
    return [min(years) - 0.5, max(years) + 0.5]


def _tip(field: str, title: str, kind: str = "quantitative", fmt: str | None = ",.4~g") -> dict[str, Any]:
    tip = {"field": field, "type": kind, "title": title}
    if fmt and kind == "quantitative":
        tip["format"] = fmt
    return tip


def interactive_chart(simulations: Sequence[Any], indicator_id: str, *, history: pd.DataFrame | None = None,
                      targets: Any = None, title: str = "", unit: str = "", until: int | None = 2025,
                      plan_period: tuple[int, int] = PLAN_PERIOD, lang: str = "en",
                      height: int = 300) -> dict[str, Any]:
    """:func:`chart_spec` of one indicator straight from Simulations (the app caches the parts instead)."""
    runs = [row for sim in simulations for row in run_records(sim, until).get(indicator_id, [])]
    return chart_spec(indicator_id, runs, history_records(history, lang, until).get(indicator_id, []),
                      target_records(targets, indicator_id, lang), title=title, unit=unit, lang=lang,
                      plan_period=plan_period, height=height)


def chart_spec(indicator_id: str, runs: list[dict], history: list[dict], target: list[dict], *, title: str = "",
               unit: str = "", lang: str = "en", plan_period: tuple[int, int] = PLAN_PERIOD,
               height: int = 300) -> dict[str, Any]:
    """A Vega-Lite spec (a plain dict, for ``st.vega_lite_chart``) of one indicator; zoom/pan/tooltips.

    *runs*, *history*, *target*: rows from :func:`run_records`, :func:`history_records` and
    :func:`target_records`.  Built as data, not through Altair's validated objects: building 16
    charts through Altair took seconds per slider move; the dict takes milliseconds.
    """
    names = list(dict.fromkeys(r["scenario"] for r in runs))
    year_title, value_title = text("year", lang), unit_label(unit, lang) if unit else indicator_id
    year_scale = {"domain": year_domain(runs, history, target, plan_period), "nice": False, "zero": False}
    x = {"field": "year", "type": "quantitative", "title": year_title, "scale": year_scale,
         "axis": {"format": "d", "tickMinStep": 1}}
    # Lines and bands share one scale, so the legend's swatches are the runs' colours.
    colour_scale = {"domain": names, "range": run_colours(names)}
    legend = {"orient": "bottom", "symbolType": "stroke", "symbolStrokeWidth": 3, "symbolOpacity": 1,
              "labelLimit": 400}
    colour = {"field": "scenario", "type": "nominal", "title": None, "scale": colour_scale, "legend": legend}
    # Bands take the fill channel with the same scale and legend: Vega-Lite merges the two into
    # one legend of opaque swatches (a null legend on either dropped the merged one).
    fill = {"field": "scenario", "type": "nominal", "title": None, "scale": colour_scale, "legend": legend}
    year_tip = _tip("year", year_title, fmt="d")
    median = "median" if lang == "en" else "中位数"
    quant = [_tip("median", median), _tip("p05", "5 %"), _tip("p95", "95 %")]
    run_data = {"values": runs}
    plan_label = text("plan_period", lang, start=plan_period[0], end=plan_period[1])
    plan_data = {"values": [{"start": plan_period[0] - 0.5, "end": plan_period[1] + 0.5, "label": plan_label}]}
    plan_x = {"field": "start", "type": "quantitative", "scale": year_scale, "title": year_title}
    layers: list[dict[str, Any]] = [
        {"data": plan_data, "mark": {"type": "rect", "color": "#9e9e9e", "opacity": 0.12},
         "encoding": {"x": plan_x, "x2": {"field": "end"}, "tooltip": [_tip("label", " ", "nominal")]}},
        {"data": run_data, "mark": {"type": "area", "opacity": 0.13},
         "encoding": {"x": x, "y": {"field": "p05", "type": "quantitative", "title": value_title},
                      "y2": {"field": "p95"}, "fill": fill,
                      "tooltip": [_tip("scenario", " ", "nominal"), year_tip, *quant]}},
        {"data": run_data, "mark": {"type": "area", "opacity": 0.25},
         "encoding": {"x": x, "y": {"field": "p25", "type": "quantitative"}, "y2": {"field": "p75"},
                      "fill": fill}},
        {"data": run_data, "mark": {"type": "line", "strokeWidth": 2.2, "point": {"size": 18}},
         "encoding": {"x": x, "y": {"field": "median", "type": "quantitative", "title": value_title},
                      "color": colour, "tooltip": [_tip("scenario", " ", "nominal"), year_tip, *quant]}},
    ]
    if history:
        layers.append({"data": {"values": history},
                       "mark": {"type": "point", "color": "black", "filled": True, "size": 40},
                       "encoding": {"x": x, "y": {"field": "value", "type": "quantitative"},
                                    "shape": {"field": "kind", "type": "nominal", "title": None,
                                              "legend": {"orient": "bottom", "labelLimit": 400}},
                                    "tooltip": [year_tip, _tip("value", value_title), _tip("kind", " ", "nominal"),
                                                _tip("source", " ", "nominal")]}})
    if target:
        target_data = {"values": target}
        target_tip = [_tip("label", " ", "nominal"), _tip("threshold", value_title)]
        layers.append({"data": target_data,
                       "mark": {"type": "rule", "color": TARGET_COLOUR, "strokeDash": [6, 4], "strokeWidth": 1.5},
                       "encoding": {"y": {"field": "threshold", "type": "quantitative"}, "tooltip": target_tip}})
        layers.append({"data": target_data,
                       "mark": {"type": "point", "shape": "diamond", "filled": True, "size": 90,
                                "color": TARGET_COLOUR},
                       "encoding": {"x": x, "y": {"field": "threshold", "type": "quantitative"},
                                    "tooltip": target_tip}})
    layers.append({"data": plan_data, "mark": {"type": "text", "align": "left", "baseline": "top", "dx": 4,
                                               "dy": 4, "color": "#595959", "fontSize": 11},
                   "encoding": {"x": plan_x, "y": {"value": 0}, "text": {"field": "label", "type": "nominal"}}})
    # Zoom and pan on the line layer's scales (shared by all layers).
    layers[3]["params"] = [{"name": "zoom", "select": {"type": "interval", "encodings": ["x", "y"]},
                            "bind": "scales"}]
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "title": title, "height": height,
            "layer": layers}
