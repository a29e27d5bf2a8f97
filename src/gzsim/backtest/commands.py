"""``gzsim backtest``: hindcasts at one or more cutoffs, scored against naive forecasts.

Registered by :mod:`gzsim.cli` through its ``_FEATURE_COMMANDS`` list.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

from ..cli import whole_number

__all__ = ["register", "run_backtest"]

#: Budget of each refit: the calibration's optimiser, with a shorter chain (a hindcast needs the
#: ensemble's spread, not the full report's diagnostics). ``--steps`` sets it.
DEFAULT_STEPS = 2000


def register(sub, parents) -> None:
    cmd = sub.add_parser(
        "backtest", parents=list(parents), help="hindcasts: refit up to a cutoff, score the forecasts",
        description="For each --until YEAR: calibrate again with only the observations up to the "
                    "end of YEAR, forecast the held-out point observations, and score them "
                    "(coverage of the 50 %% and 90 %% bands, interval score) next to naive "
                    "forecasts (no change, linear, compound and damped trends). Writes "
                    "backtest.csv and report.md into --out. The model-discrepancy sigma is "
                    "estimated from these hindcasts, each cutoff's from the others' "
                    "(leave-one-cutoff-out) when there are several.")
    cmd.add_argument("--settings", metavar="FILE", type=Path, required=True,
                     help="calibration settings (e.g. calibration/settings.toml)")
    cmd.add_argument("--until", metavar="YEAR", type=whole_number, action="append", required=True,
                     help="last year of data to fit (repeat for several cutoffs)")
    cmd.add_argument("--out", metavar="DIR", type=Path, required=True, help="output folder")
    cmd.add_argument("--seed", metavar="S", type=whole_number, default=1, help="random seed (default 1)")
    cmd.add_argument("--steps", metavar="N", type=whole_number, default=DEFAULT_STEPS,
                     help=f"MCMC steps per refit (default {DEFAULT_STEPS})")
    cmd.set_defaults(func=run_backtest)


def run_backtest(args: argparse.Namespace) -> int:
    from ..calibration.outputs import check_out_dir
    from ..calibration.settings import load_settings
    from .evaluate import evaluate

    settings = load_settings(args.settings, catalogue=args.model)
    check_out_dir(args.out)
    start = time.perf_counter()
    command = shlex.join(["gzsim", "backtest", "--settings", str(args.settings),
                          *[a for c in args.until for a in ("--until", str(c))],
                          "--out", str(args.out), "--seed", str(args.seed), "--steps", str(args.steps)])
    outcome = evaluate(settings, args.until, seed=args.seed, budget={"steps": args.steps},
                       progress=lambda m: print(f"gzsim backtest: {m}", file=sys.stderr),
                       command=command, started=start)
    outcome.write(args.out)
    print(outcome.summary.to_string(index=False, float_format=lambda x: f"{x:.3g}"))
    print(f"gzsim backtest: wrote {args.out / 'backtest.csv'} and {args.out / 'report.md'} "
          f"in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return 0
