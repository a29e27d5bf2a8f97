"""Plan targets (``scenarios/targets/*.toml``): thresholds for indicators in given years."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ._toml import Checker, read_toml, suggest
from ._fs import resolved
from .catalogue import Bilingual
from .errors import Problem, TargetsError

if TYPE_CHECKING:  # pragma: no cover
    from .catalogue import Catalogue

__all__ = ["Target", "Targets", "load_targets", "DIRECTIONS"]

DIRECTIONS = ("at_least", "at_most")
#: What of the indicator a target is about: its value in the target year, its total over the
#: plan period (base_year+1 .. year), or its compound annual growth from base_year (a fraction).
MEASURES = ("level", "cumulative", "cagr")
_TEXTS = ("label_en", "label_zh", "source")


@dataclass(frozen=True)
class Target(Bilingual):
    """One plan target: indicator *id* must be at least/at most *threshold* in *year*."""

    id: str
    year: int
    threshold: float
    direction: str
    base_year: int | None = None
    base_value: float | None = None
    headline: bool = False
    label_en: str = ""
    label_zh: str = ""
    source: str = ""
    measure: str = "level"

    def is_met(self, value: float) -> bool:
        """Whether an indicator value meets the target (NaN never does)."""
        if self.direction == "at_least":
            return bool(value >= self.threshold)
        return bool(value <= self.threshold)


@dataclass(frozen=True)
class Targets:
    """A set of plan targets read from one file."""

    name: str
    path: Path
    targets: tuple[Target, ...]
    title_en: str = ""
    title_zh: str = ""

    def __iter__(self):
        return iter(self.targets)

    def __len__(self) -> int:
        return len(self.targets)

    def to_dict(self) -> dict:
        """Canonical content (for hashing)."""
        return {"name": self.name, "targets": [t.__dict__ for t in self.targets]}


def check_targets(targets: Targets, catalogue: "Catalogue") -> list[Problem]:
    """Problems with *targets* against *catalogue*: every id must be an indicator id."""
    known = catalogue.indicator_ids
    return [
        Problem(f"target '{t.id}' ({t.year}): '{t.id}' is not an indicator of the catalogue"
                f"{suggest(t.id, known)}", targets.path)
        for t in targets.targets if t.id not in known
    ]


def check_period(targets: Targets, period: tuple[float, float]) -> list[Problem]:
    """Problems with *targets* against the model's period (INITIAL TIME, FINAL TIME): the base year of
    a plan-period measure must be a year the model reports.  (Target years are checked where they
    are used: ``--year`` may replace them.)"""
    first = math.ceil(period[0] - 1e-9)
    out = []
    for t in targets.targets:
        where = f"target '{t.id}' ({t.year})"
        if t.measure in ("cumulative", "cagr") and t.base_year is not None and t.base_year < first:
            out.append(Problem(f"{where}: base_year {t.base_year} is before the model's first year {first}, so "
                               f"its {t.measure} cannot be measured; use a base_year from {first} on",
                               targets.path))
    return out


def load_targets(path: str | os.PathLike[str], *, catalogue: "Catalogue | None" = None,
                 period: tuple[float, float] | None = None) -> Targets:
    """Read and validate a targets file.

    Parameters
    ----------
    path : path-like
        The targets TOML file.
    catalogue : Catalogue, optional
        When given, every target id must be one of its indicator ids.
    period : (float, float), optional
        The model's INITIAL TIME and FINAL TIME: when given, the base year of a plan-period
        measure must not be before the first (:func:`check_period`).

    Returns
    -------
    Targets

    Raises
    ------
    TargetsError
        Listing every problem in the file.
    """
    path = Path(path)
    data = read_toml(path, TargetsError, "targets")
    check = Checker(path)
    check.keys(data, "targets file", required=("target",), optional=("name", "title_en", "title_zh"))
    name = check.string(data, "name", "targets file", default=path.stem) or path.stem
    titles = {k: check.string(data, k, "targets file", default="") or "" for k in ("title_en", "title_zh")}
    items: list[Target] = []
    seen: set[tuple[str, int, str | None]] = set()
    for i, table in enumerate(check.array_of_tables(data, "target")):
        tid = table.get("id")
        where = f"target '{tid}'" if isinstance(tid, str) else f"[[target]] #{i + 1}"
        n0 = len(check.problems)
        check.keys(table, where, required=("id", "year", "threshold", "direction"),
                   optional=("base_year", "base_value", "headline", "measure", *_TEXTS))
        tid = check.string(table, "id", where)
        year = check.integer(table, "year", where)
        threshold = check.number(table, "threshold", where)
        direction = check.string(table, "direction", where)
        if direction is not None and direction not in DIRECTIONS:
            check.add(f"{where}: direction '{direction}' is unknown{suggest(direction, DIRECTIONS)} "
                      f"(use at_least or at_most)")
        measure = check.string(table, "measure", where, default="level")
        if measure is not None and measure not in MEASURES:
            check.add(f"{where}: measure '{measure}' is unknown{suggest(measure, MEASURES)} "
                      f"(use {', '.join(MEASURES)})")
        base_year = check.integer(table, "base_year", where)
        base_value = check.number(table, "base_value", where)
        headline = check.boolean(table, "headline", where, default=False)
        texts = {k: check.string(table, k, where, default="") or "" for k in _TEXTS}
        if measure in ("cumulative", "cagr") and base_year is None:
            check.add(f"{where}: a {measure} target needs base_year (the period starts after it)")
        if tid is not None and year is not None:
            if (tid, year, measure) in seen:
                check.add(f"{where}: a {measure} target for '{tid}' in {year} is given twice")
            seen.add((tid, year, measure))
        if base_year is not None and year is not None and base_year >= year:
            check.add(f"{where}: base_year {base_year} must be before year {year}")
        if len(check.problems) == n0:
            items.append(Target(tid, year, threshold, direction,  # type: ignore[arg-type]
                                base_year, base_value, headline, **texts, measure=measure))
    if not items and not check.problems:
        check.add("the targets file has no [[target]] entries")
    result = Targets(name=name, path=resolved(path), targets=tuple(items), **titles)
    if catalogue is not None and not check.problems:
        check.problems.extend(check_targets(result, catalogue))
    if period is not None and not check.problems:
        check.problems.extend(check_period(result, period))
    if check.problems:
        raise TargetsError(path=path, problems=check.problems)
    return result
