"""gzsim in the browser: pick a scenario, move the levers, read the indicators against the targets.

Thin on purpose: everything it shows comes from the gzsim package; the app's own helpers
(URL parsing, scenario files, strings) are plain functions in :mod:`gzsim.ui`.
Run with ``streamlit run app.py``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import gzsim
from gzsim.charts import load_history
from gzsim.errors import GzsimError, UsageError
from gzsim.paths import repo_root, scenarios_dir
from gzsim.provenance import dumps
from gzsim.ui import parse_query, query_from_overrides, scenario_toml, ui_text
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
from gzsim.ui.levers import slider_format, slider_unit, value_text
from gzsim.ui.model_text import equation_block, variable_names
from gzsim.charts.numbers import format_probability
from gzsim.ui.scoreboard import SHOWN, probability_text, reliability_notes, scoreboard
from gzsim.ui.upload import MAX_UPLOAD_BYTES, UploadedScenario, check_upload
from gzsim.ui.uploader_text import uploader_css

BASELINE = "baseline"
UPLOAD = "uploaded_scenario"  # session key of the accepted upload (an UploadedScenario)
UPLOAD_MB = 1  # Streamlit's own limit, in its unit (MB, 1 the least): gzsim.ui.upload allows 64 KiB
STATUS_LIGHT = {"on track": "background-color: #c8e6c9; color: #1b5e20",
                "at risk": "background-color: #ffe0b2; color: #8a4b00",
                "off track": "background-color: #ffcdd2; color: #b71c1c",
                "unreachable": "background-color: #e0e0e0; color: #212121"}

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


def _runs(scenarios) -> Runs:
    return tuple((content_key(sc), name) for sc, name in scenarios)


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

if "scenario" not in st.session_state:
    st.session_state["scenario"] = BASELINE if BASELINE in files else next(iter(files))


def _upload_choice(upload: UploadedScenario) -> str:
    # The selectbox value (and widget-key prefix) of an upload: a new file gets fresh sliders.
    return f"upload:{upload.sha256[:16]}"


def _on_upload() -> None:
    # Runs before the rerun: a good file becomes the current scenario; a bad one changes nothing.
    file = st.session_state.get("upload_file")
    st.session_state.pop("upload_problems", None)
    if file is None:  # the file was removed from the uploader: keep the settings
        return
    try:
        upload, _ = check_upload(file.name, file.getvalue(), _model().catalogue)
    except GzsimError as error:
        st.session_state["upload_problems"] = [str(p) for p in error.problems]
        return
    st.session_state[UPLOAD] = upload
    st.session_state["scenario"] = _upload_choice(upload)


uploaded: UploadedScenario | None = st.session_state.get(UPLOAD)
options = list(files) + ([_upload_choice(uploaded)] if uploaded else [])
choice = st.sidebar.selectbox(
    T("scenario"), options, key="scenario",
    format_func=lambda o: o if o in files else T("uploaded_option", name=uploaded.name))
upload = uploaded if uploaded and choice == _upload_choice(uploaded) else None
# `source` is what the computations read; `stem` names files and the scenario in the texts; an
# upload's scenario name says it is one ("baseline (uploaded)"), so it never passes for a bundled file.
source: Source = upload if upload else str(files[choice])
stem = upload.stem if upload else choice
scenario = _scenario(source, ())
st.sidebar.text(scenario.title_for(lang))  # as plain text: an uploaded file's title is not markdown
st.sidebar.file_uploader(T("upload"), type=["toml"], key="upload_file", on_change=_on_upload,
                         max_upload_size=UPLOAD_MB,
                         help=T("upload_help", limit=MAX_UPLOAD_BYTES // 1024, bundled=", ".join(files)))
if lang != "en":  # Streamlit writes the uploader's own words in English only
    st.html(uploader_css(lang, limit_mb=UPLOAD_MB, types="TOML"))
if st.session_state.get("upload_problems"):
    st.sidebar.error(T("upload_failed"))
    # As plain text: the messages quote the file, and a file's content is never rendered as markdown.
    st.sidebar.code("\n".join(st.session_state["upload_problems"]), language=None, wrap_lines=True)


def _path_text(lever, value) -> str:
    # e.g. "ramp start_year: 2021, end_year: 2025, start: 9.6 %/year, end: 12 %/year"
    kind, spec = next(iter(value.to_dict().items()))
    def shown(k, v):
        if not isinstance(v, (int, float)):
            return str(v)
        return f"{v:.0f}" if "year" in k else value_text(lever, v, lang)
    return f"{kind} " + ", ".join(f"{k}: {shown(k, v)}" for k, v in spec.items())


def _reset(key: str, value: float) -> None:
    st.session_state[key] = value


def _reset_all() -> None:
    for lever in catalogue.levers:
        value = scenario.levers[lever.id]
        if isinstance(value, float):
            st.session_state[f"{choice}:{lever.id}"] = value
        else:
            st.session_state[f"{choice}:{lever.id}:const"] = False


st.sidebar.header(T("levers"))
st.sidebar.button(T("reset_all"), on_click=_reset_all, key="reset_all")
# The link's lever values belong to the link's scenario only.
query_levers = st.session_state.get("query_levers", {}) if st.session_state.get("query_scenario") == choice else {}
overrides: dict[str, float] = {}
groups = list(dict.fromkeys(lever.group for lever in catalogue.levers))
for group in groups:
    try:
        group_label = T(f"group_{group}")
    except KeyError:
        group_label = group
    with st.sidebar.expander(group_label, expanded=group != "economy"):
        for lever in (lv for lv in catalogue.levers if lv.group == group):
            key = f"{choice}:{lever.id}"
            saved = scenario.levers[lever.id]
            help_text = lever.help_en if lang == "en" else lever.help_zh
            if lever.source:
                help_text += "\n\n" + T("source", source=lever.source)
            unit = slider_unit(lever, lang)
            label = lever.label(lang) if not unit or unit in lever.label(lang) else f"{lever.label(lang)} ({unit})"
            if not isinstance(saved, float):  # a time path: shown as such, replaceable by a constant
                st.caption(f"**{lever.label(lang)}** — " + T("time_path", path=_path_text(lever, saved)), help=help_text)
                if f"{key}:const" not in st.session_state:
                    st.session_state[f"{key}:const"] = lever.id in query_levers
                if st.checkbox(T("replace_constant"), key=f"{key}:const"):
                    if key not in st.session_state:
                        st.session_state[key] = float(query_levers.get(lever.id, lever.default))
                    overrides[lever.id] = st.slider(label, min_value=float(lever.min), max_value=float(lever.max),
                                                    step=float(lever.step) if lever.step else None,
                                                    format=slider_format(lever, st.session_state[key]),
                                                    help=help_text, key=key)
                continue
            if key not in st.session_state:
                st.session_state[key] = float(query_levers.get(lever.id, saved))
            # The format shows the scenario's value exactly (0.096 as 9.6 %, not 0.10).
            moved = st.slider(label, min_value=float(lever.min), max_value=float(lever.max),
                              step=float(lever.step) if lever.step else None, help=help_text, key=key,
                              format=slider_format(lever, saved, st.session_state[key]))
            st.caption(T("range", min=value_text(lever, lever.min, lang), max=value_text(lever, lever.max, lang),
                         value=value_text(lever, saved, lang)))
            if moved != saved:
                overrides[lever.id] = moved
                st.button(T("reset", value=value_text(lever, saved, lang)), key=f"{key}:reset", on_click=_reset,
                          args=(key, saved))

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

st.title(T("title"))
st.caption(T("changes", n=len(overrides)) if overrides else T("no_changes"))

# Lazy tabs: only the open one runs (charts take a second or two to draw; analyses longer).
tab_board, tab_charts, tab_compare, tab_analysis, tab_model, tab_downloads = st.tabs(
    [T(name) for name in TABS], key=f"tab_{lang}", on_change="rerun")

board = scoreboard(current, base, scenario.targets, lang, ceiling=_ceiling(_inputs_key(current_scenario), current_scenario))
shown = board.assign(status=[f"● {T(s.replace(' ', '_') + ('_short' if s == 'unreachable' else ''))}"
                             + ("" if ok else " ≈")
                             for s, ok in zip(board["status"], board["settled"])])
shown = shown[[column for column, _ in SHOWN]].rename(columns={column: T(key) for column, key in SHOWN})
# Traffic lights as cell colours (emoji need a font the browser may not have).
lights = [STATUS_LIGHT.get(s, "") for s in board["status"]]
styled = shown.style.apply(lambda column: lights, subset=[T("col_status")]).format(
    {T("col_probability"): lambda p: probability_text(p, SAMPLES), T("col_baseline_probability"): format_probability})
with tab_board:
    st.subheader(T("scoreboard"))
    # The instant answer: the joint probability of the headline targets and the count on track.
    joint = board[board["key"].str.startswith("all_headline:")]
    targets_only = board[~board["key"].str.startswith("all_headline:")]
    on_track = int((targets_only["status"] == "on track").sum())
    base_on_track = int((targets_only["baseline_probability"] >= 0.8).sum())
    left, right = st.columns(2)
    if len(joint):
        p, p0 = float(joint["probability"].iloc[0]), float(joint["baseline_probability"].iloc[0])
        left.metric(T("all_headline"), format_probability(p),
                    delta=T("vs_baseline_points", delta=f"{round(100 * p) - round(100 * p0):+d}"),
                    delta_color="normal" if p != p0 else "off", border=True)
    right.metric(T("on_track_count"), f"{on_track} / {len(targets_only)}",
                 delta=T("vs_baseline", delta=f"{on_track - base_on_track:+d}"),
                 delta_color="normal" if on_track != base_on_track else "off", border=True)
    st.caption(T("scoreboard_note", samples=SAMPLES, seed=SEED, current=current_name,
                 scenario=f"{stem}_edited.toml" if overrides else upload.name if upload else stem))
    # What reproduces these numbers (and tells two settings apart at a glance).
    st.caption(T("run_id", hash=current_scenario.hash[:12], seed=SEED, samples=SAMPLES))
    st.dataframe(styled, hide_index=True, width="stretch",
                 column_config={T("col_target"): st.column_config.TextColumn(width=300),
                                T("col_status"): st.column_config.TextColumn(width=120)})
    notes = [T("legend_headline")]
    if not board["settled"].all():
        notes.append(T("legend_unsettled", samples=SAMPLES))
    if not board["reachable"].all():
        notes.append(T("legend_unreachable"))
    st.caption(" ".join(notes))
    # How far to trust it: the outside view and what drives each headline target's uncertainty.
    trust = reliability_notes(_model(), current, lang, scenario.targets)
    if trust:
        st.markdown(f"**{T('trust_heading')}**")
        st.markdown("\n".join(f"- {line}" for line in trust))

with tab_charts:
    if tab_charts.open:
        from gzsim.ui.interactive import chart_spec, target_records

        records = [_run_records(content_key(sc), name, sc) for sc, name in chart_scenarios]
        observed, sources = _history_parts(lang)
        st.caption(T("charts_note", samples=SAMPLES))
        columns = st.columns(2)
        for i, indicator in enumerate(catalogue.indicators):
            # Drawn by the browser (Vega-Lite): the server only sends quantiles, so a slider move
            # does not wait for matplotlib; hover for values, drag to pan, scroll to zoom.
            with columns[i % 2]:
                spec = chart_spec(indicator.id, [row for r in records for row in r.get(indicator.id, [])],
                                  observed.get(indicator.id, []), target_records(scenario.targets, indicator.id, lang),
                                  title=indicator.label(lang), unit=indicator.unit, lang=lang)
                st.vega_lite_chart(spec=spec, width="stretch", key=f"chart_{indicator.id}")
                st.caption(sources[indicator.id])

with tab_downloads:
    st.info(T("share_upload") if upload else T("share"))
    toml_text = scenario_toml(
        stem, overrides, name=f"{stem}_edited", title_en=f"{scenario.title_for('en')} (edited in the app)",
        title_zh=f"{scenario.title_for('zh')}（在应用中修改）", sources={k: "set in the gzsim app" for k in overrides},
        comment="Saved from the gzsim app. Put this file in scenarios/ next to the scenario it extends.")
    st.download_button(T("download_scenario"), toml_text, file_name=f"{stem}_edited.toml", mime="application/toml",
                       help=T("download_scenario_help_upload", name=upload.name) if upload
                       else T("download_scenario_help", base=stem), key="download_scenario")
    with st.expander(T("preview")):
        st.code(toml_text, language="toml")
    # The results files are made when their button is pressed, not on every rerun of every
    # session: the results CSV of 500 samples is about 6 MB, which each open session would hold.
    run = (current_key, current_name, current_scenario)
    st.download_button(T("download_results"), lambda run=run: _simulation(*run).tidy().to_csv(index=False),
                       file_name=f"{stem}_results.csv", mime="text/csv", key="download_results")
    st.download_button(T("download_scoreboard"), pd.concat([current, base]).to_csv(index=False),
                       file_name=f"{stem}_scoreboard.csv", mime="text/csv", key="download_scoreboard")
    # A CSV has no place for metadata: its provenance (what reproduces it) is a file of its own.
    st.download_button(T("download_provenance"),
                       _record_json(current_key, base_key, key_overrides, current_scenario, base_scenario),
                       file_name=f"{stem}_results.csv.provenance.json", mime="application/json",
                       help=T("download_provenance_help"), key="download_provenance")
    st.download_button(
        T("download_workbook"),
        lambda args=(current_key, current_name, base_key, key_overrides, stem, lang, current_scenario,
                     base_scenario): _workbook(*args),
        file_name=f"{stem}_results.xlsx", key="download_workbook",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    if tab_downloads.open:  # charts are drawn only when this tab is open
        indicator_labels = {i.id: i.label(lang) for i in catalogue.indicators}
        chart_id = st.selectbox(T("chart_indicator"), list(indicator_labels), key="download_indicator",
                                format_func=indicator_labels.get)
        png, svg = st.columns(2)
        # Drawn (matplotlib, as in the brief) when the button is pressed, not on every rerun.
        chart_args = (chart_id, _runs(chart_scenarios), lang)
        png.download_button(T("download_png"),
                            lambda a=chart_args: _chart_file(*a, "png", key_overrides, chart_scenarios),
                            file_name=f"{stem}_{chart_id}.png", mime="image/png", key="download_png")
        svg.download_button(T("download_svg"),
                            lambda a=chart_args: _chart_file(*a, "svg", key_overrides, chart_scenarios),
                            file_name=f"{stem}_{chart_id}.svg", mime="image/svg+xml", key="download_svg")

with tab_compare:
    if tab_compare.open:
        from gzsim.ui.compare import compare_table

        st.caption(T("compare_note", samples=SAMPLES, seed=SEED))
        picked = st.multiselect(T("compare_scenarios"), list(files), default=list(dict.fromkeys(n for n in (BASELINE, stem) if n in files)),
                                key="compare_scenarios")
        try:  # read now: results stored for files that have changed since are not shown
            compared = tuple(model.load_scenario(files[n]) for n in picked)
            compared_keys = (tuple(picked), tuple(map(content_key, compared)))
        except GzsimError as error:
            st.error(str(error))
            compared, compared_keys = (), None
        if st.button(T("run_compare"), key="run_compare", disabled=not compared):
            try:
                with st.spinner(T("run_compare")):
                    st.session_state["compare_result"] = (compared_keys, _compare(compared_keys[1], compared))
            except UsageError as error:  # e.g. two files with the same scenario name
                st.error(str(error))
        stored = st.session_state.get("compare_result")
        if stored and stored[0] == compared_keys:  # results of another choice are not shown
            from gzsim.ui.compare import compare_chart, status_of

            reached = stored[1]
            if overrides or upload:  # the sidebar's settings too, as the last column
                reached = pd.concat([reached, current.assign(scenario=current_name)], ignore_index=True)
            table = compare_table(reached, scenario.targets, lang)
            names = [c for c in table.columns if c != "target"]
            compare_styled = table.rename(columns={"target": T("col_target")}).style.format(
                {n: (lambda p: f"{format_probability(p)} · {T(status_of(p).replace(' ', '_'))}") for n in names}
            ).apply(lambda column: [STATUS_LIGHT.get(status_of(p), "") for p in column], subset=names)
            st.vega_lite_chart(spec=compare_chart(table, lang), width="stretch", key="compare_chart")
            st.dataframe(compare_styled, hide_index=True, width="stretch",
                         column_config={T("col_target"): st.column_config.TextColumn(width=300)})
            st.caption(T("compare_caption"))

with tab_analysis:
    if tab_analysis.open:
        st.caption(T("analysis_note"))
        kind = st.radio(T("analysis"), ["attribution", "sensitivity", "goalseek"], key="analysis_kind",
                        format_func=T, horizontal=True)
        if st.button(T("run_analysis"), key="run_analysis"):
            from gzsim.ui.analyses import run_analysis

            try:
                with st.spinner(T(kind)):
                    view = run_analysis(kind, model, current_scenario, base_scenario, seed=SEED, lang=lang)
            except GzsimError as error:  # e.g. no lever left to move: say so, without a traceback
                st.error(str(error))
            else:
                st.session_state["analysis_result"] = (kind, current_key, base_key, lang, view)
        stored = st.session_state.get("analysis_result")
        if stored and stored[1:4] == (current_key, base_key, lang):  # results of other settings are not shown
            view = stored[4]
            st.subheader(T(stored[0]))
            st.markdown(f"**{view.takeaway}**")
            if view.chart:
                st.vega_lite_chart(spec=view.chart, width="stretch", key="analysis_chart")
            if len(view.table):
                st.dataframe(view.table, hide_index=True, width="stretch")
            for note in view.notes:
                st.caption(note)

with tab_model:
    if tab_model.open:
        text = _mdl_text()
        names = variable_names(text)
        if names:
            variable = st.selectbox(T("variable"), names, key="model_variable")
            st.caption(T("equation"))
            st.code(equation_block(text, variable) or "", language="text", wrap_lines=True)  # no clipped comment
            st.subheader(T("stock_flow"))
            st.caption(T("stock_flow_note"))
            from gzsim.ui.stock_flow import stock_flow_dot

            st.graphviz_chart(stock_flow_dot(text, variable=variable), width="stretch")
        fit_file = repo_root() / "calibration" / "ganzhou" / "fit.csv"
        if fit_file.exists():
            from gzsim.ui.model_text import fit_table

            st.subheader(T("fit"))
            st.dataframe(fit_table(pd.read_csv(fit_file), catalogue, lang), hide_index=True, width="stretch")
