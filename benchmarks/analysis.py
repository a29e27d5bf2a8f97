"""Benchmark: the analysis commands on the bundled Ganzhou model, on this machine.

Prints wall-clock times (median of --repeats runs after one warm-up), plain
figures, no assertions; not a test.  Goals: reach with 10,000 samples under
2 s; Sobol' over all levers under 60 s; goal seeking under 10 s.

Usage::

    python benchmarks/analysis.py
    python benchmarks/analysis.py --sobol-n 4096 --repeats 3
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _time(fn, repeats: int):
    fn()  # warm-up (compiles the engine's batch runner)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--sobol-n", type=int, default=2048, help="Sobol' base sample size (power of 2)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    import gzsim
    from gzsim.analysis import attribute, discover, goalseek, reach, sensitivity

    start = time.perf_counter()
    model = gzsim.load_model()
    print(f"load_model (compile):            {time.perf_counter() - start:6.2f} s")
    sc = {n: model.load_scenario(ROOT / "scenarios" / f"{n}.toml") for n in ("baseline", "plan", "plan_push")}

    t, table = _time(lambda: reach(model, [sc["plan"]], samples=args.samples, seed=1), args.repeats)
    print(f"reach plan, {args.samples:,} samples:       {t:6.2f} s   "
          f"(joint headline P = {table.iloc[-1].probability:.3f})")
    t, _ = _time(lambda: reach(model, [sc["baseline"], sc["plan"]], samples=args.samples, seed=1), args.repeats)
    print(f"reach baseline+plan, {args.samples:,} each: {t:6.2f} s")
    cmd = [sys.executable, "-m", "gzsim", "reach", "plan", "--samples", str(args.samples), "--seed", "1",
           "--quiet"]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
    print(f"  CLI `gzsim reach plan --samples {args.samples}` end to end (process start, imports, "
          f"compile): {time.perf_counter() - start:.2f} s")

    t, table = _time(lambda: sensitivity(model, sc["plan"], samples=args.sobol_n, seed=1), 1)
    print(f"Sobol' all levers + uncertain ({table.attrs['inputs']} inputs, N = {args.sobol_n}, "
          f"{table.attrs['runs']:,} runs, 8 targets x 2 outputs, 200 bootstrap): {t:6.2f} s")
    t, table = _time(lambda: sensitivity(model, sc["plan"], method="morris", samples=200, seed=1), 1)
    print(f"Morris (r = 200, {table.attrs['runs']:,} runs):  {t:6.2f} s")

    t, res = _time(lambda: goalseek(model, sc["baseline"], probability=0.9, seed=1), 1)
    print(f"goalseek baseline, P >= 0.9 on headline targets, 500 draws "
          f"({res.attrs['evaluations']:,} runs): {t:6.2f} s   -> {res.message}")

    t, table = _time(lambda: discover(model, sc["plan"], samples=5000, seed=1), 1)
    print(f"discover plan, 5,000 runs:       {t:6.2f} s   (box 1 density {table.iloc[0].density:.3f}, "
          f"coverage {table.iloc[0].coverage:.3f})")
    t, table = _time(lambda: attribute(model, sc["plan_push"], baseline=sc["baseline"]), 1)
    print(f"attribute plan_push vs baseline ({table.attrs['runs']:,} runs, exact Shapley): {t:6.2f} s")


if __name__ == "__main__":
    main()
