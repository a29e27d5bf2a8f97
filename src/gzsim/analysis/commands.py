"""Command line: ``gzsim reach | sensitivity | goalseek | discover | attribute``.

Thin wrappers over the library functions: parse, load the model and the
scenarios (as ``gzsim run`` does), call, print a readable table to stdout
or write the full table with ``--out`` (atomically, with the provenance in
``DataFrame.attrs``).  Bad input raises :class:`gzsim.errors.UsageError`
(exit 2, ``problem`` on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

__all__ = ["register"]


def _positive(text: str) -> int:
    """argparse type: a whole number >= 1."""
    from ..cli import whole_number

    value = whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def lever_id(text: str) -> str:
    """argparse type: a lever id, not empty (:func:`gzsim.cli.lever_id`)."""
    from ..cli import lever_id as check

    return check(text)


def _probability(text: str) -> float:
    """argparse type: a probability in (0, 1]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number; give a probability such as 0.8") from None
    if not 0 < value <= 1:  # NaN fails too
        raise argparse.ArgumentTypeError(f"probability must be within (0, 1], got {text}; give e.g. 0.8")
    return value


def _analysis_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--seed", type=int, default=None, metavar="S",
                        help="random seed (default: fresh, printed to stderr)")
    common.add_argument("--out", "-o", type=Path, metavar="FILE",
                        help="write the full table to .csv, .parquet or .xlsx (default: a table on stdout)")
    common.add_argument("--targets", metavar="FILE", help="targets file (default: the scenario's)")
    common.add_argument("--year", type=int, metavar="Y", help="use year Y instead of the targets' year")
    common.add_argument("--quiet", "-q", action="store_true", help="no progress bars")
    common.add_argument("--scheduler", metavar="ADDRESS",
                        help="Dask scheduler to spread the runs over (e.g. tcp://host:8786); "
                             "results equal a local run with the same seed")
    common.add_argument("--chunk-size", type=_positive, default=None, metavar="N",
                        help="runs per chunk (default 2000)")
    return common


