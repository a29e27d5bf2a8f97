"""The app's lever sliders in the sidebar, by group: each starts at the scenario's (or the link's) value."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from .levers import slider_format, slider_unit, value_text


def _path_text(lever: Any, value: Any, lang: str) -> str:
    # e.g. "ramp start_year: 2021, end_year: 2025, start: 9.6 %/year, end: 12 %/year"
    kind, spec = next(iter(value.to_dict().items()))
    def shown(k, v):
        if not isinstance(v, (int, float)):
            return str(v)
        return f"{v:.0f}" if "year" in k else value_text(lever, v, lang)
    return f"{kind} " + ", ".join(f"{k}: {shown(k, v)}" for k, v in spec.items())


def _reset(key: str, value: float) -> None:
    st.session_state[key] = value


def render_levers(T: Callable[..., str], lang: str, catalogue: Any, scenario: Any, choice: str,
                  query_levers: dict[str, float]) -> dict[str, float]:
    """Draw the levers of *scenario* (widget keys ``{choice}:{lever id}``); return the moved ones' values."""

    def reset_all() -> None:
        for lever in catalogue.levers:
            value = scenario.levers[lever.id]
            if isinstance(value, float):
                st.session_state[f"{choice}:{lever.id}"] = value
            else:
                st.session_state[f"{choice}:{lever.id}:const"] = False

    st.sidebar.header(T("levers"))
    st.sidebar.button(T("reset_all"), on_click=reset_all, key="reset_all")
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
                    st.caption(f"**{lever.label(lang)}** — " + T("time_path", path=_path_text(lever, saved, lang)),
                               help=help_text)
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
    return overrides
