"""The minimal Streamlit app, driven headless by streamlit's AppTest."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import gzsim

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"


@pytest.fixture()
def app():
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception, at.exception
    return at


def _scoreboard(at):
    return at.dataframe[0].value.set_index("target")


def test_app_starts_with_a_scoreboard_of_every_target(app):
    board = _scoreboard(app)
    targets = gzsim.load_targets(ROOT / "scenarios" / "targets" / "plan_2025.toml")
    assert len(board) == len(targets)
    assert board["scenario"].notna().all()


def test_moving_a_lever_changes_the_scoreboard(app):
    before = _scoreboard(app)["scenario"].copy()
    budget = next(s for s in app.slider if "S&T budget growth" in s.label)
    budget.set_value(0.25).run()
    assert not app.exception
    after = _scoreboard(app)["scenario"]
    assert after.loc["R&D spending 2.6 % of GDP"] > before.loc["R&D spending 2.6 % of GDP"]


def test_switching_language_changes_labels(app):
    app.sidebar.radio[0].set_value("zh").run()
    assert not app.exception
    assert any("全社会R&D经费支出" in label for label in _scoreboard(app).index)
