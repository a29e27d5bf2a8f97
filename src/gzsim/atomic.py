"""Writing files all or nothing: staged beside the target, renamed into place under a folder lock.

Split from :mod:`gzsim.output` (which writes result tables in their formats): every command that
writes files (results, charts, calibration, backtests, briefs) goes through :func:`atomic_write` or
:func:`atomic_write_all`, so a failed or interrupted run never leaves a partial file behind.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import tempfile
from pathlib import Path
from typing import Callable, Sequence

from .errors import OutputError

__all__ = ["make_ordinary", "atomic_write", "atomic_write_all"]

#: Temporary files are named ``.gzsim-XXXXXXXX.tmp`` whatever the target: a long target name must
#: not give a temporary name the file system refuses.
_TMP_PREFIX, _TMP_SUFFIX = ".gzsim-", ".tmp"


def _read_umask() -> int:
    # os.umask can only be read by setting it, which races with other threads creating files
    # (concurrent app sessions): read it from /proc where there is one, else once, at import.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def make_ordinary(path: Path, *, folder: bool = False) -> None:
    """Give a staged temporary file or folder the permissions of an ordinary one.

    ``mkstemp`` / ``mkdtemp`` create private entries (0600 / 0700); a result that is moved
    into place should be readable like any file the user makes (0666 / 0777 less the umask).
    """
    os.chmod(path, (0o777 if folder else 0o666) & ~_UMASK)


def atomic_write(path: Path, write: Callable[[Path], None], *, what: str) -> None:
    """Write *path* through *write(tmp)* on a temporary file beside it, then rename it into place.

    Readers never see a half-written file, and a failure leaves neither a partial file nor the
    temporary one.

    Raises
    ------
    OutputError
        Naming *what* was being written and the file.
    """
    atomic_write_all([(path, write)], what=what)


def atomic_write_all(items: Sequence[tuple[Path, Callable[[Path], None]]], *, what: str) -> None:
    """Write several files that belong together (a CSV and its provenance): all of them or none.

    Every file is first written to a temporary file beside it; only when all
    are complete are they renamed into place, in order, while holding a lock on
    the folder (so two gzsim processes writing the same files cannot interleave
    their pairs).  If a rename fails, or the process is interrupted or
    terminated meanwhile, every file already replaced gets its previous content
    back (kept as a hard link until the end) and every new one is removed: a
    failed write never removes what was there.

    Raises
    ------
    OutputError
        Naming *what* was being written and the file that failed.
    """
    staged: list[Path] = []
    kept: list[Path] = []
    moved: list[tuple[Path, Path | None]] = []
    current = items[0][0]
    try:
        for path, write in items:
            current = path
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=_TMP_PREFIX, suffix=_TMP_SUFFIX)
            os.close(fd)
            staged.append(Path(name))
            write(staged[-1])
            make_ordinary(staged[-1])
        with _folder_lock(items[0][0].parent):
            for (path, _write_one), tmp in zip(items, staged):
                current = path
                old = _keep_old(path)
                if old is not None:
                    kept.append(old)
                os.replace(tmp, path)
                moved.append((path, old))
    except BaseException as exc:
        for path, old in reversed(moved):
            with contextlib.suppress(OSError):
                if old is not None:
                    os.replace(old, path)
                else:
                    path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {what}: {exc.strerror or exc}", path=current) from None
        raise
    finally:
        for tmp in (*staged, *kept):
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)


def _keep_old(path: Path) -> Path | None:
    """A second name (hard link) for the file at *path*, to restore it if the write fails; None if none."""
    if not os.path.lexists(path) or (path.is_dir() and not path.is_symlink()):
        return None  # nothing to keep (a folder makes the rename fail, and stays as it is)
    old = path.with_name(f"{_TMP_PREFIX}{secrets.token_hex(4)}.old")
    try:
        os.link(path, old, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV):
            raise
        import shutil  # a file system without hard links: keep a copy instead

        shutil.copy2(path, old, follow_symlinks=False)
    return old


@contextlib.contextmanager
def _folder_lock(folder: Path):
    """An exclusive advisory lock on *folder* (flock), held while a set of files is renamed into place."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield  # a folder that cannot be opened cannot be locked: the renames still fail or succeed alone
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
