"""Batch runs for the analyses: scenario + per-run levers + draws -> yearly outputs.

Like :meth:`gzsim.Model.run_batch`, plus what the analyses need besides:

* any model variable as an output, not only indicators (the levers' ``cost``
  variables, 亿元/year), addressed by its Vensim name;
* a lever may vary as a constant per run (array of shape (n,)) or as a time
  path per run (array of shape (n, len(model.times)) on the model's time grid);
* the runs are split into chunks and may go to a Dask cluster
  (:mod:`gzsim.analysis.distributed`).

It builds the engine inputs from :meth:`gzsim.Model.inputs` and calls the
engine's ``run_batch`` directly; the engine must have one (the fast engine).
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from .._toml import suggest
from .. import discrepancy
from ..catalogue import vensim_key
from ..errors import CatalogueError, UsageError
from .distributed import Execution, ModelSpec, evaluate

__all__ = ["BatchRunner"]


class BatchRunner:
    """Vectorised runs of one model for the analysis functions.

    Parameters
    ----------
    model : gzsim.Model
        Its engine must have ``run_batch`` (``engine="fast"``).
    execution : Execution, optional
        Local (default) or Dask; chunk size; progress bars.

    Raises
    ------
    UsageError
        For an engine without batch runs.
    """

    def __init__(self, model: Any, execution: Execution | None = None) -> None:
        if not hasattr(model.engine, "run_batch"):
            raise UsageError(f"the analysis commands need an engine with batch runs; "
                             f"'{model.engine.name}' has none (use --engine fast)")
        self.model = model
        self.execution = execution or Execution()
        self._by_key = {vensim_key(v): v.strip().strip('"') for v in model.engine.variable_names}
        times = np.asarray(model.engine.output_times(), dtype=float)
        years = np.asarray(model.years, dtype=float)
        pos = np.minimum(np.searchsorted(times, years - 1e-6), len(times) - 1)
        if np.any(np.abs(times[pos] - years) > 1e-6):
            raise UsageError("the model output has no value at every year; make SAVEPER divide 1 year")
        self.positions = pos
        self.years = np.asarray(model.years, dtype=np.int64)
        self._spec: ModelSpec | None = None

    # ------------------------------------------------------------------ names

    def spelled(self, vensim: str, *, what: str = "variable") -> str:
        """The model's spelling of a Vensim name.

        Raises
        ------
        CatalogueError
            When the model has no such variable.
        """
        key = vensim_key(vensim)
        if key not in self._by_key:
            raise CatalogueError(f"{what} '{vensim}' is not a variable of "
                                 f"{self.model.catalogue.model_file.name}"
                                 f"{suggest(key, list(self._by_key))}", path=self.model.catalogue.path)
        return self._by_key[key]

    def _spec_for_workers(self) -> ModelSpec:
        if self._spec is None:
            self._spec = ModelSpec.from_file(self.model.catalogue.model_file, self.model.engine.name)
        return self._spec

    # ------------------------------------------------------------------ inputs

    def params(self, scenario: Any, *, n: int, levers: Mapping[str, np.ndarray] | None = None,
               draws: pd.DataFrame | None = None) -> dict[str, Any]:
        """Engine inputs for *n* runs of *scenario*.

        Parameters
        ----------
        scenario : ResolvedScenario
        n : int
        levers : mapping, optional
            Lever id -> array (n,) of constants or (n, len(model.times)) of
            paths on ``model.times``; range-checked.
        draws : pandas.DataFrame, optional
            Vensim-name columns, n rows (e.g. from :meth:`gzsim.Model.draw`);
            a drawn lever wins over *levers*.
        """
        from ..engine import TimeSeriesParam

        cat = self.model.catalogue
        params: dict[str, Any] = dict(self.model.inputs(scenario))
        for lever_id, raw in (levers or {}).items():
            if lever_id not in cat.lever_ids:
                raise UsageError(f"lever '{lever_id}' is unknown{suggest(lever_id, cat.lever_ids)}")
            lever = cat.lever(lever_id)
            values = np.asarray(raw, dtype=float)
            shape_ok = (values.ndim == 1 and len(values) == n) or \
                (values.ndim == 2 and values.shape == (n, len(self.model.times)))
            if not shape_ok:
                raise UsageError(f"lever '{lever_id}': expected {n} values or {n} paths on the "
                                 f"model's time grid, got shape {values.shape}")
            if not np.all(np.isfinite(values)) or np.any(values < lever.min) or np.any(values > lever.max):
                raise UsageError(f"lever '{lever_id}': values must be finite and within "
                                 f"[{lever.min:g}, {lever.max:g}]")
            name = self.spelled(lever.vensim, what=f"lever '{lever_id}'")
            params[name] = values if values.ndim == 1 else TimeSeriesParam(self.model.times, values)
        inputs, _ = discrepancy.split(draws)
        if inputs is not None:
            if len(inputs) != n:
                raise UsageError(f"draws have {len(inputs)} rows for {n} runs")
            for column in inputs.columns:
                params[self.spelled(column)] = inputs[column].to_numpy(dtype=float)
        return params

    # ------------------------------------------------------------------ running

    def run(self, scenario: Any, *, n: int | None = None, levers: Mapping[str, np.ndarray] | None = None,
            draws: pd.DataFrame | None = None, indicators: Iterable[str] = (),
            variables: Iterable[str] = (), desc: str = "runs") -> dict[str, np.ndarray]:
        """Run *n* variants of *scenario*; return outputs per run and year.

        Parameters
        ----------
        scenario : ResolvedScenario
        n : int, optional
            Inferred from *levers* or *draws* when omitted.
        levers, draws
            See :meth:`params`.
        indicators : iterable of str
            Indicator ids to return.
        variables : iterable of str
            Other model variables to return, by Vensim name (e.g. cost variables).
        desc : str
            Progress-bar label.

        Returns
        -------
        dict of str -> numpy.ndarray, shape (n, len(model.years))
            Keyed by indicator id and by the Vensim names as given.
        """
        sizes = {len(np.asarray(v)) for v in (levers or {}).values()}
        if draws is not None:
            sizes.add(len(draws))
        if n is not None:
            sizes.add(n)
        if len(sizes) != 1:
            raise UsageError(f"one run count is needed; got sizes {sorted(sizes) or 'none'}")
        count = sizes.pop()
        cat = self.model.catalogue
        indicators = list(indicators)
        wanted: dict[str, str] = {}
        for ind in indicators:
            if ind not in cat.indicator_ids:
                raise UsageError(f"indicator '{ind}' is unknown{suggest(ind, cat.indicator_ids)}")
            wanted[ind] = self.spelled(cat.indicator(ind).vensim)
        for var in variables:
            wanted[var] = self.spelled(var)
        columns = list(dict.fromkeys(wanted.values()))
        params = self.params(scenario, n=count, levers=levers, draws=draws)
        out = evaluate(self.model.engine, self._spec_for_workers() if self.execution.distributed else None,
                       params, n=count, columns=columns, positions=self.positions,
                       execution=self.execution, desc=desc)
        values = {key: out[col] for key, col in wanted.items()}
        # the model-discrepancy term on the indicators (not on cost variables)
        indicator_values = self.model.with_discrepancy({k: values[k] for k in indicators}, draws)
        return {**values, **indicator_values}
