"""CJK font discovery, the English fallback, and the bilingual strings file."""

from __future__ import annotations

import tomllib
import warnings

import pytest
from matplotlib import font_manager

from gzsim.charts import fonts, strings
from gzsim.charts.fonts import FontWarning, find_cjk_font, pdf_fonttype, usable_language
from gzsim.charts.strings import has_cjk, latin_only, text, unit_label

needs_cjk = pytest.mark.skipif(find_cjk_font() is None,
                               reason="no CJK font installed (apt-get install fonts-noto-cjk)")


@needs_cjk
def test_found_font_draws_chinese():
    family = find_cjk_font()
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    font = font_manager.get_font(path)
    assert all(font.get_char_index(ord(ch)) for ch in "赣州高新技术企业数规划期年份")


@needs_cjk
def test_chinese_is_usable_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert usable_language("zh") == "zh"
        assert usable_language("en") == "en"


def test_fonts_installed_after_matplotlib_cached_its_font_list_are_found(monkeypatch):
    # matplotlib caches its font list on disk; fonts-noto-cjk installed later is not in it.
    cjk = [e for e in font_manager.fontManager.ttflist if e.name in fonts.CJK_FAMILIES]
    if not cjk:
        pytest.skip("no CJK font installed")
    monkeypatch.setattr(font_manager.fontManager, "ttflist",
                        [e for e in font_manager.fontManager.ttflist if e not in cjk])
    fonts.find_cjk_font.cache_clear()
    try:
        assert fonts.find_cjk_font() in fonts.CJK_FAMILIES
    finally:
        fonts.find_cjk_font.cache_clear()


def test_no_cjk_font_falls_back_to_english_with_warning(monkeypatch):
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    with pytest.warns(FontWarning, match="no CJK font found; install fonts-noto-cjk.*falling back to English"):
        assert usable_language("zh") == "en"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert usable_language("en") == "en"  # English needs no CJK font: no warning
    assert pdf_fonttype() == 42


def test_unknown_language_is_an_error():
    with pytest.raises(ValueError, match="en, zh"):
        usable_language("fr")


@needs_cjk
def test_cff_cjk_fonts_are_embedded_as_type3():
    # Noto Sans CJK has CFF outlines; as Type 42 PDF viewers would draw blanks.
    if fonts._has_cff_outlines(find_cjk_font()):
        assert pdf_fonttype() == 3


def test_both_languages_have_the_same_strings():
    data = tomllib.loads(strings._FILE.read_text(encoding="utf-8"))
    assert set(data["en"]) == set(data["zh"])
    assert all(isinstance(v, str) and v for lang in ("en", "zh") for v in data[lang].values())


def test_text_and_units():
    assert text("year", "en") == "Year"
    assert text("year", "zh") == "年份"
    assert text("on_track", "zh") == "进展顺利"
    assert text("target", "en", year=2025, op="≥", value="2,000") == "Target 2025: ≥ 2,000"
    assert unit_label("亿元/year", "en") == "100 million yuan/year"
    assert unit_label("亿元/year", "zh") == "亿元/年"
    assert unit_label("firms", "zh") == "家"
    assert unit_label("something new", "zh") == "something new"


def test_latin_only_leaves_no_chinese():
    assert latin_only("赣州市“十四五”科技创新规划 ch.1 s.1") == "Ganzhou 14th five-year S&T plan ch.1 s.1"
    assert latin_only("Technology contracts 60 亿元 a year") == "Technology contracts 6 billion yuan a year"
    assert latin_only("赣州高新区 2020 work summary") == "Ganzhou high-tech zone 2020 work summary"
    assert latin_only("未知来源 2020") == "[…] 2020"
    assert latin_only("plain English") == "plain English"
    assert not has_cjk(latin_only("大江网 2022-07-01 科技推动创新 引领赣州新发展 (press conference)"))
