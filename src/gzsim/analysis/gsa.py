"""Global sensitivity analysis on the unit hypercube: Sobol' indices and Morris screening.

Model-free: designs are points in ``[0, 1]^d`` (quantiles of the inputs), the
caller maps them through each input's inverse CDF, runs the model, and hands
the outputs back.  Inputs are treated as independent.

Sobol': Saltelli et al. (2010) design (a scrambled Sobol' sequence with 2d
columns split into matrices A and B, plus the d matrices AB_i), the
first-order estimator of Saltelli et al. (2010) and the total-order estimator
of Jansen (1999) -- the same as ``scipy.stats.sobol_indices`` -- with
percentile bootstrap confidence intervals drawn from a seeded generator.

Morris: r one-at-a-time trajectories on a p-level grid (Morris 1991), the
mean absolute elementary effect mu* (Campolongo et al. 2007), mu and sigma,
with bootstrap confidence intervals of mu* over trajectories.  Elementary
effects are per unit of the hypercube, i.e. per full quantile range of the input.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

__all__ = ["SobolIndices", "MorrisIndices", "sobol_design", "sobol_analyze", "morris_design",
           "morris_analyze", "ishigami"]


@dataclass(frozen=True)
class SobolIndices:
    """First- and total-order indices, shape (outputs, inputs), with confidence bounds."""

    S1: np.ndarray
    S1_low: np.ndarray
    S1_high: np.ndarray
    ST: np.ndarray
    ST_low: np.ndarray
    ST_high: np.ndarray
    variance: np.ndarray
    """Output variances, shape (outputs,); indices are NaN where it is 0."""


@dataclass(frozen=True)
class MorrisIndices:
    """Morris statistics, shape (outputs, inputs)."""

    mu: np.ndarray
    mu_star: np.ndarray
    mu_star_low: np.ndarray
    mu_star_high: np.ndarray
    sigma: np.ndarray


def sobol_design(d: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """Saltelli design: rows ``[A; B; AB_1; ...; AB_d]``, shape (n (d + 2), d), in ``[0, 1)``.

    Parameters
    ----------
    d : int
        Number of inputs.
    n : int
        Base sample size, a power of 2.
    rng : numpy.random.Generator
        Scrambles the Sobol' sequence.
    """
    if n < 2 or n & (n - 1):
        raise ValueError(f"n must be a power of 2, got {n}")
    from scipy.stats import qmc  # scipy.stats/optimize load slowly: only when used
    ab = qmc.Sobol(d=2 * d, scramble=True, rng=rng).random(n)
    a, b = ab[:, :d], ab[:, d:]
    blocks = [a, b]
    for i in range(d):
        abi = a.copy()
        abi[:, i] = b[:, i]
        blocks.append(abi)
    return np.vstack(blocks)


def _split(y: np.ndarray, n: int, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outputs (n (d + 2), s) -> f_A (s, n), f_B (s, n), f_AB (d, s, n)."""
    y = np.asarray(y, dtype=float)
    if y.ndim == 1:
        y = y[:, None]
    if y.shape[0] != n * (d + 2):
        raise ValueError(f"expected {n * (d + 2)} outputs, got {y.shape[0]}")
    f_a, f_b = y[:n].T, y[n:2 * n].T
    f_ab = y[2 * n:].reshape(d, n, -1).transpose(0, 2, 1)
    return f_a, f_b, f_ab


