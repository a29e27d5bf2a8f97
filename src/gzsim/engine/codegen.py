"""Generate and compile the Python source of one run plan.

The source is built from the intermediate form only: identifiers are made
here (``v12``, ``s3``, ``sf4``, ``lk0``, ``ts1``, ``k5``...), numbers are
formatted here with ``repr(float)``, and nothing of the model text is ever
pasted in.  As a second line of defence :func:`check_source` tokenizes the
result and refuses any name outside that vocabulary, any string and any
attribute access; the code then runs with a four-name ``__builtins__``.

Scalar mode works on Python floats (fast for one run), vector mode on numpy
arrays whose axis is the parameter set; in vector mode every literal is a
``numpy.float64`` constant so that division by zero gives inf/nan as in numpy.
"""

from __future__ import annotations

import io
import keyword
import re
import tokenize

import numpy as np

from .functions import FUNCTION_HELPERS, SCALAR, VECTOR
from .graph import Plan
from .translate import INIT_ROLES, OUT_ROLES, STEP_ROLES, ModelIR

__all__ = ["INLINE_KINDS", "generate", "build_runner", "check_source"]

#: Stateful kinds whose state is a local variable of the generated code.
INLINE_KINDS = ("integ", "initial")
_HELPERS = tuple(sorted(set(SCALAR) | set(VECTOR)))
_FIXED_NAMES = {"_make", "_run", "H", "KON", "P", "T", "REC", "DT", "SF", "LK", "TS", "OUT",
                "dt", "t", "k", "r", "last", "_rec", "range", "len", "bool", "abs"}
_GENERATED = re.compile(r"^(v|s|o|sf|lk|ts|k|x|O|q|p|r|z|m|lx|ly)\d+$")  # q...ly: jit.py
_SAFE_BUILTINS = {"range": range, "len": len, "bool": bool, "abs": abs}
_MAX_DEPTH = 40


class _Emitter:
    def __init__(self, ir: ModelIR, mode: str):
        self.ir, self.mode = ir, mode
        self.vector = mode == "vector"
        self.konst: dict[str, int] = {}
        self.temps = 0

    # ---------------------------------------------------------------- literals
    def lit(self, x: float) -> str:
        x = float(x)
        if self.vector:
            key = repr(x)
            if key not in self.konst:
                self.konst[key] = len(self.konst)
            return f"k{self.konst[key]}"
        if x != x:
            return "_NAN"
        if x in (float("inf"), float("-inf")):
            return "_INF" if x > 0 else "(-_INF)"
        text = repr(x)
        return f"({text})" if x < 0 else text

    # ------------------------------------------------------------- expressions
    def expr(self, e: tuple, phase: str, pre: list, depth: int = 0) -> str:
        code = self._expr(e, phase, pre, depth)
        if depth >= _MAX_DEPTH:
            # keep nesting within the parser's limits: hoist into a temporary
            name = f"x{self.temps}"
            self.temps += 1
            pre.append(f"{name} = {code}")
            return name
        return code

    def _expr(self, e: tuple, phase: str, pre: list, depth: int) -> str:
        tag = e[0]
        sub = lambda a: self.expr(a, phase, pre, 0 if depth >= _MAX_DEPTH else depth + 1)  # noqa
        if tag == "num":
            return self.lit(e[1])
        if tag == "node":
            return f"v{int(e[1])}"
        if tag == "time":
            return "t"
        if tag == "sf":
            k = int(e[1])
            kind = self.ir.statefuls[k].kind
            return f"s{k}" if kind in INLINE_KINDS else f"o{k}"
        if tag == "ai":
            return sub(e[1] if phase == "run" else e[2])
        if tag == "neg":
            return f"(-{sub(e[1])})"
        if tag == "not":
            return f"_not({sub(e[1])})" if self.vector else f"(not {sub(e[1])})"
        if tag in ("and", "or"):
            a, b = sub(e[1]), sub(e[2])
            if self.vector:
                return f"_{tag}({a}, {b})"
            return f"(bool({a}) {tag} bool({b}))"
        if tag == "if":
            c, a, b = sub(e[1]), sub(e[2]), sub(e[3])
            return f"_where({c}, {a}, {b})" if self.vector else f"({a} if {c} else {b})"
        if tag == "bin":
            op, a, b = e[1], sub(e[2]), sub(e[3])
            if op in ("+", "-", "*", "/"):
                return f"({a} {op} {b})"
            if op == "^":
                return f"_pow({a}, {b})"
            py = {"=": "==", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}[op]
            return f"(({a} {py} {b}) * _ONE)" if self.vector else f"({a} {py} {b})"
        if tag == "call":
            fname, args = e[1], [sub(a) for a in e[2]]
            if fname == "step":
                return f"({args[0]} * (t + dt / 2 > {args[1]}))"
            if fname == "ramp":
                return f"_ramp(t, {args[0]}, {args[1]}, {args[2]})"
            if fname in ("pulse", "pulse_train"):
                args.insert(0, "t")
            return f"{FUNCTION_HELPERS[fname]}({', '.join(args)})"
        if tag == "lookup":
            return f"lk{int(e[1])}({sub(e[2])})"
        raise AssertionError(f"unknown expression tag {tag!r}")

    def statement(self, target: str, e: tuple, phase: str, out: list, indent: str) -> None:
        pre: list = []
        code = self.expr(e, phase, pre)
        out.extend(indent + p for p in pre)
        out.append(f"{indent}{target} = {code}")

    def args(self, sf, roles, out: list, indent: str) -> str:
        pre: list = []
        codes = [self.expr(sf.args[r], "run", pre) for r in roles]
        out.extend(indent + p for p in pre)
        return ", ".join(codes)


