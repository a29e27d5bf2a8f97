"""Scenario files: parse, follow ``extends``, validate against the catalogue, resolve.

A scenario sets only what differs from its parent (``extends``) or, at the
root of the chain, from the catalogue defaults.  :func:`load_scenario`
returns a frozen :class:`ResolvedScenario` holding the value of *every*
lever, the merged sources and uncertainty, the targets, and a content hash.
All problems of all files in the chain are reported together in one
:class:`~gzsim.errors.ScenarioError`.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Mapping

from ._toml import Checker, describe, read_toml, suggest
from ._fs import not_a_file, resolved
from .catalogue import Catalogue, load_catalogue
from .errors import Problem, ScenarioError, TargetsError, display_path, scenario_error
from .sampling import Distribution, parse_distribution
from .targets import Targets, load_targets
from .timepaths import LeverValue, parse_lever_value

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

__all__ = ["ResolvedScenario", "load_scenario", "with_levers", "require_distinct_names", "SCENARIO_KEYS",
           "MAX_CHAIN"]

SCENARIO_KEYS = ("name", "title_en", "title_zh", "description_en", "description_zh",
                 "extends", "targets", "levers", "sources", "uncertainty")
_TEXT_KEYS = ("title_en", "title_zh", "description_en", "description_zh")
#: Most files in one ``extends`` chain (each one is read and checked: a bound on the work one
#: scenario can cause; the bundled chains are two files long).
MAX_CHAIN = 32


@dataclass(frozen=True)
class ResolvedScenario:
    """A scenario with its ``extends`` chain applied and every value checked.

    Attributes
    ----------
    name : str
        ``name`` from the file, else the file stem.  Not inherited.
    path : pathlib.Path
        The scenario file.
    chain : tuple of pathlib.Path
        The file and its ancestors, child first.
    levers : Mapping[str, float | TimePath]
        Value of every catalogue lever (catalogue default where the chain is silent).
    set_levers : tuple of str
        Ids of the levers the chain sets explicitly (catalogue order).
    sources : Mapping[str, str]
        Lever id -> where its value comes from (merged along the chain).
    uncertainty : Mapping[str, Distribution]
        Lever id -> distribution replacing its value in Monte-Carlo samples.
    targets : Targets or None
        Plan targets (``targets`` key, inherited along the chain).
    hash : str
        sha256 of the canonical JSON of what determines the results
        (every lever value and the uncertainty); see :meth:`content`.
    """

    name: str
    path: Path
    chain: tuple[Path, ...]
    levers: Mapping[str, LeverValue]
    set_levers: tuple[str, ...]
    sources: Mapping[str, str]
    uncertainty: Mapping[str, Distribution]
    targets: Targets | None = None
    title_en: str = ""
    title_zh: str = ""
    description_en: str = ""
    description_zh: str = ""
    hash: str = field(default="", compare=False)

    @property
    def title(self) -> str:
        """English title, or the name if there is none."""
        return self.title_en or self.name

    def title_for(self, lang: str = "en") -> str:
        """Title in *lang* (``"en"``/``"zh"``), falling back to the other language, then the name."""
        first, second = (self.title_zh, self.title_en) if lang == "zh" else (self.title_en, self.title_zh)
        return first or second or self.name

    def content(self) -> dict[str, Any]:
        """The canonical content the :attr:`hash` is computed from.

        Titles, descriptions, sources and file paths are left out on purpose:
        two scenarios with the same content give the same numbers.
        """
        return {
            "levers": {k: (v if isinstance(v, float) else v.to_dict())
                       for k, v in sorted(self.levers.items())},
            "uncertainty": {k: v.to_dict() for k, v in sorted(self.uncertainty.items())},
        }


def _content_hash(content: dict[str, Any]) -> str:
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _parent_path(child: Path, extends: str) -> Path:
    """``extends`` is a file stem in the child's folder or a path relative to it."""
    if extends.endswith(".toml") or "/" in extends or os.sep in extends:
        return child.parent / extends
    return child.parent / f"{extends}.toml"


def _chain_text(paths: list[Path]) -> str:
    return " -> ".join(display_path(p) for p in paths)


