"""Where the command line meets its process: termination signals and standard output.

Two guards that :func:`gzsim.cli.main` puts around every command:

- :func:`signals_as_exceptions`: SIGTERM and SIGHUP raise :class:`Terminated` (a
  ``BaseException``, like ``KeyboardInterrupt`` for SIGINT), so the same ``finally`` blocks that
  remove temporary files and half-written folders on Ctrl-C run on every way a command is
  stopped, and the exit status is 128 + the signal number.
- :func:`checked_stdout`: results written to a closed or full standard output become an
  :class:`~gzsim.errors.OutputError` (exit 2, a one-line message), never a silent loss (a closed
  stdout is ``None`` in Python, and pandas then returns the text instead of writing it) nor a
  traceback.  A reader that stops reading (``| head``) is still a ``BrokenPipeError``.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from pathlib import Path
from typing import Iterator

from .errors import OutputError

__all__ = ["Terminated", "signals_as_exceptions", "checked_stdout"]

_STDOUT = Path("<standard output>")
_FIX = "write the results to a file with --out FILE, or give the command an open standard output"


class Terminated(BaseException):
    """The process received SIGTERM or SIGHUP; ``signum`` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise(signum: int, frame) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def signals_as_exceptions() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise :class:`Terminated` (main thread only)."""
    previous = {}
    try:
        for sig in (signal.SIGTERM, signal.SIGHUP):
            previous[sig] = signal.signal(sig, _raise)
    except ValueError:  # not the main thread (e.g. main() called from a test thread): leave them be
        pass
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class _CheckedStream:
    """A text stream that turns write failures (other than a closed pipe) into OutputError."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def _fail(self, exc: OSError | None) -> OutputError:
        why = "is closed" if exc is None else f"cannot be written ({exc.strerror or exc})"
        return OutputError(f"{why}; {_FIX}", path=_STDOUT)

    def write(self, text: str) -> int:
        if self._stream is None:
            raise self._fail(None)
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as exc:  # ValueError: "I/O operation on closed file"
            raise self._fail(exc if isinstance(exc, OSError) else None) from None

    def flush(self) -> None:
        if self._stream is None:
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as exc:
            raise self._fail(exc if isinstance(exc, OSError) else None) from None

    def __getattr__(self, name: str):
        if self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)


@contextlib.contextmanager
def checked_stdout() -> Iterator[None]:
    """While inside, ``sys.stdout`` reports write failures as OutputError; flushed before leaving.

    On a failure the real stream is pointed at ``/dev/null`` so the interpreter's own flush at
    exit does not print a second error.
    """
    real = sys.stdout
    sys.stdout = _CheckedStream(real)
    try:
        yield
        sys.stdout.flush()
    except OutputError:
        _discard(real)
        raise
    finally:
        sys.stdout = real


def _discard(stream) -> None:
    import os

    if stream is None:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
