"""The stock-and-flow diagram (gzsim.ui.stock_flow): DOT text from the .mdl text, never evaluated."""
from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from gzsim.paths import repo_root
from gzsim.ui.stock_flow import direct_inputs, stock_flow_dot, stocks_and_flows

ROOT = Path(__file__).resolve().parents[2]
MDL = (repo_root() / "model" / "ganzhou_sti.mdl").read_text(encoding="utf-8", errors="replace")


def _labels(dot: str) -> list[str]:
    return [m.replace('\\"', '"') for m in re.findall(r'label="((?:[^"\\]|\\.)*)"', dot)]


def test_every_stock_is_drawn():
    stocks = stocks_and_flows(MDL)
    assert len(stocks) == MDL.count("INTEG(")
    dot = stock_flow_dot(MDL)
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    for stock in stocks:
        assert stock in _labels(dot)


def test_inflows_point_at_the_stock_and_outflows_away():
    flows = stocks_and_flows(MDL)
    assert flows["knowledge stock"] == [("+", "knowledge creation"), ("-", "knowledge obsolescence")]
    dot = stock_flow_dot(MDL)
    ids = {label: node for node, label in re.findall(r'^\s*(n\d+) \[label="([^"]*)"', dot, re.MULTILINE)}
    assert f'{ids["knowledge creation"]} -> {ids["knowledge stock"]}' in dot
    assert f'{ids["knowledge stock"]} -> {ids["knowledge obsolescence"]}' in dot


def test_a_chosen_variables_inputs_are_added():
    assert direct_inputs(MDL, "knowledge creation")
    dot = stock_flow_dot(MDL, variable="knowledge creation")
    assert dot.count("style=dashed") == len(direct_inputs(MDL, "knowledge creation"))


def test_labels_are_escaped_and_nothing_runs():
    text = ('{UTF-8}\nevil " stock"]; x -> y; //=\n\tINTEG(in "flow\\ - __import__("os").system("x"), 1)\n'
            '\t~\tu\n\t~\tc\n\t|\n')
    dot = stock_flow_dot(text)
    assert "->" in dot
    for line in dot.splitlines():  # every label is a closed, escaped string
        for label in re.findall(r'label="((?:[^"\\]|\\.)*)"', line):
            assert re.fullmatch(r'(?:[^"\\]|\\.)*', label)
    assert 'evil \\" stock\\"]; x -> y; //' in dot


def test_model_tab_draws_the_diagram():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.session_state["tab_en"] = "Model"
    at.run()
    at.selectbox(key="model_variable").set_value("knowledge creation").run()
    assert not at.exception, at.exception
    charts = at.get("graphviz_chart")
    assert len(charts) == 1 and "knowledge stock" in charts[0].proto.spec
