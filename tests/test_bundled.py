"""The real Ganzhou model, catalogue and scenarios shipped in the repository.

These are deliberately not skipped when the files are missing: a missing
model/ganzhou_sti.mdl, model/levers.toml or scenarios/baseline.toml is a failure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import gzsim
from gzsim.catalogue import vensim_key
from gzsim.cli import main

from .conftest import REPO

SCENARIOS = sorted((REPO / "scenarios").glob("*.toml"))
TARGETS = sorted((REPO / "scenarios" / "targets").glob("*.toml"))


@pytest.fixture(scope="module")
def model() -> gzsim.Model:
    return gzsim.load_model()


def test_bundled_files_exist():
    assert (REPO / "model" / "ganzhou_sti.mdl").is_file()
    assert (REPO / "model" / "levers.toml").is_file()
    assert (REPO / "scenarios" / "baseline.toml").is_file()


def test_catalogue_matches_the_model(model):
    assert model.catalogue.model_file == (REPO / "model" / "ganzhou_sti.mdl").resolve()
    names = {vensim_key(n) for n in model.engine.variable_names}
    items = [*model.catalogue.levers, *model.catalogue.uncertain, *model.catalogue.indicators]
    missing = [i.vensim for i in items if vensim_key(i.vensim) not in names]
    assert missing == []
    assert model.catalogue.levers and model.catalogue.indicators


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_scenario_validates(model, path):
    scenario = model.load_scenario(path)
    assert scenario.hash and scenario.name


def test_there_are_scenarios_to_validate():
    assert len(SCENARIOS) >= 2 and TARGETS


@pytest.mark.parametrize("path", TARGETS, ids=[p.stem for p in TARGETS])
def test_every_targets_file_refers_to_catalogue_indicators(model, path):
    assert len(gzsim.load_targets(path, catalogue=model.catalogue)) > 0


def test_cli_run_baseline_gives_every_indicator_for_2015_to_2030_finite(tmp_path, model, capsys):
    out = tmp_path / "baseline.csv"
    assert main(["run", "baseline", "--out", str(out)]) == 0, capsys.readouterr().err
    df = pd.read_csv(out)
    assert list(df.columns) == ["scenario", "sample", "year", "indicator", "value"]
    assert set(df["scenario"]) == {"baseline"} and set(df["sample"]) == {0}
    assert set(df["indicator"]) == set(model.catalogue.indicator_ids)
    for indicator, rows in df.groupby("indicator"):
        assert sorted(rows["year"]) == list(range(2015, 2031)), indicator
    bad = df[~np.isfinite(df["value"])]
    assert bad.empty, bad.head().to_dict("records")
