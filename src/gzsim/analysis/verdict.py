"""Whether a Monte-Carlo status is settled: its threshold is outside the probability's error.

The statuses (:class:`gzsim.analysis.reach.Status`) cut the probability at 0.4 and 0.8.  With
N samples a probability p has a standard error sqrt(p (1 - p) / N); within two of them of a
cut, another sample of the same size could give the other status, so the status is not
settled at that N (e.g. the app's 500 samples vs ``gzsim reach --samples 10000``).
"""

from __future__ import annotations

import math

__all__ = ["STATUS_EDGES", "mc_error", "settled"]

STATUS_EDGES = (0.4, 0.8)


def mc_error(p: float, samples: int) -> float:
    """Standard error of a probability *p* estimated from *samples* draws."""
    return math.sqrt(max(p * (1 - p), 0.0) / samples) if samples > 0 else float("nan")


def settled(p: float, samples: int) -> bool:
    """True when no status threshold lies within two standard errors of *p* (nor at *p*)."""
    if not math.isfinite(p):
        return True
    margin = 2 * mc_error(p, samples)
    return all(abs(p - edge) > margin for edge in STATUS_EDGES)
