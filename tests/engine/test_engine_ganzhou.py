"""The Ganzhou model: the fast engine equals PySD for every variable, alone and in batches."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

from gzsim.engine import compile_model

GANZHOU = Path(__file__).parents[2] / "model" / "ganzhou_sti.mdl"

pytestmark = pytest.mark.skipif(not GANZHOU.is_file(), reason="model/ganzhou_sti.mdl not found")


@pytest.fixture(scope="module")
def model_copy(tmp_path_factory):
    # PySD writes a .py next to the .mdl: never translate the repository's file in place
    return Path(shutil.copy(GANZHOU, tmp_path_factory.mktemp("ganzhou") / GANZHOU.name))


def test_every_variable_equals_pysd(model_copy, pysd_reference, assert_same):
    assert_same(pysd_reference(model_copy), compile_model(model_copy).run())


def test_perturbed_constants_equal_pysd(model_copy, pysd_loader, assert_same):
    cm = compile_model(model_copy)
    rng = np.random.default_rng(11)
    pysd_model = pysd_loader(model_copy)
    names = sorted(cm.constants)
    for _ in range(2):
        params = {k: cm.constants[k] * rng.uniform(0.8, 1.2) for k in names}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = pysd_model.run(params=params)
        assert_same(ref, cm.run(params))


def test_batch_rows_equal_single_runs(model_copy):
    cm = compile_model(model_copy)
    rng = np.random.default_rng(12)
    n = 200
    params = {k: v * rng.uniform(0.8, 1.2, n) for k, v in cm.constants.items()}
    batch = cm.run_batch(params)
    for i in (0, 123, n - 1):
        df = cm.run({k: float(v[i]) for k, v in params.items()})
        for col in df.columns:
            np.testing.assert_allclose(batch[col][i], df[col].to_numpy(), rtol=1e-12,
                                       atol=1e-300, equal_nan=True, err_msg=col)
