"""Differential fuzzing at length: 2,000 seeded random models through PySD and the engine.

The suite runs a sample (``tests/engine/test_engine_fuzz.py``); this runs the issue's
2,000 (about 15-20 minutes on one core). Any difference is shrunk by Hypothesis and raised
with the model's text. What is generated and what counts as agreement:
``tests/engine/model_fuzzing.py``.

Usage::

    python benchmarks/engine_fuzz.py [--examples 2000] [--seed 20261203]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args(argv)
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    from tests.engine.model_fuzzing import fuzz

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        checked, ran = fuzz(args.examples, args.seed)
    print(f"{checked} models (seed {args.seed}): no difference; {ran} ran in both tools, "
          f"{checked - ran} refused by both or stopped PySD on an arithmetic error "
          f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
