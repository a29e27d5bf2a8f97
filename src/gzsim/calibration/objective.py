"""The objective: normalised errors of the observations plus the log-prior, over batches.

For an observation with data value ``y`` (in model units), model value
``m``, error scale ``sigma`` and scale

* ``log``:       ``r = (ln m - ln y) / sigma``
* ``relative``:  ``r = (m / y - 1) / sigma``
* ``absolute``:  ``r = (m - y) / sigma``

A ``point`` constraint adds ``r**2 / 2`` to the negative log-likelihood (a
normal error, weight ``1/sigma**2``); a ``lower_bound`` adds it only when
``r < 0`` and an ``upper_bound`` only when ``r > 0`` (one-sided penalties,
brief §5).  The negative log-posterior adds ``-log prior``.  Every function
takes a parameter population ``theta`` of shape ``(S, k)`` and evaluates it
with one ``run_batch`` call.
"""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np

from .observations import Measurer
from .priors import log_density, triangular_log_density
from .setup import Setup

__all__ = ["Objective", "normalised_residuals"]


def normalised_residuals(model_values: np.ndarray, target: np.ndarray, sigma: np.ndarray,
                         scale: np.ndarray, constraint: np.ndarray) -> np.ndarray:
    """Residuals ``(S, n)`` as in the module docstring; satisfied bounds give 0.

    A model value that cannot be compared (non-finite, or <= 0 on the log
    scale) gives NaN.
    """
    m = np.asarray(model_values, dtype=float)
    with np.errstate(all="ignore"):
        log_r = np.where(m > 0, np.log(np.where(m > 0, m, 1.0)) - np.log(np.abs(target)), np.nan)
        r = np.where(scale == "log", log_r,
                     np.where(scale == "relative", m / target - 1.0, m - target)) / sigma
    r = np.where(constraint == "lower_bound", np.minimum(r, 0.0), r)
    r = np.where(constraint == "upper_bound", np.maximum(r, 0.0), r)
    return r


