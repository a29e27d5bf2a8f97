"""Golden tests: fixed numbers -> the exact sentences of the brief, in English and Chinese."""

from __future__ import annotations

import tomllib

import pytest

from gzsim.brief import text as text_module
from gzsim.brief.text import growth_rate, joint_sentence, probability_text, target_paragraph, threshold_text

RD = {"label": "R&D spending 2.6 % of GDP", "unit": "% of GDP", "year": 2025, "threshold": 2.6,
      "direction": "at_least", "base_year": 2020, "reported_base": 1.5}
RD_ZH = {**RD, "label": "全社会R&D经费支出占GDP比重达2.6%"}
BASE = {"scenario": "Baseline", "status": "at_risk", "median": 2.45, "p05": 1.8, "p95": 3.1,
        "probability": 0.42, "n": 200, "base": 1.9}
PLAN = {"scenario": "Plan", "status": "on_track", "median": 3.2, "p05": 2.7, "p95": 4.0,
        "probability": 0.91, "n": 200, "base": 1.9}


def test_golden_en_two_scenarios():
    assert target_paragraph(RD, [BASE, PLAN], "en") == (
        "R&D spending 2.6 % of GDP: the target for 2025 is at least 2.6 % of GDP. "
        "Baseline: at risk — median 2.45 (90 % range 1.80–3.10), target met in 42 % of 200 simulations. "
        "Plan: on track — median 3.20 (90 % range 2.70–4.00), target met in 91 % of 200 simulations. "
        "Reaching 2.6 from 1.9 in 2020 (model; the plan's base is 1.5) takes growth of 6.5 % a year; "
        "the projected median gives growth of 5.2 % a year in Baseline (1.3 points a year short) "
        "and growth of 11.0 % a year in Plan (4.5 points a year to spare).")


def test_golden_zh_two_scenarios():
    base = {**BASE, "scenario": "基准情景"}
    plan = {**PLAN, "scenario": "规划情景"}
    assert target_paragraph(RD_ZH, [base, plan], "zh") == (
        "全社会R&D经费支出占GDP比重达2.6%：2025年目标为不低于2.6%。"
        "基准情景：存在风险，中位数2.45（90%区间1.80–3.10），200次模拟中42%达到目标。"
        "规划情景：进展顺利，中位数3.20（90%区间2.70–4.00），200次模拟中91%达到目标。"
        "由2020年的1.9（模型值；规划基数为1.5）达到2.6，需要年均增长6.5%；"
        "按中位数预测，基准情景年均增长5.2%（每年差1.3个百分点），规划情景年均增长11.0%（每年高出4.5个百分点）。")


FIRMS = {"label": "2,000 certified high-tech enterprises", "unit": "firms", "year": 2025, "threshold": 2000,
         "direction": "at_least", "base_year": 2020, "reported_base": 1107}
OFF = {"scenario": "Stress", "status": "off_track", "median": 1650.4, "p05": 1200, "p95": 2300.2,
       "probability": 0.003, "n": 300, "base": 1107.3}


def test_golden_off_track_with_goal_seeking_en_zh():
    goal_en = {**OFF, "goal_seek": "award per new firm ×2.5 and cultivation pool ×2", "goal_probability": 0.8}
    assert target_paragraph(FIRMS, [goal_en], "en") == (
        "2,000 certified high-tech enterprises: the target for 2025 is at least 2,000 firms. "
        "Stress: off track — median 1,650 (90 % range 1,200–2,300), target met in <1 % of 300 simulations. "
        "Reaching 2,000 from 1,107 in 2020 takes growth of 12.6 % a year; the projected median gives "
        "growth of 8.3 % a year in Stress (4.2 points a year short). "
        "To close the gap in Stress: award per new firm ×2.5 and cultivation pool ×2 (probability 80 %).")
    goal_zh = {**OFF, "scenario": "压力情景", "goal_seek": "新认定高企奖励提高到2.5倍、培育库支持提高到2倍",
               "goal_probability": 0.8}
    firms_zh = {**FIRMS, "label": "高新技术企业数达2000家"}
    assert target_paragraph(firms_zh, [goal_zh], "zh") == (
        "高新技术企业数达2000家：2025年目标为不低于2,000家。"
        "压力情景：偏离目标，中位数1,650（90%区间1,200–2,300），300次模拟中<1%达到目标。"
        "由2020年的1,107达到2,000，需要年均增长12.6%；按中位数预测，压力情景年均增长8.3%（每年差4.2个百分点）。"
        "压力情景要弥补差距：新认定高企奖励提高到2.5倍、培育库支持提高到2倍（达标概率80%）。")


def test_golden_deterministic_and_already_met():
    target = {"label": "Industrial firms' R&D 1.5 % of revenue", "unit": "% of revenue", "year": 2025,
              "threshold": 1.5, "direction": "at_least", "base_year": 2020, "reported_base": 1.6}
    run = {"scenario": "Plan", "status": "on_track", "median": 2.2, "p05": 2.2, "p95": 2.2,
           "probability": 1.0, "n": 0, "base": 1.62}
    assert target_paragraph(target, [run], "en") == (
        "Industrial firms' R&D 1.5 % of revenue: the target for 2025 is at least 1.5 % of revenue. "
        "Plan: on track — the model run gives 2.20. "
        "The 2020 value of 1.62 already meets the target; the projected median gives growth of 6.3 % a year in Plan.")
    assert target_paragraph({**target, "label": "规上工业企业R&D经费与营业收入之比达1.5%"},
                            [{**run, "scenario": "规划情景"}], "zh") == (
        "规上工业企业R&D经费与营业收入之比达1.5%：2025年目标为不低于1.5%。"
        "规划情景：进展顺利，模型结果为2.20。"
        "2020年的1.62已达到目标；按中位数预测，规划情景年均增长6.3%。")


