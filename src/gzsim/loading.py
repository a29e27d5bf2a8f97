"""Loading a model: catalogue, engine and calibration."""

from __future__ import annotations

import os
from pathlib import Path

from ._fs import resolved
from .catalogue import load_catalogue
from .simulators import make_engine
from .errors import CatalogueError
from .model import Model
from .paths import bundled_catalogue

__all__ = ["load_model", "catalogue_path"]


def catalogue_path(path: str | os.PathLike[str] | None) -> Path:
    """The catalogue file for *path*: itself, ``levers.toml`` beside a ``.mdl``, or the bundled one."""
    if path is None:
        cat = bundled_catalogue()
        if not cat.is_file():
            raise CatalogueError("the bundled catalogue is missing; restore model/levers.toml "
                                 "or pass a catalogue path", path=cat)
        return cat
    path = Path(path)
    if path.suffix.lower() == ".mdl":
        cat = path.with_name("levers.toml")
        if not cat.is_file():
            raise CatalogueError(f"no levers.toml next to {path.name}; pass the catalogue path instead",
                                 path=cat)
        return cat
    return path


def load_model(path: str | os.PathLike[str] | None = None, *, engine: str = "fast",
               calibration: str | os.PathLike[str] | None = "auto") -> Model:
    """Load a lever catalogue and its Vensim model.

    Parameters
    ----------
    path : path-like, optional
        The catalogue ``levers.toml`` (which names its ``.mdl``), or a
        ``.mdl`` with ``levers.toml`` beside it.  Default: the bundled
        ``model/levers.toml`` (Ganzhou model).
    engine : str
        ``"fast"`` (default: gzsim's compiled, vectorised engine) or ``"pysd"``
        (the reference), or another registered engine.
    calibration : path-like, "auto" or None
        A calibration folder (``calibration.json`` + ``posterior.parquet``);
        ``"auto"`` (default) takes the bundled ``calibration/ganzhou/`` for the
        bundled model (also when its catalogue or ``.mdl`` is named explicitly)
        and none for another catalogue; None runs the model's own
        hand-set values.  A calibration made from other model, data or settings
        files than the current ones is refused.

    Returns
    -------
    Model

    Raises
    ------
    CatalogueError
        The catalogue is broken or does not match the model.
    EngineError
        The model cannot be translated.
    UsageError
        Unknown engine.
    CalibrationError, StaleCalibrationError
        The calibration cannot be read, or its inputs changed since it was made
        (the message gives the command that re-makes it).
    """
    cat_path = catalogue_path(path)
    catalogue = load_catalogue(cat_path)
    if path is not None and Path(path).suffix.lower() == ".mdl" and \
            catalogue.model_file != resolved(path):
        raise CatalogueError(f"levers.toml describes {catalogue.model_file.name}, not {Path(path).name}",
                             path=cat_path)
    cal = None
    # The bundled files named explicitly (--model model/levers.toml, or the .mdl) are the bundled
    # model: they get its calibration like the default, by what they are, not how they are named.
    bundled = path is None or _same_file(cat_path, bundled_catalogue())
    if calibration is not None and not (calibration == "auto" and not bundled):
        from .calibration import load_calibration

        cal = load_calibration(None if calibration == "auto" else calibration)
        cal.check_fresh(model_path=catalogue.model_file)
    return Model(catalogue, make_engine(engine, catalogue.model_file), calibration=cal)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # either is missing or unreadable: not the same file
        return False
