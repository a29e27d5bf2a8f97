"""Shared helpers for the fast-engine tests: PySD reference runs and comparisons."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

MODELS = Path(__file__).parent / "models"
GANZHOU = Path(__file__).parents[2] / "model" / "ganzhou_sti.mdl"
RTOL = 1e-9

_TRANSLATED: dict[str, Path] = {}


def translated(model: Path, tmp_factory) -> Path:
    """PySD's translation of *model*, made once per session in a temporary folder.

    PySD writes its ``.py`` next to the ``.mdl``, so the model is copied first.
    """
    key = str(model.resolve()) + str(model.stat().st_mtime_ns)
    if key not in _TRANSLATED:
        import pysd

        folder = tmp_factory.mktemp("pysd")
        copy = Path(shutil.copy(model, folder / model.name))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pysd.read_vensim(str(copy), initialize=False)
        _TRANSLATED[key] = copy.with_suffix(".py")
    return _TRANSLATED[key]


def pysd_run(model: Path, tmp_factory, **kwargs) -> pd.DataFrame:
    """Run *model* with PySD from a fresh state."""
    import pysd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = pysd.load(str(translated(model, tmp_factory)))
        return m.run(**kwargs)


def assert_same(ref: pd.DataFrame, out: pd.DataFrame, rtol: float = RTOL) -> None:
    """Same index, same columns in the same order, same values to *rtol*."""
    assert list(out.columns) == list(ref.columns)
    np.testing.assert_allclose(out.index.to_numpy(float), ref.index.to_numpy(float), rtol=0,
                               atol=1e-9)
    for col in ref.columns:
        expected = ref[col].to_numpy(dtype=float)
        got = out[col].to_numpy(dtype=float)
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=1e-12, equal_nan=True,
                                   err_msg=f"column {col!r}")


@pytest.fixture(scope="session", name="assert_same")
def assert_same_fixture():
    """The :func:`assert_same` comparison."""
    return assert_same


@pytest.fixture(scope="session", name="write_model")
def write_model_fixture():
    """The :func:`write_model` helper."""
    return write_model


@pytest.fixture(scope="session")
def pysd_loader(tmp_path_factory):
    """``pysd_loader(model)`` -> a freshly loaded PySD model (translated once)."""
    def load(model):
        import pysd

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pysd.load(str(translated(Path(model), tmp_path_factory)))
    return load


@pytest.fixture(scope="session")
def pysd_reference(tmp_path_factory):
    """``pysd_reference(model, **run_kwargs)`` -> PySD's DataFrame."""
    return lambda model, **kwargs: pysd_run(Path(model), tmp_path_factory, **kwargs)


def write_model(folder: Path, name: str, equations: str, final_time=10, time_step=0.25) -> Path:
    """Write a small ``.mdl`` with a control section and return its path."""
    text = "{UTF-8}\n" + equations.strip() + (
        f"\nINITIAL TIME = 0 ~~|\nFINAL TIME = {final_time} ~~|\n"
        f"TIME STEP = {time_step} ~~|\nSAVEPER = TIME STEP ~~|\n")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
