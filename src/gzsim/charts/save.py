"""Saving figures: PNG at 300 dpi and SVG, written atomically, with their provenance.

Each file is written under a temporary name in the target folder and moved
into place, so an interrupted save never leaves a half-written chart.  The
provenance record (:func:`gzsim.provenance.record`) goes into the file's own
metadata (:func:`gzsim.provenance.embed`); :func:`gzsim.provenance.read_figure`
reads it back.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, Mapping

import matplotlib
from matplotlib.figure import Figure

from ..atomic import atomic_write
from ..errors import OutputError
from ..provenance import FIGURE_FORMATS, embed
from .fonts import pdf_fonttype

__all__ = ["save_figure", "DPI", "SAVE_RC"]

DPI = 300
#: SVG text as outlines, so it looks the same on a machine without the fonts; a fixed hash salt
#: keeps SVG ids stable between runs.  PDF font type: see :func:`gzsim.charts.fonts.pdf_fonttype`.
SAVE_RC = {"svg.fonttype": "path", "svg.hashsalt": "gzsim"}


def save_figure(fig: Figure, stem: str | os.PathLike[str], formats: Iterable[str] = ("png", "svg"),
                *, dpi: int = DPI, provenance: Mapping[str, Any] | None = None) -> list[Path]:
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
    provenance : mapping, optional
        The record of the numbers drawn (:func:`gzsim.provenance.record`), embedded in
        every file: PNG ``Description`` text chunk, SVG ``dc:description``, PDF ``Keywords``.

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
        if fmt not in FIGURE_FORMATS:
            raise OutputError(f"unknown figure format '{fmt}'; use png, svg or pdf", path=stem)
        path = stem.with_name(f"{stem.name}.{fmt}")
        # No creation date in the metadata: identical runs give byte-identical files.
        metadata = embed(fmt, provenance)

        def write(tmp: Path, fmt: str = fmt, metadata: dict = metadata) -> None:
            with matplotlib.rc_context({**SAVE_RC, "pdf.fonttype": pdf_fonttype(), "ps.fonttype": pdf_fonttype()}):
                fig.savefig(tmp, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")

        atomic_write(path, write, what="the chart")
        written.append(path)
    return written
