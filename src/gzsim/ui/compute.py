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
from ..analysis.reach import reach_of_simulation
from ..scenario import with_levers
from .upload import UploadedScenario, resolve_upload

SAMPLES = 500  # Monte-Carlo samples of the scoreboard and the charts
SEED = 1  # fixed: the numbers match `gzsim reach SCENARIO --samples 500 --seed 1`

Overrides = tuple[tuple[str, Any], ...]
#: Where a scenario comes from: a bundled scenario file (its path) or a checked upload.
#: Both are plain, hashable data, so the app's caches can key results by them.
Source = str | UploadedScenario


def load_source(model: Any, source: Source):
    """The scenario of *source*: ``model.load_scenario`` of a path, or an upload resolved again."""
    if isinstance(source, UploadedScenario):
        return resolve_upload(source, model.catalogue)
    return model.load_scenario(source)


def edited_scenario(model: Any, scenario_file: Source, overrides: Overrides):
    """The scenario (file or upload) with *overrides* (sorted ``(lever id, value)`` pairs) applied and checked."""
    scenario = load_source(model, scenario_file)
    if overrides:
        scenario = with_levers(scenario, dict(overrides), catalogue=model.catalogue,
                               name=f"{scenario.name} (edited)")
    return scenario


def content_key(scenario: Any) -> str:
    """What the app's caches key a scenario's results by: its content, never its file's path.

    The scenario hash (every lever value and the uncertainty: what the page shows), its name (in
    the tables) and its targets' content hash.  A file edited while the app runs gives a new key,
    so "same hash and seed, same numbers" holds in every session.
    """
    from ..provenance import content_hash, targets_hash

    targets = scenario.targets
    return content_hash({"hash": scenario.hash, "name": scenario.name,
                         "targets": targets_hash(targets) if targets is not None else None})


def reach_of(model: Any, scenario: Any, *, samples: int = SAMPLES, seed: int = SEED) -> pd.DataFrame:
    """:func:`gzsim.analysis.reach` of one resolved scenario, with the melded outside view."""
    return reach(model, [scenario], samples=samples, seed=seed, outside_view=True)


def batch_of(model: Any, scenario: Any, *, samples: int = SAMPLES, seed: int = SEED):
    """The one Monte-Carlo batch of a setting (``model.simulate``, every indicator): the scoreboard
    (:func:`scoreboard_of`) and the charts both read it, so a slider move runs the model once."""
    return model.simulate(scenario, samples=samples, seed=seed)


def scoreboard_of(model: Any, scenario: Any, batch: Any, *, seed: int = SEED) -> pd.DataFrame:
    """:func:`reach_of` from *batch* (:func:`batch_of` with *seed*): the same table, no new runs
    (the melded view reweights the batch's samples)."""
    return reach_of_simulation(model, scenario, batch, seed=seed, outside_view=True)


def simulation_of(model: Any, scenario: Any, name: str, *, samples: int = SAMPLES, seed: int = SEED,
                  batch: Any = None):
    """``model.simulate`` of one resolved scenario (or its *batch*), renamed *name* (the chart legend)."""
    return replace(batch if batch is not None else batch_of(model, scenario, samples=samples, seed=seed),
                   scenario=name)


def record_of(model: Any, scenario: Any, baseline: Any, overrides: Overrides) -> dict[str, Any]:
    """The provenance record of what the app shows: *scenario* (edited by *overrides*) and *baseline*.

    The same :func:`gzsim.provenance.record` as the command line's outputs, so a download names
    the model, calibration and scenario hashes that reproduce it (``reproduce`` is absent: no
    command line; the overrides are recorded instead).
    """
    from ..provenance import record

    scenarios = [scenario]
    if content_key(baseline) != content_key(scenario):
        scenarios.append(baseline)
    return record(model, scenarios, seed=SEED, samples=SAMPLES, analysis="app", overrides=dict(overrides))


def reach_table(model: Any, scenario_file: Source, overrides: Overrides, *, samples: int = SAMPLES,
                seed: int = SEED) -> pd.DataFrame:
    """:func:`gzsim.analysis.reach` of the edited scenario (one scenario)."""
    return reach_of(model, edited_scenario(model, scenario_file, overrides), samples=samples, seed=seed)


def simulation(model: Any, scenario_file: Source, overrides: Overrides, name: str, *, samples: int = SAMPLES,
               seed: int = SEED):
    """``model.simulate`` of the edited scenario, renamed *name* (the chart legend)."""
    return simulation_of(model, edited_scenario(model, scenario_file, overrides), name, samples=samples, seed=seed)


def app_record(model: Any, scenario_file: Source, overrides: Overrides, baseline_file: Source) -> dict[str, Any]:
    """:func:`record_of` the edited scenario of *scenario_file* and the scenario of *baseline_file*."""
    return record_of(model, edited_scenario(model, scenario_file, overrides), load_source(model, baseline_file),
                     overrides)


def chart_png(model: Any, indicator_id: str, simulations: Sequence[Any], targets: Any, history: pd.DataFrame,
              lang: str, *, dpi: int = 110, format: str = "png", provenance: dict[str, Any] | None = None) -> bytes:
    """:func:`gzsim.charts.forecast_chart` of one indicator as PNG (or *format*, e.g. ``"svg"``) bytes.

    With *provenance*, the record is embedded in the file's metadata (:func:`gzsim.provenance.embed`).
    """
    import matplotlib.pyplot as plt

    from ..charts import forecast_chart
    from ..provenance import embed

    indicator = next(i for i in model.catalogue.indicators if i.id == indicator_id)
    marks = [t for t in targets or [] if t.id == indicator_id]
    fig = forecast_chart(indicator, list(simulations), history=history, target=marks or None, lang=lang,
                         size="print", catalogue=model.catalogue, until=2025)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=format, dpi=dpi, metadata=embed(format, provenance))
    plt.close(fig)
    return buffer.getvalue()


def workbook_bytes(simulations: Sequence[Any], catalogue: Any, lang: str, scoreboard: pd.DataFrame,
                   provenance: dict[str, Any]) -> bytes:
    """An Excel workbook (``results``, ``scoreboard``, ``provenance`` sheets) as bytes.

    The ``results`` sheet is :func:`gzsim.brief.results_table`, the same as the briefing pack's.
    """
    from ..brief.excel import results_table, write_sheets
    from ..output import excel_writer

    buffer = io.BytesIO()
    with excel_writer(buffer) as writer:  # headers in *lang*, as in the briefing pack's workbook
        write_sheets(writer, {"results": results_table(list(simulations), catalogue, lang),
                              "scoreboard": scoreboard}, provenance, lang)
    return buffer.getvalue()
