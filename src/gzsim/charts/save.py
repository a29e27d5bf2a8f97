"""Saving figures: PNG at 300 dpi and SVG, written atomically.

Each file is written under a temporary name in the target folder and moved
into place, so an interrupted save never leaves a half-written chart.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

import matplotlib
from matplotlib.figure import Figure

from ..errors import OutputError
from ..output import atomic_write
from .fonts import pdf_fonttype

__all__ = ["save_figure", "DPI", "SAVE_RC"]

DPI = 300
#: SVG text as outlines, so it looks the same on a machine without the fonts; a fixed hash salt
#: keeps SVG ids stable between runs.  PDF font type: see :func:`gzsim.charts.fonts.pdf_fonttype`.
SAVE_RC = {"svg.fonttype": "path", "svg.hashsalt": "gzsim"}


def save_figure(fig: Figure, stem: str | os.PathLike[str], formats: Iterable[str] = ("png", "svg"),
                *, dpi: int = DPI) -> list[Path]:
    """Save *fig* as ``stem.png``, ``stem.svg`` (and/or ``.pdf``).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    stem : path-like
        File path without extension; its folder must exist.
    formats : iterable of str
        Any of ``"png"``, ``"svg"``, ``"pdf"``.
    dpi : int
        Resolution of raster output.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    OutputError
        When a file cannot be written; no partial file is left.
    """
    stem = Path(stem)
    written = []
    for fmt in formats:
        if fmt not in ("png", "svg", "pdf"):
            raise OutputError(f"unknown figure format '{fmt}'; use png, svg or pdf", path=stem)
        path = stem.with_name(f"{stem.name}.{fmt}")
        # Fixed metadata (no creation date) keeps files byte-identical between identical runs.
        metadata = {"Software": None} if fmt == "png" else ({"Date": None} if fmt == "svg" else
                                                          {"CreationDate": None})

        def write(tmp: Path, fmt: str = fmt, metadata: dict = metadata) -> None:
            with matplotlib.rc_context({**SAVE_RC, "pdf.fonttype": pdf_fonttype(), "ps.fonttype": pdf_fonttype()}):
                fig.savefig(tmp, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")

        atomic_write(path, write, what="the chart")
        written.append(path)
    return written
