"""Settings in the URL: ``?scenario=plan&st_budget_growth=0.12&...``.

Bad parameters (unknown lever, not a number, out of range, too long) are reported and ignored,
never fatal: a shared link must always open.  A link is text anyone can write, so it is only
ever compared with known names and read as a plain decimal number; nothing in it is evaluated,
and hostile links (huge, many parameters, odd characters) cost bounded work and produce a
bounded number of short, inert warnings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .._toml import suggest

SCENARIO_KEY = "scenario"
LANG_KEY = "lang"
RESERVED = (SCENARIO_KEY, LANG_KEY)

#: Most parameters read from one link (a repeated key counts once per value).  The app's own
#: links hold one per lever plus scenario and lang (15 with the bundled catalogue); 64 leaves
#: room for a catalogue four times larger and for stray tracking parameters (utm_...).
MAX_PARAMS = 64
#: Longest value read.  The app writes ``repr(float)`` (at most 24 characters, e.g.
#: ``-1.2345678901234567e-300``), scenario names and ``en``/``zh``; names are short too.
MAX_VALUE_LENGTH = 64
#: Longest parameter name read (lever ids are snake_case words, under 30 characters).
MAX_KEY_LENGTH = 64
#: Most characters in all names and values together: MAX_PARAMS parameters of ordinary length
#: (a name and a number, ~60 characters) fit; the app's own links are under 1,000.
MAX_TOTAL_LENGTH = 4096
#: Problems listed one by one; the rest are counted in one last problem.
MAX_REPORTED = 10
#: How much of an ignored name or value is echoed in a warning.
ECHO_LENGTH = 40

# A plain decimal number in ASCII ("0.12", "-3", "1e-5", ".5").  Python's float() also takes
# "1_000", "inf", "nan" and non-ASCII digits; a link has no business using any of them.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
# Characters echoed as they are; anything else (markdown, quotes, brackets, slashes, controls)
# is shown as U+FFFD, so a warning can never carry a link, an image or formatting.
_INERT = re.compile(r"[^\w.+\-=, ]")


@dataclass(frozen=True)
class QueryProblem:
    """One ignored query parameter and why (``key`` and ``value`` shortened and made inert).

    A problem with the link as a whole (too long, too many problems to list) has an empty ``key``.
    """

    key: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"{self.key}={self.value}: {self.reason}" if self.key else self.reason


def _echo(text: str) -> str:
    """*text* as it may be shown back: at most ECHO_LENGTH characters, inert."""
    text = _INERT.sub("\ufffd", text[: ECHO_LENGTH + 1])
    return text if len(text) <= ECHO_LENGTH else text[: ECHO_LENGTH - 1] + "…"


def _values(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def _number(raw: str) -> tuple[float | None, str]:
    """The float *raw* writes, or None and why not."""
    if raw.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        return None, "not a finite number"
    if not _NUMBER.fullmatch(raw):
        return None, "not a number"
    value = float(raw)
    if not math.isfinite(value):  # e.g. 1e999
        return None, "not a finite number"
    return value + 0.0, ""  # + 0.0 turns -0.0 into 0.0


def parse_query(params: Mapping[str, Any], catalogue: Any, *,
                scenarios: Iterable[str] = ()) -> tuple[dict[str, Any], list[QueryProblem]]:
    """Split URL query parameters into settings and problems.

    Never raises on any content of *params*: whatever cannot be used is a problem.

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
        and ``"levers"`` (lever id -> finite float, each within its range);
        ``problems`` lists the ignored parameters (at most MAX_REPORTED, then a count).
        A link with more than MAX_PARAMS values or MAX_TOTAL_LENGTH characters is ignored
        as a whole, with one problem saying so.

    Examples
    --------
    >>> import gzsim
    >>> catalogue = gzsim.load_model().catalogue
    >>> settings, problems = parse_query({"st_budget_growth": "0.12", "x": "__import__('os')"}, catalogue)
    >>> settings["levers"], [str(p) for p in problems]
    ({'st_budget_growth': 0.12}, ['x=__import__\ufffd\ufffdos\ufffd\ufffd: unknown lever'])
    """
    known = list(scenarios)
    ids = list(catalogue.lever_ids)
    settings: dict[str, Any] = {"scenario": None, "lang": None, "levers": {}}
    items = [(str(key), _values(params[key])) for key in params]
    count = sum(len(values) for _, values in items)
    size = sum(len(key) + sum(len(v) for v in values) for key, values in items)
    if count > MAX_PARAMS or size > MAX_TOTAL_LENGTH:
        return settings, [QueryProblem("", "", (
            f"the link has {count:,} parameters and {size:,} characters, more than the "
            f"{MAX_PARAMS} and {MAX_TOTAL_LENGTH:,} a link of this app can have; all ignored, "
            f"showing the default view")) ]
    problems: list[QueryProblem] = []
    for key, values in items:
        raw = values[-1].strip() if values else ""
        shown = QueryProblem(_echo(key), _echo(raw), "")
        if len(key) > MAX_KEY_LENGTH:
            problems.append(QueryProblem(shown.key, shown.value, f"name longer than {MAX_KEY_LENGTH} characters"))
            continue
        if len(raw) > MAX_VALUE_LENGTH:
            problems.append(QueryProblem(shown.key, shown.value,
                                         f"value longer than {MAX_VALUE_LENGTH} characters"))
            continue
        if key == SCENARIO_KEY:
            if raw in known:
                settings["scenario"] = raw
            else:
                problems.append(QueryProblem(shown.key, shown.value, f"unknown scenario{suggest(raw, known)}"))
            continue
        if key == LANG_KEY:
            if raw in ("en", "zh"):
                settings["lang"] = raw
            else:
                problems.append(QueryProblem(shown.key, shown.value, "language must be en or zh"))
            continue
        if key not in ids:
            problems.append(QueryProblem(shown.key, shown.value, f"unknown lever{suggest(key, ids)}"))
            continue
        value, why = _number(raw)
        if value is None:
            problems.append(QueryProblem(shown.key, shown.value, why))
            continue
        lever = catalogue.lever(key)
        if not lever.min <= value <= lever.max:
            problems.append(QueryProblem(shown.key, shown.value, f"out of range [{lever.min:g}, {lever.max:g}]"))
            continue
        settings["levers"][key] = value
    if len(problems) > MAX_REPORTED:
        rest = len(problems) - MAX_REPORTED
        problems = [*problems[:MAX_REPORTED],
                    QueryProblem("", "", f"{rest} more parameters ignored (only the first {MAX_REPORTED} are listed)")]
    return settings, problems


def query_from_overrides(scenario: str | None, overrides: Mapping[str, float], lang: str | None = None) -> dict[str, str]:
    """The query parameters that reproduce *overrides* on *scenario* (inverse of :func:`parse_query`).

    With *scenario* None (an uploaded scenario, which no link can name) only the language is kept.
    """
    out: dict[str, str] = {}
    if scenario is not None:
        out[SCENARIO_KEY] = scenario
    if lang:
        out[LANG_KEY] = lang
    if scenario is None:
        return out
    for key in sorted(overrides):
        out[key] = repr(float(overrides[key]))
    return out
