"""The one TOML writer for every TOML file gzsim writes (today: the app's scenario download).

Values are written so that ``tomllib`` reads back exactly what was written: strings as basic
strings with JSON's escapes (which are TOML's) plus ``\\u007f`` for DEL, which JSON leaves raw and
TOML refuses (a downloaded scenario with DEL in a title was a file the app then refused); keys
bare when they can be; comments without control characters.  The tests build their TOML
documents with it too, and read every one back.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["string", "key", "value", "comment", "document"]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
# Control characters a TOML comment may not hold (all but tab), and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def string(text: str) -> str:
    """*text* as a TOML basic string.

    Raises
    ------
    ValueError
        For a lone surrogate, which no TOML (UTF-8) file can hold.
    """
    text = str(text)
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise ValueError("a lone surrogate cannot be written to a TOML file")
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def key(name: Any) -> str:
    """*name* as a TOML key: bare if it can be, else quoted."""
    name = str(name)
    return name if _BARE.fullmatch(name) else string(name)


def value(item: Any, *, finite: bool = True) -> str:
    """*item* (bool, int, float, str, date/time, list, mapping or an object with ``to_dict()``) as TOML.

    With *finite* (the default) ``nan`` and ``inf`` are refused (``ValueError``): no gzsim file takes them.
    """
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):
        if math.isfinite(item):
            return repr(item)
        if finite:
            raise ValueError(f"cannot write {item!r} to a TOML file")
        return "nan" if math.isnan(item) else "inf" if item > 0 else "-inf"
    if isinstance(item, str):
        return string(item)
    if isinstance(item, (dt.date, dt.time)):
        return item.isoformat()
    if isinstance(item, (list, tuple)):
        return "[" + ", ".join(value(v, finite=finite) for v in item) + "]"
    if isinstance(item, Mapping):
        return "{ " + ", ".join(f"{key(k)} = {value(v, finite=finite)}" for k, v in item.items()) + " }"
    if hasattr(item, "to_dict"):
        return value(item.to_dict(), finite=finite)
    raise TypeError(f"cannot write {type(item).__name__} to a TOML file")


def comment(text: str) -> list[str]:
    """*text* as ``#`` lines (control characters dropped: a comment cannot hold them)."""
    return [f"# {_CONTROL.sub('', line)}".rstrip() for line in str(text).splitlines()]


def document(data: Mapping[str, Any], *, finite: bool = True, header: str = "") -> str:
    """A TOML document: scalars and arrays first, then each table as a ``[section]`` (deeper tables inline).

    Valid TOML for any structure of TOML values with string keys (any text without lone surrogates).
    """
    lines = comment(header) if header else []
    lines += [f"{key(k)} = {value(v, finite=finite)}" for k, v in data.items() if not isinstance(v, Mapping)]
    for name, table in ((k, v) for k, v in data.items() if isinstance(v, Mapping)):
        lines += ["", f"[{key(name)}]"] + [f"{key(k)} = {value(v, finite=finite)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"