def _estimate(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mean = 0.5 * (f_a.mean(axis=-1) + f_b.mean(axis=-1))
    f_a, f_b, f_ab = f_a - mean[:, None], f_b - mean[:, None], f_ab - mean[None, :, None]
    var = np.var(np.concatenate([f_a, f_b], axis=-1), axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        s1 = np.mean(f_b[None] * (f_ab - f_a[None]), axis=-1) / var        # Saltelli 2010
        st = 0.5 * np.mean((f_a[None] - f_ab) ** 2, axis=-1) / var          # Jansen 1999
    bad = ~(var > 0)
    s1, st = s1.T, st.T
    s1[bad], st[bad] = np.nan, np.nan
    return s1, st, var


def sobol_analyze(y: np.ndarray, *, n: int, d: int, rng: np.random.Generator,
                  n_boot: int = 200, confidence: float = 0.95) -> SobolIndices:
    """Sobol' indices from the outputs of :func:`sobol_design`'s rows.

    Parameters
    ----------
    y : numpy.ndarray, shape (n (d + 2),) or (n (d + 2), s)
        Outputs in the design's row order; must be finite.
    n, d : int
        As given to :func:`sobol_design`.
    rng : numpy.random.Generator
        For the bootstrap resamples.
    n_boot : int
        Bootstrap resamples (0: no intervals, bounds NaN).
    confidence : float
        Level of the percentile intervals.
    """
    f_a, f_b, f_ab = _split(y, n, d)
    s1, st, var = _estimate(f_a, f_b, f_ab)
    lo = np.full_like(s1, np.nan)
    bounds = [lo.copy(), lo.copy(), lo.copy(), lo.copy()]
    if n_boot > 0:
        reps1 = np.empty((n_boot, *s1.shape))
        repst = np.empty((n_boot, *st.shape))
        for b in range(n_boot):
            idx = rng.integers(0, n, n)
            reps1[b], repst[b], _ = _estimate(f_a[:, idx], f_b[:, idx], f_ab[:, :, idx])
        q = [(1 - confidence) / 2 * 100, (1 + confidence) / 2 * 100]
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices of constant outputs
            bounds = [*np.nanpercentile(reps1, q, axis=0), *np.nanpercentile(repst, q, axis=0)] \
                if np.isfinite(reps1).any() else bounds
    return SobolIndices(s1, bounds[0], bounds[1], st, bounds[2], bounds[3], var)


def morris_design(d: int, r: int, rng: np.random.Generator, *, levels: int = 4) -> np.ndarray:
    """r Morris trajectories, rows ``r (d + 1)``, shape (r (d + 1), d), in ``[0, 1]``.

    Each trajectory starts at a random grid point and moves one input at a
    time by ``delta = levels / (2 (levels - 1))``, up or down, in random order.
    """
    if levels < 2 or levels % 2:
        raise ValueError(f"levels must be an even number >= 2, got {levels}")
    delta = levels / (2 * (levels - 1))
    grid = np.arange(levels) / (levels - 1)
    low = grid[grid <= 1 - delta + 1e-12]
    out = np.empty((r, d + 1, d))
    for k in range(r):
        sign = rng.choice([-1.0, 1.0], size=d)
        start = rng.choice(low, size=d)
        x = np.where(sign > 0, start, start + delta)
        order = rng.permutation(d)
        out[k, 0] = x
        for step, i in enumerate(order):
            x = x.copy()
            x[i] += sign[i] * delta
            out[k, step + 1] = x
    return np.clip(out.reshape(r * (d + 1), d), 0.0, 1.0)


def morris_analyze(x: np.ndarray, y: np.ndarray, *, r: int, d: int, rng: np.random.Generator,
                   n_boot: int = 500, confidence: float = 0.95) -> MorrisIndices:
    """Morris statistics from a :func:`morris_design` *x* and its outputs *y* ((r (d + 1),) or (.., s))."""
    y = np.asarray(y, dtype=float)
    if y.ndim == 1:
        y = y[:, None]
    xs = x.reshape(r, d + 1, d)
    ys = y.reshape(r, d + 1, -1)
    dx = np.diff(xs, axis=1)                        # (r, d, d): one non-zero per step
    which = np.argmax(np.abs(dx), axis=2)           # (r, d): input changed at each step
    step = np.take_along_axis(dx, which[..., None], axis=2)[..., 0]
    ee_steps = np.diff(ys, axis=1) / step[..., None]  # (r, d, s)
    ee = np.empty_like(ee_steps)
    rows = np.arange(r)[:, None]
    ee[rows, which] = ee_steps                      # reorder to input order
    mu = ee.mean(axis=0).T
    mu_star = np.abs(ee).mean(axis=0).T
    sigma = ee.std(axis=0, ddof=1).T if r > 1 else np.full_like(mu, np.nan)
    low = high = np.full_like(mu, np.nan)
    if n_boot > 0:
        idx = rng.integers(0, r, (n_boot, r))
        reps = np.abs(ee)[idx].mean(axis=1)         # (n_boot, d, s)
        q = [(1 - confidence) / 2 * 100, (1 + confidence) / 2 * 100]
        low, high = (a.T for a in np.percentile(reps, q, axis=0))
    return MorrisIndices(mu, mu_star, low, high, sigma)


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """The Ishigami function of x (n, 3) on ``[-pi, pi]^3`` (a standard test of Sobol' indices)."""
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])
