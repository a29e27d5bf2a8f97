"""The fast engine behind gzsim's :class:`gzsim.simulators.Engine` protocol."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

import pandas as pd

from .errors import UnknownParameterError, UnknownVariableError

__all__ = ["FastEngine"]


class FastEngine:
    """Run a Vensim model with the compiled engine (``engine="fast"``).

    Parameters
    ----------
    mdl_path : path-like
        The Vensim ``.mdl`` file (only read).

    Attributes
    ----------
    name : str
        ``"fast"``.
    variable_names : frozenset of str
        Every variable, spelled as in the ``.mdl`` without quotes.
    initial_time, final_time, time_step : float
        The model's control settings.
    compiled : CompiledModel
        The compiled model, for batch runs (:meth:`CompiledModel.run_batch`).
    """

    name = "fast"

    def __init__(self, mdl_path: str | Path) -> None:
        from . import compile_model

        self.mdl_path = Path(mdl_path)
        self.compiled = compile_model(self.mdl_path)
        self.variable_names = frozenset(n.strip('"') for n in self.compiled.variable_names)
        self.initial_time = self.compiled.initial_time
        self.final_time = self.compiled.final_time
        self.time_step = self.compiled.time_step

    def run(self, params: Mapping[str, float | pd.Series], *,
            return_columns: Sequence[str]) -> pd.DataFrame:
        """Simulate once from the initial state; see ``gzsim.simulators.Engine.run``.

        Raises
        ------
        UnknownParameterError, UnknownVariableError
            For names that are not variables of the model (both are
            :class:`gzsim.errors.EngineError`).
        """
        return self.compiled.run(dict(params), list(return_columns))

    def run_batch(self, params, return_columns=None, **kwargs):
        """Many parameter sets at once; see :meth:`CompiledModel.run_batch`."""
        return self.compiled.run_batch(params, return_columns, **kwargs)

    def output_times(self):
        """The times of :meth:`run_batch`'s columns."""
        return self.compiled.output_times()


# re-exported for callers that catch them from here
__all__ += ["UnknownParameterError", "UnknownVariableError"]
