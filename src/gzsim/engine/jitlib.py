"""Numeric primitives for the compiled (numba) runners, one float at a time.

Each function repeats, operation by operation, its vector twin in :mod:`.functions` (which
mirrors PySD), so a compiled run gives the numbers of a numpy batch.  Compiled with
``error_model="numpy"``: a division by zero or a domain error gives inf or nan, never an
exception, as in a batch.  Imported only when numba is installed.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .functions import SMALL_VENSIM

_JIT = dict(cache=True, error_model="numpy", nogil=True)


@njit(**_JIT)
def _f(x):
    """*x* as a float (numba has no ``float(bool)``); ``x * 1.0`` keeps -0.0, inf and nan."""
    return x * 1.0


@njit(**_JIT)
def _min(a, b):
    return a if (a <= b or a != a) else b  # np.minimum propagates nan


@njit(**_JIT)
def _max(a, b):
    return a if (a >= b or a != a) else b


@njit(**_JIT)
def _max0(x):
    return x if (x >= 0.0 or x != x) else 0.0


@njit(**_JIT)
def _abs(x):
    return abs(x)


@njit(**_JIT)
def _exp(x):
    return math.exp(x)


@njit(**_JIT)
def _ln(x):
    return math.log(x)


@njit(**_JIT)
def _log(x, base):
    return math.log(x) / math.log(base)


@njit(**_JIT)
def _sqrt(x):
    return math.sqrt(x)


@njit(**_JIT)
def _pow(a, b):
    return a ** b


@njit(**_JIT)
def _int(x):
    return np.trunc(x)


@njit(**_JIT)
def _quantum(a, b):
    return a if b < SMALL_VENSIM else b * np.trunc(a / b)


@njit(**_JIT)
def _modulo(x, m):
    return x - _quantum(x, m)


@njit(**_JIT)
def _sin(x):
    return math.sin(x)


@njit(**_JIT)
def _cos(x):
    return math.cos(x)


@njit(**_JIT)
def _tan(x):
    return math.tan(x)


@njit(**_JIT)
def _asin(x):
    return math.asin(x)


@njit(**_JIT)
def _acos(x):
    return math.acos(x)


@njit(**_JIT)
def _atan(x):
    return math.atan(x)


@njit(**_JIT)
def _sinh(x):
    return math.sinh(x)


@njit(**_JIT)
def _cosh(x):
    return math.cosh(x)


@njit(**_JIT)
def _tanh(x):
    return math.tanh(x)


@njit(**_JIT)
def _xidz(a, b, x):
    return x if abs(b) < SMALL_VENSIM else a / b


@njit(**_JIT)
def _zidz(a, b):
    return 0.0 if abs(b) < SMALL_VENSIM else a / b


@njit(**_JIT)
def _pulse(t, start, width):
    return 1.0 if (start - SMALL_VENSIM <= t and t < start + width) else 0.0


@njit(**_JIT)
def _ptrain(t, start, repeat, width, end):
    if repeat == 0:
        return 1.0 if (start - SMALL_VENSIM <= t and t < start + width) else 0.0
    if start <= t and t < end:
        return 1.0 if (t - start + SMALL_VENSIM) % repeat < width else 0.0
    return 0.0


@njit(**_JIT)
def _ramp(t, slope, start, finish):
    return (1.0 if t + SMALL_VENSIM > start else 0.0) * slope * (_min(finish, t) - start)


@njit(**_JIT)
def _interp(x, xs, ys):
    """``numpy.interp(x, xs, ys)`` for one float, same operations (see :mod:`.lookups`)."""
    if x != x:
        return x
    last = len(xs) - 1
    if x < xs[0]:
        return ys[0]
    if x > xs[last]:
        return ys[last]
    lo, hi = 0, last + 1           # bisect_right(xs, x) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if x < xs[mid]:
            hi = mid
        else:
            lo = mid + 1
    j = lo - 1
    if j == last or xs[j] == x:
        return ys[j]
    slope = (ys[j + 1] - ys[j]) / (xs[j + 1] - xs[j])
    res = slope * (x - xs[j]) + ys[j]
    if res != res:
        res = slope * (x - xs[j + 1]) + ys[j + 1]
        if res != res and ys[j] == ys[j + 1]:
            res = ys[j]
    return res


@njit(**_JIT)
def _fixed_length(delay_time, dt):
    """DELAY FIXED's buffer length as PySD sizes it; 0 when the delay is not finite."""
    order = delay_time / dt
    order = order if (order >= 1.0 or order != order) else 1.0
    if not math.isfinite(order):
        return 0
    return int(np.round(order + SMALL_VENSIM))


@njit(**_JIT)
def _delay_order(order, delay_time, dt):
    """A delay's order after PySD's reduction (while order x TIME STEP > delay); 0 if unusable."""
    if delay_time != delay_time:
        return 0
    k = order
    while k >= 1 and k * dt > delay_time:
        k -= 1
    return k


@njit(**_JIT)
def _order(order):
    """A smooth's order as PySD takes it; 0 when unusable."""
    if not math.isfinite(order) or order < 1.0:
        return 0
    return int(order)
