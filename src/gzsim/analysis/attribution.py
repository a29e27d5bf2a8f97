"""How much does each lever contribute?  Wedges of the 2025 gap closed, relative to a baseline.

For the levers whose setting differs between *baseline* and *scenario*:

* **wedge** of a lever: switching it alone from its baseline setting to the
  scenario's (value or time path), the others at baseline;
* **total**: all of them switched (the scenario itself);
* **interaction**: total minus the sum of the single wedges;
* **Shapley value** of a lever: its average marginal contribution over all
  orders of switching (exact, over all 2^k subsets, when k <= ``max_shapley``
  levers); Shapley values add up to the total, so they split the interaction too.

Each is reported on the target's measure in its year, with the gap (how far
the baseline is from the threshold, in the target's direction) and the share
of the gap each closes, and on the three plan-period outputs (value at the
end of the period, cumulative, CAGR).  With ``samples > 0`` every number is
the mean over common draws from :meth:`gzsim.Model.draw` (of the scenario);
levers the scenario draws are then not attributed.
"""

from __future__ import annotations

import itertools
import math
import os
import warnings
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..sampling import MAX_DRAWS, check_sample_count
from ..provenance import record, targets_hash
from ..targets import Targets
from ..timepaths import values_at
from .common import check_count, check_seed, resolve_targets, select_targets, target_values
from .distributed import Execution
from .plan_period import Measure, measure_of, period_for, plan_period_values
from .runner import BatchRunner

__all__ = ["attribute", "changed_levers", "ATTRIBUTION_COLUMNS"]

ATTRIBUTION_COLUMNS = ["scenario", "baseline", "target", "year", "measure", "threshold", "baseline_value",
                       "scenario_value", "gap", "component", "wedge", "shapley", "share_of_gap",
                       "end_value_wedge", "cumulative_wedge", "cagr_wedge"]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b
    da = a if isinstance(a, float) else a.to_dict()
    db = b if isinstance(b, float) else b.to_dict()
    return da == db


def changed_levers(baseline: Any, scenario: Any) -> list[str]:
    """Ids of the levers whose value or time path differs (catalogue order)."""
    return [i for i in scenario.levers if not _same(baseline.levers[i], scenario.levers[i])]


def _shapley_weights(k: int) -> dict[int, float]:
    return {s: math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k) for s in range(k)}


