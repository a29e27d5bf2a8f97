"""Scenario comparison: several ``gzsim.analysis.reach`` results side by side, one row per target."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..analysis.reach import ALL_HEADLINE


def compare_table(reached: pd.DataFrame, targets: Any, lang: str) -> pd.DataFrame:
    """Rows = targets (then the joint headline row); per scenario a probability and a status column.

    *reached* is one :func:`gzsim.analysis.reach` table of several scenarios.  Columns are
    ``target`` then ``"<scenario>: probability"`` and ``"<scenario>: status"`` in the scenarios' order.
    """
    from ..charts import text

    labels = {(t.id, t.measure): t.label(lang) for t in targets or []}
    scenarios = list(dict.fromkeys(reached["scenario"]))
    keys = list(dict.fromkeys(zip(reached["target"], reached["measure"])))
    rows = []
    for target, measure in keys:
        label = text("all_headline", lang) if target == ALL_HEADLINE else labels.get((target, measure), target)
        row: dict[str, Any] = {"target": label}
        for name in scenarios:
            hit = reached[(reached["scenario"] == name) & (reached["target"] == target)
                          & (reached["measure"] == measure)]
            row[f"{name}: probability"] = float(hit["probability"].iloc[0]) if len(hit) else float("nan")
            row[f"{name}: status"] = str(hit["status"].iloc[0]) if len(hit) else ""
        rows.append(row)
    columns = ["target"] + [f"{n}: {c}" for n in scenarios for c in ("probability", "status")]
    return pd.DataFrame(rows, columns=columns)
