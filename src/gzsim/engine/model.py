"""The compiled model: parameters in, results out.

:class:`CompiledModel` resolves names and parameter values, works out the
control settings and the time grid exactly as PySD's ``Model.run`` does, asks
:mod:`~gzsim.engine.graph` for a plan, gets the plan's runner from
:mod:`~gzsim.engine.codegen` (compiled once per plan and cached) and shapes
the results.  A single run uses the scalar runner (Python floats); if that
meets a division by zero, an overflow or a math domain error it is repeated
with the vector runner, which follows numpy's inf/nan rules like a batch.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from unicodedata import normalize

import numpy as np
import pandas as pd

from . import jit
from .codegen import INLINE_KINDS, build_runner
from .errors import EngineError, UnknownParameterError, UnknownVariableError
from .graph import Analysis, refs
from .lookups import constant_lookup, interp_grid, scalar_lookup, vector_lookup
from .params import normalise
from .pysdtypes import int_initialised
from .results import FrameShapes, StaticRows
from .statefuls import SCALAR_CLASSES, VECTOR_CLASSES
from .timing import control_values, evaluate_constant, time_grid
from .translate import ModelIR, _loose_key, clean_key

#: Stateful kinds that hold a material quantity (firms, money, people, knowledge), which cannot be
#: negative: accumulations, delay pipelines, smooths.  SAMPLE IF TRUE, INITIAL, TREND and FORECAST
#: hold copies or slopes of other values, which may be.
MATERIAL_STATEFULS = frozenset({"integ", "delay", "delayn", "delayfixed", "smooth"})

__all__ = ["CompiledModel"]

_ARITHMETIC = (ZeroDivisionError, OverflowError, ValueError)
_MAX_RUNNERS = 256  # compiled plans kept per model


def _int_typed(value) -> bool:
    """True for values PySD would carry as Python/numpy integers."""
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "iub"
    return isinstance(value, (int, np.integer, np.bool_))


def _pysd_identifier(name: str) -> str:
    """PySD's Python name of a variable, without its collision suffixes."""
    s = re.sub(r"[\s\t\n_]+", "_", name.lower())
    s = normalize("NFD", s).encode("ascii", "ignore").decode("utf-8")
    s = re.sub(r"[^0-9a-zA-Z_]", "", s)
    if re.findall(r"^[0-9]", s) or not s:
        s = "nvs_" + s
    elif s.startswith("_"):
        s = "nvs" + s
    return re.sub(r"[_]+", "_", s)


@dataclass
class _Prepared:
    consts: dict = field(default_factory=dict)     # node -> float or (n,) array
    series: dict = field(default_factory=dict)     # node -> TimeSeriesParam
    tables: dict = field(default_factory=dict)     # table -> ("const"|"series", value)
    overrides: dict = field(default_factory=dict)  # node -> "const"|"series" (plan-changing)
    int_params: set = field(default_factory=set)   # nodes given a Python int (pysdtypes)
    n: int | None = None


