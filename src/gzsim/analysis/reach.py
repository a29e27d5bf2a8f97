"""Will we reach the targets?  Probability of meeting each target, per scenario.

For every target: the deterministic value, the median and 5th/95th
percentiles of the target's measure over the Monte-Carlo samples, the share
of samples meeting the target (its probability, with a Monte-Carlo standard
error), a :class:`Status`, and the plan-period outputs (value at the end of
the period, cumulative total, CAGR; medians over the samples).  One extra row
per scenario, ``target = "all_headline"``, gives the joint probability of
meeting every headline target in the same sample.

Outside view: per headline target whose indicator has a reference class
(:mod:`gzsim.outside_view`), the pace the samples imply over the plan period
(median over the samples: pp/year for R&D intensity, growth for counts), the
class's median and fastest paces, and whether the forecast lies beyond the
class (faster than its fastest or slower than its slowest region).

With ``outside_view=True``, a second view next to this inside view: the class as a prior on
what the post-2020 regime inputs imply, by Bayesian melding (:mod:`gzsim.outside_view.meld`).
Each headline target with a class gets the probability, median and 5th/95th percentiles of its
measure over the same samples reweighted by its own indicator's melding weights, and their
effective sample size (NaN numbers and a note, in English and Chinese, when the weighting is
refused; :mod:`.melded`).  The inside-view columns are unchanged.

Samples come from :meth:`gzsim.Model.draw`: the catalogue's uncertain
parameters (the calibration ensemble, once calibrated) and the scenario's
declared uncertainties.  The deterministic run (sample 0) is reported but not
counted.  With one seed every scenario gets the same draws of the catalogue
parameters (common random numbers).
"""

from __future__ import annotations

import enum
import os
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..outside_view import describe_pace, pace_check
from ..outside_view.meld import ALPHA, MIN_ESS, check_alpha, check_min_ess
from ..provenance import record, targets_hash
from ..scenario import require_distinct_names
from ..targets import Targets
from .common import (check_count, check_seed, met, resolve_targets, select_targets,
                     target_values)
from .distributed import Execution
from .drivers import acting_inputs, acting_inputs_of, top_drivers
from .melded import MELD_COLUMNS, NO_MELD, meld_target
from .plan_period import Measure, measure_of, period_for, plan_period_values
from .runner import BatchRunner

__all__ = ["Status", "reach", "reach_of_simulation", "pace_notes", "trust_notes", "meld_notes",
           "REACH_COLUMNS", "MELD_COLUMNS", "ALL_HEADLINE"]

ALL_HEADLINE = "all_headline"
REACH_COLUMNS = ["scenario", "target", "year", "measure", "direction", "threshold", "headline",
                 "deterministic", "median", "p05", "p95", "probability", "mc_se", "status",
                 "period", "end_value", "cumulative", "cagr", "samples",
                 "pace", "class_pace_median", "class_pace_max", "pace_beyond", "drivers",
                 "drivers_zh"]
# MELD_COLUMNS (from .melded) are added by ``outside_view=True``: the melded view.
_NO_PACE = {"pace": np.nan, "class_pace_median": np.nan, "class_pace_max": np.nan, "pace_beyond": None}


class Status(enum.Enum):
    """How likely a target is to be met."""

    ON_TRACK = "on track"
    """Probability >= 0.8."""
    AT_RISK = "at risk"
    """Probability in [0.4, 0.8)."""
    OFF_TRACK = "off track"
    """Probability < 0.4."""

    @classmethod
    def from_probability(cls, p: float) -> "Status":
        if p >= 0.8:
            return cls.ON_TRACK
        if p >= 0.4:
            return cls.AT_RISK
        return cls.OFF_TRACK


def _quantiles(x: np.ndarray) -> tuple[float, float, float]:
    if not np.isfinite(x).any():
        return (np.nan, np.nan, np.nan)
    q = np.nanquantile(x, [0.5, 0.05, 0.95])
    return float(q[0]), float(q[1]), float(q[2])


