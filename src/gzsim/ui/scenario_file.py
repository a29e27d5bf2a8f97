"""The app's current settings as a scenario file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import tomlwrite
from .._toml import is_number


def scenario_toml(base_scenario_name: str, overrides: Mapping[str, Any], *, name: str = "my_scenario",
                  title_en: str = "", title_zh: str = "", sources: Mapping[str, str] | None = None,
                  comment: str = "") -> str:
    """A scenario file that ``extends`` *base_scenario_name* and sets *overrides*.

    Save it in the folder of the base scenario (``scenarios/``) and load it with
    :func:`gzsim.load_scenario`; it gives the same lever values as the app.

    Parameters
    ----------
    base_scenario_name : str
        The parent: a file stem in the same folder (``"baseline"``) or a relative path.
    overrides : mapping
        Lever id -> a number, a time path (``Step``/``Ramp``/``Series``) or its dict form.
    name, title_en, title_zh : str
        Written as the file's ``name`` and titles.
    sources : mapping, optional
        Lever id -> where its value comes from (``[sources]``).
    comment : str
        Written as ``#`` lines at the top.
    """
    data: dict[str, Any] = {"name": name}
    data.update({k: v for k, v in (("title_en", title_en), ("title_zh", title_zh)) if v})
    data["extends"] = base_scenario_name
    # Numbers as floats (a lever value is a float; 1 and 1.0 are the same setting).
    data["levers"] = {k: float(v) if is_number(v) else v for k, v in overrides.items()}
    if sources:
        data["sources"] = dict(sources)
    # The one TOML writer (gzsim.tomlwrite): what it writes, tomllib reads back as written.
    return tomlwrite.document(data, header=comment)
