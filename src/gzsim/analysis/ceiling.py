"""Which targets can no lever setting reach?  The probability at the most favourable lever corner.

For each target, every policy lever (as in goal seeking: not the scenario inputs, not the levers
the scenario draws) is set to whichever end of its catalogue range gives the target's measure
the better deterministic value, the others' effects being screened one lever at a time; then the
Monte-Carlo probability of meeting the target at that corner is estimated on seeded draws.
A target whose probability stays below :data:`UNREACHABLE_BELOW` there is "not reachable within
the lever ranges": more of any lever does not get it there.  A screen, not a proof: levers that
help only together could be missed, and a lever whose effect changes sign inside its range is
judged by its ends.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

from ..targets import Targets
from .common import check_count, check_seed, met, resolve_targets, select_targets, target_values
from .goalseek import default_decision_levers
from .runner import BatchRunner

__all__ = ["lever_ceiling", "UNREACHABLE_BELOW", "CEILING_COLUMNS"]

#: A target met in fewer than 1 % of the draws even at the best lever corner is not reachable.
UNREACHABLE_BELOW = 0.01
CEILING_COLUMNS = ["target", "measure", "year", "best_probability", "reachable", "corner"]


def lever_ceiling(model: Any, scenario: Any, *, samples: int = 200, seed: int = 1,
                  targets: Targets | str | os.PathLike | None = None, year: int | None = None) -> pd.DataFrame:
    """Per target, the probability of meeting it with every policy lever at its favourable bound.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CEILING_COLUMNS`: ``best_probability`` on *samples* seeded draws,
        ``reachable`` (``best_probability >= UNREACHABLE_BELOW``), ``corner`` as
        ``"lever=max, ..."`` (the levers at their maximum; the others at their minimum).
    """
    samples = check_count(samples, "samples", minimum=1)
    seed = check_seed(seed)
    cat = model.catalogue
    chosen = select_targets(resolve_targets(scenario, targets, cat), year=year, years=model.years)
    levers = [cat.lever(i) for i in default_decision_levers(model, scenario)]
    ids = list(dict.fromkeys(t.id for t in chosen))
    runner = BatchRunner(model)
    k = len(levers)
    rows = []
    if not k:
        best = {t: np.zeros(0) for t in range(len(chosen))}
    else:
        # Screen: each lever alone at its min (rows 0..k-1) and at its max (rows k..2k-1).
        screen = {lv.id: np.array([float(scenario.levers[lv.id]) if isinstance(scenario.levers[lv.id], float)
                                   else float(lv.default)] * (2 * k)) for lv in levers}
        for j, lv in enumerate(levers):
            screen[lv.id][j], screen[lv.id][k + j] = lv.min, lv.max
        out = runner.run(scenario, levers=screen, indicators=ids, desc="ceiling")
        best = {}
        for t_index, t in enumerate(chosen):
            v = target_values(t, out[t.id], runner.years)
            sign = 1.0 if t.direction == "at_least" else -1.0
            lo, hi = sign * np.nan_to_num(v[:k], nan=-np.inf), sign * np.nan_to_num(v[k:], nan=-np.inf)
            best[t_index] = np.where(hi >= lo, [lv.max for lv in levers], [lv.min for lv in levers])
    draws = model.draw(scenario, samples, np.random.default_rng(seed))
    # One batch: every target's corner on the same draws (samples runs per target).
    n = len(chosen) * samples
    lever_values = {lv.id: np.repeat([best[i][j] for i in range(len(chosen))], samples)
                    for j, lv in enumerate(levers)}
    tiled = pd.DataFrame(np.tile(draws.to_numpy(), (len(chosen), 1)), columns=draws.columns)
    out = runner.run(scenario, levers=lever_values or None, draws=tiled if len(draws.columns) else None,
                     n=n, indicators=ids, desc="ceiling")
    for t_index, t in enumerate(chosen):
        corner = best[t_index]
        part = out[t.id][t_index * samples:(t_index + 1) * samples]
        p = float(met(t, target_values(t, part, runner.years)).mean())
        rows.append({"target": t.id, "measure": t.measure, "year": t.year, "best_probability": p,
                     "reachable": p >= UNREACHABLE_BELOW,
                     "corner": ", ".join(f"{lv.id}={'max' if corner[j] == lv.max else 'min'}"
                                         for j, lv in enumerate(levers))})
    return pd.DataFrame(rows, columns=CEILING_COLUMNS)
