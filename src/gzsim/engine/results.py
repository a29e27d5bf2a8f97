"""The DataFrame of :meth:`CompiledModel.run`, assembled from a runner's outputs.

A run's outputs come in two parts: the *dynamic* ones, one column per saved time, and the
*static* ones (constants, INITIAL...), one value for the run.  Where each requested column comes
from, and the row and column indexes, depend only on the request and the time grid, so they are
worked out once and kept (a run of a compiled plan takes less time than building them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["StaticRows", "FrameShapes"]


class StaticRows(dict):
    """Static outputs of a compiled run: node -> values, with all of them as one array."""

    def __init__(self, ids, rows: np.ndarray):
        super().__init__(zip(ids, rows))
        self.ids, self.rows = list(ids), rows


class FrameShapes:
    """Layouts and indexes of run() results, kept for up to *limit* requests and grids."""

    def __init__(self, limit: int):
        self._limit = limit
        self._kept: dict = {}

    def _get(self, key, make):
        value = self._kept.get(key)
        if value is None:
            if len(self._kept) >= self._limit:
                self._kept.clear()
            value = self._kept[key] = make()
        return value

    def _layout(self, outputs: tuple, dynamic: tuple, ids: tuple) -> tuple:
        """(moving columns, their sources among the dynamic outputs, static columns, their rows
        in a compiled run's static array)."""
        def make():
            where = {i: j for j, i in enumerate(dynamic)}
            row = {i: r for r, i in enumerate(ids)}
            moving = [j for j, i in enumerate(outputs) if i in where]
            fixed = [j for j, i in enumerate(outputs) if i not in where]
            return (moving, [where[outputs[j]] for j in moving], fixed,
                    [row[outputs[j]] for j in fixed] if ids else [])
        return self._get(("layout", outputs, dynamic, ids), make)

    def frame(self, outputs, labels, dynamic, out: np.ndarray, statics, saved: np.ndarray):
        """The result table: *out* ``(times, dynamic outputs)``, *statics* node -> value."""
        outputs, dynamic = tuple(outputs), tuple(dynamic)
        ids = tuple(statics.ids) if isinstance(statics, StaticRows) else ()
        moving, source, fixed, rows = self._layout(outputs, dynamic, ids)
        data = np.empty((len(saved), len(outputs)))
        if moving:
            data[:, moving] = out[:, source]
        if ids and fixed:
            data[:, fixed] = statics.rows[rows, 0]
        else:
            for j in fixed:
                data[:, j] = np.asarray(statics[outputs[j]], dtype=float).ravel()
        index = self._get(("time", saved.tobytes()), lambda: pd.Index(saved, name="time"))
        columns = self._get(("columns", tuple(labels)), lambda: pd.Index(list(labels)))
        # shallow copies: a caller renaming one result's axis must not rename the next result's
        return pd.DataFrame(data, index=index.copy(), columns=columns.copy())
