"""What drives a target's uncertainty: the drawn inputs its value moves with most.

A cheap, sample-based reading (no extra runs): the squared Spearman rank
correlation between each drawn input and the target's value over the same
Monte-Carlo samples, the share of the value's rank variance each input
explains on its own.  Sobol' indices (``gzsim sensitivity``) are the
thorough answer; this one is small enough for every slider move.

Each input is labelled by its kind, so a reader sees where the uncertainty
comes from: a regime input of the post-2020 period (drawn from its prior:
the data cannot inform it), a parameter the 2015-2020 data do not identify,
one they do, a scenario input, or the model-discrepancy term.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import discrepancy

__all__ = ["Driver", "top_drivers", "KINDS"]

#: Kind of a drawn input -> (English, Chinese) label.
KINDS = {
    "regime": ("post-2020 regime input", "2020年后情势输入"),
    "unidentified": ("not identified by the 2015-2020 data", "2015-2020年数据无法识别"),
    "identified": ("calibrated", "已校准"),
    "scenario": ("scenario input", "情景输入"),
    "discrepancy": ("model error (from the hindcasts)", "模型误差（据回测）"),
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
        return f"{label} ({kind})"


def _ranks(x: np.ndarray) -> np.ndarray:
    return np.argsort(np.argsort(x, axis=0), axis=0).astype(float)


def _describe(model, column: str) -> tuple[str, str, str]:
    """Labels and kind of a draws column."""
    if column.startswith(discrepancy.PREFIX):
        ind = column[len(discrepancy.PREFIX):]
        return f"model error in {ind}", f"{ind}的模型误差", "discrepancy"
    cat = model.catalogue
    for lever in cat.levers:
        if lever.vensim == column:
            return lever.label_en, lever.label_zh, "scenario"
    label_en = label_zh = column
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


def top_drivers(model, draws: pd.DataFrame, values: np.ndarray, k: int = 3) -> list[Driver]:
    """The *k* drawn inputs whose ranks move most with *values* (one per sample of *draws*)."""
    values = np.asarray(values, dtype=float)
    ok = np.isfinite(values)
    if ok.sum() < 10 or np.ptp(values[ok]) == 0:
        return []
    x = draws.to_numpy(dtype=float)[ok]
    varying = np.ptp(x, axis=0) > 0
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
