"""Benchmark: the server-side compute of one slider move in the app, on this machine.

A slider move recomputes the current settings only (the baseline is cached): the edited
scenario is checked, ``reach`` runs the deterministic run + 500 samples for the scoreboard and
``simulate`` the 500 samples the charts draw.  Chart rendering (matplotlib PNGs, cached per
setting) is timed separately.  Prints median wall-clock times over --repeats moves after one
warm-up; plain figures, no assertions; not a test.  Goal: a slider move under 150 ms.

Usage::

    python benchmarks/app.py
    python benchmarks/app.py --repeats 20 --charts
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
    chart_png,
    edited_scenario,
    reach_table,
    simulation,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--charts", action="store_true", help="also time rendering every chart")
    args = parser.parse_args()

    start = time.perf_counter()
    model = gzsim.load_model()
    print(f"load model (once per server, st.cache_resource): {time.perf_counter() - start:.2f} s")
    baseline = str(scenarios_dir() / "baseline.toml")
    lever = model.catalogue.lever("st_budget_growth")

    def move(value: float):
        overrides = (("st_budget_growth", value),)
        board = reach_table(model, baseline, overrides)
        sim = simulation(model, baseline, overrides, "current")
        return board, sim

    start = time.perf_counter()
    base = (reach_table(model, baseline, ()), simulation(model, baseline, (), "baseline"))
    print(f"baseline, first run (cached afterwards): {time.perf_counter() - start:.3f} s")
    move(lever.min)  # warm-up
    values = [lever.min + (i + 1) * (lever.max - lever.min) / (args.repeats + 1) for i in range(args.repeats)]
    times, parts = [], {"scenario": [], "reach": [], "simulate": []}
    for value in values:
        overrides = (("st_budget_growth", round(value, 4)),)
        t0 = time.perf_counter()
        edited_scenario(model, baseline, overrides)
        t1 = time.perf_counter()
        reach_table(model, baseline, overrides)
        t2 = time.perf_counter()
        sim = simulation(model, baseline, overrides, "current")
        t3 = time.perf_counter()
        times.append(t3 - t0)
        parts["scenario"].append(t1 - t0)
        parts["reach"].append(t2 - t1)
        parts["simulate"].append(t3 - t2)
    detail = ", ".join(f"{k} {1000 * statistics.median(v):.1f}" for k, v in parts.items())
    print(f"slider move, scoreboard + chart data ({SAMPLES} samples): {1000 * statistics.median(times):.1f} ms "
          f"median of {args.repeats} (goal < 150 ms; {detail} ms; reach re-checks the scenario inside)")

    if args.charts:
        history = load_history()
        targets = edited_scenario(model, baseline, ()).targets
        start = time.perf_counter()
        for indicator in model.catalogue.indicators:
            chart_png(model, indicator.id, [base[1], sim], targets, history, "en")
        print(f"render {len(model.catalogue.indicators)} charts (PNG, cached per setting): "
              f"{time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
