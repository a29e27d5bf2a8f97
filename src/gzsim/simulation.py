"""Results of one scenario as arrays, and their tidy form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

__all__ = ["Simulation", "COLUMNS"]

#: Columns of gzsim's tidy results.
COLUMNS = ["scenario", "sample", "year", "indicator", "value"]

@dataclass(frozen=True)
class Simulation:
    """Indicator values of one scenario: row 0 deterministic, rows 1..N Monte-Carlo samples.

    Attributes
    ----------
    scenario : str
    years : numpy.ndarray of int, shape (n_years,)
    values : dict of str -> numpy.ndarray, shape (1 + N, n_years)
        Indicator id -> values.
    draws : pandas.DataFrame
        The parameter values of samples 1..N (Vensim-name columns).
    """

    scenario: str
    years: np.ndarray
    values: Mapping[str, np.ndarray]
    draws: pd.DataFrame

    def tidy(self) -> pd.DataFrame:
        """The values as rows ``scenario, sample, year, indicator, value``."""
        ids = list(self.values)
        stacked = np.stack([self.values[i] for i in ids])  # (indicator, sample, year)
        n_ind, n_samples, n_years = stacked.shape
        return pd.DataFrame({
            "scenario": self.scenario,
            "sample": np.tile(np.repeat(np.arange(n_samples, dtype=np.int64), n_years), n_ind),
            "year": np.tile(self.years.astype(np.int64), n_ind * n_samples),
            "indicator": np.repeat(ids, n_samples * n_years),
            "value": stacked.reshape(-1),
        })
