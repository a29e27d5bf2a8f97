"""Reading the app's "how far to trust" lines in AppTest, and the rows they are made from."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest


def trust_lines(at: AppTest, heading: str) -> list[str]:
    """The lines under the scoreboard's "how far to trust" heading."""
    values = [m.value for m in at.markdown]
    return [line.removeprefix("- ") for line in values[values.index(f"**{heading}**") + 1].split("\n")]


def melded_rows(model) -> list:
    """(label method, reach row) of the app's baseline targets with a melded view: the app's table
    (same samples and seed)."""
    from gzsim.paths import scenarios_dir
    from gzsim.ui.compute import edited_scenario, reach_of

    scenario = edited_scenario(model, str(scenarios_dir() / "baseline.toml"), ())
    table = reach_of(model, scenario)
    labels = {t.id: t.label for t in scenario.targets.targets if t.headline}
    return [(labels[r.target], r) for r in table[table["ess_melded"].notna()].itertuples()]
