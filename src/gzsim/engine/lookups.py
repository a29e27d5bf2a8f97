"""Lookup tables and time-series interpolation.

PySD interpolates lookups linearly and holds the end values outside the
table (Vensim's behaviour); inline ``WITH LOOKUP`` tables and time-series
parameters go straight through ``numpy.interp``.  The scalar interpolator
below repeats ``numpy.interp``'s arithmetic (numpy/_core/src/multiarray/
compiled_base.c) so a single run gives the same bits as a batch.
``LOOKUP EXTRAPOLATE`` follows PySD's ``extrapolate`` mode (XMILE),
``LOOKUP BACKWARD`` PySD's ``hold_backward``; ``LOOKUP FORWARD`` holds the
next point's value (Vensim).
"""

from __future__ import annotations

import bisect
import math

import numpy as np

__all__ = ["scalar_lookup", "vector_lookup", "constant_lookup", "interp_grid"]


def _interp_point(x, xs, ys):
    """``numpy.interp(x, xs, ys)`` for one float, same operations."""
    if x != x:
        return x
    if x < xs[0]:
        return ys[0]
    if x > xs[-1]:
        return ys[-1]
    j = bisect.bisect_right(xs, x) - 1
    if j == len(xs) - 1 or xs[j] == x:
        return ys[j]
    slope = (ys[j + 1] - ys[j]) / (xs[j + 1] - xs[j])
    res = slope * (x - xs[j]) + ys[j]
    if res != res:
        res = slope * (x - xs[j + 1]) + ys[j + 1]
        if res != res and ys[j] == ys[j + 1]:
            res = ys[j]
    return res


def scalar_lookup(xs, ys, mode: str = "interpolate"):
    """A function of one float for the table (*xs*, *ys*) in *mode*."""
    xs, ys = tuple(map(float, xs)), tuple(map(float, ys))
    if mode == "interpolate":
        return lambda x: _interp_point(x, xs, ys)
    if mode == "extrapolate":
        if len(xs) < 2:
            return lambda x: _interp_point(x, xs, ys)
        kl = (ys[1] - ys[0]) / (xs[1] - xs[0])
        kr = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])

        def extrapolate(x):
            if x > xs[-1]:
                return ys[-1] + kr * (x - xs[-1])
            if x < xs[0]:
                return ys[0] + kl * (x - xs[0])
            return _interp_point(x, xs, ys)
        return extrapolate
    if mode == "backward":
        def backward(x):
            if x != x:
                return x
            return ys[min(max(bisect.bisect_right(xs, x) - 1, 0), len(xs) - 1)]
        return backward
    if mode == "forward":
        def forward(x):
            if x != x:
                return x
            return ys[min(bisect.bisect_left(xs, x), len(xs) - 1)]
        return forward
    raise ValueError(mode)


def vector_lookup(xs, ys, mode: str = "interpolate"):
    """A numpy function for the table (*xs*, *ys*) in *mode*."""
    xa, ya = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    last = len(xa) - 1
    if mode == "interpolate" or (mode == "extrapolate" and last < 1):
        return lambda x: np.interp(x, xa, ya)
    if mode == "extrapolate":
        kl = (ya[1] - ya[0]) / (xa[1] - xa[0])
        kr = (ya[-1] - ya[-2]) / (xa[-1] - xa[-2])

        def extrapolate(x):
            inner = np.interp(x, xa, ya)
            return np.where(x > xa[-1], ya[-1] + kr * (x - xa[-1]),
                            np.where(x < xa[0], ya[0] + kl * (x - xa[0]), inner))
        return extrapolate
    if mode == "backward":
        def backward(x):
            idx = np.clip(np.searchsorted(xa, x, side="right") - 1, 0, last)
            return np.where(np.isnan(x), x, ya[idx])
        return backward
    if mode == "forward":
        def forward(x):
            idx = np.minimum(np.searchsorted(xa, x, side="left"), last)
            return np.where(np.isnan(x), x, ya[idx])
        return forward
    raise ValueError(mode)


def constant_lookup(value):
    """A lookup replaced by a value, as PySD does when a table is set to a number."""
    return lambda x: value


def interp_grid(times, xp, fp) -> np.ndarray:
    """Interpolate a time series on the simulation times, as PySD does per step.

    Parameters
    ----------
    times : sequence of float
        The integration times.
    xp : array of float, shape (m,)
        Increasing times of the series.
    fp : array, shape (m,) or (n, m)
        Values; one row per parameter set when 2-D.

    Returns
    -------
    numpy.ndarray
        Shape (len(times),) or (len(times), n): ``numpy.interp(t, xp, row)`` at every time.
    """
    xp = np.asarray(xp, dtype=float)
    fp = np.asarray(fp, dtype=float)
    if fp.ndim == 1:
        return np.interp(np.asarray(times, dtype=float), xp, fp)
    out = np.empty((len(times), fp.shape[0]))
    xs = xp.tolist()
    with np.errstate(all="ignore"):
        _interp_rows(times, xs, fp, out)
    return out


def _interp_rows(times, xs, fp, out) -> None:
    m = len(xs)
    for k, x in enumerate(times):
        if math.isnan(x):
            out[k] = x
        elif x < xs[0]:
            out[k] = fp[:, 0]
        elif x > xs[-1]:
            out[k] = fp[:, -1]
        else:
            j = bisect.bisect_right(xs, x) - 1
            if j == m - 1 or xs[j] == x:
                out[k] = fp[:, j]
                continue
            slope = (fp[:, j + 1] - fp[:, j]) / (xs[j + 1] - xs[j])
            res = slope * (x - xs[j]) + fp[:, j]
            bad = np.isnan(res)
            if bad.any():
                res[bad] = slope[bad] * (x - xs[j + 1]) + fp[bad, j + 1]
                same = np.isnan(res) & (fp[:, j] == fp[:, j + 1])
                res[same] = fp[same, j]
            out[k] = res
