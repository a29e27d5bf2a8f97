"""Synthetic observations from known parameters, with the same sparse pattern as the real data.

Used to test the calibration itself (brief §5): generate data from known
parameter values, calibrate, and check the known values fall inside the
reported intervals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .objective import Objective
from .observations import read_table
from .setup import Setup

__all__ = ["synthetic_table"]


def synthetic_table(setup: Setup, theta: np.ndarray, *, noise: float = 0.0,
                    rng: np.random.Generator | None = None) -> pd.DataFrame:
    """The observations file with every used row replaced by the model's value at *theta*.

    Parameters
    ----------
    setup : Setup
        The real calibration problem (its rows and their mapping).
    theta : numpy.ndarray
        ``(k,)`` the known parameter values, in the order of ``setup.free``.
    noise : float
        Multiplicative log-normal noise of this sd on point observations (0: exact).
    rng : numpy.random.Generator, optional
        Needed when *noise* > 0.

    Returns
    -------
    pandas.DataFrame
        All rows of the file (same columns); a used row's value is the model's
        (divided by its factor, so in the data's units). A one-sided row keeps
        its bound when the known parameters satisfy it, else takes the model value.
    """
    table = read_table(setup.settings.observations_path).drop(columns="line")
    values = Objective(setup).predict(np.asarray(theta, dtype=float)[None])[0]
    position = {line: i for i, line in enumerate(
        read_table(setup.settings.observations_path)["line"])}
    for obs, m in zip(setup.observations, values):
        if obs.constraint == "point":
            if noise > 0:
                m = m * float(np.exp(noise * rng.standard_normal()))  # type: ignore[union-attr]
            new = m
        else:
            ok = m >= obs.target if obs.constraint == "lower_bound" else m <= obs.target
            new = obs.target if ok else m
        table.loc[position[obs.line], "value"] = repr(float(new / obs.factor))
        table.loc[position[obs.line], "source"] = "synthetic"
    return table
