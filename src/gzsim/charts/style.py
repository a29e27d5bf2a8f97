"""Chart style: sizes, fonts, colours, and text that fits.

Two sizes: ``slide`` (13.33 x 7.5 in, a full 16:9 slide, type readable from
the back of a room) and ``print`` (6.3 x 3.9 in, the text width of an A4
report, 8 pt type).  Colours are the Okabe-Ito palette, distinguishable with
the common colour-vision deficiencies; the target is the one vermillion
element so it never looks like a scenario.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties

from . import fonts
from .strings import latin_only

__all__ = ["SIZES", "Style", "style_for", "font_family", "rc_params", "SCENARIO_COLOURS",
           "TARGET_COLOUR", "DATA_COLOUR", "PLAN_SHADE", "display", "text_width", "wrap"]

#: Figure sizes in inches.
SIZES: dict[str, tuple[float, float]] = {"slide": (13.333, 7.5), "print": (6.3, 3.9)}

#: Okabe-Ito colours for scenarios, in order; vermillion is kept for the target.
SCENARIO_COLOURS = ("#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
TARGET_COLOUR = "#D55E00"
DATA_COLOUR = "#1A1A1A"
PLAN_SHADE = "#EBEBEB"
GRID_COLOUR = "#D9D9D9"
_LATIN = "DejaVu Sans"  # ships with matplotlib, so always present


@dataclass(frozen=True)
class Style:
    """Sizes (points) for one figure size."""

    name: str
    figsize: tuple[float, float]
    base: float          # tick labels, legend
    label: float         # axis labels
    title: float
    subtitle: float
    note: float          # source line
    line: float          # median line width
    marker: float        # data marker size (points)


_STYLES = {
    "slide": Style("slide", SIZES["slide"], base=16, label=17, title=26, subtitle=16, note=12.5,
                   line=3.0, marker=11),
    "print": Style("print", SIZES["print"], base=7.5, label=8, title=10, subtitle=7.5, note=6,
                   line=1.5, marker=5),
}


def style_for(size: str) -> Style:
    """The :class:`Style` of a size name (``"slide"`` or ``"print"``)."""
    try:
        return _STYLES[size]
    except KeyError:
        raise ValueError(f"size must be one of {', '.join(_STYLES)}, got {size!r}") from None


def font_family(lang: str) -> list[str]:
    """Font family list for *lang*, most preferred first.

    Chinese puts the CJK font first so that Chinese punctuation takes its
    full-width shapes; English uses DejaVu Sans and falls back to the CJK font
    (when there is one) for Chinese names in sources.
    """
    cjk = fonts.find_cjk_font()
    if lang == "zh" and cjk:
        return [cjk, _LATIN]
    return [_LATIN, cjk] if cjk else [_LATIN]


def rc_params(lang: str, size: str) -> dict[str, Any]:
    """matplotlib rcParams for drawing a chart in *lang* at *size*."""
    st = style_for(size)
    return {
        "font.family": font_family(lang),
        "font.size": st.base,
        "axes.titlesize": st.title,
        "axes.labelsize": st.label,
        "xtick.labelsize": st.base,
        "ytick.labelsize": st.base,
        "legend.fontsize": st.base,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#4D4D4D",
        "axes.linewidth": 0.8 if size == "print" else 1.2,
        "xtick.color": "#333333",
        "ytick.color": "#333333",
        "axes.grid": True,
        "axes.grid.axis": "y",
        "grid.color": GRID_COLOUR,
        "grid.linewidth": 0.5 if size == "print" else 0.9,
        # Embed the fonts themselves (Type 42), or Type 3 when the CJK font has CFF outlines; see
        # fonts.pdf_fonttype.
        "pdf.fonttype": fonts.pdf_fonttype(),
        "ps.fonttype": fonts.pdf_fonttype(),
        "svg.fonttype": "path",
        "axes.unicode_minus": True,
    }


def display(value: str) -> str:
    """*value* as it can be drawn: Chinese replaced when no CJK font is installed."""
    return value if fonts.find_cjk_font() else latin_only(value)


@functools.cache
def _renderer() -> RendererAgg:
    # At 72 dpi one pixel is one point, so measured widths are in points.
    return RendererAgg(8, 8, 72)


def text_width(value: str, size: float, family: tuple[str, ...], weight: str = "normal") -> float:
    """Width of *value* in points, measured with the fonts that will draw it."""
    prop = FontProperties(family=list(family), size=size, weight=weight)
    return _renderer().get_text_width_height_descent(value, prop, ismath=False)[0]


# Chinese typesetting never starts a line with closing punctuation nor ends one with an opening
# bracket.
_NO_LINE_START = set("，。；：、）》」』】”’！？,.;:)]")
_NO_LINE_END = set("（《「『【“‘([")
# A token is one CJK character, or a run of other characters with its trailing spaces. Only the
# ASCII space breaks: a no-break space (U+00A0) keeps e.g. "ch.1 s.1" on one line.
_WIDE = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_TOKENS = re.compile(rf"[{_WIDE}]|[^ \t{_WIDE}]+[ \t]*|[ \t]+")


def wrap(value: str, width: float, size: float, family: tuple[str, ...] | list[str],
         weight: str = "normal") -> str:
    """Break *value* into lines no wider than *width* points.

    Latin text breaks between words, Chinese between any two characters
    (Chinese has no spaces); existing newlines are kept.
    """
    family = tuple(family)
    lines: list[str] = []
    for paragraph in value.split("\n"):
        line = ""
        for token in _TOKENS.findall(paragraph):
            candidate = line + token
            if line and token[0] not in _NO_LINE_START and \
                    text_width(candidate.rstrip(), size, family, weight) > width:
                carry = ""
                while line and line[-1] in _NO_LINE_END:  # move "【" down with what it opens
                    carry, line = line[-1] + carry, line[:-1]
                if line.strip():
                    lines.append(line.rstrip())
                    line = carry + token.lstrip()
                else:
                    line = candidate
            else:
                line = candidate
        lines.append(line.rstrip())
    return "\n".join(lines)
