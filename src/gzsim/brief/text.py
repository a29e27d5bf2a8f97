"""The brief's plain language: one paragraph per target, written from the numbers.

Sentences come from ``templates.toml`` (English and Chinese); this module only
picks templates and formats numbers.  The inputs are plain mappings of
numbers so the wording can be tested on fixed values (golden tests) and fed
later by ``gzsim.analysis`` (including goal-seeking results, ``goal_seek``).

Target facts (mapping): ``label, unit, year, threshold, direction`` and
optionally ``measure`` (``level``, the default; ``cumulative``: a total over the
plan period; ``cagr``: growth a year as a fraction), ``base_year`` and
``reported_base`` (the plan's base value, mentioned when the model's base-year
value differs from it by more than 5 %).  The scenario numbers are in the
target's measure.  Scenario facts (mapping, one per scenario):
``scenario`` (display name), ``status``, ``median``, ``p05``, ``p95``,
``probability``, ``n`` (Monte-Carlo samples; 0 = deterministic run), and
optionally ``base`` (the scenario's median in ``base_year``) and ``goal_seek``
(a phrase, in the brief's language, saying which lever settings would close the
gap, with ``goal_probability``).
"""

from __future__ import annotations

import functools
import math
import tomllib
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..charts.numbers import decimals_for, format_number
from ..charts.strings import text as ui_text

__all__ = ["template", "percent", "probability_text", "growth_rate", "target_paragraph",
           "joint_sentence", "text_unit", "join_list", "threshold_text", "period_label"]

_FILE = Path(__file__).with_name("templates.toml")


@functools.cache
def _templates() -> dict[str, Any]:
    with open(_FILE, "rb") as fh:
        return tomllib.load(fh)


def template(key: str, lang: str, **fields: Any) -> str:
    """Template *key* in *lang* filled with *fields*."""
    if lang not in ("en", "zh"):
        raise ValueError(f"language must be en or zh, got {lang!r}")
    return _templates()[lang][key].format(**fields)


def text_unit(unit: str, lang: str) -> str:
    """A catalogue unit as written after a number in a sentence."""
    return _templates()["units"].get(lang, {}).get(unit, unit)


def percent(value: float, lang: str, digits: int = 0) -> str:
    """``0.425`` -> ``"42 %"`` (en) or ``"42%"`` (zh)."""
    return template("percent", lang, value=f"{value * 100:.{digits}f}")


def probability_text(p: float, lang: str) -> str:
    """A probability as a whole percentage, never rounding a possibility away.

    0 < p < 0.5 % reads ``<1 %`` and 99.5 % <= p < 1 reads ``>99 %``, so
    "0 %" and "100 %" mean none and all of the simulations.
    """
    if 0 < p < 0.005:
        return "<" + percent(0.01, lang)
    if 0.995 <= p < 1:
        return ">" + percent(0.99, lang)
    return percent(p, lang)


def growth_rate(start: float | None, end: float | None, years: int) -> float | None:
    """Compound annual growth from *start* to *end* over *years*; None when undefined."""
    if start is None or end is None or years <= 0:
        return None
    if not (math.isfinite(start) and math.isfinite(end)) or start <= 0 or end <= 0:
        return None
    return (end / start) ** (1 / years) - 1


