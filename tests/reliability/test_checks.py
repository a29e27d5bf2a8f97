"""The behaviour checks of model/checks.toml, expanded into one test per concrete case.

Each check of the file becomes one test per run (a sweep's runs are separate tests; a lever
sweep's comparison of its runs is one more), on the calibrated model (its central parameter
set: what analysts run) and on the hand-set model (the values in the .mdl). All runs of one
model go through the fast engine in a few batches, once per module. A failing test's message
names the check, the settings of the run and the variable, with the first failing time and
value. A check the file marks ``known_failure`` is a strict xfail: it must still fail, and
the marker must go once it passes.
"""

from __future__ import annotations

import re

import pytest

import gzsim
from gzsim.checks import default_checks_path, expand, load_checks, run_checks

MODELS = {"calibrated": "auto", "handset": None}
_LOADED = {}


def _loaded(label: str):
    if label not in _LOADED:
        model = gzsim.load_model(calibration=MODELS[label])
        _LOADED[label] = model, load_checks(default_checks_path(model), model)
    return _LOADED[label]


def _params():
    params = []
    for label in MODELS:
        model, checks = _loaded(label)
        for unit in expand(checks, model.catalogue)[1]:
            marks = [pytest.mark.xfail(strict=True, reason=unit.check.known_failure)] \
                if unit.check.known_failure else []
            params.append(pytest.param(label, unit.id, id=f"{label}-{unit.id}", marks=marks))
    return params


@pytest.fixture(scope="module")
def outcomes():
    cache = {}

    def get(label: str):
        if label not in cache:
            model, checks = _loaded(label)
            cache[label] = {o.unit.id: o for o in run_checks(checks, model)}
        return cache[label]

    return get


@pytest.mark.parametrize("label, unit_id", _params())
def test_behaviour_check(outcomes, label, unit_id):
    outcome = outcomes(label)[unit_id]
    assert not outcome.failures, outcome.message()


def test_the_file_holds_the_required_checks():
    model, checks = _loaded("calibrated")
    ids = {c.id for c in checks.checks}
    assert {"no_rd_knowledge_only_decays", "no_new_certifications_renewals_only",
            "zero_talent_subsidy_no_subsidy_inflow", "each_lever_at_min_default_max",
            "all_levers_together"} <= ids
    assert set(checks.ranges) == set(model.catalogue.indicator_ids)


# ----------------------------------------------------------------- the machinery can fail

BROKEN = '''
[[check]]
id = "knowledge_grows_without_rd"
description = "deliberately wrong: the knowledge stock keeps growing with no R&D"
condition = { variables = { "real RD expenditure" = { value = 0, from = 2020 }, "gestation delay" = 1 } }
[[check.expect]]
variable = "knowledge stock"
expect = "non_decreasing"
years = [2021, 2030]

[[check]]
id = "gdp_never_above_4000"
description = "deliberately wrong: GDP stays below 4,000 亿元 whatever the levers"
sweep = { each = ["max"] }
[[check.expect]]
variable = "gdp"
expect = "at_most"
value = 4000

[[check]]
id = "subsidy_lowers_rd"
description = "deliberately wrong: a higher R&D post-subsidy lowers R&D"
sweep = { lever = "rd_post_subsidy", steps = 3 }
[[check.expect]]
variable = "rd_expenditure"
expect = "non_increasing_in_lever"
'''


def _file_with(tmp_path, checks_text: str):
    """A checks file with the bundled ranges (data path made absolute) and *checks_text*."""
    bundled = (default_checks_path(_loaded("calibrated")[0])).read_text(encoding="utf-8")
    head = bundled.split("\n[[check]]", 1)[0]
    data = (default_checks_path(_loaded("calibrated")[0]).parent / "../calibration/observations.csv").resolve()
    head = re.sub(r'^data = ".*?"', f'data = "{data.as_posix()}"', head, flags=re.M)
    path = tmp_path / "checks.toml"
    path.write_text(head + checks_text, encoding="utf-8")
    return path


def test_deliberately_broken_checks_fail_naming_check_settings_variable_time_and_value(tmp_path):
    model, _ = _loaded("calibrated")
    outcomes = {o.unit.id: o for o in run_checks(load_checks(_file_with(tmp_path, BROKEN), model), model)}
    assert all(o.failures for o in outcomes.values())
    assert len(outcomes) == 1 + len(model.catalogue.levers) + 1  # one check, one per lever, one

    message = outcomes["knowledge_grows_without_rd"].message()
    assert "check 'knowledge_grows_without_rd'" in message
    assert "'real RD expenditure' = 0 from 2020" in message
    assert re.search(r"'knowledge stock' at 2021\.25 = [\d.]+, expected non-decreasing", message)

    message = outcomes["gdp_never_above_4000[gdp_growth=max]"].message()
    assert "gdp_growth at max (0.15)" in message and "other levers at default" in message
    assert re.search(r"'GDP' at 2020\.75 = 40\d\d\.\d*, expected at most 4000", message)

    message = outcomes["subsidy_lowers_rd[rd_post_subsidy=0..0.2/3]"].message()
    assert "rd_post_subsidy = 0, 0.1, 0.2" in message
    assert re.search(r"'reported RD expenditure' at 2020\.25 = [\d.]+ with rd_post_subsidy = 0\.1, "
                     r"expected at most [\d.]+, its value with rd_post_subsidy = 0", message)
