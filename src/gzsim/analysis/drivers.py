"""What drives a target's uncertainty: the drawn inputs its value moves with most.

A cheap, sample-based reading: the squared Spearman rank correlation
between each drawn input and the target's value over the same Monte-Carlo
samples (the share of the value's rank variance each input explains on its
own), among the inputs that act on the indicator at all (one small batch).  Sobol' indices (``gzsim sensitivity``) are the
thorough answer; this one is small enough for every slider move.

Each input is labelled by its kind, so a reader sees where the uncertainty
comes from: a regime input of the post-2020 period (drawn from its prior:
the data cannot inform it), a parameter the 2015-2020 data do not identify,
one they do, a scenario input, or the model-discrepancy term.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import discrepancy

__all__ = ["Driver", "top_drivers", "acting_inputs", "acting_inputs_of", "constant_label", "KINDS"]

#: Kind of a drawn input -> (English, Chinese) label.
KINDS = {
    "regime": ("post-2020 regime input", "2020年后情势输入"),
    "unidentified": ("not identified by the 2015-2020 data", "2015-2020年数据无法识别"),
    "identified": ("calibrated", "已校准"),
    "scenario": ("scenario input", "情景输入"),
    "discrepancy": ("its size set from the hindcasts", "幅度据回测设定"),
}


@dataclass(frozen=True)
class Driver:
    column: str       # the draws column (Vensim name, or discrepancy: <id>)
    label_en: str
    label_zh: str
    kind: str         # a key of KINDS
    share: float      # squared rank correlation with the target's value

    def text(self, lang: str = "en") -> str:
        label = self.label_zh if lang == "zh" else self.label_en
        kind = KINDS[self.kind][1 if lang == "zh" else 0]
        return f"{label}（{kind}）" if lang == "zh" else f"{label} ({kind})"


@functools.lru_cache(maxsize=1)
def _parameter_labels() -> dict:
    """Labels of calibrated constants without a catalogue entry (``ui/parameters.toml``)."""
    return tomllib.loads((Path(__file__).parents[1] / "ui" / "parameters.toml").read_text(encoding="utf-8"))


def constant_label(name: str, lang: str) -> str | None:
    """The label of a calibrated constant without a catalogue entry, by its Vensim name or the id
    the analyses' tables give it (:func:`gzsim.analysis.common.parameter_id`); None if unlabelled."""
    from .common import parameter_id

    if name.startswith("discrepancy_"):  # as _describe names the model-error term
        en, zh = _model_error_labels(name.removeprefix("discrepancy_"))
        return zh if lang == "zh" else en
    for vensim, labels in _parameter_labels().items():
        if name in (vensim, parameter_id(vensim)):
            return labels.get(lang) or labels.get("en")
    return None


@functools.lru_cache(maxsize=1)
def _bundled_catalogue():
    from ..catalogue import load_catalogue
    from ..paths import bundled_catalogue
    return load_catalogue(bundled_catalogue())


def _model_error_labels(indicator: str, catalogue=None) -> tuple[str, str]:
    """English and Chinese labels of the model-error term of an indicator (by its id)."""
    catalogue = catalogue if catalogue is not None else _bundled_catalogue()
    ind = next((i for i in catalogue.indicators if i.id == indicator), None)
    en, zh = (ind.label_en, ind.label_zh) if ind is not None else (indicator, indicator)
    return f"Model error in {en}", f"{zh}的模型误差"


def _ranks(x: np.ndarray) -> np.ndarray:
    return np.argsort(np.argsort(x, axis=0), axis=0).astype(float)


def _describe(model, column: str) -> tuple[str, str, str]:
    """Labels and kind of a draws column."""
    if column.startswith(discrepancy.PREFIX):
        return (*_model_error_labels(column[len(discrepancy.PREFIX):].strip(), model.catalogue), "discrepancy")
    cat = model.catalogue
    for lever in cat.levers:
        if lever.vensim == column:
            return lever.label_en, lever.label_zh, "scenario"
    named = _parameter_labels().get(column, {})
    label_en, label_zh = named.get("en", column), named.get("zh", column)
    for u in cat.uncertain:
        if u.vensim == column:
            label_en, label_zh = u.label_en, u.label_zh
    cal = model.calibration
    if cal is None:
        return label_en, label_zh, "unidentified"
    if column in cal.history_neutral:
        return label_en, label_zh, "regime"
    identified = {p.get("name"): p.get("identified") for p in cal.parameters}
    return label_en, label_zh, "identified" if identified.get(column) == "yes" else "unidentified"


