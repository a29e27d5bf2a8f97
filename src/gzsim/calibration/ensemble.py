"""Ensemble of parameter sets: emcee's affine-invariant sampler, evaluated in batches.

The sampler is emcee (Foreman-Mackey et al. 2013, PASP 125), the field's
standard, with ``vectorize=True``: each half of the walkers is one batch of
model runs.  Its moves (:data:`MOVES`) are differential-evolution moves with
snooker updates (ter Braak & Vrugt 2008; emcee's ``DEMove`` and
``DESnookerMove``) mixed with the stretch move of Goodman & Weare (2010): the
mixture mixes faster along the curved ridges of parameters the data do not
pin than stretch moves alone, and the snooker updates shortened the longest
autocorrelation time by a quarter at the same budget (issue 12 note).
Diagnostics: acceptance
fraction, integrated autocorrelation time per parameter (emcee's estimator,
Sokal's window c = 5), effective sample size, and split-R-hat over walkers
(Gelman et al., BDA3 §11.4), which emcee lacks.  Everything is drawn from
one seeded generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import emcee
import numpy as np

from .budget import Budget

__all__ = ["Chain", "run_sampler", "autocorr_time", "split_rhat", "thin_chain"]

#: The mixture of moves: (emcee move class, share of the steps that use it).  ter Braak &
#: Vrugt (2008) mix snooker updates into DE moves in a tenth of their steps; these shares were
#: compared with the earlier DE and stretch mixture only, not tuned.
MOVES = (("DEMove", 0.7), ("DESnookerMove", 0.2), ("StretchMove", 0.1))


@dataclass(frozen=True)
class Chain:
    """The sampler's output and diagnostics.

    Attributes
    ----------
    samples : numpy.ndarray
        ``(n_sets, k)`` parameter sets after burn-in and thinning.
    log_post : numpy.ndarray
        ``(n_sets,)`` log-posterior of each set.
    acceptance : numpy.ndarray
        ``(walkers,)`` acceptance fraction of each walker.
    tau : numpy.ndarray
        ``(k,)`` integrated autocorrelation time (steps) after burn-in.
    ess : numpy.ndarray
        ``(k,)`` effective sample size: kept steps x walkers / tau.
    rhat : numpy.ndarray
        ``(k,)`` split-R-hat over walkers.
    steps, burn, thin, walkers : int
    """

    samples: np.ndarray
    log_post: np.ndarray
    acceptance: np.ndarray
    tau: np.ndarray
    ess: np.ndarray
    rhat: np.ndarray
    steps: int
    burn: int
    thin: int
    walkers: int

    @property
    def kept_steps(self) -> int:
        return self.steps - self.burn

    def converged(self) -> bool:
        """emcee's rule of thumb: kept chain longer than 50 tau, and R-hat below 1.1."""
        return bool(np.all(self.kept_steps > 50 * self.tau) and np.all(self.rhat < 1.1))


