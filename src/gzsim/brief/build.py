"""Building a briefing pack: simulate, score, and write charts, PDF, workbook and text.

:func:`build_brief` is what ``gzsim brief`` runs; the app and notebooks can
call it (or the pieces it uses) directly.
"""

from __future__ import annotations

import datetime as _dt
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import pandas as pd

from .. import __version__
from ..charts import forecast_chart, load_history, save_figure, usable_language
from ..charts.history import default_data_file
from ..charts.strings import text as ui_text
from ..errors import UsageError
from ..model import Model
from ..provenance import dumps, file_sha256, record, summary, targets_hash
from ..scenario import ResolvedScenario, require_distinct_names
from ..simulation import Simulation
from ..targets import Target
from .excel import data_table, levers_table, results_table, write_workbook
from .facts import joint_text, paragraphs, short_title
from .outdir import MARKER, check_out_dir, staged_dir
from .pdf import Scoreboard, write_pdf
from .reach import (board_row, hindcast_sentence, mark_unreachable, measure_name, scoreboard, status_key,
                    trust_sentences)
from .text import probability_text, template

__all__ = ["SIZES", "BriefResult", "build_brief", "brief_targets"]

SIZES = ("slide", "print")


@dataclass(frozen=True)
class BriefResult:
    """What :func:`build_brief` wrote.

    Attributes
    ----------
    out : pathlib.Path
        The brief folder.
    lang : str
        The language actually used (``"en"`` when Chinese could not be drawn).
    seed : int or None
    files : list of pathlib.Path
        Every file written, relative to *out*.
    scoreboard : pandas.DataFrame
        The reach frame.
    """

    out: Path
    lang: str
    seed: int | None
    files: list[Path] = field(default_factory=list)
    scoreboard: pd.DataFrame | None = None


def brief_targets(scenarios: Sequence[ResolvedScenario], year: int) -> list[Target]:
    """The targets for *year* shared by all *scenarios* (from their ``targets`` file).

    Raises
    ------
    UsageError
        A scenario has no targets file, scenarios use different ones, or no target is for *year*.
    """
    first = scenarios[0].targets
    for sc in scenarios:
        if sc.targets is None:
            raise UsageError("scenario has no targets file; add targets = \"targets/....toml\" "
                             "(or extend a scenario that has one)", path=sc.path)
        if first is not None and sc.targets.path != first.path:
            raise UsageError(f"scenarios use different targets files ({first.path.name} and "
                             f"{sc.targets.path.name}); brief scenarios with the same targets together",
                             path=sc.path)
    chosen = [t for t in first.targets if t.year == year]
    if not chosen:
        years = sorted({t.year for t in first.targets})
        raise UsageError(f"no target for {year} in {first.path.name}; years with targets: "
                         f"{', '.join(map(str, years))}; use --year", path=first.path)
    return chosen


