"""Targets files: loading, validation against the catalogue."""

from __future__ import annotations

import pytest

from gzsim import TargetsError, load_targets

from .conftest import FIXTURE_SCENARIOS

GOOD = """\
name = "t"
title_en = "Targets"
[[target]]
id = "rd_intensity"
year = 2025
threshold = 2.6
direction = "at_least"
base_year = 2020
base_value = 1.5
headline = true
label_en = "R&D"
label_zh = "研发"
source = "专栏1 row 1"
"""


def test_fixture_targets_load_as_frozen_dataclasses(catalogue):
    targets = load_targets(FIXTURE_SCENARIOS / "targets" / "plan_2025.toml", catalogue=catalogue)
    first = targets.targets[0]
    assert (first.id, first.year, first.threshold, first.direction) == ("rd_intensity", 2025, 1.4, "at_least")
    assert first.headline and first.base_year == 2020 and first.label("zh") == "研发投入强度"
    assert targets.targets[1].headline is False and targets.title_zh == "测试用2025年规划目标"
    with pytest.raises(AttributeError):
        first.threshold = 3.0


def test_is_met_follows_the_direction(write):
    at_least = load_targets(write("a.toml", GOOD)).targets[0]
    at_most = load_targets(write("b.toml", GOOD.replace("at_least", "at_most"))).targets[0]
    assert at_least.is_met(2.6) and at_least.is_met(3) and not at_least.is_met(2.5)
    assert at_most.is_met(2.6) and at_most.is_met(1) and not at_most.is_met(2.7)
    assert not at_least.is_met(float("nan")) and not at_most.is_met(float("nan"))


def test_name_defaults_to_the_file_stem(write):
    assert load_targets(write("plan_x.toml", GOOD.replace('name = "t"\n', ""))).name == "plan_x"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('direction = "at_least"', 'direction = "above"', "direction 'above' is unknown"),
        ("year = 2025", 'year = "2025"', "'year' must be an integer"),
        ("threshold = 2.6", "threshold = nan", "'threshold' must be a finite number"),
        ("headline = true", 'headline = "yes"', "'headline' must be true or false"),
        ("base_year = 2020", "base_year = 2026", "base_year 2026 must be before year 2025"),
        ('id = "rd_intensity"\n', "", "missing required key 'id'"),
        ("source =", "sorce =", "unknown key 'sorce'; did you mean 'source'?"),
    ],
    ids=["direction", "year-type", "nan", "headline", "base-year", "missing-id", "typo"],
)
def test_bad_target_is_reported_with_the_file_name(write, old, new, message):
    path = write("t.toml", GOOD.replace(old, new))
    with pytest.raises(TargetsError) as info:
        load_targets(path)
    assert message in str(info.value) and "t.toml: " in str(info.value)


def test_duplicate_target_is_reported(write):
    path = write("t.toml", GOOD + GOOD.split("\n", 2)[2])
    with pytest.raises(TargetsError, match="a level target for 'rd_intensity' in 2025 is given twice"):
        load_targets(path)


def test_unknown_indicator_is_reported_only_when_checked_against_a_catalogue(write, catalogue):
    path = write("t.toml", GOOD.replace('id = "rd_intensity"', 'id = "rd_intensty"'))
    assert load_targets(path).targets[0].id == "rd_intensty"
    with pytest.raises(TargetsError, match="'rd_intensty' is not an indicator.*did you mean 'rd_intensity'"):
        load_targets(path, catalogue=catalogue)


def test_file_without_targets_is_an_error(write):
    with pytest.raises(TargetsError, match="missing required key 'target'"):
        load_targets(write("t.toml", 'name = "x"\n'))
