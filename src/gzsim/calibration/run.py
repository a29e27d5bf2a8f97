"""The calibration pipeline: estimate, fit statistics, profiles, ensemble, outlook.

:func:`calibrate` runs every step in memory and returns a :class:`Result`;
:func:`gzsim.calibration.report.write_outputs` writes it.  One seed drives
everything (differential evolution and the MCMC get independent streams
from ``numpy.random.SeedSequence(seed)``), so the same seed gives the same
numbers.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from ..catalogue import vensim_key
from ..targets import load_targets
from .ensemble import Chain, run_sampler
from .objective import Objective
from .optimise import Estimate, estimate, local_least_squares
from .profile import THRESHOLD, Profile, profile_all
from .settings import Settings, load_settings
from .setup import Setup, prepare
from .statistics import bound_checks, fit_table

__all__ = ["Result", "calibrate", "central_member"]


@dataclass
class Result:
    """Everything a calibration produced (see :func:`calibrate`).

    Attributes
    ----------
    estimate : Estimate
        The maximum a posteriori point estimate.
    ml_theta, ml_nll : numpy.ndarray, float
        The maximum-likelihood fit (start of the profiles) and its negative log-likelihood.
    predictions : numpy.ndarray
        Model-side value of every observation at the point estimate.
    fit, bounds : pandas.DataFrame
        Fit statistics per series; one-sided observations checked.
    times : numpy.ndarray
        Times of ``point_paths`` and ``ensemble_paths`` (the whole simulation).
    point_paths, ensemble_paths : dict
        Vensim name -> ``(T,)`` at the point estimate / ``(n_sets, T)`` over the ensemble.
    held : pandas.DataFrame
        Catalogue uncertain parameters not freed: their model value and how
        much setting them to their prior's ends changes the fit.
    outlook : pandas.DataFrame
        Indicators in the outlook year: point value, ensemble quantiles, target.
    """

    setup: Setup
    seed: int
    estimate: Estimate
    ml_theta: np.ndarray
    ml_nll: float
    profiles: list[Profile]
    chain: Chain
    predictions: np.ndarray
    fit: pd.DataFrame
    bounds: pd.DataFrame
    times: np.ndarray
    point_paths: dict
    ensemble_paths: dict
    held: pd.DataFrame
    outlook: pd.DataFrame
    n_evals: int
    seconds: dict = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        return self.setup.settings

    @property
    def posterior(self) -> pd.DataFrame:
        """The ensemble: one row per parameter set, one column per free parameter (Vensim name)."""
        return pd.DataFrame(self.chain.samples, columns=self.setup.names)

    @property
    def point(self) -> dict[str, float]:
        return {n: float(v) for n, v in zip(self.setup.names, self.estimate.theta)}

    @property
    def central_index(self) -> int:
        """The ensemble member nearest the centre of every marginal (see :func:`central_member`)."""
        return central_member(self.chain.samples)

    @property
    def central(self) -> dict[str, float]:
        return {n: float(v) for n, v in zip(self.setup.names, self.chain.samples[self.central_index])}


def central_member(samples: np.ndarray) -> int:
    """Index of the set whose parameters are nearest their marginal medians, in rank terms.

    Where the data do not pin a parameter, the maximum a posteriori sits
    anywhere on a flat ridge, often at a bound; this member is a typical
    set of the ensemble instead (minimises the sum of squared distances of
    its ranks from the middle rank, so it needs no scale per parameter).
    """
    ranks = (np.argsort(np.argsort(samples, axis=0), axis=0) + 0.5) / len(samples)
    return int(np.argmin(np.sum((ranks - 0.5) ** 2, axis=1)))


def _spell(setup: Setup, name: str) -> str | None:
    key = vensim_key(name)
    for n in setup.model.variable_names:
        if vensim_key(n) == key:
            return n.strip('"')
    return None


def _held(obj: Objective, theta: np.ndarray) -> pd.DataFrame:
    """Effect of each catalogue uncertain parameter that is not free, moved to its prior's ends."""
    setup = obj.setup
    free = {vensim_key(n) for n in setup.names} | {vensim_key(n) for n in setup.fixed}
    items = [u for u in setup.settings.catalogue.uncertain if vensim_key(u.vensim) not in free]
    items = [(u, _spell(setup, u.vensim)) for u in items]
    items = [(u, n) for u, n in items if n is not None]
    if not items:
        return pd.DataFrame(columns=["id", "name", "value", "low", "high", "delta_nll",
                                     "affects_fit"])
    base = obj.predict(theta[None])[0]
    base_nll = float(obj.nll(theta[None])[0])
    n = 2 * len(items)
    extra, ends = {}, []
    for i, (u, name) in enumerate(items):
        lo, hi = u.distribution.bounds
        if not np.isfinite(lo) or not np.isfinite(hi):   # untruncated normal: mean +- 2 sd
            lo, hi = u.distribution.mean - 2 * u.distribution.sd, u.distribution.mean + 2 * u.distribution.sd
        value = obj.model.constants.get(name, np.nan)
        column = np.full(n, value)
        column[2 * i], column[2 * i + 1] = lo, hi
        extra[name] = column
        ends.append((lo, hi, value))
    thetas = np.repeat(theta[None], n, axis=0)
    pred = obj.predict(thetas, extra=extra)
    r = obj.residuals(pred)[:, obj.in_objective]
    nll = 0.5 * np.sum(r * r, axis=1)
    rows = []
    for i, ((u, name), (lo, hi, value)) in enumerate(zip(items, ends)):
        change = np.nanmax(np.abs(pred[2 * i: 2 * i + 2] - base))
        rows.append({"id": u.id, "name": name, "value": value, "low": lo, "high": hi,
                     "delta_nll": float(np.max(nll[2 * i: 2 * i + 2]) - base_nll),
                     "affects_fit": bool(change > 1e-9 * np.max(np.abs(base)))})
    return pd.DataFrame(rows)


