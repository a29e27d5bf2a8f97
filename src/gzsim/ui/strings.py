"""UI strings of the app in English and Chinese (``strings.toml`` here, then the chart strings)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..charts import text as chart_text

STRINGS = Path(__file__).with_name("strings.toml")


@lru_cache(maxsize=1)
def load_ui_strings() -> dict[str, dict[str, str]]:
    with STRINGS.open("rb") as f:
        return tomllib.load(f)


def ui_text(key: str, lang: str, **fields: Any) -> str:
    """The app string *key* in *lang* (``"en"``/``"zh"``), else the chart string of that key."""
    if lang not in ("en", "zh"):
        raise ValueError(f"language must be 'en' or 'zh', not {lang!r}")
    table = load_ui_strings()[lang]
    if key not in table:
        return chart_text(key, lang, **fields)
    return table[key].format(**fields) if fields else table[key]
