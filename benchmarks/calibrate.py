"""Benchmark: the whole default calibration (`gzsim calibrate`, ensemble included).

Usage::

    python benchmarks/calibrate.py [--settings calibration/settings.toml] [--seed 20251]

Runs the calibration into a temporary folder (the committed calibration is
not touched), then prints the wall time, the fit table and the MCMC
diagnostics.  Target: under 5 minutes on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default=str(ROOT / "calibration" / "settings.toml"))
    parser.add_argument("--seed", default="20251")
    args = parser.parse_args(argv)
    from gzsim.cli import main as gzsim

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "calibration"
        start = time.perf_counter()
        code = gzsim(["calibrate", "--settings", args.settings, "--out", str(out), "--seed", args.seed])
        elapsed = time.perf_counter() - start
        if code != 0:
            print(f"gzsim calibrate failed with exit status {code}", file=sys.stderr)
            return code
        fit = pd.read_csv(out / "fit.csv")
        meta = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    print()
    print(f"gzsim calibrate (settings {args.settings}, seed {args.seed}): {elapsed:.1f} s "
          f"({elapsed / 60:.2f} min; target < 5 min)")
    print("steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in meta["provenance"]["seconds"].items()))
    mc = meta["mcmc"]
    print(f"ensemble: {mc['sets']} sets; acceptance {mc['acceptance_mean']:.3f}; max tau "
          f"{max(mc['tau']):.0f} steps; min ESS {min(mc['ess']):.0f}; max split R-hat "
          f"{max(mc['rhat']):.3f}")
    print()
    print(fit.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
