"""Shared helpers of the analyses: choosing targets, checking options."""

from __future__ import annotations

import math
import os
import secrets
from dataclasses import replace
from typing import Any, Sequence

import numpy as np

from .._toml import suggest
from ..errors import UsageError
from ..targets import Target, Targets, load_targets
from .plan_period import measure_of, measure_values, period_for

__all__ = ["resolve_targets", "select_targets", "check_count", "check_probability", "check_seed",
           "fresh_seed", "met", "target_values", "parameter_id", "drawn_input"]

"""Lever ids that are scenario inputs (economy, national policy), not municipal levers."""


def resolve_targets(scenario: Any, targets: Targets | str | os.PathLike | None, catalogue: Any) -> Targets:
    """The targets to use: *targets* (object or file) or the scenario's own.

    Raises
    ------
    UsageError
        When neither gives targets.
    TargetsError
        For a bad targets file.
    """
    if isinstance(targets, Targets):
        return targets
    if targets is not None:
        return load_targets(targets, catalogue=catalogue)
    if scenario.targets is None:
        raise UsageError(f"scenario '{scenario.name}' has no targets; add targets = "
                         f"\"targets/....toml\" to it or pass --targets FILE", path=scenario.path)
    return scenario.targets


def select_targets(targets: Targets, *, ids: Sequence[str] | None = None, year: int | None = None,
                   years: np.ndarray | None = None, headline_default: bool = False) -> list[Target]:
    """The targets chosen by *ids* (default all, or the headline ones), with *year* applied.

    Parameters
    ----------
    targets : Targets
    ids : sequence of str, optional
        Target ids (indicator ids); all targets for an id are chosen.
    year : int, optional
        Replaces every chosen target's year (must be one of *years*).
    years : numpy.ndarray, optional
        The model's years, to check every target year against.
    headline_default : bool
        Without *ids*, choose the headline targets (all targets if none is headline).

    Raises
    ------
    UsageError
        Unknown id, or a year outside the model's years.
    """
    items = list(targets)
    if ids:
        known = list(dict.fromkeys(t.id for t in items))
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise UsageError("; ".join(f"target '{i}' is not in {targets.name}{suggest(i, known)} "
                                       f"(targets: {', '.join(known)})" for i in unknown))
        items = [t for t in items if t.id in set(ids)]
    elif headline_default and any(t.headline for t in items):
        items = [t for t in items if t.headline]
    if year is not None:
        if not isinstance(year, (int, np.integer)) or isinstance(year, bool):
            raise UsageError(f"year must be a whole number, got {year!r}")
        items = [replace(t, year=int(year)) for t in items]
    if years is not None:
        for t in items:
            if t.year not in set(int(y) for y in years):
                raise UsageError(f"year {t.year} (target '{t.id}') is outside the model's years "
                                 f"{int(years[0])}-{int(years[-1])}")
            period = period_for(t)
            if measure_of(t).value != "level" and period.base_year < int(years[0]):
                raise UsageError(f"target '{t.id}': its plan period starts in {period.base_year + 1}, before the "
                                 f"model's first year {int(years[0])}; give the target a base_year from "
                                 f"{int(years[0])} on in its targets file")
    seen: set[tuple[str, int]] = set()
    unique = []
    for t in items:
        if (t.id, t.year, t.measure) not in seen:
            seen.add((t.id, t.year, t.measure))
            unique.append(t)
    return unique


def check_count(value: Any, name: str, *, minimum: int = 1) -> int:
    """A whole number >= *minimum* (not a bool), else UsageError."""
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < minimum:
        raise UsageError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def check_probability(value: Any, name: str = "probability", *, open_low: bool = True) -> float:
    """A probability in (0, 1] (or [0, 1] with ``open_low=False``), else UsageError."""
    try:
        p = float(value)
    except (TypeError, ValueError):
        raise UsageError(f"{name} must be a number between 0 and 1, got {value!r}") from None
    low_ok = p > 0 if open_low else p >= 0
    if not (math.isfinite(p) and low_ok and p <= 1):
        bound = "(0, 1]" if open_low else "[0, 1]"
        raise UsageError(f"{name} must be within {bound}, got {value!r}")
    return p


def check_seed(seed: Any) -> int:
    return check_count(seed, "seed", minimum=0)


def fresh_seed() -> int:
    return secrets.randbelow(2**32)


def target_values(target: Target, values: np.ndarray, years: np.ndarray) -> np.ndarray:
    """The target's measure (level, cumulative, CAGR) of *values* (n, n_years) per run."""
    return measure_values(values, years, measure_of(target), period_for(target))


def met(target: Target, measured: np.ndarray) -> np.ndarray:
    """Boolean per run: does *measured* meet *target* (NaN never does)."""
    measured = np.asarray(measured, dtype=float)
    with np.errstate(invalid="ignore"):
        if target.direction == "at_most":
            return measured <= target.threshold
        return measured >= target.threshold


def parameter_id(vensim: str) -> str:
    """The id of a model constant without a catalogue entry, spelled as catalogue ids are
    (``revenue per high tech firm 2015`` -> ``revenue_per_high_tech_firm_2015``)."""
    from .. import discrepancy
    from ..catalogue import vensim_key

    if vensim.startswith(discrepancy.PREFIX):  # the model-error term of an indicator
        return "discrepancy_" + vensim[len(discrepancy.PREFIX):].strip()
    return vensim_key(vensim).replace(" ", "_")


def drawn_input(catalogue: Any, column: str) -> tuple[str, str]:
    """(id, kind) by which the analyses' tables name a drawn input (a ``model.draw`` column):
    a lever's or catalogue parameter's id, else :func:`parameter_id` -- ids only, never a
    Vensim name beside them in the same table."""
    for lever in catalogue.levers:
        if lever.vensim == column:
            return lever.id, "scenario uncertainty"
    for u in catalogue.uncertain:
        if u.vensim == column:
            return u.id, "uncertain"
    return parameter_id(column), "uncertain"

