"""A bad-input case and the builders the case tables use (files with one thing broken)."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import pandas as pd

from ...calibration.conftest import TINY, relocate

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures"
CALIBRATION = REPO / "calibration" / "ganzhou"

OBSERVATIONS = (REPO / "calibration" / "observations.csv").read_text(encoding="utf-8")
SETTINGS = (REPO / "calibration" / "settings.toml").read_text(encoding="utf-8")
BASELINE = (REPO / "scenarios" / "baseline.toml").read_text(encoding="utf-8")
MINI = (FIXTURES / "model" / "mini.mdl").read_text(encoding="utf-8")
MINI_CATALOGUE = (FIXTURES / "model" / "levers.toml").read_text(encoding="utf-8")
MINI_BASELINE = str(FIXTURES / "scenarios" / "baseline.toml")
#: The equation of 'knowledge effect' in the fixture model, replaced to break the model.
EQUATION = "0.02*knowledge stock/(knowledge stock+200)"


@dataclass(frozen=True)
class Case:
    """One bad input: files to write, the command line, and what the message must say.

    ``{locked}`` in *argv* stands for a folder where no file can be created.
    """

    id: str
    argv: tuple[str, ...]
    expect: tuple[str, ...]
    files: Mapping[str, str | bytes] = field(default_factory=dict)
    #: Symbolic links to make: name -> target (e.g. a link to itself, a loop).
    links: Mapping[str, str] = field(default_factory=dict)


def levers(body: str, extra: str = "") -> dict[str, str]:
    """A scenario file ``bad.toml`` on the bundled catalogue with this ``[levers]`` body."""
    return {"bad.toml": f"{extra}[levers]\n{body}\n"}


def mini(equation: str | None = None, *, mdl: str | None = None, catalogue: str = MINI_CATALOGUE) -> dict:
    """A copy of the fixture model in ``m/``, with 'knowledge effect' set to *equation*."""
    text = mdl if mdl is not None else MINI.replace(EQUATION, equation) if equation else MINI
    return {"m/mini.mdl": text, "m/levers.toml": catalogue}


def data(*, header: str | None = None, replace: tuple[str, str] | None = None,
         append: str | None = None) -> str:
    """The bundled observations CSV with one thing changed."""
    lines = OBSERVATIONS.rstrip("\n").split("\n")
    if header is not None:
        lines[0] = header
    if replace is not None:
        lines = [line.replace(*replace, 1) if line.startswith("Ganzhou,rd_intensity,2015,") else line
                 for line in lines]
    if append is not None:
        lines.append(append)
    return "\n".join(lines) + "\n"


#: The 2015 R&D intensity row again with another value.
CONFLICT = "Ganzhou,rd_intensity,2015,0.99,% of GDP,level,a second source,"
N_ROWS = len(OBSERVATIONS.rstrip("\n").split("\n"))


def settings_with(obs: str) -> dict[str, str]:
    """The bundled calibration settings (small budget) on the data text *obs*, in ``cal/``."""
    # The small budget keeps a regression (a check that no longer fires) to seconds, not minutes.
    settings = relocate(SETTINGS, observations=Path("obs.csv"))
    return {"cal/settings.toml": settings + TINY, "cal/obs.csv": obs}


CALIBRATE = ("calibrate", "--settings", "cal/settings.toml", "--out", "calout", "--seed", "1")


def calibration_copy(*, provenance: Mapping[str, str] = {}, settings: str | None = None,
                     edit: Callable[[dict], Any] | None = None,
                     posterior: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
                     text: Callable[[str], str] | None = None) -> dict:
    """The bundled calibration in ``cal/`` (files by absolute path), with recorded hashes or the
    settings file changed, or ``calibration.json`` edited by hand (*edit* changes the parsed
    manifest, *text* its JSON text), or the ensemble changed (its recorded sha256 follows)."""
    meta = json.loads((CALIBRATION / "calibration.json").read_text(encoding="utf-8"))
    meta["files"] = {k: str((CALIBRATION / v).resolve()) for k, v in meta["files"].items()}
    meta["provenance"].update(provenance)
    ensemble = (CALIBRATION / "posterior.parquet").read_bytes()
    if posterior is not None:
        buffer = io.BytesIO()
        posterior(pd.read_parquet(CALIBRATION / "posterior.parquet")).to_parquet(buffer)
        ensemble = buffer.getvalue()
        meta["outputs"]["posterior.parquet"] = hashlib.sha256(ensemble).hexdigest()
    files: dict = {"cal/posterior.parquet": ensemble}
    if settings is not None:
        meta["files"]["settings"] = "settings.toml"
        files["cal/settings.toml"] = settings
    if edit is not None:
        edit(meta)
    files["cal/calibration.json"] = text(json.dumps(meta)) if text is not None else json.dumps(meta)
    return files


T = '[[target]]\nid = "rd_intensity"\nyear = 2025\nthreshold = 2.6\ndirection = "at_least"\n'
R = ("run", "bad.toml", "--out", "res.csv")
BRIEF = ("brief", "baseline", "--out", "brief", "--samples", "2", "--seed", "1", "--lang", "en",
         "--size", "print")
