"""What would it take?  The least-effort lever settings meeting targets with a given probability.

Decision variables: the chosen levers within their catalogue ``[min, max]``.
A lever the scenario sets to a constant becomes another constant from the
policy start; a lever the scenario sets as a time path keeps the path's
shape, scaled so that its value in the plan period's last year is the
decision variable (a path ending at 0 becomes a constant; scaled values are
clipped to the lever's range).  So the scenario itself is one of the candidates.
Default levers: every policy lever (catalogue ``kind``), so not the scenario
inputs such as ``gdp_growth`` and ``super_deduction`` (the economy and national
tax policy are not municipal levers), and not the levers the scenario declares
uncertain (they are drawn).

Constraint: the share of a fixed set of seeded common draws
(``model.draw``) in which *all* chosen targets are met is at least P.  Fixed
draws make the constraint a deterministic function of the settings.

Effort (minimised): ``cost + distance_price * distance`` where

* cost: the change in total 2021-2025 fiscal cost in 亿元, the sum over the
  plan-period years of every lever ``cost`` variable (all of the catalogue's,
  since a lever can change another's outlay: more R&D means more R&D
  post-subsidy), under the setting minus under the scenario, averaged over
  the draws.  It can be negative (a setting that spends less);
* distance: for the chosen levers *without* a cost, the sum of
  ``|x - x_scenario| / (max - min)`` (for a path: its end-year value);
* distance_price: 亿元 of effort per full-range move of a cost-free lever
  (default 1.0 亿元): an explicit exchange rate, so cost-free levers are
  used first but not moved for nothing.

Method: penalty formulation ``effort + M * (P - P(x))+`` (M = 1e6 亿元 per
unit of probability, plus a small pull toward the deficit while infeasible
and a tiny pull of every lever toward the scenario, so levers without effect
stay put) solved with ``scipy.optimize.differential_evolution`` (vectorised:
a whole population times the draws in one batch; population max(12, 2 k),
at most 100 generations and 600,000 runs), seeded with the scenario point
and the "most favourable" corner found by screening each lever's bounds,
then refined by a coordinate search (bounds, scenario value, shrinking local
steps).  The result is the best setting found, not a proven optimum.  If even the best setting
found stays below P, the result says so, with the best probability found and
the levers that sit at a bound (binding).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .._toml import suggest
from ..errors import UsageError
from ..sampling import MAX_DRAWS, check_sample_count
from ..provenance import record, targets_hash
from ..targets import Targets
from ..timepaths import values_at
from .common import (check_count, check_probability, check_seed, met,
                     resolve_targets, select_targets, target_values)
from .distributed import Execution
from .plan_period import Measure, PlanPeriod, plan_period_values, period_for
from .progress import progress_bar
from .runner import BatchRunner

__all__ = ["GoalSeekResult", "goalseek", "default_decision_levers"]

_PENALTY = 1e6  # 亿元 per unit of probability short: larger than any cost
_TIE = 1e-3     # 亿元 per full-range move of any lever: brings levers without effect back to the scenario


@dataclass(frozen=True)
class GoalSeekResult:
    """The outcome of :func:`goalseek`.

    Attributes
    ----------
    reachable : bool
    probability : float
        Joint probability of meeting the chosen targets at :attr:`settings`.
    required : float
    cost : float
        Change in 2021-2025 fiscal cost, 亿元 (mean over the draws).
    distance : float
        Normalised distance moved by cost-free levers.
    effort : float
        ``cost + distance_price * distance``.
    settings : pandas.DataFrame
        Per decision lever: ``lever, unit, setting, has_cost, scenario_value, value, min, max,
        at_bound, binding`` (``setting``: a constant from the policy start, or the scenario's time
        path scaled so that its end-year value is ``value``; ``scenario_value``: the scenario's constant or
        end-year value; ``binding``: moved to a bound).
    targets : pandas.DataFrame
        Per chosen target at the setting: ``target, year, threshold, probability, median,
        end_value, cumulative, cagr``.
    message : str
        One line for the analyst.
    """

    scenario: str
    reachable: bool
    probability: float
    required: float
    cost: float
    distance: float
    effort: float
    settings: pd.DataFrame
    targets: pd.DataFrame
    message: str
    attrs: dict = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """One flat frame for ``--out``: the settings then the targets, with the summary repeated."""
        settings = self.settings.assign(kind="lever")
        targets = self.targets.rename(columns={"target": "lever"}).assign(kind="target")
        out = pd.concat([settings, targets], ignore_index=True)
        summary = {"scenario": self.scenario, "reachable": self.reachable, "required": self.required,
                   "joint_probability": self.probability, "cost": self.cost, "distance": self.distance,
                   "effort": self.effort}
        out = pd.concat([pd.DataFrame({k: [v] * len(out) for k, v in summary.items()}), out], axis=1)
        out.attrs = dict(self.attrs)
        return out


def default_decision_levers(model: Any, scenario: Any) -> list[str]:
    """Every policy lever (not a scenario input) that the scenario does not draw."""
    return [lv.id for lv in model.catalogue.levers
            if lv.kind == "policy" and lv.id not in scenario.uncertainty]


class _Problem:
    """Evaluates candidate settings (rows) on the fixed draws."""

    def __init__(self, runner: BatchRunner, sc: Any, targets: list, levers: list, draws: pd.DataFrame,
                 period: PlanPeriod, distance_price: float, allow_cuts: bool) -> None:
        self.runner, self.sc, self.targets, self.draws = runner, sc, targets, draws
        cat = runner.model.catalogue
        self.levers = [cat.lever(i) for i in levers]
        self.lo = np.array([lv.min for lv in self.levers])
        self.hi = np.array([lv.max for lv in self.levers])
        # A full-range move of each lever (the catalogue's range; never 0, so no 0/0 below).
        self.span = np.where(self.hi > self.lo, self.hi - self.lo, 1.0)
        self.cost_vars = list(dict.fromkeys(runner.spelled(lv.cost, what=f"cost of lever '{lv.id}'")
                                            for lv in cat.levers if lv.cost))
        self.has_cost = np.array([bool(lv.cost) for lv in self.levers])
        self.years_pos = np.searchsorted(runner.years, period.years)
        self.period = period
        # A lever set as a time path keeps its shape: the decision variable is its value in the
        # period's end year and the path is scaled to it.  A constant (or a path ending at 0) is
        # replaced by a constant from the policy start.
        self.paths: dict[int, tuple[np.ndarray, float]] = {}
        ref = []
        for j, lv in enumerate(self.levers):
            value = sc.levers[lv.id]
            if isinstance(value, float):
                ref.append(value)
                continue
            end = float(values_at(value, np.array([float(period.end_year)]))[0])
            if end != 0:
                self.paths[j] = (values_at(value, runner.model.times), end)
                ref.append(end)
            else:
                ref.append(float(np.mean(values_at(value, period.years.astype(float)))))
        self.ref = np.array(ref)
        self.price = distance_price
        if not allow_cuts:  # levers with a cost may only rise from the scenario's value
            self.lo = np.where(self.has_cost, np.clip(self.ref, self.lo, self.hi), self.lo)
        self.ids = list(dict.fromkeys(t.id for t in targets))
        self.evaluations = 0
        base = runner.run(sc, draws=draws, indicators=self.ids, variables=self.cost_vars, desc="goalseek")
        self.ref_cost = self._cost(base, 1).item()
        self.scenario_eval = self._summarise(base, 1)

    def _cost(self, out: dict, s: int) -> np.ndarray:
        total = sum(out[v][:, self.years_pos].sum(axis=1) for v in self.cost_vars) if self.cost_vars \
            else np.zeros(s * len(self.draws))
        return np.asarray(total).reshape(s, len(self.draws)).mean(axis=1)

    def _summarise(self, out: dict, s: int) -> dict[str, np.ndarray]:
        nd = len(self.draws)
        joint = np.ones((s, nd), dtype=bool)
        deficit = np.zeros((s, nd))
        for t in self.targets:
            v = target_values(t, out[t.id], self.runner.years).reshape(s, nd)
            joint &= met(t, v)
            sign = -1.0 if t.direction == "at_most" else 1.0
            slack = sign * (v - t.threshold) / max(abs(t.threshold), 1e-12)
            deficit += np.nan_to_num(np.maximum(-slack, 0.0), nan=1.0)
        return {"p": joint.mean(axis=1), "deficit": deficit.mean(axis=1)}

    def run(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Evaluate settings *x* (s, k): probability, cost, distance, effort, objective."""
        x = np.clip(np.atleast_2d(x), self.lo, self.hi)
        s, nd = len(x), len(self.draws)
        levers = {lv.id: self.lever_input(j, x[:, j], nd) for j in range(len(self.levers))
                  for lv in [self.levers[j]]}
        draws = pd.DataFrame(np.tile(self.draws.to_numpy(), (s, 1)), columns=self.draws.columns)
        out = self.runner.run(self.sc, levers=levers, draws=draws if len(draws.columns) else None,
                              indicators=self.ids, variables=self.cost_vars, desc="goalseek")
        self.evaluations += s * nd
        res = self._summarise(out, s)
        res["cost"] = self._cost(out, s) - self.ref_cost
        free = ~self.has_cost
        res["distance"] = (np.abs(x - self.ref)[:, free] / self.span[free]).sum(axis=1)
        res["effort"] = res["cost"] + self.price * res["distance"]
        res["moved"] = (np.abs(x - self.ref) / self.span).sum(axis=1)
        res["x"] = x
        return res

    def lever_input(self, j: int, values: np.ndarray, nd: int) -> np.ndarray:
        """Engine input of decision lever *j* at *values* (one per setting), repeated over *nd* draws."""
        values = np.repeat(values, nd)
        if j not in self.paths:
            return values
        path, end = self.paths[j]
        return np.clip(path[None] * (values / end)[:, None], self.lo[j], self.hi[j])

    def describe(self, j: int) -> str:
        if j in self.paths:
            return f"path scaled to its {self.period.end_year} value"
        return f"constant from {self.period.base_year + 1}"

    def objective(self, res: dict, required: float) -> np.ndarray:
        short = np.maximum(required - res["p"], 0.0)
        return res["effort"] + _TIE * res["moved"] + _PENALTY * (short + 0.01 * res["deficit"] * (short > 0))


