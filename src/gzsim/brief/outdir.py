"""The brief's output folder: checked before anything runs, written whole or not at all.

Everything is written into a temporary folder next to DIR and renamed into
place at the end, so a failure leaves no DIR and no partial output.  DIR may
be missing or empty; an existing non-empty DIR is replaced only with
``--force`` and only when it is a previous brief (it holds the marker file
``.gzsim-brief``), so a typo can never wipe an unrelated folder.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from ..atomic import make_ordinary
from ..errors import OutputError
from ..output import check_name_length

__all__ = ["MARKER", "check_out_dir", "staged_dir"]

MARKER = ".gzsim-brief"


def check_out_dir(out: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Check that a brief can be written to folder *out*.

    Raises
    ------
    OutputError
        Parent folder missing or not writable; *out* is a file; *out* is not
        empty (without *force*), or not a previous brief (with *force*).
    """
    out = Path(os.path.abspath(out))  # so "." or "brief/" still have a real name and parent
    parent = out.parent
    if not parent.is_dir():
        raise OutputError(f"folder '{parent}' does not exist; create it first", path=out)
    # The staged folder's name (".NAME.partial-XXXXXXXX") is the longest name made from DIR's.
    check_name_length(parent, [out, out.with_name(f".{out.name}.partial-XXXXXXXX")], out, what="folder")
    if out.exists() and not out.is_dir():
        raise OutputError("is a file; give a folder for the brief", path=out)
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise OutputError("folder exists and is not empty; choose a new folder, or use --force "
                              "to replace a previous brief", path=out)
        if not (out / MARKER).is_file():
            raise OutputError(f"folder is not a gzsim brief (no {MARKER} file); refusing to replace it "
                              f"even with --force; choose a new folder", path=out)
    # os.access is unreliable (root, ACLs, read-only mounts): try to create something.
    try:
        Path(tempfile.mkdtemp(dir=parent, prefix=".gzsim-probe-")).rmdir()
    except OSError as exc:
        raise OutputError(f"folder '{parent}' is not writable ({exc.strerror}); choose another folder",
                          path=out) from None
    return out


@contextlib.contextmanager
def staged_dir(out: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary folder next to *out*; on success move it to *out*, on failure delete it.

    A previous *out* (already checked by :func:`check_out_dir`) is moved aside
    first and deleted only once the new folder is in place.
    """
    out = Path(out)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.partial-"))
    try:
        make_ordinary(tmp, folder=True)
        yield tmp
        if out.exists():
            old = out.with_name(f".{out.name}.old-{secrets.token_hex(4)}")
            os.replace(out, old)
            try:
                os.replace(tmp, out)
            except OSError:
                os.replace(old, out)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except OSError as exc:
        raise OutputError(f"cannot write the brief: {exc.strerror or exc}", path=out) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
