"""When the model cannot be loaded (here: a stale calibration) the app says why and how to fix it.

No traceback, no half-drawn page: one error, the problem with the command that fixes it, and stop.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def test_a_stale_calibration_is_an_error_message_not_a_traceback(tmp_path, monkeypatch):
    for folder in ("model", "scenarios", "calibration"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    mdl = tmp_path / "model" / "ganzhou_sti.mdl"
    mdl.write_bytes(mdl.read_bytes() + b"\n")  # any change makes the calibration stale
    monkeypatch.setenv("GZSIM_ROOT", str(tmp_path))
    st.cache_resource.clear()  # the model is shared by every session of the process
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        assert not at.exception, at.exception
        assert [e.value for e in at.error] == [
            ("The model cannot be loaded, so the app cannot run. The problem and its fix:")]
        message = at.code[0].value
        assert "calibration is stale" in message and "gzsim calibrate" in message
        assert not at.slider and not at.dataframe  # nothing else is drawn
    finally:
        monkeypatch.undo()
        st.cache_resource.clear()  # the next test loads the real model again
