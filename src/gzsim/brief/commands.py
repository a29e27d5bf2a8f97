"""``gzsim brief``: the briefing pack from the command line.

::

    gzsim brief SCENARIO... --out DIR [--lang zh|en] [--year 2025] [--samples N] [--seed S]
                [--size slide|print|both] [--data CSV] [--force]

Registered by :func:`register` through ``gzsim.cli``'s feature-command hook.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

__all__ = ["register", "run_brief"]


def _whole_number(value: str, minimum: int = 0) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if number < minimum:
        raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {number}")
    return number


def _sample_count(value: str) -> int:
    return _whole_number(value, minimum=1)


def register(sub, parents) -> None:
    """Add the ``brief`` subcommand to argparse subparsers *sub*."""
    p = sub.add_parser(
        "brief", parents=list(parents), help="write a briefing pack: charts, summary PDF, Excel workbook",
        description="Simulate scenarios and write, into a new folder DIR, one chart per indicator "
                    "(PNG 300 dpi and SVG), summary.pdf (targets scoreboard, a paragraph per target, key "
                    "charts), summary.md and brief.xlsx. Nothing is written if anything fails.")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                   help="path to a .toml file, or a name in the scenarios folder (e.g. baseline)")
    p.add_argument("--out", "-o", required=True, type=Path, metavar="DIR",
                   help="folder to create (must not exist or be empty; see --force)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh",
                   help="language of charts and text (default zh; English if no CJK font is installed)")
    p.add_argument("--year", type=int, default=2025, help="year of the targets briefed on (default 2025)")
    p.add_argument("--samples", type=_sample_count, default=200, metavar="N",
                   help="Monte-Carlo samples per scenario (default 200; at least 1)")
    p.add_argument("--seed", type=_whole_number, default=None, metavar="S",
                   help="random seed (default: fresh, printed to stderr and recorded in the brief)")
    p.add_argument("--size", choices=("slide", "print", "both"), default="both",
                   help="chart sizes: slide 13.33x7.5 in (16:9), print 6.3x3.9 in, or both (default)")
    p.add_argument("--data", type=Path, metavar="CSV",
                   help="observations to plot (default: calibration/observations.csv of the project)")
    p.add_argument("--force", action="store_true",
                   help="replace DIR if it holds a previous brief (never any other folder)")
    p.set_defaults(func=run_brief)


def _check_inputs(args: argparse.Namespace) -> None:
    """Refuse a sample count beyond the memory limit and a missing --data file, before any run.

    The data file's content is checked by :func:`gzsim.charts.load_history` when the brief
    reads it, before anything is simulated.
    """
    from ..errors import UsageError
    from ..sampling import check_sample_count

    check_sample_count(args.samples, name="--samples", minimum=1)
    if args.data is not None and not args.data.is_file():
        raise UsageError("data file not found; check the --data path", path=args.data)


def run_brief(args: argparse.Namespace) -> int:
    """Handler of ``gzsim brief``; returns the exit status."""
    from .. import cli
    from ..charts.fonts import FontWarning
    from .build import build_brief
    from .outdir import check_out_dir

    check_out_dir(args.out, force=args.force)  # fail before loading and simulating, not after
    _check_inputs(args)
    model = cli.model_from_args(args)  # the common options --model, --engine, --calibration
    scenarios = cli._load_scenarios(model, args)
    sizes = ("slide", "print") if args.size == "both" else (args.size,)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FontWarning)
        result = build_brief(model, scenarios, args.out, lang=args.lang, year=args.year, samples=args.samples,
                             seed=args.seed, sizes=sizes, data=args.data, force=args.force)
    for w in caught:
        if issubclass(w.category, FontWarning):
            print(f"gzsim: warning: {w.message}", file=sys.stderr)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if args.seed is None:
        print(f"gzsim: Monte-Carlo seed {result.seed} (use --seed {result.seed} to repeat)", file=sys.stderr)
    print(f"gzsim: brief written to {result.out} ({len(result.files)} files, language {result.lang})",
          file=sys.stderr)
    return 0
