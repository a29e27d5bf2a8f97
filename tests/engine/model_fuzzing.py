"""Differential fuzzing support: random small models, run by PySD and by the fast engine.

Hypothesis writes ``.mdl`` files whose equations are random expressions: unary ``-``/``+``
and the binary operators of every precedence level, ``^`` chains, negative literals and
exponents, comparisons and ``:AND:``/``:OR:``/``:NOT:`` inside IF THEN ELSE, MIN, MAX, ABS,
INTEGER, MODULO, a lookup, calls nested in calls, with and without brackets, over
constants (integers and decimals, some negative), two stocks, Time and earlier
auxiliaries. The text is all that both tools see; no meaning is intended, so any
difference between them is a defect in one of them.

The oracle (:func:`compare`): both give the same value for every variable at every saved
time (relative 1e-9, the engine's contract, nan where nan), or both refuse the model. The
differences the engine documents are accepted and nothing else:

* where PySD stops on an arithmetic error (ZeroDivisionError, OverflowError, ValueError)
  the engine follows numpy and gives inf or nan: at least one value must be non-finite, or
  the engine's exact Python-float pass must stop on an arithmetic error too (an overflow
  to inf can end in a finite value: 1^-(2^4096) is 1);
* where PySD gives a complex number (a negative base to a fractional power) the engine
  gives nan, also when ABS, MIN or MAX turn PySD's complex number back into a real one
  (the engine's exact Python-float pass must then have stopped on that error);
* a negative number in brackets raised to a power, ``(-2)^2``, is refused by the engine
  (PySD drops the brackets; Vensim does not).

This module holds no tests: ``test_engine_fuzz.py`` runs a seeded sample in the suite,
``benchmarks/engine_fuzz.py`` the 2,000 models of the issue.
"""

from __future__ import annotations

import functools
import math
import re
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from hypothesis import strategies as st

from gzsim.engine import EngineError, compile_model

RTOL = 1e-9
CONSTANTS = ("c1", "c2", "c3")
STOCKS = ("s1", "s2")
TABLE = "tab"
CONTROL = ("INITIAL TIME = 0 ~~|\nFINAL TIME = 2 ~~|\nTIME STEP = 0.5 ~~|\n"
           "SAVEPER = TIME STEP ~~|\n")
# what PySD raises for an arithmetic error the engine turns into inf or nan
ARITHMETIC_ERRORS = (ZeroDivisionError, OverflowError, ValueError, FloatingPointError)

# ---------------------------------------------------------------------------- text strategies
_space = st.sampled_from(["", " "])
# zero is rare: most divisions by it stop PySD, and such a model tests little
numbers = st.one_of(st.integers(1, 12).map(str),
                    st.sampled_from(["0.5", "2.5", "1.5", ".25", "1e-1", "3E1", "10", "0"]))


def _join(parts: list) -> st.SearchStrategy[str]:
    """Concatenate strategies and strings, with random spacing between tokens."""
    return st.tuples(*[p if isinstance(p, st.SearchStrategy) else st.just(p) for p in parts],
                     *[_space for _ in parts]).map(
        lambda xs: "".join(a + s for a, s in zip(xs[:len(parts)], xs[len(parts):])).strip())


def _no_leading_sign(text: str) -> str:
    # "--x" is not Vensim (PySD cannot parse it either): bracket a signed operand
    return f"({text})" if text[:1] in "+-" else text


