"""The output folder: checked first, written whole or not at all, replaced only when it is a brief."""

from __future__ import annotations

import pytest

from gzsim.brief.outdir import MARKER, check_out_dir, staged_dir
from gzsim.errors import OutputError


def test_missing_or_empty_folder_is_fine(tmp_path):
    check_out_dir(tmp_path / "new")
    (tmp_path / "empty").mkdir()
    check_out_dir(tmp_path / "empty")


def test_refusals(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        check_out_dir(tmp_path / "no" / "such")
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="is a file"):
        check_out_dir(tmp_path / "file")
    other = tmp_path / "other"
    other.mkdir()
    (other / "thesis.docx").write_text("precious")
    with pytest.raises(OutputError, match="not empty.*--force"):
        check_out_dir(other)
    with pytest.raises(OutputError, match="not a gzsim brief"):
        check_out_dir(other, force=True)
    assert (other / "thesis.docx").read_text() == "precious"


def test_staged_dir_publishes_whole_and_replaces_a_previous_brief(tmp_path):
    out = tmp_path / "brief"
    with staged_dir(out) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".brief.partial-")
        (tmp / MARKER).write_text("{}")
        (tmp / "a.txt").write_text("first")
    assert (out / "a.txt").read_text() == "first"
    check_out_dir(out, force=True)
    with staged_dir(out) as tmp:
        (tmp / MARKER).write_text("{}")
        (tmp / "b.txt").write_text("second")
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief"]  # no temporary or old folder left


def test_failure_leaves_nothing(tmp_path):
    out = tmp_path / "brief"
    with pytest.raises(RuntimeError):
        with staged_dir(out) as tmp:
            (tmp / "half.png").write_text("...")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []
