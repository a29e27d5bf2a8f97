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

from .._lazy import lazy_exports

# Exports load on first use (see gzsim._lazy).
_EXPORTS = {
    "BriefResult": "build",
    "brief_targets": "build",
    "build_brief": "build",
    "levers_table": "excel",
    "results_table": "excel",
    "write_workbook": "excel",
    "write_pdf": "pdf",
    "ALL_HEADLINE": "reach",
    "REACH_COLUMNS": "reach",
    "scoreboard": "reach",
    "status_of": "reach",
    "joint_sentence": "text",
    "target_paragraph": "text",
}
__getattr__ = lazy_exports(__name__, _EXPORTS)


__all__ = [
    "build_brief", "BriefResult", "brief_targets", "scoreboard", "status_of", "REACH_COLUMNS", "ALL_HEADLINE",
    "target_paragraph", "joint_sentence", "write_pdf", "write_workbook", "results_table", "levers_table",
]
