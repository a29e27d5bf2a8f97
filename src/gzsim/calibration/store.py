"""The committed calibration: load it, check it is fresh, draw from its ensemble.

A calibration folder (e.g. ``calibration/ganzhou/``) holds
``calibration.json`` (point estimate, fixed overrides, provenance, file
paths relative to the folder) and ``posterior.parquet`` (the ensemble).
:func:`load_calibration` reads both; :meth:`Calibration.check_fresh`
compares the recorded sha256 of the model, data, settings and catalogue
files with the files as they are now.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import display_path
from .._fs import resolved
from .errors import CalibrationError, Problem, StaleCalibrationError
from .manifest import CHECKED, manifest_problems, posterior_problems, resolved_files

__all__ = ["Calibration", "load_calibration", "draw_posterior", "sha256_file",
           "DEFAULT_FOLDER", "FORMAT"]

#: The bundled calibration, relative to the project root.
DEFAULT_FOLDER = Path("calibration") / "ganzhou"
FORMAT = 1
#: Files whose bytes must not change. The catalogue is not among them: its labels and help texts
#: change often and do not touch the calibration; only the priors it gives are compared.
_CHECKED = CHECKED
#: Largest calibration.json read (the bundled one is about 20 KB).
_MAX_MANIFEST_BYTES = 4 * 1024 * 1024


def sha256_file(path: str | os.PathLike[str]) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _lookup(value: Any) -> Any:
    if isinstance(value, dict):
        xs = sorted(float(x) for x in value)
        by = {float(x): v for x, v in value.items()}
        return pd.Series([float(by[x]) for x in xs], index=pd.Index(xs, dtype=float))
    return float(value)


@dataclass(frozen=True)
class Calibration:
    """A saved calibration.

    Attributes
    ----------
    path : pathlib.Path
        The folder.
    point : dict
        Vensim name -> point estimate (maximum a posteriori) of every free parameter.
    central : dict
        Vensim name -> value in the ensemble member nearest every marginal
        median: a typical parameter set where the point estimate sits at a
        bound of a parameter the data do not pin.
    fixed : dict
        Vensim name -> value (or ``pandas.Series`` for a lookup table) set by
        the settings' ``[fixed]`` table; part of every run of this calibration.
    posterior : pandas.DataFrame
        The ensemble: one row per parameter set, one column per free parameter.
    provenance : dict
        ``model_sha256, observations_sha256, settings_sha256,
        catalogue_sha256, seed, date, gzsim_version, ...``.
    files : dict
        ``model, observations, settings, catalogue`` -> path as recorded.
    parameters : list of dict
        Per free parameter: name, id, estimate, interval, prior, identified.
    history_neutral : tuple of str
        Catalogue uncertain parameters not calibrated that do not change the
        fitted outputs (they act after the data): safe to draw from their priors
        together with this ensemble.
    discrepancy : dict or None
        The model-discrepancy term forecasts carry: ``sigma`` (per square-root
        year), ``from_year``, ``indicators`` (ids), ``why``; None without one.
    """

    path: Path
    point: dict
    central: dict
    fixed: dict
    posterior: pd.DataFrame
    provenance: dict
    files: dict
    parameters: list
    history_neutral: tuple
    discrepancy: dict | None = None

    def _catalogue_priors_changed(self, catalogue_path: Path) -> list[str]:
        if not catalogue_path.is_file():
            return [f"catalogue file {display_path(catalogue_path)} is missing"]
        return _prior_problems(self.parameters, catalogue_path)

    def inputs(self) -> dict:
        """Engine parameters of the calibrated model: fixed overrides plus the point estimate."""
        return {**self.fixed, **self.point}

    def check_fresh(self, model_path: str | os.PathLike[str] | None = None,
                    observations_path: str | os.PathLike[str] | None = None,
                    settings_path: str | os.PathLike[str] | None = None,
                    catalogue_path: str | os.PathLike[str] | None = None) -> None:
        """Raise :class:`StaleCalibrationError` if an input changed since the calibration.

        The model, data and settings files are compared byte for byte (sha256);
        the catalogue only through the priors it gives to free parameters (its
        labels and help texts do not matter).

        Parameters
        ----------
        model_path, observations_path, settings_path, catalogue_path : path-like, optional
            The files to compare (default: the recorded ones).

        Raises
        ------
        StaleCalibrationError
            Naming every file that changed or is missing, and the command
            that re-runs the calibration.
        """
        given = {"model": model_path, "observations": observations_path,
                 "settings": settings_path, "catalogue": catalogue_path}
        changed = []
        for key in _CHECKED:
            recorded = self.provenance.get(f"{key}_sha256")
            path = Path(given[key]) if given[key] is not None else self.files.get(key)
            if recorded is None or path is None:
                # Never a pass: a calibration without the record cannot be shown to be fresh.
                changed.append(f"the calibration records no {key} file or its sha256")
                continue
            try:
                now = sha256_file(path)
            except FileNotFoundError:
                changed.append(f"{key} file {display_path(path)} is missing")
            except OSError as exc:  # a folder, a symlink loop, no permission
                changed.append(f"{key} file {display_path(path)} cannot be read ({exc.strerror or exc})")
            else:
                if now != recorded:
                    changed.append(f"{key} file {display_path(path)} changed")
        cat_path = Path(catalogue_path) if catalogue_path is not None else self.files.get("catalogue")
        if cat_path is not None:
            changed += self._catalogue_priors_changed(Path(cat_path))
        if changed:
            settings = display_path(self.files.get("settings", "SETTINGS"))
            raise StaleCalibrationError(
                f"the calibration is stale: {'; '.join(changed)} since it was made on "
                f"{self.provenance.get('date', '?')}; re-run `gzsim calibrate --settings "
                f"{settings} --out {display_path(self.path)} --seed {self.provenance.get('seed')}` "
                f"and commit the new folder", path=self.path / "calibration.json")


def _prior_problems(parameters: list, catalogue_path: Path) -> list[str]:
    from ..catalogue import load_catalogue, vensim_key
    from ..errors import GzsimError
    from .priors import describe_prior

    try:
        catalogue = load_catalogue(catalogue_path)
    except GzsimError:
        return [f"catalogue file {display_path(catalogue_path)} cannot be read"]
    priors = {vensim_key(u.vensim): describe_prior(u.distribution) for u in catalogue.uncertain}
    out = []
    for p in parameters:
        prior = str(p.get("prior", ""))
        if not prior.endswith("[catalogue]"):
            continue
        now = priors.get(vensim_key(p["name"]))
        if now is None or f"{now} [catalogue]" != prior:
            out.append(f"the catalogue prior of '{p['name']}' changed ({prior.removesuffix(' [catalogue]')} "
                       f"-> {now or 'none'})")
    return out


def load_calibration(path: str | os.PathLike[str] | None = None) -> Calibration:
    """Load a calibration folder (default: the bundled ``calibration/ganzhou/``).

    Raises
    ------
    CalibrationError
        The folder or its files are missing or malformed.
    """
    if path is None:
        from ..paths import repo_root

        path = repo_root() / DEFAULT_FOLDER
    folder = Path(path)
    meta_path = folder / "calibration.json"
    try:
        with open(meta_path, "rb") as fh:
            raw = fh.read(_MAX_MANIFEST_BYTES + 1)
        if len(raw) > _MAX_MANIFEST_BYTES:
            raise ValueError(f"it is larger than {_MAX_MANIFEST_BYTES // 1024 // 1024} MiB")
        meta = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise CalibrationError("no calibration here (calibration.json missing); run `gzsim "
                               "calibrate --out` to make one, or use --calibration none for the "
                               "model's own values", path=meta_path) from None
    except (OSError, ValueError, RecursionError) as exc:  # RecursionError: JSON nested too deeply
        why = "nested too deeply" if isinstance(exc, RecursionError) else exc.strerror \
            if isinstance(exc, OSError) and exc.strerror else exc
        raise CalibrationError(f"cannot read the calibration ({why}); re-run gzsim calibrate for this "
                               f"folder, or give another --calibration", path=meta_path) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        shown = meta.get("format") if isinstance(meta, dict) else None
        raise CalibrationError(f"calibration format {shown!r} is not {FORMAT}; "
                               f"re-run gzsim calibrate", path=meta_path)
    problems = manifest_problems(meta)
    if problems:
        # Every problem at once, each naming its entry; none is skipped (a removed hash would
        # otherwise turn the staleness check off, a NaN central value give NaN results).
        raise CalibrationError(path=meta_path, problems=[
            Problem(f"calibration.json is malformed: {p}; re-run gzsim calibrate for this folder", meta_path)
            for p in problems])
    if not (folder / "posterior.parquet").is_file():
        raise CalibrationError("posterior.parquet (the ensemble) is missing; re-run gzsim calibrate "
                               "for this folder", path=folder)
    recorded = meta.get("outputs", {}).get("posterior.parquet") if isinstance(meta.get("outputs"), dict) else None
    if recorded is not None and sha256_file(folder / "posterior.parquet") != recorded:
        # The ensemble drives every Monte-Carlo sample; a changed one must change the calibration id.
        raise CalibrationError("posterior.parquet is not the file this calibration wrote (its sha256 "
                               "differs from calibration.json 'outputs'); re-run gzsim calibrate for "
                               "this folder", path=folder / "posterior.parquet")
    try:
        posterior = pd.read_parquet(folder / "posterior.parquet")
    except (OSError, ValueError) as exc:
        raise CalibrationError(f"cannot read posterior.parquet ({str(exc).strip().splitlines()[0]}); "
                               f"re-run gzsim calibrate for this folder", path=folder) from None
    problems = posterior_problems(posterior, meta)
    if problems:
        where = folder / "posterior.parquet"
        raise CalibrationError(path=where, problems=[
            Problem(f"{p}; re-run gzsim calibrate for this folder", where) for p in problems])
    try:
        files = resolved_files(meta, folder)
        return Calibration(
            path=resolved(folder), point={k: float(v) for k, v in meta["point"].items()},
            central={k: float(v) for k, v in meta.get("central", meta["point"]).items()},
            fixed={k: _lookup(v) for k, v in meta.get("fixed", {}).items()}, posterior=posterior,
            provenance=dict(meta["provenance"]), files=files, parameters=list(meta["parameters"]),
            history_neutral=tuple(meta.get("history_neutral", ())),
            discrepancy=_discrepancy(meta.get("discrepancy")))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # A hand-edited or truncated calibration.json: say so rather than fail somewhere later.
        what = f"entry {exc}" if isinstance(exc, KeyError) else str(exc)
        raise CalibrationError(f"calibration.json is malformed (missing or wrong {what}); re-run "
                               f"gzsim calibrate for this folder", path=meta_path) from None


def _discrepancy(entry: Any) -> dict | None:
    """The ``discrepancy`` entry of calibration.json, checked (None when there is none)."""
    if entry is None:
        return None
    sigma = float(entry["sigma"])
    if not (np.isfinite(sigma) and 0 <= sigma <= 2):
        raise ValueError(f"discrepancy sigma {sigma!r} is not within 0-2")
    return {"sigma": sigma, "from_year": float(entry["from_year"]),
            "indicators": [str(i) for i in entry["indicators"]], "why": str(entry.get("why", ""))}


def draw_posterior(calibration: Calibration, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Draw *n* parameter sets from the calibration's ensemble.

    Rows are drawn without replacement when *n* is at most the ensemble size
    (with replacement beyond), so that n samples of a model run use n
    distinct sets when possible.

    Returns
    -------
    pandas.DataFrame
        Index ``sample`` = 1..n, one column per free parameter (Vensim name),
        like :func:`gzsim.sampling.draw_parameters`.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    post = calibration.posterior
    rows = rng.choice(len(post), size=n, replace=n > len(post))
    out = post.iloc[rows].reset_index(drop=True)
    out.index = pd.RangeIndex(1, n + 1, name="sample")
    return out
