"""Probability distributions of uncertain parameters and Monte-Carlo draws.

Kept in its own module because calibration will later replace the prior
draws made here by a posterior ensemble: only :func:`draw_parameters` needs to
change for that.

All draws use inverse-CDF sampling (one uniform number per draw), so a
truncated distribution costs no rejection loop and the same seed always
gives the same numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Collection

import numpy as np
import pandas as pd

from ._toml import Checker, suggest
from .errors import UsageError

if TYPE_CHECKING:  # pragma: no cover - imports for type checkers only
    from .catalogue import Catalogue
    from .scenario import ResolvedScenario

__all__ = ["DISTRIBUTIONS", "Distribution", "parse_distribution", "draw_parameters", "MAX_SAMPLES",
           "MAX_DRAWS", "check_sample_count"]

DISTRIBUTIONS = ("uniform", "loguniform", "triangular", "normal", "lognormal")

# Keys each distribution takes: (required, optional truncation bounds).
_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "uniform": (("min", "max"), ()),
    "loguniform": (("min", "max"), ()),
    "triangular": (("min", "mode", "max"), ()),
    "normal": (("mean", "sd"), ("min", "max")),
    "lognormal": (("mean", "sd"), ("min", "max")),
}

#: Most Monte-Carlo samples per scenario in one :meth:`gzsim.Model.simulate` / ``run`` /
#: ``run_many`` (``gzsim run``, ``gzsim brief``).  Such a run keeps every sample's path of every
#: indicator, and then its tidy rows, in memory: about 66 KB a sample at the peak for the
#: bundled model (16 indicators x 16 years; tracemalloc over ``run_many`` with 8,000 samples),
#: so the limit keeps a run near 1.3 GB.  More samples are for ``gzsim reach``, which keeps only
#: the target measures.
MAX_SAMPLES = 20_000
#: Most parameter sets :meth:`gzsim.Model.draw` makes at once (the samples or draws of reach,
#: discover, attribute, goalseek) and most runs an analysis command starts.  Analyses run in
#: chunks and keep per run only its inputs and the outputs they need: about 2-3 KB a run at
#: the peak (tracemalloc over reach with 8,000 samples and Sobol' with 9,472 runs), so the
#: limit keeps one near 1.5 GB.
MAX_DRAWS = 500_000
_WHY = {
    MAX_SAMPLES: "a run keeps every sample's indicator paths in memory (about 66 KB a sample for "
                 "the bundled model, 1.3 GB at the limit); for target probabilities over more "
                 "samples use gzsim reach",
    MAX_DRAWS: "an analysis keeps each run's inputs and outputs in memory (about 3 KB a run, "
               "1.5 GB at the limit)",
}


def check_sample_count(value: Any, *, name: str = "samples", limit: int = MAX_SAMPLES,
                       minimum: int = 0, runs_each: int = 1) -> int:
    """*value* as an int if it is a whole number >= *minimum* within the memory *limit*.

    Checked before anything is allocated, so that ``--samples 1000000000000``
    is an input error that states the limit and its reason, not a MemoryError.

    Parameters
    ----------
    value : Any
        The count given (``int`` or numpy integer; not a bool).
    name : str
        How to name it in the message (the argument or the option, ``--samples``).
    limit : int
        :data:`MAX_SAMPLES` (runs keeping every sample) or :data:`MAX_DRAWS`
        (analyses); the most runs allowed.
    minimum : int
    runs_each : int
        Model runs per unit of *value* (Sobol' makes N (d + 2) runs of a base sample N).

    Raises
    ------
    UsageError
        Not a whole number >= *minimum*, or ``value * runs_each`` above *limit*.

    Examples
    --------
    >>> check_sample_count(200)
    200
    """
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < minimum:
        raise UsageError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    value = int(value)
    if value * runs_each > limit:
        why = _WHY.get(limit, "the runs are kept in memory")
        shown = f"{name} {value:,}" if name.startswith("--") else f"{name} = {value:,}"
        if runs_each == 1:
            raise UsageError(f"{shown} is above the limit of {limit:,}: {why}; use at most {limit:,}")
        raise UsageError(f"{shown} means {value * runs_each:,} runs ({runs_each} each), above the limit "
                         f"of {limit:,}: {why}; use {name} {limit // runs_each:,} or less")
    return value


#: Most indicator values one command keeps (scenarios x samples x indicators x years): the
#: :data:`MAX_SAMPLES` of one bundled scenario (20,000 x 16 indicators x 16 years), about 260 bytes
#: a value at the peak, so the limit holds for the whole command, however many scenarios it runs
#: and however many indicators and years a custom model has.
MAX_VALUES = MAX_SAMPLES * 16 * 16


def check_run_size(scenarios: int, samples: int, indicators: int, years: int, *,
                   name: str = "samples") -> None:
    """Refuse, before anything is allocated, a run keeping more than :data:`MAX_VALUES` values.

    Raises
    ------
    UsageError
        Stating the product, the limit and how many samples fit.
    """
    per_sample = max(scenarios, 1) * max(indicators, 1) * max(years, 1)
    total = samples * per_sample
    if total > MAX_VALUES:
        fit = MAX_VALUES // per_sample
        raise UsageError(
            f"{name} {samples:,} with {scenarios} scenario(s) x {indicators} indicators x {years} years "
            f"keeps {total:,} values, above the limit of {MAX_VALUES:,} for one command: a run keeps "
            f"every sample's indicator paths in memory (about 260 bytes a value, 1.3 GB at the limit); "
            f"use {name} {fit:,} or less, or run the scenarios in separate commands")


@dataclass(frozen=True)
class Distribution:
    """A univariate distribution, optionally truncated to ``[min, max]``.

    For ``lognormal``, *mean* and *sd* are the mean and standard deviation
    of the variable itself (not of its logarithm).
    """

    kind: str
    min: float | None = None
    max: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None

    def _scipy(self) -> Any:
        # scipy.stats costs ~0.8 s to import: only when a distribution is actually used.
        from scipy import stats

        if self.kind == "uniform":
            return stats.uniform(loc=self.min, scale=self.max - self.min)
        if self.kind == "loguniform":
            return stats.loguniform(self.min, self.max)
        if self.kind == "triangular":
            width = self.max - self.min
            return stats.triang(c=(self.mode - self.min) / width, loc=self.min, scale=width)
        if self.kind == "normal":
            return stats.norm(loc=self.mean, scale=self.sd)
        # lognormal: convert the variable's mean/sd to the log-space parameters.
        sigma2 = math.log1p((self.sd / self.mean) ** 2)
        return stats.lognorm(s=math.sqrt(sigma2), scale=math.exp(math.log(self.mean) - sigma2 / 2))

    @property
    def bounds(self) -> tuple[float, float]:
        """Smallest and largest value a draw can take (may be infinite)."""
        lo = self.min if self.min is not None else (0.0 if self.kind == "lognormal" else -math.inf)
        hi = self.max if self.max is not None else math.inf
        return lo, hi

    def probability_mass(self) -> float:
        """Probability of ``[min, max]`` under the untruncated distribution."""
        d = self._scipy()
        lo, hi = self.bounds
        return float(d.cdf(hi) - d.cdf(lo))

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Draw *n* values using *rng*."""
        return self.quantile(rng.random(n))

    def quantile(self, q: np.ndarray) -> np.ndarray:
        """The values at probabilities *q* (in [0, 1)) of the distribution truncated to its bounds."""
        d = self._scipy()
        lo, hi = self.bounds
        u_lo = float(d.cdf(lo)) if math.isfinite(lo) else 0.0
        u_hi = float(d.cdf(hi)) if math.isfinite(hi) else 1.0
        u = u_lo + (u_hi - u_lo) * np.asarray(q, dtype=float)
        # Keep u off exactly 0/1 so an unbounded tail cannot yield -inf/inf.
        u = np.clip(u, np.nextafter(0.0, 1.0), np.nextafter(1.0, 0.0))
        x = d.ppf(u)
        # Guard the truncation bounds against floating-point ppf round-off.
        return np.clip(x, lo, hi)

    def to_dict(self) -> dict[str, Any]:
        """Canonical dict as written in TOML (only the keys that are set)."""
        out: dict[str, Any] = {"distribution": self.kind}
        for key in ("min", "max", "mode", "mean", "sd"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


def parse_distribution(
    table: dict[str, Any],
    *,
    where: str,
    check: Checker,
    extra_keys: tuple[str, ...] = (),
    within: tuple[float, float] | None = None,
) -> Distribution | None:
    """Validate a distribution table and build a :class:`Distribution`.

    Parameters
    ----------
    table : dict
        Must hold ``distribution`` and the parameters of that distribution.
    where : str
        Names the item in messages, e.g. ``"uncertain 'knowledge_depreciation'"``.
    check : Checker
        Receives every problem.
    extra_keys : tuple of str
        Other keys allowed in the same table (``id``, ``label_en``, ...).
    within : (float, float), optional
        Every possible draw must lie in this range (a lever's ``[min, max]``).

    Returns
    -------
    Distribution or None
        ``None`` when there were problems.
    """
    n0 = len(check.problems)
    kind = table.get("distribution")
    if not isinstance(kind, str) or kind not in DISTRIBUTIONS:
        shown = f"'{kind}'" if isinstance(kind, str) else repr(kind)
        hint = suggest(kind, DISTRIBUTIONS) if isinstance(kind, str) else ""
        if kind is None:
            check.add(f"{where}: missing 'distribution'; use one of {', '.join(DISTRIBUTIONS)}")
        else:
            check.add(f"{where}: distribution {shown} is unknown{hint} "
                      f"(known: {', '.join(DISTRIBUTIONS)})")
        return None
    required, optional = _KEYS[kind]
    check.keys(table, f"{where} ({kind})", required=("distribution", *required),
               optional=(*optional, *extra_keys))
    p = {k: check.number(table, k, f"{where}") for k in (*required, *optional)}
    if len(check.problems) > n0:
        return None
    lo, hi = p.get("min"), p.get("max")
    if lo is not None and hi is not None and not lo < hi:
        check.add(f"{where}: min {lo:g} must be below max {hi:g}")
    if kind == "triangular" and lo is not None and hi is not None and not lo <= p["mode"] <= hi:
        check.add(f"{where}: mode {p['mode']:g} must lie between min {lo:g} and max {hi:g}")
    if kind in ("uniform", "triangular") and lo is not None and hi is not None and \
            not math.isfinite(hi - lo):
        check.add(f"{where}: min {lo:g} and max {hi:g} are too far apart to draw from (their "
                  f"difference overflows); narrow the range")
    if kind == "loguniform" and lo is not None and not lo > 0:
        check.add(f"{where}: loguniform min must be positive (its logarithm is drawn), got {lo:g}")
    if kind in ("normal", "lognormal") and p["sd"] <= 0:
        check.add(f"{where}: sd must be positive, got {p['sd']:g}")
    if kind == "lognormal":
        if p["mean"] <= 0:
            check.add(f"{where}: lognormal mean must be positive, got {p['mean']:g}")
        if lo is not None and lo < 0:
            check.add(f"{where}: lognormal min must be >= 0, got {lo:g}")
    if len(check.problems) > n0:
        return None
    dist = Distribution(kind, min=lo, max=hi, mode=p.get("mode"), mean=p.get("mean"), sd=p.get("sd"))
    # Uniform, loguniform and triangular hold all their mass in [min, max]; only a truncated normal or
    # lognormal can be cut to (almost) nothing, or have parameters so extreme (sd 1e300 times
    # the mean) that its probabilities or draws are not finite numbers.
    if dist.kind in ("normal", "lognormal"):
        if not _finite_draws(dist):
            check.add(f"{where}: mean {p['mean']:g} and sd {p['sd']:g} are too extreme to draw "
                      f"finite values from; use a smaller sd (or a min and max)")
            return None
        with np.errstate(all="ignore"):
            mass = dist.probability_mass()
        if not mass >= 1e-9:
            check.add(f"{where}: the range [{lo}, {hi}] holds almost none of the distribution's "
                      f"probability; widen it or move mean")
            return None
    if within is not None:
        dlo, dhi = dist.bounds
        if not (within[0] <= dlo and dhi <= within[1]):
            check.add(f"{where}: draws can range over [{dlo:g}, {dhi:g}], outside the lever's range "
                      f"[{within[0]:g}, {within[1]:g}]; set min and max within the lever's range")
            return None
    return dist


def _finite_draws(dist: Distribution) -> bool:
    """Whether the most extreme draws :meth:`Distribution.sample` can make are finite numbers."""
    try:
        with np.errstate(all="ignore"):
            x = dist.quantile(np.array([0.0, 0.5, 1.0]))  # the extremes and the middle of any draw
    except (ArithmeticError, ValueError):
        return False
    return bool(np.all(np.isfinite(x)))


def draw_parameters(
    catalogue: "Catalogue",
    scenario: "ResolvedScenario | None",
    n: int,
    rng: np.random.Generator,
    *,
    only: "Collection[str] | None" = None,
) -> pd.DataFrame:
    """Draw *n* sets of uncertain parameter values.

    Parameters
    ----------
    catalogue : Catalogue
        Its ``[[uncertain]]`` parameters are drawn first, in catalogue order,
        so that different scenarios run with the same seed share the same
        draws of them (common random numbers).
    scenario : ResolvedScenario or None
        Its ``[uncertainty]`` levers are drawn next, in catalogue lever order.
    n : int
        Number of samples (rows).
    rng : numpy.random.Generator
        Source of randomness, e.g. ``numpy.random.default_rng(seed)``.
    only : collection of str, optional
        Vensim names of the uncertain parameters to draw (default all).

    Returns
    -------
    pandas.DataFrame
        One row per sample (index ``sample`` = 1..n), one column per
        parameter named by its Vensim name.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    columns: dict[str, np.ndarray] = {}
    for u in catalogue.uncertain:
        if only is None or u.vensim in only:
            columns[u.vensim] = u.distribution.sample(n, rng)
    if scenario is not None:
        for lever in catalogue.levers:
            dist = scenario.uncertainty.get(lever.id)
            if dist is not None:
                columns[lever.vensim] = dist.sample(n, rng)
    index = pd.RangeIndex(1, n + 1, name="sample")
    return pd.DataFrame(columns, index=index)