def _median(x: np.ndarray) -> float:
    return float(np.nanmedian(x)) if np.isfinite(x).any() else float("nan")


def _pace_columns(t: Any, values: np.ndarray, years: np.ndarray) -> dict[str, Any]:
    """The plan-period pace the samples imply next to the reference class (headline targets only)."""
    period = period_for(t)
    pos = {int(y): i for i, y in enumerate(years)}
    if not t.headline or period.base_year not in pos or period.end_year not in pos:
        return dict(_NO_PACE)
    check = pace_check(t.id, values[:, pos[period.base_year]], values[:, pos[period.end_year]],
                       years=period.end_year - period.base_year, start_year=period.base_year)
    if check is None:
        return dict(_NO_PACE)
    return {"pace": check.pace, "class_pace_median": check.class_median,
            "class_pace_max": check.class_max, "pace_beyond": check.beyond}


def _meld_columns(t: Any, indicator_values: np.ndarray, years: np.ndarray, values: np.ndarray,
                  ok: np.ndarray, *, alpha: float, min_ess: float) -> dict[str, Any]:
    """The target's measure over the samples reweighted by its indicator's melding weights."""
    m = meld_target(t, indicator_values, years, values, ok, alpha=alpha, min_ess=min_ess)
    return dict(NO_MELD) if m is None else m.columns()


def _driver_columns(model: Any, sc: Any, t: Any, draws: pd.DataFrame,
                    values: np.ndarray) -> dict[str, str]:
    """The inputs a headline target's value moves with most (see :mod:`.drivers`)."""
    if not t.headline or not len(draws):
        return {"drivers": "", "drivers_zh": ""}
    found = top_drivers(model, draws, values, acting=acting_inputs(model, sc, draws, t.id))
    return {"drivers": "; ".join(d.text("en") for d in found),
            "drivers_zh": "；".join(d.text("zh") for d in found)}


def _who(row: Any, labels: dict[str, str] | None) -> str:
    """How a note names its target: the target's label when given, else scenario and id."""
    return labels.get(row.target, row.target) if labels else f"{row.scenario} {row.target}"


def trust_notes(table: pd.DataFrame, lang: str = "en", coverage: str | None = None,
                labels: dict[str, str] | None = None) -> list[str]:
    """One plain line per headline target on what drives its uncertainty, then one on the
    hindcast coverage (*coverage*, e.g. from :func:`gzsim.backtest.report.coverage_line`).
    *labels* (target id -> label) name the targets of a one-scenario table."""
    lines = []
    for row in table[table["drivers"].fillna("") != ""].itertuples(index=False):
        drivers = row.drivers_zh if lang == "zh" else row.drivers
        lines.append(f"{_who(row, labels)}：不确定性主要来自{drivers}。" if lang == "zh" else
                     f"{_who(row, labels)}: Uncertainty driven mostly by {drivers}.")
    if lines and coverage:
        lines.append(coverage + ("。" if lang == "zh" else "."))
    return lines


def pace_notes(table: pd.DataFrame, lang: str = "en", labels: dict[str, str] | None = None) -> list[str]:
    """One line per row of a reach table with a pace: the forecast's pace next to the class."""
    lines = []
    for row in table[table["pace"].notna()].itertuples(index=False):
        first, end = (int(x) for x in row.period.split("-"))
        check = describe_pace(row.target, float(row.pace), start_year=first - 1, years=end - first + 1)
        if check is not None:
            text = check.text_zh if lang == "zh" else check.text_en
            lines.append(f"{_who(row, labels)}{'：' if lang == 'zh' else ': '}{text}")
    return lines


def _num(x: float) -> str:
    """A target value in a note: whole numbers from 100 on, else two decimals (2.16 %, 1,893 firms)."""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.2f}"


