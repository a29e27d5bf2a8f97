"""Prior densities of free parameters.

Priors reuse :class:`gzsim.sampling.Distribution` (the catalogue's and the
scenarios' distribution type), so a prior written in a settings file follows
the same rules as one in ``levers.toml`` (docs/formats.md, "Distributions").
This module adds what calibration needs on top: a vectorised log-density,
restricted to the parameter's bounds.
"""

from __future__ import annotations

import math

import numpy as np
from ..sampling import Distribution

__all__ = ["log_density", "triangular_log_density", "describe_prior"]


def _log_pdf(dist: Distribution, x: np.ndarray) -> np.ndarray:
    """Untruncated log-density in plain numpy (scipy's frozen distributions cost ~0.5 ms each,
    which would dominate a batch of MCMC proposals)."""
    if dist.kind == "uniform":
        inside = (x >= dist.min) & (x <= dist.max)
        return np.where(inside, -math.log(dist.max - dist.min), -np.inf)
    if dist.kind == "loguniform":
        inside = (x >= dist.min) & (x <= dist.max)
        return np.where(inside, -np.log(np.where(inside, x, 1.0)) - math.log(math.log(dist.max / dist.min)),
                        -np.inf)
    if dist.kind == "triangular":
        a, c, b = dist.min, dist.mode, dist.max
        up = np.where(c > a, 2 * (x - a) / ((b - a) * max(c - a, 1e-300)), np.inf)
        down = np.where(b > c, 2 * (b - x) / ((b - a) * max(b - c, 1e-300)), np.inf)
        pdf = np.where(x < c, up, np.where(x > c, down, 2 / (b - a)))
        return np.log(np.clip(pdf, 0.0, None))
    if dist.kind == "normal":
        z = (x - dist.mean) / dist.sd
        return -0.5 * z * z - math.log(dist.sd * math.sqrt(2 * math.pi))
    # lognormal: mean and sd are those of the variable itself (docs/formats.md)
    s2 = math.log1p((dist.sd / dist.mean) ** 2)
    mu = math.log(dist.mean) - s2 / 2
    lx = np.log(np.where(x > 0, x, np.nan))
    return -((lx - mu) ** 2) / (2 * s2) - lx - 0.5 * math.log(2 * math.pi * s2)


def log_density(dist: Distribution, x: np.ndarray, lower: float, upper: float) -> np.ndarray:
    """Log prior density of *x* (any shape), ``-inf`` outside ``[lower, upper]``.

    The truncation constant is left out: it does not depend on *x*, so it
    changes neither the optimum nor the MCMC acceptance ratios.
    """
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = _log_pdf(dist, x)
    out = np.where((x >= lower) & (x <= upper), out, -np.inf)
    return np.where(np.isnan(out), -np.inf, out)


def triangular_log_density(x: np.ndarray, a: np.ndarray, c: np.ndarray, b: np.ndarray,
                           lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """:func:`log_density` of triangular(a, c, b) priors, one per column of *x* ``(S, m)``: the
    MCMC evaluates them for every proposal, where one call per parameter costs more than a run."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        up = np.where(c > a, 2 * (x - a) / ((b - a) * np.maximum(c - a, 1e-300)), np.inf)
        down = np.where(b > c, 2 * (b - x) / ((b - a) * np.maximum(b - c, 1e-300)), np.inf)
        pdf = np.where(x < c, up, np.where(x > c, down, 2 / (b - a)))
        out = np.log(np.clip(pdf, 0.0, None))
    out = np.where((x >= lower) & (x <= upper), out, -np.inf)
    return np.where(np.isnan(out), -np.inf, out)


def describe_prior(dist: Distribution) -> str:
    """Short text such as ``uniform(0.5, 1)`` or ``triangular(0.1, 0.24, 0.3)``."""
    if dist.kind in ("uniform", "loguniform"):
        return f"{dist.kind}({dist.min:g}, {dist.max:g})"
    if dist.kind == "triangular":
        return f"triangular({dist.min:g}, {dist.mode:g}, {dist.max:g})"
    text = f"{dist.kind}(mean {dist.mean:g}, sd {dist.sd:g})"
    if dist.min is not None or dist.max is not None:
        text += f" on [{dist.min if dist.min is not None else '-inf'}, " \
                f"{dist.max if dist.max is not None else 'inf'}]"
    return text
