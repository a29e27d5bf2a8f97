"""Bind checked settings to the model and the data: names, rows, times.

:func:`prepare` resolves every name against the compiled model and the
catalogue, selects the data rows each ``[[observation]]`` names, and checks
the data (numbers, known kinds, conflicting duplicates, times inside the
simulation).  All problems of the settings file and the data file are
reported together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._toml import closest, suggest
from ..catalogue import vensim_key
from ..engine import compile_model
from ..errors import Problem
from ..sampling import Distribution
from .errors import CalibrationError
from .observations import (KIND_MEASURES, Observation, _MEASURE_PERIOD, measure_times, parse_period,
                           read_table, row_problems)
from .priors import describe_prior
from .settings import ObservationSpec, Settings

__all__ = ["FreeParameter", "Setup", "prepare"]


@dataclass(frozen=True)
class FreeParameter:
    """A parameter to estimate, resolved against the model."""

    name: str               # the model's spelling of the Vensim constant
    id: str | None          # catalogue id, when the catalogue lists it
    lower: float
    upper: float
    prior: Distribution
    prior_source: str       # "catalogue" or "settings"
    default: float          # value in the model file
    why: str
    profile: bool = True    # profiled for identifiability (False: drawn with its prior by the MCMC)

    @property
    def prior_text(self) -> str:
        return f"{describe_prior(self.prior)} [{self.prior_source}]"


@dataclass(frozen=True)
class Setup:
    """Everything a calibration run needs, checked.

    Attributes
    ----------
    rows : pandas.DataFrame
        Every data row of the region with columns ``line, indicator, period,
        kind, value, unit, status`` (how the row is used, or why not).
    fit_final_time : float
        The last time any observation reads (runs during fitting stop there).
    """

    settings: Settings
    model: object
    free: tuple[FreeParameter, ...]
    fixed: dict
    observations: tuple[Observation, ...]
    rows: pd.DataFrame
    fit_final_time: float

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.free]

    @property
    def bounds(self) -> np.ndarray:
        return np.array([[p.lower, p.upper] for p in self.free], dtype=float)


class _Names:
    """The model's variable names, matched the way Vensim matches them."""

    def __init__(self, model) -> None:
        self.model = model
        self.by_key = {vensim_key(n): n.strip('"') for n in model.variable_names}
        self.constants = {vensim_key(n) for n in model.constants}
        self.tables = {vensim_key(n) for n in model.variable_names} - {
            vensim_key(n) for n in model.columns}

    def spell(self, name: str) -> str | None:
        return self.by_key.get(vensim_key(name))

    def hint(self, name: str) -> str:
        best = closest(vensim_key(name), self.by_key)
        return f"; did you mean '{self.by_key[best]}'?" if best else ""


def _free(settings: Settings, names: _Names, add) -> list[FreeParameter]:
    cat = settings.catalogue
    by_id = {u.id: u for u in cat.uncertain} | {lv.id: lv for lv in cat.levers}
    uncertain_by_key = {vensim_key(u.vensim): u for u in cat.uncertain}
    out, seen = [], set()
    for spec in settings.free:
        if spec.id is not None:
            item = by_id.get(spec.id)
            if item is None:
                add(f"{spec.where}: id '{spec.id}' is not a catalogue parameter"
                    f"{suggest(spec.id, by_id)}; use its Vensim name with name = \"...\"")
                continue
            vensim = item.vensim
        else:
            vensim = spec.name
        spelled = names.spell(vensim)
        if spelled is None or vensim_key(vensim) not in names.constants:
            what = "not a variable of the model" if spelled is None else "not a constant (it has an equation)"
            add(f"{spec.where}: '{vensim}' is {what}{names.hint(vensim) if spelled is None else ''}; "
                f"free parameters must be model constants")
            continue
        key = vensim_key(vensim)
        if key in seen:
            add(f"{spec.where}: '{spelled}' is listed twice in [[free]]")
            continue
        seen.add(key)
        unc = uncertain_by_key.get(key)
        prior, source = spec.prior, "settings"
        if prior is None:
            if unc is None:
                add(f"{spec.where}: '{spelled}' has no [[uncertain]] prior in the catalogue; give "
                    f"prior = {{ distribution = ..., ... }} with its source in 'why'")
                continue
            prior, source = unc.distribution, "catalogue"
        lo, hi = spec.bounds if spec.bounds is not None else prior.bounds
        default = float(names.model.constants[next(n for n in names.model.constants
                                                   if vensim_key(n) == key)])
        out.append(FreeParameter(spelled, unc.id if unc else spec.id, lo, hi, prior, source,
                                 default, spec.why, spec.profile))
    return out