def meld_notes(table: pd.DataFrame, lang: str = "en", labels: dict[str, str] | None = None, *,
               probability: Callable[[float], str] | None = None) -> list[str]:
    """One line per row of a reach table with a melded view: the melded probability next to the
    inside one, or why it is not shown (in *lang*, "en" or "zh").  *probability* writes a
    probability (default: two decimals, as the command line's table shows them; the app gives
    its percentages)."""
    if "ess_melded" not in table:
        return []
    if lang not in ("en", "zh"):
        raise UsageError(f"language must be 'en' or 'zh', not {lang!r}")
    melded = (table["ess_melded"].notna() | (table["meld_note"].fillna("") != "")).to_numpy()
    write = probability or (lambda p: f"{p:.2f}")
    # only the columns a line reads: the app writes these lines on every slider move
    rows = table.loc[melded, ["scenario", "target", "probability", "median", "samples", *MELD_COLUMNS]]
    return [_meld_line(row, lang, labels, write) for row in rows.itertuples(index=False)]


def _meld_line(row: Any, lang: str, labels: dict[str, str] | None, write: Callable[[float], str]) -> str:
    if lang == "zh":
        if row.meld_note:
            return f"{_who(row, labels)}：以参照类为先验（外部视角）的结果{row.meld_note_zh}"
        zh = lambda p: write(p).replace(" %", "%")  # noqa: E731 (Chinese text sets no space before %)
        return (f"{_who(row, labels)}：以参照类为先验（外部视角），实现概率为{zh(row.probability_melded)}"
                f"（内部视角{zh(row.probability)}），中位数为{_num(row.median_melded)}（内部视角"
                f"{_num(row.median)}），有效样本量{row.ess_melded:.0f}（共{row.samples}次模拟）")
    if row.meld_note:
        text = f"With the outside view as a prior: not shown, {row.meld_note}"
    else:
        text = (f"With the outside view as a prior: P = {write(row.probability_melded)} "
                f"(inside view {write(row.probability)}), median {_num(row.median_melded)} "
                f"(inside view {_num(row.median)}), effective sample size {row.ess_melded:.0f} "
                f"of {row.samples}")
    return f"{_who(row, labels)}: {text}"


def _scenario_rows(runner: BatchRunner, sc: Any, targets: Targets, *, samples: int, seed: int,
                   year: int | None, meld_options: dict[str, float] | None) -> list[dict[str, Any]]:
    model = runner.model
    chosen = select_targets(targets, year=year, years=model.years)
    ids = list(dict.fromkeys(t.id for t in chosen))
    draws = model.draw(sc, samples, np.random.default_rng(seed))
    det = runner.run(sc, n=1, indicators=ids, desc=f"reach {sc.name}")
    mc = runner.run(sc, draws=draws, indicators=ids, desc=f"reach {sc.name}")
    return _rows(model, sc, chosen, det, mc, draws, runner.years, meld_options)


