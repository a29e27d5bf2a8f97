"""Hindcasts end to end on reduced budgets: truncation, held-out rows, scores, files, the command."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gzsim.backtest.discrepancy import Discrepancy, fit_sigma
from gzsim.backtest.evaluate import evaluate
from gzsim.backtest.report import COLUMNS, MODEL_ON_NAIVE_ROWS, summary_table
from gzsim.backtest.run import Hindcast, history_rows, hindcast, truncate
from gzsim.calibration.settings import load_settings
from gzsim.cli import main
from gzsim.errors import UsageError

from ..calibration.conftest import JIANGXI, SETTINGS, TINY, relocate

#: Small budgets: seconds per refit (the full hindcasts are a command, see the README).
BUDGET = {"popsize": 4, "maxiter": 12, "walkers": 64, "steps": 40, "burn": 0.5, "min_sets": 50,
          "max_sets": 200}


@pytest.fixture(scope="module")
def jiangxi():
    return load_settings(JIANGXI)


@pytest.fixture(scope="module")
def jiangxi_outcome(jiangxi):
    return evaluate(jiangxi, [2019, 2016], seed=3, budget=BUDGET)


def test_truncate_keeps_only_what_was_known_at_the_cutoff(jiangxi):
    cut = truncate(jiangxi, 2016)
    assert {s.period for s in cut.observations} <= {"2015", "2016"}
    assert len(cut.observations) < len(jiangxi.observations)
    with pytest.raises(UsageError, match="--until 2010: no observation"):
        truncate(jiangxi, 2010)


def test_history_is_the_regions_rows_up_to_the_cutoff(jiangxi):
    rows = history_rows(jiangxi, 2016)
    assert rows["time"].max() <= 2016
    assert set(rows["series"]) >= {"rd_intensity", "high_tech_firms", "tech_contract_turnover"}
    assert not rows.duplicated(["series", "time"]).any()


def test_held_out_rows_come_after_the_cutoff_and_are_scored(jiangxi_outcome):
    table = jiangxi_outcome.table
    assert list(table.columns) == COLUMNS
    assert (table["horizon"] > 0).all()
    assert set(table["cutoff"]) == {2016, 2019}
    # the share is anchored on the 2020 row through a fixed input ([[lookahead]]): never scored
    assert "high_tech_va_share" not in set(table["series"])
    assert {"rd_intensity", "high_tech_firms", "tech_contract_turnover"} <= set(table["series"])
    assert {"model", "model_without_discrepancy", "no_change", "linear_trend", "compound_trend",
            "damped_trend"} <= set(table["method"])
    quantiles = table[["p05", "p25", "median", "p75", "p95"]].to_numpy()
    assert (np.diff(quantiles, axis=1) >= -1e-12).all()
    # inside_90 agrees with the band, and a value inside a band scores exactly its width
    inside = (table["value"] >= table["p05"]) & (table["value"] <= table["p95"])
    assert (inside == table["inside_90"]).all()
    width = np.log(table["p95"]) - np.log(table["p05"])
    np.testing.assert_allclose(table.loc[inside, "interval_score_90"], width[inside])
    assert (table.loc[~inside, "interval_score_90"] > width[~inside]).all()


def test_the_discrepancy_grows_with_the_years_since_the_series_was_last_seen(jiangxi_outcome):
    """From 2019 the 2020 firm count is a 5-year forecast: Jiangxi's last count is of 2015."""
    held = {h.cutoff: h.held.set_index("series") for h in jiangxi_outcome.hindcasts}
    assert held[2019].loc["high_tech_firms", "horizon"] == 1
    assert held[2019].loc["high_tech_firms", "since_data"] == 5
    assert held[2019].loc["rd_intensity", "since_data"] == 1        # a 2019 row is known


def test_summary_compares_model_and_naive_forecasts_on_the_same_rows(jiangxi_outcome):
    summary = summary_table(jiangxi_outcome.table).set_index("method")
    naive_n = summary.loc["no_change", "forecasts"]
    assert summary.loc[MODEL_ON_NAIVE_ROWS, "forecasts"] == naive_n
    assert summary.loc["model", "forecasts"] >= naive_n
    assert 0 <= summary.loc["model", "coverage_90"] <= 1


def test_same_seed_same_backtest(jiangxi, jiangxi_outcome):
    again = evaluate(jiangxi, [2016, 2019], seed=3, budget=BUDGET)
    pd.testing.assert_frame_equal(again.table, jiangxi_outcome.table)


def test_report_says_how_sigma_was_set_and_files_are_written(jiangxi_outcome, tmp_path):
    out = jiangxi_outcome.write(tmp_path / "bt")
    table = pd.read_csv(out / "backtest.csv")
    assert len(table) == len(jiangxi_outcome.table)
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "leave-one-cutoff-out" in report and "90 % bands hold" in report
    assert "## What the hindcasts could not know" in report and "not scored: high_tech_va_share 2019" in report
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_discrepancy_sigma_grows_with_the_misses():
    """fit_sigma widens the bands exactly as far as the misses pay for (interval score)."""
    rng = np.random.default_rng(0)
    held = pd.DataFrame({"observation": ["a", "b", "c", "d"], "series": list("abcd"),
                         "unit": ["firms"] * 4, "time": [2020.0] * 4, "value": [1.0] * 4,
                         "horizon": [4.0] * 4})
    tight = np.exp(0.01 * rng.standard_normal((500, 4)))
    exact = Hindcast(2016, tight, held, pd.DataFrame(), 0.0)
    missed = Hindcast(2016, tight * np.exp([0.4, -0.5, 0.3, -0.35]), held, pd.DataFrame(), 0.0)
    assert fit_sigma([exact])[0] == 0.0
    assert fit_sigma([missed])[0] > 0.1
    # the term widens the bands with the horizon
    f = missed.model_forecasts(Discrepancy(0.2))
    g = missed.model_forecasts(None)
    assert ((f["p95"] - f["p05"]) > (g["p95"] - g["p05"])).all()


def test_backtest_command_writes_the_table(tmp_path, capsys):
    settings = tmp_path / "settings.toml"
    settings.write_text(relocate(SETTINGS.read_text(encoding="utf-8")) + TINY, encoding="utf-8")
    code = main(["backtest", "--settings", str(settings), "--until", "2019", "--out",
                 str(tmp_path / "bt"), "--steps", "30", "--seed", "2"])
    assert code == 0
    table = pd.read_csv(tmp_path / "bt" / "backtest.csv")
    assert set(table["cutoff"]) == {2019}
    assert {"rd_intensity 2020 (level)", "high_tech_firms 2020 (level)"} <= set(table["observation"])
    assert "patent_grants 2020 (level)" not in set(table["observation"])
    assert "model" in capsys.readouterr().out


def test_backtest_command_refuses_a_cutoff_with_nothing_to_forecast(tmp_path, capsys):
    code = main(["backtest", "--settings", str(JIANGXI), "--until", "2020", "--out",
                 str(tmp_path / "bt"), "--steps", "30"])
    assert code == 2
    assert "--until 2020" in capsys.readouterr().err
    assert not (tmp_path / "bt").exists()
