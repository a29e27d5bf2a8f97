"""Hindcasts: forecasts made from data up to a cutoff, scored on the data after it.

:mod:`gzsim.backtest.scores` scores predictive intervals (interval score, coverage);
:mod:`gzsim.backtest.naive` makes the naive forecasts a model must beat (no change, linear,
compound and damped trends, with spreads from the reference class of :mod:`gzsim.outside_view`).
"""

from __future__ import annotations

from .naive import METHODS, naive_forecasts, spread_for
from .scores import inside, interval_score, summarise

__all__ = ["interval_score", "inside", "summarise", "naive_forecasts", "spread_for", "METHODS"]
