"""The app's current settings as a scenario file."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from .._toml import is_number


def _string(value: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes), non-ASCII kept.
    return json.dumps(str(value), ensure_ascii=False)


def _key(key: Any) -> str:
    key = str(key)
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else _string(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value!r} to a scenario file")
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    if hasattr(value, "to_dict"):
        return _value(value.to_dict())
    raise TypeError(f"cannot write {type(value).__name__} to a scenario file")


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
    lines = [f"# {line}".rstrip() for line in comment.splitlines()] if comment else []
    lines.append(f"name = {_string(name)}")
    if title_en:
        lines.append(f"title_en = {_string(title_en)}")
    if title_zh:
        lines.append(f"title_zh = {_string(title_zh)}")
    lines.append(f"extends = {_string(base_scenario_name)}")
    lines += ["", "[levers]"]
    for key, value in overrides.items():
        if is_number(value) and not isinstance(value, bool):
            value = float(value)
        lines.append(f"{_key(key)} = {_value(value)}")
    if sources:
        lines += ["", "[sources]"]
        lines += [f"{_key(k)} = {_string(v)}" for k, v in sources.items()]
    return "\n".join(lines) + "\n"
