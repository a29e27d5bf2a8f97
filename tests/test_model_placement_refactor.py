"""Giving every level-like call of the Ganzhou model its own variable changed no number.

``tests/fixtures/ganzhou_sti_nested.mdl`` is the model as it was before (INITIAL,
DELAY FIXED nested inside larger expressions, which SDEverywhere refuses). Every variable of
it must come out of today's model unchanged to 1e-12, in both engines, at the model's values
and at perturbed ones. The refactor only added variables, so every old name still exists.

When the model's equations change on purpose this comparison no longer holds: delete this
file and the fixture then (they pin one refactor, not the model).
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

from gzsim.engine import compile_model

ROOT = Path(__file__).resolve().parents[1]
TODAY = ROOT / "model" / "ganzhou_sti.mdl"
BEFORE = ROOT / "tests" / "fixtures" / "ganzhou_sti_nested.mdl"
RTOL = 1e-12


def _same(before, after, names, where):
    for name in names:
        np.testing.assert_allclose(np.asarray(after[name], float), np.asarray(before[name], float),
                                   rtol=RTOL, atol=1e-300, err_msg=f"{name!r} ({where})")


def test_no_variable_was_removed_or_renamed():
    before, after = compile_model(BEFORE), compile_model(TODAY)
    assert set(before.variable_names) <= set(after.variable_names)
    assert before.constants == {k: after.constants[k] for k in before.constants}


def test_fast_engine_every_variable_unchanged_at_perturbed_constants():
    before, after = compile_model(BEFORE), compile_model(TODAY)
    rng = np.random.default_rng(15)
    n = 64
    # row 0: the model's own values; the others: every constant moved by up to 20 %
    params = {k: v * np.r_[1.0, rng.uniform(0.8, 1.2, n - 1)] for k, v in before.constants.items()}
    columns = list(before.columns)
    _same(before.run_batch(params, columns), after.run_batch(params, columns), columns,
          "fast engine, batch")


def test_pysd_every_variable_unchanged(tmp_path):
    import pysd

    runs = []
    for model in (BEFORE, TODAY):
        copy = tmp_path / model.stem / model.name  # PySD writes its .py beside the .mdl
        copy.parent.mkdir()
        shutil.copy(model, copy)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            runs.append(pysd.read_vensim(str(copy)).run())
    before, after = runs
    _same(before, after, list(before.columns), "PySD")
