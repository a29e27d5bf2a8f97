"""Result files are never lost, never half-written and read back as written (issue 14).

- a failed write restores what was there (the rollback never deletes the old file);
- SIGTERM, SIGHUP and Ctrl-C during a write leave no temporary file and exit 128 + signal;
- a closed or full standard output is an error, not a silent loss or a traceback;
- concurrent writers of one CSV never leave a record describing another run's CSV;
- scenario names read back as text (``NA``, ``null``, ``2025``).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from gzsim import output
from gzsim.cli import main
from gzsim.errors import OutputError, UsageError
from gzsim.atomic import atomic_write_all
from gzsim.output import read_results, sidecar_path, write_results

NAMES = ["NA", "null", "N/A", "nan", "NaN", "None", "2025", "1e3", "True", ""]


def _table(names=NAMES, seed=1) -> pd.DataFrame:
    df = pd.DataFrame({"scenario": names, "sample": range(len(names)), "year": [2025] * len(names),
                       "indicator": ["NA"] * len(names), "value": [float(seed)] + [float("nan")] * (len(names) - 1)})
    df.attrs = {"seed": seed, "scenarios": {n: "ab" * 32 for n in names}}
    return df


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_names_read_back_as_text(tmp_path, suffix):
    df = _table()
    back = read_results(write_results(df, tmp_path / f"r{suffix}"))
    assert back["scenario"].tolist() == NAMES and back["indicator"].tolist() == ["NA"] * len(NAMES)
    assert back["sample"].tolist() == list(range(len(NAMES))) and back["year"].dtype == "int64"
    assert back["value"].iloc[0] == 1.0 and back["value"].iloc[1:].isna().all()
    assert back.attrs == df.attrs


def test_a_failed_write_restores_the_old_files(tmp_path):
    old, record = tmp_path / "o.csv", tmp_path / "o.csv.provenance.json"
    old.write_text("OLD\n")
    record.mkdir()  # the second rename fails after the first has replaced o.csv

    def write(text):
        return lambda tmp: tmp.write_text(text)

    with pytest.raises(OutputError, match="cannot write results"):
        atomic_write_all([(old, write("NEW\n")), (record, write("{}"))], what="results")
    assert old.read_text() == "OLD\n" and record.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.csv", "o.csv.provenance.json"]


def test_the_command_refuses_a_folder_where_the_record_goes_and_keeps_the_old_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("o.csv").write_text("OLD\n")
    Path("o.csv.provenance.json").mkdir()
    assert main(["run", "baseline", "--calibration", "none", "--out", "o.csv"]) == 2
    assert "is a folder" in capsys.readouterr().err and Path("o.csv").read_text() == "OLD\n"


@pytest.mark.parametrize("how", ["SIGTERM", "SIGHUP", "SIGINT"])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_signal_during_the_write_leaves_nothing_behind(tmp_path, monkeypatch, capsys, how, suffix):
    monkeypatch.chdir(tmp_path)
    Path(f"o{suffix}").write_text("OLD\n")
    real = pd.DataFrame.to_excel if suffix == ".xlsx" else pd.DataFrame.to_csv
    sig = getattr(signal, how)

    def half_then_signal(self, target, *args, **kwargs):
        real(self.head(3), target, *args, **kwargs)  # a partial file on disk...
        os.kill(os.getpid(), sig)  # ...then the signal, as from `kill` or Ctrl-C

    monkeypatch.setattr(pd.DataFrame, "to_excel" if suffix == ".xlsx" else "to_csv", half_then_signal)
    # Ctrl-C as an interactive shell delivers it: a process started in the background by a
    # non-interactive shell inherits SIGINT ignored (and Python then leaves it so)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        code = main(["run", "baseline", "--calibration", "none", "--out", f"o{suffix}"])
    finally:
        signal.signal(signal.SIGINT, previous)
    err = capsys.readouterr().err
    assert code == 128 + sig and "Traceback" not in err and "no output written" in err
    assert sorted(os.listdir(tmp_path)) == [f"o{suffix}"] and Path(f"o{suffix}").read_text() == "OLD\n"


def test_a_signal_during_a_brief_leaves_no_partial_folder(tmp_path, monkeypatch, capsys):
    from gzsim.brief import build

    monkeypatch.chdir(tmp_path)
    # inside the staged folder, after the charts: a half-made brief exists when the signal comes
    monkeypatch.setattr(build, "write_pdf", lambda *a, **k: os.kill(os.getpid(), signal.SIGTERM))
    code = main(["brief", "baseline", "--out", "b", "--samples", "2", "--seed", "1", "--calibration", "none"])
    assert code == 143 and os.listdir(tmp_path) == []


@pytest.mark.parametrize("redirect, why", [(">&-", "is closed"), (">/dev/full", "No space left on device")])
@pytest.mark.parametrize("argv", ["run baseline --calibration none", "levers"])
def test_closed_or_full_stdout_is_an_error(redirect, why, argv):
    if redirect == ">/dev/full" and not os.path.exists("/dev/full"):
        pytest.fail("/dev/full is needed for this test")
    done = subprocess.run(f"{sys.executable} -m gzsim {argv} {redirect}", shell=True, executable="/bin/bash",
                          stderr=subprocess.PIPE, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert why in done.stderr and "--out FILE" in done.stderr and "Traceback" not in done.stderr


def test_a_mismatched_csv_and_record_are_refused(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    write_results(_table(seed=1), a)
    write_results(_table(seed=2), b)
    os.replace(sidecar_path(b), sidecar_path(a))  # a's CSV with b's record
    with pytest.raises(UsageError, match="describes another version of a.csv"):
        read_results(a)


def _writer(path: str, seed: int, rounds: int) -> None:
    for _ in range(rounds):
        write_results(_table(names=[f"s{seed}"] * 3, seed=seed), path)


def test_concurrent_writers_leave_a_matching_pair(tmp_path):
    path = str(tmp_path / "r.csv")
    context = multiprocessing.get_context("fork")
    for _ in range(5):
        workers = [context.Process(target=_writer, args=(path, seed, 8)) for seed in range(1, 5)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=120)
        assert all(w.exitcode == 0 for w in workers)
        back = read_results(path)
        assert back.attrs["seed"] == back["value"].iloc[0] and back["scenario"].iloc[0] == f"s{back.attrs['seed']}"
        assert sorted(os.listdir(tmp_path)) == ["r.csv", "r.csv.provenance.json"]
    json.loads(sidecar_path(path).read_text())
