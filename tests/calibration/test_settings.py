"""Settings validation: every problem reported at once, naming the file, the item and the fix."""

from __future__ import annotations

import pytest

from gzsim.calibration import CalibrationError, load_settings
from gzsim.calibration.setup import prepare
from gzsim.errors import GzsimError

from .conftest import CATALOGUE, DATA, SETTINGS


def _messages(exc: GzsimError) -> list[str]:
    return [str(p) for p in exc.problems]


def test_bundled_settings_load_and_prepare():
    settings = load_settings(SETTINGS)
    setup = prepare(settings)
    assert sum(p.profile for p in setup.free) <= 12  # profiled; the rest are sampled with priors
    assert settings.region == "Ganzhou"
    # every Ganzhou row of the data is either used or skipped with a reason
    assert not setup.rows["status"].str.startswith("not listed").any()


def test_calibration_error_is_a_gzsim_error():
    assert issubclass(CalibrationError, GzsimError)


def test_structural_problems_all_at_once(write):
    path = write("bad.toml", f"""
        region = "Ganzhou"
        observations = "{DATA.as_posix()}"
        model = "{CATALOGUE.as_posix()}"
        colour = "red"

        [[free]]
        name = "eligibility rate"
        prior = {{ distribution = "uniform", min = 2.0, max = 1.0 }}
        why = "x"

        [[free]]
        name = "imitation coefficient"
        id = "imitation_coefficient"
        why = "x"

        [[observation]]
        indicator = "rd_intensity"
        period = "2020"
        measure = "levels"
        constraint = "point"
        sigma = -1
        why = "x"

        [mcmc]
        burn = 1.5
        """)
    with pytest.raises(CalibrationError) as info:
        load_settings(path)
    text = "\n".join(_messages(info.value))
    assert "bad.toml" in text
    assert "unknown key 'colour'" in text
    assert "min 2 must be below max 1" in text
    assert "exactly one of 'name'" in text
    assert "measure 'levels' is unknown" in text
    assert "sigma must be positive" in text
    assert "burn" in text
    assert len(info.value.problems) >= 6


def test_too_many_free_parameters(write):
    frees = "\n".join(f"""
[[free]]
name = "p{i}"
prior = {{ distribution = "uniform", min = 0, max = 1 }}
why = "x"
""" for i in range(13))
    path = write("many.toml", f"""
region = "Ganzhou"
observations = "{DATA.as_posix()}"
model = "{CATALOGUE.as_posix()}"
{frees}
[[observation]]
indicator = "rd_intensity"
period = "2020"
measure = "level"
constraint = "point"
sigma = 0.05
why = "x"
""")
    with pytest.raises(CalibrationError, match="free at most 12"):
        load_settings(path)


def test_name_problems_found_when_bound_to_the_model(write):
    path = write("names.toml", f"""
        region = "Ganzhou"
        observations = "{DATA.as_posix()}"
        model = "{CATALOGUE.as_posix()}"

        [fixed]
        "GDP history" = 5.0
        "patent grants 2015" = 1.0

        [[free]]
        name = "eligibilty rate"
        prior = {{ distribution = "uniform", min = 0, max = 1 }}
        why = "typo"

        [[free]]
        name = "RD intensity"
        prior = {{ distribution = "uniform", min = 0, max = 1 }}
        why = "not a constant"

        [[free]]
        name = "revenue per high tech firm 2015"
        why = "no catalogue prior"

        [[free]]
        id = "imitation_coefficient"
        why = "catalogue prior"

        [[free]]
        name = "Imitation Coefficient"
        why = "the same again"

        [[free]]
        name = "patent grants 2015"
        prior = {{ distribution = "uniform", min = 1, max = 2 }}
        why = "also fixed"

        [[observation]]
        indicator = "patent_grants"
        period = "2020"
        measure = "level"
        constraint = "point"
        sigma = 0.05
        why = "x"
        """)
    with pytest.raises(CalibrationError) as info:
        prepare(load_settings(path))
    text = "\n".join(_messages(info.value))
    assert "names.toml" in text
    assert "did you mean 'eligibility rate'" in text
    assert "'RD intensity' is not a constant" in text
    assert "no [[uncertain]] prior in the catalogue" in text
    assert "'GDP history' is not a constant" in text
    assert "also a [[free]] parameter" in text
    assert "listed twice" in text


def test_missing_file_and_empty_file(tmp_path, write):
    with pytest.raises(CalibrationError, match="not found"):
        load_settings(tmp_path / "nope.toml")
    with pytest.raises(CalibrationError, match="empty"):
        load_settings(write("empty.toml", "# nothing\n"))
