"""Translate PySD's abstract model into the engine's small intermediate form.

The intermediate form holds no text from the model file except the Vensim
names kept for messages and result columns.  Expressions are nested tuples
whose first item is one of the tags below, numbers are Python floats and
references are integer indices, so the code generator never has to look at
model text.

Expression tags
---------------
``("num", x[, is_int])``       a number (``is_int``: an integer literal)
``("node", i)``                the value of node *i*
``("time",)``                  the current time
``("neg", a)`` ``("not", a)``  unary minus, logical not
``("bin", op, a, b)``          ``op`` in ``+ - * / ^ = <> < <= > >=``
``("and", a, b)`` ``("or", a, b)``
``("if", c, a, b)``            IF THEN ELSE
``("call", f, args)``          ``f`` a key of :data:`FUNCTION_ARITY`
``("lookup", p, x)``           lookup call *p* (an index of ``ModelIR.lookup_calls``)
``("ai", expr, init)``         ACTIVE INITIAL
``("sf", k)``                  the output of stateful object *k*
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pysd.translators.structures import abstract_expressions as ae
from pysd.translators.structures import abstract_model as am

from .._toml import suggest
from .errors import EngineError, ModelParseError, UnsupportedFeatureError

__all__ = ["Node", "Stateful", "Table", "ModelIR", "translate", "FUNCTION_ARITY", "CONTROL_KEYS",
           "clean_key"]

#: Vensim functions compiled directly, with their number of arguments.
FUNCTION_ARITY = {
    "min": 2, "max": 2, "abs": 1, "exp": 1, "ln": 1, "log": 2, "sqrt": 1, "power": 2,
    "integer": 1, "modulo": 2, "quantum": 2, "sin": 1, "cos": 1, "tan": 1, "arcsin": 1,
    "arccos": 1, "arctan": 1, "sinh": 1, "cosh": 1, "tanh": 1, "xidz": 3, "zidz": 2,
    "step": 2, "ramp": 3, "pulse": 2, "pulse_train": 4,
}
#: Functions that read the model time (their results change every step).
TIME_FUNCTIONS = frozenset({"step", "ramp", "pulse", "pulse_train"})
#: Lookup functions beyond a plain table call, and the interpolation each implies.
LOOKUP_FUNCTIONS = {"lookup_extrapolate": "extrapolate", "lookup_forward": "forward",
                    "lookup_backward": "backward"}
CONTROL_KEYS = ("initial_time", "final_time", "time_step", "saveper")

#: Roles of the arguments of each stateful kind, by phase.
INIT_ROLES = {
    "integ": ("initial",), "delay": ("initial", "delay_time", "order"),
    "delayn": ("initial", "delay_time", "order"), "delayfixed": ("initial", "delay_time"),
    "smooth": ("initial", "order"),
    "trend": ("input", "average_time", "initial_trend"), "forecast": ("input", "initial_trend"),
    "sample": ("initial",), "initial": ("initial",),
}
OUT_ROLES = {
    "integ": (), "delay": ("delay_time",), "delayn": (), "delayfixed": (), "smooth": (),
    "trend": ("input", "average_time"), "forecast": ("input", "average_time", "horizon"),
    "sample": ("condition", "input"), "initial": (),
}
STEP_ROLES = {
    "integ": ("flow",), "delay": ("input", "delay_time"), "delayn": ("input", "delay_time"),
    "delayfixed": ("input",), "smooth": ("input", "smooth_time"), "trend": ("input", "average_time"),
    "forecast": ("input", "average_time"), "sample": ("condition", "input"), "initial": (),
}

_NO_SUBSCRIPTS = "write one variable per subscript element instead"
_NO_DATA = ("give the values as a lookup table or pass them as a time-series parameter "
            "(pandas Series)")
_UNSUPPORTED_STRUCTURES = {  # structure -> (construct, fix)
    ae.DataStructure: ("DATA variables", _NO_DATA),
    ae.GetLookupsStructure: ("GET XLS/DIRECT LOOKUPS", _NO_DATA),
    ae.GetDataStructure: ("GET XLS/DIRECT DATA", _NO_DATA),
    ae.GetConstantsStructure: ("GET XLS/DIRECT CONSTANTS", "write the constants in the model"),
    ae.AllocateAvailableStructure: ("ALLOCATE AVAILABLE", _NO_SUBSCRIPTS),
    ae.AllocateByPriorityStructure: ("ALLOCATE BY PRIORITY", _NO_SUBSCRIPTS),
    ae.SubscriptsReferenceStructure: ("subscripts", _NO_SUBSCRIPTS),
    ae.LookupsStructure: ("a lookup definition inside an equation", None),
}


def clean_key(name: str) -> str:
    """PySD's case- and space-insensitive key of a Vensim name."""
    return name.lower().replace(" ", "_")


