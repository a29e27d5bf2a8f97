"""gzsim in the browser: pick a scenario, move the levers, read the indicators against the targets.

Thin on purpose: everything it shows comes from the gzsim package.
Run with ``streamlit run app.py``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import streamlit as st

import gzsim
from gzsim.analysis.common import target_values
from gzsim.charts import forecast_chart, load_history
from gzsim.paths import scenarios_dir
from gzsim.scenario import with_levers

st.set_page_config(page_title="gzsim — Ganzhou S&T plan", layout="wide")


@st.cache_resource
def _model() -> gzsim.Model:
    # The model object is immutable after loading; runs never change it.
    return gzsim.load_model()


@st.cache_data
def _history() -> pd.DataFrame:
    return load_history()


@st.cache_data(show_spinner=False)
def _run(scenario_file: str, overrides: tuple[tuple[str, float], ...]) -> pd.DataFrame:
    model = _model()
    scenario = model.load_scenario(scenario_file)
    if overrides:
        scenario = with_levers(scenario, dict(overrides), catalogue=model.catalogue, name=f"{scenario.name} (edited)")
    return model.run(scenario)


model = _model()
catalogue = model.catalogue
files = sorted(scenarios_dir().glob("*.toml"))

lang = st.sidebar.radio("Language / 语言", ["en", "zh"], horizontal=True)
chosen = st.sidebar.selectbox("Scenario / 情景", files, format_func=lambda p: p.stem,
                              index=[p.stem for p in files].index("baseline"))
scenario = model.load_scenario(chosen)
st.sidebar.caption(scenario.title_for(lang))

st.sidebar.header("Levers" if lang == "en" else "政策杠杆")
overrides: dict[str, float] = {}
for lever in catalogue.levers:
    value = scenario.levers[lever.id]
    if not isinstance(value, float):  # a time path: shown, edited in the scenario file
        st.sidebar.caption(f"{lever.label(lang)}: {'time path' if lang == 'en' else '按年份路径'}")
        continue
    moved = st.sidebar.slider(
        f"{lever.label(lang)} ({lever.unit})", min_value=float(lever.min), max_value=float(lever.max),
        value=value, step=float(lever.step), help=lever.help_en if lang == "en" else lever.help_zh,
        key=f"{chosen.stem}:{lever.id}",
    )
    if moved != value:
        overrides[lever.id] = moved

results = _run(str(chosen), tuple(sorted(overrides.items())))
baseline = _run(str(scenarios_dir() / "baseline.toml"), ())

st.title("Can Ganzhou reach its 2025 S&T targets?" if lang == "en" else "赣州能否实现2025年科技创新目标？")
targets = scenario.targets
rows = []
for target in targets or []:
    path = results.query("indicator == @target.id").sort_values("year")
    # The target's measure (level, plan-period total or growth rate) of the run.
    value = float(target_values(target, path["value"].to_numpy()[None, :], path["year"].to_numpy())[0])
    rows.append({
        "target": target.label(lang),
        "2025 target": target.threshold,
        "scenario": round(value, 2),
        "met": "✅" if target.is_met(value) else "❌",
    })
if rows:
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

columns = st.columns(2)
both = pd.concat([baseline.assign(scenario="baseline"), results.assign(scenario="current")])
for i, indicator in enumerate(catalogue.indicators):
    marks = [t for t in targets or [] if t.id == indicator.id]
    # The same chart function as the briefing pack; the app only lays it out.
    fig = forecast_chart(indicator, both, history=_history(), target=marks or None, lang=lang,
                         size="print", catalogue=catalogue, until=2025)
    with columns[i % 2]:
        st.pyplot(fig)
    plt.close(fig)
