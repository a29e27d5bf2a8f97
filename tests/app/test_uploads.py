"""Uploaded scenario files (gzsim.ui.upload and the app's uploader).

The checks are a plain function, tested without streamlit: every bad upload is a ScenarioError
naming the uploaded file and the fix; in the app a good upload becomes the current settings and a
bad one is shown as an error and changes nothing.
"""
from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import gzsim
from gzsim.analysis import reach
from gzsim.errors import GzsimError, ScenarioError
from gzsim.ui.compute import reach_table
from gzsim.ui.upload import (
    MAX_UPLOAD_BYTES,
    UploadedScenario,
    check_upload,
    resolve_upload,
    safe_name,
)

from ..reliability.fuzzing import toml_document

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
GOOD = (b'# from a colleague\nname = "colleague"\ntitle_en = "More talent [see](http://example.org) $x$"\n'
        b'extends = "plan"\n\n[levers]\ntalent_subsidy = 2.0\n'
        b'rd_post_subsidy = { step = { year = 2023, before = 0.0, after = 0.05 } }\n\n'
        b'[uncertainty]\ngdp_growth = { distribution = "uniform", min = 0.05, max = 0.08 }\n')


def test_an_upload_with_a_byte_order_mark_is_read_like_a_file_with_one(catalogue):
    upload, scenario = check_upload("bom.toml", "\ufeff".encode("utf-8") + GOOD, catalogue)
    assert upload.text == GOOD.decode() and scenario.hash == check_upload("bom.toml", GOOD, catalogue)[1].hash


def test_a_good_upload_resolves_like_a_file_in_scenarios(catalogue, tmp_path):
    upload, scenario = check_upload("colleague.toml", GOOD, catalogue)
    assert upload == UploadedScenario("colleague.toml", GOOD.decode())
    # The same file saved next to the bundled scenarios gives the same scenario.
    folder = tmp_path / "scenarios"
    shutil.copytree(ROOT / "scenarios", folder)
    (folder / "colleague.toml").write_bytes(GOOD)
    on_disk = gzsim.load_scenario(folder / "colleague.toml", catalogue=catalogue)
    assert scenario.hash == on_disk.hash and scenario.content() == on_disk.content()
    assert scenario.name == "colleague (uploaded)" and scenario.levers["talent_subsidy"] == 2.0
    assert scenario.uncertainty["gdp_growth"].max == 0.08
    assert scenario.targets is not None and len(scenario.targets.targets) == len(on_disk.targets.targets)
    # It names the upload and the bundled files, never the private folder it was checked in.
    assert scenario.path == Path("colleague.toml")
    assert scenario.chain[1:] == (ROOT / "scenarios" / "plan.toml", ROOT / "scenarios" / "baseline.toml")
    assert scenario.targets.path == ROOT / "scenarios" / "targets" / "plan_2025.toml"
    assert resolve_upload(upload, catalogue).hash == scenario.hash


def test_an_upload_without_a_name_is_named_after_its_file(catalogue):
    _, scenario = check_upload("C:\\Users\\li\\my case.toml", b'extends = "baseline"\n[levers]\ntalent_flats = 5000\n',
                               catalogue)
    assert scenario.name == "my case (uploaded)" and scenario.path == Path("my case.toml")


def test_names_from_the_browser_or_the_file_cannot_carry_markup_or_formulas(catalogue):
    data = b'name = "=HYPERLINK(\\"http://x\\")"\nextends = "baseline"\n'
    upload, scenario = check_upload("../../$x$ [a](b).toml", data, catalogue)
    assert upload.name == "_x_ _a_(b).toml"  # no folder, no $ (matplotlib maths), no [ ] (links)
    assert scenario.name == "_HYPERLINK(_http___x_) (uploaded)"  # no leading = (a spreadsheet formula)
    assert safe_name("-1+2") == "1+2" and safe_name("赣州 plan (v2)") == "赣州 plan (v2)"


