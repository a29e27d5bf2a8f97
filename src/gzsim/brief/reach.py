"""Whether each scenario reaches each target: the scoreboard numbers.

Computed from the brief's own simulations rather than by calling ``gzsim.analysis.reach``,
which would run the ensembles again: the charts and the scoreboard then come from the same
runs.  Measures, the met test and the status thresholds are the library's.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..analysis.common import met as met_target
from ..simulation import Simulation
from ..targets import Target

__all__ = ["REACH_COLUMNS", "STATUSES", "ALL_HEADLINE", "status_of", "status_key",
           "measure_name", "board_row", "scoreboard", "mark_unreachable", "trust_sentences", "meld_sentence"]

#: The contract columns, plus ``measure`` (level, cumulative, cagr; as in ``gzsim.analysis``), needed
#: because one indicator can have two targets (e.g. a 2025 level and a 2021-2025 growth rate).
REACH_COLUMNS = ["scenario", "target", "year", "measure", "threshold", "median", "p05", "p95", "probability",
                 "status"]
#: ``unreachable``: off track, and not reachable within the lever ranges (gzsim.analysis.ceiling).
STATUSES = ("on_track", "at_risk", "off_track", "unreachable")
#: The ``target`` of the row holding the probability that all headline targets are met together.
ALL_HEADLINE = "all_headline"


def status_of(probability: float) -> str:
    """``on_track`` (p >= 0.8), ``at_risk`` (0.4 <= p < 0.8) or ``off_track``: the library's thresholds."""
    from ..analysis.reach import Status

    return status_key(Status.from_probability(probability).value)


def status_key(value: str) -> str:
    """A status as this package keys it: ``"on track"`` and ``"on_track"`` both give ``"on_track"``.

    ``gzsim.analysis`` spells statuses with spaces; the brief's contract uses
    underscores.  Every consumer goes through this, so either source works.
    """
    key = str(value).strip().lower().replace(" ", "_").replace("-", "_")
    if key not in STATUSES:
        raise ValueError(f"unknown status {value!r}; expected one of {', '.join(STATUSES)}")
    return key


