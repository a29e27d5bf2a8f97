"""The app's Scoreboard tab: the headline numbers, the targets table in traffic lights, how far to trust it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from ..charts.numbers import format_probability
from .compute import SAMPLES, SEED
from .scoreboard import SHOWN, STATUS_LIGHT, probability_text, reliability_notes, scoreboard
from .setting import Setting


def render_scoreboard(tab: Any, T: Callable[..., str], setting: Setting, model: Any, ceiling: pd.DataFrame) -> None:
    """Draw the tab (always: it is the first view). *ceiling* is the current scenario's lever ceiling."""
    s = setting
    board = scoreboard(s.current, s.base, s.scenario.targets, s.lang, ceiling=ceiling)
    shown = board.assign(status=[f"● {T(status.replace(' ', '_') + ('_short' if status == 'unreachable' else ''))}"
                                 + ("" if ok else " ≈")
                                 for status, ok in zip(board["status"], board["settled"])])
    shown = shown[[column for column, _ in SHOWN]].rename(columns={column: T(key) for column, key in SHOWN})
    lights = [STATUS_LIGHT.get(status, "") for status in board["status"]]
    styled = shown.style.apply(lambda column: lights, subset=[T("col_status")]).format(
        {T("col_probability"): lambda p: probability_text(p, SAMPLES), T("col_baseline_probability"): format_probability})
    with tab:
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
        st.caption(T("scoreboard_note", samples=SAMPLES, seed=SEED, current=s.current_name,
                     scenario=f"{s.stem}_edited.toml" if s.overrides else s.upload.name if s.upload else s.stem))
        # What reproduces these numbers (and tells two settings apart at a glance).
        st.caption(T("run_id", hash=s.current_scenario.hash[:12], seed=SEED, samples=SAMPLES))
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
        trust = reliability_notes(model, s.current, s.lang, s.scenario.targets)
        if trust:
            st.markdown(f"**{T('trust_heading')}**")
            st.markdown("\n".join(f"- {line}" for line in trust))
