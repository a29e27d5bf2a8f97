"""The equations of the Vensim model file as text, for the app's model tab (no code is run)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - for the type hints only
    import pandas as pd

_SKETCH = "\\\\\\---///"


def _blocks(mdl_text: str) -> list[str]:
    body = mdl_text.split(_SKETCH, 1)[0]
    body = body.removeprefix("{UTF-8}")
    return [b.strip() for b in body.split("|") if b.strip()]


def _name(block: str) -> str | None:
    head = re.split(r"[=(~:]", block.lstrip(), maxsplit=1)[0]
    name = " ".join(head.split())
    if not name or name.startswith(("*", "{", "\\")):
        return None
    return name.strip('"')


def variable_names(mdl_text: str) -> list[str]:
    """Names of the variables defined in *mdl_text*, sorted case-insensitively."""
    names = {n for n in map(_name, _blocks(mdl_text)) if n}
    return sorted(names, key=str.lower)


def equation_block(mdl_text: str, name: str) -> str | None:
    """The definition of *name* (equation ~ units ~ comment), or None."""
    wanted = " ".join(name.split()).lower()
    for block in _blocks(mdl_text):
        found = _name(block)
        if found and found.lower() == wanted:
            return block
    return None


def fit_table(fit: "pd.DataFrame", catalogue, lang: str) -> "pd.DataFrame":
    """The calibration fit (``fit.csv``) for reading: series by their labels, headers in *lang*.

    ``rd_intensity`` becomes "R&D spending / GDP"; a qualified series such as
    ``fiscal_st_expenditure [sum 2016-2020]`` keeps its qualifier.
    """
    from .strings import ui_text

    labels = {}
    for item in (*catalogue.indicators,):
        labels[item.id] = item.label(lang)

    def series(name: str) -> str:
        head, _, rest = str(name).partition(" [")
        label = labels.get(head, head)
        return f"{label} [{rest}" if rest else label

    out = fit.assign(indicator=[series(n) for n in fit["indicator"]])
    return out.rename(columns={c: ui_text(f"fit_{c}", lang) for c in out.columns})

