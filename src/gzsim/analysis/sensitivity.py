"""What drives the outcome?  Global sensitivity of the target measures to levers and uncertainties.

Inputs
------
* every lever (or those chosen), uniform over its catalogue ``[min, max]``
  as a constant from the policy start (replacing the scenario's value or
  path); levers the scenario declares uncertain are treated as uncertainties;
* every uncertain input :meth:`gzsim.Model.draw` gives (the catalogue's
  uncertain parameters -- the calibration ensemble once calibrated -- and
  the scenario's declared uncertainties).  Sobol' and Morris need
  independent inputs, so each is sampled from its *marginal*: the empirical
  quantile function of a large seeded ``model.draw`` sample (2**14 rows).
  Correlations between parameters in a calibrated posterior are therefore
  ignored (the marginals are treated as independent); say so when
  reporting results from a calibrated ensemble.

Outputs, for each chosen target: its measure in its year (``value``) and
whether it is met (``met``, 0/1, whose mean is the probability of meeting
it), so the indices say what drives both the indicator and the chance of
reaching the target.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .._toml import suggest
from ..errors import UsageError
from ..sampling import MAX_DRAWS, check_sample_count
from ..provenance import record, targets_hash
from ..targets import Targets
from .common import check_count, check_probability, check_seed, drawn_input, met, resolve_targets, \
    select_targets, target_values
from .distributed import Execution
from .gsa import morris_analyze, morris_design, sobol_analyze, sobol_design
from .plan_period import measure_of
from .runner import BatchRunner

__all__ = ["Method", "InputSpec", "sensitivity_inputs", "sensitivity", "SENSITIVITY_COLUMNS"]

SENSITIVITY_COLUMNS = ["scenario", "method", "target", "year", "measure", "output", "input", "kind",
                       "index", "estimate", "low", "high"]
MARGINAL_DRAWS = 2**14


class Method(enum.Enum):
    SOBOL = "sobol"
    MORRIS = "morris"


@dataclass(frozen=True, eq=False)
class InputSpec:
    """One input of the sensitivity analysis and its inverse CDF.

    Attributes
    ----------
    id : str
        Lever or uncertain-parameter id.
    kind : str
        ``"lever"``, ``"uncertain"`` or ``"scenario uncertainty"``.
    vensim : str
        Vensim name (the column of ``model.draw`` for uncertainties).
    low, high : float
        Range of a lever (uniform); for uncertainties the sample's extremes.
    sample : numpy.ndarray or None
        Sorted marginal sample of an uncertainty (None for a lever).
    """

    id: str
    kind: str
    vensim: str
    low: float
    high: float
    sample: np.ndarray | None = None

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Input values at quantiles *u* in [0, 1]."""
        u = np.asarray(u, dtype=float)
        if self.sample is None:
            return self.low + u * (self.high - self.low)
        m = len(self.sample)
        return np.interp(u, (np.arange(m) + 0.5) / m, self.sample)


def sensitivity_inputs(model: Any, scenario: Any, *, levers: Sequence[str] | None = None,
                       rng: np.random.Generator, marginal_draws: int = MARGINAL_DRAWS) -> list[InputSpec]:
    """The inputs: chosen levers (uniform) then every ``model.draw`` column (marginal).

    Raises
    ------
    UsageError
        For an unknown lever id.
    """
    cat = model.catalogue
    chosen = list(cat.lever_ids) if levers is None else list(levers)
    unknown = [i for i in chosen if i not in cat.lever_ids]
    if unknown:
        raise UsageError("; ".join(f"lever '{i}' is unknown{suggest(i, cat.lever_ids)}" for i in unknown))
    draws = model.draw(scenario, marginal_draws, rng)
    drawn = set(draws.columns)
    specs = [InputSpec(lv.id, "lever", lv.vensim, lv.min, lv.max)
             for lv in cat.levers if lv.id in chosen and lv.vensim not in drawn]
    for column in draws.columns:
        sample = np.sort(draws[column].to_numpy(dtype=float))
        ident, kind = drawn_input(cat, column)
        specs.append(InputSpec(ident, kind, column, float(sample[0]), float(sample[-1]), sample))
    return specs


def _evaluate(runner: BatchRunner, sc: Any, specs: list[InputSpec], unit: np.ndarray,
              chosen: list, desc: str) -> tuple[np.ndarray, list[tuple[Any, str]]]:
    values = {s.id: s.ppf(unit[:, j]) for j, s in enumerate(specs)}
    levers = {s.id: values[s.id] for s in specs if s.kind == "lever"}
    draws = pd.DataFrame({s.vensim: values[s.id] for s in specs if s.kind != "lever"})
    ids = list(dict.fromkeys(t.id for t in chosen))
    out = runner.run(sc, n=len(unit), levers=levers, draws=draws if len(draws.columns) else None,
                     indicators=ids, desc=desc)
    columns, labels = [], []
    for t in chosen:
        v = target_values(t, out[t.id], runner.years)
        columns += [v, met(t, v).astype(float)]
        labels += [(t, "value"), (t, "met")]
    return np.column_stack(columns), labels