def register(sub: Any, parents: Sequence[argparse.ArgumentParser]) -> None:
    """Add the analysis subcommands to *sub* (argparse subparsers)."""
    common = _analysis_options()
    parents = [*parents, common]

    p = sub.add_parser("reach", parents=parents, help="probability of reaching each target",
                       description="Median, 5th/95th percentiles and probability of meeting every "
                                   "target, a status, and the joint probability of the headline targets; "
                                   "under the table, each headline target's implied pace next to the "
                                   "reference class of other regions' paces (gzsim.outside_view).")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO")
    p.add_argument("--samples", type=int, default=1000, metavar="N", help="Monte-Carlo samples (default 1000)")
    p.add_argument("--outside-view", action="store_true",
                   help="a second view next to the forecast: the reference class as a prior on the implied "
                        "2020-25 pace, by Bayesian melding (adds probability_melded, median_melded, "
                        "p05_melded, p95_melded, ess_melded, meld_note, meld_note_zh)")
    p.set_defaults(func=_cmd_reach)

    p = sub.add_parser("sensitivity", parents=parents, help="what drives the targets (Sobol', Morris)",
                       description="Global sensitivity of each target's measure and of whether it is met "
                                   "to the levers and uncertain parameters, with confidence intervals.")
    p.add_argument("scenarios", nargs=1, metavar="SCENARIO")
    p.add_argument("--method", choices=("sobol", "morris"), default="sobol")
    p.add_argument("--samples", type=int, default=None, metavar="N",
                   help="Sobol': base sample size, a power of 2 (default 1024); Morris: trajectories (default 100)")
    p.add_argument("--target", nargs="+", metavar="ID", help="targets to analyse (default all)")
    p.add_argument("--levers", nargs="+", metavar="ID", type=lever_id, help="levers to vary (default all)")
    p.add_argument("--bootstrap", type=int, default=200, metavar="B", help="bootstrap resamples (default 200)")
    p.add_argument("--top", type=int, default=6, metavar="K", help="inputs shown per output (default 6)")
    p.set_defaults(func=_cmd_sensitivity)

    p = sub.add_parser("goalseek", parents=parents, help="least-effort lever settings to meet targets",
                       description="Least-effort lever settings meeting the chosen targets jointly with at "
                                   "least probability P; effort = fiscal cost 2021-2025 (亿元) + "
                                   "distance price x normalised distance of levers without a cost.")
    p.add_argument("scenarios", nargs=1, metavar="SCENARIO")
    p.add_argument("--probability", type=_probability, required=True, metavar="P",
                   help="required joint probability, in (0, 1]")
    p.add_argument("--target", nargs="+", metavar="ID", help="targets to meet (default the headline targets)")
    p.add_argument("--levers", nargs="+", metavar="ID", type=lever_id,
                   help="decision levers (default: every policy lever the scenario does not draw; scenario inputs such as GDP growth are never moved)")
    p.add_argument("--draws", type=int, default=500, metavar="N", help="common draws (default 500)")
    p.add_argument("--distance-price", type=float, default=1.0, metavar="YI",
                   help="亿元 per full-range move of a lever without a cost (default 1.0)")
    p.add_argument("--allow-cuts", action="store_true",
                   help="let levers with a cost go below the scenario, counting the saving as negative effort "
                        "(default: they may only rise, so the answer never funds one measure by cutting another)")
    p.add_argument("--maxiter", type=int, default=100, metavar="G",
                   help="most optimiser generations (default 100; fewer when 600,000 runs are used up)")
    p.set_defaults(func=_cmd_goalseek)

    p = sub.add_parser("discover", parents=parents, help="scenario discovery (PRIM boxes)",
                       description="PRIM boxes over levers and uncertainties in which the chosen targets "
                                   "are met, with coverage, density and mass.")
    p.add_argument("scenarios", nargs=1, metavar="SCENARIO")
    p.add_argument("--samples", type=int, default=5000, metavar="N", help="runs (default 5000)")
    p.add_argument("--target", nargs="+", metavar="ID", help="targets to meet (default the headline targets)")
    p.add_argument("--levers", nargs="+", metavar="ID", type=lever_id, help="levers to vary (default all not drawn)")
    p.add_argument("--boxes", type=int, default=1, metavar="K", help="boxes to find by covering (default 1)")
    p.add_argument("--min-coverage", type=float, default=0.5, metavar="C", help="default 0.5")
    p.add_argument("--alpha", type=float, default=0.05, metavar="A", help="peeling share (default 0.05)")
    p.set_defaults(func=_cmd_discover)

    p = sub.add_parser("attribute", parents=parents, help="each lever's wedge of the gap vs a baseline",
                       description="Wedges (each lever alone), interaction and Shapley values of the levers "
                                   "that differ between the baseline and the scenario.")
    p.add_argument("scenarios", nargs=1, metavar="SCENARIO")
    p.add_argument("--baseline", default="baseline", metavar="SCENARIO", help="default: baseline")
    p.add_argument("--target", nargs="+", metavar="ID", help="targets to report (default all)")
    p.add_argument("--samples", type=int, default=0, metavar="N",
                   help="0: deterministic (default); N: means over N common draws")
    p.set_defaults(func=_cmd_attribute)


# ---------------------------------------------------------------------------- helpers

#: Fewest samples (or draws) each command takes; checked with the memory limit before anything loads.
_MIN_COUNT = {"reach": ("--samples", 1), "discover": ("--samples", 10), "attribute": ("--samples", 0),
              "goalseek": ("--draws", 1)}


def _setup(args: argparse.Namespace, *, need_seed: bool = True):
    from ..cli import _load_scenarios, model_from_args
    from ..output import check_output_path
    from ..sampling import MAX_DRAWS, check_sample_count
    from .common import check_seed, fresh_seed
    from .distributed import DEFAULT_CHUNK, Execution

    if args.command in _MIN_COUNT:
        option, minimum = _MIN_COUNT[args.command]
        check_sample_count(getattr(args, option[2:]), name=option, limit=MAX_DRAWS, minimum=minimum)
    if args.out is not None:
        check_output_path(args.out)
    if args.seed is None and need_seed:
        args.seed = fresh_seed()
        print(f"gzsim: seed {args.seed} (use --seed {args.seed} to repeat)", file=sys.stderr)
    elif args.seed is not None:
        check_seed(args.seed)
    model = model_from_args(args)
    scenarios = _load_scenarios(model, args)
    execution = Execution(scheduler=args.scheduler, progress=not args.quiet,
                          chunk_size=DEFAULT_CHUNK if args.chunk_size is None else args.chunk_size)
    return model, scenarios, execution


