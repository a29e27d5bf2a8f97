"""Identifiability: the profile likelihood of each free parameter (Raue et al. 2009).

For each free parameter a grid of values spans its bounds; at each value
the other free parameters are re-optimised (L-BFGS-B, batched gradients),
starting from the optimum at the neighbouring grid value (continuation
outwards from the best fit); where that lands above the threshold, a second
start from the best fit itself checks it, keeping the better.  The profile is the negative log-likelihood minus its minimum.

A parameter is *identified* when the profile rises by more than the
chi-square 95 % threshold (1.92 = chi2(1, 0.95)/2 in log-likelihood) on both
sides of its minimum within the bounds; otherwise the data do not pin it on
that side, and the prior carries it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2

from .optimise import local_least_squares

__all__ = ["THRESHOLD", "Profile", "profile_all", "verdict"]

#: Half the chi-square(1) 95 % quantile: 1.92 in log-likelihood.
THRESHOLD = float(chi2.ppf(0.95, 1) / 2)


@dataclass(frozen=True)
class Profile:
    """The profile of one parameter.

    Attributes
    ----------
    grid, values : numpy.ndarray
        Parameter values and the profile (negative log-likelihood minus the
        overall minimum) at them.
    points : numpy.ndarray
        ``(len(grid), k)``: the re-optimised parameter sets along the profile.
    low, high : float
        The 95 % profile interval: where the profile crosses the threshold,
        or the bound when it does not.
    bounded_low, bounded_high : bool
        Whether the profile crosses the threshold below / above the minimum.
    """

    name: str
    grid: np.ndarray
    values: np.ndarray
    points: np.ndarray
    low: float
    high: float
    bounded_low: bool
    bounded_high: bool

    @property
    def identified(self) -> bool:
        return self.bounded_low and self.bounded_high

    @property
    def verdict(self) -> str:
        return verdict(self.bounded_low, self.bounded_high)


def verdict(bounded_low: bool, bounded_high: bool) -> str:
    """Plain-language verdict of a profile."""
    if bounded_low and bounded_high:
        return "identified"
    if bounded_low:
        return "not identified: no upper bound within the prior range"
    if bounded_high:
        return "not identified: no lower bound within the prior range"
    return "not identified: flat across the prior range"


def _crossing(grid: np.ndarray, values: np.ndarray, i_min: int, step: int) -> tuple[float, bool]:
    """Walk from the minimum until the profile exceeds the threshold; interpolate the crossing."""
    i = i_min
    while 0 <= i + step < len(grid):
        j = i + step
        if values[j] >= THRESHOLD:
            a, b = values[i], values[j]
            w = (THRESHOLD - a) / (b - a) if np.isfinite(b) and b > a else 1.0
            return float(grid[i] + w * (grid[j] - grid[i])), True
        i = j
    return float(grid[i]), False


def _one(fun, bounds: np.ndarray, best: np.ndarray, j: int, points: int,
         floor: float, evals: int, movable: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    grid = np.unique(np.append(np.linspace(bounds[j, 0], bounds[j, 1], points), best[j]))
    values = np.full(len(grid), np.inf)
    sets = np.repeat(best[None], len(grid), axis=0)
    free = movable.copy()
    free[j] = False
    start = int(np.searchsorted(grid, best[j]))
    for order in (range(start, len(grid)), range(start, -1, -1)):
        prev = best.copy()
        for i in order:
            x0 = prev.copy()
            x0[j] = grid[i]
            x, v = local_least_squares(fun, x0, bounds, free=free, max_nfev=evals)
            if v - floor >= THRESHOLD:
                # Above the threshold the verdict depends on this value: make sure a start
                # from the best fit does not find a lower one (the continuation can get stuck).
                x1 = best.copy()
                x1[j] = grid[i]
                x1, v1 = local_least_squares(fun, x1, bounds, free=free, max_nfev=evals)
                if v1 < v:
                    x, v = x1, v1
            if v < values[i]:
                values[i], sets[i] = v, x
            prev = x
    return grid, values, sets


def _refine(fun, bounds: np.ndarray, j: int, grid: np.ndarray, values: np.ndarray,
            sets: np.ndarray, floor: float, steps: int, evals: int, movable: np.ndarray):
    """Bisect the grid interval where the profile crosses the threshold, on each side.

    A grid spanning the whole prior range is coarse near a sharp minimum; a
    few extra fits place the 95 % interval ends more precisely.
    """
    free = movable.copy()
    free[j] = False
    for side in (-1, +1):
        for _ in range(steps):
            rel = values - floor
            i_min = int(np.argmin(rel))
            i = i_min
            while 0 <= i + side < len(grid) and rel[i + side] < THRESHOLD:
                i += side
            if not 0 <= i + side < len(grid):
                break                                 # no crossing on this side
            inner, outer = i, i + side
            x0 = sets[inner].copy()
            x0[j] = 0.5 * (grid[inner] + grid[outer])
            x, v = local_least_squares(fun, x0, bounds, free=free, max_nfev=evals)
            pos = int(np.searchsorted(grid, x0[j]))
            grid = np.insert(grid, pos, x0[j])
            values = np.insert(values, pos, v)
            sets = np.insert(sets, pos, x, axis=0)
    return grid, values, sets


def profile_all(fun, bounds: np.ndarray, best: np.ndarray, names, points: int,
                best_value: float, *, refine: int = 4, evals: int = 60,
                indices=None) -> list[Profile]:
    """Profiles of the free parameters at *indices* (default every one).

    Parameters
    ----------
    fun : callable
        Batch normalised residuals ``(S, k) -> (S, m)`` of the fitted
        observations; the negative log-likelihood is ``sum(r**2)/2``.
    bounds : numpy.ndarray
        ``(k, 2)``.
    best : numpy.ndarray
        The best fit (start of every continuation).
    names : sequence of str
    points : int
        Grid points per parameter (the best-fit value is added).
    best_value : float
        Negative log-likelihood at *best*; the profile minimum is the smaller of this and the
        profile values.
    refine : int
        Bisections per side placing each end of the 95 % interval.
    evals : int
        Evaluations per local re-optimisation.
    indices : sequence of int, optional
        Which parameters to profile (*names* gives every parameter's name); only these are
        re-optimised along each profile, the others stay at *best* (they are sampled with
        their priors by the MCMC, and re-optimising them too would cost minutes).
    """
    indices = list(range(len(best))) if indices is None else list(indices)
    movable = np.zeros(len(best), bool)
    movable[indices] = True
    raw = [_one(fun, bounds, best, j, points, best_value, evals, movable) for j in indices]
    floor = min([best_value, *[float(np.min(v)) for _, v, _ in raw]])
    out = []
    for j, (grid, values, sets) in zip(indices, raw):
        name = names[j]
        grid, values, sets = _refine(fun, bounds, j, grid, values, sets, floor, refine, evals,
                                     movable)
        rel = values - floor
        i_min = int(np.argmin(rel))
        low, b_low = _crossing(grid, rel, i_min, -1)
        high, b_high = _crossing(grid, rel, i_min, +1)
        out.append(Profile(name, grid, rel, sets, low, high, b_low, b_high))
    return out
