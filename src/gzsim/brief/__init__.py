"""Briefing packs: charts, a summary PDF and an Excel workbook from scenario runs.

Public API
----------
build_brief(model, scenarios, out, *, lang="zh", year=2025, samples=200, seed=None,
            sizes=("slide", "print"), data=None, force=False) -> BriefResult
scoreboard(simulations, targets) -> DataFrame
    scenario, target, year, threshold, median, p05, p95, probability, status
    (+ a row target == "all_headline" per scenario).
target_paragraph(target, scenarios, lang) -> str     the plain-language paragraph of one target
joint_sentence(items, lang) -> str
write_pdf(...), write_workbook(...), results_table(...), levers_table(...)
"""

from .build import BriefResult, brief_targets, build_brief
from .excel import levers_table, results_table, write_workbook
from .pdf import write_pdf
from .reach import ALL_HEADLINE, REACH_COLUMNS, scoreboard, status_of
from .text import joint_sentence, target_paragraph

__all__ = [
    "build_brief", "BriefResult", "brief_targets", "scoreboard", "status_of", "REACH_COLUMNS", "ALL_HEADLINE",
    "target_paragraph", "joint_sentence", "write_pdf", "write_workbook", "results_table", "levers_table",
]