def _outlook(setup: Setup, times: np.ndarray, point: dict, ensemble: dict,
             central: int) -> pd.DataFrame:
    settings = setup.settings
    year = settings.outlook_year
    if year is None or not times[0] <= year <= times[-1]:
        return pd.DataFrame()
    targets = {}
    if settings.targets_path is not None:
        for t in load_targets(settings.targets_path, catalogue=settings.catalogue).targets:
            if t.year == year and t.measure == "level":  # the outlook reads levels in one year
                targets[t.id] = t
    i = int(np.argmin(np.abs(times - year)))
    rows = []
    for ind in settings.catalogue.indicators:
        name = _spell(setup, ind.vensim)
        if name is None or name not in ensemble:
            continue
        values = ensemble[name][:, i]
        q = np.nanpercentile(values, [5, 50, 95])
        row = {"indicator": ind.id, "unit": ind.unit, "point": float(point[name][i]),
               "central": float(values[central]), "p5": q[0], "median": q[1], "p95": q[2], "target": np.nan, "direction": "",
               "p_met": np.nan}
        t = targets.get(ind.id)
        if t is not None:
            met = [t.is_met(float(v)) for v in values]
            row.update(target=t.threshold, direction=t.direction, p_met=float(np.mean(met)))
        rows.append(row)
    return pd.DataFrame(rows)


def calibrate(settings: Settings | str | os.PathLike, *, seed: int | None = None,
              budget: dict[str, Any] | None = None,
              progress: Callable[[str], None] | None = None, profiles: bool = True) -> Result:
    """Calibrate a model to data as the settings say.

    Parameters
    ----------
    settings : Settings or path-like
    seed : int, optional
        Default: the settings' ``seed``; one of the two is required.
    budget : dict, optional
        Overrides of :class:`~gzsim.calibration.budget.Budget` fields
        (e.g. ``{"steps": 200}`` for a quick run).
    progress : callable, optional
        Receives a short message before each step.
    profiles : bool
        Profile each parameter (the identifiability report).  Hindcasts skip
        it: a forecast uses only the estimate and the ensemble.

    Returns
    -------
    Result

    Raises
    ------
    CalibrationError
        Bad settings or data (every problem at once).
    """
    say = progress or (lambda message: None)
    if not isinstance(settings, Settings):
        settings = load_settings(settings)
    if budget:
        settings = settings.with_budget(**budget)
    seed = settings.seed if seed is None else seed
    if seed is None:
        raise ValueError("give a seed (argument or the settings' 'seed')")
    b = settings.budget
    clock, seconds = time.perf_counter(), {}

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = now - clock
        clock = now

    setup = prepare(settings)
    obj = Objective(setup)
    de_seq, mcmc_seq = np.random.SeedSequence(seed).spawn(2)
    say(f"estimating {len(setup.free)} parameters from {int(obj.in_objective.sum())} observations")
    est = estimate(obj.neg_log_post, obj.bounds, b, int(de_seq.generate_state(1)[0]))
    lap("estimate")
    if profiles:
        say("profiling each parameter")
        ml, ml_nll = local_least_squares(obj.objective_residuals, est.theta, obj.bounds,
                                         max_nfev=4 * b.local_evals)
        found = profile_all(obj.objective_residuals, obj.bounds, ml, setup.names, b.points, ml_nll,
                            refine=b.refine, evals=b.local_evals,
                            indices=[j for j, p in enumerate(setup.free) if p.profile])
    else:
        ml, ml_nll, found = est.theta, float(obj.nll(est.theta[None])[0]), []
    lap("profiles")
    say(f"sampling the posterior ({b.walkers} walkers x {b.steps} steps)")
    good = [p.points[p.values < THRESHOLD] for p in found]
    candidates = np.concatenate([est.theta[None], *good])
    chain = run_sampler(obj.log_post, est.theta, obj.bounds, b, np.random.default_rng(mcmc_seq),
                        candidates)
    lap("mcmc")
    say("fit statistics and ensemble runs")
    predictions = obj.predict(est.theta[None])[0]
    columns = sorted(set(obj.columns) | {n for n in (
        _spell(setup, i.vensim) for i in settings.catalogue.indicators) if n})
    final = float(setup.model.final_time)
    times = setup.model.output_times(final_time=final)
    point_out = obj.simulate(est.theta[None], columns, final_time=final)
    ens_out = obj.simulate(chain.samples, columns, final_time=final)
    point_paths = {c: np.asarray(v[0], dtype=float) for c, v in point_out.items()}
    ens_paths = {c: np.asarray(v, dtype=float) for c, v in ens_out.items()}
    result = Result(setup, int(seed), est, ml, float(ml_nll), found, chain, predictions,
                    fit_table(setup.observations, predictions),
                    bound_checks(setup.observations, predictions), times, point_paths, ens_paths,
                    _held(obj, est.theta),
                    _outlook(setup, times, point_paths, ens_paths, central_member(chain.samples)),
                    obj.n_evals, seconds)
    lap("ensemble runs")
    return result
