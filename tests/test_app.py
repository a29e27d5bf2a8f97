"""The Streamlit app, driven headless by streamlit's AppTest (more in tests/app/)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import gzsim
from gzsim.analysis import reach

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"


@pytest.fixture()
def app():
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception, at.exception
    return at


def _scoreboard(at):
    return at.dataframe[0].value.set_index(at.dataframe[0].value.columns[0])


def test_app_starts_with_a_scoreboard_of_every_target(app):
    board = _scoreboard(app)
    targets = gzsim.load_targets(ROOT / "scenarios" / "targets" / "plan_2025.toml")
    assert len(board) == len(targets) + 1  # plus the joint headline row
    assert board["probability"].between(0, 1).all()
    assert not app.warning  # a clean start: nothing to report


def test_the_scoreboard_matches_the_library_and_the_cli(app):
    model = gzsim.load_model()
    expected = reach(model, [model.load_scenario(ROOT / "scenarios" / "baseline.toml")], samples=500, seed=1)
    np.testing.assert_allclose(_scoreboard(app)["probability"].to_numpy(), expected["probability"].to_numpy())


def test_moving_a_lever_changes_the_scoreboard(app):
    before = _scoreboard(app)["current median"].copy()
    budget = next(s for s in app.slider if "S&T budget growth" in s.label)
    budget.set_value(0.25).run()
    assert not app.exception
    after = _scoreboard(app)["current median"]
    rd = "★ R&D spending 2.6 % of GDP"  # ★: a headline target
    assert float(after.loc[rd].replace(",", "")) > float(before.loc[rd].replace(",", ""))
    assert _scoreboard(app).loc[rd, "baseline median"] == before.loc[rd]  # the baseline stays
    assert app.query_params["st_budget_growth"] in ("0.25", ["0.25"])  # the link holds the setting


def test_switching_language_changes_labels(app):
    app.sidebar.radio[0].set_value("zh").run()
    assert not app.exception
    board = _scoreboard(app)
    assert any("全社会R&D经费支出" in label for label in board.index)
    assert "实现概率" in board.columns
    assert any("市级财政科技支出增速" in s.label for s in app.slider)
    assert app.sidebar.header[0].value == "政策杠杆"