def _fmt(x: Any) -> str:
    if isinstance(x, (bool, np.bool_)):
        return "yes" if x else ""
    if isinstance(x, (float, np.floating, int, np.integer)):
        x = float(x)
        if np.isnan(x):
            return ""
        if abs(x) >= 10000:
            return f"{x:,.0f}"
        if abs(x) >= 1000:
            return f"{x:.0f}"
        return f"{x:.1f}" if abs(x) >= 100 else f"{x:.4g}"
    return str(x)


def _show(df: pd.DataFrame, columns: Sequence[str]) -> None:
    shown = df[list(columns)].astype(object)
    text = shown.map(_fmt) if hasattr(shown, "map") else shown.applymap(_fmt)
    text = text.astype(str).replace({"nan": "", "None": ""})
    if "year" in text:
        text["year"] = df["year"].astype(str)
    print(text.to_string(index=False))


def _emit(table: pd.DataFrame, args: argparse.Namespace, show) -> int:
    from ..output import write_results

    if args.out is not None:
        write_results(table, args.out)
    else:
        show()
    return 0


# ---------------------------------------------------------------------------- commands

def _cmd_reach(args: argparse.Namespace) -> int:
    from ..backtest.report import coverage_line
    from .reach import meld_notes, pace_notes, reach, trust_notes

    model, scenarios, execution = _setup(args)
    with execution:
        table = reach(model, scenarios, samples=args.samples, seed=args.seed, year=args.year,
                      targets=args.targets, execution=execution, outside_view=args.outside_view)

    def show() -> None:
        melded = ["probability_melded", "median_melded", "ess_melded"] if args.outside_view else []
        _show(table, ["scenario", "target", "measure", "year", "threshold", "median", "p05", "p95",
                      "probability", "mc_se", "status", *melded])
        notes = pace_notes(table)  # the outside view, one line per headline target with a class
        notes += meld_notes(table)  # the melded view, with --outside-view only
        if notes:
            print("\n" + "\n".join(notes))
        cal = model.calibration
        trust = trust_notes(table, coverage=coverage_line(None if cal is None else cal.path))
        if trust:
            print("\n" + "\n".join(trust))

    return _emit(table, args, show)


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from .sensitivity import sensitivity

    model, scenarios, execution = _setup(args)
    _check_sensitivity_runs(model, scenarios[0], args)
    with execution:
        table = sensitivity(model, scenarios[0], method=args.method, samples=args.samples, seed=args.seed,
                            target_ids=args.target, year=args.year, levers=args.levers,
                            targets=args.targets, bootstrap=args.bootstrap, execution=execution)

    def show() -> None:
        main, second = ("ST", "S1") if args.method == "sobol" else ("mu_star", "sigma")
        wide = table.pivot_table(index=["target", "output", "input", "kind"], columns="index",
                                 values=["estimate", "low", "high"], sort=False)
        wide.columns = [f"{a}_{b}" for a, b in wide.columns]
        wide = wide.reset_index()
        for (target, output), group in wide.groupby(["target", "output"], sort=False):
            group = group.sort_values(f"estimate_{main}", ascending=False).head(max(args.top, 1))
            print(f"\n{target} ({output}): {args.method}, {table.attrs['runs']} runs")
            out = pd.DataFrame({
                "input": group["input"], "kind": group["kind"],
                main: group[f"estimate_{main}"].map(_fmt),
                f"{main} 95% CI": [f"[{_fmt(a)}, {_fmt(b)}]" for a, b in zip(group[f"low_{main}"],
                                                                            group[f"high_{main}"])],
                second: group[f"estimate_{second}"].map(_fmt),
            })
            if args.method == "sobol":
                out["S1 95% CI"] = [f"[{_fmt(a)}, {_fmt(b)}]" for a, b in zip(group["low_S1"], group["high_S1"])]
            print(out.to_string(index=False))

    return _emit(table, args, show)