def sensitivity(model: Any, scenario: Any, *, method: Method | str = Method.SOBOL, samples: int | None = None,
                seed: int, target_ids: Sequence[str] | None = None, year: int | None = None,
                levers: Sequence[str] | None = None, targets: Targets | str | os.PathLike | None = None,
                confidence: float = 0.95, bootstrap: int = 200,
                execution: Execution | None = None) -> pd.DataFrame:
    """Sobol' indices (S1, ST) or Morris statistics (mu*, mu, sigma) with confidence intervals.

    Parameters
    ----------
    model : gzsim.Model
    scenario : ResolvedScenario
        Gives the targets, the levers not varied and the declared uncertainties.
    method : Method or {"sobol", "morris"}
    samples : int, optional
        Sobol': base sample size N, a power of 2 (runs = N (d + 2); default
        1024).  Morris: number of trajectories r (runs = r (d + 1); default 100).
    seed : int
    target_ids : sequence of str, optional
        Targets to analyse (default all of the scenario's targets).
    year : int, optional
        Replaces the targets' year.
    levers : sequence of str, optional
        Levers to vary (default all); the others keep the scenario's values.
    targets : Targets or path, optional
        Default: the scenario's targets.
    confidence : float
        Level of the bootstrap intervals.
    bootstrap : int
        Bootstrap resamples.
    execution : Execution, optional

    Returns
    -------
    pandas.DataFrame
        Tidy: :data:`SENSITIVITY_COLUMNS`, one row per target, output
        (``value`` or ``met``), input and index (``S1``/``ST`` or
        ``mu_star``/``mu``/``sigma``; ``low``/``high`` are NaN for mu and
        sigma).  Indices of an output that does not vary (e.g. a target met in
        every run) are NaN.
    """
    method = Method(method) if not isinstance(method, Method) else method
    seed = check_seed(seed)
    confidence = check_probability(confidence, "confidence")
    if confidence >= 1:
        raise UsageError("confidence must be below 1")
    bootstrap = check_count(bootstrap, "bootstrap", minimum=0)
    default = 1024 if method is Method.SOBOL else 100
    samples = check_count(default if samples is None else samples, "samples",
                          minimum=2 if method is Method.SOBOL else 2)
    if method is Method.SOBOL and samples & (samples - 1):
        raise UsageError(f"Sobol' samples must be a power of 2 (e.g. 1024), got {samples}")
    chosen = select_targets(resolve_targets(scenario, targets, model.catalogue), ids=target_ids,
                            year=year, years=model.years)
    runner = BatchRunner(model, execution)
    r_inputs, r_design, r_boot = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3))
    specs = sensitivity_inputs(model, scenario, levers=levers, rng=r_inputs)
    d = len(specs)
    # The design is allocated next: refuse a size beyond memory first (N (d + 2) or r (d + 1) runs).
    check_sample_count(samples, name="samples", limit=MAX_DRAWS,
                       runs_each=d + 2 if method is Method.SOBOL else d + 1)
    if method is Method.SOBOL:
        unit = sobol_design(d, samples, r_design)
    else:
        unit = morris_design(d, samples, r_design)
    y, labels = _evaluate(runner, scenario, specs, unit, chosen, f"{method.value} {scenario.name}")
    finite = np.isfinite(y).all(axis=0)
    y_fin = np.where(np.isfinite(y), y, 0.0)
    rows = []
    if method is Method.SOBOL:
        res = sobol_analyze(y_fin, n=samples, d=d, rng=r_boot, n_boot=bootstrap, confidence=confidence)
        stats = [("S1", res.S1, res.S1_low, res.S1_high), ("ST", res.ST, res.ST_low, res.ST_high)]
    else:
        res = morris_analyze(unit, y_fin, r=samples, d=d, rng=r_boot, n_boot=bootstrap, confidence=confidence)
        nan = np.full_like(res.mu, np.nan)
        stats = [("mu_star", res.mu_star, res.mu_star_low, res.mu_star_high),
                 ("mu", res.mu, nan, nan), ("sigma", res.sigma, nan, nan)]
    for k, (t, output) in enumerate(labels):
        for j, spec in enumerate(specs):
            for name, est, low, high in stats:
                ok = finite[k]
                rows.append({"scenario": scenario.name, "method": method.value, "target": t.id,
                             "year": t.year, "measure": measure_of(t).value, "output": output,
                             "input": spec.id, "kind": spec.kind, "index": name,
                             "estimate": float(est[k, j]) if ok else np.nan,
                             "low": float(low[k, j]) if ok else np.nan,
                             "high": float(high[k, j]) if ok else np.nan})
    table = pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)
    table.attrs = record(model, [scenario], analysis="sensitivity", method=method.value, seed=seed,
                             samples=samples, runs=int(len(unit)), inputs=d, input_ids=[s.id for s in specs],
                             targets=[t.id for t in chosen],
                             targets_sha256=targets_hash(chosen), confidence=confidence,
                             bootstrap=bootstrap, marginal_draws=MARGINAL_DRAWS,
                             note="inputs independent: uncertain parameters sampled from the marginals "
                                  "of model.draw; levers uniform over [min, max]")
    return table