def join_list(items: Sequence[str], lang: str) -> str:
    """``a, b and c`` (en) or ``a，b，c`` (zh)."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return template("list_sep", lang).join(items[:-1]) + template("list_last", lang) + items[-1]


def _growth_phrase(rate: float, lang: str) -> str:
    key = "growth_up" if rate >= 0 else "growth_down"
    return template(key, lang, value=percent(abs(rate), lang, 1))


def _base_note(target: Mapping[str, Any], base: float, lang: str) -> str:
    """Says so when the model's base-year value differs from the plan's base by more than 5 %."""
    reported = target.get("reported_base")
    if reported is None or not reported or abs(base - reported) <= 0.05 * abs(reported):
        return ""
    return template("base_note", lang, reported=format_number(reported * money_scale(target["unit"], lang)))


def _gap_sentence(target: Mapping[str, Any], scenarios: Sequence[Mapping[str, Any]], lang: str) -> str:
    """Required vs projected growth from the base year; empty when it cannot be computed.

    Growth is compounded from the first scenario's value in the base year (scenarios share
    their history, so this is the common starting point) to the threshold, and to each
    scenario's median.
    """
    base_year = target.get("base_year")
    if base_year is None or not scenarios:
        return ""
    years = int(target["year"]) - int(base_year)
    base = scenarios[0].get("base")
    required = growth_rate(base, target["threshold"], years)
    if required is None:
        return ""
    at_least = target["direction"] == "at_least"
    already = base >= target["threshold"] if at_least else base <= target["threshold"]
    items = []
    for sc in scenarios:
        projected = growth_rate(sc.get("base"), sc["median"], years)
        if projected is None:
            continue
        phrase = _growth_phrase(projected, lang)
        if already:
            items.append(template("gap_item_plain", lang, projected=phrase, scenario=sc["scenario"]))
            continue
        points = abs(projected - required) * 100
        if points < 0.05:
            difference = template("on_pace", lang)
        else:
            behind = projected < required if at_least else projected > required
            difference = template("short" if behind else "ahead", lang, points=f"{points:.1f}")
        items.append(template("gap_item", lang, projected=phrase, scenario=sc["scenario"],
                              difference=difference))
    if not items:
        return ""
    scale = money_scale(target["unit"], lang)
    fields = dict(threshold=format_number(target["threshold"] * scale), base=format_number(base * scale),
                  base_year=base_year, base_note=_base_note(target, base, lang), items=join_list(items, lang))
    if already:
        return template("gap_met", lang, **fields)
    return template("gap", lang, required=_growth_phrase(required, lang), **fields)


def _scenario_sentence(sc: Mapping[str, Any], lang: str, number) -> str:
    status = ui_text(sc["status"], lang)
    if int(sc.get("n", 0)) < 1:
        return template("scenario_deterministic", lang, scenario=sc["scenario"], status=status,
                        median=number(sc["median"]))
    return template("scenario_samples", lang, scenario=sc["scenario"], status=status,
                    median=number(sc["median"]), p05=number(sc["p05"]), p95=number(sc["p95"]),
                    probability=probability_text(sc["probability"], lang), n=sc["n"])


def period_label(target: Mapping[str, Any]) -> str:
    """The plan period of a target, ``2021–2025`` (base year + 1 to year; five years without a base)."""
    base = target.get("base_year")
    base = int(base) if base is not None and int(base) < int(target["year"]) else int(target["year"]) - 5
    return f"{base + 1}–{target['year']}"


def money_scale(unit: str, lang: str) -> float:
    """Factor from the catalogue's unit to the one written: English readers count yuan in billions
    (60 亿元 is 6 bn yuan), Chinese ones in 亿元."""
    return 0.1 if lang == "en" and unit.startswith("亿元") else 1.0


def _amount(value: str, unit: str, lang: str) -> str:
    return f"{value} {unit}".strip() if lang == "en" else f"{value}{unit}"


def threshold_text(target: Mapping[str, Any], lang: str) -> str:
    """The target value as the scoreboard shows it: ``≥ 2,000 firms``, ``≥ 20 % a year``."""
    op = ui_text("at_least" if target["direction"] == "at_least" else "at_most", lang)
    measure = target.get("measure", "level") or "level"
    if measure == "cagr":
        return template("threshold_cagr", lang, op=op, value=percent(target["threshold"], lang))
    unit = text_unit(target["unit"].removesuffix("/year") if measure == "cumulative" else target["unit"], lang)
    value = _amount(format_number(target["threshold"] * money_scale(target["unit"], lang)), unit, lang)
    if measure == "cumulative":
        return template("threshold_cumulative", lang, op=op, value=value)
    return f"{op} {value}" if lang == "en" else f"{op}{value}"


def target_paragraph(target: Mapping[str, Any], scenarios: Sequence[Mapping[str, Any]], lang: str) -> str:
    """The paragraph on one target: the goal, each scenario's status and numbers, the gap.

    Parameters
    ----------
    target : mapping
        ``label, unit, year, threshold, direction``; optionally ``measure``, ``base_year``,
        ``reported_base``.
    scenarios : sequence of mapping
        One per scenario: ``scenario, status, median, p05, p95, probability, n``,
        optionally ``base``, ``goal_seek`` and ``goal_probability``.
    lang : {"en", "zh"}

    Returns
    -------
    str
        Sentences separated by a space (en) or nothing (zh).
    """
    measure = target.get("measure", "level") or "level"
    op = template("at_least" if target["direction"] == "at_least" else "at_most", lang)
    if measure == "cagr":
        sentences = [template("intro_cagr", lang, label=target["label"], op=op, period=period_label(target),
                              amount=percent(target["threshold"], lang))]
        number = lambda v: percent(v, lang, 1)  # noqa: E731 - growth rates read as percentages
    else:
        unit = target["unit"].removesuffix("/year") if measure == "cumulative" else target["unit"]
        scale = money_scale(unit, lang)
        amount = _amount(format_number(target["threshold"] * scale), text_unit(unit, lang), lang)
        key = "intro_cumulative" if measure == "cumulative" else "intro"
        sentences = [template(key, lang, label=target["label"], year=target["year"], op=op, amount=amount,
                              period=period_label(target))]
        # One precision for every number of the target, sized by the threshold and the medians.
        decimals = decimals_for(target["threshold"] * scale, *(sc["median"] * scale for sc in scenarios))
        number = lambda v: format_number(v * scale, decimals)  # noqa: E731
    sentences += [_scenario_sentence(sc, lang, number) for sc in scenarios]
    gap = _gap_sentence(target, scenarios, lang) if measure == "level" else ""
    if gap:
        sentences.append(gap)
    for sc in scenarios:
        if sc.get("goal_seek"):
            sentences.append(template("goal_seek", lang, scenario=sc["scenario"], levers=sc["goal_seek"],
                                      probability=probability_text(sc.get("goal_probability", math.nan), lang)))
    return ("" if lang == "zh" else " ").join(sentences)


def joint_sentence(items: Sequence[Mapping[str, Any]], lang: str) -> str:
    """How likely all headline targets are met together, per scenario (``scenario, probability``)."""
    if not items:
        return ""
    parts = [template("joint_item", lang, scenario=i["scenario"],
                      probability=probability_text(i["probability"], lang)) for i in items]
    return template("joint", lang, items=join_list(parts, lang))
