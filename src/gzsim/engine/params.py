"""Parameter values: validation and normalisation.

A parameter is given by its Vensim name and one of

* a number -- the variable becomes that constant (PySD's behaviour for any
  variable, constant or not);
* a :class:`pandas.Series` indexed by time -- the variable follows the
  series, linearly interpolated and held constant outside it
  (``numpy.interp``, as PySD does); for a lookup table, the series replaces
  the table (index = x, values = y);
* a :class:`TimeSeriesParam` -- the same, with values per parameter set in
  :meth:`CompiledModel.run_batch`;
* in ``run_batch`` only, a 1-D array of length *n* -- one constant per
  parameter set.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import EngineError

__all__ = ["TimeSeriesParam", "normalise"]


@dataclass(frozen=True, eq=False)
class TimeSeriesParam:
    """A time-varying parameter for :meth:`CompiledModel.run_batch` (or ``run``).

    Parameters
    ----------
    times : array-like, shape (m,)
        Times of the points, finite; sorted on construction.
    values : array-like, shape (m,) or (n, m)
        Values at those times: one path shared by all parameter sets, or one
        row per parameter set.

    Examples
    --------
    >>> TimeSeriesParam([2020, 2025, 2030], [0.0, 1.0, 1.0])          # shared path
    >>> TimeSeriesParam([2020, 2030], np.array([[0, 1], [0, 2]]))       # two paths
    """

    times: np.ndarray
    values: np.ndarray

    def __post_init__(self):
        times = np.asarray(self.times, dtype=float)
        values = np.asarray(self.values, dtype=float)
        if times.ndim != 1 or len(times) == 0 or not np.isfinite(times).all():
            raise ValueError("TimeSeriesParam.times must be a non-empty 1-D array of finite times")
        if values.ndim not in (1, 2) or values.shape[-1] != len(times):
            raise ValueError("TimeSeriesParam.values must have shape (m,) or (n, m) where "
                             f"m = len(times) = {len(times)}; got {values.shape}")
        order = np.argsort(times, kind="stable")
        object.__setattr__(self, "times", times[order])
        object.__setattr__(self, "values", values[..., order])

    @classmethod
    def from_series(cls, series: pd.Series) -> "TimeSeriesParam":
        """Build from a :class:`pandas.Series` indexed by time."""
        try:
            times = np.asarray(series.index, dtype=float)
        except (TypeError, ValueError):
            raise ValueError("a time-series parameter needs a numeric time index") from None
        return cls(times, np.asarray(series.to_numpy(), dtype=float))

    @property
    def n(self) -> int | None:
        """Number of parameter sets, or None for a shared path."""
        return self.values.shape[0] if self.values.ndim == 2 else None


def _number(value) -> bool:
    return isinstance(value, (numbers.Real, np.bool_)) or (
        isinstance(value, np.ndarray) and value.ndim == 0)


def normalise(name: str, value, batch: bool, path=None):
    """Return ``("const", float | array)`` or ``("series", TimeSeriesParam)``.

    Raises
    ------
    EngineError
        For values of the wrong type or shape.
    """
    if batch and type(value) is np.ndarray and value.ndim == 1:  # the common case, first
        return "const", np.asarray(value, dtype=float)
    if isinstance(value, pd.Series):
        try:
            return "series", TimeSeriesParam.from_series(value)
        except ValueError as exc:
            raise EngineError(f"parameter '{name}': {exc}", path) from None
    if isinstance(value, TimeSeriesParam):
        if value.n is not None and not batch:
            raise EngineError(f"parameter '{name}': run() takes one time path; use run_batch "
                              "for one path per parameter set", path)
        return "series", value
    if _number(value):
        return "const", float(value)
    if batch and isinstance(value, (np.ndarray, list, tuple)):
        arr = np.asarray(value, dtype=float)
        if arr.ndim == 1:
            return "const", arr
    if callable(value):
        raise EngineError(f"parameter '{name}': functions as parameter values are not supported "
                          "by the fast engine; give a number or a pandas Series", path)
    shape = "a number, a 1-D array, " if batch else "a number, "
    raise EngineError(f"parameter '{name}' must be {shape}a pandas Series or a TimeSeriesParam, "
                      f"not {type(value).__name__}", path)
