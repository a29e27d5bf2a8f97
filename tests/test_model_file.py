"""Contract and behaviour tests of model/ganzhou_sti.mdl run directly in PySD (the reference).

These do not go through gzsim's API on purpose: they check the model file itself, as Vensim
users and PySD see it.
"""
from __future__ import annotations

import math
import shutil
import tomllib
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pysd
import pytest

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "model" / "ganzhou_sti.mdl"
CATALOGUE = tomllib.loads((ROOT / "model" / "levers.toml").read_text(encoding="utf-8"))
OBSERVATIONS = ROOT / "calibration" / "observations.csv"

# A comment counts as sourced when it names one of these kinds of source.
SOURCE_MARKERS = (
    "data row", "brief", "plan", "calibrated", "assumption", "Lever", "Scenario input",
    "National scenario input", "Law", "Guokefa", "MOF", "CNIPA", "Caishui", "公报", "Yearbook",
    "(19", "(20",
)


@pytest.fixture(scope="module")
def pysd_model(tmp_path_factory):
    # PySD writes its translation next to the .mdl: translate a copy, never the repo's file.
    folder = tmp_path_factory.mktemp("pysd")
    shutil.copy(MODEL, folder / MODEL.name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pysd.read_vensim(str(folder / MODEL.name))


def _run(model, params=None, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.initialize()
        return model.run(params=params or {}, **kwargs)


def _defaults():
    return {lever["vensim"]: lever["default"] for lever in CATALOGUE["lever"]}


def test_model_loads_in_pysd_with_expected_time_settings(pysd_model):
    result = _run(pysd_model, params=_defaults())
    assert result.index[0] == 2015 and result.index[-1] == 2030
    assert np.allclose(np.diff(result.index), 0.25)


def test_every_variable_has_units_and_comment(pysd_model):
    doc = pysd_model.doc
    doc = doc[doc["Real Name"] != "Time"]
    missing_units = doc.loc[doc["Units"].isna() | (doc["Units"].astype(str).str.strip() == ""), "Real Name"]
    missing_comment = doc.loc[doc["Comment"].isna() | (doc["Comment"].astype(str).str.strip() == ""), "Real Name"]
    assert list(missing_units) == []
    assert list(missing_comment) == []


def test_every_constant_comment_names_its_source(pysd_model):
    doc = pysd_model.doc
    constants = doc[(doc["Type"] == "Constant") | (doc["Type"] == "Lookup")]
    control = {"INITIAL TIME", "FINAL TIME", "TIME STEP"}
    unsourced = [
        row["Real Name"] for _, row in constants.iterrows()
        if row["Real Name"] not in control
        and not any(m.lower() in str(row["Comment"]).lower() for m in SOURCE_MARKERS)
    ]
    assert unsourced == []


def test_catalogue_names_exist_in_model(pysd_model):
    names = set(pysd_model.doc["Real Name"])
    for kind in ("lever", "uncertain", "indicator"):
        for entry in CATALOGUE[kind]:
            assert entry["vensim"] in names, f"{kind} {entry['id']}: {entry['vensim']!r} not in model"


def test_lever_ranges_match_vensim_slider_ranges(pysd_model):
    limits = dict(zip(pysd_model.doc["Real Name"], pysd_model.doc["Limits"]))
    for lever in CATALOGUE["lever"]:
        assert tuple(limits[lever["vensim"]]) == (lever["min"], lever["max"], lever["step"]), lever["id"]


def test_uncertain_parameter_defaults_lie_in_their_ranges(pysd_model):
    for entry in CATALOGUE["uncertain"]:
        value = float(getattr(pysd_model.components, pysd_model.namespace[entry["vensim"]])())
        assert entry["min"] <= value <= entry["max"], entry["id"]


def test_halving_time_step_changes_no_2025_indicator_by_more_than_2_percent(pysd_model):
    columns = [ind["vensim"] for ind in CATALOGUE["indicator"]]
    coarse = _run(pysd_model, params=_defaults(), return_columns=columns)
    fine = _run(pysd_model, params=_defaults(), return_columns=columns, time_step=0.125, saveper=0.125)
    change = ((fine.loc[2025.0] - coarse.loc[2025.0]) / coarse.loc[2025.0]).abs()
    assert (change < 0.02).all(), change[change >= 0.02].to_dict()


def _observed_points():
    """Ganzhou level observations for 2015 and 2020 of the indicators the model reports."""
    obs = pd.read_csv(OBSERVATIONS)
    indicators = {ind["id"]: ind["vensim"] for ind in CATALOGUE["indicator"]}
    keep = (
        (obs["region"] == "Ganzhou")
        & obs["kind"].isin(["level", "flow"])
        & obs["period"].isin(["2015", "2020"])
        & obs["indicator"].isin(indicators)
    )
    return [(r.indicator, int(r.period), float(r.value), indicators[r.indicator]) for r in obs[keep].itertuples()]


def test_observation_file_yields_points_to_check():
    assert len(_observed_points()) >= 10


@pytest.mark.parametrize("indicator, year, observed, vensim", _observed_points())
def test_hand_set_model_reproduces_2015_and_2020_data_within_25_percent(pysd_model, indicator, year, observed, vensim):
    result = _run(pysd_model, params=_defaults(), return_columns=[vensim])
    simulated = float(result.loc[float(year), vensim])
    assert math.isclose(simulated, observed, rel_tol=0.25), f"{indicator} {year}: model {simulated:.4g} vs data {observed:.4g}"
