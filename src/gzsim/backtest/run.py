"""Hindcasts: refit with the observations up to a cutoff, forecast the ones after it.

For each cutoff year the calibration settings are truncated to the
observations whose period ends by then (:func:`truncate`), the model is
calibrated again (estimate and ensemble; no profiles, which a forecast does
not use), and every held-out point observation that is a level (a year-end
or month value) is forecast from the ensemble, with the model-discrepancy
term of :mod:`gzsim.backtest.discrepancy` on top.  Inputs set from rows
after the cutoff are handled as the settings' ``[[lookahead]]`` entries say
(:mod:`gzsim.backtest.lookahead`: a prior known by the cutoff, or the rows
they were built from left unscored).  The same held-out
values are forecast by the naive methods of :mod:`gzsim.backtest.naive`
from the data rows an analyst had at the cutoff (every row of the region up
to the cutoff, including rows the calibration skips, e.g. 2011 levels).

Bounds, sums and growth rates are not scored: the interval score needs a
value, and a span's total or growth rate mixes years on both sides of the
cutoff.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from ..calibration.objective import Objective
from ..calibration.observations import parse_period, read_table
from ..calibration.run import calibrate
from ..calibration.settings import ObservationSpec, Settings
from ..calibration.setup import prepare
from ..errors import UsageError
from .discrepancy import QUANTILES, Discrepancy, predictive_quantiles
from .lookahead import CutoffView, at_cutoff, end_time
from .naive import naive_forecasts

__all__ = ["Hindcast", "truncate", "hindcast", "history_rows", "SCORED_MEASURES"]

#: Measures a held-out observation can be scored on (a value at one time).
SCORED_MEASURES = ("level", "value_at_month")
#: Data kinds that are a value at one time, for the naive forecasts' history.
_HISTORY_KINDS = ("level", "as_of", "level_derived", "census")


def truncate(settings: Settings, until: int) -> Settings:
    """*settings* with only the observations whose period ends by the end of year *until*.

    Raises
    ------
    UsageError
        Nothing would be left to fit.
    """
    kept = tuple(s for s in settings.observations if end_time(s.period) <= until + 1e-9)
    if not any(s.objective for s in kept):
        raise UsageError(f"--until {until}: no observation of {settings.path.name} ends by then, "
                         f"so there is nothing to fit; choose a later cutoff")
    return replace(settings, observations=kept)


def _scored(spec: ObservationSpec) -> bool:
    return spec.objective and spec.constraint == "point" and spec.measure in SCORED_MEASURES


def history_rows(settings: Settings, until: int) -> pd.DataFrame:
    """Data rows of the settings' region known at the end of *until*: ``series, time, value``."""
    table = read_table(settings.observations_path)
    table = table[(table["region"] == settings.region) & table["kind"].isin(_HISTORY_KINDS)]
    rows = [{"series": r.indicator, "time": end_time(r.period), "value": float(r.value)}
            for r in table.itertuples() if parse_period(r.period) is not None]
    out = pd.DataFrame(rows, columns=["series", "time", "value"])
    out = out[out["time"] <= until + 1e-9]
    # two rows of one series at one time (e.g. a rounded table base): keep the first, as written
    return out.drop_duplicates(["series", "time"]).sort_values(["series", "time"]).reset_index(drop=True)


