"""``gzsim calibrate`` on the command line."""

from __future__ import annotations

from gzsim.cli import main


def test_calibrate_end_to_end(settings_copy, tmp_path, capsys):
    out = tmp_path / "result"
    code = main(["calibrate", "--settings", str(settings_copy()), "--out", str(out), "--seed", "5"])
    assert code == 0
    assert (out / "fit.csv").is_file() and (out / "posterior.parquet").is_file()
    captured = capsys.readouterr()
    assert "high_tech_firms" in captured.out          # the fit table
    assert "wrote" in captured.err


def test_bad_settings_exit_2_names_file_no_output(write, tmp_path, capsys):
    bad = write("bad_settings.toml", 'region = "Ganzhou"\n[[free]]\nwhy = 3\n')
    out = tmp_path / "never"
    code = main(["calibrate", "--settings", str(bad), "--out", str(out), "--seed", "1"])
    assert code == 2
    err = capsys.readouterr().err
    assert "bad_settings.toml" in err and "missing required key 'observations'" in err
    assert "Traceback" not in err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".never")]


def test_bad_out_folder(settings_copy, tmp_path, capsys):
    code = main(["calibrate", "--settings", str(settings_copy()), "--out",
                 str(tmp_path / "missing" / "deeper"), "--seed", "1"])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err