def _markdown(title: str, subtitle: str, board: pd.DataFrame, targets: Sequence[Target],
              names: Sequence[str], labels: dict[str, str], joint: str,
              paras: Sequence[tuple[Target, str]], lang: str, provenance: dict) -> str:
    head = [template("col_target", lang), *(labels[n] for n in names)]
    lines = [f"# {title}", "", subtitle, "", f"## {template('scoreboard', lang)}", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for t in targets:
        cells = []
        for n in names:
            row = board_row(board, n, t)
            status = ui_text(status_key(row["status"]), lang)
            cells.append(f"{probability_text(row['probability'], lang)} {status}")
        lines.append("| " + ("★ " if t.headline else "") + t.label(lang) + " | " + " | ".join(cells) + " |")
    lines += ["", template("scoreboard_note", lang, year=targets[0].year), ""]
    if joint:
        lines += [joint, ""]
    lines += [f"## {template('findings', lang)}", ""]
    for _t, para in paras:
        lines += [para, ""]
    return "\n".join(lines + _provenance_footer(provenance, lang))


def _provenance_footer(provenance: dict, lang: str) -> list[str]:
    """A short line for readers, and the full record as an HTML comment (hidden when rendered)."""
    note = template("provenance_note", lang, summary=summary(provenance))
    if provenance.get("reproduce"):
        note += " " + template("reproduce", lang, command=provenance["reproduce"])
    # "--" may not appear inside an HTML comment; JSON escapes keep the record intact.
    record_json = dumps(provenance, ascii_only=True).replace("--", "-\\u002d")
    return ["---", "", f"<sub>{note}</sub>", "", f"<!-- gzsim-provenance {record_json} -->", ""]


def build_brief(model: Model, scenarios: Sequence[ResolvedScenario], out: str | os.PathLike[str], *,
                lang: str = "zh", year: int = 2025, samples: int = 200, seed: int | None = None,
                sizes: Sequence[str] = SIZES, data: str | os.PathLike[str] | None = None,
                force: bool = False) -> BriefResult:
    """Write a briefing pack into folder *out*.

    Writes ``charts/<indicator>_<size>.png`` (300 dpi) and ``.svg`` for every
    catalogue indicator, ``summary.pdf``, ``summary.md``, ``brief.xlsx`` and
    the marker ``.gzsim-brief`` (provenance as JSON).  Everything goes to a
    temporary folder first: on failure *out* is not created or changed.

    One provenance record (:func:`gzsim.provenance.record`) is written
    everywhere: the marker, the workbook's ``provenance`` sheet, the PDF's and
    every chart's metadata, and the end of ``summary.md``.

    Parameters
    ----------
    model : Model
    scenarios : sequence of ResolvedScenario
        Loaded with ``model.load_scenario``; they must share a targets file.
    out : path-like
        The brief folder: missing or empty; or, with *force*, a previous brief.
    lang : {"zh", "en"}
        Falls back to English with a :class:`~gzsim.charts.FontWarning` when no
        CJK font is installed.
    year : int
        Year of the targets briefed on; charts end in this year.
    samples : int
        Monte-Carlo samples per scenario (at least 1; a few hundred for stable probabilities).
    seed : int, optional
        Random seed (default: drawn, and recorded in the outputs).
    sizes : sequence of {"slide", "print"}
    data : path-like, optional
        Observations CSV (default: ``calibration/observations.csv`` of the project).
    force : bool
        Replace *out* if it is a previous brief.

    Returns
    -------
    BriefResult

    Raises
    ------
    UsageError, OutputError
        Bad arguments or output folder; raised before anything is simulated.
    """
    out = check_out_dir(out, force=force)
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        # A probability needs an ensemble; one deterministic run would show as "100 %" or "0 %".
        raise UsageError(f"samples must be a whole number >= 1 for a brief (probabilities come from "
                         f"Monte-Carlo samples), got {samples!r}")
    bad_sizes = [s for s in sizes if s not in SIZES]
    if bad_sizes or not sizes:
        raise UsageError(f"sizes must be among {', '.join(SIZES)}, got {', '.join(map(str, sizes)) or 'none'}")
    require_distinct_names(list(scenarios))
    model.check_run_size(len(scenarios), samples)  # every scenario's samples are kept together
    names = [s.name for s in scenarios]
    targets = brief_targets(scenarios, year)
    data_path = Path(data) if data is not None else default_data_file(model.catalogue.path)
    catalogue = model.catalogue
    history = load_history(data_path, indicators=catalogue.indicator_ids) if (data is not None or
                                                                               data_path.is_file()) else None
    used = usable_language(lang, stacklevel=2)
    if seed is None:
        seed = secrets.randbelow(2**32)
    sims: list[Simulation] = [model.simulate(sc, samples=samples, seed=seed) for sc in scenarios]
    board = scoreboard(sims, targets)
    # A target no lever setting reaches says so ("not reachable within the lever ranges").
    from ..analysis.ceiling import lever_ceiling

    board = mark_unreachable(board, {sc.name: lever_ceiling(model, sc, samples=min(samples, 200), seed=seed,
                                                            year=year) for sc in scenarios})
    labels = {sc.name: short_title(sc, used) for sc in scenarios}
    by_indicator: dict[str, list[Target]] = {}
    for t in targets:
        by_indicator.setdefault(t.id, []).append(t)
    note = ui_text("note_seed", used, model=catalogue.model_file.name, seed=seed)

    def chart(indicator_id: str, size: str, ax=None):
        return forecast_chart(catalogue.indicator(indicator_id), sims, history=history,
                              target=by_indicator.get(indicator_id), lang=used, size=size, ax=ax,
                              scenario_labels=labels, note=note, until=year)

    samples_text = template("samples_n", used, n=samples, seed=seed)
    today = _dt.date.today().isoformat()
    title = template("title", used, year=year)
    subtitle = template("subtitle", used, scenarios=template("names_sep", used).join(labels[n] for n in names),
                        samples=samples_text, date=today)
    paras = paragraphs(targets, board, sims, catalogue, labels, used)
    # how far to trust each headline answer (of the first scenario)
    trust = trust_sentences(model, scenarios[0], sims[0], targets, used, label=labels[names[0]])
    gap = "" if used == "zh" else " "  # Chinese sentences follow "。" without a space
    paras = [(t, f"{p}{gap}{trust[t]}" if t in trust else p) for t, p in paras]
    joint = joint_text(board, labels, used)
    hindcasts = hindcast_sentence(model, used)  # how far to trust all of it, said once
    joint = f"{joint}{gap}{hindcasts}" if joint and hindcasts else joint or hindcasts
    ordered = [t for t, _ in paras]
    # No clock time in the record: the same inputs and seed give the same record.
    provenance = record(
        model, scenarios, seed=seed, samples=samples, analysis="brief", year=year, language=used,
        language_requested=lang, sizes=list(sizes), targets_file=scenarios[0].targets.path.name,
        targets_sha256=targets_hash(targets),
        data_file=data_path.name if history is not None else None,
        data_sha256=file_sha256(data_path) if history is not None else None)
    files: list[Path] = []
    with staged_dir(out) as tmp:
        (tmp / "charts").mkdir()
        for indicator in catalogue.indicators:
            for size in sizes:
                files += save_figure(chart(indicator.id, size), tmp / "charts" / f"{indicator.id}_{size}",
                                     provenance=provenance)
        write_pdf(tmp / "summary.pdf", lang=used, title=title, subtitle=subtitle,
                  scoreboard=Scoreboard(board, ordered, names, labels,
                                        {i.id: i.unit for i in catalogue.indicators}),
                  year=year, joint=joint, paragraphs=paras,
                  charts=[lambda ax, i=i: chart(i, "print", ax) for i in dict.fromkeys(t.id for t in ordered)],
                  footer=f"gzsim {__version__} · {today}", provenance=provenance)
        labels_by_key = {(t.id, measure_name(t)): t.label(used) for t in targets}
        score_sheet = board.assign(
            label=[labels_by_key.get((r.target, r.measure), ui_text("all_headline", used))
                   for r in board.itertuples()],
            status_text=[ui_text(status_key(s), used) for s in board["status"]])
        write_workbook(tmp / "brief.xlsx", {
            "results": results_table(sims, catalogue, used), "scoreboard": score_sheet,
            "levers": levers_table(scenarios, catalogue, used), "data": data_table(history, used),
        }, provenance, lang=used)
        (tmp / "summary.md").write_text(_markdown(title, subtitle, board, ordered, names, labels, joint, paras,
                                                  used, provenance), encoding="utf-8")
        (tmp / MARKER).write_text(dumps(provenance, indent=2) + "\n", encoding="utf-8")
        files += [tmp / "summary.pdf", tmp / "brief.xlsx", tmp / "summary.md"]
        files = [f.relative_to(tmp) for f in files]
    return BriefResult(out=out, lang=used, seed=seed, files=files, scoreboard=board)
