"""Expand checks into concrete runs (cases) and into what is judged together (units).

A check without a sweep is one case.  A sweep makes several: ``each`` puts
each lever alone at each setting, ``all`` every lever together, ``lever`` one
lever at evenly spaced values over its range.  The condition's explicit lever
settings win over the sweep's, so "zero talent subsidy with every other lever
at its max" is ``sweep = { all = ["max"] }`` with ``levers = { talent_subsidy = 0 }``.
Identical runs within a check are run once.

A *unit* is what one test judges: one case with its per-run expectations,
or all the runs of a lever sweep with the expectations that compare them.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

import numpy as np

from ..catalogue import Catalogue, Lever
from .spec import Check, ChecksFile, Expectation, Setting, Sweep, SweepMode

__all__ = ["Case", "Unit", "expand", "lever_value"]


def lever_value(lever: Lever, setting: Setting) -> float:
    """The value of *lever* at *setting* (a number, "min"/"default"/"max", or kind -> name)."""
    if isinstance(setting, Mapping):
        setting = setting.get(lever.kind, "default")
    if isinstance(setting, str):
        return float(getattr(lever, setting))
    return float(setting)


_KIND_WORDS = {"policy": "policy levers", "scenario_input": "scenario inputs"}


def _describe(setting: Setting, levers: str = "every lever") -> str:
    """'every lever at max', or 'policy levers at max, scenario inputs at min'."""
    if isinstance(setting, Mapping):
        return ", ".join(f"{_KIND_WORDS.get(kind, kind)} at {name}" for kind, name in setting.items())
    return f"{levers} at {setting}"


def _short(setting: Setting) -> str:
    if isinstance(setting, Mapping):
        return ",".join(f"{kind}={name}" for kind, name in setting.items())
    return str(setting)


@dataclass(frozen=True)
class Case:
    """One concrete run of a check.

    Attributes
    ----------
    check : Check
    label : str
        Short name within the check (``"rd_post_subsidy=max"``; empty for a single run).
    levers : Mapping[str, float]
        Every lever id -> its value in this run.
    variables : Mapping[str, tuple[float, float | None]]
        Model-spelled Vensim name -> (value, model time from which it holds or None).
    start : float or None
        Model time from which the lever settings hold (the run's base before).
    settings : str
        The settings in words, for messages.
    swept : float or None
        The swept lever's value, for a lever sweep.
    """

    check: Check
    label: str
    levers: Mapping[str, float]
    variables: Mapping[str, tuple[float, float | None]]
    start: float | None
    settings: str
    swept: float | None = None

    @property
    def id(self) -> str:
        return f"{self.check.id}[{self.label}]" if self.label else self.check.id


@dataclass(frozen=True)
class Unit:
    """What one test judges: the expectations over one case, or across a lever sweep's cases.

    Attributes
    ----------
    id : str
        ``check_id`` or ``check_id[label]``: the test's name.
    check : Check
    cases : tuple of Case
        One case, or every run of a lever sweep (the lever rising).
    expectations : tuple of Expectation
    settings : str
        The runs' settings in words, for messages.
    """

    id: str
    check: Check
    cases: tuple[Case, ...]
    expectations: tuple[Expectation, ...]
    settings: str


def _variants(check: Check, catalogue: Catalogue) -> list[tuple[str, dict[str, float], str, float | None]]:
    """(label, lever values, settings in words, swept value) of every run the sweep asks for."""
    cond = check.condition
    base = {lv.id: lever_value(lv, cond.levers_at) for lv in catalogue.levers}
    sweep: Sweep | None = check.sweep
    if sweep is None:
        return [("", base, _describe(cond.levers_at), None)]
    out = []
    if sweep.mode is SweepMode.LEVER:
        lever = catalogue.lever(sweep.lever)
        for value in np.linspace(lever.min, lever.max, sweep.steps):
            words = f"{lever.id} = {value:g}, {_describe(cond.levers_at, 'other levers')}"
            out.append((f"{lever.id}={value:g}", {**base, lever.id: float(value)}, words, float(value)))
        return out
    for setting in sweep.settings:
        if sweep.mode is SweepMode.ALL:
            values = {lv.id: lever_value(lv, setting) for lv in catalogue.levers}
            out.append((f"all={_short(setting)}", values, _describe(setting), None))
            continue
        for lever in catalogue.levers:
            value = lever_value(lever, setting)
            words = f"{lever.id} at {setting} ({value:g}), {_describe(cond.levers_at, 'other levers')}"
            out.append((f"{lever.id}={setting}", {**base, lever.id: value}, words, None))
    return out


def _cases(check: Check, catalogue: Catalogue) -> list[Case]:
    cond = check.condition
    explicit = {k: lever_value(catalogue.lever(k), v) for k, v in cond.levers.items()}
    extra = [f"{k} = {v:g}" for k, v in explicit.items()]
    extra += [f"'{name}' = {value:g}" + (f" from {start:g}" if start is not None else "")
              for name, (value, start) in cond.variables.items()]
    moved = bool(cond.levers) or cond.levers_at != "default" or check.sweep is not None
    when = f"; levers from {cond.start:g}" if cond.start is not None and moved else ""
    seen, cases = set(), []
    for label, values, words, swept in _variants(check, catalogue):
        values = {**values, **explicit}
        key = tuple(sorted(values.items()))
        if key in seen:  # e.g. 'each' at default: the same run for every lever
            continue
        seen.add(key)
        settings = "; ".join([words, *extra]) + when
        cases.append(Case(check, label, MappingProxyType(values), cond.variables, cond.start,
                          settings, swept))
    if check.sweep is not None and check.sweep.mode is SweepMode.EACH:
        # the run equal to the condition alone reads better under that name
        base = {lv.id: lever_value(lv, cond.levers_at) for lv in catalogue.levers} | explicit
        cases = [Case(c.check, f"all={_short(cond.levers_at)}", c.levers, c.variables, c.start,
                      "; ".join([_describe(cond.levers_at), *extra]) + when)
                 if dict(c.levers) == base else c for c in cases]
    return cases


def expand(checks: ChecksFile, catalogue: Catalogue) -> tuple[list[Case], list[Unit]]:
    """Every concrete run of *checks*, and the units the runs are judged in (file order).

    Returns
    -------
    cases : list of Case
    units : list of Unit
        One per case for the per-run expectations; one per lever sweep for
        the expectations comparing its runs.
    """
    all_cases: list[Case] = []
    units: list[Unit] = []
    for check in checks.checks:
        cases = _cases(check, catalogue)
        all_cases.extend(cases)
        single = tuple(e for e in check.expectations if not e.assertion.across_cases)
        across = tuple(e for e in check.expectations if e.assertion.across_cases)
        if single:
            units.extend(Unit(c.id, check, (c,), single, c.settings) for c in cases)
        if across:
            first, last, lever = cases[0], cases[-1], check.sweep.lever
            label = f"{lever}={first.swept:g}..{last.swept:g}/{len(cases)}"
            values = ", ".join(f"{c.swept:g}" for c in cases)
            settings = first.settings.replace(f"{lever} = {first.swept:g}", f"{lever} = {values}", 1)
            units.append(Unit(f"{check.id}[{label}]", check, tuple(cases), across, settings))
    return all_cases, units
