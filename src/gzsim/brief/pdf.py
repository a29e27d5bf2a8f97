"""The summary PDF: scoreboard, one paragraph per target, the key charts.

Drawn with matplotlib (``PdfPages``) so the charts stay vector graphics and
the same fonts are embedded everywhere: TrueType (Type 42) subsets, so a
Chinese brief carries the CJK font it was typeset with.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..charts.strings import text as ui_text
from ..charts.style import display, font_family, rc_params, wrap
from ..provenance import embed
from ..targets import Target
from .reach import ALL_HEADLINE, board_row, measure_name, status_key
from .text import probability_text, template, threshold_text

__all__ = ["A4", "write_pdf", "Scoreboard"]

A4 = (8.27, 11.69)
_W, _H = A4[0] * 72, A4[1] * 72
_MARGIN = 54.0
_WIDTH = _W - 2 * _MARGIN
_GREY = "#4D4D4D"
# Light tints behind the status words (the words carry the meaning; colour only helps scanning).
_STATUS_FILL = {"on_track": "#D5EFE6", "at_risk": "#FCE9C2", "off_track": "#F8D5C3", "unreachable": "#E0E0E0"}


@dataclass(frozen=True)
class Scoreboard:
    """What the scoreboard table shows."""

    board: pd.DataFrame               # the reach frame
    targets: Sequence[Target]         # in display order
    scenarios: Sequence[str]          # scenario names, column order
    labels: dict[str, str]            # scenario name -> column heading
    units: dict[str, str]             # indicator id -> catalogue unit


class _Flow:
    """Places text top to bottom on A4 pages, starting a new page when one is full."""

    def __init__(self, pdf: PdfPages, lang: str, footer: str):
        self.pdf, self.lang, self.footer = pdf, lang, footer
        self.family = font_family(lang)
        self.fig: Figure | None = None
        self.y = 0.0
        self.page = 0

    def new_page(self) -> Figure:
        self.close_page()
        self.page += 1
        self.fig = Figure(figsize=A4)
        self.y = _MARGIN
        self.fig.text(_MARGIN / _W, 30 / _H, f"{self.footer} · {self.page}", fontsize=7, color=_GREY,
                      parse_math=False)
        return self.fig

    def close_page(self) -> None:
        if self.fig is not None:
            self.pdf.savefig(self.fig)
            self.fig = None

    def need(self, height: float) -> None:
        if self.fig is None or self.y + height > _H - _MARGIN:
            self.new_page()

    def put(self, x: float, y: float, value: str, **kwargs) -> None:
        """Text with its top-left corner at (*x*, *y*) points from the page's top-left."""
        self.fig.text(x / _W, 1 - y / _H, value, va="top", ha="left", parse_math=False, **kwargs)

    def paragraph(self, value: str, size: float, *, weight: str = "normal", color: str = "black",
                  after: float = 6.0, width: float = _WIDTH) -> None:
        """Wrapped text, split across pages line by line."""
        step = size * 1.5
        for line in wrap(display(value), width, size, self.family, weight).split("\n"):
            self.need(step)
            self.put(_MARGIN, self.y, line, fontsize=size, fontweight=weight, color=color)
            self.y += step
        self.y += after

    def rect(self, x: float, y: float, w: float, h: float, colour: str) -> None:
        self.fig.add_artist(Rectangle((x / _W, 1 - (y + h) / _H), w / _W, h / _H, facecolor=colour,
                                      edgecolor="white", lw=1.0, transform=self.fig.transFigure))


def _cell_lines(value: str, width: float, size: float, family, weight: str = "normal") -> list[str]:
    return wrap(display(value), width - 8, size, family, weight).split("\n")


