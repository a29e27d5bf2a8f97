"""The numbers a chart or brief shows for one indicator: per scenario, per year.

Accepts what gzsim produces: :class:`~gzsim.simulation.Simulation` objects (one per
scenario) or the tidy results frame ``scenario, sample, year, indicator,
value``.  Sample 0 is the deterministic run; the ensemble is samples 1..N.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence, Union

import numpy as np
import pandas as pd

from ..simulation import COLUMNS, Simulation

__all__ = ["SimulationsLike", "IndicatorSeries", "indicator_series", "QUANTILES"]

SimulationsLike = Union[Simulation, Sequence[Simulation], pd.DataFrame]

#: Quantiles reported for the ensemble: name -> probability.
QUANTILES = {"p05": 0.05, "p25": 0.25, "median": 0.5, "p75": 0.75, "p95": 0.95}


@dataclass(frozen=True)
class IndicatorSeries:
    """One scenario's values of one indicator.

    Attributes
    ----------
    scenario : str
    years : numpy.ndarray of int, shape (n_years,)
    values : numpy.ndarray, shape (1 + N, n_years)
        Row 0 deterministic, rows 1..N the Monte-Carlo samples.
    """

    scenario: str
    years: np.ndarray
    values: np.ndarray

    @property
    def n_samples(self) -> int:
        """Number of Monte-Carlo samples (rows besides the deterministic run)."""
        return self.values.shape[0] - 1

    @property
    def deterministic(self) -> np.ndarray:
        return self.values[0]

    @property
    def ensemble(self) -> np.ndarray:
        """Samples 1..N, or the deterministic run alone when there are no samples."""
        return self.values[1:] if self.n_samples else self.values[:1]

    def quantiles(self) -> dict[str, np.ndarray]:
        """``median, p05, p25, p75, p95`` per year over the ensemble (NaN samples ignored)."""
        ens = self.ensemble
        if np.isfinite(ens).all():  # the usual case: one vectorised call (nanquantile loops per year)
            values = np.quantile(ens, list(QUANTILES.values()), axis=0)
            return dict(zip(QUANTILES, values))
        with np.errstate(all="ignore"):
            return {name: np.nanquantile(ens, q, axis=0) if np.isfinite(ens).any() else
                    np.full(ens.shape[1], np.nan) for name, q in QUANTILES.items()}

    def at(self, year: int) -> np.ndarray:
        """The ensemble's values in *year* (KeyError when the year was not simulated)."""
        hits = np.flatnonzero(self.years == year)
        if not len(hits):
            raise KeyError(f"year {year} is not in the simulation ({self.years[0]}-{self.years[-1]})")
        return self.ensemble[:, hits[0]]


def _from_frame(frame: pd.DataFrame, indicator: str) -> list[IndicatorSeries]:
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"results frame lacks column(s) {', '.join(missing)}")
    rows = frame[frame["indicator"] == indicator]
    out = []
    for scenario, part in rows.groupby("scenario", sort=False):
        wide = part.pivot_table(index="sample", columns="year", values="value", aggfunc="first")
        wide = wide.sort_index().sort_index(axis=1)
        out.append(IndicatorSeries(str(scenario), wide.columns.to_numpy(dtype=np.int64),
                                   wide.to_numpy(dtype=float)))
    return out


def indicator_series(simulations: SimulationsLike, indicator: str) -> list[IndicatorSeries]:
    """Per-scenario values of *indicator*, in the order given.

    Raises
    ------
    KeyError
        When no scenario has the indicator.
    """
    if isinstance(simulations, pd.DataFrame):
        series = _from_frame(simulations, indicator)
    else:
        sims = [simulations] if isinstance(simulations, Simulation) else list(simulations)
        series = [IndicatorSeries(s.scenario, np.asarray(s.years, dtype=np.int64),
                                  np.asarray(s.values[indicator], dtype=float))
                  for s in sims if indicator in s.values]
    if not series:
        raise KeyError(f"no results for indicator '{indicator}'")
    return series