def test_golden_at_most_and_money_units():
    # English readers count yuan in billions: 60 亿元 is 6 bn yuan, in every number of the paragraph.
    target = {"label": "Technology contracts 6 bn yuan a year", "unit": "亿元/year", "year": 2025, "threshold": 60,
              "direction": "at_most", "base_year": 2020}
    sc = {"scenario": "Plan", "status": "at_risk", "median": 60.0, "p05": 40.0, "p95": 90.0,
          "probability": 0.5, "n": 50, "base": 120.0}
    assert target_paragraph(target, [sc], "en") == (
        "Technology contracts 6 bn yuan a year: the target for 2025 is at most 6 bn yuan a year. "
        "Plan: at risk — median 6.00 (90 % range 4.00–9.00), target met in 50 % of 50 simulations. "
        "Reaching 6 from 12 in 2020 takes a decline of 12.9 % a year; the projected median gives "
        "a decline of 12.9 % a year in Plan (on pace).")
    zh = {**target, "label": "技术合同成交额60亿元"}
    assert "不高于60亿元" in target_paragraph(zh, [sc], "zh") or "60亿元" in target_paragraph(zh, [sc], "zh")


def test_golden_growth_target():
    target = {"label": "Technology contracts growing 20 % a year or more", "unit": "亿元/year", "year": 2025,
              "threshold": 0.2, "direction": "at_least", "base_year": 2020, "measure": "cagr"}
    sc = {"scenario": "Plan", "status": "on_track", "median": 0.546, "p05": 0.201, "p95": 0.803,
          "probability": 0.95, "n": 200, "base": 13.3}
    assert target_paragraph(target, [sc], "en") == (
        "Technology contracts growing 20 % a year or more: the target is growth of at least 20 % a year over "
        "2021–2025. Plan: on track — median 54.6 % (90 % range 20.1 %–80.3 %), target met in 95 % of 200 "
        "simulations.")
    zh = {**target, "label": "技术交易额年均增长20%以上"}
    assert target_paragraph(zh, [{**sc, "scenario": "规划情景"}], "zh") == (
        "技术交易额年均增长20%以上：2021–2025年目标为年均增长不低于20%。"
        "规划情景：进展顺利，中位数54.6%（90%区间20.1%–80.3%），200次模拟中95%达到目标。")


def test_threshold_texts():
    level = {"direction": "at_least", "threshold": 2000, "unit": "firms"}
    assert threshold_text(level, "en") == "≥ 2,000 firms"
    assert threshold_text(level, "zh") == "≥2,000家"
    growth = {"direction": "at_least", "threshold": 0.2, "unit": "亿元/year", "measure": "cagr"}
    assert threshold_text(growth, "en") == "≥ 20 % a year"
    assert threshold_text(growth, "zh") == "年均≥20%"
    total = {"direction": "at_most", "threshold": 300, "unit": "亿元/year", "measure": "cumulative"}
    assert threshold_text(total, "en") == "≤ 30 bn yuan in total"
    assert threshold_text(total, "zh") == "累计≤300亿元"


def test_golden_joint():
    items = [{"scenario": "Baseline", "probability": 0.0}, {"scenario": "Plan", "probability": 0.12},
             {"scenario": "Push", "probability": 0.999}]
    assert joint_sentence(items, "en") == ("All headline targets met together: 0 % of simulations in Baseline, "
                                           "12 % of simulations in Plan and >99 % of simulations in Push.")
    zh = [{**i, "scenario": s} for i, s in zip(items, ["基准情景", "规划情景", "加力情景"])]
    assert joint_sentence(zh, "zh") == "全部核心目标同时实现的概率：基准情景0%，规划情景12%，加力情景>99%。"
    assert joint_sentence([], "en") == ""


def test_no_gap_sentence_without_base():
    target = {**RD, "base_year": None}
    assert "Reaching" not in target_paragraph(target, [BASE], "en")
    assert "Reaching" not in target_paragraph(RD, [{**BASE, "base": None}], "en")


@pytest.mark.parametrize("p, en, zh", [(0.0, "0 %", "0%"), (0.004, "<1 %", "<1%"), (0.425, "42 %", "42%"),
                                       (0.996, ">99 %", ">99%"), (1.0, "100 %", "100%")])
def test_probability_text(p, en, zh):
    assert probability_text(p, "en") == en
    assert probability_text(p, "zh") == zh


def test_growth_rate():
    assert growth_rate(100, 121, 2) == pytest.approx(0.1)
    assert growth_rate(0, 1, 5) is None and growth_rate(1, 2, 0) is None and growth_rate(None, 2, 3) is None


def test_templates_have_both_languages():
    data = tomllib.loads(text_module._FILE.read_text(encoding="utf-8"))
    assert set(data["en"]) == set(data["zh"])
