"""The reference class as a prior: Bayesian melding of a forecast's implied paces.

Poole & Raftery (2000, JASA 95:1244), "Inference for deterministic simulation models: the
Bayesian melding approach".  The model's draws (the calibration ensemble and the post-2020
regime inputs, which no Ganzhou row can pin) induce a density ``q`` of an indicator's implied
pace; the reference class gives another, ``f``.  Logarithmic pooling, ``q^alpha f^(1-alpha)``,
reweights the draws by

    w_i  proportional to  (f(pace_i) / q(pace_i)) ** (1 - alpha)

(sampling-importance weights; Poole & Raftery's SIR step without a likelihood, since the draws
already carry the fit to the data).

Choices (see also the README, "How far to trust the forecasts"):

* ``f`` and ``q`` are Gaussian kernel densities with Silverman's rule of thumb for the bandwidth,
  ``0.9 min(sd, IQR/1.34) n^(-1/5)`` (Silverman 1986, *Density Estimation*, eq. 3.31).  The
  class is small (4-11 paces) and skewed by boom regions; the ``min`` keeps one outlying pace
  (Ganzhou's own 2015-20 firm boom) from smearing the density over the whole range, and the same
  rule for ``q`` means a class equal to the samples gives weights of exactly one.
* ``alpha = 0.5``: the model-induced and the class prior count equally (the geometric mean);
  nothing in the data says which to trust more.
* One indicator at a time, not the product of the per-indicator weights.  The forecast's paces
  of R&D intensity and of the firm count move together (Spearman 0.93 over 2,000 baseline draws,
  seed 1), so the product would divide by the model's density of what is nearly one quantity
  twice and count the class twice; a joint ``q`` would need a joint ``f``, and the class has no
  joint information (only Ganzhou and Jiangxi have paces of both).
* The Kish effective sample size ``(sum w)^2 / sum w^2`` shows how much of the ensemble the
  weights keep.  Below :data:`MIN_ESS` the melded numbers are refused: a probability from fewer
  effective samples has a Monte-Carlo standard error up to ``0.5 / sqrt(100) = 0.05``, the
  scale on which the status thresholds (0.4, 0.8) are read.  They are refused too when the
  weights keep less than :data:`MIN_ESS_SHARE` of the draws: the melded answer then rests on
  the tail of the ensemble, where the kernel estimate of the model's own density ``q`` (the
  divisor of every weight) is least reliable.  Found on the firm count: with the class's
  slowest pace three times the forecast's, 104 of 10,000 effective draws gave P = 1.00.
  A refusal says which floor bound (:class:`Refusal`): under 5 % of the draws, the forecast and
  the class hardly overlap and more samples will not help; otherwise there were too few samples.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import numpy as np

from ..errors import UsageError
from .class_paces import paces
from .files import MIN_CLASS

__all__ = ["ALPHA", "MIN_ESS", "MIN_ESS_SHARE", "Meld", "Refusal", "refusal_note", "silverman_bandwidth",
           "log_kde", "kish_ess", "meld_weights", "meld", "check_alpha", "check_min_ess"]

#: Pooling weight of the model-induced prior (Poole & Raftery's alpha).
ALPHA = 0.5
#: Fewest effective samples the melded numbers are shown from.
MIN_ESS = 100
#: Smallest share of the draws the weights must keep (effective sample size / samples).
MIN_ESS_SHARE = 0.05

_CHUNK = 500  # rows of the kernel matrix at a time: 500 x 10,000 floats = 40 MB


def _number(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def check_alpha(alpha) -> float:
    """*alpha* as a float in [0, 1], else UsageError."""
    if not (_number(alpha) and 0 <= alpha <= 1):  # NaN fails too
        raise UsageError(f"alpha must be a number within [0, 1], got {alpha!r}")
    return float(alpha)


def check_min_ess(min_ess) -> float:
    """*min_ess* as a float >= 1, else UsageError."""
    if not (_number(min_ess) and min_ess >= 1):
        raise UsageError(f"min_ess must be a number >= 1, got {min_ess!r}")
    return float(min_ess)


def _finite_1d(x, what: str) -> np.ndarray:
    a = np.asarray(x, dtype=float).ravel()
    if not len(a):
        raise UsageError(f"{what} is empty; melding needs at least one value")
    if not np.isfinite(a).all():
        raise UsageError(f"{what} has {int((~np.isfinite(a)).sum())} non-finite value(s); "
                         f"give finite paces")
    return a


def silverman_bandwidth(x) -> float:
    """``0.9 min(sd, IQR/1.34) n^(-1/5)``; the sd alone when the IQR is 0 (tied values).

    Raises UsageError for fewer than two values or no spread at all (no density can be formed).
    """
    a = _finite_1d(x, "the values")
    if len(a) < 2:
        raise UsageError(f"a kernel density needs at least 2 values, got {len(a)}")
    sd = float(np.std(a, ddof=1))
    q75, q25 = np.quantile(a, [0.75, 0.25])
    spread = min(sd, (q75 - q25) / 1.34) if q75 > q25 else sd
    if not spread > 0:
        raise UsageError(f"all {len(a)} values are equal ({a[0]:g}); a kernel density needs some spread")
    return 0.9 * spread * len(a) ** -0.2


def log_kde(data, at, bandwidth: float | None = None) -> np.ndarray:
    """Log of the Gaussian kernel density of *data* at the points *at* (Silverman bandwidth by default).

    In logs so that a pace far from every kernel keeps a finite, comparable value.
    """
    d = _finite_1d(data, "the data")
    x = _finite_1d(at, "the points")
    h = silverman_bandwidth(d) if bandwidth is None else float(bandwidth)
    if not (math.isfinite(h) and h > 0):
        raise UsageError(f"bandwidth must be a positive number, got {bandwidth!r}")
    norm = math.log(len(d) * h * math.sqrt(2 * math.pi))
    out = np.empty(len(x))
    for s in range(0, len(x), _CHUNK):
        out[s:s + _CHUNK] = _log_kernel_sums(x[s:s + _CHUNK], d, h) - norm
    return out


def _log_kernel_sums(x: np.ndarray, d: np.ndarray, h: float) -> np.ndarray:
    """``log sum_j exp(-((x_i - d_j) / h)^2 / 2)`` per point, shifted by each row's largest term.

    In place with numpy: scipy's ``logsumexp`` took 6 times as long, and the app melds its
    samples on every slider move.
    """
    z = x[:, None] - d[None, :]
    z *= 1 / h
    np.square(z, out=z)
    z *= -0.5
    top = z.max(axis=1)
    z -= top[:, None]
    np.exp(z, out=z)
    return top + np.log(z.sum(axis=1))


def kish_ess(weights) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` (n for equal weights, 1 for one)."""
    w = np.asarray(weights, dtype=float).ravel()
    if not len(w) or not np.isfinite(w).all() or (w < 0).any() or not w.sum() > 0:
        raise UsageError("weights must be finite, non-negative and not all zero")
    return float(w.sum() ** 2 / np.sum(w * w))


