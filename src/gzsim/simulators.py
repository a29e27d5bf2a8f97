"""Simulator adapters: the one seam between gzsim and a simulator (PySD or the fast engine).

An adapter knows one Vensim model and runs it with given parameter values.
gzsim only needs the :class:`Engine` protocol below, so the fast engine
(``gzsim.engine``) plugs in by calling :func:`register_engine` with a factory
``factory(mdl_path) -> Engine``.

The PySD adapter translates the ``.mdl`` once per model content and PySD
version into a cache folder (PySD writes its ``.py`` next to the ``.mdl``,
and the repository's ``model/`` folder must stay clean), then reloads a
fresh model state for every run so that parameters never leak between runs.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import shutil
import tempfile
import threading
import warnings
from pathlib import Path
from typing import Callable, Mapping, Protocol, Sequence, runtime_checkable

import numpy as np
import pandas as pd

from ._toml import suggest
from .errors import EngineError, UsageError

__all__ = ["Engine", "PysdEngine", "register_engine", "make_engine", "engine_names", "time_grid",
           "pysd_cache_dir"]

Param = float | pd.Series


@runtime_checkable
class Engine(Protocol):
    """What gzsim needs from a simulator.

    Attributes
    ----------
    name : str
        Short engine name (``"pysd"``).
    variable_names : frozenset of str
        Every model variable, spelled as in the ``.mdl`` without quotes.
    initial_time, final_time, time_step : float
        The model's ``.Control`` settings.
    """

    name: str
    variable_names: frozenset[str]
    initial_time: float
    final_time: float
    time_step: float

    def run(self, params: Mapping[str, Param], *, return_columns: Sequence[str]) -> pd.DataFrame:
        """Simulate once from a fresh state.

        Parameters
        ----------
        params : mapping
            Vensim name -> constant (float) or time series (``pandas.Series``
            indexed by model time, linearly interpolated).  Names not given
            keep their model value.
        return_columns : sequence of str
            Vensim names to return.

        Returns
        -------
        pandas.DataFrame
            Indexed by time (float), one column per name in *return_columns*.
        """
        ...


def time_grid(engine: Engine) -> np.ndarray:
    """Times INITIAL TIME, INITIAL TIME + TIME STEP, ..., FINAL TIME of *engine*."""
    n = int(round((engine.final_time - engine.initial_time) / engine.time_step))
    return engine.initial_time + engine.time_step * np.arange(n + 1)


_FACTORIES: dict[str, Callable[[Path], Engine]] = {}


def register_engine(name: str, factory: Callable[[Path], Engine]) -> None:
    """Make ``load_model(..., engine=name)`` use *factory(mdl_path)*."""
    _FACTORIES[name] = factory


def engine_names() -> list[str]:
    """Names of the registered engines."""
    return sorted(_FACTORIES)


def make_engine(name: str, mdl_path: Path) -> Engine:
    """Build the engine *name* for the model file *mdl_path*.

    An unknown name triggers one import of ``gzsim.engine`` (the fast engine
    registers itself there) before giving up.

    Raises
    ------
    UsageError
        When no engine of that name exists.
    """
    if name not in _FACTORIES:
        try:
            importlib.import_module("gzsim.engine")
        except ImportError:
            pass
    if name not in _FACTORIES:
        raise UsageError(f"engine '{name}' is unknown{suggest(name, _FACTORIES)}; "
                         f"available: {', '.join(engine_names())}")
    return _FACTORIES[name](mdl_path)


# --------------------------------------------------------------------------- PySD

def pysd_cache_dir() -> Path:
    """Folder holding PySD translations (``GZSIM_CACHE`` or the system temp folder)."""
    base = os.environ.get("GZSIM_CACHE") or tempfile.gettempdir()
    return Path(base) / "gzsim-pysd"


# Per-process cache: model digest -> translated .py file (saves re-hashing/re-checking).
_TRANSLATED: dict[str, Path] = {}
_TRANSLATE_LOCK = threading.Lock()


def _translate(mdl_path: Path) -> Path:
    """Translate *mdl_path* with PySD once, returning the cached ``.py`` file."""
    import pysd

    data = mdl_path.read_bytes()
    digest = hashlib.sha256(data + b"\0pysd " + pysd.__version__.encode()).hexdigest()
    with _TRANSLATE_LOCK:
        if digest in _TRANSLATED and _TRANSLATED[digest].is_file():
            return _TRANSLATED[digest]
        target = pysd_cache_dir() / digest
        py_file = target / (mdl_path.stem + ".py")
        if not py_file.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            # Translate in a private folder and rename it into place, so that a
            # concurrent process never sees a half-written translation.
            work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
            try:
                shutil.copyfile(mdl_path, work / mdl_path.name)
                try:
                    # PySD's parser eval()s the text of lookup range brackets; parse with
                    # the engine's numbers-only evaluator so a hostile .mdl cannot run code.
                    from .engine import safe_pysd_parsing

                    with warnings.catch_warnings(), safe_pysd_parsing():
                        warnings.simplefilter("ignore")
                        pysd.read_vensim(str(work / mdl_path.name), initialize=False)
                except Exception as exc:  # PySD raises many kinds of parse errors
                    from .engine.parse import describe_parse_failure

                    raise EngineError(describe_parse_failure(exc), path=mdl_path) from None
                try:
                    os.rename(work, target)
                except OSError:
                    pass  # another process won the race; its translation is identical
            finally:
                if work.exists():
                    shutil.rmtree(work, ignore_errors=True)
        _TRANSLATED[digest] = py_file
        return py_file


class PysdEngine:
    """Run a Vensim model with PySD.

    Parameters
    ----------
    mdl_path : pathlib.Path
        The Vensim ``.mdl`` file (never written to).
    """

    name = "pysd"

    def __init__(self, mdl_path: Path) -> None:
        import pysd

        self.mdl_path = Path(mdl_path)
        if not self.mdl_path.is_file():
            raise EngineError("model file not found", path=self.mdl_path)
        self.py_file = _translate(self.mdl_path)
        try:
            self._model = pysd.load(str(self.py_file))
        except Exception as exc:
            raise EngineError(f"PySD cannot load the translated model: {exc}", path=self.mdl_path) from None
        doc = self._model.doc
        # PySD keeps Vensim's quotes in 'Real Name' ("R&D intensity"); gzsim uses names without.
        self._py_names = {str(r).strip('"'): str(p) for r, p in zip(doc["Real Name"], doc["Py Name"])}
        self.variable_names = frozenset(self._py_names)
        c = self._model.components
        self.initial_time = float(c.initial_time())
        self.final_time = float(c.final_time())
        self.time_step = float(c.time_step())
        # One PySD model object is not safe to run from two threads at once (Streamlit).
        self._lock = threading.Lock()

    def _py(self, name: str) -> str:
        try:
            return self._py_names[name.strip('"')]
        except KeyError:
            raise EngineError(f"'{name}' is not a variable of the model"
                              f"{suggest(name, self._py_names)}", path=self.mdl_path) from None

    def run(self, params: Mapping[str, Param], *, return_columns: Sequence[str]) -> pd.DataFrame:
        """Simulate once from a fresh model state; see :meth:`Engine.run`."""
        py_params = {self._py(k): v for k, v in params.items()}
        py_columns = [self._py(c) for c in return_columns]
        with self._lock, warnings.catch_warnings():
            # Series inputs for constants are intended (time-path levers).
            warnings.filterwarnings("ignore", message="Replacing a constant value with a time-dependent")
            try:
                out = self._model.run(params=py_params, return_columns=py_columns, reload=True)
            except Exception as exc:
                raise EngineError(f"PySD run failed: {type(exc).__name__}: {exc}",
                                  path=self.mdl_path) from None
        out = out.copy()
        out.columns = list(return_columns)
        return out


register_engine("pysd", PysdEngine)
