"""Where PySD's results depend on Python's int type, and how to reproduce them.

PySD stores the stages of SMOOTH-family functions and the delay times of
DELAY N in numpy arrays built from the initial value (``np.array([init] *
order)``).  When that value is a Python ``int`` -- an integer literal such as
the ``0`` of ``SMOOTHI(x, 5, 0)``, a constant written without a decimal point,
``INTEGER(...)`` -- the array has an integer dtype and numpy truncates what is
stored in it afterwards:

* SMOOTH/SMOOTHI/SMOOTH3/SMOOTH3I/SMOOTH N: the input of the *first* Euler
  step is truncated towards zero (later steps work on floats again);
* DELAY N: every later delay time is truncated towards zero.

Vensim does neither.  The engine reproduces PySD, its reference, by deciding
statically -- following Python's typing rules over the equations evaluated at
initial time -- whether that initial value is an ``int``.  Where the type
depends on values (IF THEN ELSE with an int and a float branch, ZIDZ, XIDZ,
outputs of TREND/FORECAST/SAMPLE IF TRUE) it assumes a float.
"""

from __future__ import annotations

from .translate import ModelIR, clean_key

__all__ = ["int_initialised"]

_INT_FUNCTIONS = {"integer", "pulse", "pulse_train"}


def int_initialised(ir: ModelIR, statefuls, int_params: frozenset, controls_given: frozenset,
                    overridden: frozenset) -> dict:
    """Which of *statefuls* PySD initialises from an ``int`` (see module docstring).

    Parameters
    ----------
    ir : ModelIR
    statefuls : iterable of int
        Stateful indices to check (SMOOTH and DELAY N kinds are looked at).
    int_params : frozenset of int
        Nodes set by the caller to an ``int`` value.
    controls_given : frozenset of (str, bool)
        Control keys given by the caller, each with whether the value is an ``int``.
    overridden : frozenset of int
        Nodes set by the caller (to any value).

    Returns
    -------
    dict
        Stateful index -> True for those whose relevant initial value is an int.
    """
    memo: dict = {}
    given = dict(controls_given)

    def node_int(i: int) -> bool:
        if i in memo:
            return memo[i]
        memo[i] = False  # guards against cycles (reported elsewhere)
        node = ir.nodes[i]
        if i in overridden:
            value = i in int_params
        elif node.kind == "control" and clean_key(node.name) in given:
            value = given[clean_key(node.name)]
        elif node.expr is None:
            value = False
        else:
            value = is_int(node.expr)
        memo[i] = value
        return value

    def is_int(e: tuple) -> bool:
        tag = e[0]
        if tag == "num":
            return len(e) > 2 and bool(e[2])
        if tag == "node":
            return node_int(e[1])
        if tag == "time":
            return "initial_time" in ir.control and node_int(ir.control["initial_time"])
        if tag == "sf":
            sf = ir.statefuls[e[1]]
            if sf.kind in ("integ", "initial", "delayfixed", "smooth"):
                return is_int(sf.args["initial"])
            return False
        if tag == "ai":
            return is_int(e[2])
        if tag == "neg":
            return is_int(e[1])
        if tag in ("not", "and", "or"):
            return True
        if tag == "if":
            return is_int(e[2]) and is_int(e[3])
        if tag == "bin":
            if e[1] in ("+", "-", "*", "^"):
                return is_int(e[2]) and is_int(e[3])
            return e[1] != "/"
        if tag == "call":
            fname, args = e[1], e[2]
            if fname in _INT_FUNCTIONS:
                return True
            if fname == "step":
                return is_int(args[0])
            if fname in ("modulo", "quantum"):
                return is_int(args[0]) and is_int(args[1])
            return False
        return False

    out = {}
    for k in statefuls:
        sf = ir.statefuls[k]
        if sf.kind == "smooth":
            out[k] = is_int(sf.args["initial"])
        elif sf.kind == "delayn":
            out[k] = is_int(sf.args["delay_time"])
    return out
