"""Control settings and the time grid, computed exactly as PySD's ``Time`` does.

PySD advances time by repeated addition (``t = t + TIME STEP``), keeps going
while ``t + TIME STEP * 1e-5 < FINAL TIME``, saves a step when
``(t - INITIAL TIME) % SAVEPER`` is within ``TIME STEP * 1e-5`` of 0 or of
SAVEPER, and rounds the saved times to ``-int(log10(TIME STEP * 1e-5))``
decimals.  Reproducing the same floating-point operations gives the same
times, hence the same STEP/PULSE switching and the same result index.
"""

from __future__ import annotations

import numpy as np

from . import functions as fn
from .errors import EngineError
from .translate import CONTROL_KEYS, ModelIR, clean_key

__all__ = ["evaluate_constant", "control_values", "time_grid"]

MAX_STEPS = 10_000_000
_BINARY = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "^": np.power,
           "=": np.equal, "<>": np.not_equal, "<": np.less, "<=": np.less_equal,
           ">": np.greater, ">=": np.greater_equal}


def evaluate_constant(expr: tuple, resolve, path=None):
    """Value of a constant expression under numpy's rules.

    Parameters
    ----------
    expr : tuple
        An expression of the intermediate form without time or state.
    resolve : callable or None
        ``resolve(node_index)`` gives the value of a referenced node.
    path : path-like, optional
        Model file, for error messages.
    """
    def ev(e):
        return evaluate_constant(e, resolve, path)

    tag, vector = expr[0], fn.VECTOR
    with np.errstate(all="ignore"):
        if tag == "num":
            return np.float64(expr[1])
        if tag == "node" and resolve is not None:
            return resolve(expr[1])
        if tag == "neg":
            return -ev(expr[1])
        if tag in ("not", "and", "or"):
            return vector["_" + tag](*[ev(a) for a in expr[1:]])
        if tag == "if":
            return vector["_where"](ev(expr[1]), ev(expr[2]), ev(expr[3]))
        if tag == "bin":
            return np.float64(_BINARY[expr[1]](ev(expr[2]), ev(expr[3])))
        if tag == "call" and expr[1] in fn.FUNCTION_HELPERS and expr[1] not in (
                "pulse", "pulse_train"):
            return vector[fn.FUNCTION_HELPERS[expr[1]]](*[ev(a) for a in expr[2]])
    raise EngineError("control variables must be constant expressions", path)


def control_values(ir: ModelIR, constant, given: dict) -> dict:
    """INITIAL TIME, FINAL TIME, TIME STEP and SAVEPER of a run.

    Parameters
    ----------
    ir : ModelIR
    constant : callable
        ``constant(node_index)`` -> value of a constant (a number, or one per parameter set).
    given : dict
        Control key -> value given by the caller, or None to use the model's equation.

    Returns
    -------
    dict
        Control key -> float.  SAVEPER defaults to TIME STEP when the model has none.
    """
    def resolve(i, stack=()):
        node = ir.nodes[i]
        if node.kind == "control":
            key = clean_key(node.name)
            if given.get(key) is not None:
                return np.float64(given[key])
            if i in stack:
                raise EngineError(f"control variable '{node.name}' refers to itself", ir.path)
            return evaluate_constant(node.expr, lambda j: resolve(j, stack + (i,)), ir.path)
        if node.kind == "constant":
            value = np.unique(np.asarray(constant(i)))
            if len(value) != 1:
                raise EngineError(f"'{node.name}' sets a control variable and must be the "
                                  "same for all parameter sets", ir.path)
            return np.float64(value[0])
        raise EngineError(f"control variables may only use constants, not '{node.name}'",
                          ir.path)

    out = {}
    for key in CONTROL_KEYS:
        if given.get(key) is not None:
            out[key] = float(given[key])
        elif key in ir.control:
            out[key] = float(resolve(ir.control[key]))
    out.setdefault("saveper", out["time_step"])
    return out


def time_grid(t0: float, tf: float, dt: float, sp: float, path=None):
    """Integration times and saved times, as PySD's ``Model.run`` makes them.

    Returns
    -------
    times : list of float
        Every integration time (Python floats, accumulated like PySD).
    array : numpy.ndarray
        The same times as an array.
    record : list of bool
        Whether each time is saved.
    saved : numpy.ndarray
        The saved times, rounded as PySD rounds its result index.
    """
    if not all(np.isfinite((t0, tf, dt, sp))) or dt <= 0 or sp <= 0:
        raise EngineError(f"bad control settings: INITIAL TIME {t0}, FINAL TIME {tf}, "
                          f"TIME STEP {dt}, SAVEPER {sp}", path)
    if (tf - t0) / dt > MAX_STEPS:
        raise EngineError(f"more than {MAX_STEPS} time steps", path)
    prec = dt * 1e-5   # PySD's Time.rprec tolerance
    times, record, t = [], [], t0
    while True:
        delay = t - t0
        times.append(t)
        record.append(delay % sp < prec or -delay % sp < prec)
        if not t + dt * 1e-5 < tf:
            break
        t = t + dt
    saved = np.round(np.array([x for x, r in zip(times, record) if r], dtype=float),
                     -int(np.log10(dt * 1e-5)))
    return times, np.array(times, dtype=float), record, saved
