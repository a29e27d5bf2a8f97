"""A calibration's id depends on its content only (issue 13): re-running it changes nothing."""
from __future__ import annotations

import json
import shutil

from gzsim.calibration.store import calibration_id
from gzsim.paths import repo_root


def test_the_id_ignores_when_and_how_the_calibration_ran(tmp_path):
    source = repo_root() / "calibration" / "ganzhou" / "calibration.json"
    again = tmp_path / "again" / "calibration.json"
    again.parent.mkdir()
    content = json.loads(source.read_text(encoding="utf-8"))
    content["provenance"].update(date="2030-01-01T00:00:00+00:00", seconds={"mcmc": 1.0},
                                 command="gzsim calibrate --out calibration/ganzhou_2 --seed 20251")
    again.write_text(json.dumps(content, indent=4), encoding="utf-8")
    assert calibration_id(again.parent) == calibration_id(source.parent)


def test_the_id_changes_with_the_numbers(tmp_path):
    source = repo_root() / "calibration" / "ganzhou"
    shutil.copyfile(source / "calibration.json", tmp_path / "calibration.json")
    content = json.loads((tmp_path / "calibration.json").read_text(encoding="utf-8"))
    content["provenance"]["seed"] = content["provenance"]["seed"] + 1
    (tmp_path / "calibration.json").write_text(json.dumps(content), encoding="utf-8")
    assert calibration_id(tmp_path) != calibration_id(source)