def attribute(model: Any, scenario: Any, *, baseline: Any, target_ids: Sequence[str] | None = None,
              year: int | None = None, samples: int = 0, seed: int | None = None,
              max_shapley: int = 12, targets: Targets | str | os.PathLike | None = None,
              execution: Execution | None = None) -> pd.DataFrame:
    """Wedges, interaction and Shapley values of the levers that differ from *baseline*.

    Parameters
    ----------
    model : gzsim.Model
    scenario, baseline : ResolvedScenario
    target_ids : sequence of str, optional
        Targets to report (default all of the scenario's).
    year : int, optional
        Replaces the targets' year.
    samples : int
        0: the deterministic run; N > 0: means over N common draws.
    seed : int, optional
        Needed when *samples* > 0.
    max_shapley : int
        Shapley values need 2^k runs per draw; above this many levers they are NaN.
    targets : Targets or path, optional
    execution : Execution, optional

    Returns
    -------
    pandas.DataFrame
        :data:`ATTRIBUTION_COLUMNS`; per target one row per lever, then
        ``interaction`` and ``total``.  ``gap`` = threshold - baseline value
        (at_least) or baseline value - threshold (at_most), the change
        needed; ``share_of_gap`` = wedge (in the needed direction) / gap when
        the gap is positive.
    """
    samples = check_count(samples, "samples", minimum=0)
    if samples and seed is None:
        raise UsageError("a seed is needed with --samples")
    seed = check_seed(seed) if seed is not None else None
    max_shapley = check_count(max_shapley, "max_shapley", minimum=0)
    chosen = select_targets(resolve_targets(scenario, targets, model.catalogue), ids=target_ids,
                            year=year, years=model.years)
    draws = model.draw(scenario, samples, np.random.default_rng(seed)) if samples else None
    drawn = set(draws.columns) if draws is not None else set()
    cat = model.catalogue
    levers = [i for i in changed_levers(baseline, scenario) if cat.lever(i).vensim not in drawn]
    k = len(levers)
    shapley = k <= max_shapley
    subsets = [tuple(s) for s in itertools.product((0, 1), repeat=k)] if shapley else \
        [(0,) * k] + [tuple(int(j == i) for j in range(k)) for i in range(k)] + [(1,) * k]
    index = {s: r for r, s in enumerate(subsets)}
    n_sub, nd = len(subsets), max(samples, 1)
    # Every subset of the changed levers runs every draw: refuse a product beyond memory.
    check_sample_count(nd, name="samples", limit=MAX_DRAWS, runs_each=n_sub)
    mask = np.repeat(np.array(subsets, dtype=bool).reshape(n_sub, k), nd, axis=0)  # (runs, k)
    lever_inputs: dict[str, np.ndarray] = {}
    times = model.times
    for j, lid in enumerate(levers):
        b, s = baseline.levers[lid], scenario.levers[lid]
        if isinstance(b, float) and isinstance(s, float):
            lever_inputs[lid] = np.where(mask[:, j], s, b)
        else:
            pb, ps = values_at(b, times), values_at(s, times)
            lever_inputs[lid] = np.where(mask[:, j][:, None], ps[None], pb[None])
    # levers equal in both keep the scenario's value; the baseline run is subset (0,...,0)
    run_draws = None if draws is None else pd.DataFrame(np.tile(draws.to_numpy(), (n_sub, 1)),
                                                        columns=draws.columns)
    runner = BatchRunner(model, execution)
    out = runner.run(scenario, n=n_sub * nd, levers=lever_inputs, draws=run_draws,
                     indicators=list(dict.fromkeys(t.id for t in chosen)), desc="attribute")
    weights = _shapley_weights(k) if k else {}
    rows = []
    for t in chosen:
        period = period_for(t)
        measures = {"target": target_values(t, out[t.id], runner.years),
                    **{m: v for m, v in plan_period_values(out[t.id], runner.years, period).items()}}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN (undefined CAGR) gives NaN
            v = {name: np.nanmean(vals.reshape(n_sub, nd), axis=1) for name, vals in measures.items()}
        base_row, full_row = index[(0,) * k], index[(1,) * k]
        sign = -1.0 if t.direction == "at_most" else 1.0
        gap = sign * (t.threshold - v["target"][base_row])

        def wedge(name: str, j: int) -> float:
            single = tuple(int(i == j) for i in range(k))
            return float(v[name][index[single]] - v[name][base_row])

        def phi(j: int) -> float:
            if not shapley:
                return float("nan")
            total = 0.0
            for s in subsets:
                if s[j]:
                    continue
                with_j = s[:j] + (1,) + s[j + 1:]
                total += weights[sum(s)] * (v["target"][index[with_j]] - v["target"][index[s]])
            return float(total)

        common = {"scenario": scenario.name, "baseline": baseline.name, "target": t.id, "year": t.year,
                  "measure": measure_of(t).value, "threshold": float(t.threshold),
                  "baseline_value": float(v["target"][base_row]),
                  "scenario_value": float(v["target"][full_row]), "gap": float(gap)}

        def share(w: float) -> float:
            return sign * w / gap if gap > 0 else float("nan")

        singles = {name: [wedge(name, j) for j in range(k)] for name in v}
        totals = {name: float(v[name][full_row] - v[name][base_row]) for name in v}
        for j, lid in enumerate(levers):
            rows.append({**common, "component": lid, "wedge": singles["target"][j], "shapley": phi(j),
                         "share_of_gap": share(singles["target"][j]),
                         "end_value_wedge": singles[Measure.LEVEL][j],
                         "cumulative_wedge": singles[Measure.CUMULATIVE][j],
                         "cagr_wedge": singles[Measure.CAGR][j]})
        for comp in ("interaction", "total"):
            vals = {name: totals[name] - (sum(singles[name]) if comp == "interaction" else 0.0) for name in v}
            rows.append({**common, "component": comp, "wedge": vals["target"],
                         "shapley": (float("nan") if comp == "interaction" or not shapley else vals["target"]),
                         "share_of_gap": share(vals["target"]), "end_value_wedge": vals[Measure.LEVEL],
                         "cumulative_wedge": vals[Measure.CUMULATIVE], "cagr_wedge": vals[Measure.CAGR]})
    table = pd.DataFrame(rows, columns=ATTRIBUTION_COLUMNS)
    table.attrs = record(model, [baseline, scenario], analysis="attribute", seed=seed, samples=samples,
                             targets=[t.id for t in chosen], targets_sha256=targets_hash(chosen),
                             levers=levers, shapley=bool(shapley), runs=int(n_sub * nd),
                             not_attributed_drawn=sorted(i for i in changed_levers(baseline, scenario)
                                                         if i not in levers))
    return table