def meld_weights(sample_paces, class_paces, *, alpha: float = ALPHA) -> np.ndarray:
    """Importance weights ``(f / q) ** (1 - alpha)`` of the samples, scaled to mean 1.

    Parameters
    ----------
    sample_paces : array
        Each sample's implied pace (``q`` is their kernel density).
    class_paces : array
        The reference class's paces (``f`` is their kernel density).
    alpha : float
        Pooling weight of the model-induced density, in [0, 1] (1: weights all one).
    """
    alpha = check_alpha(alpha)
    x = _finite_1d(sample_paces, "the samples' paces")
    c = _finite_1d(class_paces, "the reference class")
    if len(x) < 2:
        raise UsageError(f"melding needs at least 2 samples to estimate their density, got {len(x)}")
    log_ratio = (1 - alpha) * (log_kde(c, x) - log_kde(x, x))
    w = np.exp(log_ratio - log_ratio.max())
    return w / w.mean()


class Refusal(enum.Enum):
    """Why melded numbers are not shown."""

    NO_OVERLAP = "no_overlap"
    """The weights keep under :data:`MIN_ESS_SHARE` of the draws: more samples would not help."""
    FEW_SAMPLES = "few_samples"
    """The weights keep a fair share of the draws, but fewer than *min_ess* of them."""
    NO_PACE = "no_pace"
    """Some samples have no finite pace (found by the caller before melding)."""


