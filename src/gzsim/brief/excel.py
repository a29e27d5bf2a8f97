"""The Excel workbook of a brief: results, scoreboard, lever settings, data used, provenance."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..catalogue import Catalogue
from ..charts.data import indicator_series
from ..charts.history import HISTORY_COLUMNS
from ..charts.strings import source_in, text, unit_name
from ..output import excel_writer, provenance_sheet, text_not_formulas
from ..simulation import Simulation
from ..scenario import ResolvedScenario

__all__ = ["RESULTS_COLUMNS", "LEVERS_COLUMNS", "results_table", "levers_table", "data_table", "headers",
           "write_workbook"]

RESULTS_COLUMNS = ["scenario", "year", "indicator", "label", "unit", "median", "p05", "p25", "p75", "p95",
                   "deterministic"]
LEVERS_COLUMNS = ["scenario", "lever", "label", "unit", "value", "time_path", "set_by_scenario",
                  "uncertainty", "source"]


def results_table(sims: Sequence[Simulation], catalogue: Catalogue, lang: str) -> pd.DataFrame:
    """Per scenario, year and indicator: ensemble quantiles and the deterministic run."""
    parts = []
    for indicator in catalogue.indicators:
        for s in indicator_series(sims, indicator.id):
            q = s.quantiles()
            parts.append(pd.DataFrame({
                "scenario": s.scenario, "year": s.years, "indicator": indicator.id,
                "label": indicator.label(lang), "unit": unit_name(indicator.unit, lang),
                **{k: q[k] for k in ("median", "p05", "p25", "p75", "p95")},
                "deterministic": s.deterministic,
            }))
    frame = pd.concat(parts, ignore_index=True)[RESULTS_COLUMNS]
    order = {s.scenario: i for i, s in enumerate(sims)}
    return frame.sort_values(["scenario", "indicator", "year"], key=lambda c: c.map(order) if c.name == "scenario"
                             else c, kind="stable").reset_index(drop=True)


def _describe(value: Any) -> str:
    """A time path in words as written in a scenario file, e.g. ``series 2020=0, 2025=100000``."""
    kind, spec = next(iter(value.to_dict().items()))
    return kind + " " + ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in spec.items())


def _default_source(catalogue_source: str, set_here: bool) -> str:
    if set_here:
        return ""  # set by the scenario without a [sources] entry
    return f"catalogue default ({catalogue_source})" if catalogue_source else "catalogue default"


def levers_table(scenarios: Sequence[ResolvedScenario], catalogue: Catalogue, lang: str) -> pd.DataFrame:
    """Every lever of every scenario: its value or time path, whether the scenario sets it, its source."""
    rows = []
    for sc in scenarios:
        for lever in catalogue.levers:
            value = sc.levers[lever.id]
            is_constant = isinstance(value, float)
            set_here = lever.id in sc.set_levers
            dist = sc.uncertainty.get(lever.id)
            rows.append({
                "scenario": sc.name, "lever": lever.id, "label": lever.label(lang), "unit": unit_name(lever.unit, lang),
                "value": value if is_constant else np.nan,
                "time_path": "" if is_constant else _describe(value),
                "set_by_scenario": set_here,
                "uncertainty": "" if dist is None else json.dumps(
                    {k: v for k, v in dist.__dict__.items() if v is not None}, ensure_ascii=False),
                "source": sc.sources.get(lever.id) or _default_source(lever.source, set_here),
            })
    return pd.DataFrame(rows, columns=LEVERS_COLUMNS)


def data_table(history: pd.DataFrame | None, lang: str) -> pd.DataFrame:
    """The observations used (:data:`HISTORY_COLUMNS`); in Chinese with the charts' words for the
    units, kinds and source names (an observation unit without a translation stays as written)."""
    if history is None:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    frame = history[HISTORY_COLUMNS].copy()
    if lang == "zh":
        frame["unit"] = [unit_name(u, lang) if isinstance(u, str) else u for u in frame["unit"]]
        frame["kind"] = [_kind(k, lang) for k in frame["kind"]]
        frame["source"] = [source_in(v, lang) if isinstance(v, str) else v for v in frame["source"]]
    return frame


def _kind(kind: Any, lang: str) -> Any:
    try:
        return text(f"kind_{kind}", lang)
    except KeyError:  # a kind the charts do not name: as written
        return kind


def headers(sheet: str, columns: Sequence[str], lang: str) -> list[str]:
    """The header row of *sheet* in *lang*: the column ids in English (scripts read them), the
    ``[columns.zh]`` names of ``templates.toml`` in Chinese (``sheet.column`` first)."""
    if lang != "zh":
        return [str(c) for c in columns]
    from .text import _templates

    names = _templates()["columns"]["zh"]
    return [names.get(f"{sheet}.{c}", names.get(str(c), str(c))) for c in columns]


def _autosize(ws, frame: pd.DataFrame, header: Sequence[str]) -> None:
    from openpyxl.utils import get_column_letter

    for i, (column, name) in enumerate(zip(frame.columns, header), start=1):
        cells = [str(name)] + [str(v) for v in frame[column].head(500)]
        # CJK characters are about twice as wide as Latin ones in Excel's default font.
        width = max(sum(2 if ord(ch) > 0x2e80 else 1 for ch in c) for c in cells)
        ws.column_dimensions[get_column_letter(i)].width = min(max(8, width + 2), 60)
    ws.freeze_panes = "A2"


#: Columns holding probabilities (shown as percent with one decimal: 79.8 %, never rounded to 80 %).
_PROBABILITY_COLUMNS = ("probability", "mc_se", "baseline_probability", "best_probability", "probability_melded")


def format_numbers(ws, frame: pd.DataFrame) -> None:
    """Number formats an analyst reads (2.61, 1,863, 79.8 %); the cells keep full precision.

    Per float column: probabilities as ``0.0%``, others with the decimals their size needs
    (:func:`gzsim.charts.decimals_for` of the column's largest value) and thousands separators.
    """
    from openpyxl.utils import get_column_letter

    from ..charts.numbers import decimals_for

    for i, column in enumerate(frame.columns, start=1):
        values = pd.to_numeric(frame[column], errors="coerce") if frame[column].dtype.kind == "f" else None
        if values is None or not values.notna().any():
            continue
        if str(column) in _PROBABILITY_COLUMNS:
            fmt = "0.0%"
        else:
            decimals = decimals_for(float(values.abs().max()))
            fmt = "#,##0" + ("." + "0" * decimals if decimals else "")
        letter = get_column_letter(i)
        for cell in ws[letter][1:len(frame) + 1]:
            cell.number_format = fmt


def write_workbook(path: str | os.PathLike[str], sheets: Mapping[str, pd.DataFrame],
                   provenance: Mapping[str, Any], lang: str = "en") -> Path:
    """Write *sheets* (name -> frame, in order) and a ``provenance`` sheet (key, value as JSON).

    Headers in *lang* (:func:`headers`); the provenance sheet keeps ``key``/``value``, which
    :func:`gzsim.output.read_results` reads back.
    """
    path = Path(path)
    with excel_writer(path) as writer:
        write_sheets(writer, sheets, provenance, lang)
    return path


def write_sheets(writer, sheets: Mapping[str, pd.DataFrame], provenance: Mapping[str, Any],
                 lang: str = "en") -> None:
    """:func:`write_workbook`'s sheets into an open ``excel_writer`` (the app writes to bytes)."""
    prov = provenance_sheet(provenance)  # as in results workbooks: gzsim.output.read_results reads it
    for name, frame in [*sheets.items(), ("provenance", prov)]:
        frame.to_excel(writer, sheet_name=name, index=False)
        ws = writer.sheets[name]
        header = headers(name, list(frame.columns), "en" if name == "provenance" else lang)
        for cell, title in zip(ws[1], header):
            cell.value = title
        _autosize(ws, frame, header)
        format_numbers(ws, frame)  # by the column ids, whatever the header says
    text_not_formulas(writer.book)  # names and titles from scenario files stay text
