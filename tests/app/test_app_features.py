"""The app's features end to end in AppTest: links, resets, time paths, downloads, analyses."""
from __future__ import annotations

import shutil
from pathlib import Path

from streamlit.testing.v1 import AppTest

import gzsim
from gzsim.paths import scenarios_dir

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def _app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _board(at):
    frame = at.dataframe[0].value
    return frame.set_index(frame.columns[0])


def _slider(at, text):
    return next(s for s in at.slider if text in s.label)


def test_bad_query_parameters_are_reported_not_fatal():
    at = _app(st_budget_growt="0.1", rd_post_subsidy="lots", talent_flats="1e9", st_budget_growth="0.2")
    warnings = " ".join(w.value for w in at.warning)
    assert "st_budget_growt=0.1" in warnings and "st_budget_growth" in warnings  # with a suggestion
    assert "rd_post_subsidy=lots: not a number" in warnings
    assert "talent_flats=1e9: out of range" in warnings
    assert _slider(at, "S&T budget growth").value == 0.2  # the good one is applied


def test_a_shared_link_opens_the_same_view():
    at = _app(scenario="plan", lang="zh", st_budget_growth="0.2")
    assert not at.warning
    assert at.selectbox(key="scenario").value == "plan"
    assert at.sidebar.radio[0].value == "zh"
    assert _slider(at, "市级财政科技支出增速").value == 0.2
    at.selectbox(key="scenario").set_value("baseline").run()  # the link's values stay with its scenario
    assert _slider(at, "市级财政科技支出增速").value == 0.096


def test_a_link_value_between_slider_steps_is_kept():
    at = _app(st_budget_growth="0.1234")
    assert not at.warning
    assert _slider(at, "S&T budget growth").value == 0.1234


def test_reset_returns_a_lever_to_the_scenario_value():
    at = _app()
    before = _board(at)["current median"].copy()
    _slider(at, "S&T budget growth").set_value(0.25).run()
    reset = next(b for b in at.button if b.key.endswith("st_budget_growth:reset"))
    reset.click().run()
    assert not at.exception
    assert _slider(at, "S&T budget growth").value == 0.096
    assert _board(at)["current median"].equals(before)


def test_scenario_picker_and_time_paths_replaced_by_a_constant():
    at = _app()
    at.selectbox(key="scenario").set_value("plan").run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Time path in the scenario: series" in captions and "ramp" in captions
    before = _board(at)["current median"].copy()
    at.checkbox(key="plan:talent_flats:const").check().run()
    _slider(at, "Talent flats").set_value(0.0).run()
    assert not at.exception
    assert not _board(at)["current median"].equals(before)
    at.button(key="reset_all").click().run()
    assert not at.exception and not at.warning
    assert not at.checkbox(key="plan:talent_flats:const").value
    assert _board(at)["current median"].equals(before)


def test_the_offered_scenario_file_loads_back_with_the_apps_settings(tmp_path):
    at = _app()
    at.selectbox(key="scenario").set_value("plan").run()
    _slider(at, "S&T budget growth").set_value(0.2).run()
    at.checkbox(key="plan:talent_flats:const").check().run()
    _slider(at, "Talent flats").set_value(50000.0).run()
    assert not at.exception
    labels = {b.proto.id.rsplit("-", 1)[-1]: b.label for b in at.get("download_button")}
    assert {"download_scenario", "download_results", "download_scoreboard", "download_workbook"} <= set(labels)
    text = next(c.value for c in at.code if c.value.lstrip().startswith("# Saved from the gzsim app"))
    folder = tmp_path / "scenarios"
    shutil.copytree(scenarios_dir(), folder)
    (folder / "plan_edited.toml").write_text(text, encoding="utf-8")
    model = gzsim.load_model()
    loaded = gzsim.load_scenario(folder / "plan_edited.toml", catalogue=model.catalogue)
    plan = model.load_scenario(folder / "plan.toml")
    assert loaded.levers["st_budget_growth"] == 0.2 and loaded.levers["talent_flats"] == 50000.0
    assert all(loaded.levers[k] == v for k, v in plan.levers.items() if k not in ("st_budget_growth", "talent_flats"))
    assert at.query_params["scenario"] in ("plan", ["plan"])


def test_the_answer_is_shown_as_metrics():
    at = _app()
    labels = [m.label for m in at.metric]
    assert labels == ["All headline targets met together", "Targets on track (probability ≥ 80 %)"]
    before = at.metric[0].value
    _slider(at, "S&T budget growth").set_value(0.3).run()
    assert float(at.metric[0].value.split()[0]) > float(before.split()[0])