def _scoreboard(flow: _Flow, sb: Scoreboard, year: int) -> None:
    lang, size = flow.lang, 8.0
    step = size * 1.45
    n = len(sb.scenarios)
    label_w = _WIDTH * (0.40 if n <= 3 else 0.34)
    value_w = _WIDTH * 0.14
    col_w = (_WIDTH - label_w - value_w) / max(n, 1)
    xs = [_MARGIN, _MARGIN + label_w] + [_MARGIN + label_w + value_w + i * col_w for i in range(n)]
    headers = [template("col_target", lang), template("col_threshold", lang, year=year)] + \
              [sb.labels.get(s, s) for s in sb.scenarios]
    widths = [label_w, value_w] + [col_w] * n
    head = [_cell_lines(h, w, size, flow.family, "bold") for h, w in zip(headers, widths)]
    h = max(len(x) for x in head) * step + 6
    flow.need(h)
    for x, lines in zip(xs, head):
        flow.put(x + 4, flow.y + 3, "\n".join(lines), fontsize=size, fontweight="bold", linespacing=1.3)
    flow.y += h
    rows = [(t, ("★ " if t.headline else "") + t.label(lang)) for t in sb.targets]
    if (sb.board["target"] == ALL_HEADLINE).any():
        rows.append((None, ui_text("all_headline", lang)))
    for target, label in rows:
        cells = _cell_lines(label, label_w, size, flow.family)
        value = "" if target is None else threshold_text(
            {"direction": target.direction, "threshold": target.threshold, "unit": sb.units.get(target.id, ""),
             "measure": measure_name(target)}, lang)
        value_lines = _cell_lines(value, value_w, size, flow.family)
        h = max(len(cells), len(value_lines), 2) * step + 6
        flow.need(h)
        flow.rect(_MARGIN, flow.y, _WIDTH, h, "#F4F4F4" if target is None else "#FAFAFA")
        flow.put(xs[0] + 4, flow.y + 3, "\n".join(cells), fontsize=size, linespacing=1.3,
                 fontweight="bold" if target is None else "normal")
        flow.put(xs[1] + 4, flow.y + 3, "\n".join(value_lines), fontsize=size, linespacing=1.3)
        for i, scenario in enumerate(sb.scenarios):
            row = board_row(sb.board, scenario, target if target is not None else ALL_HEADLINE)
            if row is None:
                continue
            status = status_key(row["status"])
            flow.rect(xs[2 + i], flow.y, col_w, h, _STATUS_FILL[status])
            flow.put(xs[2 + i] + 4, flow.y + 3, probability_text(float(row["probability"]), lang),
                     fontsize=size, fontweight="bold")
            # the short word fits a cell; the paragraphs and the note below spell it out
            word = ui_text("unreachable_short" if status == "unreachable" else status, lang)
            flow.put(xs[2 + i] + 4, flow.y + 3 + step, word, fontsize=size)
        flow.y += h
    flow.y += 6


def write_pdf(path: str | os.PathLike[str], *, lang: str, title: str, subtitle: str, scoreboard: Scoreboard,
              year: int, joint: str, paragraphs: Sequence[tuple[Target, str]],
              charts: Sequence[Callable[[object], None]], footer: str = "gzsim",
              provenance: Mapping[str, Any] | None = None) -> Path:
    """Write the summary PDF.

    Parameters
    ----------
    path : path-like
    lang : {"en", "zh"}
        The language actually shown (fonts follow it).
    title, subtitle : str
    scoreboard : Scoreboard
    year : int
        The targets' year.
    joint : str
        The sentence on all headline targets together (may be empty).
    paragraphs : sequence of (Target, str)
    charts : sequence of callables
        Each draws one chart into the axes it is given (e.g. a
        :func:`~gzsim.charts.forecast_chart` call with ``ax=``); two per page.
    footer : str
        Left part of the page footer.
    provenance : mapping, optional
        The record (:func:`gzsim.provenance.record`) for the document information:
        JSON in ``Keywords``, a one-line summary in ``Subject``.

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    # TrueType (Type 42) fonts: the PDF's text is searchable and copyable, and prints cleanly.
    with matplotlib.rc_context({**rc_params(lang, "print"), "pdf.fonttype": 42}), \
            PdfPages(path, metadata={"Title": title, "Creator": "gzsim", "Producer": "gzsim (matplotlib)",
                                     **embed("pdf", provenance), "ModDate": None}) as pdf:
        flow = _Flow(pdf, lang, footer)
        flow.new_page()
        flow.paragraph(title, 17, weight="bold", after=2)
        flow.paragraph(subtitle, 8.5, color=_GREY, after=14)
        flow.paragraph(template("scoreboard", lang), 12, weight="bold", after=4)
        _scoreboard(flow, scoreboard, year)
        flow.paragraph(template("scoreboard_note", lang, year=year), 7, color=_GREY, after=6)
        if joint:
            flow.paragraph(joint, 9, after=12)
        flow.paragraph(template("findings", lang), 12, weight="bold", after=4)
        for _target, value in paragraphs:
            flow.paragraph(value, 9, after=8)
        charts = list(charts)
        used = (flow.y + 6) / _H
        if charts and flow.fig is not None and used <= 0.7:
            # Room left under the text for a chart (at least 30 % of the page, 3.5 in): the first chart
            # goes there, so no page is left half empty before the charts.
            fig = flow.fig
            fig.set_layout_engine("constrained")
            fig.get_layout_engine().set(w_pad=0.6, h_pad=0.65)
            _top, bottom = fig.subfigures(2, 1, height_ratios=[used, 1 - used], hspace=0.0)
            charts.pop(0)(bottom.add_subplot())
        for first in range(0, len(charts), 2):
            fig = flow.new_page()
            fig.set_layout_engine("constrained")
            # Page margins, with room at the bottom for the footer drawn outside the layout.
            fig.get_layout_engine().set(w_pad=0.6, h_pad=0.65)
            pair = charts[first:first + 2]
            subfigs = np.atleast_1d(fig.subfigures(2, 1, hspace=0.04))
            for draw, sub in zip(pair, subfigs):
                draw(sub.add_subplot())
        flow.close_page()
    return path