def refusal_note(refusal: Refusal, lang: str = "en", *, n: int, ess: float = math.nan, floor: float = math.nan,
                 class_n: int = 0, bad: int = 0) -> str:
    """The note of a refused melding in *lang* ("en"/"zh"), with its figures.

    *n* samples; *ess* and *floor* (the effective sample size and the least shown) for
    ``NO_OVERLAP`` and ``FEW_SAMPLES``; *class_n* paces in the class (``NO_OVERLAP``); *bad*
    samples without a finite pace (``NO_PACE``).
    """
    if lang not in ("en", "zh"):
        raise UsageError(f"language must be 'en' or 'zh', not {lang!r}")
    if refusal is Refusal.NO_PACE:
        return (f"未予采用（{bad}次模拟无法算出增速）" if lang == "zh" else
                f"refused: {bad} sample(s) without a finite pace")
    if lang == "zh":
        why = (f"预测增速与参照类的{class_n}个增速几乎没有重叠" if refusal is Refusal.NO_OVERLAP else
               "模拟次数不足")
        return f"未予采用（有效样本量{ess:.0f}，共{n}次模拟，低于{floor:g}；{why}）"
    why = (f"the forecast and the class of {class_n} paces hardly overlap" if refusal is Refusal.NO_OVERLAP
           else "too few samples")
    return f"refused: effective sample size {ess:.0f} of {n} is below {floor:g} ({why})"


@dataclass(frozen=True)
class Meld:
    """The melding of one indicator: weights per sample, their ESS, and whether they are usable.

    ``note`` and ``note_zh`` say why when not (:func:`refusal_note`); empty when usable.
    """

    indicator: str
    weights: np.ndarray
    ess: float
    n: int
    class_n: int
    alpha: float
    min_ess: float
    usable: bool
    note: str
    note_zh: str = ""
    refusal: Refusal | None = None


def meld(indicator: str, sample_paces, *, alpha: float = ALPHA, min_ess: float = MIN_ESS,
         **kwargs) -> Meld:
    """Meld the samples' paces of *indicator* with its reference class.

    Keyword arguments go to :func:`gzsim.outside_view.paces` (``until``, the data files).

    Raises
    ------
    UsageError
        Unknown indicator, a class with fewer than :data:`MIN_CLASS` paces, bad paces or alpha.
        A weighting whose ESS is below the floor is not an error: ``usable`` is False,
        ``refusal`` says which floor bound and ``note`` / ``note_zh`` say it in words.
    """
    min_ess = check_min_ess(min_ess)
    cls = paces(indicator, **kwargs)["pace"].to_numpy(dtype=float)
    if len(cls) < MIN_CLASS:
        raise UsageError(f"the reference class of '{indicator}' has {len(cls)} pace(s); melding needs "
                         f"at least {MIN_CLASS} (add rows to calibration/reference_class.csv)")
    w = meld_weights(sample_paces, cls, alpha=alpha)
    ess = kish_ess(w)
    share_floor = MIN_ESS_SHARE * len(w)
    floor = max(min_ess, share_floor)
    if ess >= floor:
        return Meld(indicator, w, ess, len(w), len(cls), float(alpha), min_ess, True, "")
    refusal = Refusal.NO_OVERLAP if ess < share_floor else Refusal.FEW_SAMPLES
    notes = [refusal_note(refusal, lang, n=len(w), ess=ess, floor=floor, class_n=len(cls)) for lang in ("en", "zh")]
    return Meld(indicator, w, ess, len(w), len(cls), float(alpha), min_ess, False, *notes, refusal)
