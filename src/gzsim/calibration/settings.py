"""The calibration settings file (``calibration/settings.toml``): read and check its structure.

Every problem in the file is collected and reported at once (file, item,
fix), as for the other gzsim input files.  Whether the names exist in the
model and the selected rows exist in the data is checked afterwards by
:func:`gzsim.calibration.setup.prepare`, which has the model and the data.

Layout (paths relative to the settings file)::

    region = "Ganzhou"                  # rows of the observations file to use
    observations = "observations.csv"
    model = "../model/levers.toml"      # the catalogue (names its .mdl)
    seed = 20251                        # optional default seed
    targets = "../scenarios/targets/plan_2025.toml"   # optional, for the outlook
    outlook_year = 2025                 # optional

    [fixed]                             # optional Vensim constant / lookup overrides
    "ST budget 2015" = 17.5
    "GDP history" = { 2013 = 1917.0, 2020 = 3657.26 }

    [[free]]                            # at most 12 profiled ones
    name = "potential firms per GDP"    # or id = "<catalogue id>"
    prior = "catalogue"                 # or { distribution = "uniform", min = .., max = .. }
    bounds = [0.5, 1.0]                 # optional: default the prior's range
    profile = true                      # optional; false: estimated and sampled by the MCMC
                                        # with its prior, not profiled (parameters the data
                                        # cannot pin, drawn consistently with the fit)
    why = "..."

    [[observation]]
    indicator = "high_tech_firms"       # selects data rows: indicator + period (+ kind)
    period = "2020-09"
    kind = "as_of"
    output = "high_tech_firms"          # catalogue indicator id or Vensim name (default: indicator)
    measure = "value_at_month"          # level | value_at_month | sum | mean | cagr
    constraint = "point"                # point | lower_bound | upper_bound
    sigma = 0.1                         # error scale (on the scale below)
    scale = "log"                       # log | relative | absolute
    factor = 1.0                        # data value x factor = model units
    objective = true                    # false: reported in the fit table only
    why = "..."

    [[skip]]                            # rows deliberately not used
    indicator = "gdp"
    why = "..."

    [[lookahead]]                       # optional: an input set from a row a hindcast from
    indicator = "patent_grants"         # before it must not see (gzsim backtest only; layout
    period = "2020"                     # and actions: gzsim.calibration.lookahead)
    input = "..."
    action = "unscored"                 # prior | unscored | condition
    unscored = ["patent_grants 2020"]
    why = "..."

    [discrepancy]                       # optional: the model-discrepancy term of forecasts
    sigma = 0.1                         # sd of the log (logit for shares) error per sqrt(year)
    why = "..."                         # how it was set (gzsim backtest)

    [optimiser]  popsize, maxiter, tol, polish       (gzsim.calibration.budget)
    [profile]    points, refine, local_evals
    [mcmc]       walkers, steps, burn, min_sets, max_sets
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .._toml import Checker, describe, is_number, read_toml
from ..catalogue import Catalogue, load_catalogue
from ..errors import CatalogueError
from ..sampling import Distribution, parse_distribution
from .budget import Budget, read_budget
from .errors import CalibrationError
from .lookahead import LookaheadSpec, parse_lookahead

__all__ = ["FreeSpec", "ObservationSpec", "SkipSpec", "Settings", "load_settings",
           "MEASURES", "CONSTRAINTS", "SCALES", "MAX_FREE"]

MEASURES = ("level", "value_at_month", "sum", "mean", "cagr")
CONSTRAINTS = ("point", "lower_bound", "upper_bound")
SCALES = ("log", "relative", "absolute")
#: Brief §5: free at most 10-12 parameters in total.  Counted: the profiled ones; those marked
#: ``profile = false`` are sampled by the MCMC mostly from their priors, not fitted as such.
MAX_FREE = 12

_TOP = ("region", "observations", "model")
_TOP_OPTIONAL = ("title", "seed", "targets", "outlook_year", "fixed", "free", "observation",
                 "skip", "optimiser", "profile", "mcmc", "discrepancy", "lookahead")
_OBS_KEYS = ("indicator", "period", "measure", "constraint", "sigma", "why")
_OBS_OPTIONAL = ("kind", "output", "scale", "factor", "objective")


@dataclass(frozen=True)
class FreeSpec:
    """A ``[[free]]`` entry as written: a parameter to estimate."""

    name: str | None          # Vensim name as written (None when given by id)
    id: str | None            # catalogue id as written
    prior: Distribution | None  # None: take the catalogue's prior
    bounds: tuple[float, float] | None
    why: str
    where: str
    profile: bool = True      # False: estimated and sampled, but not profiled (see prepare)


@dataclass(frozen=True)
class ObservationSpec:
    """An ``[[observation]]`` entry: which data row, and how it maps onto model output."""

    indicator: str
    period: str
    kind: str | None
    output: str | None
    measure: str
    constraint: str
    sigma: float
    scale: str
    factor: float
    objective: bool
    why: str
    where: str


@dataclass(frozen=True)
class DiscrepancySpec:
    """The ``[discrepancy]`` table: the model-discrepancy sigma forecasts carry, and why."""

    sigma: float      # sd of the log (logit for shares) error per square-root year after the data
    why: str


@dataclass(frozen=True)
class SkipSpec:
    """A ``[[skip]]`` entry: data rows deliberately not used, and why."""

    indicator: str
    period: str | None
    kind: str | None
    why: str
    where: str


@dataclass(frozen=True)
class Settings:
    """A checked settings file (structure only; see :func:`~gzsim.calibration.setup.prepare`)."""

    path: Path
    sha256: str
    title: str
    region: str
    observations_path: Path
    catalogue: Catalogue
    seed: int | None
    targets_path: Path | None
    outlook_year: int | None
    fixed: dict[str, Any]
    free: tuple[FreeSpec, ...]
    observations: tuple[ObservationSpec, ...]
    skips: tuple[SkipSpec, ...]
    budget: Budget = field(default_factory=Budget)
    discrepancy: "DiscrepancySpec | None" = None
    lookahead: tuple[LookaheadSpec, ...] = ()

    def with_budget(self, **changes: Any) -> "Settings":
        """A copy with some budget fields changed (e.g. a short chain in tests)."""
        return replace(self, budget=replace(self.budget, **changes))


def _period(check: Checker, table: dict[str, Any], where: str, required: bool) -> str | None:
    value = table.get("period")
    if value is None:
        if required:
            check.add(f"{where}: missing required key 'period'")
        return None
    if is_number(value) and float(value).is_integer():
        return str(int(value))
    if not isinstance(value, str) or not value.strip():
        check.add(f"{where}: 'period' must be a year, a month '2020-09' or a span '2016-2020' "
                  f"as written in the data, got {describe(value)}")
        return None
    return value.strip()


def _choice(check: Checker, table: dict[str, Any], key: str, where: str, choices: tuple[str, ...],
            default: str | None = None) -> str | None:
    value = check.string(table, key, where, default)
    if value is not None and value not in choices:
        check.add(f"{where}: {key} '{value}' is unknown; use one of {', '.join(choices)}")
        return None
    return value


def _free(check: Checker, table: dict[str, Any], where: str) -> FreeSpec | None:
    n0 = len(check.problems)
    check.keys(table, where, required=("why",), optional=("name", "id", "prior", "bounds", "profile"))
    name, pid = check.string(table, "name", where), check.string(table, "id", where)
    if (name is None) == (pid is None):
        check.add(f"{where}: give exactly one of 'name' (Vensim name) or 'id' (catalogue id)")
    prior: Distribution | None = None
    raw = table.get("prior", "catalogue")
    if isinstance(raw, dict):
        prior = parse_distribution(raw, where=f"{where} prior", check=check)
    elif raw != "catalogue":
        check.add(f"{where}: prior must be \"catalogue\" or a table such as "
                  f"{{ distribution = \"uniform\", min = 0, max = 1 }}, got {describe(raw)}")
    bounds = None
    if "bounds" in table:
        raw_b = table["bounds"]
        if not isinstance(raw_b, list) or len(raw_b) != 2:
            check.add(f"{where}: bounds must be [lower, upper], got {describe(raw_b)}")
        else:
            lo, hi = (check.finite(v, f"{where}: bounds") for v in raw_b)
            if lo is not None and hi is not None:
                if not lo < hi:
                    check.add(f"{where}: lower bound {lo:g} must be below upper bound {hi:g}")
                bounds = (lo, hi)
    if prior is not None and bounds is not None:
        plo, phi = prior.bounds
        if bounds[0] < plo or bounds[1] > phi:
            check.add(f"{where}: bounds [{bounds[0]:g}, {bounds[1]:g}] reach outside the prior's "
                      f"range [{plo:g}, {phi:g}]; narrow the bounds")
    if prior is not None and bounds is None and not all(map(_finite, prior.bounds)):
        check.add(f"{where}: a {prior.kind} prior without min and max needs bounds = [lower, upper]")
    why = check.string(table, "why", where)
    profile = table.get("profile", True)
    if not isinstance(profile, bool):
        check.add(f"{where}: profile must be true or false, got {describe(profile)}")
    if len(check.problems) > n0:
        return None
    return FreeSpec(name, pid, prior, bounds, why or "", where, profile)


def _discrepancy(check: Checker, data: dict[str, Any]) -> DiscrepancySpec | None:
    table = data.get("discrepancy")
    if table is None:
        return None
    where = "[discrepancy]"
    if not isinstance(table, dict):
        check.add(f"{where} must be a table with sigma and why")
        return None
    n0 = len(check.problems)
    check.keys(table, where, required=("sigma", "why"), optional=())
    sigma = check.finite(table.get("sigma"), f"{where}: sigma") if "sigma" in table else None
    if sigma is not None and not 0 <= sigma <= 2:
        check.add(f"{where}: sigma {sigma:g} must be within 0-2 (sd of a log error per "
                  f"square-root year); estimate it with gzsim backtest")
    why = check.string(table, "why", where)
    if len(check.problems) > n0 or sigma is None:
        return None
    return DiscrepancySpec(float(sigma), why or "")


def _finite(x: float) -> bool:
    return abs(x) != float("inf")


def _observation(check: Checker, table: dict[str, Any], where: str) -> ObservationSpec | None:
    n0 = len(check.problems)
    check.keys(table, where, required=_OBS_KEYS, optional=_OBS_OPTIONAL)
    indicator = check.string(table, "indicator", where)
    period = _period(check, table, where, required=False)
    kind, output = check.string(table, "kind", where), check.string(table, "output", where)
    measure = _choice(check, table, "measure", where, MEASURES)
    constraint = _choice(check, table, "constraint", where, CONSTRAINTS)
    scale = _choice(check, table, "scale", where, SCALES, "log")
    sigma = check.number(table, "sigma", where)
    if sigma is not None and sigma <= 0:
        check.add(f"{where}: sigma must be positive, got {sigma:g}")
    factor = check.number(table, "factor", where)
    if factor is not None and factor <= 0:
        check.add(f"{where}: factor must be positive, got {factor:g}")
    objective = check.boolean(table, "objective", where, True)
    why = check.string(table, "why", where)
    if why is not None and not why.strip():
        check.add(f"{where}: 'why' is empty; say why this row is used this way")
    if len(check.problems) > n0:
        return None
    return ObservationSpec(indicator, period, kind, output, measure, constraint, sigma,  # type: ignore[arg-type]
                           scale, factor if factor is not None else 1.0, objective, why, where)  # type: ignore[arg-type]


def _skip(check: Checker, table: dict[str, Any], where: str) -> SkipSpec | None:
    n0 = len(check.problems)
    check.keys(table, where, required=("indicator", "why"), optional=("period", "kind"))
    indicator = check.string(table, "indicator", where)
    period = _period(check, table, where, required=False)
    kind, why = check.string(table, "kind", where), check.string(table, "why", where)
    if len(check.problems) > n0:
        return None
    return SkipSpec(indicator, period, kind, why, where)  # type: ignore[arg-type]


def _fixed(check: Checker, data: dict[str, Any]) -> dict[str, Any]:
    table = data.get("fixed", {})
    if not isinstance(table, dict):
        check.add("[fixed] must be a table of Vensim name = value")
        return {}
    out: dict[str, Any] = {}
    for name, value in table.items():
        where = f"[fixed] '{name}'"
        if isinstance(value, dict):
            points = {}
            for year, v in value.items():
                try:
                    x = float(year)
                except ValueError:
                    check.add(f"{where}: key '{year}' must be a number (a year or lookup x)")
                    continue
                y = check.finite(v, f"{where}: value at {year}")
                if y is not None:
                    points[x] = y
            if not points:
                check.add(f"{where}: a lookup override needs at least one {{x = y}} point")
            out[name] = points
        else:
            v = check.finite(value, where)
            if v is not None:
                out[name] = v
    return out


def _path(check: Checker, data: dict[str, Any], key: str, base: Path, required: bool) -> Path | None:
    name = check.string(data, key, "settings")
    if name is None:
        return None
    path = (base / name).resolve()
    if not path.is_file():
        check.add(f"'{key}' file '{name}' not found (looked for {path}); fix the path, which is "
                  f"relative to the settings file")
        return None
    return path


def load_settings(path: str | os.PathLike[str], *, catalogue: str | os.PathLike[str] | None = None
                  ) -> Settings:
    """Read and check a calibration settings file.

    Parameters
    ----------
    path : path-like
        The settings TOML file.
    catalogue : path-like, optional
        Use this catalogue instead of the settings' ``model`` entry.

    Returns
    -------
    Settings

    Raises
    ------
    CalibrationError
        Listing every problem in the file (and in the catalogue it names).
    """
    path = Path(path)
    raw = path.read_bytes() if path.is_file() else b""
    data = read_toml(path, CalibrationError, "calibration settings")
    check = Checker(path)
    check.keys(data, "settings", required=_TOP, optional=_TOP_OPTIONAL)
    base = path.resolve().parent
    region = check.string(data, "region", "settings")
    title = check.string(data, "title", "settings", f"{region} calibration")
    obs_path = _path(check, data, "observations", base, True)
    targets_path = _path(check, data, "targets", base, False) if "targets" in data else None
    cat: Catalogue | None = None
    cat_path = Path(catalogue) if catalogue is not None else _path(check, data, "model", base, True)
    if cat_path is not None:
        try:
            cat = load_catalogue(cat_path)
        except CatalogueError as exc:
            check.problems.extend(exc.problems)
    seed = check.integer(data, "seed", "settings")
    if seed is not None and seed < 0:
        check.add(f"seed must be >= 0, got {seed}")
    outlook = check.integer(data, "outlook_year", "settings")
    fixed = _fixed(check, data)
    free = [_free(check, t, f"[[free]] #{i + 1} ({t.get('name') or t.get('id')})")
            for i, t in enumerate(check.array_of_tables(data, "free"))]
    obs = [_observation(check, t, f"[[observation]] #{i + 1} ({t.get('indicator')} "
                                  f"{t.get('period')})")
           for i, t in enumerate(check.array_of_tables(data, "observation"))]
    skips = [_skip(check, t, f"[[skip]] #{i + 1} ({t.get('indicator')})")
             for i, t in enumerate(check.array_of_tables(data, "skip"))]
    if not free:
        check.add("no [[free]] parameters; give at least one parameter to estimate")
    elif sum(1 for f in free if f is None or f.profile) > MAX_FREE:
        n = sum(1 for f in free if f is None or f.profile)
        check.add(f"{n} profiled [[free]] parameters; free at most {MAX_FREE} (brief §5): fix "
                  f"the rest in [fixed], leave them at their model values, or mark those the "
                  f"data cannot pin 'profile = false' (sampled with their prior)")
    if not any(o is not None and o.objective for o in obs) and obs:
        check.add("no [[observation]] has objective = true; nothing to fit")
    elif not obs:
        check.add("no [[observation]] entries; nothing to fit")
    budget = read_budget(check, data)
    discrepancy = _discrepancy(check, data)
    lookahead = parse_lookahead(check, data, [f"{o.indicator} {o.period}" for o in obs if o is not None])
    if check.problems:
        raise CalibrationError(path=path, problems=check.problems)
    return Settings(path=path.resolve(), sha256=hashlib.sha256(raw).hexdigest(), title=title or "",
                    region=region, observations_path=obs_path, catalogue=cat,  # type: ignore[arg-type]
                    seed=seed, targets_path=targets_path, outlook_year=outlook, fixed=fixed,
                    free=tuple(free), observations=tuple(obs), skips=tuple(skips),  # type: ignore[arg-type]
                    budget=budget, discrepancy=discrepancy, lookahead=lookahead)
