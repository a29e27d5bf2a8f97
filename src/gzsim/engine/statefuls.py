"""Stateful objects other than stocks, mirroring ``pysd.py_backend.statefuls``.

Stocks (INTEG) and INITIAL are inlined by the code generator; the others
live here, in a scalar flavour (Python floats, one run) and a vector flavour
(numpy arrays of shape ``(n,)``, or ``(order, n)`` for chains, one column per
parameter set).  Every class has the same three methods, whose arguments are
the roles listed in :mod:`gzsim.engine.translate`:

``init(*INIT_ROLES)``  set the initial state (initial phase);
``out(*OUT_ROLES)``    the value the variable takes now;
``advance(*STEP_ROLES)``  one Euler step: ``state + ddt * dt``.

PySD fixes a delay's order when it initialises (reducing it while
``order * TIME STEP > delay time``) and sizes DELAY FIXED's ring buffer as
``round(max(delay / TIME STEP, 1) + 1e-6)``; in a batch these sizes may
differ between parameter sets, which the vector classes handle with masks.
"""

from __future__ import annotations

import numpy as np

from .errors import EngineError
from .functions import SMALL_VENSIM, _s_zidz, _v_zidz

__all__ = ["SCALAR_CLASSES", "VECTOR_CLASSES"]


def _int_order(order, owner: str, path) -> int:
    values = np.unique(np.asarray(order, dtype=float))
    if len(values) != 1 or not np.isfinite(values[0]):
        raise EngineError(f"the order of the delay or smooth in '{owner}' must be one finite "
                          "number for all parameter sets", path)
    k = int(values[0])
    if k < 1:
        raise EngineError(f"the order of the delay or smooth in '{owner}' is below 1", path)
    return k


def _delay_orders(order, delay_time, dt, n, owner, path) -> np.ndarray:
    """PySD's order reduction, per parameter set."""
    k = np.full(n, _int_order(order, owner, path))
    dtime = np.broadcast_to(np.asarray(delay_time, dtype=float), (n,))
    for _ in range(int(k.max())):
        too_long = k * dt > dtime
        if not too_long.any():
            break
        k[too_long] -= 1
    if (k < 1).any() or np.isnan(dtime).any():
        raise EngineError(f"the delay time of '{owner}' is shorter than TIME STEP", path)
    return k


def _fixed_length(delay_time, dt, n, owner, path) -> np.ndarray:
    order = np.maximum(np.broadcast_to(np.asarray(delay_time, dtype=float) / dt, (n,)), 1)
    if not np.isfinite(order).all():
        raise EngineError(f"the delay time of DELAY FIXED in '{owner}' is not finite", path)
    return np.round(order + SMALL_VENSIM).astype(int)


def _as_int64(x):
    """What numpy stores when *x* goes into an int64 array (see :mod:`.pysdtypes`)."""
    with np.errstate(all="ignore"):
        return np.asarray(x, dtype=float).astype(np.int64).astype(float)


class _Base:
    #: PySD's state array has an integer dtype (see :mod:`.pysdtypes`)
    int_typed = False

    def __init__(self, owner: str, dt, n: int | None, path=None):
        self.owner, self.dt, self.n, self.path = owner, dt, n, path


# =================================================================== scalar
class SDelay(_Base):
    """DELAY1, DELAY3 (and their I forms): a chain of *order* stocks."""

    def init(self, initial, delay_time, order):
        self.k = int(_delay_orders(order, delay_time, self.dt, 1, self.owner, self.path)[0])
        self.s = [initial * delay_time] * self.k

    def out(self, delay_time):
        return self.s[-1] / delay_time

    def advance(self, inp, delay_time):
        s, k, dt = self.s, self.k, self.dt
        flows = [x / delay_time for x in s]
        prev = [inp] + flows[:-1]
        self.s = [s[j] + ((prev[j] - flows[j]) * k) * dt for j in range(k)]


