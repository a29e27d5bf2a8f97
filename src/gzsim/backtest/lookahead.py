"""What a hindcast from a cutoff must not see: the settings' ``[[lookahead]]`` entries applied.

See :mod:`gzsim.calibration.lookahead` for the entries.  An entry applies to
a cutoff when one of its data rows ends after it; then its prior replaces
the ``[[free]]`` one in the refit, or its observations are not scored.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..calibration.errors import CalibrationError
from ..calibration.lookahead import LookaheadSpec
from ..calibration.observations import parse_period, read_table
from ..calibration.settings import FreeSpec, Settings

__all__ = ["CutoffView", "at_cutoff", "end_time", "last_row_ends"]


def end_time(period: str) -> float:
    """Model time at which a data period ends (end of year Y is Y; end of month m is Y - (12-m)/12)."""
    p = parse_period(period)
    if p is None:
        raise ValueError(f"not a period: {period!r}")
    if p.shape == "month":
        return p.start - (12 - p.month) / 12  # type: ignore[operator]
    return float(p.end)


@dataclass(frozen=True)
class CutoffView:
    """A hindcast's view at one cutoff.

    Attributes
    ----------
    settings : Settings
        The settings with the priors known by the cutoff (observations not yet truncated).
    unscored : frozenset of str
        ``"indicator period"`` of the observations the hindcast must not score.
    applied : tuple of LookaheadSpec
        The entries that apply at this cutoff.
    """

    settings: Settings
    unscored: frozenset[str]
    applied: tuple[LookaheadSpec, ...]


def last_row_ends(settings: Settings) -> list[tuple[LookaheadSpec, float]]:
    """When the last data row of each ``[[lookahead]]`` entry ends.

    Raises
    ------
    CalibrationError
        An entry names no data row of the settings' region.
    """
    if not settings.lookahead:
        return []
    table = read_table(settings.observations_path)
    out, problems = [], []
    for spec in settings.lookahead:
        region = spec.region or settings.region
        rows = table[(table["region"] == region) & (table["indicator"] == spec.indicator)]
        if spec.period is not None:
            rows = rows[rows["period"].astype(str) == spec.period]
        ends = [end_time(p) for p in rows["period"].astype(str) if parse_period(p) is not None]
        if not ends:
            problems.append(f"{spec.where}: no row of {region} in "
                            f"{settings.observations_path.name} has indicator '{spec.indicator}'"
                            + (f" and period '{spec.period}'" if spec.period else "")
                            + "; fix the indicator or period to name the row the input was set from")
            continue
        out.append((spec, max(ends)))
    if problems:
        raise CalibrationError(path=settings.path, problems=problems)
    return out


def at_cutoff(settings: Settings, until: int) -> CutoffView:
    """The priors and scored observations of a hindcast that knows the rows up to *until*."""
    applied = tuple(s for s, end in last_row_ends(settings) if end > until + 1e-9)
    priors = {s.free: s for s in applied if s.action == "prior"}
    free = [replace(f, prior=priors.pop(key).prior, bounds=None) if (key := f.name or f.id) in priors
            else f for f in settings.free]
    # a constant held at a value set from the row: sampled with the prior known by the cutoff
    free += [FreeSpec(name, None, s.prior, None, s.why, s.where, profile=False) for name, s in priors.items()]
    unscored = frozenset(label for s in applied for label in s.unscored)
    return CutoffView(replace(settings, free=tuple(free)), unscored, applied)


def _prior_text(d) -> str:
    fields = [f"{k} {v:g}" for k in ("min", "mode", "max", "mean", "sd") if (v := getattr(d, k)) is not None]
    return f"{d.kind} ({', '.join(fields)})"


def report_section(settings: Settings, cutoffs: list[int]) -> list[str]:
    """The report's account of every ``[[lookahead]]`` entry: what each cutoff could not know."""
    def table_cell(text: str) -> str:
        return text.replace("|", "/").replace("\n", " ")

    head = ["## What the hindcasts could not know", ""]
    ends = last_row_ends(settings)
    if not ends:
        return head + ["The settings declare no input set from a data row after a cutoff "
                       "(no [[lookahead]] entries), so every input is taken as known at every cutoff.", ""]
    lines = head + [
        "Some inputs of the model or the calibration were set from data rows that end after a "
        "cutoff (the settings' `[[lookahead]]` entries). A hindcast from before such a row either "
        "takes a prior known by then, or does not score the observations the input was built "
        "from, or (for the economy's path and the policy carried out) is conditional on it, as a "
        "2025 forecast is conditional on its scenario.", "",
        "| data row | input | cutoffs it applies to | what the hindcast does | why |",
        "|---|---|---|---|---|"]
    for spec, end in ends:
        before = [c for c in cutoffs if end > c + 1e-9]
        if spec.action == "prior":
            did = f"prior of '{spec.free}': {_prior_text(spec.prior)}"
        elif spec.action == "unscored":
            did = "not scored: " + ", ".join(spec.unscored)
        else:
            did = "kept: the forecasts are conditional on it"
        lines.append("| " + " | ".join(table_cell(x) for x in (
            spec.rows, spec.input, ", ".join(map(str, before)) or "none", did, spec.why)) + " |")
    return lines + [""]
