"""The targets scoreboard: current settings vs the baseline, from two ``gzsim.analysis.reach`` tables.

One row per target (headline targets marked ★), then the joint headline row.  The status agrees
with the probability shown (:func:`gzsim.charts.numbers.format_probability` never rounds across
a threshold); a status within Monte-Carlo error of a threshold is marked ≈ and its probability
shown with its error; a target that even the most favourable lever setting does not reach
(:func:`gzsim.analysis.ceiling.lever_ceiling`) says so instead of "off track".

Columns are a list (:data:`SHOWN`), so another one (e.g. a reference-class pace) is one entry.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..analysis.reach import ALL_HEADLINE
from ..analysis.verdict import mc_error, settled
from ..charts.numbers import format_number, format_probability

#: Status keys (strings.toml) besides reach's own "on track", "at risk", "off track".
UNREACHABLE = "unreachable"
#: Shown columns in order: (column, strings.toml key of its header).
#: Probabilities stay numbers (sortable, readable by tests); the app formats them for display.
SHOWN = [("target", "col_target"), ("status", "col_status"), ("probability", "col_probability"),
         ("baseline_probability", "col_baseline_probability"), ("threshold", "col_threshold"),
         ("median", "col_current"), ("interval", "col_interval"), ("baseline", "col_baseline")]
#: Cell colours of each status: traffic lights (emoji need a font the browser may not have).
STATUS_LIGHT = {"on track": "background-color: #c8e6c9; color: #1b5e20",
                "at risk": "background-color: #ffe0b2; color: #8a4b00",
                "off track": "background-color: #ffcdd2; color: #b71c1c",
                "unreachable": "background-color: #e0e0e0; color: #212121"}
COLUMNS = ["key", "target", "headline", "threshold", "baseline", "median", "p05", "p95", "interval",
           "baseline_probability", "probability", "status", "settled", "reachable", "probability_text",
           "baseline_probability_text", "samples"]


def _number(value: float, measure: str) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    if measure == "cagr":
        return f"{format_number(100 * value)} %"
    return format_number(value)


def probability_text(p: float, samples: int) -> str:
    """``62 %``; near a status threshold with its Monte-Carlo error, ``79.8 % ± 3.6``."""
    if settled(p, samples):
        return format_probability(p)
    return f"{format_probability(p)} ± {100 * 2 * mc_error(p, samples):.1f}"


def scoreboard(current: pd.DataFrame, baseline: pd.DataFrame, targets: Any, lang: str,
               ceiling: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per target (then the joint headline row): labels in *lang*, numbers of both runs.

    *current* and *baseline* are :func:`gzsim.analysis.reach` tables of one scenario each;
    rows are matched on ``(target, measure)``.  *ceiling* (:func:`~gzsim.analysis.ceiling.lever_ceiling`
    of the current scenario), when given, turns "off track" into "unreachable" for a target no
    lever setting reaches.  ``status`` is a key: on track, at risk, off track or unreachable.
    """
    from ..charts import text

    labels = {(t.id, t.measure): t.label(lang) for t in targets or []}
    base = {(r.target, r.measure): r for r in baseline.itertuples()}
    unreachable = set()
    if ceiling is not None:
        unreachable = {(r.target, r.measure) for r in ceiling.itertuples() if not r.reachable}
    rows = []
    for r in current.itertuples():
        key = (r.target, r.measure)
        joint = r.target == ALL_HEADLINE
        label = text("all_headline", lang) if joint else labels.get(key, r.target)
        other = base.get(key)
        samples = int(r.samples)
        status = UNREACHABLE if key in unreachable and r.status == "off track" else r.status
        interval = "" if joint else f"{_number(r.p05, r.measure)} – {_number(r.p95, r.measure)}"
        rows.append({
            "key": f"{r.target}:{r.measure}", "target": ("★ " if r.headline and not joint else "") + label,
            "headline": bool(r.headline),
            "threshold": _number(r.threshold, r.measure) if not joint else "",
            "baseline": _number(other.median, r.measure) if other is not None and not joint else "",
            "median": _number(r.median, r.measure) if not joint else "",
            "p05": r.p05, "p95": r.p95, "interval": interval,
            "baseline_probability": float(other.probability) if other is not None else float("nan"),
            "probability": float(r.probability), "status": status,
            "settled": settled(float(r.probability), samples), "reachable": status != UNREACHABLE,
            "probability_text": probability_text(float(r.probability), samples),
            "baseline_probability_text": format_probability(float(other.probability)) if other is not None else "–",
            "samples": samples,
        })
    return pd.DataFrame(rows, columns=COLUMNS)


def reliability_notes(model: Any, table: pd.DataFrame, lang: str, targets: Any = None) -> list[str]:
    """Per headline target: its pace against the reference class, its probability with the class
    as a prior (when *table* has the melded columns), and what drives its uncertainty; then the
    committed backtest's coverage (issue 12: how far to trust it)."""
    from ..analysis.reach import meld_notes, pace_notes, trust_notes
    from ..backtest.report import coverage_line

    # headline targets only: a growth-rate target may share its indicator's id
    labels = None if targets is None else {t.id: t.label(lang) for t in targets.targets if t.headline}
    cal = model.calibration
    coverage = coverage_line(None if cal is None else cal.path, lang)
    outside = pace_notes(table, lang, labels) + meld_notes(table, lang, labels, probability=format_probability)
    return _by_target(outside, labels, lang) + trust_notes(table, lang, coverage, labels)


def _by_target(lines: list[str], labels: dict[str, str] | None, lang: str) -> list[str]:
    """*lines* in the order of the targets they name (stable: a target's pace line stays before its
    melded line, which it often explains).  Sorted as text: regrouping the table costs 50 ms a move."""
    heads = [label + ("：" if lang == "zh" else ": ") for label in (labels or {}).values()]
    return sorted(lines, key=lambda line: next((i for i, h in enumerate(heads) if line.startswith(h)), len(heads)))
