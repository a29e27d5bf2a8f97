"""The app's scenario picker in the sidebar: a bundled file or an uploaded one, and the uploader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import streamlit as st

from ..errors import GzsimError
from .compute import Overrides, Source
from .upload import MAX_UPLOAD_BYTES, UploadedScenario, check_upload
from .uploader_text import uploader_css

UPLOAD = "uploaded_scenario"  # session key of the accepted upload (an UploadedScenario)
UPLOAD_MB = 1  # Streamlit's own limit, in its unit (MB, 1 the least): gzsim.ui.upload allows 64 KiB


class Picked(NamedTuple):
    """The sidebar's choice: the selectbox value, the upload chosen (if any), and what it reads."""

    choice: str  # the selectbox value, also the prefix of the lever widgets' keys
    upload: UploadedScenario | None
    source: Source  # what the computations read
    stem: str  # names files and the scenario in the texts
    scenario: Any  # the scenario as its file says, no lever moved


def _upload_choice(upload: UploadedScenario) -> str:
    # The selectbox value (and widget-key prefix) of an upload: a new file gets fresh sliders.
    return f"upload:{upload.sha256[:16]}"


def render_scenario_picker(T: Callable[..., str], lang: str, files: dict[str, Path], baseline: str,
                           model: Callable[[], Any], read_scenario: Callable[[Source, Overrides], Any]) -> Picked:
    """Draw the picker, the scenario's title and the uploader. *model* and *read_scenario* are the app's."""
    if "scenario" not in st.session_state:
        st.session_state["scenario"] = baseline if baseline in files else next(iter(files))

    def on_upload() -> None:
        # Runs before the rerun: a good file becomes the current scenario; a bad one changes nothing.
        file = st.session_state.get("upload_file")
        st.session_state.pop("upload_problems", None)
        if file is None:  # the file was removed from the uploader: keep the settings
            return
        try:
            upload, _ = check_upload(file.name, file.getvalue(), model().catalogue)
        except GzsimError as error:
            st.session_state["upload_problems"] = [str(p) for p in error.problems]
            return
        st.session_state[UPLOAD] = upload
        st.session_state["scenario"] = _upload_choice(upload)

    uploaded: UploadedScenario | None = st.session_state.get(UPLOAD)
    options = list(files) + ([_upload_choice(uploaded)] if uploaded else [])
    choice = st.sidebar.selectbox(
        T("scenario"), options, key="scenario",
        format_func=lambda o: o if o in files else T("uploaded_option", name=uploaded.name))
    upload = uploaded if uploaded and choice == _upload_choice(uploaded) else None
    # An upload's scenario name says it is one ("baseline (uploaded)"), so it never passes for a bundled file.
    source: Source = upload if upload else str(files[choice])
    stem = upload.stem if upload else choice
    scenario = read_scenario(source, ())
    st.sidebar.text(scenario.title_for(lang))  # as plain text: an uploaded file's title is not markdown
    st.sidebar.file_uploader(T("upload"), type=["toml"], key="upload_file", on_change=on_upload,
                             max_upload_size=UPLOAD_MB,
                             help=T("upload_help", limit=MAX_UPLOAD_BYTES // 1024, bundled=", ".join(files)))
    if lang != "en":  # Streamlit writes the uploader's own words in English only
        st.html(uploader_css(lang, limit_mb=UPLOAD_MB, types="TOML"))
    if st.session_state.get("upload_problems"):
        st.sidebar.error(T("upload_failed"))
        # As plain text: the messages quote the file, and a file's content is never rendered as markdown.
        st.sidebar.code("\n".join(st.session_state["upload_problems"]), language=None, wrap_lines=True)
    return Picked(choice, upload, source, stem, scenario)
