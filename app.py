"""gzsim in the browser: pick a scenario, move the levers, read the indicators against the targets.

Thin on purpose: everything it shows comes from the gzsim package; the app's own helpers
(URL parsing, scenario files, strings, the sidebar and each tab's drawing) are plain functions
in :mod:`gzsim.ui`. Run with ``streamlit run app.py``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import gzsim
from gzsim.charts import load_history
from gzsim.errors import GzsimError
from gzsim.paths import repo_root, scenarios_dir
from gzsim.provenance import dumps
from gzsim.ui import parse_query, query_from_overrides, ui_text
from gzsim.ui.compute import (
    SAMPLES,
    SEED,
    Overrides,
    Source,
    batch_of,
    chart_png,
    content_key,
    edited_scenario,
    record_of,
    scoreboard_of,
    simulation_of,
    workbook_bytes,
)
from gzsim.ui.setting import Setting
from gzsim.ui.sidebar_levers import render_levers
from gzsim.ui.sidebar_scenario import render_scenario_picker
from gzsim.ui.tab_analysis import render_analysis
from gzsim.ui.tab_charts import render_charts
from gzsim.ui.tab_compare import render_compare
from gzsim.ui.tab_downloads import render_downloads
from gzsim.ui.tab_model import render_model
from gzsim.ui.tab_scoreboard import render_scoreboard

BASELINE = "baseline"

st.set_page_config(page_title="gzsim — Ganzhou S&T plan", layout="wide")


# ------------------------------------------------------------------ cached computation
@st.cache_resource
def _model() -> gzsim.Model:
    # Shared between sessions: the model object is never changed by a run.
    return gzsim.load_model()


@st.cache_data(show_spinner=False)
def _history() -> pd.DataFrame:
    return load_history()


def _scenario(scenario_file: Source, overrides: Overrides):
    # Read again on every rerun (a few small files): what the page shows is what the file says now.
    return edited_scenario(_model(), scenario_file, overrides)


# Every cache below is keyed by content: `key` is content_key(scenario), which holds the scenario
# hash the page shows, never a file's path (a file edited while the app runs must not bring back
# the old numbers). The resolved scenarios are passed as `_`-arguments, which Streamlit does not hash.
Runs = tuple[tuple[str, str], ...]  # (content key, legend name) of each scenario of a chart


@st.cache_data(show_spinner=False, max_entries=64)
def _batch(key: str, _scenario):
    # The Monte-Carlo batch of a setting, run once: the scoreboard and the charts both read it.
    return batch_of(_model(), _scenario, samples=SAMPLES, seed=SEED)


@st.cache_data(show_spinner=False, max_entries=64)
def _reach(key: str, _scenario) -> pd.DataFrame:
    return scoreboard_of(_model(), _scenario, _batch(key, _scenario), seed=SEED)


def _simulation(key: str, name: str, _scenario):
    return simulation_of(_model(), _scenario, name, batch=_batch(key, _scenario))


def _inputs_key(sc) -> str:
    # What lever_ceiling depends on: the scenario without its policy levers (it sets those to bounds).
    cat = _model().catalogue
    inputs = sorted((k, repr(v)) for k, v in sc.levers.items() if cat.lever(k).kind != "policy")
    return repr((inputs, sorted((k, repr(v)) for k, v in sc.uncertainty.items()),
                 str(getattr(sc.targets, "path", ""))))


@st.cache_data(show_spinner=False, max_entries=32)
def _ceiling(key: str, _scenario) -> pd.DataFrame:
    # Keyed by the scenario inputs only: moving a policy lever does not redo it.
    from gzsim.analysis.ceiling import lever_ceiling

    return lever_ceiling(_model(), _scenario, samples=200, seed=SEED)


@st.cache_data(show_spinner=False, max_entries=64)
def _run_records(key: str, name: str, _scenario) -> dict:
    from gzsim.ui.interactive import run_records

    return run_records(_simulation(key, name, _scenario))


@st.cache_data(show_spinner=False)
def _history_parts(lang: str) -> tuple[dict, dict]:
    # Per indicator: the observations as chart rows and the chart's source line (same every move).
    from gzsim.charts.forecast import source_line
    from gzsim.ui.interactive import history_records

    history = _history()
    return (history_records(history, lang),
            {i.id: source_line(history, i.id, lang) for i in _model().catalogue.indicators})


@st.cache_data(show_spinner=False, max_entries=64)
def _chart_file(indicator_id: str, runs: Runs, lang: str, fmt: str, overrides: Overrides, _scenarios) -> bytes:
    simulations = [_simulation(key, name, sc) for (key, name), (sc, _) in zip(runs, _scenarios)]
    targets = _scenarios[-1][0].targets
    record = record_of(_model(), _scenarios[-1][0], _scenarios[0][0], overrides)
    return chart_png(_model(), indicator_id, simulations, targets, _history(), lang, format=fmt, provenance=record)


@st.cache_data(show_spinner=False, max_entries=32)
def _workbook(key: str, name: str, base_key: str, overrides: Overrides, stem: str, lang: str, _scenario,
              _baseline) -> bytes:
    board = pd.concat([_reach(key, _scenario), _reach(base_key, _baseline)])
    provenance = record_of(_model(), _scenario, _baseline, overrides)
    return workbook_bytes([_simulation(key, name, _scenario)], _model().catalogue, lang, board, provenance)


@st.cache_data(show_spinner=False, max_entries=64)
def _record_json(key: str, base_key: str, overrides: Overrides, _scenario, _baseline) -> str:
    return dumps(record_of(_model(), _scenario, _baseline, overrides), indent=2) + "\n"


@st.cache_data(show_spinner=False, max_entries=32)
def _compare(keys: tuple[str, ...], _scenarios) -> pd.DataFrame:
    from gzsim.analysis import reach

    return reach(_model(), list(_scenarios), samples=SAMPLES, seed=SEED)


@st.cache_data(show_spinner=False)
def _mdl_text() -> str:
    path = repo_root() / "model" / "ganzhou_sti.mdl"
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


# ------------------------------------------------------------------ settings
try:
    model = _model()
except GzsimError as error:  # e.g. a stale calibration: say what to run, without a traceback
    st.error(ui_text("model_failed", st.session_state.get("lang", "en")))
    st.code(str(error), language=None, wrap_lines=True)
    st.stop()
catalogue = model.catalogue
files = {p.stem: p for p in sorted(scenarios_dir().glob("*.toml"))}

# A shared link (?scenario=plan&lang=zh&st_budget_growth=0.12) sets the first view only.
if "query_read" not in st.session_state:
    settings, problems = parse_query(dict(st.query_params), catalogue, scenarios=files)
    st.session_state["query_read"] = True
    st.session_state["query_problems"] = [(bool(p.key), str(p)) for p in problems]
    st.session_state["query_levers"] = settings["levers"]
    st.session_state["query_scenario"] = settings["scenario"] or BASELINE
    if settings["lang"]:
        st.session_state["lang"] = settings["lang"]
    if settings["scenario"]:
        st.session_state["scenario"] = settings["scenario"]

if "lang" not in st.session_state:
    st.session_state["lang"] = "en"
TABS = ["scoreboard", "charts", "compare", "analysis", "model_tab", "downloads"]


def _keep_tab() -> None:
    # The tabs are keyed per language (their labels change); keep the open one across a switch.
    new = st.session_state["lang"]
    old = "zh" if new == "en" else "en"
    shown = st.session_state.get(f"tab_{old}")
    for name in TABS:
        if ui_text(name, old) == shown:
            st.session_state[f"tab_{new}"] = ui_text(name, new)


lang = st.sidebar.radio(ui_text("language", "en"), ["en", "zh"], horizontal=True, key="lang",
                        format_func=lambda code: {"en": "English", "zh": "中文"}[code], on_change=_keep_tab)


def T(key: str, **fields) -> str:
    return ui_text(key, lang, **fields)


for one_parameter, problem in st.session_state.get("query_problems", []):
    st.warning(T("bad_query" if one_parameter else "bad_link", problem=problem))

# `source` is what the computations read; `stem` names files and the scenario in the texts.
choice, upload, source, stem, scenario = render_scenario_picker(T, lang, files, BASELINE, _model, _scenario)
# The link's lever values belong to the link's scenario only.
query_levers = st.session_state.get("query_levers", {}) if st.session_state.get("query_scenario") == choice else {}
overrides = render_levers(T, lang, catalogue, scenario, choice, query_levers)

key_overrides: Overrides = tuple(sorted(overrides.items()))
# The address bar always holds the current settings: copy it to share them (not an upload's:
# the server keeps no files, so a link cannot name one).
st.query_params.from_dict(query_from_overrides(None if upload else stem, overrides, lang))

# ------------------------------------------------------------------ results
baseline_file: Source = str(files[BASELINE]) if BASELINE in files else source
current_scenario, base_scenario = _scenario(source, key_overrides), _scenario(baseline_file, ())
current_key, base_key = content_key(current_scenario), content_key(base_scenario)
current = _reach(current_key, current_scenario)
base = _reach(base_key, base_scenario)
shown_name = scenario.name if upload else stem
current_name = f"{shown_name} ({T('edited')})" if overrides else shown_name
# The scenario and, unless it is the baseline itself, the baseline: what the charts draw.
chart_scenarios = (((base_scenario, T("baseline")),) if current_key != base_key else ()) \
    + ((current_scenario, current_name),)
setting = Setting(lang=lang, stem=stem, upload=upload, scenario=scenario, overrides=overrides,
                  key_overrides=key_overrides, current_scenario=current_scenario, base_scenario=base_scenario,
                  current_key=current_key, base_key=base_key, current=current, base=base,
                  current_name=current_name, chart_scenarios=chart_scenarios)

st.title(T("title"))
st.caption(T("changes", n=len(overrides)) if overrides else T("no_changes"))

# Lazy tabs: only the open one runs (charts take a second or two to draw; analyses longer).
tab_board, tab_charts, tab_compare, tab_analysis, tab_model, tab_downloads = st.tabs(
    [T(name) for name in TABS], key=f"tab_{lang}", on_change="rerun")

render_scoreboard(tab_board, T, setting, model, ceiling=_ceiling(_inputs_key(current_scenario), current_scenario))
render_charts(tab_charts, T, setting, catalogue, run_records=_run_records, history_parts=_history_parts)
render_downloads(tab_downloads, T, setting, catalogue, simulation=_simulation, record_json=_record_json,
                 workbook=_workbook, chart_file=_chart_file)
render_compare(tab_compare, T, setting, model, files, BASELINE, compare=_compare)
render_analysis(tab_analysis, T, setting, model)
render_model(tab_model, T, lang, catalogue, mdl_text=_mdl_text)
