"""What the app's tabs read: the sidebar's setting of the levers, its results and the baseline's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from .compute import Overrides
from .upload import UploadedScenario


@dataclass(frozen=True, eq=False)
class Setting:
    """One rerun's setting: made by ``app.py`` from the sidebar, passed to every tab's render function."""

    lang: str
    stem: str  # names files and the scenario in the texts
    upload: UploadedScenario | None  # the upload chosen in the sidebar, if any
    scenario: Any  # the chosen scenario as its file says (title, name, targets)
    overrides: dict[str, float]  # the levers moved in the sidebar
    key_overrides: Overrides  # the same, sorted: the form the caches key by
    current_scenario: Any  # the scenario with the moved levers
    base_scenario: Any
    current_key: str  # content_key of each: what the caches key by
    base_key: str
    current: pd.DataFrame  # reach tables of each
    base: pd.DataFrame
    current_name: str  # the legend name of the current setting
    chart_scenarios: tuple  # ((scenario, legend name), ...) the charts draw: the baseline unless current, then current
