"""Ensemble of parameter sets: an affine-invariant MCMC sampler evaluated in batches.

The sampler is the stretch move of Goodman & Weare (2010), as in emcee
(Foreman-Mackey et al. 2013): the walkers are split in two halves, and each
half moves along lines through random walkers of the other half, so one
half is one batch of model runs.  Diagnostics: acceptance fraction,
integrated autocorrelation time per parameter (emcee's estimator: the
walker-averaged autocorrelation function with Sokal's automatic window,
c = 5), effective sample size, and split-R-hat over walkers (Gelman et al.,
BDA3 §11.4).  Everything is drawn from one seeded generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .settings import Budget

__all__ = ["Chain", "run_sampler", "autocorr_time", "split_rhat", "thin_chain"]

#: Stretch-move scale a (Goodman & Weare 2010; emcee's default).
STRETCH = 2.0
#: Share of differential-evolution moves (ter Braak & Vrugt 2008; emcee's DEMove) mixed in,
#: and their scale 2.38 / sqrt(2 k); the mixture mixes faster along the curved ridges of
#: parameters the data do not pin than stretch moves alone.
DE_SHARE = 0.8
DE_GAMMA = 2.38


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


def _autocorr(x: np.ndarray) -> np.ndarray:
    """Normalised autocorrelation function of a 1-D series (FFT)."""
    n = len(x)
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(x - x.mean(), n=size)
    acf = np.fft.irfft(f * np.conj(f))[:n]
    return acf / acf[0] if acf[0] > 0 else np.zeros(n)


def autocorr_time(chain: np.ndarray, c: float = 5.0) -> np.ndarray:
    """Integrated autocorrelation time of each parameter of ``chain (steps, walkers, k)``."""
    steps, walkers, k = chain.shape
    tau = np.empty(k)
    for j in range(k):
        rho = np.mean([_autocorr(chain[:, w, j]) for w in range(walkers)], axis=0)
        taus = 2.0 * np.cumsum(rho) - 1.0
        window = np.arange(len(taus)) < c * taus
        m = int(np.argmin(window)) if not window.all() else len(taus) - 1
        tau[j] = max(float(taus[m]), 1.0)
    return tau


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
    """Sample the posterior with the stretch move.

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

    x = to_z(x0)
    lp = target(x)
    # Long chains are stored every `record` steps (at most ~5,000 rows) to bound memory; the
    # autocorrelation time is measured on the stored rows and converted back to steps.
    record = max(1, budget.steps // 5000)
    stored = budget.steps // record
    chain = np.empty((stored, walkers, k))
    lp_chain = np.empty((stored, walkers))
    accepted = np.zeros(walkers)
    halves = (np.arange(walkers // 2), np.arange(walkers // 2, walkers))
    for t in range(budget.steps):
        for move, other in (halves, halves[::-1]):
            n = len(move)
            if rng.random() < DE_SHARE:
                # differential-evolution move: along the difference of two other walkers
                pick = np.argsort(rng.random((n, len(other))), axis=1)[:, :2]
                gamma = DE_GAMMA / np.sqrt(2 * k) * (1.0 + 1e-5 * rng.standard_normal(n))
                proposal = x[move] + gamma[:, None] * (x[other[pick[:, 0]]] - x[other[pick[:, 1]]])
                log_move = np.zeros(n)
            else:
                z = ((STRETCH - 1.0) * rng.random(n) + 1.0) ** 2 / STRETCH
                partners = x[other[rng.integers(0, len(other), n)]]
                proposal = partners + z[:, None] * (x[move] - partners)
                log_move = (k - 1) * np.log(z)
            lp_new = target(proposal)
            with np.errstate(invalid="ignore"):
                log_ratio = log_move + lp_new - lp[move]
            accept = np.log(rng.random(n)) < np.where(np.isnan(log_ratio), -np.inf, log_ratio)
            x[move[accept]] = proposal[accept]
            lp[move[accept]] = lp_new[accept]
            accepted[move[accept]] += 1
        if (t + 1) % record == 0 and (t + 1) // record <= stored:
            chain[(t + 1) // record - 1], lp_chain[(t + 1) // record - 1] = to_theta(x), lp
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
