"""The lever catalogue (``model/levers.toml``): levers, uncertain parameters, indicators.

:func:`load_catalogue` checks the file on its own (fields, types, ranges,
unique ids).  Whether every ``vensim`` name exists in the model is checked
later by :func:`gzsim.load_model`, which has the model's variable
names; see :meth:`Catalogue.check_names`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ._toml import SNAKE_CASE, Checker, closest, read_toml, suggest
from ._fs import not_a_file, resolved
from .errors import CatalogueError
from .sampling import Distribution, parse_distribution

__all__ = ["Lever", "Uncertain", "Indicator", "Catalogue", "load_catalogue", "vensim_key"]

_TEXT = ("label_en", "label_zh")
_LEVER_OPTIONAL = ("step", "group", "help_en", "help_zh", "source", "cost", "kind")
#: A policy lever is the municipality's to set; a scenario input (GDP growth, national tax
#: policy) describes the world the policy meets, and goal seeking does not move it.
LEVER_KINDS = ("policy", "scenario_input")
_UNCERTAIN_OPTIONAL = ("help_en", "help_zh", "source")
_INDICATOR_OPTIONAL = ("group", "help_en", "help_zh", "source")


def vensim_key(name: str) -> str:
    """Normalise a Vensim variable name the way Vensim compares names.

    Vensim ignores case, surrounding quotes, and treats runs of spaces and
    underscores alike, so ``"R&D intensity"`` and ``r&d_intensity`` are the
    same variable.
    """
    return " ".join(name.strip().strip('"').replace("_", " ").split()).lower()


class Bilingual:
    """Mixin for items with ``label_en`` and ``label_zh``."""

    label_en: str
    label_zh: str

    def label(self, lang: str = "en") -> str:
        """Label in *lang* (``"en"`` or ``"zh"``)."""
        return self.label_zh if lang == "zh" else self.label_en


@dataclass(frozen=True)
class Lever(Bilingual):
    """A policy lever: a model constant a scenario may set."""

    id: str
    vensim: str
    unit: str
    default: float
    min: float
    max: float
    label_en: str
    label_zh: str
    step: float | None = None
    group: str = "other"
    help_en: str = ""
    help_zh: str = ""
    source: str = ""
    cost: str = ""
    kind: str = "policy"


@dataclass(frozen=True)
class Uncertain(Bilingual):
    """A model constant whose value is uncertain; drawn in Monte-Carlo runs."""

    id: str
    vensim: str
    unit: str
    distribution: Distribution
    label_en: str
    label_zh: str
    help_en: str = ""
    help_zh: str = ""
    source: str = ""


@dataclass(frozen=True)
class Indicator(Bilingual):
    """A model variable reported in the results (its value at ``time == year``)."""

    id: str
    vensim: str
    unit: str
    label_en: str
    label_zh: str
    group: str = "other"
    help_en: str = ""
    help_zh: str = ""
    source: str = ""


@dataclass(frozen=True)
class Catalogue:
    """A validated lever catalogue.

    Attributes
    ----------
    path : pathlib.Path
        The catalogue file.
    model_file : pathlib.Path
        The Vensim model it describes (``[model] file``, relative to *path*).
    policy_start : int
        First year the levers act.  The model switches the levers on itself
        and follows its history before; gzsim passes lever values for the
        whole run and only checks that policy_start lies within it.
    levers, uncertain, indicators : tuple
        In file order.
    """

    path: Path
    model_file: Path
    policy_start: int
    levers: tuple[Lever, ...]
    uncertain: tuple[Uncertain, ...]
    indicators: tuple[Indicator, ...]

    def lever(self, lever_id: str) -> Lever:
        """The lever with id *lever_id* (``KeyError`` with a suggestion if unknown)."""
        for lever in self.levers:
            if lever.id == lever_id:
                return lever
        raise KeyError(f"lever '{lever_id}' is unknown{suggest(lever_id, self.lever_ids)}")

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with id *indicator_id*."""
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(f"indicator '{indicator_id}' is unknown"
                       f"{suggest(indicator_id, self.indicator_ids)}")

    @property
    def lever_ids(self) -> tuple[str, ...]:
        return tuple(lv.id for lv in self.levers)

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.indicators)

    def check_names(self, model_names: Iterable[str], *, model_label: str = "the model") -> dict[str, str]:
        """Check every ``vensim`` name against the model's variable names.

        Parameters
        ----------
        model_names : iterable of str
            The model's variable names (quotes allowed).
        model_label : str
            How to name the model in messages (its file name).

        Returns
        -------
        dict
            Catalogue ``vensim`` name -> the model's own spelling of it.

        Raises
        ------
        CatalogueError
            Listing every name that is not in the model.
        """
        by_key = {vensim_key(n): n.strip().strip('"') for n in model_names}
        check = Checker(self.path)
        spelled: dict[str, str] = {}
        items = [("lever", x) for x in self.levers] + [("uncertain", x) for x in self.uncertain] + [
            ("indicator", x) for x in self.indicators]
        for kind, item in items:
            key = vensim_key(item.vensim)
            if key in by_key:
                spelled[item.vensim] = by_key[key]
            else:
                close = closest(key, by_key)
                hint = f"; did you mean '{by_key[close]}'?" if close else ""
                check.add(f"{kind} '{item.id}': vensim name '{item.vensim}' is not a variable "
                          f"of {model_label}{hint}")
        if check.problems:
            raise CatalogueError(path=self.path, problems=check.problems)
        return spelled


