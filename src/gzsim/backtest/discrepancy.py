"""The discrepancy term of :mod:`gzsim.discrepancy` in hindcasts, and its estimate.

One ``sigma`` serves every indicator: the hindcasts hold too few points per
indicator to estimate one each.

The term grows with the square root of the years since the series was last
observed (in a hindcast, its last value known at the cutoff; in a forecast,
the end of the data), so a cutoff that adds no row of a series does not
shorten that series' horizon.

``sigma`` is estimated from hindcasts (:func:`fit_sigma`) by the smallest
mean interval score (50 % and 90 % bands) of the held-out observations: a
proper score, so it widens the bands only as far as the misses pay for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..discrepancy import from_scale, is_share, to_scale

__all__ = ["Discrepancy", "QUANTILES", "LEVELS", "predictive_quantiles", "fit_sigma"]

#: Quantile columns of every forecast table, and their levels.
QUANTILES = ("p05", "p25", "median", "p75", "p95")
LEVELS = np.array([0.05, 0.25, 0.5, 0.75, 0.95])
#: Fixed stream for the discrepancy draws of hindcast quantiles: the same inputs give the same
#: quantiles (the forecasts of the model itself use the run's seed, see gzsim.Model.draw).
_HINDCAST_SEED = 20070101


@dataclass(frozen=True)
class Discrepancy:
    """The discrepancy term: *sigma* per square-root year, from the end of *from_year*."""

    sigma: float
    from_year: float = 2020.0

    def __post_init__(self) -> None:
        if not (np.isfinite(self.sigma) and self.sigma >= 0):
            raise ValueError(f"discrepancy sigma must be a finite number >= 0, got {self.sigma!r}")

    def scale(self, horizon: np.ndarray) -> np.ndarray:
        return self.sigma * np.sqrt(np.clip(np.asarray(horizon, dtype=float), 0.0, None))


def predictive_quantiles(samples: np.ndarray, horizons: np.ndarray, units, discrepancy:
                         "Discrepancy | None") -> np.ndarray:
    """Quantiles ``(m, 5)`` of each column of *samples* ``(n, m)`` with the discrepancy added."""
    samples = np.atleast_2d(np.asarray(samples, dtype=float))
    n, m = samples.shape
    z = np.random.default_rng(_HINDCAST_SEED).standard_normal((n, m))
    out = np.empty((m, len(LEVELS)))
    for j in range(m):
        share = is_share(units[j])
        x = to_scale(samples[:, j], share)
        if discrepancy is not None:
            x = x + discrepancy.scale(horizons[j]) * z[:, j]
        out[j] = from_scale(np.nanquantile(x, LEVELS), share)
    return out


def fit_sigma(hindcasts, *, grid: np.ndarray | None = None) -> tuple[float, np.ndarray, np.ndarray]:
    """The sigma with the smallest mean interval score over the held-out rows of *hindcasts*.

    Returns ``(sigma, grid, mean score per grid value)`` so a report can show the curve.
    """
    from .scores import interval_score

    grid = np.round(np.arange(0.0, 1.0001, 0.01), 4) if grid is None else np.asarray(grid)
    means = []
    for s in grid:
        scores = []
        for h in hindcasts:
            f = h.model_forecasts(Discrepancy(float(s)))
            for alpha, lo, hi in ((0.5, "p25", "p75"), (0.1, "p05", "p95")):
                scores.append(interval_score(_log(f["value"]), _log(f[lo]), _log(f[hi]), alpha))
        means.append(float(np.mean(np.concatenate(scores))))
    means = np.array(means)
    return float(grid[int(np.argmin(means))]), grid, means


def _log(x) -> np.ndarray:
    return np.log(np.asarray(x, dtype=float))
