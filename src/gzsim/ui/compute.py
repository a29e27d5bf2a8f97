"""What the app computes for one setting of the levers, as plain functions (the app caches them).

``benchmarks/app.py`` times these same functions.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pandas as pd

from ..analysis import reach
from ..scenario import with_levers

SAMPLES = 500  # Monte-Carlo samples of the scoreboard and the charts
SEED = 1  # fixed: the numbers match `gzsim reach SCENARIO --samples 500 --seed 1`

Overrides = tuple[tuple[str, Any], ...]


def edited_scenario(model: Any, scenario_file: str, overrides: Overrides):
    """The scenario file with *overrides* (sorted ``(lever id, value)`` pairs) applied and checked."""
    scenario = model.load_scenario(scenario_file)
    if overrides:
        scenario = with_levers(scenario, dict(overrides), catalogue=model.catalogue,
                               name=f"{scenario.name} (edited)")
    return scenario


def reach_table(model: Any, scenario_file: str, overrides: Overrides, *, samples: int = SAMPLES,
                seed: int = SEED) -> pd.DataFrame:
    """:func:`gzsim.analysis.reach` of the edited scenario (one scenario)."""
    return reach(model, [edited_scenario(model, scenario_file, overrides)], samples=samples, seed=seed)


def simulation(model: Any, scenario_file: str, overrides: Overrides, name: str, *, samples: int = SAMPLES,
               seed: int = SEED):
    """``model.simulate`` of the edited scenario, renamed *name* (the chart legend)."""
    result = model.simulate(edited_scenario(model, scenario_file, overrides), samples=samples, seed=seed)
    return replace(result, scenario=name)


def chart_png(model: Any, indicator_id: str, simulations: Sequence[Any], targets: Any, history: pd.DataFrame,
              lang: str, *, dpi: int = 110, format: str = "png") -> bytes:
    """:func:`gzsim.charts.forecast_chart` of one indicator as PNG (or *format*, e.g. ``"svg"``) bytes."""
    import matplotlib.pyplot as plt

    from ..charts import forecast_chart

    indicator = next(i for i in model.catalogue.indicators if i.id == indicator_id)
    marks = [t for t in targets or [] if t.id == indicator_id]
    fig = forecast_chart(indicator, list(simulations), history=history, target=marks or None, lang=lang,
                         size="print", catalogue=model.catalogue, until=2025)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=format, dpi=dpi)
    plt.close(fig)
    return buffer.getvalue()


def workbook_bytes(simulations: Sequence[Any], catalogue: Any, lang: str, scoreboard: pd.DataFrame,
                   provenance: dict[str, Any]) -> bytes:
    """An Excel workbook (``results``, ``scoreboard``, ``provenance`` sheets) as bytes.

    The ``results`` sheet is :func:`gzsim.brief.results_table`, the same as the briefing pack's.
    """
    import json

    from ..brief.excel import results_table

    prov = pd.DataFrame([(k, json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else str(v))
                         for k, v in provenance.items()], columns=["key", "value"])
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        results_table(list(simulations), catalogue, lang).to_excel(writer, sheet_name="results", index=False)
        scoreboard.to_excel(writer, sheet_name="scoreboard", index=False)
        prov.to_excel(writer, sheet_name="provenance", index=False)
    return buffer.getvalue()
