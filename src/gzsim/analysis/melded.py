"""The melded view of one target: its measure over the samples reweighted by the reference class.

``reach(..., outside_view=True)``, the app's scoreboard and the brief all call
:func:`meld_target` on a batch they have already run, so the melded view costs no model run.
The weights and the floor below which they are refused: :mod:`gzsim.outside_view.meld`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..outside_view import class_indicators, implied_pace
from ..outside_view.meld import ALPHA, MIN_ESS, MIN_ESS_SHARE, Refusal, meld, refusal_note
from .plan_period import period_for
from .weighted import weighted_probability, weighted_quantile

__all__ = ["MELD_COLUMNS", "NO_MELD", "TargetMeld", "meld_target"]

#: The columns of the melded view in a reach table.
MELD_COLUMNS = ["probability_melded", "median_melded", "p05_melded", "p95_melded", "ess_melded",
                "meld_note", "meld_note_zh"]
#: The melded columns of a row without a melded view.
NO_MELD = {"probability_melded": np.nan, "median_melded": np.nan, "p05_melded": np.nan,
           "p95_melded": np.nan, "ess_melded": np.nan, "meld_note": "", "meld_note_zh": ""}


@dataclass(frozen=True)
class TargetMeld:
    """The melded view of one target: numbers when the weights are usable, else why not.

    ``probability``, ``median``, ``p05``, ``p95`` are NaN when refused; ``ess`` is NaN when no
    weights could be formed (``Refusal.NO_PACE``).
    """

    probability: float
    median: float
    p05: float
    p95: float
    ess: float
    samples: int
    refusal: Refusal | None = None
    note: str = ""
    note_zh: str = ""

    @property
    def usable(self) -> bool:
        return self.refusal is None

    def columns(self) -> dict[str, Any]:
        """The :data:`MELD_COLUMNS` of a reach row."""
        return {"probability_melded": self.probability, "median_melded": self.median,
                "p05_melded": self.p05, "p95_melded": self.p95, "ess_melded": self.ess,
                "meld_note": self.note, "meld_note_zh": self.note_zh}


def _refused(refusal: Refusal, samples: int, ess: float, notes: tuple[str, str]) -> TargetMeld:
    nan = math.nan
    return TargetMeld(nan, nan, nan, nan, ess, samples, refusal, *notes)


def meld_target(t: Any, indicator_values: np.ndarray, years: np.ndarray, values: np.ndarray, ok: np.ndarray, *,
                alpha: float = ALPHA, min_ess: float = MIN_ESS) -> TargetMeld | None:
    """The melded view of target *t*; None when it has none (not headline, no reference class, or
    its plan period outside *years*).

    Parameters
    ----------
    t : Target
    indicator_values : array (samples x years)
        The samples' paths of the target's indicator (its implied pace gives the weights).
    years : array
        The columns of *indicator_values*.
    values, ok : arrays (samples)
        Each sample's target measure and whether it meets the target.
    alpha, min_ess : float
        See :func:`gzsim.outside_view.meld.meld` (checked by the caller).
    """
    period = period_for(t)
    pos = {int(y): i for i, y in enumerate(years)}
    if (not t.headline or t.id not in class_indicators() or period.base_year not in pos
            or period.end_year not in pos):
        return None
    samples = len(values)
    if samples < 2:  # no density of the samples' paces: one sample is one effective sample
        floor = max(min_ess, MIN_ESS_SHARE * samples)
        notes = tuple(refusal_note(Refusal.FEW_SAMPLES, lang, n=samples, ess=samples, floor=floor)
                      for lang in ("en", "zh"))
        return _refused(Refusal.FEW_SAMPLES, samples, float(samples), notes)
    sample_paces = implied_pace(t.id, indicator_values[:, pos[period.base_year]],
                                indicator_values[:, pos[period.end_year]],
                                period.end_year - period.base_year)
    bad = int((~np.isfinite(sample_paces)).sum())
    if bad:
        notes = tuple(refusal_note(Refusal.NO_PACE, lang, n=samples, bad=bad) for lang in ("en", "zh"))
        return _refused(Refusal.NO_PACE, samples, math.nan, notes)
    m = meld(t.id, sample_paces, alpha=alpha, min_ess=min_ess)
    if not m.usable:
        return _refused(m.refusal, samples, m.ess, (m.note, m.note_zh))
    median, p05, p95 = weighted_quantile(values, m.weights, [0.5, 0.05, 0.95])
    return TargetMeld(weighted_probability(ok, m.weights), float(median), float(p05), float(p95), m.ess, samples)