def _loose_key(name: str) -> str:
    return re.sub(r"[\s_]+", "_", name.strip().lower())


@dataclass
class Node:
    """A value computed from an expression (or supplied, for constants and controls).

    ``kind`` is ``"control"``, ``"constant"`` (no reference to anything),
    ``"aux"``, ``"table"`` (a lookup table; never computed) or ``"hidden"``
    (an argument of a stateful function that is not a plain reference).
    """

    index: int
    name: str | None
    kind: str
    expr: tuple | None
    owner: str
    table: int | None = None


@dataclass
class Stateful:
    """A stateful object (stock, delay, smooth...); ``args`` maps role -> expression."""

    index: int
    kind: str
    args: dict
    owner: str
    non_negative: bool = False


@dataclass
class Table:
    """A lookup table: sorted x, y points and the owning variable (None if inline)."""

    index: int
    name: str | None
    x: tuple
    y: tuple


@dataclass
class ModelIR:
    """The translated model (see the module docstring)."""

    path: Path
    nodes: list = field(default_factory=list)
    statefuls: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    lookup_calls: list = field(default_factory=list)  # (table index, mode)
    by_key: dict = field(default_factory=dict)
    control: dict = field(default_factory=dict)       # control key -> node index
    columns: list = field(default_factory=list)       # PySD's default return columns


def _power_chain(args: list) -> tuple:
    """``a ^ b ^ c`` as PySD runs it: written ``a**b**c``, which Python evaluates from the right.

    PySD's parser folds a minus into the number after it (``-2^2`` gives the literal -2), and
    writes it back as ``-2**2``, which Python (like Vensim: unary minus binds looser than ^)
    reads as ``-(2**2)``. So a negative literal before a ``^`` negates the whole power to its
    right; taking it as the base gave ``(-2)^2 = 4`` where Vensim and PySD give -4.
    """
    out = args[-1]
    for a in reversed(args[:-1]):
        if a[0] == "num" and math.copysign(1.0, a[1]) < 0:
            out = ("neg", ("bin", "^", ("num", -a[1], *a[2:]), out))
        else:
            out = ("bin", "^", a, out)
    return out


