"""Benchmark: the server-side compute of one slider move in the app, on this machine.

A slider move recomputes the current settings only (the baseline is cached): the edited
scenario is checked, ``simulate`` runs the deterministic run + 500 samples once, and the
scoreboard (``reach`` of that same batch) and the charts' quantiles are both read from it.  Chart rendering (matplotlib PNGs, cached per
setting) is timed separately.  Prints median wall-clock times over --repeats moves after one
warm-up; plain figures, no assertions; not a test.  Goal: a slider move under 150 ms of compute.

``--charts`` times the Charts tab's server work per move: the Vega-Lite specs of every
indicator (quantiles as plain Vega-Lite dicts; the browser draws them).  ``--png`` times matplotlib drawing every
chart (what the app did before, now only for the PNG/SVG downloads and the brief).  ``--tabs``
times the whole app script per slider move (Streamlit's AppTest, the server side of a move)
with each tab open: goal at most 0.5 s whichever tab is open.

Usage::

    python benchmarks/app.py
    python benchmarks/app.py --repeats 20 --charts --tabs
"""

from __future__ import annotations

import argparse
import statistics
import time

import gzsim
from gzsim.charts import load_history
from gzsim.paths import scenarios_dir
from gzsim.ui.compute import (
    SAMPLES,
    batch_of,
    chart_png,
    edited_scenario,
    scoreboard_of,
    simulation_of,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--charts", action="store_true", help="also time the in-app (Vega-Lite) charts")
    parser.add_argument("--png", action="store_true", help="also time drawing every chart with matplotlib")
    parser.add_argument("--tabs", action="store_true", help="also time a whole slider move per open tab (AppTest)")
    args = parser.parse_args()

    start = time.perf_counter()
    model = gzsim.load_model()
    print(f"load model (once per server, st.cache_resource): {time.perf_counter() - start:.2f} s")
    baseline = str(scenarios_dir() / "baseline.toml")
    lever = model.catalogue.lever("st_budget_growth")

    def move(value: float | None, name: str = "current"):
        # As the app: one batch per setting, the scoreboard and the chart data read from it.
        scenario = edited_scenario(model, baseline, (("st_budget_growth", value),) if value is not None else ())
        batch = batch_of(model, scenario)
        return scoreboard_of(model, scenario, batch), simulation_of(model, scenario, name, batch=batch)

    start = time.perf_counter()
    base = move(None, "baseline")
    print(f"baseline, first run (cached afterwards): {time.perf_counter() - start:.3f} s")
    move(lever.min)  # warm-up
    values = [lever.min + (i + 1) * (lever.max - lever.min) / (args.repeats + 1) for i in range(args.repeats)]
    times, parts = [], {"scenario": [], "simulate": [], "scoreboard": []}
    for value in values:
        overrides = (("st_budget_growth", round(value, 4)),)
        t0 = time.perf_counter()
        scenario = edited_scenario(model, baseline, overrides)
        t1 = time.perf_counter()
        batch = batch_of(model, scenario)
        t2 = time.perf_counter()
        scoreboard_of(model, scenario, batch)
        sim = simulation_of(model, scenario, "current", batch=batch)
        t3 = time.perf_counter()
        times.append(t3 - t0)
        parts["scenario"].append(t1 - t0)
        parts["simulate"].append(t2 - t1)
        parts["scoreboard"].append(t3 - t2)
    detail = ", ".join(f"{k} {1000 * statistics.median(v):.1f}" for k, v in parts.items())
    print(f"slider move, scoreboard + chart data ({SAMPLES} samples, one batch): "
          f"{1000 * statistics.median(times):.1f} ms median of {args.repeats} (goal < 150 ms; {detail} ms)")

    if args.charts:
        from gzsim.ui.interactive import chart_spec, history_records, run_records, target_records

        # As the app: the baseline's rows and the history are cached; the moved run's are new.
        targets = edited_scenario(model, baseline, ()).targets
        observed, base_rows = history_records(load_history(), "en"), run_records(base[1])
        spent = []
        for value in values[:3]:
            sim = move(round(value, 4))[1]
            start = time.perf_counter()
            rows = run_records(sim)
            for indicator in model.catalogue.indicators:
                chart_spec(indicator.id, base_rows.get(indicator.id, []) + rows.get(indicator.id, []),
                           observed.get(indicator.id, []), target_records(targets, indicator.id, "en"),
                           unit=indicator.unit)
            spent.append(time.perf_counter() - start)
        print(f"{len(model.catalogue.indicators)} in-app charts (Vega-Lite specs, drawn by the browser): "
              f"{1000 * statistics.median(spent):.0f} ms per move")
    if args.tabs:
        _time_tabs(args.repeats)
    if args.png:
        history = load_history()
        targets = edited_scenario(model, baseline, ()).targets
        start = time.perf_counter()
        for indicator in model.catalogue.indicators:
            chart_png(model, indicator.id, [base[1], sim], targets, history, "en")
        print(f"render {len(model.catalogue.indicators)} charts (PNG, cached per setting): "
              f"{time.perf_counter() - start:.2f} s")


def _time_tabs(repeats: int) -> None:
    """Server time of a slider move (the whole app script) with each tab open, via AppTest."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    app = str(Path(__file__).resolve().parents[1] / "app.py")
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    for t, tab in enumerate(("Targets scoreboard", "Charts", "Compare", "Analysis", "Model", "Downloads")):
        at = AppTest.from_file(app, default_timeout=300)
        at.run()
        at.session_state["tab_en"] = tab
        at.run()
        spent = []
        for i in range(min(repeats, 5)):
            # A value not seen before (the app caches per setting): the first move of a new setting.
            at.slider(key="baseline:st_budget_growth").set_value(round(0.005 * (1 + t * 6 + i), 3))
            start = time.perf_counter()
            at.run()
            spent.append(time.perf_counter() - start)
            assert not at.exception, at.exception
        print(f"slider move with the {tab} tab open: {1000 * statistics.median(spent):.0f} ms server time "
              f"(median of {len(spent)}; goal <= 500 ms)")


if __name__ == "__main__":
    main()