class Objective:
    """Vectorised objective of one calibration problem.

    Parameters
    ----------
    setup : Setup
        From :func:`gzsim.calibration.setup.prepare`.

    Attributes
    ----------
    n_evals : int
        Model runs so far (parameter sets simulated).
    """

    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        self.model = setup.model
        self.free = setup.free
        self.names = setup.names
        self.bounds = setup.bounds
        self.observations = setup.observations
        self.columns = sorted({o.output for o in self.observations})
        self.times = self.model.output_times(final_time=setup.fit_final_time)
        self.measurer = Measurer(self.observations, self.times)
        obs = self.observations
        self.target = np.array([o.target for o in obs])
        self.sigma = np.array([o.sigma for o in obs])
        self.scale = np.array([o.scale for o in obs])
        self.constraint = np.array([o.constraint for o in obs])
        self.in_objective = np.array([o.objective for o in obs])
        self.n_evals = 0

    @property
    def k(self) -> int:
        return len(self.free)

    def params(self, theta: np.ndarray, extra: dict | None = None) -> dict:
        """Engine parameters for a population: fixed overrides, one array per free parameter,
        and *extra* (model-spelled name -> value or ``(S,)`` array) on top."""
        theta = np.atleast_2d(theta)
        params = dict(self.setup.fixed)
        for j, name in enumerate(self.names):
            params[name] = np.ascontiguousarray(theta[:, j])
        params.update(extra or {})
        return params

    def simulate(self, theta: np.ndarray, columns=None, final_time: float | None = None,
                 extra: dict | None = None) -> dict:
        """Run the model for every row of *theta*; dict column -> ``(S, T)``.

        By default only the observed outputs, up to the last observed time.
        """
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        self.n_evals += len(theta)
        return self.model.run_batch(self.params(theta, extra), list(columns or self.columns),
                                    n=len(theta), final_time=final_time or self.setup.fit_final_time)

    def predict(self, theta: np.ndarray, extra: dict | None = None) -> np.ndarray:
        """Model-side value of every observation, ``(S, n_observations)``."""
        return self.measurer(self.simulate(theta, extra=extra))

    def residuals(self, predictions: np.ndarray) -> np.ndarray:
        """Normalised residuals of every observation (bounds: 0 when satisfied)."""
        return normalised_residuals(predictions, self.target, self.sigma, self.scale, self.constraint)

    def objective_residuals(self, theta: np.ndarray) -> np.ndarray:
        """Normalised residuals ``(S, m)`` of the fitted observations (NaN where a run fails).

        ``nll = sum(r**2) / 2`` inside the bounds.
        """
        return self.residuals(self.predict(np.atleast_2d(theta)))[:, self.in_objective]

    def inside(self, theta: np.ndarray) -> np.ndarray:
        """Rows of *theta* within the bounds of every free parameter."""
        theta = np.atleast_2d(theta)
        return np.all((theta >= self.bounds[:, 0]) & (theta <= self.bounds[:, 1]), axis=1)

    def log_prior(self, theta: np.ndarray) -> np.ndarray:
        theta = np.atleast_2d(theta)
        # uniform priors at once (most of them; one call each would cost more than a run)
        uniform, low, high, constant = self._uniform_priors
        inside = np.all((theta[:, uniform] >= low) & (theta[:, uniform] <= high), axis=1)
        total = np.where(inside, constant, -np.inf)
        cols, a, c, b, low, high = self._triangular_priors
        if len(cols):
            total += triangular_log_density(theta[:, cols], a, c, b, low, high).sum(axis=1)
        for j, p in enumerate(self.free):
            if j not in self._vectorised_set:
                total += log_density(p.prior, theta[:, j], p.lower, p.upper)
        return total

    @cached_property
    def _triangular_priors(self) -> tuple:
        cols = [j for j, p in enumerate(self.free) if p.prior.kind == "triangular"]
        tri = [self.free[j].prior for j in cols]
        return (np.array(cols, dtype=int), *(np.array(v, dtype=float) for v in (
            [d.min for d in tri], [d.mode for d in tri], [d.max for d in tri],
            [self.free[j].lower for j in cols], [self.free[j].upper for j in cols])))

    @cached_property
    def _vectorised_set(self) -> frozenset:
        """Parameters whose priors :meth:`log_prior` evaluates for all columns at once."""
        return frozenset(self._uniform_priors[0].tolist()) | frozenset(self._triangular_priors[0].tolist())

    @cached_property
    def _uniform_priors(self) -> tuple:
        cols = [j for j, p in enumerate(self.free) if p.prior.kind == "uniform"]
        low = np.array([max(self.free[j].prior.min, self.free[j].lower) for j in cols])
        high = np.array([min(self.free[j].prior.max, self.free[j].upper) for j in cols])
        constant = -sum(math.log(self.free[j].prior.max - self.free[j].prior.min) for j in cols)
        return np.array(cols, dtype=int), low, high, constant


    def nll(self, theta: np.ndarray) -> np.ndarray:
        """Negative log-likelihood (data only); ``inf`` outside the bounds or where a run fails."""
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        out = np.full(len(theta), np.inf)
        ok = self.inside(theta)
        if ok.any():
            r = self.residuals(self.predict(theta[ok]))[:, self.in_objective]
            value = 0.5 * np.sum(r * r, axis=1)
            out[ok] = np.where(np.isfinite(value), value, np.inf)
        return out

    def neg_log_post(self, theta: np.ndarray) -> np.ndarray:
        """Negative log-posterior (up to a constant): ``nll - log prior``."""
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        lp = self.log_prior(theta)
        out = np.full(len(theta), np.inf)
        ok = np.isfinite(lp)
        if ok.any():
            out[ok] = self.nll(theta[ok]) - lp[ok]
        return out

    def log_post(self, theta: np.ndarray) -> np.ndarray:
        """Log-posterior (up to a constant), ``-inf`` where impossible: the MCMC target."""
        return -self.neg_log_post(theta)
