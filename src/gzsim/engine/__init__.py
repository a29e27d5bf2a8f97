"""gzsim's fast simulation engine: a compiler from Vensim to numpy.

PySD runs one parameter set at a time through Python objects and xarray.
This engine parses the ``.mdl`` with PySD's own translator (so the parse is
PySD's), orders the equations once, and generates a Python loop over the time
steps -- on Python floats for one run, on numpy arrays whose axis is the
parameter set for a batch.  Its results equal PySD's ``Model.run()`` at every
saved time (same times, columns and values; tested to a relative 1e-9).

Public API
----------
compile_model(path) -> CompiledModel
CompiledModel.run(params=None, return_columns=None, *, initial_time=None,
                  final_time=None, time_step=None, saveper=None) -> pandas.DataFrame
CompiledModel.run_batch(params=None, return_columns=None, *, n=None, **control) -> dict
CompiledModel.output_times(**control) -> numpy.ndarray
CompiledModel.variable_names, .columns, .stocks, .constants, .initial_time, ...
TimeSeriesParam(times, values)            time paths, per parameter set in a batch
safe_pysd_parsing()                       makes PySD's own translator safe to use
Errors: EngineError (a gzsim.errors.EngineError), ModelParseError,
UnsupportedFeatureError, AlgebraicLoopError, UnknownVariableError, UnknownParameterError

Supported Vensim
----------------
Arithmetic, logic, IF THEN ELSE, MIN, MAX, ABS, EXP, LN, LOG, SQRT, POWER,
INTEGER, MODULO, QUANTUM, trigonometric functions, XIDZ, ZIDZ, INTEG, SMOOTH,
SMOOTHI, SMOOTH3, SMOOTH3I, SMOOTH N, DELAY1, DELAY1I, DELAY3, DELAY3I,
DELAY N, DELAY FIXED, TREND, FORECAST, INITIAL, ACTIVE INITIAL, SAMPLE IF
TRUE, STEP, RAMP, PULSE, PULSE TRAIN, GAME, lookups (tables, WITH LOOKUP,
LOOKUP EXTRAPOLATE/FORWARD/BACKWARD, with end values held outside the table),
TIME and the control variables.  Anything else (subscripts, macros, DATA and
GET XLS/DIRECT, RANDOM*, ALLOCATE, VECTOR*...) raises UnsupportedFeatureError
naming the construct and the variable.

Where the engine differs from PySD
----------------------------------
* Arithmetic errors follow numpy: 1/0 gives inf and LN(-1) nan where PySD
  raises ZeroDivisionError (or returns a complex number for a negative base
  to a fractional power).
* Control variables are set with keyword arguments (``final_time=`` ...);
  passing them in ``params`` is an error (PySD half-applies them).
* Results are float64 columns (PySD keeps ints and bools where the equations
  give them) with a float64 index.
* IF THEN ELSE and SAMPLE IF TRUE evaluate both branches when initial values
  are computed, so an initialisation that PySD completes only thanks to lazy
  evaluation is reported as circular.
* PySD truncates to integers in two places (see ``pysdtypes``); the engine
  reproduces it when the type is known from the equations, and assumes a
  float where it depends on values.
* A negative number in brackets raised to a power, ``(-2)^2``, is refused:
  PySD's parser drops the brackets (giving -4, as for ``-2^2``) where Vensim
  gives 4, and the parse cannot tell the two apart.
* LOOKUP EXTRAPOLATE/FORWARD/BACKWARD are not available in PySD; the engine
  follows PySD's XMILE ``extrapolate`` and ``hold_backward`` modes and Vensim's
  documentation for FORWARD.

Examples
--------
>>> from gzsim.engine import compile_model
>>> model = compile_model("model/ganzhou_sti.mdl")
>>> df = model.run({"talent subsidy": 2.0})
>>> out = model.run_batch({"talent subsidy": np.linspace(0, 5, 1000)}, ["GDP"])
>>> out["GDP"].shape                                  # (1000, number of saved times)
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from .errors import (
    AlgebraicLoopError,
    EngineError,
    ModelParseError,
    UnknownParameterError,
    UnknownVariableError,
    UnsupportedFeatureError,
)
from .model import CompiledModel
from .params import TimeSeriesParam
from .parse import parse_abstract_model, safe_pysd_parsing
from .translate import translate

__all__ = [
    "compile_model",
    "CompiledModel",
    "TimeSeriesParam",
    "safe_pysd_parsing",
    "EngineError",
    "ModelParseError",
    "UnsupportedFeatureError",
    "AlgebraicLoopError",
    "UnknownVariableError",
    "UnknownParameterError",
]

_CACHE: dict[str, CompiledModel] = {}
_CACHE_LOCK = threading.Lock()


def compile_model(path: str | Path, *, encoding: str | None = None,
                  cache: bool = True) -> CompiledModel:
    """Compile a Vensim ``.mdl`` file.

    Parameters
    ----------
    path : path-like
        The model file. It is only read: nothing is written next to it.
    encoding : str, optional
        File encoding (default: from the file's ``{UTF-8}`` header).
    cache : bool
        Reuse the compiled model of an identical file (same path and bytes)
        compiled earlier in this process.

    Returns
    -------
    CompiledModel

    Raises
    ------
    ModelParseError
        Missing or unparsable file.
    UnsupportedFeatureError
        A construct outside the supported subset (named, with its variable).
    AlgebraicLoopError
        Simultaneous equations, or a circular initialisation.
    EngineError
        Other model errors (undefined references, bad lookup tables).
    """
    path = Path(path)
    if not path.is_file():
        raise ModelParseError("model file not found", path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelParseError(f"cannot read the model file: {exc.strerror or exc}", path) from None
    key = hashlib.sha256(str(path.resolve()).encode() + b"\0" + data).hexdigest()
    if cache:
        with _CACHE_LOCK:
            if key in _CACHE:
                return _CACHE[key]
    model = CompiledModel(translate(parse_abstract_model(path, encoding), path))
    if cache:
        with _CACHE_LOCK:
            _CACHE[key] = model
    return model


def _register() -> None:
    # gzsim.simulators imports this package when asked for an unknown engine
    try:
        from ..simulators import register_engine
    except ImportError:  # pragma: no cover - the adapter module is optional
        return
    from .adapter import FastEngine

    register_engine("fast", FastEngine)


_register()