def _read_chain(path: Path) -> tuple[list[tuple[Path, dict[str, Any]]], list[Problem]]:
    """Read *path* and its ``extends`` ancestors (child first)."""
    layers: list[tuple[Path, dict[str, Any]]] = []
    problems: list[Problem] = []
    visited: list[Path] = []
    seen: set[Path] = set()  # resolved paths of *visited*: one lookup a step, not a scan
    current = path
    while True:
        if resolved(current) in seen:
            problems.append(Problem(
                f"'extends' forms a cycle: {_chain_text([*visited, current])}; "
                f"remove 'extends' from one of these files", visited[-1]))
            break
        if len(visited) == MAX_CHAIN:
            problems.append(Problem(
                f"the 'extends' chain is longer than {MAX_CHAIN} files ({_chain_text(visited[:3])} -> ... -> "
                f"{display_path(current)}); a scenario extends one or two others: let it extend the "
                f"scenario it differs from", path))
            break
        visited.append(current)
        seen.add(resolved(current))
        try:
            data = read_toml(current, ScenarioError, "scenario")
        except ScenarioError as exc:
            problems.extend(exc.problems)
            break
        layers.append((current, data))
        extends = data.get("extends")
        if extends is None:
            break
        if not isinstance(extends, str) or not extends.strip():
            problems.append(Problem(f"'extends' must be a scenario name or a relative path, "
                                    f"got {describe(extends)}", current))
            break
        parent = _parent_path(current, extends)
        if not parent.is_file():
            others = sorted(p.stem for p in current.parent.glob("*.toml"))
            problems.append(Problem(
                f"extends '{extends}', but {display_path(parent)} {not_a_file(parent)}"
                f"{suggest(extends, others)} (chain: {_chain_text([*visited, parent])}); give the name "
                f"of a scenario in the same folder or a path relative to this file", current))
            break
        current = parent
    return layers, problems


