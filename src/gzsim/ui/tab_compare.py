"""The app's Compare tab: bundled scenarios side by side, run on request, with the sidebar's setting last."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from ..charts.numbers import format_probability
from ..errors import GzsimError, UsageError
from .compute import SAMPLES, SEED, content_key
from .scoreboard import STATUS_LIGHT
from .setting import Setting


def render_compare(tab: Any, T: Callable[..., str], setting: Setting, model: Any, files: dict[str, Path],
                   baseline: str, compare: Callable[..., pd.DataFrame]) -> None:
    """Draw the tab when it is open. *compare* (content keys, scenarios) is the app's cached reach of several scenarios."""
    with tab:
        if tab.open:
            from .compare import compare_table

            st.caption(T("compare_note", samples=SAMPLES, seed=SEED))
            picked = st.multiselect(T("compare_scenarios"), list(files),
                                    default=list(dict.fromkeys(n for n in (baseline, setting.stem) if n in files)),
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
                        st.session_state["compare_result"] = (compared_keys, compare(compared_keys[1], compared))
                except UsageError as error:  # e.g. two files with the same scenario name
                    st.error(str(error))
            stored = st.session_state.get("compare_result")
            if stored and stored[0] == compared_keys:  # results of another choice are not shown
                from .compare import compare_chart, status_of

                reached = stored[1]
                if setting.overrides or setting.upload:  # the sidebar's settings too, as the last column
                    reached = pd.concat([reached, setting.current.assign(scenario=setting.current_name)],
                                        ignore_index=True)
                table = compare_table(reached, setting.scenario.targets, setting.lang)
                names = [c for c in table.columns if c != "target"]
                styled = table.rename(columns={"target": T("col_target")}).style.format(
                    {n: (lambda p: f"{format_probability(p)} · {T(status_of(p).replace(' ', '_'))}") for n in names}
                ).apply(lambda column: [STATUS_LIGHT.get(status_of(p), "") for p in column], subset=names)
                st.vega_lite_chart(spec=compare_chart(table, setting.lang), width="stretch", key="compare_chart")
                st.dataframe(styled, hide_index=True, width="stretch",
                             column_config={T("col_target"): st.column_config.TextColumn(width=300)})
                st.caption(T("compare_caption"))
