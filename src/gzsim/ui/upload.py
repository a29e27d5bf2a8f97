"""Scenario files uploaded to the app: checked before they can change anything.

An analyst receives a scenario file from a colleague and drops it on the app.  What arrives is
a name and some bytes from a browser, so everything is checked, in this order, and every
problem is reported as a :class:`~gzsim.errors.ScenarioError` naming the file and the fix:

1. the name ends in ``.toml`` and the file is not empty and at most :data:`MAX_UPLOAD_BYTES`;
2. the bytes are UTF-8 text and valid TOML;
3. ``extends`` and ``targets`` name only bundled files (``extends = "baseline"``,
   ``targets = "targets/plan_2025.toml"``): no paths, no ``..``, so an upload can never make
   the server read a file of its choosing;
4. the content passes the normal scenario loader (:func:`gzsim.load_scenario`) against the
   model's catalogue: the same rules, the same messages as ``gzsim validate``.

The loader reads files, so step 4 runs in a private temporary folder holding the upload and
copies of the bundled scenario and targets files; nothing outside it is read.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from .._toml import TomlLimitError
from .._toml import loads as toml_loads
from .._toml import suggest
from ..errors import Problem, ScenarioError, TargetsError, display_path
from ..paths import scenarios_dir
from ..scenario import ResolvedScenario, load_scenario

__all__ = ["MAX_NAME_LENGTH", "MAX_UPLOAD_BYTES", "UploadedScenario", "check_upload", "resolve_upload", "safe_name"]

#: Largest accepted upload.  The bundled scenario files are 1-3 KB; 64 KiB leaves room for a
#: long, commented file with every lever as a yearly series (13 levers x 15 years is about 4 KB)
#: while keeping what a hostile upload can make the server parse and keep per session small.
MAX_UPLOAD_BYTES = 64 * 1024
#: Longest name shown back to the user (a browser can send any file name).
MAX_NAME_LENGTH = 100
#: The name the upload gets inside the private folder: not a valid ``extends`` target (see
#: :func:`_allowed_parents`), so an upload cannot extend itself through it.
_INSIDE_NAME = "_uploaded.toml"
_TARGETS = "targets"
#: Appended to an upload's scenario name.
UPLOADED = "(uploaded)"


@dataclass(frozen=True)
class UploadedScenario:
    """A checked upload: its file name (as shown to the user) and its text.

    Plain data on purpose: the app keeps it in the session and passes it to cached functions,
    which key their results by it (the text is at most :data:`MAX_UPLOAD_BYTES`).
    """

    name: str
    text: str

    @property
    def stem(self) -> str:
        """The file name without ``.toml`` (the scenario's name unless the file sets ``name``)."""
        return self.name[: -len(".toml")] if self.name.lower().endswith(".toml") else self.name

    def scenario_name(self, name: Any = None) -> str:
        """The name its scenario gets: the file's ``name`` (else the file stem) + ``" (uploaded)"``.

        Always marked, so an upload called ``baseline.toml`` (or with ``name = "baseline"``) is never
        taken for the bundled scenario in legends, tables and provenance records, which are keyed
        by scenario name.
        """
        base = safe_name(name) if isinstance(name, str) and safe_name(name) else self.stem
        return f"{base[: MAX_NAME_LENGTH - len(UPLOADED) - 1]} {UPLOADED}"

    @property
    def sha256(self) -> str:
        """sha256 of the text: identifies this upload (the app's widget keys use it)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def safe_name(text: str) -> str:
    """*text* as a name the app can show anywhere: letters, digits, spaces and ``._-+,()`` only.

    A name from a browser or an uploaded file ends up in markdown captions, chart legends
    (matplotlib reads ``$...$`` as mathematics), file names and spreadsheet cells (where a leading
    ``=``, ``+``, ``-`` or ``@`` starts a formula); anything else becomes ``_``.
    """
    text = re.sub(r"[^\w .+,()-]", "_", str(text)).strip().lstrip("+-")
    return text if len(text) <= MAX_NAME_LENGTH else text[: MAX_NAME_LENGTH - 1] + "…"


def _display_name(name: str) -> str:
    # Browsers send a bare name, but any string can arrive: keep its last path part only, so
    # it cannot address a file, and make it safe to show.
    return safe_name(PureWindowsPath(PurePosixPath(str(name)).name).name) or "upload.toml"


def _error(name: str, *messages: str) -> ScenarioError:
    return ScenarioError(path=Path(name), problems=[Problem(m, Path(name)) for m in messages])


def _bundled(scenarios: Path) -> tuple[list[str], list[str]]:
    """Bundled scenario stems and targets files (as written in ``targets = ...``)."""
    stems = sorted(p.stem for p in scenarios.glob("*.toml"))
    targets = sorted(f"{_TARGETS}/{p.name}" for p in (scenarios / _TARGETS).glob("*.toml"))
    return stems, targets


def _allowed_parents(stems: list[str]) -> set[str]:
    return set(stems) | {f"{s}.toml" for s in stems}


def _check_references(name: str, data: dict[str, Any], scenarios: Path) -> list[str]:
    """Problems with ``extends``/``targets``: in an upload they may only name bundled files."""
    stems, targets = _bundled(scenarios)
    problems = []
    extends = data.get("extends")
    # Other types are left to the loader, which says what an 'extends' must be.
    if isinstance(extends, str) and extends not in _allowed_parents(stems):
        problems.append(
            f"'extends' is {extends[:80]!r}; an uploaded scenario may only extend a bundled scenario "
            f"({', '.join(stems)}), given by name without a folder{suggest(extends, stems)}; "
            f"paths are not followed")
    target = data.get("targets")
    if isinstance(target, str) and target not in targets:
        problems.append(
            f"'targets' is {target[:80]!r}; an uploaded scenario may only use a bundled targets file "
            f"({', '.join(targets)}){suggest(target, targets)}; other paths are not read")
    return problems


def _parse(name: str, data: bytes) -> tuple[str, dict[str, Any]]:
    """The upload's text and TOML table, or a ScenarioError naming what is wrong."""
    try:
        # utf-8-sig: like gzsim's file reader, take the byte-order mark Windows editors write.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _error(name, f"is not UTF-8 text (byte {exc.start}); upload the scenario .toml file "
                           f"itself, saved as UTF-8") from None
    try:
        table = toml_loads(text)  # gzsim's TOML limits (key depth) first, as for files
    except TomlLimitError as exc:
        raise _error(name, f"cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise _error(name, f"invalid TOML: {exc}; fix the syntax there") from None
    except RecursionError:  # tomllib recurses once per nesting level
        raise _error(name, "invalid TOML: arrays or tables nested too deeply; a scenario file "
                           "nests at most three levels (see docs/formats.md)") from None
    if not table:
        raise _error(name, "the scenario file is empty; see docs/formats.md for its layout")
    return text, table


def check_upload(name: str, data: bytes, catalogue: Any, *,
                 scenarios: Path | None = None) -> tuple[UploadedScenario, ResolvedScenario]:
    """Check an uploaded scenario file; return it and the scenario it resolves to.

    Parameters
    ----------
    name : str
        The file name the browser sent (only its last path part is used, for messages).
    data : bytes
        The file content.
    catalogue : Catalogue or Model
        The levers to check against (the app's model).
    scenarios : pathlib.Path, optional
        The bundled scenarios folder (default :func:`gzsim.paths.scenarios_dir`): what
        ``extends`` and ``targets`` may name.

    Returns
    -------
    (UploadedScenario, ResolvedScenario)

    Raises
    ------
    ScenarioError
        Every problem found, each naming the uploaded file and the fix.

    Examples
    --------
    >>> import gzsim
    >>> model = gzsim.load_model()
    >>> upload, scenario = check_upload("mine.toml", b'extends = "plan"\\n[levers]\\ntalent_subsidy = 2.0\\n',
    ...                                 model.catalogue)
    >>> scenario.name, scenario.levers["talent_subsidy"]
    ('mine (uploaded)', 2.0)
    >>> check_upload("mine.toml", b'extends = "../../etc/base"\\n', model.catalogue)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gzsim.errors.ScenarioError: mine.toml: 'extends' is '../../etc/base'; an uploaded scenario may only ...
    """
    shown = _display_name(name)
    first = []
    if not shown.lower().endswith(".toml"):
        first.append("only scenario files ending in .toml can be uploaded; upload the scenario's .toml file")
    if len(data) > MAX_UPLOAD_BYTES:
        first.append(f"is {len(data) / 1024:,.0f} KiB; an uploaded scenario may be at most "
                     f"{MAX_UPLOAD_BYTES // 1024} KiB (scenario files are a few KB): upload the scenario "
                     f"file itself, not data")
    elif not data:
        first.append("the file is empty; upload a scenario file (see docs/formats.md)")
    if first:
        raise _error(shown, *first)
    text, _ = _parse(shown, data)
    upload = UploadedScenario(shown, text)
    return upload, resolve_upload(upload, catalogue, scenarios=scenarios)


def resolve_upload(upload: UploadedScenario, catalogue: Any, *,
                   scenarios: Path | None = None) -> ResolvedScenario:
    """The scenario of an upload accepted by :func:`check_upload` (checked again: cheap and safe).

    Raises
    ------
    ScenarioError
        As :func:`check_upload`.
    """
    scenarios = Path(scenarios) if scenarios is not None else scenarios_dir()
    _, table = _parse(upload.name, upload.text.encode("utf-8"))
    refused = _check_references(upload.name, table, scenarios)
    if refused:
        raise _error(upload.name, *refused)
    with tempfile.TemporaryDirectory(prefix="gzsim-upload-") as tmp:
        folder = Path(tmp) / "scenarios"
        (folder / _TARGETS).mkdir(parents=True)
        for path in scenarios.glob("*.toml"):
            shutil.copyfile(path, folder / path.name)
        for path in (scenarios / _TARGETS).glob("*.toml"):
            shutil.copyfile(path, folder / _TARGETS / path.name)
        inside = folder / _INSIDE_NAME
        inside.write_text(upload.text, encoding="utf-8")

        def outside(path: Path | None) -> Path | None:
            # Name the upload as the user knows it and the copies by their bundled files.
            if path is None:
                return None
            for here in (folder, folder.resolve()):
                if path == here / _INSIDE_NAME:
                    return Path(upload.name)
                if path.is_relative_to(here):
                    return scenarios / path.relative_to(here)
            return path

        def message(text: str) -> str:
            for here in (folder.resolve(), folder):
                text = text.replace(str(here / _INSIDE_NAME), upload.name)
                text = text.replace(str(here), display_path(scenarios))
            return text

        try:
            scenario = load_scenario(inside, catalogue=catalogue)
        except (ScenarioError, TargetsError) as exc:
            problems = [Problem(message(p.message), outside(p.path), p.kind) for p in exc.problems]
            raise type(exc)(path=Path(upload.name), problems=problems) from None
    targets = scenario.targets
    if targets is not None:
        targets = replace(targets, path=outside(targets.path))
    return replace(
        scenario,
        name=upload.scenario_name(table.get("name")),
        path=Path(upload.name),
        chain=tuple(outside(p) for p in scenario.chain),
        targets=targets,
    )
