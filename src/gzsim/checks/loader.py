"""Read and validate a behaviour-checks file against a model.

Every problem in the file is collected and reported at once in one
:class:`~gzsim.errors.ChecksError`, each naming the check (or range) and how
to fix it: unknown keys, lever ids and variable names get a did-you-mean.
The format is described in ``docs/formats.md`` ("Behaviour checks").
"""

from __future__ import annotations

import os
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .._toml import SNAKE_CASE, Checker, describe, is_number, read_toml, suggest
from .._fs import resolved
from ..catalogue import LEVER_KINDS, vensim_key
from ..errors import ChecksError
from .ranges import load_ranges
from .spec import (SETTINGS, Assertion, Check, ChecksFile, Condition, Expectation, Group, Sweep,
                   SweepMode)
from .stocks import stock_variables

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Model

__all__ = ["load_checks"]

_TOP = ("data", "range", "check")
_CHECK = ("id", "description", "expect")
_CHECK_OPTIONAL = ("description_zh", "condition", "sweep", "known_failure")
_CONDITION = ("levers_at", "levers", "variables", "from")
_SWEEP = ("each", "all", "lever", "steps")
_EXPECT_OPTIONAL = ("variable", "group", "years", "value", "range", "relative_to", "rtol", "atol",
                    "except")
_CONTROL = {"initial time", "final time", "time step", "saveper"}
_MAX_STEPS = 1000  # a lever sweep beyond this is a typo, not a check