def autocorr_time(chain: np.ndarray, c: float = 5.0) -> np.ndarray:
    """Integrated autocorrelation time of each parameter of ``chain (steps, walkers, k)``.

    emcee's estimator (walker-averaged autocorrelation, automatic window *c*),
    without its length check: the check's verdict is reported by
    :meth:`Chain.converged` instead of raised.  A parameter that never moved
    (no variance) gets the chain's length: nothing was learnt about it.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        tau = emcee.autocorr.integrated_time(chain, c=c, tol=0, quiet=True)
    return np.clip(np.nan_to_num(tau, nan=float(len(chain))), 1.0, None)


def split_rhat(chain: np.ndarray) -> np.ndarray:
    """Split-R-hat of each parameter, each walker's chain split in two halves."""
    steps = chain.shape[0] // 2 * 2
    if steps < 4:
        return np.full(chain.shape[2], np.nan)
    halves = np.concatenate([chain[: steps // 2], chain[steps // 2: steps]], axis=1)
    n = halves.shape[0]
    means = halves.mean(axis=0)                        # (chains, k)
    within = halves.var(axis=0, ddof=1).mean(axis=0)   # W
    between = n * means.var(axis=0, ddof=1)            # B
    var_plus = (n - 1) / n * within + between / n
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sqrt(np.where(within > 0, var_plus / within, np.nan))


def thin_chain(steps_kept: int, walkers: int, tau_max: float, min_sets: int) -> int:
    """Thinning interval: about half an autocorrelation time, but keep at least *min_sets*."""
    thin = max(1, int(tau_max // 2))
    while thin > 1 and (steps_kept // thin) * walkers < min_sets:
        thin -= 1
    return thin


def initial_walkers(center: np.ndarray, bounds: np.ndarray, walkers: int,
                    rng: np.random.Generator, log_post, candidates: np.ndarray | None = None,
                    spread: float = 0.01) -> np.ndarray:
    """Starting walkers, all with a finite posterior.

    Drawn from *candidates* (e.g. the profile points within the 95 % region,
    which spread along the directions the data do not pin, so the burn-in
    need not discover them) or, without candidates, from *center*; each with
    a small jitter (share *spread* of each range).
    """
    width = bounds[:, 1] - bounds[:, 0]
    pool = np.atleast_2d(center) if candidates is None or not len(candidates) else candidates
    p0 = np.empty((walkers, len(center)))
    filled = 0
    for _ in range(60):
        base = pool[rng.integers(0, len(pool), walkers)]
        cand = np.clip(base + spread * width * rng.standard_normal(base.shape),
                       bounds[:, 0], bounds[:, 1])
        ok = cand[np.isfinite(log_post(cand))]
        take = min(len(ok), walkers - filled)
        p0[filled: filled + take] = ok[:take]
        filled += take
        if filled == walkers:
            return p0
        spread /= 2
    raise RuntimeError("cannot place the MCMC walkers: the posterior is impossible around the "
                       "point estimate")


def _transform(bounds: np.ndarray):
    """Map the box onto R^k: ``z = logit(position within the bounds)``.

    The position is taken on the log scale for parameters with a positive
    lower bound (rates, scales, multipliers) and on the natural scale for
    those that may be zero.  Why: parameters the data do not pin fill their
    whole box, and hard walls would reject most moves there; and products
    of multiplicative parameters (e.g. a campaign push times an imitation
    rate) form curved ridges that the log scale straightens, which the
    affine-invariant moves need.

    Returns ``(to_theta, to_z, log_jacobian)``; the log-Jacobian
    ``log |d theta / d z|`` is added to the log-posterior so the target
    distribution of theta is unchanged.
    """
    logscale = bounds[:, 0] > 0
    lo = np.where(logscale, np.log(np.where(logscale, bounds[:, 0], 1.0)), bounds[:, 0])
    hi = np.where(logscale, np.log(np.where(logscale, bounds[:, 1], 1.0)), bounds[:, 1])
    width = hi - lo
    eps = 1e-9

    def to_theta(z: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            y = lo + width / (1.0 + np.exp(-z))
        return np.where(logscale, np.exp(y), y)

    def to_z(theta: np.ndarray) -> np.ndarray:
        y = np.where(logscale, np.log(np.where(logscale, theta, 1.0)), theta)
        w = np.clip((y - lo) / width, eps, 1 - eps)
        return np.log(w) - np.log1p(-w)

    def log_jac(z: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore", divide="ignore"):
            w = 1.0 / (1.0 + np.exp(-z))
            dy = np.log(width) + np.log(w) + np.log1p(-w)
            y = lo + width * w
        return np.sum(dy + np.where(logscale, y, 0.0), axis=1)

    return to_theta, to_z, log_jac


def run_sampler(log_post, center: np.ndarray, bounds: np.ndarray, budget: Budget,
                rng: np.random.Generator, candidates: np.ndarray | None = None) -> Chain:
    """Sample the posterior with emcee (the moves of :data:`MOVES`).

    Parameters
    ----------
    log_post : callable
        Batch log-posterior ``(S, k) -> (S,)``, ``-inf`` where impossible.
    center : numpy.ndarray
        Start of the walkers (the point estimate).
    bounds : numpy.ndarray
        ``(k, 2)`` box (the walkers start inside it; the prior does the rest).
    budget : Budget
        ``walkers``, ``steps``, ``burn``, ``min_sets``, ``max_sets``.
    rng : numpy.random.Generator
    candidates : numpy.ndarray, optional
        ``(m, k)`` good parameter sets to start the walkers from (see
        :func:`initial_walkers`).
    """
    k = len(center)
    walkers = max(budget.walkers, 2 * k + 2)
    walkers += walkers % 2
    x0 = initial_walkers(center, bounds, walkers, rng, log_post, candidates)
    to_theta, to_z, log_jac = _transform(bounds)

    def target(z: np.ndarray) -> np.ndarray:
        out = log_post(to_theta(z)) + log_jac(z)
        return np.where(np.isfinite(out), out, -np.inf)

    # Long chains are stored every `record` steps (at most ~5,000 rows) to bound memory; the
    # autocorrelation time is measured on the stored rows and converted back to steps.
    record = max(1, budget.steps // 5000)
    stored = budget.steps // record
    sampler = emcee.EnsembleSampler(
        walkers, k, target, vectorize=True,
        moves=[(getattr(emcee.moves, name)(), share) for name, share in MOVES])
    sampler.random_state = np.random.RandomState(int(rng.integers(2**32))).get_state()
    # emcee makes `iterations * thin_by` proposals and stores `iterations` rows
    sampler.run_mcmc(to_z(x0), stored, thin_by=record, progress=False)
    z_chain = sampler.get_chain()
    chain = to_theta(z_chain.reshape(-1, k)).reshape(z_chain.shape)
    lp_chain = sampler.get_log_prob()
    accepted = sampler.acceptance_fraction * budget.steps
    burn_rows = int(budget.burn * stored)
    kept, kept_lp = chain[burn_rows:], lp_chain[burn_rows:]
    tau = autocorr_time(kept) * record
    thin_rows = max(1, thin_chain(len(kept) * record, walkers, float(np.max(tau)),
                                  budget.min_sets) // record)
    samples = kept[::-1][::thin_rows][::-1].reshape(-1, k)  # thin from the last step backwards
    sample_lp = kept_lp[::-1][::thin_rows][::-1].reshape(-1)
    if len(samples) > budget.max_sets:
        pick = np.linspace(0, len(samples) - 1, budget.max_sets).round().astype(int)
        samples, sample_lp = samples[pick], sample_lp[pick]
    kept_steps = len(kept) * record
    ess = kept_steps * walkers / tau
    burn = budget.steps - kept_steps
    return Chain(samples, sample_lp, accepted / budget.steps, tau, ess, split_rhat(kept),
                 budget.steps, burn, thin_rows * record, walkers)