def _unpack(names: list, source: str) -> str:
    if not names:
        return ""
    return f"{', '.join(names)}, = {source}"


def generate(ir: ModelIR, plan: Plan, mode: str, helpers: list) -> tuple[str, list]:
    """Python source of the runner for *plan*; returns (source, literal constants)."""
    em = _Emitter(ir, mode)
    n_nodes = len(ir.nodes)
    body: list = []
    ind = "        "
    lind = ind + "    "

    def do_item(item: int, phase: str, indent: str) -> None:
        if item < n_nodes:
            em.statement(f"v{item}", ir.nodes[item].expr, phase, body, indent)
            return
        k = item - n_nodes
        sf = ir.statefuls[k]
        if phase == "initial":
            if sf.kind in INLINE_KINDS:
                em.statement(f"s{k}", sf.args["initial"], phase, body, indent)
                return
            a = em.args(sf, INIT_ROLES[sf.kind], body, indent)
            body.append(f"{indent}sf{k}.init({a})")
        if sf.kind not in INLINE_KINDS:
            a = em.args(sf, OUT_ROLES[sf.kind], body, indent)
            body.append(f"{indent}o{k} = sf{k}.out({a})")

    body.append(f"{ind}t = T[0]")
    body.extend(f"{ind}v{i} = ts{j}[0]" for j, i in enumerate(plan.series))
    for item in plan.init_order:
        do_item(item, "initial", ind)
    body.append(f"{ind}last = len(T) - 1")
    body.append(f"{ind}r = 0")
    body.append(f"{ind}for k in range(len(T)):")
    body.append(f"{lind}t = T[k]")
    body.extend(f"{lind}v{i} = ts{j}[k]" for j, i in enumerate(plan.series))
    for item in plan.run_order:
        do_item(item, "run", lind)
    dynamic = [i for i in plan.outputs if i < 0 or i not in plan.static]
    values = ["t" if i < 0 else f"v{i}" for i in dynamic]
    body.append(f"{lind}if REC[k]:")
    if mode == "vector":
        body.extend(f"{lind}    O{j}[r] = {v}" for j, v in enumerate(values))
        body.append(f"{lind}    r = r + 1")
    else:
        body.append(f"{lind}    _rec(({', '.join(values)}{',' if len(values) == 1 else ''}))")
    body.append(f"{lind}if k == last:")
    body.append(f"{lind}    break")
    for k in plan.step_statefuls:
        sf = ir.statefuls[k]
        if sf.kind == "integ":
            pre: list = []
            flow = em.expr(sf.args["flow"], "run", pre)
            body.extend(lind + p for p in pre)
            new = f"s{k} + {flow} * dt"
            body.append(f"{lind}s{k} = _max0({new})" if sf.non_negative else f"{lind}s{k} = {new}")
        else:
            a = em.args(sf, STEP_ROLES[sf.kind], body, lind)
            body.append(f"{lind}sf{k}.advance({a})")
    static_out = [f"v{i}" for i in plan.outputs if i >= 0 and i in plan.static]
    body.append(f"{ind}return ({', '.join(static_out)}{',' if len(static_out) == 1 else ''})")

    head = ["def _make(H, KON):", f"    {_unpack(list(_HELPERS), 'H')}"]
    if em.konst:
        head.append(f"    {_unpack([f'k{j}' for j in range(len(em.konst))], 'KON')}")
    head.append("    def _run(P, T, REC, DT, SF, LK, TS, OUT):")
    pre_lines = [
        _unpack([f"v{i}" for i in plan.slots], "P"),
        _unpack([f"sf{k}" for k in helpers], "SF"),
        _unpack([f"lk{p}" for p in range(len(ir.lookup_calls))], "LK"),
        _unpack([f"ts{j}" for j in range(len(plan.series))], "TS"),
        _unpack([f"O{j}" for j in range(len(dynamic))], "OUT") if mode == "vector" else
        "_rec = OUT",
        "dt = DT",
    ]
    head.extend(ind + line for line in pre_lines if line)
    source = "\n".join(head + body + ["    return _run", ""])
    konst = [np.float64(float(text)) for text in em.konst]
    return source, konst