class _Binder:
    """Checks one file's entries against the catalogue and the model's variables."""

    def __init__(self, path: Path, model: "Model", stocks: tuple[str, ...]) -> None:
        from ..engine import compile_model

        self.check = Checker(path)
        self.path = path  # the checks file: data paths are relative to it
        self.catalogue = model.catalogue
        compiled = compile_model(model.catalogue.model_file)
        self.outputs = {vensim_key(n): n.strip('"') for n in compiled.columns}  # lookups have no value
        self.indicators = {i.id: self.outputs[vensim_key(i.vensim)] for i in model.catalogue.indicators}
        self.lever_names = {vensim_key(lv.vensim): lv.id for lv in model.catalogue.levers}
        self.first, self.last = compiled.initial_time, compiled.final_time
        self.stocks = stocks

    def add(self, message: str) -> None:
        self.check.add(message)

    # ------------------------------------------------------------------ pieces
    def number(self, raw: Any, what: str) -> float | None:
        return self.check.finite(raw, what)

    def time(self, raw: Any, what: str) -> float | None:
        value = self.number(raw, what)
        if value is not None and not self.first <= value <= self.last:
            self.add(f"{what} {value:g} is outside the run ({self.first:g} to {self.last:g}); "
                     "give a model time within it")
            return None
        return value

    def setting(self, raw: Any, where: str, lever_id: str | None = None):
        """A lever setting: a number within the lever's range, or min/default/max."""
        if isinstance(raw, str):
            if raw in SETTINGS:
                return raw
            self.add(f"{where}: setting '{raw}' is unknown{suggest(raw, SETTINGS)}; "
                     "use a number, 'min', 'default' or 'max'")
            return None
        if lever_id is None:
            if isinstance(raw, dict):
                bad = [k for k in raw if k not in LEVER_KINDS]
                for k in bad:
                    self.add(f"{where}: lever kind '{k}' is unknown{suggest(k, LEVER_KINDS)}")
                for k, v in raw.items():
                    if k in LEVER_KINDS and v not in SETTINGS:
                        self.add(f"{where}: '{k}' must be 'min', 'default' or 'max', got {describe(v)}")
                return None if bad or any(v not in SETTINGS for v in raw.values()) \
                    else MappingProxyType(dict(raw))
            self.add(f"{where}: must be 'min', 'default', 'max' or a table lever kind -> one of "
                     f"them ({', '.join(LEVER_KINDS)}), got {describe(raw)}")
            return None
        lever = self.catalogue.lever(lever_id)
        value = self.number(raw, where)
        if value is not None and not lever.min <= value <= lever.max:
            self.add(f"{where}: {value:g} is outside the lever's range [{lever.min:g}, {lever.max:g}]; "
                     "checks use the catalogue's ranges (set a model variable under 'variables' "
                     "to go beyond them)")
            return None
        return value

    def lever_id(self, raw: Any, where: str) -> str | None:
        if isinstance(raw, str) and raw in self.catalogue.lever_ids:
            return raw
        self.add(f"{where}: lever '{raw}' is unknown{suggest(str(raw), self.catalogue.lever_ids)}")
        return None

    def variable(self, raw: Any, where: str) -> str | None:
        """Model spelling of an indicator id or a Vensim name."""
        if not isinstance(raw, str):
            self.add(f"{where}: a variable must be a name, got {describe(raw)}")
            return None
        if raw in self.indicators:
            return self.indicators[raw]
        key = vensim_key(raw)
        if key in self.outputs:
            return self.outputs[key]
        choices = [*self.indicators, *self.outputs.values()]
        self.add(f"{where}: '{raw}' is neither an indicator id nor a variable of "
                 f"{self.catalogue.model_file.name}{suggest(raw, choices)}")
        return None

    # ------------------------------------------------------------------ tables
    def condition(self, raw: Any, where: str) -> Condition | None:
        if raw is None:
            return Condition()
        if not isinstance(raw, dict):
            self.add(f"{where}: 'condition' must be a table, got {describe(raw)}")
            return None
        n0 = len(self.check.problems)
        self.check.keys(raw, f"{where} condition", required=(), optional=_CONDITION)
        levers_at = self.setting(raw.get("levers_at", "default"), f"{where} levers_at")
        levers = {}
        table = raw.get("levers", {})
        if not isinstance(table, dict):
            self.add(f"{where}: 'levers' must be a table lever id -> setting")
            table = {}
        for lever_id, value in table.items():
            if self.lever_id(lever_id, f"{where} levers") is not None:
                levers[lever_id] = self.setting(value, f"{where} lever '{lever_id}'", lever_id)
        variables = {}
        table = raw.get("variables", {})
        if not isinstance(table, dict):
            self.add(f"{where}: 'variables' must be a table Vensim name -> number")
            table = {}
        for name, value in table.items():
            key = vensim_key(name)
            if key in self.lever_names:
                self.add(f"{where}: '{name}' is the lever '{self.lever_names[key]}'; set it under "
                         "'levers' by its id, within its range")
            elif key in _CONTROL:
                self.add(f"{where}: '{name}' is a control variable and cannot be set by a check")
            elif key not in self.outputs:
                self.add(f"{where}: variable '{name}' is not in {self.catalogue.model_file.name}"
                         f"{suggest(name, self.outputs.values())}")
            else:
                variables[self.outputs[key]] = self._variable_setting(value, f"{where} variable '{name}'")
        start = self.time(raw["from"], f"{where}: 'from'") if "from" in raw else None
        if len(self.check.problems) > n0:
            return None
        variables = {k: (v, s if s is not None else start) for k, (v, s) in variables.items()}
        return Condition(levers_at, MappingProxyType(levers), MappingProxyType(variables), start)

    def _variable_setting(self, raw: Any, where: str) -> tuple[float | None, float | None]:
        """A number, or { value = number, from = time } for a setting with its own start."""
        if not isinstance(raw, dict):
            return self.number(raw, where), None
        if not self.check.keys(raw, where, required=("value", "from")):
            return None, None
        return self.number(raw["value"], f"{where}: 'value'"), self.time(raw["from"], f"{where}: 'from'")

    def sweep(self, raw: Any, where: str) -> Sweep | None:
        if not isinstance(raw, dict):
            self.add(f"{where}: 'sweep' must be a table with one of each, all or lever")
            return None
        n0 = len(self.check.problems)
        self.check.keys(raw, f"{where} sweep", required=(), optional=_SWEEP)
        modes = [m for m in SweepMode if m.value in raw]
        if len(modes) != 1:
            self.add(f"{where}: a sweep needs exactly one of 'each', 'all' or 'lever'")
            return None
        mode = modes[0]
        if mode is SweepMode.LEVER:
            lever = self.lever_id(raw["lever"], f"{where} sweep")
            steps = raw.get("steps")
            if isinstance(steps, bool) or not isinstance(steps, int) or not 2 <= steps <= _MAX_STEPS:
                self.add(f"{where}: a lever sweep needs 'steps', a whole number from 2 to {_MAX_STEPS}, "
                         f"got {describe(steps) if steps is not None else 'none'}")
            if len(self.check.problems) > n0:
                return None
            return Sweep(mode, lever=lever, steps=steps)
        if "steps" in raw:
            self.add(f"{where}: 'steps' belongs to a lever sweep only")
        values = raw[mode.value]
        if not isinstance(values, list) or not values:
            self.add(f"{where}: sweep '{mode.value}' must be a non-empty list of settings")
            return None
        settings = []
        for value in values:
            if mode is SweepMode.EACH and value not in SETTINGS:
                self.add(f"{where}: sweep 'each' takes 'min', 'default' and 'max', got {describe(value)}")
            else:
                settings.append(self.setting(value, f"{where} sweep '{mode.value}'"))
        if len(self.check.problems) > n0:
            return None
        return Sweep(mode, settings=tuple(settings))

    def expectation(self, raw: Any, where: str, sweep: Sweep | None) -> Expectation | None:
        if not isinstance(raw, dict):
            self.add(f"{where}: every [[check.expect]] must be a table")
            return None
        n0 = len(self.check.problems)
        self.check.keys(raw, where, required=("expect",), optional=_EXPECT_OPTIONAL)
        kinds = [a.value for a in Assertion]
        text = raw.get("expect")
        assertion = next((a for a in Assertion if a.value == text), None)
        variables = self._targets(raw, where)
        if assertion is None:
            if "expect" in raw:
                self.add(f"{where}: expect {describe(text)} is unknown{suggest(str(text), kinds)}; "
                         f"use one of {', '.join(kinds)}")
            return None
        if assertion is Assertion.WITHIN_PLAUSIBLE_RANGE and variables is not None:
            if any(v not in self.indicators.values() for v in variables):
                self.add(f"{where}: 'within_plausible_range' applies to indicators only "
                         "(their [[range]] entries)")
        if assertion.across_cases and (sweep is None or sweep.mode is not SweepMode.LEVER):
            self.add(f"{where}: '{assertion.value}' compares the runs of a lever sweep; add "
                     "sweep = { lever = ..., steps = ... } to the check")
        value = self._value(raw, where, assertion)
        bounds = self._range(raw, where, assertion)
        relative_to = None
        if "relative_to" in raw:
            if not (is_number(value) or bounds is not None):
                self.add(f"{where}: 'relative_to' scales a number: use it with 'value' = number or 'range'")
            relative_to = self.time(raw["relative_to"], f"{where}: 'relative_to'")
        years = self._years(raw.get("years"), where)
        tol = {k: self.number(raw[k], f"{where}: '{k}'") for k in ("rtol", "atol") if k in raw}
        for k, v in tol.items():
            if v is not None and v < 0:
                self.add(f"{where}: '{k}' must be >= 0, got {v:g}")
        if len(self.check.problems) > n0:
            return None
        return Expectation(assertion, variables, years, value, bounds, relative_to,
                           **{k: v for k, v in tol.items()})

    def _targets(self, raw: dict, where: str) -> tuple[str, ...] | None:
        """The model-spelled names an expectation is about: its variable, or its group's members."""
        if ("variable" in raw) == ("group" in raw):
            self.add(f"{where}: give exactly one of 'variable' (an indicator id or Vensim name) "
                     "or 'group' ('stocks', 'indicators' or 'variables')")
            return None
        if "variable" in raw:
            if "except" in raw:
                self.add(f"{where}: 'except' belongs to a group")
            name = self.variable(raw["variable"], where)
            return None if name is None else (name,)
        groups = [g.value for g in Group]
        group = next((g for g in Group if g.value == raw["group"]), None)
        if group is None:
            self.add(f"{where}: group {describe(raw['group'])} is unknown{suggest(str(raw['group']), groups)}")
            return None
        members = {Group.STOCKS: self.stocks, Group.INDICATORS: tuple(self.indicators.values()),
                   Group.VARIABLES: tuple(self.outputs.values())}[group]
        skip = raw.get("except", [])
        if not isinstance(skip, list):
            self.add(f"{where}: 'except' must be a list of names")
            skip = []
        dropped = {self.variable(name, f"{where} except") for name in skip}
        for name in dropped - set(members) - {None}:
            self.add(f"{where}: except '{name}' is not one of the {group.value}")
        return tuple(m for m in members if m not in dropped)

    def _value(self, raw: dict, where: str, assertion: Assertion) -> float | str | None:
        if not assertion.needs_value:
            if "value" in raw:
                self.add(f"{where}: '{assertion.value}' takes no 'value'")
            return None
        if "value" not in raw:
            self.add(f"{where}: '{assertion.value}' needs a 'value' (a number or a variable name)")
            return None
        if isinstance(raw["value"], str):
            return self.variable(raw["value"], f"{where} value")
        return self.number(raw["value"], f"{where}: 'value'")

    def _range(self, raw: dict, where: str, assertion: Assertion) -> tuple[float, float] | None:
        if assertion is not Assertion.WITHIN:
            if "range" in raw:
                self.add(f"{where}: '{assertion.value}' takes no 'range'")
            return None
        pair = raw.get("range")
        if not (isinstance(pair, list) and len(pair) == 2):
            self.add(f"{where}: 'within' needs range = [low, high]")
            return None
        lo, hi = (self.number(v, f"{where}: 'range'") for v in pair)
        if lo is None or hi is None:
            return None
        if lo > hi:
            self.add(f"{where}: range [{lo:g}, {hi:g}] has low > high")
            return None
        return lo, hi

    def _years(self, raw: Any, where: str) -> tuple[float, float]:
        if raw is None:
            return self.first, self.last
        if is_number(raw):
            raw = [raw, raw]
        if not (isinstance(raw, list) and len(raw) == 2):
            self.add(f"{where}: 'years' must be [first, last] (model times, inclusive) or one year")
            return self.first, self.last
        first, last = (self.time(v, f"{where}: 'years'") for v in raw)
        if first is not None and last is not None and first > last:
            self.add(f"{where}: years [{first:g}, {last:g}] run backwards; write [first, last]")
        return (first if first is not None else self.first, last if last is not None else self.last)


