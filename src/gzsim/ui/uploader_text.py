"""Streamlit's file-uploader text in the app's language.

Streamlit writes its uploader's button ("Upload"), limit line ("1MB per file • TOML") and drag
hint ("Drag and drop a file here") in English and offers no option to change them.  In Chinese
the app hides those texts and shows its own (``uploader_*`` in ``strings.toml``) with CSS
``::after`` content: the widget, its keyboard use and its file checks stay Streamlit's.  The
selectors use Streamlit's ``data-testid`` attributes, which its own tests rely on, not its
generated class names.
"""

from __future__ import annotations

import json

from .strings import ui_text

_DROPZONE = '[data-testid="stFileUploaderDropzone"]'
#: Streamlit's text (hidden) -> the string key of the app's text.
_PARTS = {
    f'{_DROPZONE} button [data-testid="stMarkdownContainer"] p': "uploader_button",
    '[data-testid="stFileUploaderDropzoneInstructions"] span': "uploader_limit",
    f"{_DROPZONE} > div:not([data-testid]) > span": "uploader_drop",  # shown while a file is dragged over
}


def uploader_css(lang: str, *, limit_mb: int, types: str) -> str:
    """A ``<style>`` block putting the uploader's text in *lang*; empty in English (Streamlit's own)."""
    if lang == "en":
        return ""
    rules = []
    for selector, key in _PARTS.items():
        content = json.dumps(ui_text(key, lang, limit=limit_mb, types=types), ensure_ascii=False)
        # font-size 0 hides Streamlit's words without leaving their width; 0.875rem is its size there
        rules.append(f"{selector} {{ font-size: 0; }}\n"
                     f"{selector}::after {{ content: {content}; font-size: 0.875rem; }}")
    return "<style>\n" + "\n".join(rules) + "\n</style>"
