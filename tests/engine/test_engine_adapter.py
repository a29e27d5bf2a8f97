"""The fast engine behind gzsim's Engine protocol, against the PySD adapter."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gzsim.engine.adapter import FastEngine

MODELS = Path(__file__).parent / "models"


def test_registered_as_fast():
    from gzsim.simulators import engine_names, make_engine

    engine = make_engine("fast", MODELS / "realistic.mdl")
    assert "fast" in engine_names()
    assert isinstance(engine, FastEngine) and engine.name == "fast"
    assert (engine.initial_time, engine.final_time, engine.time_step) == (2015, 2030, 0.25)
    assert "GDP" in engine.variable_names


def test_same_results_as_pysd_adapter(tmp_path):
    from gzsim.simulators import PysdEngine

    model = Path(shutil.copy(MODELS / "realistic.mdl", tmp_path / "realistic.mdl"))
    params = {"base growth": 0.07, "subsidy rate": pd.Series([0.0, 0.1], index=[2020, 2025])}
    columns = ["GDP", "patents", "policy indicator"]
    fast = FastEngine(model).run(params, return_columns=columns)
    slow = PysdEngine(model).run(params, return_columns=columns)
    assert list(fast.columns) == columns
    np.testing.assert_allclose(fast.index.to_numpy(float), slow.index.to_numpy(float))
    np.testing.assert_allclose(fast.to_numpy(float), slow.to_numpy(float), rtol=1e-9)


def test_batch_through_the_adapter():
    engine = FastEngine(MODELS / "realistic.mdl")
    out = engine.run_batch({"base growth": np.array([0.03, 0.06])}, ["GDP"])
    assert out["GDP"].shape == (2, 61) and out["GDP"][1, -1] > out["GDP"][0, -1]
    with pytest.raises(Exception, match="did you mean"):
        engine.run({"base grwth": 1.0}, return_columns=["GDP"])