def _texts(check: Checker, table: dict[str, Any], where: str, keys: Iterable[str]) -> dict[str, str]:
    out = {}
    for key in keys:
        value = check.string(table, key, where)
        if value is not None:
            out[key] = value
    return out


def _common(check: Checker, table: dict[str, Any], where: str, seen: dict[str, str],
            section: str) -> tuple[str | None, str | None, str | None]:
    """Check id (snake_case, unique within *seen*), vensim and unit."""
    lever_id = table.get("id")
    if lever_id is None:
        pass  # reported as a missing required key
    elif not isinstance(lever_id, str) or not SNAKE_CASE.match(lever_id):
        check.add(f"{where}: id must be a snake_case string (a-z, 0-9, _), got {lever_id!r}")
        lever_id = None
    elif lever_id in seen:
        check.add(f"{where}: id '{lever_id}' is used twice (also in [[{seen[lever_id]}]]); "
                  f"ids must be unique")
        lever_id = None
    else:
        seen[lever_id] = section
    vensim = check.string(table, "vensim", where)
    if vensim is not None and not vensim.strip():
        check.add(f"{where}: vensim name is empty")
        vensim = None
    unit = check.string(table, "unit", where)
    return lever_id, vensim, unit


def _lever(check: Checker, table: dict[str, Any], where: str, seen: dict[str, str]) -> Lever | None:
    n0 = len(check.problems)
    check.keys(table, where, required=("id", "vensim", "unit", "default", "min", "max", *_TEXT),
               optional=_LEVER_OPTIONAL)
    lever_id, vensim, unit = _common(check, table, where, seen, "lever")
    default, lo, hi = (check.number(table, k, where) for k in ("default", "min", "max"))
    step = check.number(table, "step", where)
    if step is not None and step <= 0:
        check.add(f"{where}: step must be positive, got {step:g}")
    if None not in (default, lo, hi):
        if not lo < hi:
            check.add(f"{where}: min {lo:g} must be below max {hi:g}")
        elif not lo <= default <= hi:
            check.add(f"{where}: default {default:g} is outside [min, max] = [{lo:g}, {hi:g}]")
    texts = _texts(check, table, where, (*_TEXT, "group", "help_en", "help_zh", "source", "cost", "kind"))
    if texts.get("kind", "policy") not in LEVER_KINDS:
        check.add(f"{where}: kind '{texts['kind']}' is unknown{suggest(texts['kind'], LEVER_KINDS)} "
                  f"(use {' or '.join(LEVER_KINDS)})")
    if len(check.problems) > n0:
        return None
    return Lever(lever_id, vensim, unit, default, lo, hi, step=step, **texts)  # type: ignore[arg-type]


def _uncertain(check: Checker, table: dict[str, Any], where: str, seen: dict[str, str]) -> Uncertain | None:
    n0 = len(check.problems)
    lever_id, vensim, unit = _common(check, table, where, seen, "uncertain")
    dist = parse_distribution(table, where=where, check=check,
                              extra_keys=("id", "vensim", "unit", *_TEXT, *_UNCERTAIN_OPTIONAL))
    for key in ("id", "vensim", "unit", *_TEXT):
        if key not in table:
            check.add(f"{where}: missing required key '{key}'")
    texts = _texts(check, table, where, (*_TEXT, *_UNCERTAIN_OPTIONAL))
    if len(check.problems) > n0 or dist is None:
        return None
    return Uncertain(lever_id, vensim, unit, dist, **texts)  # type: ignore[arg-type]