class _Translator:
    def __init__(self, model: ModelIR):
        self.m = model
        self.owner = ""

    # ------------------------------------------------------------------ helpers
    def unsupported(self, construct: str, fix: str | None = None) -> UnsupportedFeatureError:
        return UnsupportedFeatureError(construct, self.owner or None, self.m.path, fix)

    def new_node(self, name, kind, expr, table=None) -> int:
        node = Node(len(self.m.nodes), name, kind, expr, self.owner, table)
        self.m.nodes.append(node)
        return node.index

    def lookup_call(self, table: int, mode: str) -> int:
        pair = (table, mode)
        if pair not in self.m.lookup_calls:
            self.m.lookup_calls.append(pair)
        return self.m.lookup_calls.index(pair)

    def resolve(self, reference: str) -> int:
        key = reference.lower().replace(" ", "_")
        index = self.m.by_key.get(key)
        if index is None:
            index = self.m.by_key.get(_loose_key(key))
        if index is None:
            shown = reference.replace("_", " ")
            names = [node.name for node in self.m.nodes if node.name]
            raise EngineError(f"variable '{self.owner}' refers to '{shown}', which is not "
                              f"defined in the model{suggest(shown, names)}; define it or correct "
                              f"the name", self.m.path)
        return index

    def table_points(self, lookups: ae.LookupsStructure) -> tuple[tuple, tuple]:
        x = tuple(float(v) for v in lookups.x)
        y = tuple(float(v) for v in lookups.y)
        if not x or len(x) != len(y) or not all(map(math.isfinite, x)):
            raise self.unsupported("a lookup table without finite points")
        if any(b <= a for a, b in zip(x, x[1:])):
            raise EngineError(f"lookup table of '{self.owner}' repeats an x value; give each "
                              "x once", self.m.path)
        return x, y

    # ------------------------------------------------------------- expressions
    def arg(self, ast) -> tuple:
        """Translate a stateful argument; anything but a number or reference gets a node."""
        expr = self.expr(ast)
        if expr[0] in ("num", "node"):
            return expr
        return ("node", self.new_node(None, "hidden", expr))

    def expr(self, ast) -> tuple:
        if isinstance(ast, (bool, np.bool_, int, np.integer)):
            # the third item records that PySD sees a Python int (see pysdtypes)
            return ("num", float(ast), True)
        if isinstance(ast, (float, np.floating)):
            return ("num", float(ast))
        if isinstance(ast, str):
            raise self.unsupported("a text argument")
        if isinstance(ast, np.ndarray):
            raise self.unsupported("arrays (subscripts)", _NO_SUBSCRIPTS)
        handler = getattr(self, "_" + type(ast).__name__, None)
        if handler is None:
            raise self.unsupported(*_UNSUPPORTED_STRUCTURES.get(type(ast),
                                                               (type(ast).__name__, None)))
        return handler(ast)

    def _ArithmeticStructure(self, ast) -> tuple:
        args = [self.expr(a) for a in ast.arguments]
        ops = list(ast.operators)
        if ops == ["negative"]:
            return ("neg", args[0])
        if len(ops) != len(args) - 1:
            raise self.unsupported("an arithmetic expression PySD cannot build")
        if all(op == "^" for op in ops):
            return _power_chain(args)
        out = args[0]
        for op, a in zip(ops, args[1:]):
            out = ("bin", op, out, a)
        return out

    def _LogicStructure(self, ast) -> tuple:
        args = [self.expr(a) for a in ast.arguments]
        ops = [op.upper() for op in ast.operators]
        if ops == [":NOT:"]:
            return ("not", args[0])
        if len(ops) != len(args) - 1:
            raise self.unsupported("a logical expression PySD cannot build")
        if len(ops) == 1 and ops[0] in ("=", "<>", "<", "<=", ">", ">="):
            return ("bin", ops[0], args[0], args[1])
        if not all(op in (":AND:", ":OR:") for op in ops):
            raise self.unsupported("chained comparisons")
        # PySD nests np.logical_and/or from the right
        out = args[-1]
        for op, a in zip(reversed(ops), reversed(args[:-1])):
            out = ("and" if op == ":AND:" else "or", a, out)
        return out

    def _ReferenceStructure(self, ast) -> tuple:
        if ast.subscripts is not None:
            raise self.unsupported("subscripts", _NO_SUBSCRIPTS)
        if ast.reference == "time":
            return ("time",)
        index = self.resolve(ast.reference)
        if self.m.nodes[index].kind == "table":
            raise self.unsupported(f"the lookup table '{self.m.nodes[index].name}' without an "
                                   "argument")
        return ("node", index)

    def _GameStructure(self, ast) -> tuple:
        return self.expr(ast.expression)

    def _CallStructure(self, ast) -> tuple:
        fname = ast.function.reference
        args = tuple(ast.arguments)
        target = self.m.by_key.get(fname.lower().replace(" ", "_"))
        if target is not None:
            node = self.m.nodes[target]
            if node.kind != "table":
                raise self.unsupported(f"a call of the variable '{node.name}' as a function")
            if len(args) != 1:
                raise self.unsupported(f"the lookup '{node.name}' with {len(args)} arguments")
            return ("lookup", self.lookup_call(node.table, "interpolate"), self.expr(args[0]))
        nice = fname.upper().replace("_", " ")
        if fname in LOOKUP_FUNCTIONS:
            if len(args) != 2 or not isinstance(args[0], ae.ReferenceStructure):
                raise self.unsupported(f"{nice} without a lookup table as first argument")
            node = self.m.nodes[self.resolve(args[0].reference)]
            if node.kind != "table":
                raise self.unsupported(f"{nice} of '{node.name}', which is not a lookup table")
            return ("lookup", self.lookup_call(node.table, LOOKUP_FUNCTIONS[fname]),
                    self.expr(args[1]))
        if fname == "if_then_else" and len(args) == 3:
            return ("if",) + tuple(self.expr(a) for a in args)
        if fname == "active_initial" and len(args) == 2:
            return ("ai", self.expr(args[0]), self.expr(args[1]))
        if fname == "a_function_of":
            raise self.unsupported("A FUNCTION OF (an incomplete equation)")
        if fname not in FUNCTION_ARITY:
            raise self.unsupported(nice)
        if len(args) != FUNCTION_ARITY[fname]:
            raise self.unsupported(f"{nice} with {len(args)} arguments")
        return ("call", fname, tuple(self.expr(a) for a in args))

    def _InlineLookupsStructure(self, ast) -> tuple:
        x, y = self.table_points(ast.lookups)
        table = Table(len(self.m.tables), None, x, y)
        self.m.tables.append(table)
        return ("lookup", self.lookup_call(table.index, "interpolate"), self.expr(ast.argument))

    # ---------------------------------------------------------------- statefuls
    def stateful(self, kind: str, non_negative: bool = False, **roles) -> tuple:
        args = {role: self.arg(value) for role, value in roles.items()}
        sf = Stateful(len(self.m.statefuls), kind, args, self.owner, non_negative)
        self.m.statefuls.append(sf)
        return ("sf", sf.index)

    def _IntegStructure(self, ast) -> tuple:
        return self.stateful("integ", flow=ast.flow, initial=ast.initial,
                             non_negative=bool(ast.non_negative))

    def _DelayStructure(self, ast) -> tuple:
        return self.stateful("delay", input=ast.input, delay_time=ast.delay_time,
                             initial=ast.initial, order=ast.order)

    def _DelayNStructure(self, ast) -> tuple:
        return self.stateful("delayn", input=ast.input, delay_time=ast.delay_time,
                             initial=ast.initial, order=ast.order)

    def _DelayFixedStructure(self, ast) -> tuple:
        return self.stateful("delayfixed", input=ast.input, delay_time=ast.delay_time,
                             initial=ast.initial)

    def _SmoothStructure(self, ast) -> tuple:
        return self.stateful("smooth", input=ast.input, smooth_time=ast.smooth_time,
                             initial=ast.initial, order=ast.order)

    _SmoothNStructure = _SmoothStructure

    def _TrendStructure(self, ast) -> tuple:
        return self.stateful("trend", input=ast.input, average_time=ast.average_time,
                             initial_trend=ast.initial_trend)

    def _ForecastStructure(self, ast) -> tuple:
        return self.stateful("forecast", input=ast.input, average_time=ast.average_time,
                             horizon=ast.horizon, initial_trend=ast.initial_trend)

    def _SampleIfTrueStructure(self, ast) -> tuple:
        return self.stateful("sample", condition=ast.condition, input=ast.input,
                             initial=ast.initial)

    def _InitialStructure(self, ast) -> tuple:
        return self.stateful("initial", initial=ast.initial)


