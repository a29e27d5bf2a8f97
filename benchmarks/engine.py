"""Benchmark: PySD against gzsim's fast engine, on this machine.

Prints, side by side: one PySD run, one fast run, 10,000 parameter sets in
one ``run_batch`` (every constant perturbed uniformly by +/-20 %), the ratios
and the peak memory of the batch.  Plain figures, no assertions; not a test.

Usage::

    python benchmarks/engine.py                       # the Ganzhou model
    python benchmarks/engine.py --model path/to/model.mdl --n 10000 --columns all

Hot plans run compiled (numba, ``gzsim.engine.jit``) when numba is installed; set
``GZSIM_JIT=0`` for the numpy runner's figures.

Goals on the Ganzhou model: one run at least 30 times faster than PySD and
at most 0.3 ms; ``run_batch`` with 32 sets and 11 outputs (the size of a
calibration step) at most 1 ms; 10,000 sets at least 1,000 times PySD's
throughput (under a second) and under 1 GiB of memory.
"""

from __future__ import annotations

import argparse
import gc
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
GANZHOU = ROOT / "model" / "ganzhou_sti.mdl"
FALLBACK = ROOT / "tests" / "engine" / "models" / "realistic.mdl"


def _median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _owned_mib(arrays) -> float:
    """Memory held by result arrays; broadcast views of constants count once per row."""
    total = 0
    for a in arrays:
        a = np.asarray(a)
        total += a.itemsize * int(np.prod([d for d, s in zip(a.shape, a.strides) if s != 0]))
    return total / 2**20


def _maxrss_mib() -> float:
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=GANZHOU if GANZHOU.is_file() else FALLBACK)
    parser.add_argument("--n", type=int, default=10_000, help="parameter sets in the batch")
    parser.add_argument("--repeats", type=int, default=7, help="repetitions for medians")
    parser.add_argument("--columns", default="stocks",
                        help="batch outputs: 'stocks' (every INTEG), 'all', or names separated "
                             "by commas")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)

    import pysd

    sys.path.insert(0, str(ROOT / "src"))
    from gzsim.engine import compile_model, jit

    print(f"model        {args.model}")
    print(f"machine      numpy {np.__version__}, pysd {pysd.__version__}, "
          f"python {sys.version.split()[0]}")

    # ---------------------------------------------------------------- PySD
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copy = Path(shutil.copy(args.model, Path(tmp) / args.model.name))
        start = time.perf_counter()
        pysd_model = pysd.read_vensim(str(copy))
        pysd_translate = time.perf_counter() - start
        pysd_model.run()
        pysd_one = _median_time(pysd_model.run, args.repeats)

    # ---------------------------------------------------------- fast engine
    start = time.perf_counter()
    cm = compile_model(args.model, cache=False)
    compile_time = time.perf_counter() - start
    start = time.perf_counter()
    cm.run()
    first_run = time.perf_counter() - start
    for _ in range(jit.HOT_CALLS - 2):
        cm.run()
    start = time.perf_counter()
    cm.run()  # the plan is hot: compiled now (or loaded from numba's cache)
    jit_first = time.perf_counter() - start
    fast_one = _median_time(cm.run, max(args.repeats, 50))

    if args.columns == "all":
        columns = list(cm.columns)
    elif args.columns == "stocks":
        columns = list(cm.stocks)
    else:
        columns = [c.strip() for c in args.columns.split(",")]
    rng = np.random.default_rng(args.seed)
    params = {name: value * rng.uniform(0.8, 1.2, args.n) for name, value in cm.constants.items()}
    for _ in range(jit.HOT_CALLS):   # make the batch plan hot (compiled, when numba is on)
        cm.run_batch({k: v[:2] for k, v in params.items()}, columns)

    gc.collect()
    rss_before = _maxrss_mib()
    tracemalloc.start()
    start = time.perf_counter()
    out = cm.run_batch(params, columns)
    batch_first = time.perf_counter() - start
    peak_traced = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rss_delta = _maxrss_mib() - rss_before
    result_mib = _owned_mib(out.values())
    del out
    gc.collect()
    batch = _median_time(lambda: cm.run_batch(params, columns), max(3, args.repeats // 2))

    # small batches: what calibration runs thousands of times
    small_columns = list(cm.columns[len(cm.columns) - 11:]) if len(cm.columns) >= 11 else columns
    indicators = ROOT / "model" / "levers.toml"
    if args.model == GANZHOU and indicators.is_file():
        import tomllib

        small_columns = [i["vensim"] for i in tomllib.loads(
            indicators.read_text(encoding="utf-8"))["indicator"]][:11]
    small = {k: v[:32] for k, v in params.items()}
    for _ in range(jit.HOT_CALLS):
        cm.run_batch(small, small_columns)
    batch_small = _median_time(lambda: cm.run_batch(small, small_columns), max(args.repeats, 50))

    speedup = pysd_one / fast_one
    throughput = (args.n / batch) / (1 / pysd_one)
    width = 44
    print(f"variables    {len(cm.variable_names)} ({len(cm.constants)} constants perturbed "
          f"+/-20 %, {len(cm.stocks)} stocks), {len(cm.output_times())} saved times")
    print(f"batch output {len(columns)} columns ({args.columns})")
    print()
    print(f"{'':{width}}{'seconds':>12}")
    print(f"{'PySD translation (read_vensim)':{width}}{pysd_translate:12.4f}")
    print(f"{'fast engine compilation (compile_model)':{width}}{compile_time:12.4f}")
    print(f"{'fast engine first run (incl. code generation)':{width}}{first_run:12.4f}")
    print(f"{'compiled runner, first use (numba or its cache)':{width}}{jit_first:12.4f}"
          f"     ({'numba' if jit.available() else 'off: numpy runner only'})")
    print(f"{'PySD one run (median)':{width}}{pysd_one:12.4f}")
    print(f"{'fast engine one run (median)':{width}}{fast_one:12.5f}     (goal <= 0.0003)")
    print(f"{f'fast engine 32 sets x {len(small_columns)} outputs (median)':{width}}"
          f"{batch_small:12.5f}     (goal <= 0.001)")
    print(f"{f'fast engine {args.n:,} sets, under tracemalloc':{width}}{batch_first:12.4f}")
    print(f"{f'fast engine {args.n:,} sets (median)':{width}}{batch:12.4f}")
    print(f"{f'PySD {args.n:,} runs (estimated)':{width}}{pysd_one * args.n:12.1f}")
    print()
    print(f"{'speed-up, one run':{width}}{speedup:12.1f} x   (goal >= 30)")
    print(f"{'throughput ratio, batch vs PySD':{width}}{throughput:12.0f} x   (goal >= 1,000)")
    print(f"{'batch peak memory, traced (MiB)':{width}}{peak_traced:12.1f}     (goal < 1,024)")
    print(f"{'batch max RSS increase (MiB)':{width}}{rss_delta:12.1f}")
    print(f"{'batch result size (MiB)':{width}}{result_mib:12.1f}")
    print(f"{'process max RSS (MiB)':{width}}{_maxrss_mib():12.1f}")


if __name__ == "__main__":
    main()