class CompiledModel:
    """A Vensim model compiled for fast runs; build it with :func:`compile_model`.

    Attributes
    ----------
    path : pathlib.Path
        The model file.
    variable_names : tuple of str
        Vensim names of all variables and lookup tables, in file order.
    columns : tuple of str
        The columns :meth:`run` returns by default (PySD's order: control
        variables first, lookup tables left out).
    stocks : tuple of str
        Variables defined by an INTEG.
    material_stocks : tuple of str
        Variables whose equation holds an INTEG, DELAY, DELAY N, DELAY FIXED or SMOOTH
        anywhere (``(DELAY FIXED(x, 1, 0) + y) * z`` counts: that variable is what can be
        observed), in file order: what must stay non-negative.
    constants : dict
        Vensim name -> value of every constant (a number in the model file).
    initial_time, final_time, time_step, saveper : float
        The model's control settings.
    """

    name = "fast"
    #: Run hot plans compiled (:mod:`.jit`); False keeps every run on the numpy/Python runners.
    use_jit = True

    def __init__(self, ir: ModelIR):
        self._ir = ir
        self._analysis = Analysis(ir)
        self.path = ir.path
        named = [n for n in ir.nodes if n.name is not None]
        self.variable_names = tuple(n.name for n in named)
        self.columns = tuple(ir.nodes[i].name for i in ir.columns)
        self.stocks = tuple(n.name for n in named if n.expr and n.expr[0] == "sf"
                            and ir.statefuls[n.expr[1]].kind == "integ")
        self.material_stocks = tuple(dict.fromkeys(
            sf.owner for sf in ir.statefuls if sf.kind in MATERIAL_STATEFULS))
        self._index: dict[str, int] = {}
        for node in named:
            for variant in (node.name, node.name.lower(), node.name.strip('"').lower(),
                            clean_key(node.name), _loose_key(node.name),
                            _pysd_identifier(node.name)):
                self._index.setdefault(variant, node.index)
        self._defaults = {n.index: float(evaluate_constant(n.expr, None, ir.path))
                          for n in ir.nodes if n.kind == "constant"}
        self.constants = {ir.nodes[i].name: v for i, v in self._defaults.items()}
        self._lk_default = {
            "scalar": [scalar_lookup(ir.tables[t].x, ir.tables[t].y, m) for t, m in ir.lookup_calls],
            "vector": [vector_lookup(ir.tables[t].x, ir.tables[t].y, m) for t, m in ir.lookup_calls],
        }
        self._control_inputs = self._constants_read_by_controls()
        self._control_cache: dict = {}
        control = self._controls(_Prepared(), {})
        self.initial_time, self.final_time = control["initial_time"], control["final_time"]
        self.time_step, self.saveper = control["time_step"], control["saveper"]
        self._runners: dict = {}
        self._grids: dict = {}
        self._int_flags: dict = {}
        self._calls: dict = {}      # plan key -> calls so far (see jit.HOT_CALLS)
        self._jits: dict = {}       # plan key -> jit.JitRunner, or None where not compiled
        self._frames = FrameShapes(_MAX_RUNNERS)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"CompiledModel({str(self.path)!r}, {len(self.variable_names)} variables)"

    # ------------------------------------------------------------------ names
    def _node(self, name: str, error=UnknownVariableError) -> int:
        if isinstance(name, str):
            if name in self._index:   # the common case, without building the variants
                return self._index[name]
            for variant in (name.lower(), name.strip('"').lower(), clean_key(name),
                            _loose_key(name)):
                if variant in self._index:
                    return self._index[variant]
        raise error(str(name), self.variable_names, model_path=self.path)

    def _outputs(self, return_columns) -> tuple[list, list]:
        if return_columns is None:
            return list(self._ir.columns), list(self.columns)
        if isinstance(return_columns, str):
            return_columns = [return_columns]
        nodes = []
        for label in return_columns:
            if isinstance(label, str) and label.strip().lower() == "time":
                nodes.append(-1)
                continue
            i = self._node(label)
            if self._ir.nodes[i].kind == "table":
                raise EngineError(f"'{label}' is a lookup table, which has no value of its own; "
                                  "ask for a variable that uses it", self.path)
            nodes.append(i)
        return nodes, list(return_columns)

    # ------------------------------------------------------------- parameters
    def _prepare(self, params, batch: bool, n: int | None = None) -> _Prepared:
        prep = _Prepared(n=n)
        sizes = {}
        for name, value in (params or {}).items():
            i = self._node(name, UnknownParameterError)
            node = self._ir.nodes[i]
            if _int_typed(value):
                prep.int_params.add(i)
            kind, value = normalise(str(name), value, batch, self.path)
            if node.kind == "control":
                raise EngineError(f"'{name}' is a control variable; set it with the keyword "
                                  "arguments initial_time=, final_time=, time_step=, saveper=",
                                  self.path)
            if kind == "const" and np.ndim(value):
                sizes[name] = len(value)
            elif kind == "series" and value.n is not None:
                sizes[name] = value.n
            if node.kind == "table":
                if kind == "series" and value.n is not None:
                    raise EngineError(f"lookup table '{name}' takes one series for all "
                                      "parameter sets", self.path)
                prep.tables[node.table] = (kind, value)
            elif kind == "const":
                prep.consts[i] = value
                if node.kind != "constant":
                    prep.overrides[i] = "const"
            else:
                prep.series[i] = value
                prep.overrides[i] = "series"
        if sizes:
            lengths = set(sizes.values()) | ({n} if n is not None else set())
            if len(lengths) != 1:
                detail = ", ".join(f"{k}: {v}" for k, v in sizes.items())
                raise EngineError(f"parameter arrays differ in length ({detail})", self.path)
            prep.n = lengths.pop()
        if prep.n is None:
            prep.n = 1
        if prep.n < 1:
            raise EngineError("run_batch needs at least one parameter set", self.path)
        return prep

    def _constants_read_by_controls(self) -> frozenset:
        """Constants the control equations read (directly or through other controls)."""
        found, todo = set(), [i for i in self._ir.control.values()]
        while todo:
            node = self._ir.nodes[todo.pop()]
            if node.kind == "constant":
                found.add(node.index)
            elif node.kind == "control" and node.expr is not None:
                todo.extend(refs(node.expr, len(self._ir.nodes), "run", set()) - found)
        return frozenset(found)

    def _controls(self, prep: _Prepared, given: dict) -> dict:
        # the same controls for every call that overrides none of their inputs: computed once
        key = None
        if not self._control_inputs.intersection(prep.consts):
            key = tuple((k, v, _int_typed(v)) for k, v in given.items())
            if key in self._control_cache:
                return self._control_cache[key]
        out = control_values(self._ir, lambda i: prep.consts.get(i, self._defaults[i]), given)
        out["given"] = frozenset((k, _int_typed(v)) for k, v in given.items() if v is not None)
        if key is not None:
            if len(self._control_cache) >= _MAX_RUNNERS:
                self._control_cache.clear()
            self._control_cache[key] = out
        return out

    def _grid(self, c: dict):
        key = (c["initial_time"], c["final_time"], c["time_step"], c["saveper"])
        grid = self._grids.get(key)
        if grid is None:
            if len(self._grids) >= _MAX_RUNNERS:
                self._grids.clear()
            grid = self._grids[key] = time_grid(*key, path=self.path)
        return grid

    # ------------------------------------------------------------------ runs
    def _runner(self, mode: str, outputs: tuple, overrides: dict):
        key = (mode, outputs, frozenset(overrides.items()))
        with self._lock:
            entry = self._runners.get(key)
            if entry is None:
                plan = self._analysis.plan(outputs, overrides)
                n_nodes = len(self._ir.nodes)
                used = {i - n_nodes for i in plan.init_order if i >= n_nodes}
                helpers = sorted(k for k in used | set(plan.step_statefuls)
                                 if self._ir.statefuls[k].kind not in INLINE_KINDS)
                runner, source = build_runner(self._ir, plan, mode, helpers)
                if len(self._runners) >= _MAX_RUNNERS:  # forget the oldest plan
                    self._runners.pop(next(iter(self._runners)))
                entry = self._runners[key] = (plan, runner, helpers, source)
        return entry

    def _flags(self, helpers, prep: _Prepared, control: dict) -> dict:
        key = (tuple(helpers), frozenset(prep.int_params), control["given"],
               frozenset(prep.consts) | frozenset(prep.series))
        flags = self._int_flags.get(key)
        if flags is None:
            flags = self._int_flags[key] = int_initialised(
                self._ir, helpers, key[1], key[2], key[3])
        return flags

    def _jit(self, outputs: tuple, prep: _Prepared, plan, helpers, flags):
        """The compiled runner of a hot plan, or None (see :mod:`.jit`)."""
        if not self.use_jit or prep.tables or not jit.available() or any(
                flags.get(k, False) and self._ir.statefuls[k].kind in jit.INT_SENSITIVE
                for k in helpers):
            return None
        key = (outputs, frozenset(prep.overrides.items()))
        with self._lock:
            if len(self._calls) >= 16 * _MAX_RUNNERS:
                self._calls.clear()
            calls = self._calls[key] = self._calls.get(key, 0) + 1
            if calls < jit.HOT_CALLS:
                return None
            if key not in self._jits:
                if len(self._jits) >= _MAX_RUNNERS:
                    self._jits.pop(next(iter(self._jits)))
                self._jits[key] = (jit.JitRunner(self._ir, plan)
                                   if jit.supported(self._ir, plan) else None)
            return self._jits[key]

    def _execute_jit(self, runner, plan, prep: _Prepared, control: dict):
        grid = self._grid(control)
        result = runner.run(self._ir, self._defaults, prep.consts, prep.series, prep.n, control,
                            grid)
        if result is None:
            return None
        OUT, STAT = result
        # (outputs, times, sets): out[j] is a (times, sets) view, as the numpy runner's
        statics = StaticRows(runner.static_out, STAT)
        return plan, runner.dynamic, OUT.transpose(0, 2, 1), statics, grid[3]

    def _execute(self, mode, outputs, prep: _Prepared, control: dict):
        times, tarr, record, saved = self._grid(control)
        outputs = tuple(dict.fromkeys(outputs))
        plan, runner, helpers, _ = self._runner(mode, outputs, prep.overrides)
        compiled = self._jit(outputs, prep, plan, helpers, self._flags(helpers, prep, control))
        if compiled is not None:
            result = self._execute_jit(compiled, plan, prep, control)
            if result is not None:
                return result
        vector = mode == "vector"
        n = prep.n if vector else None
        cast = (lambda v: np.float64(v) if np.ndim(v) == 0 else np.asarray(v, float)) \
            if vector else float
        P = []
        for i in plan.slots:
            node = self._ir.nodes[i]
            if node.kind == "control":
                P.append(cast(control[clean_key(node.name)]))
            else:
                P.append(cast(prep.consts.get(i, self._defaults.get(i))))
        dt = cast(control["time_step"])
        classes = VECTOR_CLASSES if vector else SCALAR_CLASSES
        SF = [classes[self._ir.statefuls[k].kind](self._ir.statefuls[k].owner, dt, n, self.path)
              for k in helpers]
        flags = self._flags(helpers, prep, control)
        for k, obj in zip(helpers, SF):
            obj.int_typed = flags.get(k, False)
        LK = list(self._lk_default[mode])
        for p, (table, lmode) in enumerate(self._ir.lookup_calls):
            if table in prep.tables:
                kind, value = prep.tables[table]
                if kind == "const":
                    LK[p] = constant_lookup(cast(value))
                else:
                    build = vector_lookup if vector else scalar_lookup
                    LK[p] = build(value.times, value.values, lmode)
        TS = []
        for i in plan.series:
            ts = prep.series[i]
            grid = interp_grid(times, ts.times, ts.values)
            TS.append(grid if vector else grid.tolist())
        dynamic = [i for i in plan.outputs if i < 0 or i not in plan.static]
        if vector:
            OUT = [np.empty((len(saved), n)) for _ in dynamic]
            with np.errstate(all="ignore"):
                statics = runner(P, tarr, record, dt, SF, LK, TS, OUT)
        else:
            rows = []
            statics = runner(P, times, record, dt, SF, LK, TS, rows.append)
            OUT = np.array(rows, dtype=float).reshape(len(saved), len(dynamic))
        static_outputs = [i for i in plan.outputs if i >= 0 and i in plan.static]
        return plan, dynamic, OUT, dict(zip(static_outputs, statics)), saved

    def run(self, params=None, return_columns=None, *, initial_time=None, final_time=None,
            time_step=None, saveper=None) -> pd.DataFrame:
        """Simulate once, like PySD's ``Model.run``.

        Parameters
        ----------
        params : dict, optional
            Vensim name -> number, :class:`pandas.Series` (time path, or new
            points of a lookup table) or 1-D :class:`TimeSeriesParam`.
            Names are matched like PySD does (case-insensitive; PySD's Python
            names work too).  Any variable can be set; a variable with an
            equation is replaced by the value, as in PySD.
        return_columns : list of str, optional
            Variables to return (``"Time"`` allowed); default: PySD's default
            columns (:attr:`columns`).
        initial_time, final_time, time_step, saveper : float, optional
            Override the control settings (PySD's ``run`` arguments).

        Returns
        -------
        pandas.DataFrame
            Indexed by time (``float``, named ``"time"``, rounded as PySD
            does), one ``float`` column per requested name.

        Raises
        ------
        UnknownParameterError, UnknownVariableError, EngineError
        """
        outputs, labels = self._outputs(return_columns)
        prep = self._prepare(params, batch=False)
        control = self._controls(prep, {"initial_time": initial_time, "final_time": final_time,
                                        "time_step": time_step, "saveper": saveper})
        try:
            plan, dynamic, out, statics, saved = self._execute("scalar", outputs, prep, control)
            if isinstance(out, np.ndarray) and out.ndim == 3:  # compiled: a batch of one
                out = out[:, :, 0].T
        except _ARITHMETIC:
            plan, dynamic, out, statics, saved = self._execute("vector", outputs, prep, control)
            out = [o[:, 0] for o in out]
        if isinstance(out, list):
            out = np.column_stack(out) if out else np.empty((len(saved), 0))
        return self._frames.frame(outputs, labels, dynamic, out, statics, saved)

    def run_batch(self, params=None, return_columns=None, *, n=None, initial_time=None,
                  final_time=None, time_step=None, saveper=None) -> dict:
        """Simulate *n* parameter sets in one vectorised pass.

        Parameters
        ----------
        params : dict, optional
            Vensim name -> number (shared), 1-D array of length *n* (one value
            per parameter set), :class:`pandas.Series` (shared time path or
            lookup points) or :class:`TimeSeriesParam` (values ``(m,)`` shared
            or ``(n, m)``, one path per set).
        return_columns : list of str, optional
            Variables to keep; default all of :attr:`columns`.  Memory is
            ``n * len(output_times) * 8`` bytes per column, so ask only for
            what you need.
        n : int, optional
            Number of parameter sets; inferred from the arrays when omitted.
        initial_time, final_time, time_step, saveper : float, optional
            Control settings, shared by all sets.

        Returns
        -------
        dict of str -> numpy.ndarray
            One array of shape ``(n, len(output_times(...)))`` per column;
            row *i* equals ``run`` with parameter set *i*.  Columns that cannot
            change during a run (constants...) are read-only broadcast views.
        """
        outputs, labels = self._outputs(return_columns)
        prep = self._prepare(params, batch=True, n=n)
        control = self._controls(prep, {"initial_time": initial_time, "final_time": final_time,
                                        "time_step": time_step, "saveper": saveper})
        plan, dynamic, out, statics, saved = self._execute("vector", outputs, prep, control)
        result = {}
        for label, i in zip(labels, outputs):
            if i in statics:
                # constant over time: a read-only broadcast view costs no memory
                value = np.array(statics[i], dtype=float).reshape(-1, 1)  # a copy
                result[label] = np.broadcast_to(value, (prep.n, len(saved)))
            else:
                result[label] = out[dynamic.index(i)].T
        return result

    def generated_sources(self) -> list[str]:
        """The Python source of every runner compiled so far (for inspection and audits)."""
        with self._lock:
            return [entry[3] for entry in self._runners.values()]

    def output_times(self, *, initial_time=None, final_time=None, time_step=None,
                     saveper=None) -> np.ndarray:
        """Times of the rows of :meth:`run` (columns of :meth:`run_batch`)."""
        control = self._controls(_Prepared(), {"initial_time": initial_time,
                                               "final_time": final_time,
                                               "time_step": time_step, "saveper": saveper})
        return self._grid(control)[3].copy()
