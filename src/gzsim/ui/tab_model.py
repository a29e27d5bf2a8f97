"""The app's Model tab: a variable's equation, the stock-and-flow diagram around it, the calibration fit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from ..paths import repo_root
from .model_text import equation_block, variable_names


def render_model(tab: Any, T: Callable[..., str], lang: str, catalogue: Any, mdl_text: Callable[[], str]) -> None:
    """Draw the tab when it is open. *mdl_text* is the app's cached text of the model's .mdl file."""
    with tab:
        if tab.open:
            text = mdl_text()
            names = variable_names(text)
            if names:
                variable = st.selectbox(T("variable"), names, key="model_variable")
                st.caption(T("equation"))
                st.code(equation_block(text, variable) or "", language="text", wrap_lines=True)  # no clipped comment
                st.subheader(T("stock_flow"))
                st.caption(T("stock_flow_note"))
                from .stock_flow import stock_flow_dot

                st.graphviz_chart(stock_flow_dot(text, variable=variable), width="stretch")
            fit_file = repo_root() / "calibration" / "ganzhou" / "fit.csv"
            if fit_file.exists():
                from .model_text import fit_table

                st.subheader(T("fit"))
                st.dataframe(fit_table(pd.read_csv(fit_file), catalogue, lang), hide_index=True, width="stretch")