def _indicator(check: Checker, table: dict[str, Any], where: str, seen: dict[str, str]) -> Indicator | None:
    n0 = len(check.problems)
    check.keys(table, where, required=("id", "vensim", "unit", *_TEXT), optional=_INDICATOR_OPTIONAL)
    ind_id, vensim, unit = _common(check, table, where, seen, "indicator")
    texts = _texts(check, table, where, (*_TEXT, *_INDICATOR_OPTIONAL))
    if len(check.problems) > n0:
        return None
    return Indicator(ind_id, vensim, unit, **texts)  # type: ignore[arg-type]


def _where(kind: str, index: int, table: dict[str, Any]) -> str:
    """Name an entry by its id when it has a usable one, else by position."""
    item_id = table.get("id")
    if isinstance(item_id, str) and item_id:
        return f"{kind} '{item_id}'"
    return f"[[{kind}]] #{index + 1}"


def load_catalogue(path: str | os.PathLike[str]) -> Catalogue:
    """Read and validate a lever catalogue.

    Parameters
    ----------
    path : path-like
        The ``levers.toml`` file.

    Returns
    -------
    Catalogue

    Raises
    ------
    CatalogueError
        Listing every problem in the file (missing fields, wrong types,
        default outside [min, max], duplicate ids, bad distributions...).
    """
    path = Path(path)
    data = read_toml(path, CatalogueError, "catalogue")
    check = Checker(path)
    check.keys(data, "catalogue", required=("model", "lever", "indicator"), optional=("uncertain",))

    model = data.get("model", {})
    model_file: Path | None = None
    policy_start: int | None = None
    if not isinstance(model, dict):
        check.add("[model] must be a table with 'file' and 'policy_start'")
    else:
        check.keys(model, "[model]", required=("file", "policy_start"))
        name = check.string(model, "file", "[model]")
        if name:
            model_file = resolved(path.parent / name)
            if not model_file.is_file():
                check.add(f"[model]: model file '{name}' not found next to the catalogue "
                          f"({model_file} {not_a_file(model_file)}); fix 'file' (relative to the catalogue) or put "
                          f"the model there")
        policy_start = check.integer(model, "policy_start", "[model]")

    # Levers and uncertain parameters share one id space (both are model inputs);
    # indicators have their own, so an indicator may share a lever's id.
    param_ids: dict[str, str] = {}
    indicator_ids: dict[str, str] = {}
    levers = [_lever(check, t, _where("lever", i, t), param_ids)
              for i, t in enumerate(check.array_of_tables(data, "lever"))]
    uncertain = [_uncertain(check, t, _where("uncertain", i, t), param_ids)
                 for i, t in enumerate(check.array_of_tables(data, "uncertain"))]
    indicators = [_indicator(check, t, _where("indicator", i, t), indicator_ids)
                  for i, t in enumerate(check.array_of_tables(data, "indicator"))]
    if "lever" in data and not levers:
        check.add("the catalogue has no [[lever]] entries")
    if "indicator" in data and not indicators:
        check.add("the catalogue has no [[indicator]] entries")

    # Two inputs writing the same model constant would silently override each other.
    owner: dict[str, str] = {}
    for item in [*levers, *uncertain]:
        if item is None or item.vensim is None:
            continue
        key = vensim_key(item.vensim)
        if key in owner:
            check.add(f"'{item.id}' and '{owner[key]}' both set the model variable "
                      f"'{item.vensim}'; each model constant may have only one entry")
        owner.setdefault(key, item.id)

    if check.problems:
        raise CatalogueError(path=path, problems=check.problems)
    return Catalogue(
        path=resolved(path),
        model_file=model_file,  # type: ignore[arg-type]
        policy_start=policy_start,  # type: ignore[arg-type]
        levers=tuple(levers),  # type: ignore[arg-type]
        uncertain=tuple(uncertain),  # type: ignore[arg-type]
        indicators=tuple(indicators),  # type: ignore[arg-type]
    )

