"""Command line: ``gzsim check [--checks FILE] [--model PATH] [--calibration DIR|none]``.

Prints first whether the model file follows Vensim's placement rule for
level-like calls (:mod:`gzsim.checks.placement`; a model breaking it fails),
then one line per check (PASS, FAIL, XFAIL for a failure the file marks as
known, XPASS for such a check that passes now) with the failures below it,
then a summary.  Exit status 0 when every check passes (or fails as marked),
1 when any check fails, 2 for a bad checks file, model or option.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, Sequence

__all__ = ["register", "check_lines", "placement_lines"]


def register(sub: Any, parents: Sequence[argparse.ArgumentParser]) -> None:
    """Add ``check`` to *sub* (argparse subparsers); *parents* = (model options, engine options)."""
    p = sub.add_parser("check", parents=[parents[0]], help="run the model's behaviour checks",
                       description="Run the behaviour checks (model/checks.toml by default) on the fast "
                                   "engine: exit 0 when all pass, 1 when any fails, 2 for a bad file.")
    p.add_argument("--checks", metavar="FILE", type=Path,
                   help="checks file (default: checks.toml beside the model's levers.toml)")
    p.add_argument("--calibration", metavar="DIR|none", default="auto",
                   help="calibration folder (default: the bundled one for the bundled model, i.e. its "
                        "central parameter set; 'none' checks the model's hand-set values)")
    p.set_defaults(func=_cmd_check, engine="fast", scenarios_dir=None)


def check_lines(outcomes) -> tuple[list[str], dict]:
    """One line per check (in file order) with its failures indented below; and check id -> Status.

    A check fails when any of its units does; a check marked ``known_failure`` is
    XFAIL when every unit fails and XPASS (a failure: the marker is stale) when any passes.
    """
    from .judge import Status

    by_check: dict[str, list] = {}
    for outcome in outcomes:
        by_check.setdefault(outcome.unit.check.id, []).append(outcome)
    width = max((len(k) for k in by_check), default=0)
    lines, statuses = [], {}
    for check_id, group in by_check.items():
        check = group[0].unit.check
        kinds = {o.status for o in group}
        status = next(s for s in (Status.FAIL, Status.UNEXPECTED_PASS, Status.KNOWN_FAILURE, Status.PASS)
                      if s in kinds)
        statuses[check_id] = status
        failing = [o for o in group if o.failures]
        runs = len({c.id for o in group for c in o.unit.cases})
        what = f"{runs} run{'s' if runs != 1 else ''}"
        if failing:
            what += f"; {len(failing)} of {len(group)} failing"
        if status is Status.KNOWN_FAILURE:
            what += "; known failure"
        elif status is Status.UNEXPECTED_PASS:
            what += "; marked known_failure but passes: remove the marker"
        lines.append(f"{status.value:<5}  {check_id:<{width}}  {what}")
        for outcome in failing:
            lines.append(f"       {outcome.unit.id}: {outcome.unit.settings}")
            lines.extend(f"         {failure}" for failure in outcome.failures)
        if status is Status.KNOWN_FAILURE:
            lines.append(f"       known failure: {check.known_failure}")
    return lines, statuses


def placement_lines(problems) -> list[str]:
    """The line of the model file's placement lint (Vensim's rule), with its problems below."""
    if not problems:
        return ["PASS   vensim_placement  every level-like call is the whole right-hand side of "
                "its equation"]
    return [f"FAIL   vensim_placement  {len(problems)} level-like call(s) inside larger "
            f"expressions", *(f"         {problem}" for problem in problems)]


def _cmd_check(args: argparse.Namespace) -> int:
    from ..cli import model_from_args
    from ..errors import ChecksError, display_path
    from . import default_checks_path, load_checks, run_checks
    from .judge import Status
    from .placement import placement_problems

    if args.checks is not None and not args.checks.exists():  # before the model is loaded
        raise ChecksError("checks file not found; check the path (or leave out --checks for "
                          "the model's checks.toml)", path=args.checks)
    started = time.perf_counter()
    model = model_from_args(args)
    path = args.checks if args.checks is not None else default_checks_path(model)
    checks = load_checks(path, model)
    misplaced = placement_problems(model.catalogue.model_file)
    outcomes = run_checks(checks, model)
    lines, statuses = check_lines(outcomes)
    print("\n".join(placement_lines(misplaced) + lines))
    calibration = "hand-set values" if model.calibration is None else \
        f"calibration {display_path(model.calibration.path)} (central member)"
    runs = len({c.id for o in outcomes for c in o.unit.cases})
    count = {s: sum(1 for v in statuses.values() if v is s) for s in Status}
    failed = count[Status.FAIL] + count[Status.UNEXPECTED_PASS] + bool(misplaced)
    print(f"gzsim check: {len(statuses)} checks, {runs} runs of {model.catalogue.model_file.name} "
          f"with {calibration}: {count[Status.PASS]} pass, {count[Status.KNOWN_FAILURE]} known "
          f"failure(s), {failed} fail ({display_path(path)}, {time.perf_counter() - started:.1f} s)",
          file=sys.stderr)
    return 1 if failed else 0
