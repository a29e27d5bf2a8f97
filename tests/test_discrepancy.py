"""The model-discrepancy term: zero through the data, growing after, shares kept in (0, 100) %."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from gzsim import discrepancy
from gzsim.calibration import CalibrationError
from gzsim.calibration.settings import load_settings

from .calibration.conftest import TINY, SETTINGS, relocate

SPEC = {"sigma": 0.2, "from_year": 2020.0, "indicators": ["firms", "share"], "why": ""}
YEARS = np.arange(2018, 2026)
UNITS = {"firms": "firms", "share": "% of industrial VA"}


def _values(n=4):
    return {"firms": np.full((n, len(YEARS)), 1000.0), "share": np.full((n, len(YEARS)), 95.0),
            "other": np.full((n, len(YEARS)), 7.0)}


def test_draws_one_normal_per_sample_and_indicator():
    z = discrepancy.draw_z(SPEC, 5, np.random.default_rng(1))
    assert list(z.columns) == ["discrepancy: firms", "discrepancy: share"]
    assert list(z.index) == [1, 2, 3, 4, 5]
    assert discrepancy.draw_z(None, 5, np.random.default_rng(1)).empty


def test_nothing_changes_through_the_data_and_the_error_grows_after():
    z = {"firms": np.array([-2.0, -1.0, 1.0, 2.0]), "share": np.array([-3.0, 0.0, 3.0, 9.0])}
    out = discrepancy.apply(_values(), YEARS, z, SPEC, UNITS)
    through = YEARS <= 2020
    np.testing.assert_array_equal(out["firms"][:, through], 1000.0)
    np.testing.assert_array_equal(out["other"], 7.0)           # not one of the term's indicators
    log_error = np.abs(np.log(out["firms"][3, ~through] / 1000.0))
    np.testing.assert_allclose(log_error, 0.2 * 2 * np.sqrt(YEARS[~through] - 2020))
    assert ((out["share"] > 0) & (out["share"] < 100)).all()  # the logit scale bounds shares
    assert out["share"][3, -1] > 95.0 and out["share"][0, -1] < 95.0


def test_a_zero_sigma_or_no_term_is_the_identity():
    z = {"firms": np.ones(4)}
    same = discrepancy.apply(_values(), YEARS, z, {**SPEC, "sigma": 0.0}, UNITS)
    np.testing.assert_array_equal(same["firms"], 1000.0)
    assert discrepancy.apply(_values(), YEARS, z, None, UNITS)["firms"] is not None


def test_split_separates_model_inputs_from_error_draws():
    draws = pd.DataFrame({"renewal share": [0.7, 0.8], "discrepancy: firms": [0.1, -0.1]})
    inputs, z = discrepancy.split(draws)
    assert list(inputs.columns) == ["renewal share"]
    np.testing.assert_array_equal(z["firms"], [0.1, -0.1])


def _settings_text(table: str) -> str:
    """The bundled settings (relocated, small budget) with *table* as its [discrepancy]."""
    text = relocate(SETTINGS.read_text(encoding="utf-8"))
    text = re.sub(r"(?ms)^\[discrepancy\]\n.*?(?=^\[)", "", text)
    return text + table + TINY


def test_settings_discrepancy_table_is_checked(tmp_path):
    ok = tmp_path / "ok.toml"
    ok.write_text(_settings_text('[discrepancy]\nsigma = 0.1\nwhy = "from gzsim backtest"\n'),
                  encoding="utf-8")
    assert load_settings(ok).discrepancy.sigma == 0.1
    bad = tmp_path / "bad.toml"
    bad.write_text(_settings_text('[discrepancy]\nsigma = -1\nwhy = "x"\n'), encoding="utf-8")
    with pytest.raises(CalibrationError, match=r"\[discrepancy\]: sigma -1 must be within 0-2"):
        load_settings(bad)
    missing = tmp_path / "missing.toml"
    missing.write_text(_settings_text('[discrepancy]\nsigma = 0.1\n'), encoding="utf-8")
    with pytest.raises(CalibrationError, match="why"):
        load_settings(missing)
