"""Write a calibration folder atomically: built in a temporary folder beside it, then swapped in.

A failure at any point leaves the previous folder (or none) untouched and
no partial folder behind.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import re
import shutil
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import scipy

from .. import __version__
from ..atomic import make_ordinary
from ..errors import OutputError
from .charts import profile_chart, series_chart
from .observations import measure_times, parse_period
from .report import markdown, parameters_table
from .run import Result
from .statistics import FIT_COLUMNS
from .store import FORMAT, sha256_file

__all__ = ["write_outputs", "check_out_dir"]


def check_out_dir(out: Path) -> None:
    """Fail early when *out* cannot be written (its parent missing, or *out* is a file)."""
    out = Path(out)
    parent = out.resolve().parent
    if not parent.is_dir():
        raise OutputError(f"folder {parent} does not exist; create it first", path=out)
    if out.exists() and not out.is_dir():
        raise OutputError("exists and is not a folder; choose another --out", path=out)
    # os.access says yes to root everywhere (and ignores read-only mounts): try to create a folder,
    # so that a calibration of minutes is not run only to fail when it writes.
    try:
        Path(tempfile.mkdtemp(dir=parent, prefix=".gzsim-probe-")).rmdir()
    except OSError as exc:
        raise OutputError(f"folder {parent} is not writable ({exc.strerror or exc}); choose another "
                          f"--out", path=out) from None


def _rel(path: Path, folder: Path) -> str:
    return os.path.relpath(Path(path).resolve(), folder.resolve())


def _provenance(result: Result, out: Path, command: str | None) -> dict:
    s = result.settings
    files = {"model": s.catalogue.model_file, "observations": s.observations_path,
             "settings": s.path, "catalogue": s.catalogue.path}
    prov = {f"{k}_sha256": sha256_file(p) for k, p in files.items()}
    prov.update(seed=result.seed,
                date=_dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
                gzsim_version=__version__, python=platform.python_version(),
                numpy=np.__version__, scipy=scipy.__version__, command=command or "",
                seconds={k: round(v, 2) for k, v in result.seconds.items()})
    prov["files"] = {k: _rel(p, out) for k, p in files.items()}
    return prov


def _fixed_json(fixed: dict) -> dict:
    out = {}
    for name, value in fixed.items():
        if hasattr(value, "index"):
            out[name] = {f"{x:g}": float(v) for x, v in zip(value.index, value.to_numpy())}
        else:
            out[name] = float(value)
    return out


def _discrepancy_json(result: Result) -> dict | None:
    """The settings' discrepancy term, with the indicators it applies to and the year it starts.

    It applies to every catalogue indicator the calibration fits (the model is checked against
    data there, and the hindcasts measured its error there), from the end of the last data year.
    """
    spec = result.settings.discrepancy
    if spec is None:
        return None
    ids = {i.id for i in result.settings.catalogue.indicators}
    fitted = sorted({o.output_id for o in result.setup.observations if o.objective} & ids)
    return {"sigma": spec.sigma, "why": spec.why, "from_year": float(result.setup.fit_final_time),
            "indicators": fitted}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "series"


def _charts(result: Result, folder: Path) -> list[str]:
    setup = result.setup
    by_output: dict[str, list] = {}
    for obs in setup.observations:
        by_output.setdefault(obs.output, []).append(obs)
    units = {i.id: i.unit for i in setup.settings.catalogue.indicators}
    names = []
    last = setup.settings.outlook_year or result.times[-1]
    for output, obs in by_output.items():
        indicators = {o.indicator for o in obs}
        skipped = []
        for _, row in setup.rows[setup.rows["indicator"].isin(indicators)].iterrows():
            period = parse_period(row["period"])
            if not str(row["status"]).startswith("skipped") or period is None:
                continue
            measure = {"year": "level", "month": "value_at_month"}.get(period.shape)
            t = measure_times(measure, period)[0] if measure else None
            if t is not None and result.times[0] <= t <= result.times[-1]:
                try:
                    skipped.append((t, float(row["value"]), row["kind"]))
                except ValueError:
                    pass
        fig = series_chart(f"{obs[0].output_id} ({output})", units.get(obs[0].output_id, ""),
                           result.times, result.point_paths[output], result.ensemble_paths[output],
                           obs, skipped, last_year=last)
        name = f"{_slug(obs[0].output_id)}.png"
        fig.savefig(folder / name, dpi=110)
        plt.close(fig)
        names.append(name)
    fig = profile_chart(result.profiles)
    fig.savefig(folder / "profiles.png", dpi=100)
    plt.close(fig)
    return names + ["profiles.png"]


def write_outputs(result: Result, out: str | os.PathLike[str], *, command: str | None = None) -> Path:
    """Write fit.csv, parameters.csv, posterior.parquet, calibration.json, report.md and charts.

    ``calibration.json`` is the folder's manifest: besides the fit it records
    the sha256 of the model, data, settings and catalogue it was made from
    (``provenance``) and of every other file written here (``outputs``).  Its
    own sha256 is the calibration id that every result records.

    Parameters
    ----------
    result : Result
    out : path-like
        The folder; replaced as a whole if it exists.
    command : str, optional
        The command line, recorded in the provenance.

    Returns
    -------
    pathlib.Path
        The folder written.
    """
    out = Path(out)
    check_out_dir(out)
    parent = out.resolve().parent
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
    try:
        make_ordinary(tmp, folder=True)
        prov = _provenance(result, out, command)
        result.fit[FIT_COLUMNS].to_csv(tmp / "fit.csv", index=False)
        params = parameters_table(result)
        params.to_csv(tmp / "parameters.csv", index=False)
        result.posterior.to_parquet(tmp / "posterior.parquet", index=False)
        held = result.held
        meta = {
            "format": FORMAT, "title": result.settings.title, "region": result.settings.region,
            "point": result.point, "central": result.central, "fixed": _fixed_json(result.setup.fixed),
            "parameters": params.to_dict(orient="records"),
            "history_neutral": [n for n, a in zip(held.get("name", []), held.get("affects_fit", []))
                                if not a],
            "discrepancy": _discrepancy_json(result),
            "files": prov.pop("files"), "provenance": prov,
            "objective": {"neg_log_posterior": result.estimate.value, "nll_best_fit": result.ml_nll},
            "mcmc": {"walkers": result.chain.walkers, "steps": result.chain.steps,
                     "burn": result.chain.burn, "thin": result.chain.thin,
                     "sets": int(len(result.chain.samples)),
                     "acceptance_mean": float(result.chain.acceptance.mean()),
                     "tau": result.chain.tau.tolist(), "ess": result.chain.ess.tolist(),
                     "rhat": result.chain.rhat.tolist()},
        }
        charts = _charts(result, tmp)
        prov_for_md = {**prov, "files": meta["files"]}
        (tmp / "report.md").write_text(markdown(result, prov_for_md, charts), encoding="utf-8")
        # The manifest names every other file of the folder with its sha256, so the calibration
        # id that results record (sha256 of calibration.json) covers the whole folder.
        meta["outputs"] = {p.name: sha256_file(p) for p in sorted(tmp.iterdir()) if p.is_file()}
        (tmp / "calibration.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False,
                                                         allow_nan=True), encoding="utf-8")
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=parent))
            os.replace(out, old / out.name)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