def _rows(model: Any, sc: Any, chosen: Sequence[Any], det: dict[str, np.ndarray], mc: dict[str, np.ndarray],
          draws: pd.DataFrame, years: np.ndarray,
          meld_options: dict[str, float] | None = None) -> list[dict[str, Any]]:
    """The rows of one scenario from its deterministic run *det* and its samples *mc* (of *draws*)."""
    samples = len(draws)
    # what drives each headline target: one batch for all of them (the runs are the same)
    acting_inputs_of(model, sc, draws, list(dict.fromkeys(t.id for t in chosen if t.headline)))
    rows = []
    joint = np.ones(samples, dtype=bool)
    headline = []
    for t in chosen:
        measure, period = measure_of(t), period_for(t)
        values = target_values(t, mc[t.id], years)
        ok = met(t, values)
        p = float(ok.mean())
        median, p05, p95 = _quantiles(values)
        plan = plan_period_values(mc[t.id], years, period)
        if t.headline:
            joint &= ok
            headline.append(t)
        rows.append({
            "scenario": sc.name, "target": t.id, "year": t.year, "measure": measure.value,
            "direction": t.direction, "threshold": float(t.threshold), "headline": bool(t.headline),
            "deterministic": float(target_values(t, det[t.id], years)[0]),
            "median": median, "p05": p05, "p95": p95, "probability": p,
            "mc_se": float(np.sqrt(p * (1 - p) / samples)),
            "status": Status.from_probability(p).value, "period": period.label,
            "end_value": _median(plan[Measure.LEVEL]), "cumulative": _median(plan[Measure.CUMULATIVE]),
            "cagr": _median(plan[Measure.CAGR]), "samples": samples,
            **_pace_columns(t, mc[t.id], years),
            **_driver_columns(model, sc, t, draws, values),
            **({} if meld_options is None else
               _meld_columns(t, mc[t.id], years, values, ok, **meld_options)),
        })
    if headline:
        p = float(joint.mean())
        det_all = all(bool(met(t, target_values(t, det[t.id], years))[0]) for t in headline)
        rows.append({
            "scenario": sc.name, "target": ALL_HEADLINE, "year": max(t.year for t in headline),
            "measure": "joint", "direction": "", "threshold": float("nan"), "headline": True,
            "deterministic": float(det_all), "median": float("nan"), "p05": float("nan"),
            "p95": float("nan"), "probability": p, "mc_se": float(np.sqrt(p * (1 - p) / samples)),
            "status": Status.from_probability(p).value, "period": "", "end_value": float("nan"),
            "cumulative": float("nan"), "cagr": float("nan"), "samples": samples, **_NO_PACE,
            "drivers": "", "drivers_zh": "", **({} if meld_options is None else NO_MELD),
        })
    return rows


def reach(model: Any, scenarios: Sequence[Any], *, samples: int = 1000, seed: int,
          year: int | None = None, targets: Targets | str | os.PathLike | None = None,
          execution: Execution | None = None, outside_view: bool = False, alpha: float = ALPHA,
          min_ess: float = MIN_ESS) -> pd.DataFrame:
    """Probability of meeting each target, per scenario.

    Parameters
    ----------
    model : gzsim.Model
    scenarios : sequence of ResolvedScenario
    samples : int
        Monte-Carlo samples (>= 1) besides the deterministic run.
    seed : int
        Seed of ``numpy.random.default_rng``; each scenario gets a generator
        with this seed (common random numbers).
    year : int, optional
        Replaces every target's year (must be one of ``model.years``).
    targets : Targets or path, optional
        Default: each scenario's own targets.
    execution : Execution, optional
        Local (default) or a Dask cluster; results are identical.
    outside_view : bool
        Add :data:`MELD_COLUMNS`: the reference class as a prior, by Bayesian melding.
    alpha, min_ess : float
        Pooling weight of the model and the fewest effective samples shown
        (:mod:`gzsim.outside_view.meld`; used with *outside_view* only).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`REACH_COLUMNS`: per scenario one row per target, then
        the ``all_headline`` row.  ``deterministic`` is the measure in the
        deterministic run (for ``all_headline``: 1.0 if it meets all headline
        targets).  ``end_value``, ``cumulative`` and ``cagr`` are medians over
        the samples of the plan-period outputs (CAGR as a fraction per year).
        ``pace``, ``class_pace_median``, ``class_pace_max``, ``pace_beyond``: the outside view
        of headline targets with a reference class (NaN / missing otherwise; see the module
        docstring).  With *outside_view*, then :data:`MELD_COLUMNS`.  ``attrs`` hold the provenance.

    Raises
    ------
    UsageError
        Bad samples/seed/year, scenarios without targets, duplicate names.
    """
    samples = check_count(samples, "samples", minimum=1)
    seed = check_seed(seed)
    require_distinct_names(list(scenarios))
    runner = BatchRunner(model, execution)
    resolved = [(sc, resolve_targets(sc, targets, model.catalogue)) for sc in scenarios]
    for sc, tg in resolved:  # check every scenario's targets before running anything
        select_targets(tg, year=year, years=model.years)
    meld_options = _meld_options(outside_view, alpha, min_ess)
    rows = []
    for sc, tg in resolved:
        rows.extend(_scenario_rows(runner, sc, tg, samples=samples, seed=seed, year=year,
                                   meld_options=meld_options))
    return _table(model, rows, resolved, seed=seed, samples=samples, year=year,
                  meld_options=meld_options)