def test_an_upload_at_the_size_limit_is_accepted_and_one_byte_more_is_not(catalogue):
    body = b'extends = "baseline"\n'
    padded = body + b"#" * (MAX_UPLOAD_BYTES - len(body) - 1) + b"\n"
    assert len(padded) == MAX_UPLOAD_BYTES
    check_upload("big.toml", padded, catalogue)
    with pytest.raises(ScenarioError, match=r"big.toml: is 64 KiB; an uploaded scenario may be at most 64 KiB"):
        check_upload("big.toml", padded + b"#", catalogue)


# Each: file name, content, what the message must say (after "NAME: ").
BAD = [
    ("notes.txt", b'extends = "baseline"\n', "only scenario files ending in .toml can be uploaded"),
    ("empty.toml", b"", "the file is empty; upload a scenario file"),
    ("blank.toml", b"# nothing but a comment\n", "the scenario file is empty"),
    ("huge.toml", b"#" * (MAX_UPLOAD_BYTES + 1), "at most 64 KiB"),
    ("latin1.toml", 'title_en = "Gan\xe9"\n'.encode("latin-1"), "is not UTF-8 text (byte 15)"),
    ("image.toml", b"\x89PNG\r\n\x1a\n\x00\x00", "is not UTF-8 text"),
    ("syntax.toml", b'extends = "baseline\n', "invalid TOML"),
    ("python.toml", b"import os\nos.system('touch pwned')\n", "invalid TOML"),
    ("deep.toml", b"a = " + b"[" * 20_000, "nested too deeply"),
    # Python's TOML reader is quadratic in a key's parts (30-40 s, 4.5 GB for this one): refused first.
    ("dotted.toml", b"x." * 32765 + b"y=1", "a key or table name at line 1 has more than 16 dotted parts"),
    ("header.toml", b"[" + b"a." * 20 + b"b]\n", "has more than 16 dotted parts"),
    ("parent.toml", b'extends = "../../etc/passwd"\n', "may only extend a bundled scenario (baseline, plan,"),
    ("absolute.toml", b'extends = "/work/main/scenarios/plan.toml"\n', "paths are not followed"),
    ("folder.toml", b'extends = "targets/plan_2025"\n', "given by name without a folder"),
    ("typo.toml", b'extends = "basline"\n', "did you mean 'baseline'?"),
    ("targets.toml", b'targets = "../model/levers.toml"\n', "may only use a bundled targets file (targets/plan_2025.toml)"),
    ("lever.toml", b'[levers]\nrd_subsdy = 0.1\n', "lever 'rd_subsdy' is unknown; did you mean"),
    ("range.toml", b'[levers]\nst_budget_growth = 0.9\n', "outside the lever's range [0, 0.3]"),
    ("nan.toml", b'[levers]\nst_budget_growth = nan\n', "must be a finite number"),
    ("inf.toml", b'[levers]\nst_budget_growth = inf\n', "must be a finite number"),
    ("type.toml", b'[levers]\nst_budget_growth = "0.1"\n', "must be a number"),
    ("bigint.toml", b"[levers]\nst_budget_growth = " + b"9" * 400 + b"\n", "must be a finite number, got an integer beyond 1e308"),
    ("backwards.toml", b'[levers]\ntalent_flats = { series = { 2025 = 1, 2021 = 0 } }\n', "increasing"),
    ("key.toml", b'extend = "baseline"\n', "unknown key 'extend'; did you mean 'extends'?"),
]


@pytest.mark.parametrize("name, data, fragment", BAD, ids=[b[0] for b in BAD])
def test_a_bad_upload_is_refused_naming_the_file_and_the_fix(catalogue, name, data, fragment):
    with pytest.raises(ScenarioError) as caught:
        check_upload(name, data, catalogue)
    text = str(caught.value)
    assert text.startswith(f"{name}: "), text
    assert fragment in text, text
    assert "gzsim-upload-" not in text and "_uploaded" not in text  # the private folder stays private


