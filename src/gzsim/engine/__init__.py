"""gzsim's fast simulation engine: a compiler from Vensim to numpy.

PySD runs one parameter set at a time through Python objects and xarray.
This engine parses the ``.mdl`` with PySD's own translator (so the parse is
PySD's), orders the equations once, and generates a Python step loop over
numpy arrays whose axis is the parameter set.  Its results equal PySD's
``Model.run()`` at every saved time.

Public API
----------
compile_model(path) -> CompiledModel
CompiledModel.run(params=None, return_columns=None, **control) -> pandas.DataFrame
CompiledModel.run_batch(params, return_columns=None, *, n=None, **control) -> dict
CompiledModel.output_times(**control) -> numpy.ndarray
TimeSeriesParam(times, values)
safe_pysd_parsing()  -- context manager that makes PySD's translator safe
Errors: EngineError, ModelParseError, UnsupportedFeatureError, AlgebraicLoopError,
UnknownVariableError, UnknownParameterError

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
    # gzsim.engines imports this package when asked for an unknown engine
    try:
        from ..engines import register_engine
    except ImportError:  # pragma: no cover - the adapter module is optional
        return
    from .adapter import FastEngine

    register_engine("fast", FastEngine)


_register()