def _check_layer(
    path: Path, data: dict[str, Any], catalogue: Catalogue, period: tuple[float, float] | None
) -> tuple[dict[str, Any], list[Problem]]:
    """Validate one file's own entries; return its parsed parts."""
    check = Checker(path)
    check.keys(data, "scenario", required=(), optional=SCENARIO_KEYS)
    out: dict[str, Any] = {"levers": {}, "sources": {}, "uncertainty": {}}
    for key in ("name", *_TEXT_KEYS, "targets"):
        value = check.string(data, key, "scenario")
        if value is not None:
            out[key] = value
    if "name" in out and not out["name"].strip():
        check.add("'name' is empty; remove it to use the file name")
    known = catalogue.lever_ids

    def table(key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            check.add(f"[{key}] must be a table, got {describe(value)}")
            return {}
        return value

    def lever_or_none(lever_id: str, section: str):
        if lever_id in known:
            return catalogue.lever(lever_id)
        prefix = "" if section == "levers" else f"[{section}]: "
        check.add(f"{prefix}lever '{lever_id}' is unknown{suggest(lever_id, known)}")
        return None

    for lever_id, raw in table("levers").items():
        lever = lever_or_none(lever_id, "levers")
        if lever is not None:
            value = parse_lever_value(raw, where=f"lever '{lever_id}'", lo=lever.min, hi=lever.max,
                                      check=check, period=period)
            if value is not None:
                out["levers"][lever_id] = value
    for lever_id, raw in table("sources").items():
        if lever_or_none(lever_id, "sources") is not None:
            if isinstance(raw, str):
                out["sources"][lever_id] = raw
            else:
                check.add(f"[sources]: source of '{lever_id}' must be a string, got {describe(raw)}")
    for lever_id, raw in table("uncertainty").items():
        lever = lever_or_none(lever_id, "uncertainty")
        if lever is None:
            continue
        if not isinstance(raw, dict):
            check.add(f"[uncertainty]: '{lever_id}' must be a table like "
                      f"{{ distribution = \"uniform\", min = ..., max = ... }}, got {describe(raw)}")
            continue
        dist = parse_distribution(raw, where=f"[uncertainty] lever '{lever_id}'", check=check,
                                  within=(lever.min, lever.max))
        if dist is not None:
            out["uncertainty"][lever_id] = dist
    return out, check.problems


def _period(catalogue: "Catalogue | Model | str | os.PathLike[str] | None") -> tuple[float, float] | None:
    """The model times the levers act, when *catalogue* is a Model (a bare catalogue knows no times).

    From the policy start to FINAL TIME: ``policy_start`` is the first calendar year levers act,
    which is model time ``policy_start - 1`` (``Time = Y`` is the end of year Y), not before
    INITIAL TIME.  A lever value before it is never used, so a path must change after it.
    """
    engine = getattr(catalogue, "engine", None)
    if engine is None:
        return None
    start = max(float(engine.initial_time), float(catalogue.catalogue.policy_start - 1))
    return start, float(engine.final_time)


def _model_period(catalogue: "Catalogue | Model | str | os.PathLike[str] | None") -> tuple[float, float] | None:
    """INITIAL TIME and FINAL TIME when *catalogue* is a Model (for the targets' base years)."""
    engine = getattr(catalogue, "engine", None)
    return None if engine is None else (float(engine.initial_time), float(engine.final_time))


def _as_catalogue(catalogue: "Catalogue | Model | str | os.PathLike[str] | None") -> Catalogue:
    if catalogue is None:
        from .paths import bundled_catalogue

        return load_catalogue(bundled_catalogue())
    if isinstance(catalogue, Catalogue):
        return catalogue
    if isinstance(catalogue, (str, os.PathLike)):
        return load_catalogue(catalogue)
    return catalogue.catalogue  # a Model


def load_scenario(
    path: str | os.PathLike[str],
    *,
    catalogue: "Catalogue | Model | str | os.PathLike[str] | None" = None,
) -> ResolvedScenario:
    """Read a scenario file, follow its ``extends`` chain and validate everything.

    Parameters
    ----------
    path : path-like
        The scenario ``.toml`` file.
    catalogue : Catalogue, Model or path-like, optional
        The lever catalogue to check against; default the bundled one.  With a
        Model, time paths are also checked against its simulated period (a
        step or ramp wholly outside it is refused).

    Returns
    -------
    ResolvedScenario

    Raises
    ------
    ScenarioError
        Listing every problem in the file and its ancestors (each problem
        names its file).  :class:`~gzsim.errors.LeverValueError` when all of
        them are bad lever values.
    """
    path = Path(path)
    cat = _as_catalogue(catalogue)
    period = _period(catalogue)
    layers, problems = _read_chain(path)
    parsed = []
    for layer_path, data in layers:
        part, layer_problems = _check_layer(layer_path, data, cat, period)
        problems.extend(layer_problems)
        parsed.append((layer_path, part))
    if problems:
        raise scenario_error(problems, path=path)

    levers: dict[str, LeverValue] = {}
    sources: dict[str, str] = {}
    uncertainty: dict[str, Distribution] = {}
    targets_path: Path | None = None
    for layer_path, part in reversed(parsed):  # root ancestor first, child last wins
        levers.update(part["levers"])
        sources.update(part["sources"])
        uncertainty.update(part["uncertainty"])
        if "targets" in part:
            targets_path = layer_path.parent / part["targets"]
    own = parsed[0][1]

    targets = None
    if targets_path is not None:
        try:
            targets = load_targets(targets_path, catalogue=cat, period=_model_period(catalogue))
        except TargetsError as exc:
            raise ScenarioError(path=path, problems=exc.problems) from None

    all_levers = {lv.id: levers.get(lv.id, lv.default) for lv in cat.levers}
    scenario = ResolvedScenario(
        name=own.get("name", path.stem),
        path=resolved(path),
        chain=tuple(resolved(p) for p, _ in layers),
        levers=MappingProxyType(all_levers),
        set_levers=tuple(i for i in cat.lever_ids if i in levers),
        sources=MappingProxyType(sources),
        uncertainty=MappingProxyType(uncertainty),
        targets=targets,
        **{k: own.get(k, "") for k in _TEXT_KEYS},
    )
    object.__setattr__(scenario, "hash", _content_hash(scenario.content()))
    return scenario


def with_levers(
    scenario: ResolvedScenario,
    overrides: Mapping[str, Any],
    *,
    catalogue: "Catalogue | Model",
    name: str | None = None,
) -> ResolvedScenario:
    """A copy of *scenario* with some lever values replaced, checked like a file would be.

    Parameters
    ----------
    scenario : ResolvedScenario
    overrides : mapping
        Lever id -> value in the scenario-file form (a number, or a
        ``{step|ramp|series = {...}}`` table).
    catalogue : Catalogue or Model
        The catalogue *scenario* was resolved against (with a Model, time
        paths are checked against its simulated period too).
    name : str, optional
        Name of the new scenario; default the old name.

    Raises
    ------
    ScenarioError
        Unknown lever ids or bad values, every problem at once.
    """
    period = _period(catalogue)
    catalogue = _as_catalogue(catalogue)
    check = Checker(scenario.path)
    levers = dict(scenario.levers)
    for lever_id, raw in overrides.items():
        if lever_id not in catalogue.lever_ids:
            check.add(f"lever '{lever_id}' is unknown{suggest(lever_id, catalogue.lever_ids)}", kind="unknown")
            continue
        lever = catalogue.lever(lever_id)
        value = parse_lever_value(raw, where=f"lever '{lever_id}'", lo=lever.min, hi=lever.max, check=check,
                                  period=period)
        if value is not None:
            levers[lever_id] = value
    if check.problems:
        raise scenario_error(check.problems, path=scenario.path)
    changed = scenario.set_levers + tuple(i for i in catalogue.lever_ids if i in overrides and i not in scenario.set_levers)
    updated = replace(
        scenario,
        name=name or scenario.name,
        levers=MappingProxyType(levers),
        set_levers=tuple(i for i in catalogue.lever_ids if i in changed),
    )
    object.__setattr__(updated, "hash", _content_hash(updated.content()))
    return updated


def require_distinct_names(scenarios: "list[ResolvedScenario]") -> None:
    """Raise UsageError unless there are scenarios and their names differ (results are keyed by name)."""
    from .errors import UsageError

    if not scenarios:
        raise UsageError("no scenario given")
    names = [s.name for s in scenarios]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise UsageError(f"scenario name(s) {', '.join(dupes)} given more than once; results would be "
                         f"ambiguous: give each scenario a distinct 'name'")