def acting_inputs(model, scenario, draws: pd.DataFrame, indicator: str) -> set[str]:
    """The columns of *draws* that change *indicator* at all: each moved alone to its smallest
    and largest drawn value, the others at their medians (one batch of 2 x columns + 1 runs).

    A parameter can be correlated with the answer in the ensemble without acting on it (it was
    fitted together with one that does, e.g. the S&T SME registration share with the size of
    the firm pool); naming it as a driver would send the reader to the wrong lever.
    """
    return acting_inputs_of(model, scenario, draws, [indicator])[indicator]


def acting_inputs_of(model, scenario, draws: pd.DataFrame, indicators) -> dict[str, set[str]]:
    """:func:`acting_inputs` of several indicators from one batch (the runs are the same for all)."""
    columns = list(draws.columns)
    # the same for any sample size or seed of one scenario (keyed by its content hash: a lever
    # set to zero can switch a pathway off)
    keys = {i: (i, tuple(columns), getattr(scenario, "hash", "") or id(scenario)) for i in indicators}
    cache = model.__dict__.setdefault("_acting_inputs", {})
    missing = [i for i, key in keys.items() if key not in cache]
    if missing:
        if len(cache) > 256:
            cache.clear()
        for indicator, found in _acting(model, scenario, draws, missing).items():
            cache[keys[indicator]] = found
    return {i: cache[key] for i, key in keys.items()}


def _acting(model, scenario, draws: pd.DataFrame, indicators: list[str]) -> dict[str, set[str]]:
    columns = list(draws.columns)
    base = draws.median(axis=0)
    rows = [base.to_numpy(dtype=float)]
    for j, c in enumerate(columns):
        for end in (draws[c].min(), draws[c].max()):
            row = base.to_numpy(dtype=float).copy()
            row[j] = end
            rows.append(row)
    frame = pd.DataFrame(rows, columns=columns)
    runs = model.run_batch(scenario, draws=frame, indicators=indicators)
    found = {}
    for indicator in indicators:
        out = np.asarray(runs[indicator], float)
        scale = np.nanmax(np.abs(out[0])) or 1.0
        moved = np.nanmax(np.abs(out[1:] - out[0]), axis=1) > 1e-9 * scale
        found[indicator] = {c for j, c in enumerate(columns) if moved[2 * j] or moved[2 * j + 1]}
    return found


def top_drivers(model, draws: pd.DataFrame, values: np.ndarray, k: int = 3,
                acting: set[str] | None = None) -> list[Driver]:
    """The *k* drawn inputs whose ranks move most with *values* (one per sample of *draws*),
    among the *acting* ones when given (see :func:`acting_inputs`)."""
    values = np.asarray(values, dtype=float)
    ok = np.isfinite(values)
    if ok.sum() < 10 or np.ptp(values[ok]) == 0:
        return []
    x = draws.to_numpy(dtype=float)[ok]
    varying = np.ptp(x, axis=0) > 0
    if acting is not None:
        varying &= np.array([c in acting for c in draws.columns])
    rx, ry = _ranks(x[:, varying]), _ranks(values[ok])
    rx -= rx.mean(axis=0)
    ry -= ry.mean()
    rho = (rx * ry[:, None]).sum(axis=0) / np.sqrt((rx ** 2).sum(axis=0) * (ry ** 2).sum())
    columns = np.asarray(draws.columns)[varying]
    order = np.argsort(-rho ** 2)[:k]
    out = []
    for i in order:
        en, zh, kind = _describe(model, str(columns[i]))
        out.append(Driver(str(columns[i]), en, zh, kind, float(rho[i] ** 2)))
    return out
