"""The walkthrough notebooks execute from top to bottom without error."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_the_three_walkthroughs_exist():
    assert [p.stem for p in NOTEBOOKS] == ["01_quickstart", "02_calibration", "03_reachability"]


def _text_outputs(book) -> list[list[str]]:
    """Per code cell, what it shows as text: printed output and results' plain text (not images,
    not warnings on stderr, which depend on the machine's fonts)."""
    shown = []
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        texts = []
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream" and o.get("name") == "stdout":
                texts.append(o["text"])
            elif o.get("output_type") in ("execute_result", "display_data") and "image/png" not in o.get("data", {}):
                texts.append(o["data"].get("text/plain", ""))
        shown.append(texts)
    return shown


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_without_error_and_its_stored_outputs_are_current(path, tmp_path):
    book = nbformat.read(path, as_version=4)
    NotebookClient(book, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for cell in book.cells if cell.cell_type == "code"
              for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    # The stored outputs are what the notebook shows today (seeded): after a recalibration or a
    # change of what the analyses print, re-execute them in place (README, "Notebooks").
    assert _text_outputs(nbformat.read(path, as_version=4)) == _text_outputs(book), \
        f"{path.name}: stored outputs are out of date; re-execute it in place"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_are_stored_with_their_outputs_and_charts(path):
    # So they read on GitHub; a cell drawing a chart keeps it as an image (inline backend).
    book = nbformat.read(path, as_version=4)
    code = [c for c in book.cells if c.cell_type == "code"]
    assert sum(bool(c.get("outputs")) for c in code) >= len(code) // 2, path.stem
    for cell in code:
        if "forecast_chart(" in cell.source:
            assert any("image/png" in o.get("data", {}) for o in cell["outputs"]), cell.source[:80]


def test_a_notebooks_extra_brings_jupyter():
    import tomllib

    project = tomllib.loads((NOTEBOOKS[0].parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    extra = " ".join(project["project"]["optional-dependencies"]["notebooks"])
    assert "jupyterlab" in extra and "ipykernel" in extra
