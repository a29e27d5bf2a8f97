"""The committed calibration: present, fresh, loadable; staleness detected; draws."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from gzsim.calibration import StaleCalibrationError, draw_posterior, load_calibration
from gzsim.calibration.errors import CalibrationError

from .conftest import REPO

COMMITTED = REPO / "calibration" / "ganzhou"


def test_committed_calibration_is_fresh():
    """Fails when the model, data, settings or catalogue changed without recalibrating (intended).

    Fix: gzsim calibrate --settings calibration/settings.toml --out calibration/ganzhou --seed 20251
    """
    cal = load_calibration()
    assert cal.path == COMMITTED.resolve()
    cal.check_fresh()


def test_committed_calibration_contents():
    cal = load_calibration(COMMITTED)
    assert len(cal.posterior) >= 1000
    assert list(cal.posterior.columns) == list(cal.point)
    for key in ("model_sha256", "observations_sha256", "settings_sha256", "seed", "date",
                "gzsim_version"):
        assert key in cal.provenance
    assert {p["identified"] for p in cal.parameters} <= {"yes", "no", "not profiled"}
    assert set(cal.inputs()) == set(cal.point) | set(cal.fixed)


def test_stale_calibration_names_the_changed_file(tmp_path):
    model = tmp_path / "model.mdl"
    shutil.copy(REPO / "model" / "ganzhou_sti.mdl", model)
    cal = load_calibration(COMMITTED)
    cal.check_fresh(model_path=model)            # same bytes: fresh
    model.write_text(model.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(StaleCalibrationError) as info:
        cal.check_fresh(model_path=model)
    text = str(info.value)
    assert "model file" in text and "changed" in text and "gzsim calibrate" in text


def test_missing_calibration(tmp_path):
    with pytest.raises(CalibrationError, match="calibration.json missing"):
        load_calibration(tmp_path)


def test_draw_posterior():
    cal = load_calibration(COMMITTED)
    a = draw_posterior(cal, 50, np.random.default_rng(5))
    b = draw_posterior(cal, 50, np.random.default_rng(5))
    assert a.equals(b) and len(a) == 50 and list(a.index) == list(range(1, 51))
    assert not a.duplicated().any()
    assert list(a.columns) == list(cal.posterior.columns)


def test_catalogue_labels_do_not_make_it_stale_but_priors_do(tmp_path):
    cal = load_calibration(COMMITTED)
    text = (REPO / "model" / "levers.toml").read_text(encoding="utf-8")
    cat = tmp_path / "levers.toml"
    shutil.copy(REPO / "model" / "ganzhou_sti.mdl", tmp_path / "ganzhou_sti.mdl")
    cat.write_text(text.replace('label_en = "Bass imitation coefficient (q)"',
                                'label_en = "Imitation (q)"'), encoding="utf-8")
    cal.check_fresh(catalogue_path=cat)
    block = text[text.index('id = "imitation_coefficient"'):]
    changed = block.replace("max = 0.6", "max = 0.7", 1)
    cat.write_text(text.replace(block, changed), encoding="utf-8")
    with pytest.raises(StaleCalibrationError, match="catalogue prior of 'imitation coefficient'"):
        cal.check_fresh(catalogue_path=cat)


def test_a_changed_ensemble_is_refused(tmp_path):
    import shutil

    import pandas as pd

    from gzsim.calibration.errors import CalibrationError
    from gzsim.calibration.store import load_calibration

    folder = tmp_path / "ganzhou"
    shutil.copytree(REPO / "calibration" / "ganzhou", folder)
    posterior = pd.read_parquet(folder / "posterior.parquet")
    posterior.iloc[:10].to_parquet(folder / "posterior.parquet")  # a hand-trimmed ensemble
    with pytest.raises(CalibrationError, match="posterior.parquet is not the file this calibration wrote"):
        load_calibration(folder)