def _meld_options(outside_view: bool, alpha: float, min_ess: float) -> dict[str, float] | None:
    """The checked melding options, or None without the outside view."""
    if not outside_view:
        return None
    return {"alpha": check_alpha(alpha), "min_ess": check_min_ess(min_ess)}


def _table(model: Any, rows: list[dict[str, Any]], resolved: list[tuple[Any, Targets]], *, seed: int,
           samples: int, year: int | None, meld_options: dict[str, float] | None = None) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=REACH_COLUMNS + (MELD_COLUMNS if meld_options else []))
    table["pace_beyond"] = table["pace_beyond"].astype("boolean")  # missing where no class
    table.attrs = record(model, [sc for sc, _ in resolved], analysis="reach", seed=seed, samples=samples,
                         year=year, **({"outside_view": meld_options} if meld_options else {}),
                         targets={sc.name: tg.name for sc, tg in resolved},
                         targets_sha256={sc.name: targets_hash(select_targets(tg, year=year, years=model.years))
                                         for sc, tg in resolved})
    return table


def reach_of_simulation(model: Any, scenario: Any, simulation: Any, *, seed: int, year: int | None = None,
                        targets: Targets | str | os.PathLike | None = None, outside_view: bool = False,
                        alpha: float = ALPHA, min_ess: float = MIN_ESS) -> pd.DataFrame:
    """:func:`reach` of one scenario from its ``model.simulate(scenario, samples=N, seed=seed)`` run.

    The same table as ``reach(model, [scenario], samples=N, seed=seed)`` (the same draws and
    runs), without running the model again: a caller that also needs the sample paths (the
    app's charts) runs the batch once.  *seed* is the seed *simulation* was made with (it is
    recorded in the provenance; the values come from *simulation*).  *outside_view*, *alpha*
    and *min_ess* as in :func:`reach`: the melded view is read from the same runs.

    Raises
    ------
    UsageError
        *simulation* without samples, with other years than the model's, or without a
        target's indicator; bad seed or year.
    """
    seed = check_seed(seed)
    meld_options = _meld_options(outside_view, alpha, min_ess)
    samples = len(simulation.draws)
    if samples < 1 or any(len(v) != samples + 1 for v in simulation.values.values()):
        raise UsageError("reach needs a simulation with Monte-Carlo samples (model.simulate(..., samples=N, "
                         "seed=...), N >= 1)")
    if not np.array_equal(np.asarray(simulation.years), np.asarray(model.years)):
        raise UsageError("the simulation's years are not the model's: run it with this model")
    tg = resolve_targets(scenario, targets, model.catalogue)
    chosen = select_targets(tg, year=year, years=model.years)
    missing = sorted({t.id for t in chosen} - set(simulation.values))
    if missing:
        raise UsageError(f"the simulation has no values of {', '.join(missing)}: simulate every target's indicator")
    ids = list(dict.fromkeys(t.id for t in chosen))
    det = {i: simulation.values[i][:1] for i in ids}
    mc = {i: simulation.values[i][1:] for i in ids}
    rows = _rows(model, scenario, chosen, det, mc, simulation.draws, np.asarray(model.years, dtype=np.int64),
                 meld_options)
    return _table(model, rows, [(scenario, tg)], seed=seed, samples=samples, year=year,
                  meld_options=meld_options)