def _is_constant(expr: tuple) -> bool:
    tag = expr[0]
    if tag == "num":
        return True
    if tag in ("node", "time", "sf", "ai", "lookup"):
        return False
    if tag == "call":
        return expr[1] not in TIME_FUNCTIONS and all(_is_constant(a) for a in expr[2])
    return all(_is_constant(a) for a in expr[1:] if isinstance(a, tuple))


def translate(model: am.AbstractModel, path: str | Path) -> ModelIR:
    """Build the :class:`ModelIR` of a parsed model.

    Raises
    ------
    UnsupportedFeatureError
        For macros, subscripts, data and external functions, random numbers...
    EngineError
        For references to undefined variables and malformed lookup tables.
    """
    ir = ModelIR(Path(path))
    tr = _Translator(ir)
    if len(model.sections) != 1 or model.sections[0].type != "main":
        macro = next((s.name for s in model.sections if s.type != "main"), None)
        raise UnsupportedFeatureError(f"the macro '{macro}'" if macro else "macros", None, ir.path,
                                      "write the macro's equations out in the model")
    section = model.sections[0]
    if section.subscripts:
        raise UnsupportedFeatureError(f"subscripts (range '{section.subscripts[0].name}')",
                                      None, ir.path, _NO_SUBSCRIPTS)
    elements = list(section.elements)
    # first pass: names, so that references resolve whatever the file order
    for element in elements:
        tr.owner = element.name
        if len(element.components) != 1 or element.components[0].subscripts[0]:
            raise tr.unsupported("subscripts", _NO_SUBSCRIPTS)
        component = element.components[0]
        key = clean_key(element.name)
        if key in ir.by_key or key == "time":
            raise EngineError(f"variable '{element.name}' is defined twice", ir.path)
        if isinstance(component, am.AbstractData):
            raise tr.unsupported("DATA variables", _NO_DATA)
        if isinstance(component, am.AbstractLookup):
            if not isinstance(component.ast, ae.LookupsStructure):
                raise tr.unsupported(*_UNSUPPORTED_STRUCTURES.get(type(component.ast),
                                                                   ("external lookups", None)))
            x, y = tr.table_points(component.ast)
            table = Table(len(ir.tables), element.name, x, y)
            ir.tables.append(table)
            index = tr.new_node(element.name, "table", None, table.index)
        else:
            kind = "control" if key in CONTROL_KEYS else "aux"
            index = tr.new_node(element.name, kind, None)
        ir.by_key[key] = index
        ir.by_key.setdefault(_loose_key(element.name), index)
    missing = [k for k in CONTROL_KEYS[:3] if k not in ir.by_key]
    if missing:
        raise ModelParseError("the model defines no " + ", ".join(
            k.replace("_", " ").upper() for k in missing), ir.path)
    # second pass: equations
    for element in elements:
        tr.owner = element.name
        index = ir.by_key[clean_key(element.name)]
        node = ir.nodes[index]
        if node.kind == "table":
            continue
        node.expr = tr.expr(element.components[0].ast)
        if node.kind == "aux" and _is_constant(node.expr):
            node.kind = "constant"
    ir.control = {k: ir.by_key[k] for k in CONTROL_KEYS if k in ir.by_key}
    named = [n for n in ir.nodes[:len(elements)] if n.kind != "table"]
    ir.columns = [n.index for n in named if n.kind == "control"] + \
                 [n.index for n in named if n.kind != "control"]
    return ir
