"""Bad input through the real commands: a clear message, exit status 2, no traceback, no output.

One row per case of the bad-input matrix (issue 8; the tables are in ``bad_input/``, one module
per kind of input): the files to write (small snippets, or the
bundled scenario, data, settings and calibration and the fixture model with one thing broken),
the command line a user would type, and the fragments the message must hold: the file or option,
the item, and the fix.  For every case: exit status 2, each fragment on stderr, "Traceback"
nowhere, nothing on stdout, and no file or folder created or left behind (results, temporary
files, half-written brief or calibration folders) - the whole working folder is compared before
and after.  Cases run in-process through ``gzsim.cli.main``; a few representative ones also
through ``python -m gzsim`` in a subprocess, to show what the console shows.

Commands that load the model run with ``--calibration none`` unless the case gives its own
``--calibration``: a bad input must be refused whatever calibration is in use, and the bundled
calibration (and its staleness check, see the calibration cases here) has tests of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Mapping

import pytest

from gzsim.cli import main

from .bad_input import files, options, scenarios
from .bad_input.case import Case

CASES = [*scenarios.CASES, *options.CASES, *files.CASES]

#: Cases also run through ``python -m gzsim``, to show the console gets the message without a
#: traceback (one per kind: a scenario file, an option limit, a model file, a data file).
SUBPROCESS = ("malformed_toml", "unknown_lever", "samples_absurd_reach", "model_syntax_error",
              "brief_data_conflicting_rows")


def test_case_ids_are_unique_and_the_subprocess_ones_exist():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert set(SUBPROCESS) <= set(ids)


@pytest.fixture
def locked(tmp_path: Path):
    """A folder no file can be created in (``/proc`` when running as root, where chmod does not stop writes)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        probe = folder / "probe"
        try:
            probe.touch()
        except OSError:
            yield "locked"
        else:
            probe.unlink()
            yield "/proc"
    finally:
        folder.chmod(0o755)


def _write(root: Path, files: Mapping[str, str | bytes], links: Mapping[str, str] = {}) -> None:
    for name, target in links.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).symlink_to(target)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _tree(root: Path) -> dict[str, int]:
    """Every file and folder below *root* (hidden ones too), with file sizes."""
    return {str(p.relative_to(root)): (p.stat().st_size if p.is_file() else -1) for p in root.rglob("*")}


_MODEL_COMMANDS = ("run", "validate", "reach", "sensitivity", "goalseek", "discover", "attribute", "brief")


def _argv(case: Case, locked: str) -> list[str]:
    argv = [a.replace("{locked}", locked) for a in case.argv]
    if argv[0] in _MODEL_COMMANDS and "--calibration" not in argv:
        argv += ["--calibration", "none"]
    return argv


def _check(case: Case, code: int, out: str, err: str, before: dict, after: dict) -> None:
    assert code == 2, f"{case.id}: exit status {code}\n{err}"
    assert "Traceback" not in err + out
    assert out == "", f"{case.id}: something on stdout:\n{out[:500]}"
    for fragment in case.expect:
        assert fragment in err, f"{case.id}: {fragment!r} not in the message:\n{err}"
    assert after == before, f"{case.id}: files created or changed: {set(after) ^ set(before)}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_cleanly(case, tmp_path, monkeypatch, capsys, locked):
    _write(tmp_path, case.files, case.links)
    monkeypatch.chdir(tmp_path)  # messages name files as the user typed them
    before = _tree(tmp_path)
    code = main(_argv(case, locked))
    out, err = capsys.readouterr()
    _check(case, code, out, err, before, _tree(tmp_path))


@pytest.mark.parametrize("case", [c for c in CASES if c.id in SUBPROCESS], ids=list(SUBPROCESS))
def test_bad_input_in_a_real_process_shows_no_traceback(case, tmp_path, locked):
    _write(tmp_path, case.files, case.links)
    before = _tree(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    done = subprocess.run([sys.executable, "-m", "gzsim", *_argv(case, locked)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    _check(case, done.returncode, done.stdout, done.stderr, before, _tree(tmp_path))
