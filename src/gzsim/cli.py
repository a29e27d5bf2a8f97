"""Command line: ``gzsim run | levers | validate``.

Exit status 0 on success and 2 on bad input; input problems are printed to
stderr one per line as ``FILE: problem; fix``, never as a traceback, and no
output file is written when anything fails.
"""

from __future__ import annotations

import argparse
import os
import sys
import unicodedata
from importlib import import_module
from pathlib import Path
from typing import Sequence

import numpy as np

from . import __version__
from .errors import GzsimError, Problem
from .process import Terminated, checked_stdout, signals_as_exceptions
from .provenance import invocation

__all__ = ["main", "build_parser", "whole_number", "lever_id"]

_FEATURE_COMMANDS: tuple[str, ...] = (
    "gzsim.calibration.commands",
    "gzsim.analysis.commands",
    "gzsim.brief.commands",
    "gzsim.checks.commands",
    "gzsim.backtest.commands",
)


def whole_number(text: str) -> int:
    """argparse type: a whole number >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def lever_id(text: str) -> str:
    """argparse type: a lever id (not empty: ``--levers ""`` is a mistake, not "no levers")."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty lever id; give lever ids such as st_budget_growth "
                                         "(`gzsim levers` lists them), or leave --levers out for all")
    return text


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser for ``gzsim``."""
    model_opt = argparse.ArgumentParser(add_help=False)
    model_opt.add_argument("--model", metavar="PATH",
                           help="lever catalogue (levers.toml), or a .mdl with levers.toml beside it "
                                "(default: the bundled Ganzhou model)")
    engine_opt = argparse.ArgumentParser(add_help=False)
    engine_opt.add_argument("--engine", default="fast",
                            help="simulation engine: fast (compiled, default) or pysd (the reference)")
    engine_opt.add_argument("--calibration", metavar="DIR|none", default="auto",
                            help="calibration folder (default: the bundled one for the bundled model; "
                                 "'none' runs the model's hand-set values)")
    engine_opt.add_argument("--scenarios-dir", metavar="DIR", type=Path,
                            help="folder for bare scenario names (default: the project's scenarios/)")

    parser = argparse.ArgumentParser(
        prog="gzsim",
        description="System-dynamics scenarios for Ganzhou's 14th five-year S&T plan.",
    )
    parser.add_argument("--version", action="version", version=f"gzsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", parents=[model_opt, engine_opt], help="run scenarios, write tidy results",
                         description="Run scenarios and write columns "
                                     "scenario, sample, year, indicator, value.")
    run.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                     help="path to a .toml file, or a name in the scenarios folder (e.g. baseline)")
    run.add_argument("--out", "-o", metavar="FILE", type=Path,
                     help="output .csv, .parquet or .xlsx (default: CSV to stdout)")
    run.add_argument("--samples", type=whole_number, default=0, metavar="N",
                     help="Monte-Carlo samples besides the deterministic run (default 0)")
    run.add_argument("--seed", type=whole_number, default=None, metavar="S",
                     help="random seed for the samples (default: fresh, printed to stderr)")
    run.set_defaults(func=_cmd_run)

    levers = sub.add_parser("levers", parents=[model_opt], help="list the policy levers")
    levers.add_argument("--lang", choices=("en", "zh"), default="en", help="label language")
    levers.add_argument("--uncertain", action="store_true",
                        help="list the uncertain parameters instead: distribution, range and source "
                             "('assumption' where no published estimate exists)")
    levers.set_defaults(func=_cmd_levers)

    validate = sub.add_parser("validate", parents=[model_opt, engine_opt],
                              help="check scenario files without running them")
    validate.add_argument("scenarios", nargs="+", metavar="SCENARIO")
    validate.set_defaults(func=_cmd_validate)

    # Commands that live with their feature package; each module's register(sub, parents) adds
    # its subparser(s) and sets func, with parents = (model_opt, engine_opt).
    for module in _FEATURE_COMMANDS:
        import_module(module).register(sub, (model_opt, engine_opt))
    # No abbreviated options: `reach --target X` would silently mean `--targets X` (a file).
    for command in sub.choices.values():
        command.allow_abbrev = False
    return parser


def model_from_args(args: argparse.Namespace):
    """The model the common options (--model, --engine, --calibration) ask for."""
    from .loading import load_model

    calibration = None if args.calibration == "none" else args.calibration
    return load_model(args.model, engine=args.engine, calibration=calibration)


def _report(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def _load_scenarios(model, args) -> list:
    """Resolve and load every SCENARIO; raise one error with all problems."""
    from .paths import resolve_scenario

    problems: list[Problem] = []
    loaded = []
    for arg in args.scenarios:
        try:
            loaded.append(model.load_scenario(resolve_scenario(arg, args.scenarios_dir)))
        except GzsimError as exc:
            problems.extend(exc.problems)
    if problems:
        raise GzsimError(problems=problems)
    return loaded


def _cmd_run(args: argparse.Namespace) -> int:
    from .output import check_output_path, check_rows, write_results
    from .sampling import check_sample_count

    check_sample_count(args.samples, name="--samples")  # before loading anything
    if args.out is not None:
        check_output_path(args.out)  # fail before a long run, not after
    model = model_from_args(args)
    # Limits of the whole command, from the counts alone: before loading or running anything.
    model.check_run_size(len(args.scenarios), args.samples, name="--samples")
    if args.out is not None:
        check_rows(args.out, len(args.scenarios) * (args.samples + 1) * len(model.years)
                   * len(model.catalogue.indicators))
    scenarios = _load_scenarios(model, args)
    result = model.run_many(scenarios, samples=args.samples, seed=args.seed)
    if args.samples and args.seed is None:
        seed = result.attrs["seed"]
        print(f"gzsim: Monte-Carlo seed {seed} (use --seed {seed} to repeat)", file=sys.stderr)
    bad = result[~np.isfinite(result["value"].to_numpy())]
    if len(bad):
        first = bad.iloc[0]
        print(f"gzsim: warning: {len(bad)} non-finite values, first: scenario '{first['scenario']}', "
              f"indicator '{first['indicator']}', year {first['year']}", file=sys.stderr)
    if args.out is None:
        result.to_csv(sys.stdout, index=False)
    else:
        write_results(result, args.out)
        from .errors import display_path

        names = ", ".join(dict.fromkeys(result["scenario"]))
        print(f"wrote {display_path(args.out)}: {len(result):,} rows ({names}; {args.samples} samples; "
              f"years {result['year'].min()}-{result['year'].max()})")
    return 0


def _width(text: str) -> int:
    # CJK characters take two terminal columns.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cmd_levers(args: argparse.Namespace) -> int:
    from .catalogue import load_catalogue
    from .loading import catalogue_path

    catalogue = load_catalogue(catalogue_path(args.model))
    from .charts.strings import unit_name

    lang = args.lang
    # Headers, units and labels in the language; values as written in a scenario file (0.096).
    def unit(u: str) -> str:
        return unit_name(u, lang) or "-"

    if args.uncertain:
        rows = [{"en": ("id", "unit", "distribution", "min", "max", "source", "label"),
                 "zh": ("标识", "单位", "分布", "最小值", "最大值", "来源", "名称")}[lang]]
        for u in catalogue.uncertain:
            lo, hi = u.distribution.bounds
            source = u.source if len(u.source) <= 40 else u.source[:39] + "…"
            rows.append((u.id, unit(u.unit), u.distribution.kind, f"{lo:g}", f"{hi:g}", source, u.label(lang)))
    else:
        rows = [{"en": ("id", "unit", "default", "min", "max", "label"),
                 "zh": ("标识", "单位", "默认值", "最小值", "最大值", "名称")}[lang]]
        rows += [(lv.id, unit(lv.unit), f"{lv.default:g}", f"{lv.min:g}", f"{lv.max:g}", lv.label(lang))
                 for lv in catalogue.levers]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [c + " " * (w - _width(c)) for c, w in zip(row, widths)]
        print("  ".join([*cells, row[-1]]))
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from .errors import display_path
    from .paths import resolve_scenario

    model = model_from_args(args)
    failed = False
    for arg in args.scenarios:
        try:
            path = resolve_scenario(arg, args.scenarios_dir)
            model.load_scenario(path)
        except GzsimError as exc:
            _report(exc.problems)
            failed = True
        else:
            print(f"OK {display_path(path)}")
    return 2 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default ``sys.argv[1:]``).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed usage or help
        return int(exc.code) if isinstance(exc.code, int) else 2
    try:
        # Every provenance record made meanwhile gets the command line that reproduces it.
        with signals_as_exceptions(), checked_stdout(), \
                invocation(list(argv) if argv is not None else sys.argv[1:]):
            return args.func(args)
    except GzsimError as exc:
        _report(exc.problems)
        return 2
    except BrokenPipeError:
        # Output piped into e.g. `head` that stopped reading: not an error worth a traceback.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 1
    except KeyboardInterrupt:
        print("gzsim: interrupted; no output written", file=sys.stderr)
        return 130
    except Terminated as exc:
        # The temporary files and folders are gone (the same finally blocks as for Ctrl-C).
        print(f"gzsim: terminated by signal {exc.signum}; no output written", file=sys.stderr)
        return 128 + exc.signum


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