def _refine(problem: _Problem, x: np.ndarray, required: float, *, passes: int, bar,
            free: np.ndarray) -> np.ndarray:
    """Coordinate search on all draws: per free lever, its bounds, the scenario's value and a shrinking local grid."""
    width = (problem.hi - problem.lo) / 10
    steps = np.array([-1.0, -0.5, -0.25, 0.25, 0.5, 1.0])
    best = problem.objective(problem.run(x[None]), required)[0]
    for _ in range(passes):
        improved = False
        for j in np.flatnonzero(free):
            cand_vals = np.unique(np.clip(np.concatenate([[problem.lo[j], problem.hi[j], problem.ref[j]],
                                                          x[j] + width[j] * steps]),
                                          problem.lo[j], problem.hi[j]))
            cand_vals = cand_vals[cand_vals != x[j]]
            if not len(cand_vals):  # nothing else to try for this lever
                continue
            cands = np.repeat(x[None], len(cand_vals), axis=0)
            cands[:, j] = cand_vals
            obj = problem.objective(problem.run(cands), required)
            i = int(np.argmin(obj))
            if obj[i] < best - 1e-9:
                best, x, improved = obj[i], cands[i], True
        bar.update(1)
        if not improved:
            width = width / 4
        if np.all(width[free] < 1e-4 * (problem.hi - problem.lo)[free]):
            break
    return x


