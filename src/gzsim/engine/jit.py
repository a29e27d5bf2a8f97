"""Compiled runners: one plan as a numba function, for plans that are run again and again.

The numpy runner of :mod:`.codegen` pays a numpy call per operation and time step whatever the
batch size, about 5 ms a call on the Ganzhou model: below some hundreds of parameter sets most
of its time is overhead.  Here the same plan becomes one function that loops over the
parameter sets and, inside, over time with scalar code, as generated C would; numba compiles
it to machine code.  Every operation is the numpy runner's, in the same order (the helpers are
in :mod:`.jitlib`), so results agree to the last bit in practice and are tested against it.

Compiled only when numba is installed and the plan is hot (:data:`HOT_CALLS`), since compiling
takes 1-5 seconds; the source goes to a file in the user's cache folder so numba's own
cache makes the next process load it in under a second.  Plans with a construct handled here
(every stateful kind of the engine, interpolated lookups, constant and time-series
parameters) compile; any other plan, and any run whose inputs the numpy runner
would refuse, goes to the numpy runner, which stays the reference and the fallback.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np

from .codegen import _MAX_DEPTH, INLINE_KINDS, _Emitter, check_source
from .functions import FUNCTION_HELPERS
from .graph import Plan
from .lookups import interp_grid
from .translate import INIT_ROLES, OUT_ROLES, STEP_ROLES, ModelIR, clean_key

__all__ = ["available", "supported", "JitRunner", "HOT_CALLS"]

#: Calls of one plan before it is compiled: one-off and occasional runs never pay the compile
#: time (1-5 s); calibrations, analyses and a session of slider moves do.
HOT_CALLS = 10
#: Stateful kinds compiled here.
KINDS = frozenset({"integ", "initial", "delay", "delayn", "delayfixed", "smooth", "trend",
                   "forecast", "sample"})
#: Kinds that round their input like an integer array when PySD's state is one (see
#: :mod:`.pysdtypes`); such runs stay with numpy.
INT_SENSITIVE = ("delayn", "smooth")
#: Kinds whose order must be one number for all parameter sets (else numpy refuses the run).
ORDERED = ("delay", "delayn", "smooth")
_ENV_SWITCH = "GZSIM_JIT"   # "0" turns compiled runners off
_LOCK = threading.Lock()
_LOADED: dict[str, object] = {}
_HELPERS = tuple(sorted(set(FUNCTION_HELPERS.values()) | {"_max0", "_ramp", "_interp",
                                                          "_fixed_length", "_order", "_delay_order",
                                                          "_zidz", "_f"}))


def available() -> bool:
    """True when numba can be imported and compiled runners are not switched off."""
    if os.environ.get(_ENV_SWITCH, "1") == "0":
        return False
    return importlib.util.find_spec("numba") is not None


def supported(ir: ModelIR, plan: Plan) -> bool:
    """True if every item of *plan* is a construct this module compiles."""
    n_nodes = len(ir.nodes)
    items = set(plan.init_order) | set(plan.run_order)
    kinds = {ir.statefuls[i - n_nodes].kind for i in items if i >= n_nodes}
    kinds |= {ir.statefuls[k].kind for k in plan.step_statefuls}
    return kinds <= KINDS and all(mode == "interpolate" for _, mode in ir.lookup_calls)


class _JitEmitter(_Emitter):
    """Scalar expressions, with lookups as calls of the compiled interpolator."""

    def __init__(self, ir: ModelIR):
        super().__init__(ir, "scalar")

    def _expr(self, e: tuple, phase: str, pre: list, depth: int) -> str:
        sub = lambda a: self.expr(a, phase, pre, 0 if depth >= _MAX_DEPTH else depth + 1)  # noqa
        if e[0] == "lookup":
            return f"_interp({sub(e[2])}, lx{int(e[1])}, ly{int(e[1])})"
        if e[0] == "if":   # both branches floats: numba does not unify bool and float
            return f"(_f({sub(e[2])}) if {sub(e[1])} else _f({sub(e[3])}))"
        return super()._expr(e, phase, pre, depth)


def _source(ir: ModelIR, plan: Plan) -> str:
    """Python source of the compiled runner of *plan* (checked like the numpy runner's)."""
    em = _JitEmitter(ir)
    n_nodes = len(ir.nodes)
    ordered = [k for k in range(len(ir.statefuls)) if ir.statefuls[k].kind in ORDERED]
    body: list = []
    I1, I2, I3 = " " * 4, " " * 8, " " * 12

    def stmt(target: str, e: tuple, phase: str, indent: str) -> None:
        pre: list = []
        code = em.expr(e, phase, pre)
        body.extend(indent + p for p in pre)
        body.append(f"{indent}{target} = _f({code})")

    def arg(sf, role: str, phase: str, indent: str) -> str:
        pre: list = []
        code = em.expr(sf.args[role], phase, pre)
        body.extend(indent + p for p in pre)
        return code

    def init(k: int, indent: str) -> None:
        sf = ir.statefuls[k]
        a = {r: arg(sf, r, "run", indent) for r in INIT_ROLES[sf.kind]}
        if sf.kind == "delayfixed":
            body.append(f"{indent}m{k} = _fixed_length({a['delay_time']}, dt)")
            body.append(f"{indent}if m{k} == 0:")
            body.append(f"{indent}    ERR[0] = 1")
            body.append(f"{indent}    return")
            body.append(f"{indent}q{k} = np.full(m{k}, _f({a['initial']}))")
            body.append(f"{indent}p{k} = 0")
            body.append(f"{indent}z{k} = q{k}[0]")
        elif sf.kind in ORDERED:
            body.append(f"{indent}m{k} = _order(_f({a['order']}))")
            body.append(f"{indent}ORD[{ordered.index(k)}, i] = m{k}")
            if sf.kind == "smooth":
                body.append(f"{indent}q{k} = np.full(m{k}, _f({a['initial']}))")
            else:   # PySD shortens a chain whose stages would be shorter than TIME STEP
                body.append(f"{indent}m{k} = _delay_order(m{k}, _f({a['delay_time']}), dt)")
                body.append(f"{indent}q{k} = np.full(m{k}, _f({a['initial']}) * "
                            f"_f({a['delay_time']}))")
                if sf.kind == "delayn":
                    body.append(f"{indent}r{k} = np.full(m{k}, _f({a['delay_time']}))")
            body.append(f"{indent}if m{k} == 0:")
            body.append(f"{indent}    ERR[0] = 1")
            body.append(f"{indent}    return")
        elif sf.kind == "trend":
            body.append(f"{indent}z{k} = _f({a['input']}) / (1 + _f({a['initial_trend']}) * "
                        f"_f({a['average_time']}))")
        elif sf.kind == "forecast":
            body.append(f"{indent}z{k} = _f({a['input']}) / (1 + _f({a['initial_trend']}))")
        elif sf.kind == "sample":
            body.append(f"{indent}z{k} = _f({a['initial']})")

    def out(k: int, indent: str) -> None:
        sf = ir.statefuls[k]
        a = [arg(sf, r, "run", indent) for r in OUT_ROLES[sf.kind]]
        if sf.kind == "delayfixed":
            body.append(f"{indent}o{k} = z{k}")
        elif sf.kind == "smooth":
            body.append(f"{indent}o{k} = q{k}[m{k} - 1]")
        elif sf.kind == "delay":
            body.append(f"{indent}o{k} = q{k}[m{k} - 1] / {a[0]}")
        elif sf.kind == "delayn":
            body.append(f"{indent}o{k} = q{k}[m{k} - 1] / r{k}[0]")
        elif sf.kind == "trend":
            body.append(f"{indent}o{k} = _zidz({a[0]} - z{k}, {a[1]} * abs(z{k}))")
        elif sf.kind == "forecast":
            body.append(f"{indent}o{k} = {a[0]} * (1 + _zidz({a[0]} - z{k}, {a[1]} * z{k}) * "
                        f"{a[2]})")
        elif sf.kind == "sample":
            body.append(f"{indent}o{k} = _f({a[1]}) if {a[0]} else z{k}")

    def advance(k: int, indent: str) -> None:
        sf = ir.statefuls[k]
        a = {r: arg(sf, r, "run", indent) for r in STEP_ROLES[sf.kind]}
        if sf.kind == "integ":
            new = f"s{k} + {a['flow']} * dt"
            body.append(f"{indent}s{k} = _f({'_max0(' + new + ')' if sf.non_negative else new})")
        elif sf.kind == "delayfixed":
            body.append(f"{indent}q{k}[p{k}] = {a['input']}")
            body.append(f"{indent}p{k} = (p{k} + 1) % m{k}")
            body.append(f"{indent}z{k} = q{k}[p{k}]")
        elif sf.kind == "smooth":
            body.append(f"{indent}u = _f({a['input']})")
            body.append(f"{indent}w = _f({a['smooth_time']})")
            body.append(f"{indent}for j in range(m{k}):")
            body.append(f"{indent}    c = q{k}[j]")
            body.append(f"{indent}    q{k}[j] = c + ((u - c) * m{k} / w) * dt")
            body.append(f"{indent}    u = c")
        elif sf.kind in ("delay", "delayn"):
            body.append(f"{indent}u = _f({a['input']})")
            body.append(f"{indent}w = _f({a['delay_time']})")
            if sf.kind == "delayn":   # each stage keeps the delay time it entered with
                body.append(f"{indent}for j in range(m{k} - 1, 0, -1):")
                body.append(f"{indent}    r{k}[j] = r{k}[j - 1]")
                body.append(f"{indent}r{k}[0] = w")
            body.append(f"{indent}for j in range(m{k}):")
            body.append(f"{indent}    c = q{k}[j] / {'r' + str(k) + '[j]' if sf.kind == 'delayn' else 'w'}")
            body.append(f"{indent}    q{k}[j] = q{k}[j] + ((u - c) * m{k}) * dt")
            body.append(f"{indent}    u = c")
        elif sf.kind in ("trend", "forecast"):
            body.append(f"{indent}z{k} = z{k} + ((_f({a['input']}) - z{k}) / "
                        f"_f({a['average_time']})) * dt")
        elif sf.kind == "sample":
            body.append(f"{indent}z{k} = z{k} * 0.0 + (_f({a['input']}) if {a['condition']} "
                        f"else z{k})")

    def item(it: int, phase: str, indent: str) -> None:
        if it < n_nodes:
            stmt(f"v{it}", ir.nodes[it].expr, phase, indent)
            return
        k = it - n_nodes
        sf = ir.statefuls[k]
        if phase == "initial":
            if sf.kind in INLINE_KINDS:
                stmt(f"s{k}", sf.args["initial"], phase, indent)
                return
            init(k, indent)
        if sf.kind not in INLINE_KINDS:
            out(k, indent)

    dynamic = [i for i in plan.outputs if i < 0 or i not in plan.static]
    static_out = [i for i in plan.outputs if i >= 0 and i in plan.static]
    body.append(f"{I1}for i in range(n):")
    body.extend(f"{I2}v{s} = P[{j}, i]" for j, s in enumerate(plan.slots))
    body.append(f"{I2}t = T[0]")
    body.extend(f"{I2}v{s} = TS[{j}, 0, i]" for j, s in enumerate(plan.series))
    for it in plan.init_order:
        item(it, "initial", I2)
    body.extend(f"{I2}STAT[{j}, i] = v{s}" for j, s in enumerate(static_out))
    body.append(f"{I2}r = 0")
    body.append(f"{I2}for k in range(nt):")
    body.append(f"{I3}t = T[k]")
    body.extend(f"{I3}v{s} = TS[{j}, k, i]" for j, s in enumerate(plan.series))
    for it in plan.run_order:
        item(it, "run", I3)
    body.append(f"{I3}if REC[k]:")
    body.extend(f"{I3}    OUT[{j}, i, r] = {'t' if s < 0 else f'v{s}'}"
                for j, s in enumerate(dynamic))
    body.append(f"{I3}    r += 1")
    body.append(f"{I3}if k == nt - 1:")
    body.append(f"{I3}    break")
    for k in plan.step_statefuls:
        advance(k, I3)

    head = [
        "import math",
        "import numpy as np",
        "from numba import njit",
        f"from gzsim.engine.jitlib import _JIT, {', '.join(_HELPERS)}",
        "_NAN = math.nan",
        "_INF = math.inf",
        "",
        "",
        "@njit(**_JIT)",
        "def _run(P, T, REC, DT, TS, LX, LY, LN, OUT, STAT, ERR, ORD):",
        "    n = P.shape[1]",
        "    nt = T.shape[0]",
        "    dt = DT",
    ]
    head.extend(f"    lx{p} = LX[{p}, :LN[{p}]]" for p in range(len(ir.lookup_calls)))
    head.extend(f"    ly{p} = LY[{p}, :LN[{p}]]" for p in range(len(ir.lookup_calls)))
    return "\n".join(head + body + [""])


_VOCABULARY = frozenset(_HELPERS) | {
    "math", "np", "numpy", "numba", "njit", "gzsim", "engine", "jitlib", "float", "_JIT",
    "full", "inf", "nan", "shape", "n", "nt", "i", "j", "c",
    "u", "w", "abs", "P", "T", "REC", "DT", "TS", "LX", "LY", "LN", "OUT", "STAT", "ERR", "ORD",
    "_NAN", "_INF", "_run"}


def _cache_dir() -> Path:
    base = os.environ.get("GZSIM_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "gzsim")
    folder = Path(base) / "jit"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder
    except OSError:
        pass
    return Path(tempfile.mkdtemp(prefix="gzsim-jit-"))


def _load(source: str):
    """The compiled ``_run`` of *source*, from this process, the disk cache or numba."""
    lib = Path(__file__).with_name("jitlib.py").read_bytes()
    import numba

    key = hashlib.sha256(source.encode() + lib + numba.__version__.encode()).hexdigest()[:24]
    with _LOCK:
        if key in _LOADED:
            return _LOADED[key]
        path = _cache_dir() / f"plan_{key}.py"
        if not path.is_file():   # named by content: an existing file is this source
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(source, encoding="utf-8")
            os.replace(tmp, path)
        name = f"gzsim_jit_plan_{key}"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        _LOADED[key] = module._run
        return module._run


class JitRunner:
    """A compiled runner of one plan; call it with the numpy runner's prepared inputs."""

    def __init__(self, ir: ModelIR, plan: Plan):
        self.plan = plan
        self.source = _source(ir, plan)
        check_source(self.source, extra=_VOCABULARY, attributes=("np.full", "T.shape",
                                                                 "P.shape", "math.nan",
                                                                 "math.inf", "gzsim.engine",
                                                                 "engine.jitlib"))
        self.fn = _load(self.source)
        self.ordered = [k for k in range(len(ir.statefuls)) if ir.statefuls[k].kind in ORDERED]
        tables = [ir.tables[t] for t, _ in ir.lookup_calls]
        width = max((len(tb.x) for tb in tables), default=1)
        self.LX = np.zeros((len(tables), width))
        self.LY = np.zeros((len(tables), width))
        self.LN = np.array([len(tb.x) for tb in tables], dtype=np.int64)
        for p, tb in enumerate(tables):
            self.LX[p, :len(tb.x)] = np.asarray(tb.x, dtype=float)
            self.LY[p, :len(tb.y)] = np.asarray(tb.y, dtype=float)
        self.failed = False
        self.slot_rows = {i: j for j, i in enumerate(plan.slots)}
        self._defaults: dict = {}
        self.dynamic = [i for i in plan.outputs if i < 0 or i not in plan.static]
        self.static_out = [i for i in plan.outputs if i >= 0 and i in plan.static]

    def slot_defaults(self, ir: ModelIR, defaults: dict, control: dict) -> np.ndarray:
        """The supplied values of a run without overrides: model constants and *control*."""
        key = tuple(control[k] for k in ("initial_time", "final_time", "time_step", "saveper"))
        column = self._defaults.get(key)
        if column is None:
            column = np.array([control[clean_key(ir.nodes[i].name)] if ir.nodes[i].kind ==
                               "control" else defaults.get(i, np.nan) for i in self.plan.slots],
                              dtype=float)
            if len(self._defaults) >= 64:
                self._defaults.clear()
            self._defaults[key] = column
        return column

    def run(self, ir: ModelIR, defaults: dict, consts: dict, series: dict, n: int, control: dict,
            grid: tuple):
        """Run *n* sets: *consts* and *series* the prepared overrides, *grid* the time grid.

        ``(OUT, STAT)`` as :meth:`__call__`, or None where the numpy runner must decide.
        """
        times, tarr, record, saved = grid
        P = np.repeat(self.slot_defaults(ir, defaults, control)[:, None], n, axis=1)
        for i in self.slot_rows.keys() & consts.keys():
            P[self.slot_rows[i]] = consts[i]
        TS = np.empty((len(self.plan.series), len(times), n))
        for j, i in enumerate(self.plan.series):
            path = interp_grid(times, series[i].times, series[i].values)
            TS[j] = path[:, None] if path.ndim == 1 else path
        return self(P, tarr, np.array(record, dtype=np.bool_), control["time_step"], TS,
                    len(saved))

    def __call__(self, P: np.ndarray, T: np.ndarray, REC: np.ndarray, dt: float,
                 TS: np.ndarray, n_saved: int):
        """Run every column of *P*; ``(OUT, STAT)`` or None where the numpy runner must decide.

        *OUT* is ``(outputs, n, n_saved)`` and *STAT* ``(static outputs, n)``.
        """
        n = P.shape[1]
        OUT = np.empty((len(self.dynamic), n, n_saved))
        STAT = np.empty((len(self.static_out), n))
        ERR = np.zeros(1, dtype=np.int64)
        ORD = np.zeros((len(self.ordered), n), dtype=np.int64)
        if self.failed:
            return None
        try:
            self.fn(P, T, REC, float(dt), TS, self.LX, self.LY, self.LN, OUT, STAT, ERR, ORD)
        except Exception as exc:  # numba refused the plan: the numpy runner stays in charge
            from numba.core.errors import NumbaError
            if not isinstance(exc, NumbaError):
                raise
            self.failed = True
            return None
        if ERR[0] or (ORD != ORD[:, :1]).any():
            return None   # refused inputs, or orders that differ between sets
        return OUT, STAT
