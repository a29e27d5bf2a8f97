"""Numeric primitives mirroring ``pysd.py_backend.functions``.

Two flavours with the same names: *scalar* ones work on Python floats (the
fast path of a single run) and *vector* ones on numpy arrays whose only axis
is the parameter set.  Both reproduce PySD's formulas operation by operation
(same tolerances, same order of floating-point operations), so results agree
to the last bit or nearly.  Scalar functions may raise ``ZeroDivisionError``,
``ValueError`` or ``OverflowError`` where numpy would return inf or nan; the
runner then repeats the run with the vector functions.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["SMALL_VENSIM", "SCALAR", "VECTOR", "FUNCTION_HELPERS"]

#: What Vensim (and PySD) consider zero.
SMALL_VENSIM = 1e-6

#: Vensim function -> helper name used in generated code.
FUNCTION_HELPERS = {
    "min": "_min", "max": "_max", "abs": "_abs", "exp": "_exp", "ln": "_ln", "log": "_log",
    "sqrt": "_sqrt", "power": "_pow", "integer": "_int", "modulo": "_modulo",
    "quantum": "_quantum", "sin": "_sin", "cos": "_cos", "tan": "_tan", "arcsin": "_asin",
    "arccos": "_acos", "arctan": "_atan", "sinh": "_sinh", "cosh": "_cosh", "tanh": "_tanh",
    "xidz": "_xidz", "zidz": "_zidz", "pulse": "_pulse", "pulse_train": "_ptrain",
}


# ----------------------------------------------------------------- scalar
def _s_min(a, b):
    # np.minimum propagates nan, the builtin min does not
    return a if (a <= b or a != a) else b


def _s_max(a, b):
    return a if (a >= b or a != a) else b


def _s_log(x, base):
    return math.log(x) / math.log(base)


def _s_quantum(a, b):
    return a if b < SMALL_VENSIM else b * math.trunc(a / b)


def _s_modulo(x, m):
    return x - _s_quantum(x, m)


def _s_xidz(a, b, x):
    return x if abs(b) < SMALL_VENSIM else a / b


def _s_zidz(a, b):
    return 0.0 if abs(b) < SMALL_VENSIM else a / b


def _s_pulse(t, start, width):
    return 1.0 if start - SMALL_VENSIM <= t < start + width else 0.0


def _s_ptrain(t, start, repeat, width, end):
    if repeat == 0:
        return 1.0 if start - SMALL_VENSIM <= t < start + width else 0.0
    if start <= t and t < end:
        return 1.0 if (t - start + SMALL_VENSIM) % repeat < width else 0.0
    return 0.0


def _s_max0(x):
    return _s_max(x, 0.0)


def _s_ramp(t, slope, start, finish):
    return (t + SMALL_VENSIM > start) * slope * (_s_min(finish, t) - start)


SCALAR = {
    "_min": _s_min, "_max": _s_max, "_abs": abs, "_exp": math.exp, "_ln": math.log,
    "_log": _s_log, "_sqrt": math.sqrt, "_pow": math.pow, "_int": math.trunc,
    "_modulo": _s_modulo, "_quantum": _s_quantum, "_sin": math.sin, "_cos": math.cos,
    "_tan": math.tan, "_asin": math.asin, "_acos": math.acos, "_atan": math.atan,
    "_sinh": math.sinh, "_cosh": math.cosh, "_tanh": math.tanh, "_xidz": _s_xidz,
    "_zidz": _s_zidz, "_pulse": _s_pulse, "_ptrain": _s_ptrain, "_max0": _s_max0,
    "_ramp": _s_ramp, "_INF": math.inf, "_NAN": math.nan,
}


# ----------------------------------------------------------------- vector
def _v_where(c, a, b):
    if np.ndim(c) == 0:
        return a if c else b
    return np.where(c, a, b)


def _v_log(x, base):
    return np.log(x) / np.log(base)


def _v_quantum(a, b):
    return np.where(b < SMALL_VENSIM, a, b * np.trunc(a / b))


def _v_modulo(x, m):
    return x - _v_quantum(x, m)


def _v_xidz(a, b, x):
    return np.where(np.abs(b) < SMALL_VENSIM, x, a / b)


def _v_zidz(a, b):
    return np.where(np.abs(b) < SMALL_VENSIM, 0.0, a / b)


def _v_pulse(t, start, width):
    return np.where((start - SMALL_VENSIM <= t) & (t < start + width), 1.0, 0.0)


def _v_ptrain(t, start, repeat, width, end):
    single = (start - SMALL_VENSIM <= t) & (t < start + width)
    train = (start <= t) & (t < end) & (np.mod(t - start + SMALL_VENSIM, repeat) < width)
    return np.where(repeat == 0, single, train) * 1.0


def _v_and(a, b):
    return np.logical_and(a, b) * 1.0


def _v_or(a, b):
    return np.logical_or(a, b) * 1.0


def _v_not(a):
    return np.logical_not(a) * 1.0


def _v_max0(x):
    return np.maximum(x, 0.0)


def _v_ramp(t, slope, start, finish):
    return (t + SMALL_VENSIM > start) * slope * (np.minimum(finish, t) - start)


VECTOR = {
    "_min": np.minimum, "_max": np.maximum, "_abs": np.abs, "_exp": np.exp, "_ln": np.log,
    "_log": _v_log, "_sqrt": np.sqrt, "_pow": np.power, "_int": np.trunc,
    "_modulo": _v_modulo, "_quantum": _v_quantum, "_sin": np.sin, "_cos": np.cos,
    "_tan": np.tan, "_asin": np.arcsin, "_acos": np.arccos, "_atan": np.arctan,
    "_sinh": np.sinh, "_cosh": np.cosh, "_tanh": np.tanh, "_xidz": _v_xidz,
    "_zidz": _v_zidz, "_pulse": _v_pulse, "_ptrain": _v_ptrain, "_max0": _v_max0,
    "_ramp": _v_ramp, "_where": _v_where, "_and": _v_and, "_or": _v_or, "_not": _v_not,
    "_INF": np.float64(np.inf), "_NAN": np.float64(np.nan), "_ONE": np.float64(1.0),
}
