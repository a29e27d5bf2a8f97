"""The targets scoreboard: current settings vs the baseline, from two ``gzsim.analysis.reach`` tables."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..analysis.reach import ALL_HEADLINE

COLUMNS = ["key", "target", "threshold", "baseline", "median", "p05", "p95", "interval",
           "baseline_probability", "probability", "status"]


def _number(value: float, measure: str) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    if measure == "cagr":
        return f"{100 * value:.1f} %"
    return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"


def scoreboard(current: pd.DataFrame, baseline: pd.DataFrame, targets: Any, lang: str) -> pd.DataFrame:
    """One row per target (then the joint headline row): labels in *lang*, numbers of both runs.

    *current* and *baseline* are :func:`gzsim.analysis.reach` tables of one scenario each;
    rows are matched on ``(target, measure)``.  ``interval`` is the current 5-95 % range as text.
    """
    from ..charts import text

    labels = {(t.id, t.measure): t.label(lang) for t in targets or []}
    base = {(r.target, r.measure): r for r in baseline.itertuples()}
    rows = []
    for r in current.itertuples():
        key = (r.target, r.measure)
        label = text("all_headline", lang) if r.target == ALL_HEADLINE else labels.get(key, r.target)
        other = base.get(key)
        rows.append({
            "key": f"{r.target}:{r.measure}", "target": label,
            "threshold": _number(r.threshold, r.measure) if r.target != ALL_HEADLINE else "",
            "baseline": _number(other.median, r.measure) if other is not None else "–",
            "median": _number(r.median, r.measure),
            "p05": r.p05, "p95": r.p95,
            "interval": "" if r.target == ALL_HEADLINE else f"{_number(r.p05, r.measure)} – {_number(r.p95, r.measure)}",
            "baseline_probability": float(other.probability) if other is not None else float("nan"),
            "probability": float(r.probability), "status": r.status,
        })
    return pd.DataFrame(rows, columns=COLUMNS)


def reliability_notes(model: Any, table: pd.DataFrame, lang: str) -> list[str]:
    """Per headline target: its pace against the reference class and what drives its
    uncertainty, with the committed backtest's coverage (issue 12: how far to trust it)."""
    from ..analysis.reach import pace_notes, trust_notes
    from ..backtest.report import coverage_line

    cal = model.calibration
    coverage = coverage_line(None if cal is None else cal.path, lang)
    return pace_notes(table, lang) + trust_notes(table, lang, coverage)
