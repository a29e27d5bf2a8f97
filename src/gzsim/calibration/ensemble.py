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
    lo, width = bounds[:, 0], bounds[:, 1] - bounds[:, 0]
    x0 = initial_walkers(center, bounds, walkers, rng, log_post, candidates)

    # Walk in z = logit((theta - lo) / width), adding the Jacobian so the target is unchanged.
    # Parameters the data do not pin fill their whole box; hard walls would reject most
    # stretch moves there, while in z the box has no walls.
    def to_theta(z: np.ndarray) -> np.ndarray:
        return lo + width / (1.0 + np.exp(-z))

    def target(z: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore", divide="ignore"):
            w = 1.0 / (1.0 + np.exp(-z))
            jac = np.sum(np.log(w) + np.log1p(-w), axis=1)
        out = log_post(to_theta(z)) + jac
        return np.where(np.isfinite(out), out, -np.inf)

    eps = 1e-9
    w0 = np.clip((x0 - lo) / width, eps, 1 - eps)
    x = np.log(w0) - np.log1p(-w0)
    lp = target(x)
    chain = np.empty((budget.steps, walkers, k))
    lp_chain = np.empty((budget.steps, walkers))
    accepted = np.zeros(walkers)
    halves = (np.arange(walkers // 2), np.arange(walkers // 2, walkers))
    for t in range(budget.steps):
        for move, other in (halves, halves[::-1]):
            n = len(move)
            z = ((STRETCH - 1.0) * rng.random(n) + 1.0) ** 2 / STRETCH
            partners = x[other[rng.integers(0, len(other), n)]]
            proposal = partners + z[:, None] * (x[move] - partners)
            lp_new = target(proposal)
            with np.errstate(invalid="ignore"):
                log_ratio = (k - 1) * np.log(z) + lp_new - lp[move]
            accept = np.log(rng.random(n)) < np.where(np.isnan(log_ratio), -np.inf, log_ratio)
            x[move[accept]] = proposal[accept]
            lp[move[accept]] = lp_new[accept]
            accepted[move[accept]] += 1
        chain[t], lp_chain[t] = to_theta(x), lp
    burn = int(budget.burn * budget.steps)
    kept, kept_lp = chain[burn:], lp_chain[burn:]
    tau = autocorr_time(kept)
    thin = thin_chain(len(kept), walkers, float(np.max(tau)), budget.min_sets)
    samples = kept[::-1][::thin][::-1].reshape(-1, k)  # thin from the last step backwards
    sample_lp = kept_lp[::-1][::thin][::-1].reshape(-1)
    if len(samples) > budget.max_sets:
        pick = np.linspace(0, len(samples) - 1, budget.max_sets).round().astype(int)
        samples, sample_lp = samples[pick], sample_lp[pick]
    ess = len(kept) * walkers / tau
    return Chain(samples, sample_lp, accepted / budget.steps, tau, ess, split_rhat(kept),
                 budget.steps, burn, thin, walkers)