def _check_sensitivity_runs(model: Any, scenario: Any, args: argparse.Namespace) -> None:
    """Refuse a design too large for memory before it is built (Sobol': N (d + 2) runs, Morris: r (d + 1)).

    d counts the inputs as :func:`gzsim.analysis.sensitivity.sensitivity_inputs` does: the chosen
    levers that are not drawn, plus every column of ``model.draw``.
    """
    from ..sampling import MAX_DRAWS, check_sample_count

    sobol = args.method == "sobol"
    samples = args.samples if args.samples is not None else (1024 if sobol else 100)
    drawn = set(model.draw(scenario, 1, np.random.default_rng(0)).columns)
    chosen = set(args.levers) if args.levers else set(model.catalogue.lever_ids)
    d = len(drawn) + sum(1 for lv in model.catalogue.levers if lv.id in chosen and lv.vensim not in drawn)
    check_sample_count(samples, name="--samples", limit=MAX_DRAWS, minimum=2,
                       runs_each=d + 2 if sobol else d + 1)


def _cmd_goalseek(args: argparse.Namespace) -> int:
    from .goalseek import goalseek

    model, scenarios, execution = _setup(args)
    with execution:
        result = goalseek(model, scenarios[0], probability=args.probability, target_ids=args.target,
                          levers=args.levers, draws=args.draws, seed=args.seed,
                          distance_price=args.distance_price, allow_cuts=args.allow_cuts,
                          maxiter=args.maxiter, year=args.year, targets=args.targets, execution=execution)

    def show() -> None:
        print(f"{result.scenario}: {result.message}")
        print(f"effort {result.effort:.4g} = cost {result.cost:.4g} 亿元 + "
              f"{result.attrs['distance_price']:g} x distance {result.distance:.4g}\n")
        _show(result.settings, ["lever", "unit", "setting", "has_cost", "scenario_value", "value", "min", "max", "binding"])
        print()
        _show(result.targets, ["target", "year", "threshold", "probability", "median", "cumulative", "cagr"])

    return _emit(result.table(), args, show)


def _cmd_discover(args: argparse.Namespace) -> int:
    from .discover import discover

    model, scenarios, execution = _setup(args)
    with execution:
        table = discover(model, scenarios[0], samples=args.samples, seed=args.seed, target_ids=args.target,
                         year=args.year, levers=args.levers, targets=args.targets, alpha=args.alpha,
                         min_coverage=args.min_coverage, n_boxes=args.boxes, execution=execution)

    def show() -> None:
        print(f"{scenarios[0].name}: targets {', '.join(table.attrs['targets'])} met jointly in "
              f"{table.attrs['base_density']:.3f} of {table.attrs['samples']} runs")
        for box, group in table.groupby("box", sort=True):
            first = group.iloc[0]
            print(f"\nbox {box}: coverage {first.coverage:.3f}, density {first.density:.3f}, "
                  f"mass {first.mass:.3f}, {int(first.n_restricted)} restricted dimensions")
            if int(first.n_restricted):
                _show(group, ["input", "kind", "lower", "upper", "data_min", "data_max"])

    return _emit(table, args, show)


def _cmd_attribute(args: argparse.Namespace) -> int:
    from ..paths import resolve_scenario
    from .attribution import attribute

    model, scenarios, execution = _setup(args, need_seed=False)
    if args.samples and args.seed is None:
        from .common import fresh_seed

        args.seed = fresh_seed()
        print(f"gzsim: seed {args.seed} (use --seed {args.seed} to repeat)", file=sys.stderr)
    baseline = model.load_scenario(resolve_scenario(args.baseline, args.scenarios_dir))
    with execution:
        table = attribute(model, scenarios[0], baseline=baseline, target_ids=args.target, year=args.year,
                          samples=args.samples, seed=args.seed, targets=args.targets, execution=execution)

    def show() -> None:
        for target, group in table.groupby("target", sort=False):
            first = group.iloc[0]
            print(f"\n{target} {first.year}: baseline {_fmt(first.baseline_value)} -> "
                  f"{first.scenario} {_fmt(first.scenario_value)} (threshold {_fmt(first.threshold)}, "
                  f"gap {_fmt(first.gap)})")
            _show(group, ["component", "wedge", "shapley", "share_of_gap", "cumulative_wedge", "cagr_wedge"])

    return _emit(table, args, show)
