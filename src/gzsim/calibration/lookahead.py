"""``[[lookahead]]`` entries of a settings file: inputs set from data rows a hindcast must not see.

A backtest refits on the rows up to a cutoff, but a model constant, a fixed
input or a prior bound can itself come from a later row (a 2015 level bounded
by the 2020 one, a scale set so that a 2020 row is matched).  A hindcast that
kept it would see the future it forecasts.  Each entry names the row and says
what a hindcast from before it does (``action``):

``prior``
    The parameter *free* takes *prior*, one known by the cutoff (e.g. a bound
    from a row of an earlier year): a ``[[free]]`` one's prior is replaced, a
    constant held at a value set from the row is freed with it (sampled, not
    profiled).
``unscored``
    No prior known by the cutoff exists: the observations in *unscored*
    (``"indicator period"``, as in the ``[[observation]]`` entries) are not
    scored from that cutoff, because the forecast was built from them.
``condition``
    Kept: the hindcast is conditional on it, as a 2025 forecast is conditional
    on its scenario (the economy's path, the policy carried out).

Layout::

    [[lookahead]]
    indicator = "tech_contract_turnover"   # the data row(s): indicator, and period if one row
    period = "2020"
    region = "Ganzhou"                     # optional: the row's region if not the settings' own
                                           # (a constant carried over from another region's fit)
    input = "prior of tech contract turnover 2015: below the 2020 level"
    action = "prior"                       # prior | unscored | condition
    free = "tech contract turnover 2015"   # action = "prior": a [[free]] name or id, or a Vensim constant
    prior = { distribution = "loguniform", min = 0.1, max = 50.7 }
    unscored = ["patent_grants 2020"]      # action = "unscored"
    why = "..."
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from .._toml import Checker, describe
from ..sampling import Distribution, parse_distribution

__all__ = ["LookaheadSpec", "ACTIONS", "parse_lookahead"]

ACTIONS = ("prior", "unscored", "condition")


@dataclass(frozen=True)
class LookaheadSpec:
    """A ``[[lookahead]]`` entry as written (see the module docstring)."""

    indicator: str
    period: str | None            # None: every row of the indicator
    region: str | None            # None: the settings' region
    input: str
    action: str
    free: str | None              # action "prior"
    prior: Distribution | None    # action "prior"
    unscored: tuple[str, ...]     # action "unscored": "indicator period" labels
    why: str
    where: str

    @property
    def rows(self) -> str:
        return ((f"{self.region}: " if self.region else "") + self.indicator
                + (f" {self.period}" if self.period else " (every row)"))


def _entry(check: Checker, table: dict[str, Any], where: str,
           observation_labels: Sequence[str]) -> LookaheadSpec | None:
    n0 = len(check.problems)
    check.keys(table, where, required=("indicator", "input", "action", "why"),
               optional=("period", "region", "free", "prior", "unscored"))
    indicator, text = check.string(table, "indicator", where), check.string(table, "input", where)
    period = table.get("period")
    if period is not None:
        period = str(int(period)) if isinstance(period, int) and not isinstance(period, bool) else period
        if not isinstance(period, str) or not period.strip():
            check.add(f"{where}: 'period' must be a year or a period as written in the data, "
                      f"got {describe(period)}")
    region = check.string(table, "region", where)
    action = check.string(table, "action", where)
    if action is not None and action not in ACTIONS:
        check.add(f"{where}: action '{action}' is unknown; use one of {', '.join(ACTIONS)}")
    free, prior, unscored = check.string(table, "free", where), None, ()
    needs = {"prior": ("free", "prior"), "unscored": ("unscored",), "condition": ()}.get(action or "", ())
    for key in ("free", "prior", "unscored"):
        if key in needs and key not in table:
            check.add(f"{where}: action '{action}' needs '{key}'")
        elif key in table and key not in needs:
            check.add(f"{where}: '{key}' belongs to action "
                      f"'{'prior' if key != 'unscored' else 'unscored'}', not '{action}'; remove it")
    if "prior" in table:
        if isinstance(table["prior"], dict):
            prior = parse_distribution(table["prior"], where=f"{where} prior", check=check)
        else:
            check.add(f"{where}: prior must be a table such as "
                      f"{{ distribution = \"uniform\", min = 0, max = 1 }}, got {describe(table['prior'])}")
    if "unscored" in table:
        raw = table["unscored"]
        if not isinstance(raw, list) or not raw or not all(isinstance(x, str) and x.strip() for x in raw):
            check.add(f"{where}: unscored must be a list of observations such as "
                      f"[\"patent_grants 2020\"], got {describe(raw)}")
        else:
            unscored = tuple(" ".join(x.split()) for x in raw)
        for label in unscored:
            if label not in observation_labels:
                check.add(f"{where}: unscored '{label}' is not an [[observation]] of this file; "
                          f"write its 'indicator period', e.g. '{next(iter(observation_labels), '')}'")
    why = check.string(table, "why", where)
    if why is not None and not why.strip():
        check.add(f"{where}: 'why' is empty; say why the hindcast treats this input so")
    if len(check.problems) > n0:
        return None
    return LookaheadSpec(indicator, period.strip() if period else None, region, text or "", action,  # type: ignore[arg-type]
                         free, prior, unscored, why or "", where)


def parse_lookahead(check: Checker, data: dict[str, Any],
                    observation_labels: Sequence[str]) -> tuple[LookaheadSpec, ...]:
    """The ``[[lookahead]]`` entries of *data*; problems go to *check*.

    *observation_labels* are the ``"indicator period"`` of the ``[[observation]]`` entries, which
    ``unscored`` must name.  Whether ``free`` names a model constant is checked when a hindcast
    prepares the model; whether the rows exist, when it reads the data
    (:func:`gzsim.backtest.lookahead.last_row_ends`).
    """
    out = []
    for i, table in enumerate(check.array_of_tables(data, "lookahead")):
        where = f"[[lookahead]] #{i + 1} ({table.get('indicator')} {table.get('period', '')})".replace(" )", ")")
        spec = _entry(check, table, where, observation_labels)
        if spec is not None:
            out.append(spec)
    return tuple(out)
