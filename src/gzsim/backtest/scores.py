"""Scores of predictive intervals: the interval score, coverage, and a per-method summary.

The interval score of a central (1 - alpha) interval [l, u] for an outcome y (Gneiting &
Raftery 2007, JASA 102, eq. 43) is

    (u - l) + 2/alpha * (l - y) * [y < l] + 2/alpha * (y - u) * [y > u]

It is proper: it rewards narrow intervals and punishes each miss by its distance, so coverage
cannot be bought with width.  Lower is better.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import UsageError

__all__ = ["interval_score", "inside", "summarise", "SUMMARY_COLUMNS"]

SUMMARY_COLUMNS = ["method", "n", "coverage_50", "coverage_90", "interval_score_50",
                   "interval_score_90", "interval_score", "mae_log"]

_QUANTILES = ("value", "p05", "p25", "p75", "p95")


def interval_score(y, lower, upper, alpha: float) -> np.ndarray:
    """Interval score of the central ``1 - alpha`` interval ``[lower, upper]`` for outcome *y*.

    Arrays broadcast.  *alpha* is in (0, 1): 0.5 for a 50 % interval, 0.1 for a 90 % one.
    """
    if not 0 < alpha < 1:
        raise UsageError(f"alpha must be in (0, 1) (got {alpha}); use 0.1 for a 90 % interval")
    y, lo, hi = (np.asarray(a, dtype=float) for a in (y, lower, upper))
    below = np.where(y < lo, lo - y, 0.0)
    above = np.where(y > hi, y - hi, 0.0)
    return (hi - lo) + 2.0 / alpha * below + 2.0 / alpha * above


def inside(y, lower, upper) -> np.ndarray:
    """True where ``lower <= y <= upper`` (arrays broadcast)."""
    y, lo, hi = (np.asarray(a, dtype=float) for a in (y, lower, upper))
    return (lo <= y) & (y <= hi)


def summarise(df: pd.DataFrame, *, scale: str = "log") -> pd.DataFrame:
    """Coverage and interval scores per method.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per forecast, columns method, value (the outcome), p05, p25, p75, p95, and
        optionally median.
    scale : {"log", "level"}
        Scale of the interval scores.  Default "log": our quantities span orders of magnitude
        (R&D intensity ~1-3 %, firm counts ~100-5,000, money ~10-20,000 亿元), and on the level
        scale the largest series would decide every mean; on the log scale an interval's width
        and a miss are relative (0.1 = about 10 %), so each forecast counts alike.  All our
        quantities are positive.  Coverage does not depend on the scale.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS`, one row per method (in order of appearance): n;
        coverage_50, coverage_90 (share of outcomes inside [p25, p75] and [p05, p95]);
        interval_score_50, interval_score_90 (means, alpha 0.5 and 0.1); interval_score (the
        mean of the two); mae_log (mean |log(median / value)|; NaN without a median column).

    Raises
    ------
    UsageError
        Missing columns, an unknown scale, or non-positive values on the log scale.
    """
    if scale not in ("log", "level"):
        raise UsageError(f"scale must be 'log' or 'level' (got {scale!r})")
    missing = [c for c in ("method", *_QUANTILES) if c not in df.columns]
    if missing:
        raise UsageError(f"the forecasts table lacks column(s) {', '.join(missing)}; it needs method, "
                         f"value, p05, p25, p75, p95 (and median)")
    cols = [*_QUANTILES, *(["median"] if "median" in df.columns else [])]
    num = df[cols].astype(float)
    if scale == "log":
        if (num <= 0).any().any() or num.isna().any().any():
            raise UsageError("log-scale scores need positive outcomes and quantiles; some are zero, "
                             "negative or missing: use scale='level' or drop those rows")
        num = np.log(num)
    rows = []
    for method, idx in df.groupby("method", sort=False).groups.items():
        t = num.loc[idx]
        y = t["value"].to_numpy()
        s50 = interval_score(y, t["p25"], t["p75"], 0.5)
        s90 = interval_score(y, t["p05"], t["p95"], 0.1)
        if "median" in t:
            med = df.loc[idx, "median"].astype(float).to_numpy()
            with np.errstate(divide="ignore", invalid="ignore"):
                mae = float(np.mean(np.abs(np.log(med / df.loc[idx, "value"].astype(float).to_numpy()))))
        else:
            mae = float("nan")
        rows.append({"method": method, "n": len(t),
                     "coverage_50": float(inside(y, t["p25"], t["p75"]).mean()),
                     "coverage_90": float(inside(y, t["p05"], t["p95"]).mean()),
                     "interval_score_50": float(s50.mean()), "interval_score_90": float(s90.mean()),
                     "interval_score": float((s50.mean() + s90.mean()) / 2), "mae_log": mae})
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