def _check(b: _Binder, raw: Any, index: int, seen: set[str]) -> Check | None:
    where = f"[[check]] #{index + 1}"
    if not isinstance(raw, dict):
        b.add(f"{where} must be a table")
        return None
    n0 = len(b.check.problems)
    check_id = raw.get("id")
    if isinstance(check_id, str) and SNAKE_CASE.match(check_id):
        where = f"check '{check_id}'"
        if check_id in seen:
            b.add(f"{where}: the id is used twice; give each check its own id")
        seen.add(check_id)
    elif "id" in raw:
        b.add(f"{where}: id {describe(check_id)} must be snake_case (a-z, 0-9, _)")
    b.check.keys(raw, where, required=_CHECK, optional=_CHECK_OPTIONAL)
    texts = {k: b.check.string(raw, k, where, "") for k in ("description", "description_zh", "known_failure")}
    if "description" in raw and not texts["description"].strip():
        b.add(f"{where}: 'description' must say in words what the check expects")
    condition = b.condition(raw.get("condition"), where)
    sweep = b.sweep(raw["sweep"], where) if "sweep" in raw else None
    if sweep is not None and condition is not None and sweep.lever in condition.levers:
        b.add(f"{where}: the condition sets the swept lever '{sweep.lever}'; remove one of them")
    expects = raw.get("expect", [])
    if not isinstance(expects, list) or not expects:
        if "expect" in raw:
            b.add(f"{where}: write its expectations as [[check.expect]] tables (at least one)")
        expects = []
    expectations = [b.expectation(e, f"{where} expect #{i + 1}", sweep) for i, e in enumerate(expects)]
    if len(b.check.problems) > n0:
        return None
    return Check(check_id, texts["description"], condition, tuple(expectations), sweep,
                 texts["description_zh"], texts["known_failure"])


