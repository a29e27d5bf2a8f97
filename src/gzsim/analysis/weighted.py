"""Quantiles and probabilities of weighted samples (e.g. the melded outside view)."""

from __future__ import annotations

import numpy as np

from ..errors import UsageError

__all__ = ["weighted_quantile", "weighted_probability"]


def _pairs(values, weights) -> tuple[np.ndarray, np.ndarray]:
    """Values and weights as 1-D arrays of one length, checked; non-finite values dropped."""
    v = np.asarray(values, dtype=float).ravel()
    w = np.asarray(weights, dtype=float).ravel()
    if v.shape != w.shape:
        raise UsageError(f"values and weights differ in length ({len(v)} vs {len(w)})")
    if not np.isfinite(w).all() or (w < 0).any():
        raise UsageError("weights must be finite and non-negative")
    keep = np.isfinite(v)
    return v[keep], w[keep]


def weighted_quantile(values, weights, q) -> np.ndarray | float:
    """Quantile(s) *q* of *values* with *weights*; NaN values are ignored, like ``np.nanquantile``.

    Each sorted value sits at the middle of its share of the weight, ``(S_k - w_k/2) / S_n``
    (``S_k`` the running sum of weights); quantiles between are interpolated linearly, those
    outside are the smallest or largest value.  Midpoints, not numpy's default positions
    ``(k-1)/(n-1)``, because those pin the extreme values at 0 and 1 whatever their weight, and
    importance weights often put much weight on an extreme sample.  With equal weights this is
    ``np.quantile(..., method="hazen")`` (the same median as numpy's default).
    NaN when no value with positive weight is left.
    """
    v, w = _pairs(values, weights)
    qs = np.asarray(q, dtype=float)
    if not ((qs >= 0) & (qs <= 1)).all():  # NaN fails too
        raise UsageError(f"quantiles must be within [0, 1], got {q!r}")
    pos = w > 0  # a zero weight takes no place in the order
    v, w = v[pos], w[pos]
    if not len(v):
        out = np.full(qs.shape, np.nan)
    elif len(v) == 1:
        out = np.full(qs.shape, v[0])
    else:
        order = np.argsort(v, kind="stable")
        v, w = v[order], w[order]
        s = np.cumsum(w)
        at = (s - w / 2) / s[-1]
        out = np.interp(qs, at, v)
    return float(out) if out.ndim == 0 else out


def weighted_probability(ok, weights) -> float:
    """Weighted share of True in *ok* (a boolean per sample); NaN when the weights sum to 0."""
    o = np.asarray(ok)
    if o.dtype != bool:
        raise UsageError(f"ok must be booleans (met or not per sample), got dtype {o.dtype}")
    o, w = _pairs(o.astype(float), weights)
    total = w.sum()
    return float(np.dot(o, w) / total) if total > 0 else float("nan")
