"""The app's Downloads tab: the edited scenario file, the results and their provenance, chart files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from .compute import content_key
from .scenario_file import scenario_toml
from .setting import Setting


def render_downloads(tab: Any, T: Callable[..., str], setting: Setting, catalogue: Any, *,
                     simulation: Callable, record_json: Callable[..., str], workbook: Callable[..., bytes],
                     chart_file: Callable[..., bytes]) -> None:
    """Draw the tab; the chart files only when it is open. The callables are the app's caches, called as there."""
    s, lang, stem, upload = setting, setting.lang, setting.stem, setting.upload
    with tab:
        st.info(T("share_upload") if upload else T("share"))
        toml_text = scenario_toml(
            stem, s.overrides, name=f"{stem}_edited", title_en=f"{s.scenario.title_for('en')} (edited in the app)",
            title_zh=f"{s.scenario.title_for('zh')}（在应用中修改）", sources={k: "set in the gzsim app" for k in s.overrides},
            comment="Saved from the gzsim app. Put this file in scenarios/ next to the scenario it extends.")
        st.download_button(T("download_scenario"), toml_text, file_name=f"{stem}_edited.toml", mime="application/toml",
                           help=T("download_scenario_help_upload", name=upload.name) if upload
                           else T("download_scenario_help", base=stem), key="download_scenario")
        with st.expander(T("preview")):
            st.code(toml_text, language="toml")
        # The results files are made when their button is pressed, not on every rerun of every
        # session: the results CSV of 500 samples is about 6 MB, which each open session would hold.
        run = (s.current_key, s.current_name, s.current_scenario)
        st.download_button(T("download_results"), lambda run=run: simulation(*run).tidy().to_csv(index=False),
                           file_name=f"{stem}_results.csv", mime="text/csv", key="download_results")
        st.download_button(T("download_scoreboard"), pd.concat([s.current, s.base]).to_csv(index=False),
                           file_name=f"{stem}_scoreboard.csv", mime="text/csv", key="download_scoreboard")
        # A CSV has no place for metadata: its provenance (what reproduces it) is a file of its own.
        st.download_button(T("download_provenance"),
                           record_json(s.current_key, s.base_key, s.key_overrides, s.current_scenario, s.base_scenario),
                           file_name=f"{stem}_results.csv.provenance.json", mime="application/json",
                           help=T("download_provenance_help"), key="download_provenance")
        st.download_button(
            T("download_workbook"),
            lambda args=(s.current_key, s.current_name, s.base_key, s.key_overrides, stem, lang, s.current_scenario,
                         s.base_scenario): workbook(*args),
            file_name=f"{stem}_results.xlsx", key="download_workbook",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        if tab.open:  # charts are drawn only when this tab is open
            indicator_labels = {i.id: i.label(lang) for i in catalogue.indicators}
            chart_id = st.selectbox(T("chart_indicator"), list(indicator_labels), key="download_indicator",
                                    format_func=indicator_labels.get)
            png, svg = st.columns(2)
            # Drawn (matplotlib, as in the brief) when the button is pressed, not on every rerun; the
            # runs are the cache key: (content key, legend name) of each scenario the chart draws.
            runs = tuple((content_key(sc), name) for sc, name in s.chart_scenarios)
            chart_args = (chart_id, runs, lang)
            png.download_button(T("download_png"),
                                lambda a=chart_args: chart_file(*a, "png", s.key_overrides, s.chart_scenarios),
                                file_name=f"{stem}_{chart_id}.png", mime="image/png", key="download_png")
            svg.download_button(T("download_svg"),
                                lambda a=chart_args: chart_file(*a, "svg", s.key_overrides, s.chart_scenarios),
                                file_name=f"{stem}_{chart_id}.svg", mime="image/svg+xml", key="download_svg")