class SDelayN(SDelay):
    """DELAY N: like DELAY, remembering the delay time each stage entered with."""

    def init(self, initial, delay_time, order):
        super().init(initial, delay_time, order)
        self.times = [delay_time] * self.k

    def out(self):
        return self.s[-1] / self.times[0]

    def advance(self, inp, delay_time):
        s, k, dt = self.s, self.k, self.dt
        if self.int_typed:
            delay_time = float(_as_int64(delay_time))
        self.times = times = [delay_time] + self.times[:-1]
        flows = [s[j] / times[j] for j in range(k)]
        prev = [inp] + flows[:-1]
        self.s = [s[j] + ((prev[j] - flows[j]) * k) * dt for j in range(k)]


class SDelayFixed(_Base):
    """DELAY FIXED: a ring buffer of round(delay / TIME STEP) values."""

    def init(self, initial, delay_time):
        self.k = int(_fixed_length(delay_time, self.dt, 1, self.owner, self.path)[0])
        self.pipe = [initial] * self.k
        self.p = 0
        self.state = initial

    def out(self):
        return self.state

    def advance(self, inp):
        self.pipe[self.p] = inp
        self.p = (self.p + 1) % self.k
        self.state = self.pipe[self.p]


class SSmooth(_Base):
    """SMOOTH, SMOOTHI, SMOOTH3, SMOOTH3I and SMOOTH N."""

    def init(self, initial, order):
        self.k = _int_order(order, self.owner, self.path)
        self.s = [initial] * self.k

    def out(self):
        return self.s[-1]

    def advance(self, inp, smooth_time):
        s, k, dt = self.s, self.k, self.dt
        if self.int_typed:
            inp, self.int_typed = float(_as_int64(inp)), False
        prev = [inp] + s[:-1]
        self.s = [s[j] + ((prev[j] - s[j]) * k / smooth_time) * dt for j in range(k)]


class STrend(_Base):
    """TREND."""

    def init(self, inp, average_time, initial_trend):
        self.s = inp / (1 + initial_trend * average_time)

    def out(self, inp, average_time):
        return _s_zidz(inp - self.s, average_time * abs(self.s))

    def advance(self, inp, average_time):
        self.s = self.s + ((inp - self.s) / average_time) * self.dt


class SForecast(_Base):
    """FORECAST."""

    def init(self, inp, initial_trend):
        self.s = inp / (1 + initial_trend)

    def out(self, inp, average_time, horizon):
        return inp * (1 + _s_zidz(inp - self.s, average_time * self.s) * horizon)

    def advance(self, inp, average_time):
        self.s = self.s + ((inp - self.s) / average_time) * self.dt


class SSample(_Base):
    """SAMPLE IF TRUE."""

    def init(self, initial):
        self.s = initial

    def out(self, condition, inp):
        return inp if condition else self.s

    def advance(self, condition, inp):
        self.s = self.s * 0 + (inp if condition else self.s)


SCALAR_CLASSES = {"delay": SDelay, "delayn": SDelayN, "delayfixed": SDelayFixed,
                  "smooth": SSmooth, "trend": STrend, "forecast": SForecast, "sample": SSample}


# =================================================================== vector
def _full(value, n):
    return np.array(np.broadcast_to(np.asarray(value, dtype=float), (n,)))


class VDelay(_Base):
    """Vector DELAY1/DELAY3; orders may differ between parameter sets."""

    def init(self, initial, delay_time, order):
        n = self.n
        k = _delay_orders(order, delay_time, self.dt, n, self.owner, self.path)
        self.kmax = int(k.max())
        self.uniform = bool((k == self.kmax).all())
        start = _full(initial * delay_time, n)
        self.s = np.tile(start, (self.kmax, 1))
        if self.uniform:
            self.k = self.kmax
        else:
            self.k = k.astype(float)
            self.rows = np.arange(n)
            self.last = k - 1
            self.mask = np.arange(self.kmax)[:, None] < k[None, :]
            self.s[~self.mask] = 0.0

    def _last(self, s):
        return s[-1] if self.uniform else s[self.last, self.rows]

    def out(self, delay_time):
        return self._last(self.s) / delay_time

    def _step(self, inp, flows):
        prev = np.empty_like(flows)
        prev[0] = inp
        prev[1:] = flows[:-1]
        ddt = (prev - flows) * self.k
        if not self.uniform:
            ddt = np.where(self.mask, ddt, 0.0)
        self.s = self.s + ddt * self.dt

    def advance(self, inp, delay_time):
        self._step(inp, self.s / delay_time)


