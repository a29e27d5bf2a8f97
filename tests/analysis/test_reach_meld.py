"""reach with the outside view as a prior: a second view next to the inside one, never replacing it."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from gzsim.analysis.reach import MELD_COLUMNS, REACH_COLUMNS, meld_notes, reach
from gzsim.cli import main
from gzsim.errors import UsageError

SAMPLES = 200


@pytest.fixture(scope="module")
def baseline(ganzhou):
    return ganzhou.load_scenario(ganzhou.catalogue.path.parents[1] / "scenarios" / "baseline.toml")


@pytest.fixture(scope="module")
def melded(ganzhou, baseline):
    return reach(ganzhou, [baseline], samples=SAMPLES, seed=1, outside_view=True)


def test_the_inside_view_is_unchanged(ganzhou, baseline, melded):
    inside = reach(ganzhou, [baseline], samples=SAMPLES, seed=1)
    assert list(inside.columns) == REACH_COLUMNS
    assert list(melded.columns) == REACH_COLUMNS + MELD_COLUMNS
    pd.testing.assert_frame_equal(melded[REACH_COLUMNS], inside, check_like=False)


def test_melded_columns_only_for_headline_targets_with_a_class(melded):
    t = melded.set_index("target")
    assert t["ess_melded"].notna().sum() == 2  # rd_intensity, high_tech_firms
    rd = t.loc["rd_intensity"]
    assert 0 < rd.ess_melded <= SAMPLES and rd.meld_note == ""
    assert 0 <= rd.probability_melded <= 1 and rd.p05_melded <= rd.median_melded <= rd.p95_melded
    assert np.isnan(t.loc["tech_contract_turnover", "probability_melded"].iloc[0])  # headline, no class
    assert np.isnan(t.loc["all_headline", "probability_melded"])
    firms = t.loc["high_tech_firms"]  # boom-years class far from the forecast: refused, with the reason
    assert firms.meld_note.startswith("refused: effective sample size")
    assert np.isnan(firms.probability_melded) and firms.ess_melded < 100
    assert melded.attrs["outside_view"] == {"alpha": 0.5, "min_ess": 100.0}


def test_same_seed_same_melded_table(ganzhou, baseline, melded):
    again = reach(ganzhou, [baseline], samples=SAMPLES, seed=1, outside_view=True)
    pd.testing.assert_frame_equal(melded, again)


def test_the_floor_and_alpha_one(ganzhou, baseline, melded):
    strict = reach(ganzhou, [baseline], samples=SAMPLES, seed=1, outside_view=True, min_ess=1e9)
    rows = strict[strict["ess_melded"].notna()]
    assert rows["probability_melded"].isna().all() and rows["meld_note"].str.startswith("refused").all()
    same = reach(ganzhou, [baseline], samples=SAMPLES, seed=1, outside_view=True, alpha=1.0, min_ess=1)
    rows = same[same["ess_melded"].notna()]
    np.testing.assert_allclose(rows["ess_melded"], SAMPLES)
    np.testing.assert_allclose(rows["probability_melded"], rows["probability"])
    np.testing.assert_allclose(rows["median_melded"], rows["median"], rtol=1e-12)


@pytest.mark.parametrize("kwargs, message", [({"alpha": -0.1}, "alpha must be"),
                                             ({"min_ess": 0}, "min_ess must be")])
def test_bad_options_fail_before_running(ganzhou, baseline, kwargs, message):
    with pytest.raises(UsageError, match=message):
        reach(ganzhou, [baseline], samples=SAMPLES, seed=1, outside_view=True, **kwargs)


def test_notes_one_line_per_melded_target(melded):
    lines = meld_notes(melded)
    assert len(lines) == 2 and lines[0].startswith("baseline rd_intensity: With the outside view as a prior: P = ")
    assert meld_notes(melded[REACH_COLUMNS]) == []


def test_notes_in_chinese_give_the_numbers_and_translate_the_refusal(baseline, melded):
    labels = {t.id: t.label("zh") for t in baseline.targets.targets if t.headline}
    lines = meld_notes(melded, "zh", labels)
    rd, firms = (melded.set_index("target").loc[i] for i in ("rd_intensity", "high_tech_firms"))
    assert lines[0] == (f"{labels['rd_intensity']}：以参照类为先验（外部视角），实现概率为{rd.probability_melded:.2f}"
                        f"（内部视角{rd.probability:.2f}），中位数为{rd.median_melded:.2f}（内部视角{rd['median']:.2f}），"
                        f"有效样本量{rd.ess_melded:.0f}（共{SAMPLES}次模拟）")
    assert lines[1].startswith(f"{labels['high_tech_firms']}：以参照类为先验（外部视角）的结果未予采用（有效样本量"
                               f"{firms.ess_melded:.0f}，共{SAMPLES}次模拟，低于100；")
    for line in lines:  # no English inside the Chinese text, after the target's own label
        assert not re.search("[A-Za-z]", line.split("：", 1)[1]), line
    assert meld_notes(melded, "en") == meld_notes(melded)
    with pytest.raises(UsageError, match="language must be"):
        meld_notes(melded, "fr")


def test_a_refused_row_without_weights_still_gets_its_line(melded):
    row = melded[melded["target"] == "rd_intensity"].assign(
        probability_melded=np.nan, ess_melded=np.nan, meld_note="refused: 3 sample(s) without a finite pace",
        meld_note_zh="未予采用（3次模拟无法算出增速）")
    assert meld_notes(row) == ["baseline rd_intensity: With the outside view as a prior: not shown, "
                               "refused: 3 sample(s) without a finite pace"]
    assert meld_notes(row, "zh") == ["baseline rd_intensity：以参照类为先验（外部视角）的结果未予采用（3次模拟无法算出增速）"]


def test_cli_flag_end_to_end(capsys):
    code = main(["reach", "baseline", "--samples", str(SAMPLES), "--seed", "1", "--quiet", "--outside-view"])
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in err
    assert "probability_melded" in out and "ess_melded" in out
    assert "baseline rd_intensity: With the outside view as a prior: P = " in out
    code = main(["reach", "baseline", "--samples", "50", "--seed", "1", "--quiet"])
    out, _ = capsys.readouterr()
    assert code == 0 and "melded" not in out and "outside view as a prior" not in out