def check_source(source: str, extra=frozenset(), attributes=()) -> None:
    """Refuse generated source with any name, string or attribute outside the vocabulary.

    *extra* adds names and *attributes* adds ``"name.attribute"`` pairs (the compiled runners
    of :mod:`.jit` import numba and call ``np.full``).
    """
    allowed = set(_HELPERS) | _FIXED_NAMES | set(keyword.kwlist) | set(extra)
    tokens = [tok for tok in tokenize.generate_tokens(io.StringIO(source).readline)
              if tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                                  tokenize.DEDENT, tokenize.COMMENT)]
    for i, tok in enumerate(tokens):
        if tok.type == tokenize.OP and tok.string == ".":
            # the only attributes are the stateful objects' three methods
            before, after = tokens[i - 1], tokens[i + 1]
            if not ((re.match(r"^sf\d+$", before.string)
                     and after.string in ("init", "out", "advance"))
                    or f"{before.string}.{after.string}" in attributes):
                raise AssertionError(f"unexpected attribute access in generated code: {tok.line}")
        elif tok.type == tokenize.NAME:
            after_dot = i > 0 and tokens[i - 1].string == "."
            if not (after_dot or tok.string in allowed or _GENERATED.match(tok.string)):
                raise AssertionError(f"unexpected name {tok.string!r} in generated code")
        elif tok.type not in (tokenize.NUMBER, tokenize.OP, tokenize.ENDMARKER):
            raise AssertionError(f"unexpected token {tok.string!r} in generated code")


def build_runner(ir: ModelIR, plan: Plan, mode: str, helpers: list):
    """Compile the runner of *plan* in *mode* (``"scalar"`` or ``"vector"``)."""
    source, konst = generate(ir, plan, mode, helpers)
    check_source(source)
    table = SCALAR if mode == "scalar" else VECTOR
    H = tuple(table.get(name) for name in _HELPERS)
    namespace = {"__builtins__": dict(_SAFE_BUILTINS)}
    exec(compile(source, "<gzsim.engine generated>", "exec"), namespace)  # noqa: S102
    return namespace["_make"](H, konst), source
