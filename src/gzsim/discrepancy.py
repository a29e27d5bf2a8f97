"""Model discrepancy in forecasts: an error that grows with the years since the last data.

A structural model fitted to five years of sparse data is wrong in ways its
parameter ensemble cannot show (Kennedy & O'Hagan 2001, JRSS B 63).  The
term is the simplest that grows with the horizon: on the log scale (the
logit scale for percentage shares, so they stay within 0-100 %), the value
is the model's plus ``sigma * sqrt(h) * z``, h the years since the end of
the last data year and z a standard normal drawn once per sample and
indicator (so a sample's path stays smooth and its spread grows like a
random walk's).  ``sigma`` comes from hindcasts (``gzsim backtest``) through
the calibration settings' ``[discrepancy]`` table; the calibration records
it with the indicators it applies to (those it fits).

In :meth:`gzsim.Model.draw` the z of each indicator is a column named
``discrepancy: <indicator id>``; the deterministic run has none.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

__all__ = ["PREFIX", "draw_z", "split", "apply", "to_scale", "from_scale", "is_share"]

PREFIX = "discrepancy: "


def is_share(unit: str) -> bool:
    """Percentage shares (unit starting with '%') get the logit scale."""
    return str(unit).lstrip().startswith("%")


def to_scale(values, share: bool) -> np.ndarray:
    """Log, or the logit of the share in [0, 1] for percentages."""
    v = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if share:
            p = np.clip(v / 100.0, 1e-12, 1 - 1e-12)
            return np.log(p) - np.log1p(-p)
        return np.log(np.clip(v, 1e-300, None))


def from_scale(values, share: bool) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    with np.errstate(over="ignore"):
        return 100.0 / (1.0 + np.exp(-v)) if share else np.exp(v)


def draw_z(spec: Mapping | None, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """One standard normal per sample and indicator the term applies to (none without a term, or
    with a zero sigma: inputs that change nothing would only crowd the sensitivity analyses)."""
    ids = list(spec["indicators"]) if spec and float(spec["sigma"]) > 0 else []
    return pd.DataFrame({PREFIX + i: rng.standard_normal(n) for i in ids},
                        index=pd.RangeIndex(1, n + 1, name="sample"))


def split(draws: pd.DataFrame | None) -> tuple[pd.DataFrame | None, dict[str, np.ndarray]]:
    """Model inputs and discrepancy draws (indicator id -> z) of a draws table."""
    if draws is None:
        return None, {}
    z = {c[len(PREFIX):]: draws[c].to_numpy(dtype=float) for c in draws.columns if c.startswith(PREFIX)}
    inputs = draws[[c for c in draws.columns if not c.startswith(PREFIX)]]
    return inputs, z


def apply(values: dict[str, np.ndarray], years: np.ndarray, z: Mapping[str, np.ndarray],
          spec: Mapping | None, units: Mapping[str, str]) -> dict[str, np.ndarray]:
    """*values* (indicator id -> ``(n, len(years))``) with the discrepancy of *z* added."""
    if not spec or not z or float(spec["sigma"]) == 0.0:
        return values
    h = np.clip(np.asarray(years, dtype=float) - float(spec["from_year"]), 0.0, None)
    scale = float(spec["sigma"]) * np.sqrt(h)
    out = dict(values)
    for ind, zi in z.items():
        if ind not in out:
            continue
        share = is_share(units.get(ind, ""))
        x = to_scale(out[ind], share) + np.asarray(zi)[:, None] * scale[None, :]
        out[ind] = np.where(h[None, :] > 0, from_scale(x, share), out[ind])
    return out
