"""Fit statistics per observed series: MAPE, RMSE, R², Theil's inequality decomposition.

Computed on the point observations of each series (bounds are checked
separately, see :func:`bound_checks`).  Theil's decomposition of the mean
squared error (Sterman 1984; Oliva 2003) uses population standard
deviations, so that exactly

    MSE = (mean(m) - mean(y))**2 + (s_m - s_y)**2 + 2 (1 - r) s_m s_y

and ``U^M + U^S + U^C = 1``: U^M is the share of the error due to bias,
U^S to unequal variation, U^C to imperfect co-variation (the unsystematic
part).  R² is the squared correlation of simulated and observed values
(Sterman 1984).  Undefined statistics are NaN: R² needs at least 3 points,
Theil's components at least 2 and a non-zero error.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .observations import Observation

__all__ = ["FIT_COLUMNS", "series_statistics", "fit_table", "bound_checks"]

FIT_COLUMNS = ["indicator", "n_obs", "mape", "rmse", "r2", "theil_um", "theil_us", "theil_uc"]

#: An MSE below this share of the data's mean square is a perfect fit (e.g. data reproduced by
#: construction): its Theil shares would be rounding noise, so they are left undefined.
_PERFECT = 1e-12


def series_statistics(model: Sequence[float], data: Sequence[float]) -> dict[str, float]:
    """Statistics of one series (see the module docstring).

    Parameters
    ----------
    model, data : sequence of float
        Simulated and observed values at the same points.

    Returns
    -------
    dict
        ``n_obs, mape, rmse, r2, theil_um, theil_us, theil_uc``.
    """
    m = np.asarray(model, dtype=float)
    y = np.asarray(data, dtype=float)
    n = len(y)
    out = {"n_obs": n, "mape": np.nan, "rmse": np.nan, "r2": np.nan,
           "theil_um": np.nan, "theil_us": np.nan, "theil_uc": np.nan}
    if n == 0:
        return out
    err = m - y
    with np.errstate(divide="ignore", invalid="ignore"):
        out["mape"] = float(100.0 * np.mean(np.abs(err) / np.abs(y)))
    mse = float(np.mean(err * err))
    out["rmse"] = float(np.sqrt(mse))
    sm, sy = float(np.std(m)), float(np.std(y))
    r = float(np.corrcoef(m, y)[0, 1]) if n >= 2 and sm > 0 and sy > 0 else np.nan
    if n >= 3 and np.isfinite(r):
        out["r2"] = r * r
    if n >= 2 and mse > _PERFECT * float(np.mean(y * y)):
        cov_term = 2.0 * (1.0 - r) * sm * sy if np.isfinite(r) else 0.0
        out["theil_um"] = (float(np.mean(m)) - float(np.mean(y))) ** 2 / mse
        out["theil_us"] = (sm - sy) ** 2 / mse
        out["theil_uc"] = cov_term / mse
    return out


def fit_table(observations: Sequence[Observation], model_values: np.ndarray) -> pd.DataFrame:
    """The fit table: one row per series of point observations, columns :data:`FIT_COLUMNS`.

    Parameters
    ----------
    observations : sequence of Observation
    model_values : numpy.ndarray
        ``(n_observations,)`` model-side values at the point estimate.
    """
    groups: dict[str, list[int]] = {}
    for i, obs in enumerate(observations):
        if obs.constraint == "point":
            groups.setdefault(obs.series, []).append(i)
    rows = []
    for series, idx in groups.items():
        stats = series_statistics([model_values[i] for i in idx],
                                  [observations[i].target for i in idx])
        rows.append({"indicator": series, **stats})
    table = pd.DataFrame(rows, columns=FIT_COLUMNS)
    table["n_obs"] = table["n_obs"].astype("int64")
    return table


def bound_checks(observations: Sequence[Observation], model_values: np.ndarray) -> pd.DataFrame:
    """One row per one-sided observation: data bound, model value, satisfied or not."""
    rows = []
    for obs, m in zip(observations, model_values):
        if obs.constraint == "point":
            continue
        ok = m >= obs.target if obs.constraint == "lower_bound" else m <= obs.target
        rows.append({"observation": obs.label, "constraint": obs.constraint, "bound": obs.target,
                     "model": float(m), "satisfied": bool(ok)})
    return pd.DataFrame(rows, columns=["observation", "constraint", "bound", "model", "satisfied"])