def _bracket(s: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return s.map(lambda x: f"({x})")


# Exponents: PySD keeps integer literals as Python ints, and an int power tower such as
# 9^9^9 would take PySD hours; so an exponent is a small integer, a decimal, Time, or any
# expression made a float by "/ 1" (float powers overflow at once instead).
_small = st.sampled_from(["0", "1", "2", "3", "0.5", "1.5", ".25", "1e-1", "Time"])
_exponent_leaf = st.one_of(_small, _join([st.sampled_from(["-", "+"]), _small]))


@functools.lru_cache(maxsize=None)  # one strategy per set of names: building them is costly
def expressions(names: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Arithmetic expressions over *names* (the variables defined so far) and Time."""
    leaves = st.one_of(numbers, st.sampled_from(names + ("Time",)))

    def extend(inner):
        cond = conditions(inner)
        exponent = st.one_of(_exponent_leaf, _bracket(_join([inner, "/ 1"])))
        return st.one_of(
            _join([st.sampled_from(["-", "+"]), inner.map(_no_leading_sign)]),  # unary
            _join([inner, st.sampled_from(["+", "-", "*", "/"]), inner]),      # binary
            _join([inner, "^", exponent]),
            _join([inner, "^", exponent, "^", _exponent_leaf]),              # a ^ chain
            _bracket(inner),
            _join(["IF THEN ELSE(", cond, ",", inner, ",", inner, ")"]),
            _join([st.sampled_from(["MIN(", "MAX(", "MODULO("]), inner, ",", inner, ")"]),
            _join([st.sampled_from(["ABS(", "INTEGER(", f"{TABLE}("]), inner, ")"]),
        )

    return st.recursive(leaves, extend, max_leaves=8)


def conditions(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Conditions of IF THEN ELSE: comparisons joined by :AND:/:OR:/:NOT:, or a number."""
    comparison = _join([inner, st.sampled_from(["=", "<>", "<", "<=", ">", ">="]), inner])
    return st.recursive(
        st.one_of(comparison, inner),
        lambda c: st.one_of(_join([c, st.sampled_from([":AND:", ":OR:"]), c]),
                            _join([":NOT:", c]), _bracket(c)),
        max_leaves=3)


@st.composite
def models(draw) -> str:
    """The text of a small model: constants, a lookup, two stocks and 3-6 auxiliaries."""
    lines = []
    for name in CONSTANTS:
        value = draw(numbers)
        lines.append(f"{name} = {draw(st.sampled_from(['', '-']))}{value} ~~|")
    xs = draw(st.lists(st.integers(-3, 6), min_size=2, max_size=4, unique=True).map(sorted))
    ys = draw(st.lists(st.integers(-5, 5), min_size=len(xs), max_size=len(xs)))
    points = ",".join(f"({x},{y})" for x, y in zip(xs, ys))
    lines.append(f"{TABLE}([({xs[0]},-5)-({xs[-1]},5)],{points}) ~~|")
    names = CONSTANTS + STOCKS
    auxes = [f"a{i}" for i in range(draw(st.integers(3, 6)))]
    for aux in auxes:
        lines.append(f"{aux} = {draw(expressions(names))} ~~|")
        names += (aux,)
    for stock in STOCKS:
        flow = draw(expressions(names))
        init = draw(expressions(CONSTANTS))
        lines.append(f"{stock} = INTEG({flow}, {init}) ~~|")
    return "{UTF-8}\n" + "\n".join(lines) + "\n" + CONTROL


# ---------------------------------------------------------------------------- running both
@dataclass
class Outcome:
    """What one tool did with a model: a table of values, or the error it raised."""

    values: dict | None = None
    error: BaseException | None = None
    #: the engine only: its exact (Python float) pass stopped on an arithmetic error, i.e. the
    #: model leaves the reals (a negative base to a fractional power, which PySD turns into a
    #: complex number that ABS, MIN or MAX can bring back to a real one) or divides by zero
    leaves_reals: bool = False


def run_pysd(text: str, folder: Path) -> Outcome:
    import pysd

    path = folder / "pysd" / "model.mdl"  # PySD writes its .py beside the .mdl
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            df = pysd.read_vensim(str(path)).run()
    except Exception as exc:  # noqa: BLE001 - every refusal is an outcome to compare
        return Outcome(error=exc)
    return Outcome(values={c: df[c].to_numpy() for c in df.columns if c not in
                           ("INITIAL TIME", "FINAL TIME", "TIME STEP", "SAVEPER")})


def run_engine(text: str, folder: Path) -> Outcome:
    path = folder / "engine" / "model.mdl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    try:
        with np.errstate(all="ignore"):
            model = compile_model(path, cache=False)
            model.use_jit = False  # the Python-float pass below must run as Python floats
            df = model.run()
    except EngineError as exc:
        return Outcome(error=exc)
    try:  # run() falls back to numpy after such an error; ask the Python-float pass alone
        for node in model._ir.nodes:  # constants are folded with numpy when compiling
            if node.kind == "constant":
                _python_value(node.expr, model._ir)
        model._execute("scalar", list(model._ir.columns), model._prepare(None, batch=False),
                       model._controls(model._prepare(None, batch=False), {}))
        leaves = False
    except (ZeroDivisionError, OverflowError, ValueError):
        leaves = True
    return Outcome(values={c: df[c].to_numpy(float) for c in df.columns}, leaves_reals=leaves)


def _python_value(expr: tuple, ir) -> float:
    """A constant expression of the engine's intermediate form, in Python floats."""
    from gzsim.engine.functions import FUNCTION_HELPERS, SCALAR

    tag = expr[0]
    value = lambda e: _python_value(e, ir)  # noqa: E731
    if tag == "num":
        return float(expr[1])
    if tag == "node":
        return value(ir.nodes[expr[1]].expr)
    if tag == "neg":
        return -value(expr[1])
    if tag == "not":
        return float(not value(expr[1]))
    if tag in ("and", "or"):
        a, b = bool(value(expr[1])), bool(value(expr[2]))
        return float(a and b if tag == "and" else a or b)
    if tag == "if":
        return value(expr[2]) if value(expr[1]) else value(expr[3])
    if tag == "bin":
        a, b = value(expr[2]), value(expr[3])
        ops = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b,
               "^": lambda: math.pow(a, b), "=": lambda: a == b, "<>": lambda: a != b,
               "<": lambda: a < b, "<=": lambda: a <= b, ">": lambda: a > b, ">=": lambda: a >= b}
        return float(ops[expr[1]]())
    if tag == "call":
        return float(SCALAR[FUNCTION_HELPERS[expr[1]]](*[value(a) for a in expr[2]]))
    if tag == "lookup":
        value(expr[2])  # its argument can fail; the table's interpolation cannot
    return 0.0


_BRACKETED_NEGATIVE_BASE = re.compile(r"(?<![\w)])(\()+-[\d.eE]+(\))+\^")


def _arithmetic(error: Exception) -> bool:
    """An error of Python arithmetic: PySD's floats went complex (a negative number to a fractional
    power) and a comparison of the complex value failed, or a plain arithmetic error."""
    return isinstance(error, ARITHMETIC_ERRORS) or (
        isinstance(error, TypeError) and "complex" in str(error))


def compare(text: str, pysd: Outcome, engine: Outcome) -> str | None:
    """None when the two outcomes agree (see the module docstring), else the difference."""
    if engine.error is not None and "in brackets to a power" in str(engine.error):
        squeezed = re.sub(r"\s+", "", text)
        return None if _BRACKETED_NEGATIVE_BASE.search(squeezed) else \
            f"engine refused a bracketed negative base that is not there: {engine.error}"
    if pysd.error is not None and engine.error is not None:
        return None
    if pysd.error is not None:
        if _arithmetic(pysd.error) and (engine.leaves_reals or any(
                not np.all(np.isfinite(v)) for v in engine.values.values())):
            return None  # the engine met the same error and went on as numpy does
        return f"PySD refused ({type(pysd.error).__name__}: {pysd.error}) but the engine ran"
    if engine.error is not None:
        return f"the engine refused ({engine.error}) but PySD ran"
    for name, ref in pysd.values.items():
        if name not in engine.values:
            return f"'{name}' missing from the engine's results"
        got = engine.values[name]
        ref = np.asarray(ref)
        if np.iscomplexobj(ref):
            complex_at = ref.imag != 0
            if not np.all(np.isnan(got[complex_at])):
                return f"'{name}': PySD gives complex numbers where the engine gives numbers"
            ref, got = ref.real[~complex_at], got[~complex_at]
        ref = ref.astype(float)
        same = (np.isclose(got, ref, rtol=RTOL, atol=1e-12) | (np.isnan(got) & np.isnan(ref))
                | (got == ref))
        if engine.leaves_reals:
            same |= ~np.isfinite(got)  # numpy's nan or inf where PySD's Python went complex
        if not np.all(same):
            i = int(np.argmin(same))
            return f"'{name}' at step {i}: PySD {ref[i]!r}, engine {got[i]!r}"
    return None


def check_model(text: str) -> tuple[str | None, bool]:
    """Run *text* through both tools: (the difference or None, whether both ran it)."""
    folder = Path(tempfile.mkdtemp(prefix="gzsim-fuzz-"))
    try:
        pysd, engine = run_pysd(text, folder), run_engine(text, folder)
        return compare(text, pysd, engine), pysd.error is None and engine.error is None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def fuzz(examples: int, seed_value: int) -> tuple[int, int]:
    """Check *examples* seeded models (Hypothesis shrinks a failure and raises it).

    Returns (models checked, models both tools ran).
    """
    from hypothesis import HealthCheck, given, seed, settings

    ran: list[bool] = []

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @seed(seed_value)
    @given(models())
    def agree(text: str) -> None:
        difference, both = check_model(text)
        ran.append(both)
        assert difference is None, f"{difference}\n{text}"

    agree()
    return len(ran), sum(ran)