def _fixed(settings: Settings, names: _Names, free_keys: set[str], add) -> dict:
    out = {}
    for name, value in settings.fixed.items():
        spelled = names.spell(name)
        if spelled is None:
            add(f"[fixed] '{name}' is not a variable of the model{names.hint(name)}")
            continue
        key = vensim_key(name)
        if key in free_keys:
            add(f"[fixed] '{name}' is also a [[free]] parameter; fix it or free it, not both")
        elif isinstance(value, dict):
            if key not in names.tables:
                add(f"[fixed] '{name}' is not a lookup table; give a number, not a table")
            else:
                xs = sorted(value)
                out[spelled] = pd.Series([value[x] for x in xs], index=pd.Index(xs, dtype=float))
        elif key not in names.constants:
            add(f"[fixed] '{name}' is not a constant of the model; only constants and lookup "
                f"tables can be fixed")
        else:
            out[spelled] = float(value)
    return out


def _output(spec: ObservationSpec, settings: Settings, names: _Names) -> tuple[str | None, str, str]:
    """(model spelling, id for display, problem text) of the observation's output."""
    indicators = {i.id: i for i in settings.catalogue.indicators}
    wanted = spec.output if spec.output is not None else spec.indicator
    if wanted in indicators:
        spelled = names.spell(indicators[wanted].vensim)
        return spelled, wanted, "" if spelled else f"catalogue indicator '{wanted}' is not in the model"
    spelled = names.spell(wanted)
    if spelled is not None and spec.output is not None:
        return spelled, spelled, ""
    if spec.output is None:
        return None, wanted, (f"unknown indicator '{wanted}': not a catalogue indicator id"
                              f"{suggest(wanted, indicators)}; set output = \"<indicator id or "
                              f"Vensim variable>\" or list the rows under [[skip]]")
    return None, wanted, (f"output '{wanted}' is neither a catalogue indicator id nor a model "
                          f"variable{names.hint(wanted)}")


def _observation(spec: ObservationSpec, region: pd.DataFrame, settings: Settings, names: _Names,
                 t0: float, tf: float, add, data_path: Path) -> tuple[Observation | None, list[int]]:
    sel = region[(region["indicator"] == spec.indicator) & (region["period"] == spec.period)]
    if spec.kind is not None:
        sel = sel[sel["kind"] == spec.kind]
    if sel.empty:
        periods = sorted(set(region.loc[region["indicator"] == spec.indicator, "period"]))
        known = f" (periods in the data: {', '.join(periods)})" if periods else \
            suggest(spec.indicator, set(region["indicator"]))
        add(f"{spec.where}: no row of region '{settings.region}' with indicator '{spec.indicator}', "
            f"period '{spec.period}'{f', kind {spec.kind!r}' if spec.kind else ''}{known}")
        return None, []
    if sel["kind"].nunique() > 1:
        kinds = ", ".join(f"line {ln}: {k}" for ln, k in zip(sel["line"], sel["kind"]))
        add(f"{spec.where}: matches rows of several kinds ({kinds}); add kind = \"...\"")
        return None, list(sel["line"])
    row = sel.iloc[0]
    line = int(row["line"])
    at = f"{data_path.name} line {line} ({spec.indicator} {spec.period}, {row['kind']})"
    n0 = len(add.problems)
    try:
        value = float(row["value"])
    except ValueError:
        value = math.nan  # reported with the row's line by row_problems, with every other bad row
    allowed = KIND_MEASURES.get(row["kind"])
    if allowed is None:
        add(f"{at}: kind '{row['kind']}' is unknown{suggest(row['kind'], KIND_MEASURES)} (known: "
            f"{', '.join(KIND_MEASURES)})", path=data_path)
    elif spec.measure not in allowed:
        add(f"{spec.where}: a row of kind '{row['kind']}' is compared with measure "
            f"'{allowed[0]}', not '{spec.measure}'")
    if row["kind"] == "cagr_lower_bound" and spec.constraint != "lower_bound":
        add(f"{spec.where}: a cagr_lower_bound row is a one-sided constraint; use constraint = "
            f"\"lower_bound\"")
    period = parse_period(row["period"])
    if period is None:
        add(f"{at}: period '{row['period']}' is not a year (2020), a month (2020-09) or a span "
            f"(2016-2020)", path=data_path)
    elif period.shape != _MEASURE_PERIOD[spec.measure]:
        add(f"{spec.where}: measure '{spec.measure}' needs a {_MEASURE_PERIOD[spec.measure]} "
            f"period, but '{row['period']}' is a {period.shape}")
    spelled, out_id, problem = _output(spec, settings, names)
    if problem:
        add(f"{spec.where} ({data_path.name} line {line}): {problem}")
    if spec.scale == "log" and value <= 0 and spec.measure != "cagr":
        add(f"{spec.where}: value {value:g} cannot be compared on the log scale; use scale = "
            f"\"relative\" or \"absolute\"")
    if spec.measure == "cagr" and spec.scale != "absolute":
        add(f"{spec.where}: a growth rate can be near zero or negative; use scale = \"absolute\" "
            f"with sigma in growth units (after factor)")
    if period is not None and period.shape == _MEASURE_PERIOD[spec.measure]:
        times = measure_times(spec.measure, period)
        if min(times) < t0 - 1e-9 or max(times) > tf + 1e-9:
            add(f"{at}: reads model TIME {min(times):g}" +
                (f" to {max(times):g}" if len(times) > 1 else "") +
                f", outside the simulated time {t0:g}-{tf:g}; remove it from [[observation]] "
                f"(list it under [[skip]] with the reason)")
    if len(add.problems) > n0 or not math.isfinite(value):
        return None, [line]
    return Observation(line, row["region"], row["indicator"], row["period"], row["kind"], value,
                       row["unit"], row["source"], row["note"], spelled, out_id, spec.measure,
                       spec.constraint, spec.sigma, spec.scale, spec.factor, spec.objective,
                       spec.why, times), [line]


