"""The Model: a catalogue plus an engine; runs scenarios into tidy results.

Results are a tidy ``pandas.DataFrame`` with columns exactly
``scenario, sample, year, indicator, value``: one row per scenario, sample
(0 = deterministic run, 1..N = Monte-Carlo draws), integer year from
INITIAL TIME to FINAL TIME, and catalogue indicator.  Provenance (seed,
scenario hashes, engine, model file hash) is kept in ``DataFrame.attrs``.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import secrets
from typing import TYPE_CHECKING, Iterable, Mapping

import numpy as np
import pandas as pd

from . import discrepancy
from .catalogue import Catalogue, vensim_key
from .control import check_controls
from .simulators import Engine, Param, time_grid
from .errors import CatalogueError, EngineError, UsageError
from .sampling import MAX_DRAWS, check_run_size, check_sample_count, draw_parameters
from .scenario import ResolvedScenario, load_scenario, require_distinct_names
from .simulation import COLUMNS, Simulation
from .timepaths import LeverValue, values_at

if TYPE_CHECKING:  # pragma: no cover
    from .calibration import Calibration

__all__ = ["Model"]

ScenarioLike = ResolvedScenario | str | os.PathLike




class Model:
    """A lever catalogue bound to an engine running its Vensim model.

    Parameters
    ----------
    catalogue : Catalogue
    engine : Engine
        Any object following :class:`gzsim.simulators.Engine`.
    calibration : gzsim.calibration.Calibration, optional
        Fitted parameters: every run starts from its fixed overrides and the
        ensemble's central member, and Monte-Carlo samples draw from its
        ensemble (see :meth:`draw`).  None runs the model's own values.

    Raises
    ------
    CatalogueError
        When a catalogue ``vensim`` name is not a model variable, or
        ``policy_start`` is after the model's FINAL TIME.
    """

    def __init__(self, catalogue: Catalogue, engine: Engine, *, calibration: "Calibration | None" = None) -> None:
        self.catalogue = catalogue
        self.engine = engine
        self.calibration = calibration
        # Catalogue name -> the model's own spelling, which is what the engine takes.
        self._spelled = catalogue.check_names(engine.variable_names, model_label=catalogue.model_file.name)
        # From the control values alone, before the grid and the years are built as arrays.
        check_controls(engine.initial_time, engine.final_time, engine.time_step,
                       getattr(engine, "saveper", None), catalogue.model_file)
        if catalogue.policy_start > engine.final_time:
            raise CatalogueError(f"[model]: policy_start {catalogue.policy_start} is after the model's "
                                 f"FINAL TIME {engine.final_time:g}, so no lever would act",
                                 path=catalogue.path)
        self.times = time_grid(engine)
        first = math.ceil(engine.initial_time - 1e-9)
        self.years = np.arange(first, math.floor(engine.final_time + 1e-9) + 1)
        self.model_sha256 = hashlib.sha256(catalogue.model_file.read_bytes()).hexdigest()
        self._by_key = {vensim_key(n): n.strip().strip('"') for n in engine.variable_names}
        self._base = self._calibrated_inputs()
        #: The calibration id (:func:`gzsim.calibration.store.calibration_id`; None when uncalibrated).
        from .calibration.store import calibration_id

        self.calibration_id = None if calibration is None else calibration_id(calibration.path)

    def _calibrated_inputs(self) -> dict[str, Param]:
        """Engine inputs every run starts from: the calibration's fixed overrides and central set.

        The central member (nearest every marginal median of the ensemble) rather than the
        maximum a posteriori: the latter sits at the bounds of parameters the data do not pin,
        so its paths can fall outside the ensemble's own band.
        """
        if self.calibration is None:
            return {}
        from .calibration import CalibrationError

        base = {**self.calibration.fixed, **self.calibration.central}
        unknown = [k for k in base if vensim_key(k) not in self._by_key]
        if unknown:
            raise CalibrationError(f"parameters {', '.join(unknown)} are not variables of "
                                   f"{self.catalogue.model_file.name}; re-run gzsim calibrate",
                                   path=self.calibration.path / "calibration.json")
        return {self._by_key[vensim_key(k)]: v for k, v in base.items()}

    def __repr__(self) -> str:
        return (f"<gzsim.Model {self.catalogue.model_file.name} engine={self.engine.name} "
                f"levers={len(self.catalogue.levers)} indicators={len(self.catalogue.indicators)}>")

    @functools.cached_property
    def catalogue_sha256(self) -> str:
        """sha256 of the catalogue file, for provenance (its priors drive the Monte-Carlo draws)."""
        return hashlib.sha256(self.catalogue.path.read_bytes()).hexdigest()

    # ------------------------------------------------------------------ scenarios

    def load_scenario(self, path: str | os.PathLike[str]) -> ResolvedScenario:
        """Load and validate a scenario against this model's catalogue."""
        return load_scenario(path, catalogue=self)  # a Model: time paths are checked against its period too

    def _scenario(self, scenario: ScenarioLike) -> ResolvedScenario:
        if not isinstance(scenario, ResolvedScenario):
            return self.load_scenario(scenario)
        if set(scenario.levers) != set(self.catalogue.lever_ids):
            raise UsageError(f"scenario '{scenario.name}' was resolved against another catalogue; "
                             f"load it with model.load_scenario()", path=scenario.path)
        return scenario

    # ------------------------------------------------------------------ inputs

    def _lever_input(self, value: LeverValue) -> Param:
        """Engine input for one lever over the whole run.

        The model itself switches levers on at its policy start and follows
        history before it, so values before ``policy_start`` are passed as
        given and simply not used by the model.
        """
        if isinstance(value, float):
            return value
        vals = values_at(value, self.times)
        if np.all(vals == vals[0]):
            return float(vals[0])
        return pd.Series(vals, index=pd.Index(self.times, name="time"))

    def inputs(self, scenario: ScenarioLike, draws: Mapping[str, float] | None = None) -> dict[str, Param]:
        """The parameters given to the engine for one run.

        Parameters
        ----------
        scenario : ResolvedScenario or path-like
        draws : mapping, optional
            Vensim name -> drawn value (one row of :func:`~gzsim.sampling.draw_parameters`).
            A drawn lever or uncertain parameter is a constant for the whole run,
            replacing the scenario's value (constant or time path).

        Returns
        -------
        dict
            Model-spelled Vensim name -> float or pandas.Series on the time grid.
        """
        sc = self._scenario(scenario)
        # the model-discrepancy columns of a draw are not inputs: with_discrepancy adds them to
        # the indicators after the run
        draws = {k: v for k, v in dict(draws or {}).items() if not str(k).startswith(discrepancy.PREFIX)}
        params: dict[str, Param] = dict(self._base)
        for lever in self.catalogue.levers:
            value = float(draws.pop(lever.vensim)) if lever.vensim in draws else sc.levers[lever.id]
            params[self._spelled[lever.vensim]] = self._lever_input(value)
        for u in self.catalogue.uncertain:
            if u.vensim in draws:
                params[self._spelled[u.vensim]] = float(draws.pop(u.vensim))
        for name in [n for n in draws if self.calibration is not None and n in self.calibration.posterior]:
            params[self._base_name(name)] = float(draws.pop(name))
        if draws:
            raise UsageError(f"draws for unknown parameters: {', '.join(sorted(draws))}")
        return params

    def _base_name(self, name: str) -> str:
        """The engine's spelling of a calibrated parameter."""
        return self._by_key[vensim_key(name)]

    # ------------------------------------------------------------------ running

    def _year_positions(self, times: np.ndarray) -> np.ndarray:
        """Index of each integer year in the engine's output times."""
        pos = np.minimum(np.searchsorted(times, self.years - 1e-6), len(times) - 1)
        missing = np.abs(times[pos] - self.years) > 1e-6
        if missing.any():
            raise EngineError(f"the model output has no value at year {int(self.years[missing][0])}; "
                              f"make SAVEPER divide 1 year", path=self.catalogue.model_file)
        return pos

    def _engine_error(self, sc: ResolvedScenario, what: str, exc: EngineError) -> EngineError:
        return EngineError(f"scenario '{sc.name}', {what}: {exc.message}", path=exc.path)

    def _run_one_by_one(self, sc: ResolvedScenario, draws: pd.DataFrame,
                        chosen: list) -> dict[str, np.ndarray]:
        """Engines without ``run_batch`` (PySD): one run per row of *draws*."""
        columns = list(dict.fromkeys(self._spelled[i.vensim] for i in chosen))
        rows = []
        inputs, _ = discrepancy.split(draws)
        for sample, row in inputs.iterrows():
            try:
                out = self.engine.run(self.inputs(sc, row.to_dict()), return_columns=columns)
            except EngineError as exc:
                raise self._engine_error(sc, f"sample {sample}", exc) from None
            pos = self._year_positions(out.index.to_numpy(dtype=float))
            rows.append({i.id: out[self._spelled[i.vensim]].to_numpy(dtype=float)[pos] for i in chosen})
        values = {i.id: np.array([r[i.id] for r in rows]).reshape(len(rows), len(self.years)) for i in chosen}
        return self.with_discrepancy(values, draws)

    def draw(self, scenario: ScenarioLike, n: int, rng: np.random.Generator) -> pd.DataFrame:
        """Draw *n* sets of the uncertain inputs (Vensim-name columns, index 1..n).

        The one place Monte-Carlo inputs come from.  With a calibration: rows of
        its ensemble for the fitted parameters, priors only for the catalogue's
        uncertain parameters that act after the data (``history_neutral``; the
        others stay at the values the fit was made with, since drawing them would
        undo the fit), then the scenario's declared uncertainties.  Without
        one: every catalogue uncertain parameter from its prior.  The ensemble and
        the catalogue come first, so scenarios run with one seed share those draws.

        Raises
        ------
        UsageError
            *n* is not a whole number, or more than :data:`gzsim.sampling.MAX_DRAWS`
            (refused before anything is allocated).
        """
        n = check_sample_count(n, name="samples", limit=MAX_DRAWS)
        sc = self._scenario(scenario)
        if self.calibration is None:
            return draw_parameters(self.catalogue, sc, n, rng)
        from .calibration import draw_posterior

        posterior = draw_posterior(self.calibration, n, rng)
        others = draw_parameters(self.catalogue, sc, n, rng, only=self.calibration.history_neutral)
        # drawn last, so that the draws before it are those of a calibration without the term
        errors = discrepancy.draw_z(self.calibration.discrepancy, n, rng)
        return pd.concat([posterior, others, errors], axis=1)

    def with_discrepancy(self, values: dict[str, np.ndarray], draws: pd.DataFrame | None) -> dict[str, np.ndarray]:
        """Indicator paths (id -> ``(n, len(years))``) with the calibration's discrepancy term
        added from the ``discrepancy:`` columns of *draws* (see :mod:`gzsim.discrepancy`)."""
        _, z = discrepancy.split(draws)
        spec = None if self.calibration is None else self.calibration.discrepancy
        units = {i.id: i.unit for i in self.catalogue.indicators}
        return discrepancy.apply(values, self.years, z, spec, units)

    def run_batch(self, scenario: ScenarioLike, *, levers: Mapping[str, np.ndarray] | None = None,
                  draws: pd.DataFrame | None = None, n: int | None = None,
                  indicators: Iterable[str] | None = None) -> dict[str, np.ndarray]:
        """Run *n* variants of a scenario in one vectorised pass.

        Parameters
        ----------
        scenario : ResolvedScenario or path-like
            Gives every lever not in *levers*.
        levers : mapping, optional
            Lever id -> array of shape (n,): a constant per run, replacing the
            scenario's value (range-checked against the catalogue).
        draws : pandas.DataFrame, optional
            Uncertain inputs per run (Vensim-name columns, n rows), e.g. from
            :meth:`draw`.  A lever drawn here wins over *levers*.
        n : int, optional
            Number of runs when neither *levers* nor *draws* gives it.
        indicators : iterable of str, optional
            Indicator ids to return (default all).

        Returns
        -------
        dict of str -> numpy.ndarray, shape (n, n_years)
            Indicator id -> values at :attr:`years`.
        """
        sc = self._scenario(scenario)
        levers = {k: np.asarray(v, dtype=float) for k, v in (levers or {}).items()}
        sizes = {len(v) for v in levers.values()} | ({len(draws)} if draws is not None else set())
        if n is not None:
            sizes.add(n)
        if len(sizes) != 1:
            raise UsageError(f"run_batch needs one run count; got sizes {sorted(sizes) or 'none'}")
        count = sizes.pop()
        params: dict[str, object] = dict(self.inputs(sc))
        for lever_id, values in levers.items():
            lever = self.catalogue.lever(lever_id)
            if values.ndim != 1 or not np.all(np.isfinite(values)) or \
                    np.any(values < lever.min) or np.any(values > lever.max):
                raise UsageError(f"lever '{lever_id}': values must be finite and within "
                                 f"[{lever.min:g}, {lever.max:g}]")
            params[self._spelled[lever.vensim]] = values
        inputs, _ = discrepancy.split(draws)
        for name in ([] if inputs is None else inputs.columns):
            params[self._spelled.get(name) or self._base_name(name)] = inputs[name].to_numpy(dtype=float)
        chosen = [self.catalogue.indicator(i) for i in indicators] if indicators is not None \
            else list(self.catalogue.indicators)
        columns = list(dict.fromkeys(self._spelled[i.vensim] for i in chosen))
        try:
            out = self.engine.run_batch(params, return_columns=columns, n=count)
        except EngineError as exc:
            raise self._engine_error(sc, f"batch of {count}", exc) from None
        pos = self._year_positions(np.asarray(self.engine.output_times(), dtype=float))
        values = {i.id: np.asarray(out[self._spelled[i.vensim]])[:, pos] for i in chosen}
        return self.with_discrepancy(values, draws)

    def simulate(self, scenario: ScenarioLike, *, samples: int = 0, seed: int | None = None,
                 indicators: Iterable[str] | None = None) -> "Simulation":
        """Run one scenario and return the indicator values as arrays.

        The array form is what analysis code wants; :meth:`run` turns it into
        the tidy frame.

        Parameters
        ----------
        scenario : ResolvedScenario or path-like
        samples : int
            Monte-Carlo samples besides the deterministic run (row 0).
        seed : int, optional
            Seed for ``numpy.random.default_rng``; required when *samples* > 0.
        indicators : iterable of str, optional
            Indicator ids to keep (default all).

        Returns
        -------
        Simulation

        Raises
        ------
        UsageError
            *samples* not a whole number or above :data:`gzsim.sampling.MAX_SAMPLES`;
            *seed* missing (with samples) or not a whole number.
        """
        samples = check_sample_count(samples)
        if seed is not None and not _whole(seed):
            raise UsageError(f"seed must be a whole number >= 0, got {seed!r}")
        sc = self._scenario(scenario)
        if samples and seed is None:
            raise UsageError("a seed is needed for Monte-Carlo samples")
        chosen = [self.catalogue.indicator(i) for i in indicators] if indicators is not None \
            else list(self.catalogue.indicators)
        ids = [i.id for i in chosen]
        draws = self.draw(sc, samples, np.random.default_rng(seed))
        deterministic = pd.DataFrame(index=pd.RangeIndex(0, 1, name="sample"))
        if hasattr(self.engine, "run_batch"):
            parts = [self.run_batch(sc, n=1, indicators=ids)]
            if samples:
                parts.append(self.run_batch(sc, draws=draws, indicators=ids))
        else:
            parts = [self._run_one_by_one(sc, frame, chosen) for frame in (deterministic, draws) if len(frame)]
        values = {i: np.concatenate([p[i] for p in parts]) for i in ids}
        return Simulation(
            scenario=sc.name,
            years=self.years.astype(np.int64),
            values=values,
            draws=draws,
        )

    def check_run_size(self, scenarios: int, samples: int, *, name: str = "samples") -> None:
        """Refuse a run of *scenarios* x *samples* keeping too many values (:func:`gzsim.sampling.check_run_size`)."""
        check_run_size(scenarios, samples, len(self.catalogue.indicators), len(self.years), name=name)

    def run(self, scenario: ScenarioLike, *, samples: int = 0, seed: int | None = None) -> pd.DataFrame:
        """Run one scenario.

        Parameters
        ----------
        scenario : ResolvedScenario or path-like
        samples : int
            Number of Monte-Carlo samples besides the deterministic run.
        seed : int, optional
            Seed for ``numpy.random.default_rng``; None draws a fresh seed,
            recorded in ``result.attrs["seed"]``.

        Returns
        -------
        pandas.DataFrame
            Columns ``scenario, sample, year, indicator, value``.
        """
        return self.run_many([scenario], samples=samples, seed=seed)

    def run_many(self, scenarios: Iterable[ScenarioLike], *, samples: int = 0,
                 seed: int | None = None) -> pd.DataFrame:
        """Run several scenarios into one tidy frame.

        Every scenario uses a generator seeded with the same *seed*, so the
        catalogue's uncertain parameters get the same draws in each scenario
        (differences between scenarios are then not sampling noise).

        Raises
        ------
        UsageError
            Bad *samples*/*seed*, or two scenarios with the same name.
        """
        samples = check_sample_count(samples)  # before any run: the limit is about memory
        if seed is not None and not _whole(seed):
            raise UsageError(f"seed must be a whole number >= 0, got {seed!r}")
        scenarios = list(scenarios)
        self.check_run_size(len(scenarios), samples)  # the whole command's memory, not one scenario's
        resolved = [self._scenario(s) for s in scenarios]
        require_distinct_names(resolved)
        if samples and seed is None:
            seed = secrets.randbelow(2**32)
        frames = [self.simulate(sc, samples=int(samples), seed=seed).tidy() for sc in resolved]
        result = pd.concat(frames, ignore_index=True)[COLUMNS]
        from .provenance import record

        result.attrs = record(self, resolved, seed=None if not samples else int(seed),  # type: ignore[arg-type]
                              samples=int(samples), analysis="run")
        return result


def _whole(value: object) -> bool:
    """True for an int >= 0 that is not a bool."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value >= 0
