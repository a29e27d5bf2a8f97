"""Every output file carries the provenance record, and the same seed gives the same bytes.

For each file type a command writes (``gzsim run --out`` csv/parquet/xlsx, the analyses' ``--out``,
``gzsim brief``, chart files, a calibration folder) the record is read back and checked against the
real inputs: the package version, the model file's actual sha256, the calibration id (sha256 of
calibration.json), the scenario hashes from ``model.load_scenario`` and the seed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shlex
import warnings
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

import gzsim
from gzsim import output
from gzsim.cli import main
from gzsim.errors import OutputError, UsageError
from gzsim.output import read_results, sidecar_path, write_results
from gzsim.provenance import read_figure, record
from gzsim.simulation import COLUMNS

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[2]
MODEL_FILE = REPO / "model" / "ganzhou_sti.mdl"
CATALOGUE_FILE = REPO / "model" / "levers.toml"
CALIBRATION_JSON = REPO / "calibration" / "ganzhou" / "calibration.json"


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def model() -> gzsim.Model:
    return gzsim.load_model()


def scenario_hashes(model: gzsim.Model, *names: str) -> dict[str, str]:
    return {n: model.load_scenario(REPO / "scenarios" / f"{n}.toml").hash for n in names}


def check_record(rec: dict, model: gzsim.Model, names: tuple[str, ...], *, seed, samples, analysis) -> None:
    assert rec["gzsim_version"] == gzsim.__version__
    assert rec["analysis"] == analysis and rec["engine"] == "fast"
    assert rec["model_file"] == MODEL_FILE.name and rec["model_sha256"] == sha256(MODEL_FILE)
    assert rec["catalogue_sha256"] == sha256(CATALOGUE_FILE)
    assert rec["calibration"] == sha256(CALIBRATION_JSON)
    assert rec["scenarios"] == scenario_hashes(model, *names)
    assert rec["seed"] == seed and rec["samples"] == samples


def gzsim_cli(*argv: str) -> int:
    """Run the command line; ``main`` records *argv* as the ``reproduce`` entry itself."""
    return main(list(argv))


# ---------------------------------------------------------------------------- gzsim run

@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_run_out_file_records_its_provenance(tmp_path, model, suffix):
    path = tmp_path / f"results{suffix}"
    assert gzsim_cli("run", "baseline", "plan", "--samples", "2", "--seed", "7", "--out", str(path)) == 0
    back = read_results(path)
    check_record(back.attrs, model, ("baseline", "plan"), seed=7, samples=2, analysis="run")
    assert back.attrs["reproduce"] == shlex.join(["gzsim", "run", "baseline", "plan", "--samples", "2",
                                                  "--seed", "7", "--out", str(path)])
    assert list(back.columns) == COLUMNS and len(back) == 2 * 3 * len(model.years) * len(model.catalogue.indicators)
    if suffix == ".csv":
        # the CSV itself stays plain; the record is beside it
        pd.testing.assert_frame_equal(pd.read_csv(path), back)
        # the record, plus the sha256 of the CSV it describes (so a mismatched pair is refused)
        sidecar = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
        assert sidecar.pop("results_sha256") == hashlib.sha256(path.read_bytes()).hexdigest()
        assert sidecar == back.attrs
    if suffix == ".xlsx":
        assert pd.read_excel(path, sheet_name=None).keys() == {"results", "provenance"}


def test_uncalibrated_runs_record_calibration_none(model):
    plain = gzsim.Model(model.catalogue, model.engine, calibration=None)
    assert plain.run(model.load_scenario(REPO / "scenarios" / "plan.toml")).attrs["calibration"] == "none"


# ---------------------------------------------------------------------------- analyses

ANALYSES = [
    ("reach", ["reach", "baseline", "plan", "--samples", "20"], ("baseline", "plan"), 20, ".csv"),
    ("sensitivity", ["sensitivity", "plan", "--method", "morris", "--samples", "2", "--bootstrap", "5",
                     "--target", "rd_intensity"], ("plan",), 2, ".parquet"),
    ("goalseek", ["goalseek", "baseline", "--probability", "0.5", "--draws", "10", "--maxiter", "1",
                  "--target", "rd_intensity"], ("baseline",), 10, ".xlsx"),
    ("discover", ["discover", "baseline", "--samples", "200", "--target", "rd_intensity"], ("baseline",),
     200, ".csv"),
    ("attribute", ["attribute", "plan", "--samples", "5", "--target", "rd_intensity"], ("baseline", "plan"),
     5, ".parquet"),
]


@pytest.mark.parametrize("analysis, argv, names, samples, suffix", ANALYSES, ids=[a[0] for a in ANALYSES])
def test_analysis_out_file_records_its_provenance(tmp_path, model, analysis, argv, names, samples, suffix):
    path = tmp_path / f"{analysis}{suffix}"
    assert gzsim_cli(*argv, "--seed", "3", "--quiet", "--out", str(path)) == 0
    rec = read_results(path).attrs
    check_record(rec, model, names, seed=3, samples=samples, analysis=analysis)
    hashes = rec["targets_sha256"]
    assert all(re.fullmatch("[0-9a-f]{64}", h) for h in (hashes.values() if isinstance(hashes, dict) else [hashes]))
    assert rec["reproduce"].startswith(f"gzsim {analysis} ") and "--seed 3" in rec["reproduce"]


# ---------------------------------------------------------------------------- reproduce and determinism

def test_reproduce_command_gives_the_same_bytes(tmp_path, model):
    first = tmp_path / "first.csv"
    assert gzsim_cli("run", "plan", "--samples", "3", "--out", str(first)) == 0  # seed drawn
    rec = read_results(first).attrs
    assert re.search(r" --seed \d+$", rec["reproduce"]) and str(rec["seed"]) in rec["reproduce"]
    kept = {p: p.read_bytes() for p in (first, sidecar_path(first))}
    for p in kept:
        p.unlink()
    assert gzsim_cli(*shlex.split(rec["reproduce"])[1:]) == 0
    assert {p: p.read_bytes() for p in kept} == kept


def test_same_seed_same_bytes_other_seed_other_numbers(tmp_path, model):
    scenarios = [model.load_scenario(REPO / "scenarios" / f"{n}.toml") for n in ("baseline", "plan")]
    runs = {}
    for label, seed in (("a", 11), ("b", 11), ("c", 12)):
        df = model.run_many(scenarios, samples=4, seed=seed)
        runs[label] = [write_results(df, tmp_path / f"{label}{s}") for s in (".csv", ".parquet", ".xlsx")]
    same = [p.read_bytes() for p in runs["a"][:2]] + [sidecar_path(runs["a"][0]).read_bytes()]
    again = [p.read_bytes() for p in runs["b"][:2]] + [sidecar_path(runs["b"][0]).read_bytes()]
    assert same == again
    # xlsx is a zip with its own clock times: compare the content instead of the bytes
    a, b, c = (read_results(runs[k][2]) for k in "abc")
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs == b.attrs
    drawn = a["sample"] > 0
    assert not (a.loc[drawn, "value"].to_numpy() == c.loc[drawn, "value"].to_numpy()).all()
    assert (a.loc[~drawn, "value"] == c.loc[~drawn, "value"]).all()  # the deterministic run does not depend on it
    assert {k: v for k, v in c.attrs.items() if k != "seed"} == {k: v for k, v in a.attrs.items() if k != "seed"}
    assert (a.attrs["seed"], c.attrs["seed"]) == (11, 12)


# ---------------------------------------------------------------------------- CSV sidecar

def test_csv_and_its_record_are_written_together_or_not_at_all(tmp_path, model, monkeypatch):
    df = model.run(model.load_scenario(REPO / "scenarios" / "plan.toml"))

    def full_disk(attrs, tmp):
        tmp.write_text("{", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output, "_write_sidecar", full_disk)
    with pytest.raises(OutputError, match="cannot write results: No space left on device"):
        write_results(df, tmp_path / "r.csv")
    assert os.listdir(tmp_path) == []


def test_plain_csv_replaces_a_stale_record_and_bad_records_are_named(tmp_path, model):
    path = tmp_path / "r.csv"
    write_results(model.run(model.load_scenario(REPO / "scenarios" / "plan.toml")), path)
    write_results(pd.DataFrame({"x": [1.0]}), path)  # no attrs: the old record would describe it wrongly
    assert os.listdir(tmp_path) == ["r.csv"] and read_results(path).attrs == {}
    sidecar_path(path).write_text("{not json", encoding="utf-8")
    with pytest.raises(UsageError, match=r"r\.csv\.provenance\.json: cannot read the provenance record"):
        read_results(path)


# ---------------------------------------------------------------------------- charts

def test_chart_files_embed_the_record(tmp_path, model):
    import matplotlib.pyplot as plt

    from gzsim.charts import save_figure

    plan = model.load_scenario(REPO / "scenarios" / "plan.toml")
    # a name with Chinese and parentheses: escapes in PNG text, SVG XML and PDF strings
    renamed = dataclasses.replace(plan, name="规划 (edited)")
    rec = record(model, [renamed], seed=5, samples=10, analysis="run")
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([2020, 2025], [1, 2])
    written = save_figure(fig, tmp_path / "chart", ("png", "svg", "pdf"), dpi=50, provenance=rec)
    again = save_figure(fig, tmp_path / "again", ("png", "svg", "pdf"), dpi=50, provenance=rec)
    plt.close(fig)
    for path, twin in zip(written, again):
        assert read_figure(path) == rec, path.name
        assert path.read_bytes() == twin.read_bytes(), path.name  # no clock time inside
    assert rec["scenarios"] == {"规划 (edited)": plan.hash}


# ---------------------------------------------------------------------------- brief

@pytest.fixture(scope="module")
def brief(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("brief") / "pack"
    assert gzsim_cli("brief", "baseline", "plan", "--out", str(out), "--samples", "5", "--seed", "3",
                     "--size", "print", "--lang", "en") == 0
    return out


def test_brief_holds_one_record_everywhere(brief, model):
    from gzsim.brief.outdir import MARKER

    rec = json.loads((brief / MARKER).read_text(encoding="utf-8"))
    check_record(rec, model, ("baseline", "plan"), seed=3, samples=5, analysis="brief")
    assert rec["reproduce"].startswith("gzsim brief baseline plan --out ")
    assert rec["data_sha256"] == sha256(REPO / "calibration" / "observations.csv")
    assert read_results(brief / "brief.xlsx").attrs == rec
    assert read_figure(brief / "summary.pdf") == rec
    charts = sorted((brief / "charts").iterdir())
    assert len(charts) == 2 * len(model.catalogue.indicators)
    for chart in charts:
        assert read_figure(chart) == rec, chart.name
    md = (brief / "summary.md").read_text(encoding="utf-8")
    hidden = re.search(r"<!-- gzsim-provenance (.*) -->", md)
    assert json.loads(hidden.group(1)) == rec
    assert f"seed {rec['seed']}" in md and rec["reproduce"] in md  # the visible footer


# ---------------------------------------------------------------------------- calibration folder

MICRO_BUDGET = """
[optimiser]
popsize = 2
maxiter = 2
[profile]
points = 2
refine = 0
local_evals = 2
[mcmc]
walkers = 28
steps = 4
burn = 0.5
min_sets = 5
max_sets = 50
"""


def test_calibration_manifest_names_every_file_and_its_id_reaches_results(tmp_path, model):
    from gzsim.calibration.outputs import write_outputs
    from gzsim.calibration.run import calibrate

    from ..calibration.conftest import SETTINGS, relocate

    settings = tmp_path / "settings.toml"
    settings.write_text(relocate(SETTINGS.read_text(encoding="utf-8")) + MICRO_BUDGET, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # R-hat of a 4-step chain is undefined
        out = write_outputs(calibrate(settings, seed=1), tmp_path / "cal")
    manifest = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    files = {p.name for p in out.iterdir()} - {"calibration.json"}
    assert {"fit.csv", "parameters.csv", "posterior.parquet", "report.md", "profiles.png"} <= files
    assert manifest["outputs"] == {name: sha256(out / name) for name in sorted(files)}
    calibrated = gzsim.load_model(calibration=out)
    assert record(calibrated, [], seed=None, samples=0)["calibration"] == sha256(out / "calibration.json")
