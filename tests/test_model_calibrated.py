"""load_model() runs the committed calibration: central set for sample 0, its ensemble for samples."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

import gzsim
from gzsim.calibration import StaleCalibrationError, load_calibration
from gzsim.cli import main
from gzsim.paths import repo_root, scenarios_dir

BASELINE = scenarios_dir() / "baseline.toml"


@pytest.fixture(scope="module")
def calibrated():
    return gzsim.load_model()


def test_bundled_model_loads_the_committed_calibration(calibrated):
    assert calibrated.calibration is not None
    assert calibrated.calibration.path == (repo_root() / "calibration" / "ganzhou").resolve()
    assert len(calibrated.calibration_id) == 64


def test_every_run_starts_from_the_calibrated_central_set(calibrated):
    inputs = calibrated.inputs(calibrated.load_scenario(BASELINE))
    for name, value in calibrated.calibration.central.items():
        assert inputs[name] == pytest.approx(value)


def test_calibration_changes_the_deterministic_run():
    scenario = BASELINE
    with_cal = gzsim.load_model().run(scenario)
    without = gzsim.load_model(calibration=None).run(scenario)
    assert not np.allclose(with_cal["value"], without["value"])


def test_samples_draw_the_fitted_parameters_from_the_ensemble(calibrated):
    draws = calibrated.draw(calibrated.load_scenario(BASELINE), 50, np.random.default_rng(4))
    posterior = calibrated.calibration.posterior
    for name in posterior.columns:
        assert set(draws[name]).issubset(set(posterior[name]))
    # parameters that act before 2020 and were not fitted are not drawn: drawing them would undo the fit
    expected = set(calibrated.calibration.history_neutral) | set(posterior.columns)
    drawn_catalogue = {u.vensim for u in calibrated.catalogue.uncertain} & set(draws.columns)
    assert drawn_catalogue == {u.vensim for u in calibrated.catalogue.uncertain} & expected


def test_history_is_reproduced_by_every_sample(calibrated):
    sim = calibrated.simulate(BASELINE, samples=200, seed=3, indicators=["gdp", "high_tech_firms"])
    year_2020 = list(sim.years).index(2020)
    firms_2020 = sim.values["high_tech_firms"][:, year_2020]
    assert np.all(np.abs(firms_2020 / 1107 - 1) < 0.25)  # data row high_tech_firms 2020


def test_a_changed_model_makes_the_calibration_stale(tmp_path):
    for name in ("ganzhou_sti.mdl", "levers.toml"):
        shutil.copy(repo_root() / "model" / name, tmp_path / name)
    mdl = tmp_path / "ganzhou_sti.mdl"
    mdl.write_text(mdl.read_text(encoding="utf-8").replace("0.25\n\t~\tDmnl\n", "0.26\n\t~\tDmnl\n", 1),
                   encoding="utf-8")
    with pytest.raises(StaleCalibrationError, match="model file .* changed.*gzsim calibrate"):
        gzsim.load_model(tmp_path / "levers.toml", calibration=repo_root() / "calibration" / "ganzhou")


def test_cli_reports_a_stale_calibration_and_runs_without_one(tmp_path, capsys):
    for name in ("ganzhou_sti.mdl", "levers.toml"):
        shutil.copy(repo_root() / "model" / name, tmp_path / name)
    mdl = tmp_path / "ganzhou_sti.mdl"
    mdl.write_text(mdl.read_text(encoding="utf-8").replace("0.25\n\t~\tDmnl\n", "0.26\n\t~\tDmnl\n", 1),
                   encoding="utf-8")
    stale = main(["run", "baseline", "--model", str(tmp_path / "levers.toml"),
                  "--calibration", str(repo_root() / "calibration" / "ganzhou"), "--out", str(tmp_path / "r.csv")])
    assert stale == 2 and "stale" in capsys.readouterr().err
    assert not (tmp_path / "r.csv").exists()
    assert main(["run", "baseline", "--calibration", "none", "--out", str(tmp_path / "r.csv")]) == 0


def test_results_record_the_calibration_id(calibrated):
    result = calibrated.run(BASELINE)
    assert result.attrs["calibration"] == calibrated.calibration_id
    assert load_calibration().provenance["seed"] is not None


@pytest.mark.parametrize("name", ["baseline", "plan_push"])
def test_halving_time_step_changes_no_calibrated_2025_indicator_by_more_than_2_percent(calibrated, name):
    scenario = calibrated.load_scenario(scenarios_dir() / f"{name}.toml")
    params = calibrated.inputs(scenario)
    columns = [i.vensim for i in calibrated.catalogue.indicators]
    compiled = calibrated.engine.compiled
    coarse = compiled.run(params, columns)
    fine = compiled.run(params, columns, time_step=0.125, saveper=0.125)
    change = ((fine.loc[2025.0] - coarse.loc[2025.0]) / coarse.loc[2025.0]).abs()
    assert (change < 0.02).all(), change[change >= 0.02].to_dict()


@pytest.mark.parametrize("named", ["model/levers.toml", "model/ganzhou_sti.mdl", "./model/../model/levers.toml"])
def test_naming_the_bundled_files_gives_the_bundled_calibrated_result(calibrated, named, tmp_path, monkeypatch):
    # `--model model/levers.toml` used to drop the calibration silently: the same files, other numbers.
    monkeypatch.chdir(repo_root())
    explicit = gzsim.load_model(named)
    assert explicit.calibration_id == calibrated.calibration_id
    out = tmp_path / "named.csv", tmp_path / "default.csv"
    assert main(["run", "baseline", "--model", named, "--out", str(out[0])]) == 0
    assert main(["run", "baseline", "--out", str(out[1])]) == 0
    assert out[0].read_bytes() == out[1].read_bytes()
