"""The ``[[range]]`` tables of a checks file: one plausible range per indicator, with its reason.

A bound is a number (a physical bound: a share lies in [0, 100] %) or a
multiple of a data row, ``{ times = N, row = "REGION INDICATOR PERIOD [KIND]" }``,
whose value is read from the file named by the top-level ``data`` key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._fs import resolved
from .._toml import describe, is_number, suggest
from .datarows import DataRows, read_rows
from .spec import Bound, Range

if TYPE_CHECKING:  # pragma: no cover
    from .loader import _Binder

__all__ = ["load_ranges"]

_RANGE = ("indicator", "min", "max", "reason")


def _bound(b: "_Binder", rows: DataRows | str | None, raw: Any, where: str) -> Bound | None:
    if is_number(raw):
        value = b.number(raw, where)
        return None if value is None else Bound(value, "physical")
    if not isinstance(raw, dict):
        b.add(f"{where} must be a number or {{ times = N, row = \"REGION INDICATOR PERIOD\" }}, "
              f"got {describe(raw)}")
        return None
    if not b.check.keys(raw, where, required=("times", "row")):
        return None
    times = b.number(raw["times"], f"{where}: 'times'")
    if not isinstance(raw["row"], str):
        b.add(f"{where}: 'row' must be a string such as \"Ganzhou high_tech_firms 2020\"")
        return None
    if rows is None:
        b.add(f"{where}: cites a data row but the file has no 'data' path")
        return None
    if isinstance(rows, str):
        return None  # reported once, where 'data' is read
    row = rows.find(raw["row"])
    if isinstance(row, str):
        b.add(f"{where}: {row}")
        return None
    if times is None:
        return None
    return Bound(times * row.value, f"{times:g} x data row {row} ({row.value:g})")


def _range(b: "_Binder", rows: DataRows | str | None, raw: Any, index: int) -> Range | None:
    where = f"[[range]] #{index + 1}"
    if not isinstance(raw, dict):
        b.add(f"{where} must be a table")
        return None
    n0 = len(b.check.problems)
    if isinstance(raw.get("indicator"), str):
        where = f"range '{raw['indicator']}'"
    b.check.keys(raw, where, required=_RANGE)
    ind = raw.get("indicator")
    if "indicator" in raw and ind not in b.indicators:
        b.add(f"{where}: indicator {describe(ind)} is unknown{suggest(str(ind), b.indicators)}")
    lo = _bound(b, rows, raw["min"], f"{where} min") if "min" in raw else None
    hi = _bound(b, rows, raw["max"], f"{where} max") if "max" in raw else None
    reason = b.check.string(raw, "reason", where)
    if "reason" in raw and not (reason or "").strip():
        b.add(f"{where}: 'reason' must say why the range is plausible")
    if lo is not None and hi is not None and lo.value > hi.value:
        b.add(f"{where}: min {lo.value:g} > max {hi.value:g}")
    if len(b.check.problems) > n0:
        return None
    return Range(ind, lo, hi, reason)


def load_ranges(b: "_Binder", data: dict[str, Any]) -> dict[str, Range]:
    """Indicator id -> its range; problems (a missing, repeated or bad range) go to *b*."""
    rows: DataRows | str | None = None
    if "data" in data:
        if isinstance(data["data"], str):
            rows = read_rows(resolved(b.path.parent / data["data"]))  # a symlink loop is reported, not raised
            if isinstance(rows, str):
                b.add(f"'data': {rows}")
        else:
            b.add(f"'data' must be the path of an observations file, got {describe(data['data'])}")
    ranges: dict[str, Range] = {}
    named: list[Any] = []
    for i, raw in enumerate(b.check.array_of_tables(data, "range")):
        item = _range(b, rows, raw, i)
        indicator = raw.get("indicator")
        if isinstance(indicator, str) and indicator in named:
            b.add(f"range '{indicator}': given twice; keep one range per indicator")
        named.append(indicator)
        if item is not None:
            ranges[item.indicator] = item
    missing = [i for i in b.indicators if i not in named]
    if missing:
        b.add(f"indicator(s) {', '.join(missing)} have no [[range]]; give every indicator a "
              "plausible range with its reason")
    return ranges
