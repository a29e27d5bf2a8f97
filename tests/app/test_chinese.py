"""Chinese mode is Chinese: chart source lines, the calibration table, units (issue 13)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gzsim.charts import load_history
from gzsim.charts.forecast import source_line
from gzsim.charts.numbers import format_probability

from .trust import melded_rows, trust_lines

ROOT = Path(__file__).resolve().parents[2]


def test_chart_source_lines_in_chinese_have_no_english_words():
    history = load_history()
    for indicator in sorted(set(history["indicator"])):
        line = source_line(history, indicator, "zh")
        for english in ("press conference", "press release", "ch.", "work report", "work summary", " and "):
            assert english not in line, (indicator, line)
    assert "第1章第1节" in source_line(history, "rd_intensity", "zh")


@pytest.fixture(scope="module")
def app_zh():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = "zh"
    at.run()
    assert not at.exception, at.exception
    return at


def test_melded_lines_in_chinese(app_zh, model):
    lines = trust_lines(app_zh, "这些数字的可信程度")
    for label, row in melded_rows(model):
        head = f"{label('zh')}：以参照类为先验（外部视角）"
        line = next(line for line in lines if line.startswith(head))
        if row.meld_note:
            assert line == f"{head}的结果{row.meld_note_zh}"
        else:
            # Chinese text sets no space before the per-cent sign
            zh = [format_probability(p).replace(" %", "%") for p in (row.probability_melded, row.probability)]
            assert line.startswith(f"{head}，实现概率为{zh[0]}（内部视角{zh[1]}），中位数为")
        assert not re.search("[A-Za-z]", line.removeprefix(label("zh"))), line


def test_model_tab_calibration_table_in_chinese(app_zh):
    at = app_zh
    at.session_state["tab_zh"] = "模型"
    at.run()
    assert not at.exception, at.exception
    fit = at.dataframe[-1].value
    assert list(fit.columns)[:3] == ["序列", "观测数", "平均绝对百分比误差"]
    assert "全社会研发经费投入强度" in set(fit["序列"])
    assert not fit["序列"].str.fullmatch(r"[a-z0-9_]+").any()