def test_problems_in_a_bundled_parent_are_not_blamed_on_the_upload(catalogue, tmp_path):
    folder = tmp_path / "scenarios"
    (folder / "targets").mkdir(parents=True)
    (folder / "base.toml").write_text('[levers]\nst_budget_growth = 7\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        check_upload("child.toml", b'extends = "base"\n', catalogue, scenarios=folder)
    assert [p.path for p in caught.value.problems] == [folder / "base.toml"]


# ------------------------------------------------------------------ fuzzing
LEVERS = ["st_budget_growth", "talent_flats", "rd_post_subsidy", "new_institute_year", "st_budget_growt"]
_scalar = st.one_of(st.integers(min_value=-10**400, max_value=10**400), st.floats(), st.booleans(),
                    st.text(max_size=12), st.sampled_from([0, 0.05, 2021, 2025, 5000]))
_path = st.one_of(
    st.dictionaries(st.sampled_from(["step", "ramp", "series", "pulse"]),
                    st.dictionaries(st.sampled_from(["year", "before", "after", "start_year", "end_year", "start",
                                                     "end", "2021", "2025", "x"]), _scalar, max_size=4),
                    min_size=1, max_size=2),
    st.lists(_scalar, max_size=3))
_document = st.fixed_dictionaries({}, optional={
    "name": _scalar, "title_en": _scalar,
    "extends": st.one_of(st.sampled_from(["baseline", "plan", "plan.toml", "../plan", "/etc/passwd", ""]), _scalar),
    "targets": st.one_of(st.sampled_from(["targets/plan_2025.toml", "targets/../../x.toml"]), _scalar),
    "levers": st.one_of(st.dictionaries(st.sampled_from(LEVERS), st.one_of(  # in range for some levers, or not
        st.floats(0, 0.2), st.integers(2021, 2030), _scalar, _path), max_size=4), _scalar),
    "sources": st.dictionaries(st.sampled_from(LEVERS), _scalar, max_size=2),
    "uncertainty": st.dictionaries(st.sampled_from(LEVERS), st.one_of(
        st.dictionaries(st.sampled_from(["distribution", "min", "max", "mode", "mean", "sd"]),
                        st.one_of(st.sampled_from(["uniform", "normal", "triangular", "beta"]), _scalar),
                        max_size=4), _scalar), max_size=2),
    "surprise": _scalar,
})


def _toml(document: dict) -> bytes:
    return toml_document(document).encode("utf-8")


BUNDLED = (ROOT / "scenarios", ROOT / "scenarios" / "targets")
FUZZ = settings(max_examples=300, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@FUZZ
@given(document=_document)
def test_fuzzed_scenario_uploads_are_accepted_or_refused_with_a_scenario_error(catalogue, document):
    data = _toml(document)
    tomllib.loads(data.decode())  # the generator writes valid TOML: the loader is what is fuzzed
    try:
        _, scenario = check_upload("fuzz.toml", data, catalogue)
    except ScenarioError as error:  # naming the upload (or a bundled parent), never the private copy
        assert all(p.path == Path("fuzz.toml") or p.path.parent in BUNDLED for p in error.problems), error.problems
        assert "gzsim-upload-" not in str(error)
        event("refused")
        return
    event("accepted")
    for lever in catalogue.levers:  # an accepted upload holds only valid lever values
        value = scenario.levers[lever.id]
        if isinstance(value, float):
            assert lever.min <= value <= lever.max


@FUZZ
@given(name=st.text(max_size=30), data=st.binary(max_size=300))
def test_fuzzed_bytes_are_refused_with_a_scenario_error_only(catalogue, name, data):
    try:
        check_upload(name + ".toml", data, catalogue)
    except GzsimError:
        pass


# ------------------------------------------------------------------ in the app
def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    return at


def _board(at: AppTest) -> np.ndarray:
    return at.dataframe[0].value["probability"].to_numpy(dtype=float)


def test_the_uploader_takes_toml_only_within_streamlits_outer_limit():
    at = _app()
    uploader = at.file_uploader[0]
    assert uploader.allowed_type == [".toml"]
    assert 0 < uploader.proto.max_upload_size_mb <= 1
    with (ROOT / ".streamlit" / "config.toml").open("rb") as f:
        assert tomllib.load(f)["server"]["maxUploadSize"] == 1


def test_an_upload_becomes_the_current_settings_and_a_bad_one_changes_nothing(model):
    at = _app()
    at.file_uploader[0].set_value(("colleague.toml", GOOD, "application/toml")).run()
    assert not at.exception and not at.error
    assert at.selectbox(key="scenario").value.startswith("upload:")
    _, scenario = check_upload("colleague.toml", GOOD, model.catalogue)
    expected = reach(model, [scenario], samples=500, seed=1)["probability"].to_numpy()
    np.testing.assert_allclose(_board(at), expected)
    assert dict(at.query_params) in ({"lang": ["en"]}, {"lang": "en"})  # no link can name an upload
    # The file's title is shown as plain text, never as markdown (no link, no formula).
    assert [t.value for t in at.sidebar.text] == ["More talent [see](http://example.org) $x$"]
    budget = next(s for s in at.slider if "S&T budget growth" in s.label)
    budget.set_value(0.2).run()
    before_choice, before_board = at.selectbox(key="scenario").value, _board(at)

    for name, data in [("hostile.toml", b'extends = "../../../etc/passwd"\n'), ("range.toml", b"[levers]\ntalent_flats = -1\n")]:
        at.file_uploader[0].set_value((name, data, "application/toml")).run()
        assert not at.exception
        assert at.sidebar.error, "the problem is shown"
        shown = at.sidebar.code[-1].value
        assert shown.startswith(f"{name}: ") and ("bundled scenario" in shown or "range" in shown), shown
        assert at.selectbox(key="scenario").value == before_choice  # nothing changed
        assert next(s for s in at.slider if "S&T budget growth" in s.label).value == 0.2
        np.testing.assert_array_equal(_board(at), before_board)
    edited = reach_table(model, at.session_state["uploaded_scenario"], (("st_budget_growth", 0.2),))
    np.testing.assert_allclose(before_board, edited["probability"].to_numpy())


def test_the_dotted_key_upload_is_refused_fast_in_bounded_memory(tmp_path):
    # In a child process capped at 1 GiB of address space: the unguarded parser needed 4.5 GB.
    code = (
        "import resource, time\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "import gzsim\n"
        "from gzsim.errors import ScenarioError\n"
        "from gzsim.ui.upload import check_upload\n"
        "model = gzsim.load_model(calibration=None)\n"
        "start = time.perf_counter()\n"
        "try:\n"
        "    check_upload('dotted.toml', b'x.' * 32765 + b'y=1', model.catalogue)\n"
        "except ScenarioError as error:\n"
        "    print(round(time.perf_counter() - start, 3), str(error))\n"
    )
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    seconds, message = done.stdout.split(" ", 1)
    assert float(seconds) < 1.0 and "more than 16 dotted parts" in message


@pytest.mark.parametrize("name, data", [("baseline.toml", b'[levers]\nst_budget_growth = 0.2\n'),
                                        ("mine.toml", b'name = "baseline"\n[levers]\nst_budget_growth = 0.2\n'),
                                        ("baseline.toml", b'extends = "baseline"\n')])
def test_an_upload_named_like_a_bundled_scenario_keeps_its_own_name_and_hash(model, name, data):
    from gzsim.ui.compute import app_record, content_key, edited_scenario

    bundled = str(ROOT / "scenarios" / "baseline.toml")
    upload, scenario = check_upload(name, data, model.catalogue)
    assert scenario.name == "baseline (uploaded)"
    record = app_record(model, upload, (), bundled)
    # Both are recorded, each with its own hash (an identical copy included: it is another file).
    assert record["scenarios"] == {"baseline (uploaded)": scenario.hash,
                                   "baseline": model.load_scenario(bundled).hash}
    assert content_key(scenario) != content_key(edited_scenario(model, bundled, ()))


def test_a_record_refuses_two_scenarios_of_one_name_with_different_content(model):
    from gzsim.errors import UsageError
    from gzsim.provenance import record
    from gzsim.scenario import with_levers

    base = model.load_scenario(ROOT / "scenarios" / "baseline.toml")
    other = with_levers(base, {"st_budget_growth": 0.2}, catalogue=model)
    with pytest.raises(UsageError, match="two scenarios named 'baseline' with different content"):
        record(model, [base, other], seed=1, samples=1)
