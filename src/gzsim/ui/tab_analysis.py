"""The app's Analysis tab: one quick analysis of the current setting on request, kept while the setting is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from ..errors import GzsimError
from .compute import SEED
from .setting import Setting


def render_analysis(tab: Any, T: Callable[..., str], setting: Setting, model: Any) -> None:
    """Draw the tab when it is open; the analysis runs when its button is pressed."""
    s, lang = setting, setting.lang
    with tab:
        if tab.open:
            st.caption(T("analysis_note"))
            kind = st.radio(T("analysis"), ["attribution", "sensitivity", "goalseek"], key="analysis_kind",
                            format_func=T, horizontal=True)
            if st.button(T("run_analysis"), key="run_analysis"):
                from .analyses import run_analysis

                try:
                    with st.spinner(T(kind)):
                        view = run_analysis(kind, model, s.current_scenario, s.base_scenario, seed=SEED, lang=lang)
                except GzsimError as error:  # e.g. no lever left to move: say so, without a traceback
                    st.error(str(error))
                else:
                    st.session_state["analysis_result"] = (kind, s.current_key, s.base_key, lang, view)
            stored = st.session_state.get("analysis_result")
            if stored and stored[1:4] == (s.current_key, s.base_key, lang):  # results of other settings are not shown
                view = stored[4]
                st.subheader(T(stored[0]))
                st.markdown(f"**{view.takeaway}**")
                if view.chart:
                    st.vega_lite_chart(spec=view.chart, width="stretch", key="analysis_chart")
                if len(view.table):
                    st.dataframe(view.table, hide_index=True, width="stretch")
                for note in view.notes:
                    st.caption(note)