class _Sink:
    """Collects problems; ``sink(message, path=...)`` adds one (default: the settings file)."""

    def __init__(self, default: Path) -> None:
        self.default = default
        self.problems: list[Problem] = []

    def __call__(self, message: str, *, path: Path | None = None) -> None:
        self.problems.append(Problem(message, path or self.default))


def prepare(settings: Settings) -> Setup:
    """Resolve *settings* against its model and data.

    Raises
    ------
    CalibrationError
        Every problem found, in the settings file or in the data file.
    gzsim.errors.EngineError
        The model cannot be compiled.
    """
    add = _Sink(settings.path)
    model = compile_model(settings.catalogue.model_file)
    names = _Names(model)
    free = _free(settings, names, add)
    fixed = _fixed(settings, names, {vensim_key(p.name) for p in free}, add)
    t0, tf = float(model.initial_time), float(model.final_time)
    data_path = settings.observations_path
    try:
        table = read_table(data_path)
    except CalibrationError as exc:
        raise CalibrationError(path=settings.path, problems=[*add.problems, *exc.problems]) from None
    region = table[table["region"] == settings.region].copy()
    if region.empty:
        add(f"no rows of region '{settings.region}' in {data_path.name} (regions: "
            f"{', '.join(sorted(set(table['region'])))}); fix 'region'")
    add.problems.extend(row_problems(table, data_path))
    observations, used = [], {}
    for spec in settings.observations:
        obs, lines = _observation(spec, region, settings, names, t0, tf, add, data_path)
        for ln in lines:
            if ln in used and obs is not None:
                add(f"{spec.where}: {data_path.name} line {ln} is already used by {used[ln]}")
            used.setdefault(ln, spec.where)
        if obs is not None:
            observations.append(obs)
    status = {}
    for obs in observations:
        status[obs.line] = (f"{'fitted' if obs.objective else 'checked only'}: {obs.measure} of "
                            f"'{obs.output_id}', {obs.constraint}, sigma {obs.sigma:g} ({obs.scale})")
    for skip in settings.skips:
        mask = region["indicator"] == skip.indicator
        if skip.period is not None:
            mask &= region["period"] == skip.period
        if skip.kind is not None:
            mask &= region["kind"] == skip.kind
        if not mask.any():
            add(f"{skip.where}: matches no row of region '{settings.region}'; remove it or fix it")
        for ln in region.loc[mask, "line"]:
            if ln in used:
                add(f"{skip.where}: {data_path.name} line {ln} is also used by {used[ln]}")
            status.setdefault(int(ln), f"skipped: {skip.why}")
    if add.problems:
        raise CalibrationError(path=settings.path, problems=add.problems)
    region["status"] = [status.get(int(ln), "not listed in the settings: not used")
                        for ln in region["line"]]
    last = max(max(o.times) for o in observations)
    # at least one year: observations of the initial time alone (a 2015 hindcast) still need
    # two saved times to interpolate between
    fit_final = min(tf, max(float(math.ceil(last - 1e-9)), t0 + 1.0))
    return Setup(settings, model, tuple(free), fixed, tuple(observations),
                 region[["line", "indicator", "period", "kind", "value", "unit", "source",
                         "status"]].reset_index(drop=True), fit_final)
