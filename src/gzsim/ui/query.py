"""Settings in the URL: ``?scenario=plan&st_budget_growth=0.12&...``.

Bad parameters (unknown lever, not a number, out of range) are reported and
ignored, never fatal: a shared link must always open.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .._toml import suggest

SCENARIO_KEY = "scenario"
LANG_KEY = "lang"
RESERVED = (SCENARIO_KEY, LANG_KEY)


@dataclass(frozen=True)
class QueryProblem:
    """One ignored query parameter and why."""

    key: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"{self.key}={self.value}: {self.reason}"


def _last(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return str(value[-1]) if value else ""
    return str(value)


def parse_query(params: Mapping[str, Any], catalogue: Any, *,
                scenarios: Iterable[str] = ()) -> tuple[dict[str, Any], list[QueryProblem]]:
    """Split URL query parameters into settings and problems.

    Parameters
    ----------
    params : mapping
        Query parameters (``st.query_params`` or a dict); a repeated key's last value wins.
    catalogue : gzsim Catalogue
        The levers to check against (id, min, max).
    scenarios : iterable of str
        Known scenario names; ``scenario=`` must be one of them.

    Returns
    -------
    (settings, problems)
        ``settings`` has ``"scenario"`` (str or None), ``"lang"`` (``"en"``, ``"zh"`` or None)
        and ``"levers"`` (lever id -> float, each within its range);
        ``problems`` lists every ignored parameter.
    """
    known = list(scenarios)
    ids = list(catalogue.lever_ids)
    settings: dict[str, Any] = {"scenario": None, "lang": None, "levers": {}}
    problems: list[QueryProblem] = []
    for key in params:
        raw = _last(params[key]).strip()
        if key == SCENARIO_KEY:
            if raw in known:
                settings["scenario"] = raw
            else:
                problems.append(QueryProblem(key, raw, f"unknown scenario{suggest(raw, known)}"))
            continue
        if key == LANG_KEY:
            if raw in ("en", "zh"):
                settings["lang"] = raw
            else:
                problems.append(QueryProblem(key, raw, "language must be en or zh"))
            continue
        if key not in ids:
            problems.append(QueryProblem(key, raw, f"unknown lever{suggest(key, ids)}"))
            continue
        try:
            value = float(raw)
        except ValueError:
            problems.append(QueryProblem(key, raw, "not a number"))
            continue
        if not math.isfinite(value):
            problems.append(QueryProblem(key, raw, "not a finite number"))
            continue
        lever = catalogue.lever(key)
        if not lever.min <= value <= lever.max:
            problems.append(QueryProblem(key, raw, f"out of range [{lever.min:g}, {lever.max:g}]"))
            continue
        settings["levers"][key] = value
    return settings, problems


def query_from_overrides(scenario: str, overrides: Mapping[str, float], lang: str | None = None) -> dict[str, str]:
    """The query parameters that reproduce *overrides* on *scenario* (inverse of :func:`parse_query`)."""
    out = {SCENARIO_KEY: scenario}
    if lang:
        out[LANG_KEY] = lang
    for key in sorted(overrides):
        out[key] = repr(float(overrides[key]))
    return out
