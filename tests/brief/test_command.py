"""``gzsim brief`` end to end: one Chinese brief in a temporary folder, its PDF and workbook, bad input."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from matplotlib import font_manager

import gzsim
from gzsim.brief.excel import LEVERS_COLUMNS, RESULTS_COLUMNS
from gzsim.brief.outdir import MARKER
from gzsim.analysis.ceiling import lever_ceiling
from gzsim.brief.reach import REACH_COLUMNS, mark_unreachable
from gzsim.charts import find_cjk_font
from gzsim.cli import main
from gzsim.paths import scenarios_dir

needs_cjk = pytest.mark.skipif(find_cjk_font() is None,
                               reason="no CJK font installed (apt-get install fonts-noto-cjk)")


@pytest.fixture(scope="module")
def brief(tmp_path_factory):
    """A small Chinese brief written by the CLI (print-size charts only, to keep the suite fast)."""
    out = tmp_path_factory.mktemp("brief") / "out"
    status = main(["brief", "baseline", "plan", "--out", str(out), "--samples", "50", "--seed", "1",
                   "--size", "print", "--lang", "zh"])
    assert status == 0
    return out


def _pdf_font_names(path) -> set[str]:
    data = path.read_bytes()
    return {m.decode("latin-1") for m in re.findall(rb"/(?:BaseFont|FontName)\s*/([^\s/\[\]<>()]+)", data)}


def test_files(brief):
    catalogue = gzsim.load_catalogue(gzsim.paths.bundled_catalogue())
    expected = {f"{i}_print.{ext}" for i in catalogue.indicator_ids for ext in ("png", "svg")}
    assert {p.name for p in (brief / "charts").iterdir()} == expected
    assert {p.name for p in brief.iterdir()} == {"charts", "summary.pdf", "summary.md", "brief.xlsx", MARKER}
    assert not [p for p in brief.parent.iterdir() if p.name.startswith(".")]  # no temporary folder left
    provenance = json.loads((brief / MARKER).read_text(encoding="utf-8"))
    assert provenance["seed"] == 1 and provenance["samples"] == 50 and provenance["year"] == 2025
    assert set(provenance["scenarios"]) == {"baseline", "plan"}


@needs_cjk
def test_pdf_embeds_the_cjk_font(brief):
    path = font_manager.findfont(font_manager.FontProperties(family=find_cjk_font()), fallback_to_default=False)
    ps_name = font_manager.get_font(path).postscript_name  # e.g. NotoSansCJKsc-Regular
    names = _pdf_font_names(brief / "summary.pdf")
    assert any(name.split("+")[-1] == ps_name for name in names), names
    assert brief.joinpath("summary.pdf").read_bytes().startswith(b"%PDF")


@needs_cjk
def test_summary_text_is_chinese(brief):
    md = (brief / "summary.md").read_text(encoding="utf-8")
    assert md.startswith("# 赣州能否实现2025年科技创新目标？")
    assert "全社会R&D经费支出占GDP比重达2.6%：2025年目标为不低于2.6%。" in md
    assert re.search(r"基准情景：(进展顺利|存在风险|偏离目标)，中位数", md)
    assert "全部核心目标同时实现的概率" in md


DATA_COLUMNS = ["region", "indicator", "period", "value", "unit", "kind", "source", "note"]


def _sheets_by_id(path, lang):
    """The workbook's sheets with their headers checked against ``headers(sheet, ids, lang)`` and
    replaced by the column ids (the scoreboard's ids are the brief's scoreboard columns)."""
    from gzsim.brief.excel import headers

    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    ids = {"results": RESULTS_COLUMNS, "levers": LEVERS_COLUMNS, "data": DATA_COLUMNS, "provenance": ["key", "value"],
           "scoreboard": [c for c in REACH_COLUMNS if c in BRIEF_SCOREBOARD] + ["label", "status_text"]}
    for name, frame in sheets.items():
        assert list(frame.columns) == headers(name, ids[name], "en" if name == "provenance" else lang), name
        frame.columns = ids[name]
    return sheets


BRIEF_SCOREBOARD = ["scenario", "target", "year", "measure", "threshold", "median", "p05", "p95", "probability",
                    "status"]


@needs_cjk
def test_chinese_workbook_headers_and_units_are_chinese(brief):
    from openpyxl import load_workbook

    from gzsim.charts.strings import has_cjk

    book = load_workbook(brief / "brief.xlsx", read_only=True)
    for name in ("results", "scoreboard", "levers", "data"):
        header = [c.value for c in next(book[name].iter_rows(max_row=1))]
        assert all(has_cjk(h) for h in header), (name, [h for h in header if not has_cjk(h)])
    assert [c.value for c in next(book["provenance"].iter_rows(max_row=1))] == ["key", "value"]  # read back by id
    sheets = _sheets_by_id(brief / "brief.xlsx", "zh")
    # units in the charts' Chinese words: none left in English words ("% of GDP", "1/year", "× 2020 level")
    for name in ("results", "levers"):
        units = {u for u in sheets[name]["unit"].dropna().astype(str)}
        assert not [u for u in units if re.search(r"[a-z]{2,}", u)], (name, units)
    assert "%（占GDP）" in set(sheets["results"]["unit"]) and "2020年水平的倍数" in set(sheets["levers"]["unit"])
    assert set(sheets["data"]["kind"]) <= {"统计数据", "统计数据（年度流量）", "年内时点数", "统计下限值"}
    assert not sheets["data"]["source"].str.contains("press conference").any()


def test_english_workbook_keeps_the_column_ids(english_brief):
    sheets = _sheets_by_id(english_brief / "brief.xlsx", "en")
    assert "% of GDP" in set(sheets["results"]["unit"])


def test_workbook_sheets_and_columns(brief):
    from gzsim.charts import find_cjk_font

    sheets = _sheets_by_id(brief / "brief.xlsx", "zh" if find_cjk_font() else "en")
    assert list(sheets) == ["results", "scoreboard", "levers", "data", "provenance"]
    results = sheets["results"]
    assert set(results["scenario"]) == {"baseline", "plan"}
    assert (results["p05"] <= results["median"] + 1e-9).all() and (results["median"] <= results["p95"] + 1e-9).all()
    levers = sheets["levers"].set_index(["scenario", "lever"])
    assert levers.loc[("plan", "talent_flats"), "time_path"] == "series 2020=0, 2025=100000"
    assert "plan ch.5 s.4" in levers.loc[("plan", "talent_flats"), "source"]
    assert sheets["data"]["source"].notna().all()
    targets = gzsim.load_targets(gzsim.paths.scenarios_dir() / "targets" / "plan_2025.toml")
    n = sum(t.year == 2025 for t in targets)
    assert len(sheets["scoreboard"]) == 2 * (n + 1)  # targets for 2025 + all_headline, per scenario


@pytest.mark.parametrize("extra, message", [
    (["--lang", "fr"], "invalid choice"),
    (["--size", "huge"], "invalid choice"),
    (["--samples", "-3"], "must be >= 1"),
    (["--samples", "0"], "must be >= 1"),
    (["--year", "2030"], "no target for 2030"),
    (["--data", "no/such.csv"], "data file not found"),
])
def test_bad_options_exit_2_and_create_nothing(tmp_path, capsys, extra, message):
    out = tmp_path / "brief"
    # Without the calibration: these errors come before or apart from it, and it loads faster.
    assert main(["brief", "baseline", "--out", str(out), "--samples", "2", "--seed", "1",
                 "--calibration", "none", *extra]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_unknown_scenario_and_missing_out(tmp_path, capsys):
    assert main(["brief", "basline", "--out", str(tmp_path / "b"), "--calibration", "none"]) == 2
    assert "did you mean 'baseline'" in capsys.readouterr().err
    assert main(["brief", "baseline"]) == 2
    assert "--out" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_non_empty_folder_is_refused(tmp_path, capsys):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main(["brief", "baseline", "--out", str(out), "--force"]) == 2
    assert "not a gzsim brief" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_pdf_fonts_are_truetype_so_its_text_is_searchable(brief):
    data = (brief / "summary.pdf").read_bytes()
    assert b"/Type3" not in data and b"/Subtype /Type3" not in data  # matplotlib's default Type 3 glyphs
    assert b"/FontFile2" in data or b"/FontFile3" in data  # embedded outline fonts


@pytest.fixture(scope="module")
def english_brief(tmp_path_factory):
    out = tmp_path_factory.mktemp("brief_en") / "out"
    assert main(["brief", "baseline", "--out", str(out), "--samples", "50", "--seed", "1", "--size", "print",
                 "--lang", "en"]) == 0
    return out


def test_english_brief_counts_yuan_in_billions_and_flags_what_no_lever_reaches(english_brief):
    md = (english_brief / "summary.md").read_text(encoding="utf-8")
    assert "6 bn yuan" in md and "60 亿元" not in md and "100 million yuan" not in md
    # flagged exactly when the lever ceiling the brief computes (50 samples, seed 1) finds a target
    # that no lever setting meets in 1 % of the draws (such a target is off track: its own
    # probability cannot exceed the best corner's)
    model = gzsim.load_model()
    ceiling = lever_ceiling(model, model.load_scenario(scenarios_dir() / "baseline.toml"), samples=50, seed=1)
    flagged = not ceiling["reachable"].all()
    assert ("not reachable within the lever ranges" in md) == flagged, ceiling


def test_the_brief_marks_unreachable_only_off_track_rows_the_ceiling_names():
    board = pd.DataFrame({"scenario": ["a", "a", "b"], "target": ["x", "y", "x"],
                          "measure": ["level"] * 3, "status": ["off track", "at risk", "off track"]})
    ceiling = pd.DataFrame({"target": ["x", "y"], "measure": ["level", "level"], "reachable": [False, False]})
    marked = mark_unreachable(board, {"a": ceiling})
    assert marked["status"].tolist() == ["unreachable", "at risk", "off track"]


def _melded_sentences(md: str, lang: str) -> list[str]:
    head = ("按国内参照地区2020年以前的增速对基准情景的模拟结果加权（外部视角），" if lang == "zh" else
            "Weighting Baseline's simulations by how fast regions across China moved up to 2020 (the outside view) ")
    return re.findall(re.escape(head) + (r"[^。]*。" if lang == "zh" else r"[^.]*\."), md)


def test_english_brief_gives_the_outside_view_of_each_headline_target_with_a_class(english_brief):
    # R&D intensity and high-tech firms (tech contracts have no reference class); 50 samples are
    # too few for the melded probability, and the sentence says why instead
    found = _melded_sentences((english_brief / "summary.md").read_text(encoding="utf-8"), "en")
    assert len(found) == 2
    assert all(re.search(r"gives (a probability of [<>]?\d+ % \(model alone: [<>]?\d+ %\)|no usable "
                         r"probability: \S.+)\.$", s) for s in found), found


@needs_cjk
def test_chinese_brief_gives_the_outside_view_in_chinese(brief):
    found = _melded_sentences((brief / "summary.md").read_text(encoding="utf-8"), "zh")
    assert len(found) == 2
    for sentence in found:
        assert re.search(r"(实现概率为[<>]?\d+%（仅依模型为[<>]?\d+%）|无法得出可用的概率：.+)。$", sentence), sentence
        assert not re.search("[A-Za-z]", sentence), sentence
    findings = (brief / "summary.md").read_text(encoding="utf-8").split("## 分析结论")[1].split("\n---")[0]
    assert "。 " not in findings  # no space between Chinese sentences


def test_the_hindcast_coverage_is_said_once_after_the_joint_probability(english_brief):
    # the committed backtest's coverage qualifies every answer: one sentence, not one per target
    text = (english_brief / "summary.md").read_text(encoding="utf-8")
    assert text.count("In hindcasts (refitted on data up to") == 1
    joint_line = next(line for line in text.splitlines() if "In hindcasts" in line)
    assert joint_line.startswith("All headline targets met together")


def test_no_half_empty_page_before_the_charts(tmp_path):
    # Text filling a third of a page and three charts: the first chart goes under the text, so two
    # pages, not a page of text then two pages of charts.
    from gzsim.brief.pdf import Scoreboard, write_pdf

    board = Scoreboard(pd.DataFrame(columns=REACH_COLUMNS), [], [], {}, {})
    drawn = []
    charts = [lambda ax, i=i: drawn.append(ax.plot([0, 1], [0, i])) for i in range(3)]
    path = write_pdf(tmp_path / "s.pdf", lang="en", title="Title", subtitle="Sub", scoreboard=board, year=2025,
                     joint="", paragraphs=[(None, "Some words. " * 120)], charts=charts)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))
    assert len(drawn) == 3 and pages == 2


def test_workbook_numbers_are_formatted_and_keep_full_precision(brief):
    from openpyxl import load_workbook

    sheet = load_workbook(brief / "brief.xlsx")["scoreboard"]
    header = BRIEF_SCOREBOARD + ["label", "status_text"]  # by position: the headers may be Chinese
    assert sheet.max_column == len(header)
    probability = sheet.cell(row=2, column=header.index("probability") + 1)
    median = sheet.cell(row=2, column=header.index("median") + 1)
    assert probability.number_format == "0.0%"
    assert median.number_format.startswith("#,##0")
    assert isinstance(median.value, float)  # the value itself is not rounded
