"""Bilingual UI strings for charts and briefs, read from ``strings.toml``.

Translatable text lives in the data file, not in code, so a translator edits
one TOML file.  :func:`text` looks a key up for a language, :func:`unit_label`
shows a catalogue unit in a language, and :func:`latin_only` makes text safe to
draw when no CJK font is installed.
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path
from typing import Any

__all__ = ["LANGS", "text", "unit_label", "unit_name", "latin_only", "has_cjk", "load_strings", "source_in"]

LANGS = ("en", "zh")
_FILE = Path(__file__).with_name("strings.toml")

# Han ideographs, CJK punctuation and full-width forms: what a Latin font cannot draw.
_CJK = re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf"
                  r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+")
_YI_YUAN = re.compile(r"(\d+(?:\.\d+)?)\s*亿元")


@functools.cache
def load_strings(path: Path = _FILE) -> dict[str, Any]:
    """The parsed strings file (cached)."""
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def text(key: str, lang: str, **fields: Any) -> str:
    """The string *key* in *lang*, formatted with *fields*.

    Raises
    ------
    KeyError
        When *key* is not in the strings file for *lang*.
    """
    template = load_strings()[_check_lang(lang)][key]
    return template.format(**fields) if fields else template


def unit_label(unit: str, lang: str) -> str:
    """A catalogue unit as shown in *lang* (the unit itself when not translated)."""
    return load_strings()["units"].get(_check_lang(lang), {}).get(unit, unit)


def unit_name(unit: str, lang: str) -> str:
    """A catalogue unit on its own, as a table column shows it: :func:`unit_label`, except that a
    multiple of a level, written before its number in Chinese (2020年水平的1.5倍), is named as
    such (2020年水平的倍数)."""
    label = unit_label(unit, lang)
    return f"{label}倍数" if lang == "zh" and unit.startswith("×") and label != unit else label


def has_cjk(value: str) -> bool:
    """Whether *value* holds characters only a CJK font can draw."""
    return bool(_CJK.search(value))


def latin_only(value: str) -> str:
    """*value* with Chinese replaced, for English output without a CJK font.

    Known names become their English equivalents (``[latin_glossary]``), an
    amount in 亿元 becomes billions of yuan, and whatever Chinese is left
    becomes ``[…]``: an honest gap instead of boxes.
    """
    if not has_cjk(value):
        return value
    value = _YI_YUAN.sub(lambda m: f"{float(m[1]) / 10:g} billion yuan", value)
    glossary = load_strings()["latin_glossary"]
    for zh in sorted(glossary, key=len, reverse=True):
        value = value.replace(zh, glossary[zh])
    value = _CJK.sub("[…]", value)
    return re.sub(r" {2,}", " ", value).strip()


_SECTION_EN = re.compile(r"ch\.\s?(\d+) s\.\s?(\d+)")


def source_in(value: str, lang: str) -> str:
    """A data source name in *lang*: in Chinese, its English parts translated (``[source_zh]``),
    ``ch.1 s.1`` as 第1章第1节; in English as written (the Chinese titles are the sources' own)."""
    if _check_lang(lang) == "en":
        return value
    glossary = load_strings().get("source_zh", {})
    for en in sorted(glossary, key=len, reverse=True):
        value = value.replace(en, glossary[en])
    return _SECTION_EN.sub(r"第\1章第\2节", value)

