"""The app's Charts tab: every indicator's fan chart, drawn by the browser from the runs' quantiles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from .compute import SAMPLES, content_key
from .setting import Setting


def render_charts(tab: Any, T: Callable[..., str], setting: Setting, catalogue: Any,
                  run_records: Callable[..., dict], history_parts: Callable[[str], tuple[dict, dict]]) -> None:
    """Draw the tab when it is open. *run_records* (key, name, scenario) and *history_parts* (lang) are the app's caches."""
    with tab:
        if tab.open:
            from .interactive import chart_spec, target_records

            lang = setting.lang
            records = [run_records(content_key(sc), name, sc) for sc, name in setting.chart_scenarios]
            observed, sources = history_parts(lang)
            st.caption(T("charts_note", samples=SAMPLES))
            columns = st.columns(2)
            for i, indicator in enumerate(catalogue.indicators):
                # Drawn by the browser (Vega-Lite): the server only sends quantiles, so a slider move
                # does not wait for matplotlib; hover for values, drag to pan, scroll to zoom.
                with columns[i % 2]:
                    spec = chart_spec(indicator.id, [row for r in records for row in r.get(indicator.id, [])],
                                      observed.get(indicator.id, []),
                                      target_records(setting.scenario.targets, indicator.id, lang),
                                      title=indicator.label(lang), unit=indicator.unit, lang=lang)
                    st.vega_lite_chart(spec=spec, width="stretch", key=f"chart_{indicator.id}")
                    st.caption(sources[indicator.id])
