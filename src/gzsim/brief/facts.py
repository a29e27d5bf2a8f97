"""From simulations and the scoreboard to the facts the brief's text is written from."""

from __future__ import annotations

import math
import re
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..catalogue import Catalogue
from ..simulation import Simulation
from ..scenario import ResolvedScenario
from ..targets import Target
from .reach import ALL_HEADLINE, board_row, measure_name, status_key
from .text import joint_sentence, target_paragraph

__all__ = ["short_title", "target_facts", "scenario_facts", "paragraphs", "joint_text"]

_TITLE_SPLIT = re.compile(r"[:：]")


def short_title(scenario: ResolvedScenario, lang: str) -> str:
    """The part of a scenario's title before its colon ("Baseline", "基准情景"), else its name."""
    title = scenario.title_for(lang)
    head = _TITLE_SPLIT.split(title, maxsplit=1)[0].strip()
    return head or scenario.name


def target_facts(target: Target, catalogue: Catalogue, lang: str) -> dict[str, Any]:
    """Facts of one target for :func:`~gzsim.brief.text.target_paragraph`."""
    indicator = catalogue.indicator(target.id)
    return {"label": target.label(lang) or indicator.label(lang), "unit": indicator.unit,
            "year": target.year, "threshold": target.threshold, "direction": target.direction,
            "base_year": target.base_year, "reported_base": target.base_value, "measure": measure_name(target)}


def _median_at(sim: Simulation, indicator: str, year: int | None) -> float | None:
    if year is None:
        return None
    hits = np.flatnonzero(np.asarray(sim.years) == year)
    if not len(hits):
        return None
    values = np.asarray(sim.values[indicator], dtype=float)
    rows = values[1:] if values.shape[0] > 1 else values[:1]
    column = rows[:, hits[0]]
    return float(np.nanmedian(column)) if np.isfinite(column).any() else None


def scenario_facts(target: Target, board: pd.DataFrame, sims: Sequence[Simulation],
                   labels: dict[str, str]) -> list[dict[str, Any]]:
    """One facts mapping per scenario for *target*, from the scoreboard rows."""
    out = []
    for sim in sims:
        row = board_row(board, sim.scenario, target)
        if row is None:
            raise KeyError(f"no scoreboard row for scenario '{sim.scenario}', target '{target.id}'")
        n = int(np.asarray(sim.values[target.id]).shape[0] - 1)
        out.append({"scenario": labels.get(sim.scenario, sim.scenario), "status": status_key(row["status"]),
                    "median": float(row["median"]), "p05": float(row["p05"]), "p95": float(row["p95"]),
                    "probability": float(row["probability"]), "n": n,
                    "base": _median_at(sim, target.id, target.base_year)})
    return out


def paragraphs(targets: Sequence[Target], board: pd.DataFrame, sims: Sequence[Simulation],
               catalogue: Catalogue, labels: dict[str, str], lang: str) -> list[tuple[Target, str]]:
    """The paragraph of every target, headline targets first (file order otherwise)."""
    ordered = sorted(targets, key=lambda t: not t.headline)
    return [(t, target_paragraph(target_facts(t, catalogue, lang), scenario_facts(t, board, sims, labels),
                                 lang)) for t in ordered]


def joint_text(board: pd.DataFrame, labels: dict[str, str], lang: str) -> str:
    """The sentence on all headline targets together (empty without headline targets)."""
    rows = board[board["target"] == ALL_HEADLINE]
    items = [{"scenario": labels.get(r.scenario, r.scenario), "probability": float(r.probability)}
             for r in rows.itertuples() if not math.isnan(r.probability)]
    return joint_sentence(items, lang)
