"""The outside view: how fast other Chinese regions moved over five years, up to 2020.

A forecast that Ganzhou's R&D intensity rises 0.25 pp a year for five years is a claim about
what regions do; the *reference class* says what regions did.  This module derives it from two
files of the project:

``calibration/reference_class.csv``
    (a verbatim copy of ``../shared/data/reference_class.csv``) R&D intensities, R&D spending and
    high-tech firm counts of the nation, provinces and cities, years up to 2020, each row sourced;
    plus ``<indicator>_target`` rows: targets set for 2020.
``calibration/observations.csv``
    the Ganzhou, Jiangxi and China rows of the same indicators (and ``tech_contract_turnover``).

**One value per region, indicator and year.**  The files repeat some points, sometimes as a
first release and a revision, a derived figure, or a preliminary estimate.  The value kept is
the first by (1) quality: a directly published figure (``level`` rows of observations.csv,
reference rows without a flag) before a *derived* one (``level_derived``; a note starting
``derived:``, i.e. a difference of two published figures) before a *preliminary, approximate or
rounded* one (``level_rounded``; a note saying preliminary, approximate, 左右 or forecast);
(2) file: observations.csv (the project's checked bulletin figures) before reference_class.csv;
(3) order in the file.  Only single-year levels take part (not ``as_of`` counts part-way through
a year, spans, bounds or flows).  Thus China's 2020 R&D intensity is the bulletin's 2.40 (not the
later revision 2.41, which would not match the first-release 2015 value it is compared with).

**Paces.**  For a rate in % (R&D intensity) the pace is percentage points per year,
``(v_end - v_start) / years``; for counts and money (firms, R&D spending, contract turnover) the
compound annual growth rate ``(v_end / v_start) ** (1 / years) - 1``.

**Windows.**  A window spans 3 to 6 years and ends at or before ``until`` (2020).  Per region and
indicator: take the latest end year that has a start 3-6 years before it, and of those starts
the one closest to 5 years (a tie goes to the longer window: less noise from rounded values);
then, once more, a second window ending at or before the first one's start.  At most two
windows per region, sharing no year but an end point, so that Guangzhou's annual series gives
2015-2020 and 2010-2015 and does not outweigh regions with two data points.

Ganzhou's own windows are in the class: it is one of the regions that could have been looked up
in 2021.
"""

from __future__ import annotations

from .check import PaceCheck, describe_pace, pace_check
from .files import (COLUMNS, LEVELS, MIN_CLASS, ReferenceClassError, load_reference_class,
                    reference_points, target_outcomes)
from .class_paces import class_indicators, growth_dispersion, implied_pace, pace_summary, pace_unit, paces

__all__ = ["ReferenceClassError", "COLUMNS", "LEVELS", "MIN_CLASS", "PaceCheck",
           "load_reference_class", "reference_points", "class_indicators", "pace_unit", "paces",
           "pace_summary", "implied_pace", "pace_check", "describe_pace", "growth_dispersion",
           "target_outcomes"]