class VDelayN(VDelay):
    """Vector DELAY N."""

    def init(self, initial, delay_time, order):
        super().init(initial, delay_time, order)
        self.times = np.tile(_full(delay_time, self.n), (self.kmax, 1))

    def out(self):
        return self._last(self.s) / self.times[0]

    def advance(self, inp, delay_time):
        times = np.empty_like(self.times)
        times[0] = _as_int64(delay_time) if self.int_typed else delay_time
        times[1:] = self.times[:-1]
        self.times = times
        self._step(inp, self.s / times)


class VDelayFixed(_Base):
    """Vector DELAY FIXED; buffer lengths may differ between parameter sets."""

    def init(self, initial, delay_time):
        n = self.n
        k = _fixed_length(delay_time, self.dt, n, self.owner, self.path)
        kmax = int(k.max())
        self.uniform = bool((k == kmax).all())
        self.pipe = np.tile(_full(initial, n), (kmax, 1))
        self.state = _full(initial, n)
        if self.uniform:
            self.k, self.p = kmax, 0
        else:
            self.k, self.p, self.rows = k, np.zeros(n, dtype=int), np.arange(n)

    def out(self):
        return self.state

    def advance(self, inp):
        if self.uniform:
            self.pipe[self.p] = inp
            self.p = (self.p + 1) % self.k
            self.state = self.pipe[self.p].copy()
        else:
            self.pipe[self.p, self.rows] = inp
            self.p = (self.p + 1) % self.k
            self.state = self.pipe[self.p, self.rows]


class VSmooth(_Base):
    """Vector SMOOTH family; the order must be the same for all parameter sets."""

    def init(self, initial, order):
        self.k = _int_order(order, self.owner, self.path)
        self.s = np.tile(_full(initial, self.n), (self.k, 1))

    def out(self):
        return self.s[-1]

    def advance(self, inp, smooth_time):
        s = self.s
        if self.int_typed:
            inp, self.int_typed = _as_int64(inp), False
        prev = np.empty_like(s)
        prev[0] = inp
        prev[1:] = s[:-1]
        self.s = s + ((prev - s) * self.k / smooth_time) * self.dt


class VTrend(STrend):
    """Vector TREND."""

    def init(self, inp, average_time, initial_trend):
        self.s = _full(inp / (1 + initial_trend * average_time), self.n)

    def out(self, inp, average_time):
        return _v_zidz(inp - self.s, average_time * np.abs(self.s))


class VForecast(SForecast):
    """Vector FORECAST."""

    def init(self, inp, initial_trend):
        self.s = _full(inp / (1 + initial_trend), self.n)

    def out(self, inp, average_time, horizon):
        return inp * (1 + _v_zidz(inp - self.s, average_time * self.s) * horizon)


class VSample(_Base):
    """Vector SAMPLE IF TRUE."""

    def init(self, initial):
        self.s = _full(initial, self.n)

    def out(self, condition, inp):
        return np.where(condition, inp, self.s)

    def advance(self, condition, inp):
        self.s = self.s * 0 + np.where(condition, inp, self.s)


VECTOR_CLASSES = {"delay": VDelay, "delayn": VDelayN, "delayfixed": VDelayFixed,
                  "smooth": VSmooth, "trend": VTrend, "forecast": VForecast, "sample": VSample}
