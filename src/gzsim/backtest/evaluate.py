"""A whole backtest: the hindcasts of every cutoff, the discrepancy term, the scores.

The discrepancy sigma is estimated from the hindcasts themselves.  To keep
the scores out of sample, each cutoff's model forecasts use the sigma fitted
to the *other* cutoffs (leave-one-cutoff-out); with one cutoff only, its own
(and the report says so).  ``sigma_all`` (fitted to every cutoff) is what a
settings file's ``[discrepancy]`` should carry.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd

from ..calibration.settings import Settings
from .discrepancy import Discrepancy, fit_sigma
from .lookahead import report_section
from .report import forecast_table, markdown, summary_table, write_backtest
from .run import Hindcast, check_cutoffs, hindcast

__all__ = ["Outcome", "evaluate"]


@dataclass
class Outcome:
    region: str
    hindcasts: list[Hindcast]
    table: pd.DataFrame
    sigma_all: float
    how: str
    report: str

    @property
    def summary(self) -> pd.DataFrame:
        return summary_table(self.table)

    def write(self, out: str | Path) -> Path:
        return write_backtest(out, self.table, self.report)


def evaluate(settings: Settings, cutoffs: Sequence[int], *, seed: int, budget: dict | None = None,
             progress: Callable[[str], None] | None = None, command: str = "",
             started: float | None = None) -> Outcome:
    """Hindcast at every cutoff, set the discrepancy, score model and naive forecasts."""
    started = time.perf_counter() if started is None else started
    cutoffs = check_cutoffs(cutoffs)
    casts = [hindcast(settings, c, seed=seed, budget=budget, progress=progress) for c in cutoffs]
    sigma_all = fit_sigma(casts)[0]
    parts = []
    if len(casts) > 1:
        for i, h in enumerate(casts):
            sigma = fit_sigma(casts[:i] + casts[i + 1:])[0]
            parts.append(forecast_table(settings.region, [h], Discrepancy(sigma)))
        how = (f"fitted to the hindcasts by the smallest mean interval score; each cutoff's "
               f"forecasts use the sigma fitted to the other cutoffs (leave-one-cutoff-out), so "
               f"the scores are out of sample. Fitted to every cutoff: {sigma_all:g}.")
    else:
        parts.append(forecast_table(settings.region, casts, Discrepancy(sigma_all)))
        how = ("fitted to this one cutoff's hindcasts by the smallest mean interval score: the "
               "model's scores below are in sample for sigma (one number), out of sample for "
               "everything else.")
    table = pd.concat(parts, ignore_index=True)
    report = markdown(settings.region, table, Discrepancy(sigma_all), how, command,
                      time.perf_counter() - started, report_section(settings, cutoffs))
    return Outcome(settings.region, casts, table, sigma_all, how, report)
