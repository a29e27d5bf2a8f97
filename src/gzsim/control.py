"""A model's control values (INITIAL TIME, FINAL TIME, TIME STEP, SAVEPER), checked before any grid.

The time grid (every integration time) and the years of the results are arrays whose size follows
from the control values alone: ``(FINAL TIME - INITIAL TIME) / TIME STEP`` steps.  A custom model
(``--model``) with ``TIME STEP = 0``, ``FINAL TIME = 1e400`` or ``1e12`` made a division by zero,
an overflow or a multi-gigabyte array before anything said why.  :func:`check_controls` is called
with the values the engine read, before :class:`gzsim.Model` builds either array.
"""

from __future__ import annotations

import math
import os

from .errors import CatalogueError

__all__ = ["MAX_STEPS", "MAX_YEARS", "check_controls"]

#: Most integration steps of one run (the engines' own limit; 8 bytes each in the grid).
MAX_STEPS = 10_000_000
#: Most years a run reports (every year is a row per indicator and sample of the results).
MAX_YEARS = 10_000


def check_controls(initial: float, final: float, step: float, saveper: float | None,
                   path: str | os.PathLike[str]) -> None:
    """Raise :class:`~gzsim.errors.CatalogueError` naming the model file unless the grid is usable.

    Usable: every value finite, TIME STEP and SAVEPER > 0, FINAL TIME > INITIAL TIME, at most
    :data:`MAX_STEPS` steps and :data:`MAX_YEARS` years.
    """
    values = {"INITIAL TIME": initial, "FINAL TIME": final, "TIME STEP": step}
    if saveper is not None:
        values["SAVEPER"] = saveper
    problems = []
    for name, value in values.items():
        try:
            ok = math.isfinite(float(value))
        except (TypeError, ValueError, OverflowError):
            ok = False
        if not ok:
            problems.append(f"{name} is {value!r}, not a finite number")
    if not problems:
        for name in ("TIME STEP", "SAVEPER"):
            if name in values and not values[name] > 0:
                problems.append(f"{name} is {values[name]:g}; it must be above 0")
        if not final > initial:
            problems.append(f"FINAL TIME {final:g} is not after INITIAL TIME {initial:g}")
    if not problems:
        steps = (final - initial) / step
        if steps > MAX_STEPS:
            problems.append(f"INITIAL TIME {initial:g} to FINAL TIME {final:g} in TIME STEP {step:g} is "
                            f"{steps:,.3g} steps, above the limit of {MAX_STEPS:,} (a run keeps every step)")
        elif final - initial > MAX_YEARS:
            problems.append(f"INITIAL TIME {initial:g} to FINAL TIME {final:g} is {final - initial:,.3g} "
                            f"years, above the limit of {MAX_YEARS:,} (each year is a row of the results)")
    if problems:
        raise CatalogueError(f"the model's time settings cannot be run: {'; '.join(problems)}; set INITIAL "
                             f"TIME, FINAL TIME and TIME STEP in the model to a usable period "
                             f"(e.g. 2015, 2030, 0.25)", path=path)