def _charts(at) -> int:
    return len(at.get("arrow_vega_lite_chart")) + len(at.get("vega_lite_chart"))


def _open(at, tab: str, lang: str = "en") -> AppTest:
    at.session_state[f"tab_{lang}"] = tab
    at.run()
    assert not at.exception, at.exception
    return at


def test_charts_of_every_indicator_are_drawn_only_when_their_tab_is_open():
    at = _app()
    assert _charts(at) == 0  # lazy: the scoreboard answers first
    _open(at, "Charts")
    assert _charts(at) == len(gzsim.load_model().catalogue.indicators)


def test_switching_language_keeps_the_open_tab():
    at = _open(_app(), "Model")
    at.sidebar.radio[0].set_value("zh").run()
    assert not at.exception
    assert at.session_state["tab_zh"] == "模型"
    assert any("校准拟合" in h.value for h in at.subheader)


def test_analysis_runs_only_behind_the_button():
    at = _app()
    _slider(at, "S&T budget growth").set_value(0.25).run()
    _open(at, "Analysis")
    tables = len(at.dataframe)
    at.radio(key="analysis_kind").set_value("attribution").run()
    assert len(at.dataframe) == tables  # choosing is not running
    at.button(key="run_analysis").click().run()
    assert not at.exception
    assert len(at.dataframe) == tables + 1
    result = at.dataframe[-1].value  # one row per target, a column per moved lever (by its label)
    assert "Municipal S&T budget growth" in result.columns and len(result) == 9


def test_model_tab_shows_an_equation_and_the_fit():
    at = _open(_app(), "Model")
    at.selectbox(key="model_variable").set_value("ST budget growth rate").run()
    assert any("ST budget growth rate=" in c.value for c in at.code)
    assert any("MAPE" in d.value.columns for d in at.dataframe)  # headers for reading, series by label


def test_downloads_tab_offers_the_workbook_and_the_chosen_chart():
    at = _open(_app(), "Downloads")
    keys = {b.proto.id.rsplit("-", 1)[-1] for b in at.get("download_button")}
    assert {"download_workbook", "download_png", "download_svg"} <= keys
    at.selectbox(key="download_indicator").set_value("rd_intensity").run()
    assert not at.exception
    assert at.selectbox(key="download_indicator").value == "rd_intensity"
    assert {"download_png", "download_svg"} <= {b.proto.id.rsplit("-", 1)[-1] for b in at.get("download_button")}

def test_scenario_comparison_side_by_side_behind_a_button():
    from gzsim.analysis import reach

    at = _open(_app(), "Compare")
    tables = len(at.dataframe)
    at.multiselect(key="compare_scenarios").set_value(["baseline", "plan", "plan_push"]).run()
    assert len(at.dataframe) == tables  # choosing is not running
    at.button(key="run_compare").click().run()
    assert not at.exception
    table = at.dataframe[-1].value
    # one column per scenario (four and more fit at 1440 px), then a dot chart in the run colours
    assert list(table.columns) == ["target", "baseline", "plan", "plan_push"]
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    model = gzsim.load_model()
    expected = reach(model, [model.load_scenario(scenarios_dir() / f"{n}.toml") for n in ("baseline", "plan")],
                     samples=500, seed=1)
    for name in ("baseline", "plan"):
        mine = expected[expected["scenario"] == name]
        assert table[name].tolist() == mine["probability"].tolist()


def test_comparison_follows_the_sidebar_and_speaks_chinese():
    at = _app(lang="zh", st_budget_growth="0.2")
    at.session_state["tab_zh"] = "情景比较"
    at.run()
    at.button(key="run_compare").click().run()
    assert not at.exception, at.exception
    table = at.dataframe[-1].value
    assert list(table.columns) == ["目标", "baseline", "baseline (已修改)"]  # the edited settings are shown too
    assert table["baseline (已修改)"].tolist() == at.dataframe[0].value["实现概率"].tolist()


def test_comparison_default_on_the_baseline_runs_once_per_scenario():
    at = _open(_app(), "Compare")
    assert at.multiselect(key="compare_scenarios").value == ["baseline"]  # not baseline twice
    at.button(key="run_compare").click().run()
    assert not at.exception and not at.error
    assert list(at.dataframe[-1].value.columns) == ["target", "baseline"]
