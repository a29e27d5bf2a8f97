"""Finding a font that can draw Chinese, and the language that can actually be shown.

Matplotlib draws a missing glyph as an empty box.  Chinese output therefore
needs a CJK font; when none is installed gzsim shows English instead and says
so (:class:`FontWarning`), rather than producing a chart full of boxes.

Matplotlib builds its font list once and caches it on disk, so a font
installed afterwards (``apt-get install fonts-noto-cjk``) is invisible to it.
:func:`find_cjk_font` therefore also looks at the font files on the system and
registers CJK ones with the running font manager (in memory; the cache file is
left alone).
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

from matplotlib import font_manager

from .strings import LANGS

__all__ = ["CJK_FAMILIES", "FontWarning", "find_cjk_font", "usable_language", "NO_CJK_MESSAGE",
           "pdf_fonttype"]

#: Font families tried in order: Simplified-Chinese faces first, so that characters take their
#: mainland shapes (the JP/TC faces of the same fonts draw some characters differently).
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", "SimHei",
    "Heiti SC", "Hiragino Sans GB", "Noto Sans CJK", "Source Han Sans", "Droid Sans Fallback",
    "Noto Sans CJK TC", "Noto Sans CJK JP",
)

# Lower-case file-name fragments of the fonts above (hyphens, underscores and spaces removed).
_FILE_HINTS = ("notosanscjk", "sourcehansans", "notosanssc", "wqy", "wenquanyi", "pingfang",
               "msyh", "simhei", "stheiti", "hiragino", "droidsansfallback")

NO_CJK_MESSAGE = ("no CJK font found; install fonts-noto-cjk (Debian/Ubuntu: "
                  "apt-get install fonts-noto-cjk) or another Chinese font; falling back to English")

# A character every usable font must have: the first one of 赣州.
_PROBE = "赣"


class FontWarning(UserWarning):
    """Chinese was asked for but cannot be drawn; English is shown instead."""


def _draws_chinese(family: str) -> bool:
    """Whether *family* resolves to a font file that has a glyph for a Chinese character."""
    try:
        path = font_manager.findfont(font_manager.FontProperties(family=family),
                                     fallback_to_default=False)
        font = font_manager.get_font(path)
    except (ValueError, RuntimeError, OSError):
        return False
    return font.get_char_index(ord(_PROBE)) != 0


def _first_known() -> str | None:
    names = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((f for f in CJK_FAMILIES if f in names and _draws_chinese(f)), None)


def _register_system_cjk_fonts() -> None:
    """Add CJK font files found on the system to matplotlib's (in-memory) font list."""
    # Only called when no listed family is known, so re-adding a file matplotlib half-knows (e.g.
    # only a Korean face of a .ttc) does no harm.
    for path in font_manager.findSystemFonts():
        stem = Path(path).name.lower().replace("-", "").replace("_", "").replace(" ", "")
        if any(hint in stem for hint in _FILE_HINTS):
            try:
                font_manager.fontManager.addfont(path)
            except (RuntimeError, OSError, ValueError):
                continue  # an unreadable font file is simply not a candidate


@functools.cache
def find_cjk_font() -> str | None:
    """The family name of an installed font that draws Chinese, or None.

    Returns
    -------
    str or None
        E.g. ``"Noto Sans CJK SC"``; usable as a matplotlib ``font.family``.
    """
    found = _first_known()
    if found is None:
        _register_system_cjk_fonts()
        found = _first_known()
    return found


def usable_language(lang: str, *, stacklevel: int = 2) -> str:
    """The language that can be shown when *lang* is asked for.

    Parameters
    ----------
    lang : {"en", "zh"}
    stacklevel : int
        Passed to :func:`warnings.warn`.

    Returns
    -------
    str
        *lang*, or ``"en"`` when Chinese is asked for and no CJK font is
        installed; a :class:`FontWarning` is emitted then.

    Raises
    ------
    ValueError
        Unknown language.
    """
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, got {lang!r}")
    if lang == "zh" and find_cjk_font() is None:
        warnings.warn(NO_CJK_MESSAGE, FontWarning, stacklevel=stacklevel + 1)
        return "en"
    return lang


@functools.cache
def _has_cff_outlines(family: str) -> bool:
    from fontTools.ttLib import TTFont

    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    try:
        with TTFont(str(path), fontNumber=0, lazy=True) as font:
            return "CFF " in font or "CFF2" in font
    except Exception:  # unreadable here means unknown: the safe answer is "treat as CFF"
        return True


def pdf_fonttype() -> int:
    """The PDF/PS font type that embeds the fonts in use correctly: 42, or 3 for CFF CJK fonts.

    Noto Sans CJK and Source Han Sans have PostScript (CFF) outlines, which
    matplotlib would embed as TrueType (Type 42) data that PDF viewers cannot
    draw: the characters come out blank.  Type 3 fonts draw each glyph from
    its outline and keep the text searchable, so they are used then.
    """
    cjk = find_cjk_font()
    return 3 if cjk and _has_cff_outlines(cjk) else 42
