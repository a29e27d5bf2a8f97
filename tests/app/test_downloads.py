"""The bytes behind the Downloads tab (gzsim.ui.compute): an Excel workbook and each chart as PNG / SVG."""
from __future__ import annotations

import io

import pandas as pd
import pytest

import gzsim
from gzsim.analysis import reach
from gzsim.charts import load_history
from gzsim.paths import scenarios_dir
from gzsim.ui.compute import chart_png, simulation, workbook_bytes


@pytest.fixture(scope="module")
def sim(model):
    return simulation(model, str(scenarios_dir() / "plan.toml"), (("st_budget_growth", 0.2),), "plan (edited)",
                      samples=50, seed=1)


def test_workbook_opens_with_pandas(model, sim):
    board = reach(model, [model.load_scenario(scenarios_dir() / "plan.toml")], samples=50, seed=1)
    data = workbook_bytes([sim], model.catalogue, "en", board, {"scenario": "plan", "overrides": {"a": 1.0}})
    assert data[:2] == b"PK"  # a zip container
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None)
    assert list(sheets) == ["results", "scoreboard", "provenance"]
    results = sheets["results"]
    assert set(results["indicator"]) == {i.id for i in model.catalogue.indicators}
    assert (results["p05"] <= results["median"]).all() and (results["median"] <= results["p95"]).all()
    assert len(sheets["scoreboard"]) == len(board)
    assert list(sheets["provenance"]["key"]) == ["scenario", "overrides"]


@pytest.mark.parametrize("fmt, check", [("png", lambda b: b.startswith(b"\x89PNG\r\n\x1a\n")),
                                        ("svg", lambda b: b"<svg" in b)])
def test_chart_files(model, sim, fmt, check):
    targets = model.load_scenario(scenarios_dir() / "plan.toml").targets
    data = chart_png(model, "rd_intensity", [sim], targets, load_history(), "en", format=fmt)
    assert check(data)


def _plan_record(model):
    from gzsim.ui.compute import app_record

    plan = str(scenarios_dir() / "plan.toml")
    return app_record(model, plan, (("st_budget_growth", 0.2),), str(scenarios_dir() / "baseline.toml"))


def test_app_record_names_what_reproduces_the_numbers(model):
    from gzsim.scenario import with_levers
    from gzsim.ui.compute import SAMPLES, SEED

    record = _plan_record(model)
    plan = model.load_scenario(scenarios_dir() / "plan.toml")
    edited = with_levers(plan, {"st_budget_growth": 0.2}, catalogue=model.catalogue, name="plan (edited)")
    assert record["gzsim_version"] == gzsim.__version__
    assert record["model_sha256"] == model.model_sha256 and record["calibration"] == model.calibration_id
    assert record["scenarios"] == {"plan (edited)": edited.hash,
                                   "baseline": model.load_scenario(scenarios_dir() / "baseline.toml").hash}
    assert (record["seed"], record["samples"], record["overrides"]) == (SEED, SAMPLES, {"st_budget_growth": 0.2})


def test_workbook_and_charts_carry_the_record(model, sim, tmp_path):
    import json

    from gzsim.provenance import read_figure

    record = _plan_record(model)
    board = reach(model, [model.load_scenario(scenarios_dir() / "plan.toml")], samples=50, seed=1)
    sheet = pd.read_excel(io.BytesIO(workbook_bytes([sim], model.catalogue, "en", board, record)),
                          sheet_name="provenance")
    assert {k: json.loads(v) for k, v in zip(sheet["key"], sheet["value"])} == record
    targets = model.load_scenario(scenarios_dir() / "plan.toml").targets
    for fmt in ("png", "svg"):
        path = tmp_path / f"chart.{fmt}"
        path.write_bytes(chart_png(model, "rd_intensity", [sim], targets, load_history(), "en", format=fmt,
                                   provenance=record))
        assert read_figure(path) == record


def test_chinese_workbook_has_chinese_headers_and_keeps_its_numbers(model, sim):
    board = reach(model, [model.load_scenario(scenarios_dir() / "plan.toml")], samples=50, seed=1)
    record = {"scenario": "plan"}
    en = pd.read_excel(io.BytesIO(workbook_bytes([sim], model.catalogue, "en", board, record)), sheet_name=None)
    zh = pd.read_excel(io.BytesIO(workbook_bytes([sim], model.catalogue, "zh", board, record)), sheet_name=None)
    assert "实现概率" in zh["scoreboard"].columns and "probability" in en["scoreboard"].columns
    assert "中位数" in zh["results"].columns and "median" in en["results"].columns
    assert list(zh["provenance"].columns) == ["key", "value"]  # read back by gzsim
    assert zh["scoreboard"]["实现概率"].tolist() == en["scoreboard"]["probability"].tolist()
