"""Helpers of the browser app (``app.py``): plain functions of data, testable without streamlit;
``sidebar_*`` and ``tab_*`` draw the app's sidebar and tabs with streamlit (none is imported here)."""

from .query import QueryProblem, parse_query, query_from_overrides
from .scenario_file import scenario_toml
from .strings import ui_text

__all__ = ["QueryProblem", "parse_query", "query_from_overrides", "scenario_toml", "ui_text"]