def load_checks(path: str | os.PathLike[str], model: "Model") -> ChecksFile:
    """Read and validate a checks file for *model*.

    Parameters
    ----------
    path : path-like
        The checks file (``model/checks.toml`` for the bundled model).
    model : gzsim.Model
        The model the checks are about: its catalogue (lever ids and ranges,
        indicators) and its ``.mdl`` (variable names, stocks, run times).

    Returns
    -------
    ChecksFile

    Raises
    ------
    ChecksError
        Listing every problem in the file, each naming the check or range.

    Examples
    --------
    >>> import gzsim
    >>> from gzsim.checks import default_checks_path
    >>> model = gzsim.load_model()
    >>> checks = load_checks(default_checks_path(model), model)
    >>> checks.checks[0].id
    'no_rd_knowledge_only_decays'
    """
    path = Path(path)
    data = read_toml(path, ChecksError, "checks")
    b = _Binder(path, model, stock_variables(model.catalogue.model_file))
    b.check.keys(data, "checks file", required=("check",), optional=_TOP)
    ranges = load_ranges(b, data)
    seen: set[str] = set()
    checks = [_check(b, raw, i, seen) for i, raw in enumerate(b.check.array_of_tables(data, "check"))]
    if data.get("check") == []:
        b.add("the file has no [[check]] entries; add at least one")
    if b.check.problems:
        raise ChecksError(path=path, problems=b.check.problems)
    return ChecksFile(resolved(path), tuple(checks), MappingProxyType(ranges), b.stocks)