@dataclass
class Hindcast:
    """The forecasts of one cutoff.

    Attributes
    ----------
    cutoff : int
    samples : numpy.ndarray
        ``(n_sets, m)`` model value of each held-out observation over the refitted ensemble.
    held : pandas.DataFrame
        One row per held-out observation: ``observation, series, unit, time, horizon, since_data,
        value``; ``horizon`` counts from the cutoff, ``since_data`` from the series' last value
        known then (from the model's start for a series with none), which the discrepancy term
        grows with.
    naive : pandas.DataFrame
        The naive methods' forecasts of the same rows (see :func:`naive_forecasts`).
    seconds : float
        Time the refit took.
    view : CutoffView or None
        The priors it refitted with and the observations it left unscored (``[[lookahead]]``);
        None for a hindcast assembled by hand.
    """

    cutoff: int
    samples: np.ndarray
    held: pd.DataFrame
    naive: pd.DataFrame
    seconds: float
    view: CutoffView | None = None

    def model_forecasts(self, discrepancy: Discrepancy | None) -> pd.DataFrame:
        """Quantiles of the model's forecast of each held-out row, with *discrepancy* (or none)."""
        gap = self.held["since_data"] if "since_data" in self.held else self.held["horizon"]
        q = predictive_quantiles(self.samples, gap.to_numpy(),
                                 self.held["unit"].tolist(), discrepancy)
        out = self.held.copy()
        for name, column in zip(QUANTILES, q.T):
            out[name] = column
        out["method"] = "model" if discrepancy is not None else "model_without_discrepancy"
        return out


def hindcast(settings: Settings, until: int, *, seed: int, budget: dict | None = None,
             progress: Callable[[str], None] | None = None) -> Hindcast:
    """Refit on the observations up to *until* and forecast the held-out ones."""
    say = progress or (lambda message: None)
    full = prepare(settings)
    view = at_cutoff(settings, until)
    scored = [i for i, spec in enumerate(settings.observations)
              if _scored(spec) and end_time(spec.period) > until + 1e-9
              and f"{spec.indicator} {spec.period}" not in view.unscored]
    if not scored:
        raise UsageError(f"--until {until}: no point observation of {settings.path.name} comes "
                         f"after it (and is scored: see its [[lookahead]] entries), so there is "
                         f"nothing to forecast; choose an earlier cutoff")
    say(f"cutoff {until}: refitting on the observations up to {until}")
    result = calibrate(truncate(view.settings, until), seed=seed, budget=budget, profiles=False)
    say(f"cutoff {until}: forecasting {len(scored)} held-out observations")
    predictions = Objective(full).predict(result.chain.samples)[:, scored]
    units = {i.id: i.unit for i in settings.catalogue.indicators}
    held = pd.DataFrame([{
        "observation": full.observations[i].label,
        "series": full.observations[i].indicator,
        "unit": units.get(full.observations[i].output_id, full.observations[i].unit),
        "time": end_time(settings.observations[i].period),
        "value": full.observations[i].target,
    } for i in scored])
    held["horizon"] = held["time"] - until
    history = history_rows(settings, until)
    # a forecast's error grows with the years since the series was last seen, not since the
    # cutoff: from 2019 the 2020 firm count is a 5-year forecast when the last count is of 2015
    last_seen = history.groupby("series")["time"].max()
    start = float(full.model.initial_time)
    held["since_data"] = held["time"] - held["series"].map(last_seen).fillna(start).clip(lower=start)
    # a naive forecast needs a value of the series known at the cutoff
    known = held[held["series"].isin(set(history["series"]))]
    naive = naive_forecasts(history, known[["series", "time"]], until=until)
    # naive forecasts are in the data's unit; the model's in model units (value * factor)
    factors = {full.observations[i].indicator: full.observations[i].factor for i in scored}
    for q in ("median", *QUANTILES):
        if q in naive:
            naive[q] = naive[q] * naive["series"].map(factors).fillna(1.0)
    return Hindcast(until, predictions, held, naive, float(sum(result.seconds.values())), view)


def check_cutoffs(cutoffs: Sequence[int]) -> list[int]:
    """Cutoffs as given, each once, in order; refuses none or a non-year."""
    out = []
    for c in cutoffs:
        if isinstance(c, bool) or not float(c).is_integer() or not 1900 <= c <= 2100:
            raise UsageError(f"--until {c}: give a year (e.g. 2018)")
        if int(c) not in out:
            out.append(int(c))
    if not out:
        raise UsageError("give at least one --until YEAR")
    return sorted(out)


def horizons_text(held: pd.DataFrame) -> str:
    h = held["horizon"]
    return f"{h.min():.2g}-{h.max():.2g} years" if len(h) else "none"