def mark_unreachable(board: pd.DataFrame, ceilings: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """*board* with "off track" turned into "unreachable" where no lever setting reaches the target.

    *ceilings*: per scenario name, its :func:`gzsim.analysis.ceiling.lever_ceiling` table.
    """
    board = board.copy()
    for name, ceiling in ceilings.items():
        for r in ceiling.itertuples():
            if r.reachable:
                continue
            hit = (board["scenario"] == name) & (board["target"] == r.target) & (board["measure"] == r.measure)
            board.loc[hit & (board["status"].map(status_key) == "off_track"), "status"] = "unreachable"
    return board


def measure_name(target: Target) -> str:
    """``"level"``, ``"cumulative"`` or ``"cagr"`` (targets files before measures: level)."""
    return getattr(target, "measure", "level") or "level"


def board_row(board: pd.DataFrame, scenario: str, target: Target | str) -> pd.Series | None:
    """The scoreboard row of *scenario* and *target* (a Target, or ``"all_headline"``); None if absent."""
    rows = board[board["scenario"] == scenario]
    if isinstance(target, str):
        rows = rows[rows["target"] == target]
    else:
        rows = rows[(rows["target"] == target.id) & (rows["year"] == target.year)]
        if "measure" in rows.columns:
            rows = rows[rows["measure"].fillna("level") == measure_name(target)]
    return rows.iloc[0] if len(rows) else None


def _sample_rows(sim: Simulation, indicator: str) -> np.ndarray:
    """The indicator's paths of samples 1..N (the deterministic run when N = 0)."""
    values = np.asarray(sim.values[indicator], dtype=float)
    return values[1:] if values.shape[0] > 1 else values[:1]


def _measured(sim: Simulation, target: Target) -> np.ndarray:
    """The target's measure per sample (samples 1..N, or the deterministic run when N = 0)."""
    # The library's own definition of level / plan-period total / growth rate, as the app uses it.
    from ..analysis.common import target_values

    return np.asarray(target_values(target, _sample_rows(sim, target.id), np.asarray(sim.years)), dtype=float)


def _reach(simulations: Sequence[Simulation], targets: Iterable[Target]) -> pd.DataFrame:
    """Probability and status of each target per scenario, with ``gzsim.analysis.reach``'s columns.

    Parameters
    ----------
    simulations : sequence of Simulation
        One per scenario; samples 1..N are the ensemble (the deterministic
        run alone when N = 0, giving probability 0 or 1).
    targets : iterable of Target

    Returns
    -------
    pandas.DataFrame
        Columns ``scenario, target, year, measure, threshold, median, p05, p95,
        probability, status``; one row per scenario and target (median and
        percentiles of the target's measure: the level in its year, the
        plan-period total, or the growth rate as a fraction), then per
        scenario a row ``target == "all_headline"`` with the probability that
        every headline target is met in the same sample (year: the latest
        headline target year; threshold and quantiles NaN).
    """
    targets = list(targets)
    rows = []
    for sim in simulations:
        headline_met = None
        for target in targets:
            values = _measured(sim, target)
            met = met_target(target, values)
            with np.errstate(all="ignore"):
                p05, median, p95 = (np.nanquantile(values, [0.05, 0.5, 0.95]) if np.isfinite(values).any()
                                    else (np.nan,) * 3)
            probability = float(met.mean())
            rows.append((sim.scenario, target.id, target.year, measure_name(target), float(target.threshold),
                         float(median), float(p05), float(p95), probability, status_of(probability)))
            if target.headline:
                headline_met = met if headline_met is None else headline_met & met
        if headline_met is not None:
            probability = float(headline_met.mean())
            year = max(t.year for t in targets if t.headline)
            rows.append((sim.scenario, ALL_HEADLINE, year, "", np.nan, np.nan, np.nan, np.nan, probability,
                         status_of(probability)))
    frame = pd.DataFrame(rows, columns=REACH_COLUMNS)
    return frame.astype({"year": "int64", "probability": "float64"})


def scoreboard(simulations: Sequence[Simulation], targets: Iterable[Target]) -> pd.DataFrame:
    """The scoreboard of the brief (the one call site of the reach computation)."""
    return _reach(simulations, targets)


def meld_sentence(sim: Simulation, target: Target, lang: str, scenario_label: str) -> str | None:
    """The probability of *target* in *sim* with the reference class as a prior, next to the
    model's own, or why none is given (:mod:`gzsim.analysis.melded`); None for a target without
    a reference class.  From *sim*'s samples: no further run."""
    from ..analysis.melded import meld_target
    from .text import probability_text, template

    values = _measured(sim, target)
    ok = met_target(target, values)
    m = meld_target(target, _sample_rows(sim, target.id), np.asarray(sim.years), values, ok)
    if m is None:
        return None
    if m.usable:
        return template("meld", lang, scenario=scenario_label, melded=probability_text(m.probability, lang),
                        inside=probability_text(float(ok.mean()), lang))
    reason = template(f"meld_{m.refusal.value}", lang, n=m.samples)
    return template("meld_refused", lang, scenario=scenario_label, reason=reason)


def trust_sentences(model, scenario, sim: Simulation, targets: Iterable[Target], lang: str, *,
                    label: str | None = None) -> dict[Target, str]:
    """Per headline target: what drives its uncertainty in *sim* and its probability with the
    outside view as a prior (:func:`meld_sentence`; *label* names the scenario, default its name).

    The plain lines issue 12 asks of every briefing: where the uncertainty comes from (regime
    inputs, parameters the data do not identify, model error) and what the outside view makes of
    the answer.  How the model did in hindcasts is said once for all: :func:`hindcast_sentence`.
    """
    from ..analysis.drivers import acting_inputs, top_drivers

    if sim.draws is None or not len(sim.draws):
        return {}
    stop = "。" if lang == "zh" else "."
    out = {}
    for target in targets:
        if not target.headline:
            continue
        found = top_drivers(model, sim.draws, _measured(sim, target),
                            acting=acting_inputs(model, scenario, sim.draws, target.id))
        parts = []
        if found:
            parts.append("不确定性主要来自" + "；".join(d.text("zh") for d in found) + stop if lang == "zh" else
                         "Its uncertainty is driven mostly by " + "; ".join(d.text("en") for d in found) + stop)
        melded = meld_sentence(sim, target, lang, label or scenario.name)
        if melded:
            parts.append(melded)
        if not parts:
            continue
        out[target] = ("" if lang == "zh" else " ").join(parts)
    return out


def hindcast_sentence(model, lang: str) -> str:
    """How the calibration's forecasts did in the committed hindcasts, as one sentence ("" when
    there are none): said once in a brief, after the joint probability."""
    from ..backtest.report import coverage_line

    cal = model.calibration
    coverage = coverage_line(None if cal is None else cal.path, lang)
    return "" if not coverage else coverage + ("。" if lang == "zh" else ".")
