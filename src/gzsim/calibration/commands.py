"""``gzsim calibrate``: the command line of the calibration.

Registered by :mod:`gzsim.cli` through its ``_FEATURE_COMMANDS`` list.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from pathlib import Path

__all__ = ["register", "run_calibrate"]

from ..cli import whole_number

_DEFAULT_SETTINGS = Path("calibration") / "settings.toml"


def register(sub, parents) -> None:
    """Add the ``calibrate`` subcommand to argparse's *sub* (parents: common options)."""
    cmd = sub.add_parser(
        "calibrate", parents=list(parents), help="estimate parameters from the observations",
        description="Calibrate the model to the observations as a settings file says: point "
                    "estimate, fit statistics, profiles, MCMC ensemble, report. Always uses the "
                    "fast engine (batch runs); --engine is ignored. --model overrides the "
                    "settings' catalogue.")
    cmd.add_argument("--settings", metavar="FILE", type=Path, default=None,
                     help="calibration settings (default: the project's calibration/settings.toml)")
    cmd.add_argument("--out", metavar="DIR", type=Path, default=None,
                     help="output folder, replaced as a whole (default: <settings folder>/<region>)")
    cmd.add_argument("--seed", metavar="S", type=whole_number, default=None,
                     help="random seed (default: the settings' seed, else fresh and printed)")
    cmd.set_defaults(func=run_calibrate)


def run_calibrate(args: argparse.Namespace) -> int:
    """Handler of ``gzsim calibrate``; returns the exit status."""
    from .outputs import check_out_dir, write_outputs
    from .run import calibrate
    from .settings import load_settings

    if args.settings is None:
        from ..paths import repo_root

        args.settings = repo_root() / _DEFAULT_SETTINGS
    settings = load_settings(args.settings, catalogue=args.model)
    out = args.out if args.out is not None else \
        settings.path.parent / settings.region.lower().replace(" ", "_")
    check_out_dir(out)  # fail before a long run, not after
    seed = args.seed if args.seed is not None else settings.seed
    if seed is None:
        seed = secrets.randbelow(2**32)
        print(f"gzsim: calibration seed {seed} (use --seed {seed} to repeat)", file=sys.stderr)
    start = time.perf_counter()
    result = calibrate(settings, seed=seed,
                       progress=lambda m: print(f"gzsim calibrate: {m}", file=sys.stderr))
    command = " ".join(["gzsim calibrate", "--settings", str(args.settings), "--out", str(out),
                        "--seed", str(seed)])
    write_outputs(result, out, command=command)
    elapsed = time.perf_counter() - start
    print(f"gzsim calibrate: wrote {out} in {elapsed:.1f} s", file=sys.stderr)
    print(result.fit.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    return 0
