"""Publication charts of gzsim results, in Chinese or English.

Public API
----------
forecast_chart(indicator, simulations, *, history=None, target=None, lang="en", size="slide",
               ax=None, scenario_labels=None, catalogue=None, note=None) -> Figure
save_figure(fig, stem, formats=("png", "svg"), *, dpi=300) -> list[Path]
load_history(path=None, *, indicators=None, region="Ganzhou") -> DataFrame
find_cjk_font() -> str | None
usable_language(lang) -> str          ("en" with a FontWarning when Chinese cannot be drawn)
text(key, lang, **fields) -> str      UI strings from strings.toml
unit_label(unit, lang) -> str
SIZES                                 {"slide": (13.333, 7.5), "print": (6.3, 3.9)} inches
"""

from .data import IndicatorSeries, indicator_series
from .fonts import FontWarning, find_cjk_font, usable_language
from .forecast import PLAN_PERIOD, forecast_chart
from .numbers import decimals_for, format_number
from .history import default_data_file, load_history
from .save import save_figure
from .strings import text, unit_label
from .style import SIZES

__all__ = [
    "forecast_chart", "save_figure", "load_history", "default_data_file", "find_cjk_font",
    "usable_language", "FontWarning", "text", "unit_label", "format_number", "decimals_for", "SIZES",
    "PLAN_PERIOD",
    "IndicatorSeries", "indicator_series",
]
