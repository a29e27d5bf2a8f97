"""Under which conditions?  Scenario discovery with PRIM over levers and uncertainties.

An ensemble of runs: the chosen levers sampled uniformly (Latin hypercube)
over their catalogue ``[min, max]`` as constants from the policy start, the
uncertainties from :meth:`gzsim.Model.draw` (jointly, so a calibrated
ensemble keeps its correlations here).  A run is a *case of interest* when it
meets all chosen targets (default: the headline targets).  PRIM
(:mod:`gzsim.analysis.prim`) then finds the boxes -- a few input ranges --
where meeting the targets is most likely.
"""

from __future__ import annotations

import os
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .._toml import suggest
from ..errors import UsageError
from ..provenance import record, targets_hash
from ..targets import Targets
from .common import check_count, check_probability, check_seed, drawn_input, met, resolve_targets, \
    select_targets, target_values
from .distributed import Execution
from .prim import prim
from .runner import BatchRunner

__all__ = ["discover", "DISCOVER_COLUMNS"]

DISCOVER_COLUMNS = ["scenario", "box", "coverage", "density", "mass", "n_restricted", "input", "kind",
                    "lower", "upper", "data_min", "data_max", "restricted"]


def discover(model: Any, scenario: Any, *, samples: int = 5000, seed: int,
             target_ids: Sequence[str] | None = None, year: int | None = None,
             levers: Sequence[str] | None = None, targets: Targets | str | os.PathLike | None = None,
             alpha: float = 0.05, min_mass: float = 0.05, min_coverage: float = 0.5, n_boxes: int = 1,
             execution: Execution | None = None) -> pd.DataFrame:
    """PRIM boxes for meeting the chosen targets jointly.

    Parameters
    ----------
    model : gzsim.Model
    scenario : ResolvedScenario
    samples : int
        Runs in the ensemble.
    seed : int
    target_ids : sequence of str, optional
        Targets to meet jointly (default the headline targets).
    year : int, optional
        Replaces the targets' year.
    levers : sequence of str, optional
        Levers to vary (default every lever the scenario does not draw).
    targets : Targets or path, optional
    alpha, min_mass, min_coverage, n_boxes
        PRIM settings, see :func:`gzsim.analysis.prim.prim`.
    execution : Execution, optional

    Returns
    -------
    pandas.DataFrame
        :data:`DISCOVER_COLUMNS`: one row per box and restricted input
        (a box restricting nothing gets one row with an empty ``input``).
        ``attrs["base_density"]`` is the share of runs meeting the targets,
        ``attrs["trajectory"]`` the first box's peeling trajectory (records).
    """
    samples = check_count(samples, "samples", minimum=10)
    seed = check_seed(seed)
    n_boxes = check_count(n_boxes, "boxes", minimum=1)
    for value, name in ((alpha, "alpha"), (min_mass, "min mass"), (min_coverage, "min coverage")):
        check_probability(value, name)
    cat = model.catalogue
    chosen = select_targets(resolve_targets(scenario, targets, cat), ids=target_ids, year=year,
                            years=model.years, headline_default=True)
    r_draw, r_lhs = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    draws = model.draw(scenario, samples, r_draw)
    drawn = set(draws.columns)
    ids = [lv.id for lv in cat.levers if lv.vensim not in drawn] if levers is None else list(levers)
    problems = [f"lever '{i}' is unknown{suggest(i, cat.lever_ids)}" for i in ids if i not in cat.lever_ids]
    problems += [f"lever '{i}' is drawn in scenario '{scenario.name}'; it is already an uncertainty"
                 for i in ids if i in cat.lever_ids and cat.lever(i).vensim in drawn]
    if problems:
        raise UsageError("; ".join(problems))
    lvs = [cat.lever(i) for i in ids]
    from scipy.stats import qmc  # scipy.stats/optimize load slowly: only when used
    unit = qmc.LatinHypercube(d=len(lvs), rng=r_lhs).random(samples) if lvs else np.empty((samples, 0))
    lever_values = {lv.id: lv.min + unit[:, j] * (lv.max - lv.min) for j, lv in enumerate(lvs)}
    runner = BatchRunner(model, execution)
    out = runner.run(scenario, n=samples, levers=lever_values, draws=draws if len(draws.columns) else None,
                     indicators=list(dict.fromkeys(t.id for t in chosen)), desc=f"discover {scenario.name}")
    y = np.ones(samples, dtype=bool)
    for t in chosen:
        y &= met(t, target_values(t, out[t.id], runner.years))
    cols = [(lv.id, "lever") for lv in lvs] + [drawn_input(cat, c) for c in draws.columns]
    x = np.column_stack([*(lever_values[lv.id] for lv in lvs), *(draws[c].to_numpy(float) for c in draws.columns)])
    result = prim(x, y, names=[c[0] for c in cols], alpha=alpha, min_mass=min_mass,
                  min_coverage=min_coverage, n_boxes=n_boxes)
    kinds = dict(cols)
    limits = result.limits()
    rows = []
    for k, box in enumerate(result.boxes, start=1):
        stats = {"scenario": scenario.name, "box": k, "coverage": box.coverage, "density": box.density,
                 "mass": box.mass, "n_restricted": len(box.restricted)}
        sub = limits[limits["box"] == k]
        if sub.empty:
            rows.append({**stats, "input": "", "kind": "", "restricted": ""})
        for r in sub.itertuples():
            rows.append({**stats, "input": r.input, "kind": kinds[r.input], "lower": r.lower,
                         "upper": r.upper, "data_min": r.data_min, "data_max": r.data_max,
                         "restricted": r.restricted})
    table = pd.DataFrame(rows, columns=DISCOVER_COLUMNS)
    table.attrs = record(model, [scenario], analysis="discover", seed=seed, samples=samples,
                             targets=[t.id for t in chosen], targets_sha256=targets_hash(chosen), levers=ids,
                             alpha=alpha, min_mass=min_mass,
                             min_coverage=min_coverage, base_density=result.base_density,
                             trajectory=result.trajectories[0].to_dict("records") if result.trajectories else [])
    return table