def _search(problem: _Problem, x0: np.ndarray, free: np.ndarray, required: float, *, seed: int,
            popsize: int | None, maxiter: int, budget: int, draws: int, progress: bool) -> np.ndarray:
    """Differential evolution over the free levers (the others stay at *x0*), then a coordinate search."""
    idx = np.flatnonzero(free)
    k = len(idx)
    size = popsize or max(12, 2 * k)
    passes = 8
    maxiter = min(maxiter, budget // (size * draws))
    bar = progress_bar(total=maxiter + passes, desc="goalseek", enabled=progress, unit="step")
    lo, hi = problem.lo[idx], problem.hi[idx]

    def full(xs: np.ndarray) -> np.ndarray:  # settings of the free levers -> settings of all
        out = np.repeat(x0[None], len(xs), axis=0)
        out[:, idx] = xs
        return out

    # screening: each free lever at its bounds, the others at the scenario's values
    screen = np.repeat(x0[idx][None], 2 * k, axis=0)
    screen[np.arange(k), np.arange(k)] = lo
    screen[k + np.arange(k), np.arange(k)] = hi
    sres = problem.run(full(screen))
    score = sres["p"] - 0.01 * sres["deficit"]
    corner = np.where(score[k:] >= score[:k], hi, lo)
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    init = lo + rng.random((size, k)) * (hi - lo)
    init[0], init[1] = x0[idx], corner

    def fun(xt: np.ndarray) -> np.ndarray:
        return problem.objective(problem.run(full(xt.T)), required)

    best = corner
    if maxiter > 0:
        from scipy.optimize import differential_evolution  # scipy.stats/optimize load slowly: only when used
        opt = differential_evolution(fun, list(zip(lo, hi)), vectorized=True, updating="deferred", init=init,
                                     maxiter=maxiter, polish=False, rng=rng, tol=1e-6,
                                     callback=lambda *a, **kw: bar.update(1))
        best = opt.x
    x = _refine(problem, full(np.atleast_2d(best))[0], required, passes=passes, bar=bar, free=free)
    bar.close()
    return x


def goalseek(model: Any, scenario: Any, *, probability: float, target_ids: Sequence[str] | None = None,
             levers: Sequence[str] | None = None, draws: int = 500, seed: int = 0,
             allow_cuts: bool = False,
             distance_price: float = 1.0, maxiter: int = 100, popsize: int | None = None,
             budget: int = 600_000,
             year: int | None = None, targets: Targets | str | os.PathLike | None = None,
             execution: Execution | None = None) -> GoalSeekResult:
    """Least-effort lever settings meeting the chosen targets jointly with probability >= *probability*.

    Parameters
    ----------
    model : gzsim.Model
    scenario : ResolvedScenario
    probability : float
        Required joint probability, in (0, 1].
    target_ids : sequence of str, optional
        Targets to meet (default: the headline targets).
    levers : sequence of str, optional
        Decision levers (default :func:`default_decision_levers`).
    draws : int
        Common draws the probability is estimated on (seeded, fixed).
    allow_cuts : bool
        Let levers with a cost go below the scenario's value (savings count as
        negative cost).  False keeps them at or above it.
    seed : int
    distance_price : float
        亿元 of effort per full-range move of a lever without a cost.
    maxiter, popsize : int
        Differential-evolution generations and population size (default 2 per lever, >= 12).
    budget : int
        Most model runs the differential evolution may use (population x
        draws x generations); fewer generations than *maxiter* when needed.
        600,000 runs take about 6 s on the Ganzhou model.
    year : int, optional
        Replaces the targets' year.
    targets : Targets or path, optional
    execution : Execution, optional

    Returns
    -------
    GoalSeekResult

    Raises
    ------
    UsageError
        Bad probability, unknown target or lever, a decision lever the scenario draws.
    """
    required = check_probability(probability)
    draws = check_count(draws, "draws", minimum=1)
    seed = check_seed(seed)
    maxiter = check_count(maxiter, "maxiter", minimum=0)
    budget = check_count(budget, "budget", minimum=1)
    if not (np.isfinite(distance_price) and distance_price >= 0):
        raise UsageError(f"distance price must be >= 0, got {distance_price!r}")
    cat = model.catalogue
    chosen = select_targets(resolve_targets(scenario, targets, cat), ids=target_ids, year=year,
                            years=model.years, headline_default=True)
    ids = list(levers) if levers else default_decision_levers(model, scenario)
    problems = [f"lever '{i}' is unknown{suggest(i, cat.lever_ids)}" for i in ids if i not in cat.lever_ids]
    problems += [f"lever '{i}' is drawn in scenario '{scenario.name}' ([uncertainty]); it cannot be "
                 f"a decision lever" for i in ids if i in scenario.uncertainty]
    if problems:
        raise UsageError("; ".join(problems))
    if not ids:
        raise UsageError("no decision levers")
    # One batch evaluates the whole population on every draw: refuse a size beyond memory first.
    popsize = None if popsize is None else check_count(popsize, "popsize", minimum=1)
    check_sample_count(draws, name="draws", limit=MAX_DRAWS, runs_each=popsize or max(12, 2 * len(ids)))
    period = PlanPeriod(cat.policy_start - 1, max(t.year for t in chosen))
    runner = BatchRunner(model, execution)
    common = model.draw(scenario, draws, np.random.default_rng(seed))
    problem = _Problem(runner, scenario, chosen, ids, common, period, float(distance_price),
                       bool(allow_cuts))
    k = len(ids)
    if problem.scenario_eval["p"][0] >= required:
        x = problem.ref.copy()
        res = {"p": problem.scenario_eval["p"], "cost": np.zeros(1), "distance": np.zeros(1),
               "effort": np.zeros(1)}
        note = "the scenario itself already meets it"
        out_levers, out_draws = None, common
    else:
        # A lever whose allowed range is a single value (e.g. a costly lever the scenario already
        # sets at its maximum, with no cuts allowed) is fixed, not a decision variable.
        free = problem.hi > problem.lo
        x = np.clip(problem.ref, problem.lo, problem.hi)
        if free.any():
            x = _search(problem, x, free, required, seed=seed, popsize=popsize, maxiter=maxiter,
                        budget=budget, draws=draws, progress=runner.execution.progress)
        res = problem.run(x[None])
        note = "" if free.any() else "no decision lever can move (each is at the end of its allowed range)"
        out_levers = {lv.id: problem.lever_input(j, np.array([x[j]]), draws)
                      for j, lv in enumerate(problem.levers)}
        out_draws = common
    # per-target outcome at the setting
    out = runner.run(scenario, levers=out_levers, draws=out_draws if len(common.columns) else None,
                     n=draws, indicators=problem.ids, desc="goalseek")
    trows = []
    for t in chosen:
        v = target_values(t, out[t.id], runner.years)
        plan = plan_period_values(out[t.id], runner.years, period_for(t))
        trows.append({"target": t.id, "year": t.year, "threshold": float(t.threshold),
                      "probability": float(met(t, v).mean()), "median": float(np.nanmedian(v)),
                      "end_value": float(np.nanmedian(plan[Measure.LEVEL])),
                      "cumulative": float(np.nanmedian(plan[Measure.CUMULATIVE])),
                      "cagr": float(np.nanmedian(plan[Measure.CAGR]))})
    # Bounds are the catalogue's range: the scenario's own value (the floor without cuts) is not one.
    cat_lo = np.array([lv.min for lv in problem.levers])
    cat_hi = np.array([lv.max for lv in problem.levers])
    tol = 1e-3 * problem.span
    at_lo, at_hi = np.abs(x - cat_lo) <= tol, np.abs(x - cat_hi) <= tol
    moved = np.abs(x - problem.ref) > tol
    p = float(res["p"][0])
    reachable = p >= required
    settings = pd.DataFrame({
        "lever": ids, "unit": [lv.unit for lv in problem.levers],
        "setting": [problem.describe(j) for j in range(k)], "has_cost": problem.has_cost,
        "scenario_value": problem.ref, "value": x, "min": problem.lo, "max": problem.hi,
        "at_bound": np.where(at_lo, "min", np.where(at_hi, "max", "")),
        "moved": moved,
    })
    # binding: at a bound of its range that it was moved to, or could not leave (fixed there)
    settings["binding"] = (settings["at_bound"] != "") & (moved | (problem.hi <= problem.lo))
    binding = ", ".join(f"{r.lever}={r.at_bound}" for r in settings.itertuples() if r.binding) or "none"
    if reachable:
        to_bound = ", ".join(f"{r.lever}={r.at_bound}" for r in settings.itertuples()
                             if r.moved and r.at_bound) or "none"
        message = (f"reachable: joint probability {p:.0%} >= {required:.0%} at a 2021-{period.end_year} cost of "
                   f"{float(res['cost'][0]):.2f} 亿元 and distance {float(res['distance'][0]):.3f}"
                   f"{'; ' + note if note else ''}; levers moved to a bound: {to_bound}")
    else:
        message = (f"not reachable within the lever ranges: best joint probability found {p:.0%} "
                   f"< {required:.0%}{'; ' + note if note else ''}; binding levers: {binding}")
    attrs = record(model, [scenario], analysis="goalseek", seed=seed, samples=draws, draws=draws,
                       required=required, targets=[t.id for t in chosen], targets_sha256=targets_hash(chosen),
                       decision_levers=ids, distance_price=distance_price, allow_cuts=bool(allow_cuts),
                       evaluations=problem.evaluations, period=period.label,
                       cost_variables=problem.cost_vars)
    return GoalSeekResult(scenario.name, bool(reachable), p, required, float(res["cost"][0]),
                          float(res["distance"][0]), float(res["effort"][0]), settings,
                          pd.DataFrame(trows), message, attrs)
