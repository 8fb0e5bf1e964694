"""The progress engine (cfcity.monitoring.engine): plain pytest, no database, no Django.

Every expected number is worked out by hand in the comment above it.  Dates: the baseline
date is 31 Dec of the baseline year, the deadline 31 Dec of the target year, so for a
2022 baseline and a 2025 deadline the line is 2022-12-31 → 2025-12-31 = 1096 days
(365 + 366 + 365), and 2023-12-31 is 365 days in (33.30 %), 2024-12-31 731 days (66.70 %).

Run alone with  .venv/bin/pytest -q tests/monitoring/test_engine.py -p no:django
"""
import datetime as dt
import pathlib
import subprocess
import sys

import pytest

from cfcity.monitoring.engine import (DEFAULT_THRESHOLDS, Assessment, Point, RollUp, SdgCategory,
                                      Status, TargetSpec, Thresholds, assess, roll_up,
                                      roll_up_groups, running_total, sdg_view)

ROOT = pathlib.Path(__file__).resolve().parents[2]
D = dt.date
approx = pytest.approx


def spec(kind="level", **kw):
    kw.setdefault("start_year", 2023)
    kw.setdefault("end_year", 2025)
    return TargetSpec(kind=kind, **kw)


def pts(*pairs):
    return [Point(D(*when), value) for when, value in pairs]


# 龋患率 ≤ 30% by 2025, from 38% in 2022 (the example): the value must move down
CARIES = spec(comparator="<=", value=30, year=2025, baseline_value=38, baseline_year=2022, unit="%")


# ---------------------------------------------------------------- plain library

def test_engine_imports_no_django():
    code = ("import sys; import cfcity.monitoring.engine; "
            "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)


def test_labels_in_chinese():
    assert [s.value for s in Status] == ["achieved", "on_track", "at_risk", "off_track", "no_data", "not_due"]
    assert [s.label for s in Status] == ["已达标", "进展正常", "存在风险", "严重滞后", "暂无数据", "未到评估期"]
    assert [c.value for c in SdgCategory] == ["achieved", "on_track", "accelerate", "limited",
                                              "deterioration", "not_available"]
    assert all(c.label and not c.label.isascii() for c in SdgCategory)
    assert str(Status.AT_RISK) == "at_risk" and Status("off_track") is Status.OFF_TRACK


def test_unknown_kind_or_comparator_is_an_error():
    with pytest.raises(ValueError, match="未知的目标类型"):
        assess(TargetSpec(kind="weird"), [], as_of=D(2024, 1, 1))
    with pytest.raises(ValueError, match="未知的比较方式"):
        assess(spec(comparator="≈", value=1, year=2025), pts(((2024, 1, 1), 1)), as_of=D(2024, 6, 1))


# ---------------------------------------------------------------- level: a ≤ target

def test_le_target_on_track():
    a = assess(CARIES, pts(((2023, 12, 31), 35)), as_of=D(2024, 6, 30))
    # progress = (38 − 35) / (38 − 30) = 3/8 = 37.5 %
    # expected at 2023-12-31 = 365 / 1096 = 33.30 %; lag = −4.2 ≤ 10 → on track
    assert a.status is Status.ON_TRACK
    assert a.progress == approx(37.5)
    assert a.expected == approx(365 / 1096 * 100)
    assert (a.latest, a.latest_when, a.baseline, a.baseline_year) == (35, D(2023, 12, 31), 38, 2022)
    assert a.deadline == D(2025, 12, 31) and a.baseline_source == "entered"
    # expected now (2024-06-30) = 547 / 1096
    assert a.expected_now == approx(547 / 1096 * 100)
    # SDG: actual = 35/38 − 1 = −0.078947; required = (30/38)^(1/3) − 1 = −0.075772
    # ratio = sign(+1) · direction(−1) · (−0.078947) / |−0.075772| = 1.0419 ≥ 0.95
    assert a.sdg.category is SdgCategory.ON_TRACK
    assert a.sdg.actual_rate == approx(35 / 38 - 1)
    assert a.sdg.required_rate == approx((30 / 38) ** (1 / 3) - 1)
    assert a.sdg.ratio == approx(1.0419, abs=1e-4)
    assert a.disagreement is None
    assert any("进展正常" in r for r in a.reasons) and any("38" in r for r in a.reasons)


def test_le_target_at_risk():
    a = assess(CARIES, pts(((2024, 12, 31), 33.5)), as_of=D(2025, 1, 31))
    # progress = (38 − 33.5) / 8 = 56.25 %; expected = 731 / 1096 = 66.70 %
    # lag = 10.45: more than 10, not more than 25 → at risk
    assert a.status is Status.AT_RISK
    assert a.progress == approx(56.25)
    assert a.gap == approx(731 / 1096 * 100 - 56.25)
    # SDG: actual = (33.5/38)^(1/2) − 1 = −0.061076; ratio = 0.061076 / 0.075772 = 0.806
    # 0.5 ≤ 0.806 < 0.95 → acceleration needed, which reads as at risk: the views agree
    assert a.sdg.category is SdgCategory.ACCELERATE
    assert a.sdg.ratio == approx(0.806, abs=1e-3)
    assert a.disagreement is None


def test_le_target_off_track():
    a = assess(CARIES, pts(((2024, 12, 31), 36)), as_of=D(2025, 1, 31))
    # progress = 2/8 = 25 %; expected 66.70 %; lag 41.7 > 25 → off track
    assert a.status is Status.OFF_TRACK
    assert a.progress == approx(25)
    # SDG: (36/38)^(1/2) − 1 = −0.026671; ratio = 0.352 → limited (reads as off track)
    assert a.sdg.category is SdgCategory.LIMITED
    assert a.sdg.ratio == approx(0.352, abs=1e-3)
    assert a.disagreement is None


def test_le_target_achieved():
    a = assess(CARIES, pts(((2023, 12, 31), 33), ((2024, 12, 31), 29.5)), as_of=D(2025, 3, 1))
    # 29.5 ≤ 30 → achieved, whatever the line says
    assert a.status is Status.ACHIEVED and a.progress == 100
    assert a.sdg.category is SdgCategory.ACHIEVED
    assert a.latest == 29.5


def test_baseline_already_meets_target_is_achieved():
    s = spec(comparator="<=", value=30, year=2025, baseline_value=28, baseline_year=2022)
    a = assess(s, [], as_of=D(2023, 6, 1))
    assert a.status is Status.ACHIEVED and a.progress == 100
    assert a.latest is None and a.baseline == 28
    assert a.sdg.category is SdgCategory.ACHIEVED
    assert any("基期值" in r and "已达到" in r for r in a.reasons)


def test_worse_than_baseline_is_at_least_at_risk():
    a = assess(CARIES, pts(((2023, 3, 31), 38.5)), as_of=D(2023, 5, 1))
    # raw progress = (8 − 8.5) / 8 = −6.25 % → 0; expected = 90 / 1096 = 8.21 %
    # a lag of 8.21 alone would be on track, but the value moved away: at risk
    assert a.status is Status.AT_RISK
    assert a.progress == 0 and a.expected == approx(90 / 1096 * 100)
    # SDG: 38.5/38 − 1 = +0.013158; ratio = −0.013158 / 0.075772 = −0.174 < −0.1 → deterioration
    assert a.sdg.category is SdgCategory.DETERIORATION
    assert a.sdg.ratio == approx(-0.174, abs=1e-3)
    assert any("至少判为存在风险" in r for r in a.reasons)
    # at risk vs deterioration (reads as off track): the two views' cut-offs differ
    assert "分档不同" in a.disagreement


def test_deadline_passed_and_not_met_is_off_track():
    a = assess(CARIES, pts(((2025, 12, 31), 31)), as_of=D(2026, 2, 1))
    # progress = (38 − 31) / 8 = 87.5 %, expected = 100 %: the line is over and 31 > 30
    assert a.status is Status.OFF_TRACK
    assert a.progress == approx(87.5) and a.expected == 100 and a.expected_now == 100
    assert any("截止期" in r for r in a.reasons)


def test_no_data_and_not_due():
    s = spec(comparator="<=", value=30, year=2025)
    # no baseline, no values: nothing to judge
    a = assess(s, [], as_of=D(2024, 6, 30))
    assert a.status is Status.NO_DATA and a.progress is None and a.sdg.category is SdgCategory.NOT_AVAILABLE
    # before the plan starts (2023-01-01) there is nothing due yet
    assert assess(s, [], as_of=D(2022, 11, 1)).status is Status.NOT_DUE
    # an entered baseline that does not meet the target, and no report yet
    assert assess(CARIES, [], as_of=D(2024, 6, 30)).status is Status.NO_DATA
    assert assess(CARIES, [], as_of=D(2022, 12, 1)).status is Status.NOT_DUE


def test_a_single_value_is_the_baseline_and_shows_no_progress_yet():
    s = spec(comparator=">=", value=80, year=2025)
    a = assess(s, pts(((2023, 12, 31), 60)), as_of=D(2024, 3, 1))
    # the first value is the baseline: no movement to measure yet
    assert a.status is Status.NO_DATA
    assert (a.latest, a.baseline, a.baseline_year, a.baseline_source) == (60, 60, 2023, "first_point")
    assert a.progress is None and a.expected is None
    # SDG: fewer than two points → not available
    assert a.sdg.category is SdgCategory.NOT_AVAILABLE and a.sdg.ratio is None


def test_points_in_any_order_quarterly_latest_by_date_and_later_ones_ignored():
    s = spec(comparator=">=", value=80, year=2025, unit="%")
    points = pts(((2024, 3, 31), 60), ((2023, 3, 31), 50), ((2023, 12, 31), 55), ((2025, 3, 31), 90))
    a = assess(s, points, as_of=D(2024, 6, 30))  # the 2025 value is after as_of: left out
    # baseline = first point 50 on 2023-03-31; latest = 60 on 2024-03-31
    # progress = (60 − 50) / (80 − 50) = 33.33 %
    # expected = 366 / 1006 days (2023-03-31 → 2024-03-31 → 2025-12-31) = 36.38 %; lag 3.05 → on track
    assert (a.latest, a.latest_when, a.baseline, a.baseline_year) == (60, D(2024, 3, 31), 50, 2023)
    assert a.progress == approx(100 / 3)
    assert a.expected == approx(366 / 1006 * 100)
    assert a.status is Status.ON_TRACK
    # SDG counts whole years: 2023 → 2024 is one year.  actual = 60/50 − 1 = 0.2;
    # required = (80/50)^(1/2) − 1 = 0.264911; ratio = 0.755 → acceleration needed
    assert a.sdg.category is SdgCategory.ACCELERATE
    assert a.sdg.ratio == approx(0.2 / (1.6 ** 0.5 - 1))
    # the two views disagree, and the page says both and why
    assert "进展正常" in a.disagreement and "有进展但需加速" in a.disagreement
    assert "时间口径不同" in a.disagreement and "2024-03-31" in a.disagreement


def test_same_date_twice_the_last_given_wins():
    s = spec(comparator=">=", value=80, year=2025, baseline_value=50, baseline_year=2022)
    a = assess(s, pts(((2023, 12, 31), 55), ((2023, 12, 31), 58)), as_of=D(2024, 1, 1))
    assert a.latest == 58


# ---------------------------------------------------------------- level: range, equality, no year

def test_range_target():
    s = spec(comparator="between", value=15, value_max=18, year=2025, baseline_value=20, baseline_year=2022)
    a = assess(s, pts(((2024, 12, 31), 19)), as_of=D(2025, 1, 15))
    # distance to the range: baseline 20 − 18 = 2, latest 19 − 18 = 1 → progress 50 %
    # expected 66.70 %, lag 16.7 → at risk
    assert a.status is Status.AT_RISK and a.progress == approx(50)
    # SDG aims at the nearer bound 18, downwards: actual = (19/20)^(1/2) − 1 = −0.025321,
    # required = (18/20)^(1/3) − 1 = −0.034511; ratio = 0.734 → acceleration needed (agrees)
    assert a.sdg.target_value == 18
    assert a.sdg.ratio == approx(0.734, abs=1e-3)
    assert a.sdg.category is SdgCategory.ACCELERATE and a.disagreement is None
    # inside the range: achieved
    assert assess(s, pts(((2024, 12, 31), 17)), as_of=D(2025, 1, 15)).status is Status.ACHIEVED
    # through the range and out the other side: 12 is 3 below 15, farther than the baseline's 2
    over = assess(s, pts(((2024, 12, 31), 12)), as_of=D(2025, 1, 15))
    assert over.progress == 0 and over.status is Status.OFF_TRACK
    # from below the range the nearer bound is 15: baseline 12 (3 short), latest 14 (1 short) → 66.67 %
    below = spec(comparator="between", value=15, value_max=18, year=2025, baseline_value=12, baseline_year=2022)
    assert assess(below, pts(((2024, 12, 31), 14)), as_of=D(2025, 1, 15)).progress == approx(200 / 3)


def test_equality_target_overshoot_counts_as_distance():
    s = spec(comparator="==", value=50, year=2025, baseline_value=40, baseline_year=2022)
    # from 40 to 55: 5 away from 50 instead of 10 → progress 50 %
    assert assess(s, pts(((2024, 12, 31), 55)), as_of=D(2025, 1, 1)).progress == approx(50)
    assert assess(s, pts(((2024, 12, 31), 50)), as_of=D(2025, 1, 1)).status is Status.ACHIEVED


def test_target_without_any_year_is_judged_on_direction():
    s = TargetSpec(kind="level", comparator="<=", value=30, baseline_value=38, baseline_year=2022)
    a = assess(s, pts(((2023, 12, 31), 36)), as_of=D(2024, 6, 1))
    # no deadline: no straight line; 36 is nearer 30 than 38 was → on track, and the reasons say why
    assert a.status is Status.ON_TRACK and a.expected is None and a.deadline is None
    assert a.progress == approx(25)  # (38 − 36) / 8
    assert any("未写明完成年份" in r and "变化方向" in r for r in a.reasons)
    assert a.sdg is None  # no target year, no required rate
    assert assess(s, pts(((2023, 12, 31), 38)), as_of=D(2024, 6, 1)).status is Status.AT_RISK
    assert assess(s, pts(((2023, 12, 31), 40)), as_of=D(2024, 6, 1)).status is Status.OFF_TRACK
    assert assess(s, pts(((2023, 12, 31), 30)), as_of=D(2024, 6, 1)).status is Status.ACHIEVED


def test_plan_end_year_is_the_deadline_when_the_target_has_none():
    s = spec(comparator="<=", value=30, baseline_value=38, baseline_year=2022)  # year None, end_year 2025
    a = assess(s, pts(((2023, 12, 31), 35)), as_of=D(2024, 1, 1))
    assert a.deadline == D(2025, 12, 31) and a.expected == approx(365 / 1096 * 100)


def test_incomplete_target_is_no_data():
    assert assess(spec(comparator=None, value=None), pts(((2024, 1, 1), 1)), as_of=D(2024, 6, 1)).status \
        is Status.NO_DATA
    assert assess(spec(comparator="between", value=1, year=2025), pts(((2024, 1, 1), 1)),
                  as_of=D(2024, 6, 1)).status is Status.NO_DATA


# ---------------------------------------------------------------- the SDG view

BASE50 = spec(comparator=">=", value=80, year=2025, baseline_value=50, baseline_year=2022)
# required = (80/50)^(1/3) − 1 = 0.169607 a year


@pytest.mark.parametrize("latest, category, ratio", [
    (80, SdgCategory.ACHIEVED, None),        # target met
    (59, SdgCategory.ON_TRACK, 1.0613),      # 59/50 − 1 = 0.18;  0.18 / 0.169607 = 1.061
    (55, SdgCategory.ACCELERATE, 0.5896),    # 0.10 / 0.169607 = 0.590
    (50, SdgCategory.LIMITED, 0.0),          # 0 / 0.169607 = 0
    (49.5, SdgCategory.LIMITED, -0.0590),    # −0.01 / 0.169607 = −0.059 ≥ −0.1
    (45, SdgCategory.DETERIORATION, -0.5896),  # −0.10 / 0.169607 = −0.590 < −0.1
])
def test_sdg_categories(latest, category, ratio):
    v = sdg_view(BASE50, pts(((2023, 12, 31), latest)), as_of=D(2024, 3, 1))
    assert v.category is category
    if ratio is None:
        assert v.ratio is None
    else:
        assert v.ratio == approx(ratio, abs=1e-4)
        assert v.required_rate == approx(1.6 ** (1 / 3) - 1)
    assert v.note


def test_sdg_not_available_with_fewer_than_two_years():
    # only the baseline
    assert sdg_view(BASE50, [], as_of=D(2023, 6, 1)).category is SdgCategory.NOT_AVAILABLE
    # a value in the baseline year itself: still one year
    v = sdg_view(BASE50, pts(((2022, 12, 31), 52)), as_of=D(2023, 6, 1))
    assert v.category is SdgCategory.NOT_AVAILABLE and "两个年份" in v.note


def test_sdg_zero_base_replaced_by_0_001_as_open_sdg_does():
    s = spec(comparator=">=", value=10, year=2025, baseline_value=0, baseline_year=2022)
    a = assess(s, pts(((2023, 12, 31), 4)), as_of=D(2024, 2, 1))
    # base 0 → 0.001: actual = 4/0.001 − 1 = 3999; required = (10/0.001)^(1/3) − 1 = 21.544 − 1 = 20.544
    # ratio = 3999 / 20.544 = 194.7 → on track; the note says the base was replaced
    assert a.sdg.category is SdgCategory.ON_TRACK
    assert a.sdg.actual_rate == approx(3999)
    assert a.sdg.required_rate == approx(10000 ** (1 / 3) - 1)
    assert a.sdg.ratio == approx(3999 / (10000 ** (1 / 3) - 1))
    assert "0.001" in a.sdg.note and "基期值为 0" in a.sdg.note
    # the main view: progress 4/10 = 40 % vs expected 33.30 % → on track (they agree)
    assert a.status is Status.ON_TRACK and a.progress == approx(40) and a.disagreement is None


def test_sdg_zero_target_and_a_disagreement():
    # 溺水死亡人数 ≤ 0 by 2025 from 5 in 2022; 4 in 2023
    s = spec(comparator="<=", value=0, year=2025, baseline_value=5, baseline_year=2022)
    a = assess(s, pts(((2023, 12, 31), 4)), as_of=D(2024, 2, 1))
    # SDG: target 0 → 0.001; actual = 4/5 − 1 = −0.2; required = (0.001/5)^(1/3) − 1 = 0.05848 − 1 = −0.94152
    # ratio = −1 · (−0.2) / 0.94152 = 0.2124 → limited
    assert a.sdg.target_value == 0.001
    assert a.sdg.ratio == approx(0.2 / (1 - 0.0002 ** (1 / 3)))
    assert a.sdg.category is SdgCategory.LIMITED
    # main: progress = (5 − 4) / 5 = 20 %, expected 33.30 %, lag 13.3 → at risk
    assert a.status is Status.AT_RISK and a.progress == approx(20)
    # at risk vs limited (reads as off track): both are shown, with why
    assert "存在风险" in a.disagreement and "进展有限或无进展" in a.disagreement
    assert "复合增长" in a.disagreement


def test_sdg_opposite_signs_not_available():
    s = spec(comparator=">=", value=5, year=2025, baseline_value=-2, baseline_year=2022)
    assert sdg_view(s, pts(((2023, 12, 31), 1)), as_of=D(2024, 1, 1)).category is SdgCategory.NOT_AVAILABLE


def test_sdg_thresholds_are_settings():
    # Open SDG's own defaults are 0.95 / 0.6 / 0: the same 0.5896 ratio is then limited progress
    open_sdg = Thresholds(sdg_accelerate=0.6, sdg_limited=0.0)
    v = sdg_view(BASE50, pts(((2023, 12, 31), 55)), as_of=D(2024, 3, 1), thresholds=open_sdg)
    assert v.category is SdgCategory.LIMITED


def test_sdg_only_for_level_targets():
    s = spec("cumulative", comparator=">=", value=3, year=2025)
    assert assess(s, pts(((2023, 12, 31), 1)), as_of=D(2024, 1, 1)).sdg is None


def test_deadline_passed_disagreement_says_so():
    # ≥ 80 from 50 (2022); 79 at the end of 2025, judged in 2026: off track by the main view;
    # SDG: actual = (79/50)^(1/3) − 1 = 0.16471, ratio = 0.971 → on track by the rate
    a = assess(BASE50, pts(((2025, 12, 31), 79)), as_of=D(2026, 2, 1))
    assert a.status is Status.OFF_TRACK
    assert a.sdg.category is SdgCategory.ON_TRACK
    assert a.sdg.ratio == approx(((79 / 50) ** (1 / 3) - 1) / (1.6 ** (1 / 3) - 1))
    assert "截止期已过" in a.disagreement


# ---------------------------------------------------------------- cumulative

ROADS = spec("cumulative", comparator=">=", value=3, year=2025, unit="条")  # 建设3条儿童友好出行道路


def test_cumulative_counts_from_zero_at_plan_start():
    a = assess(ROADS, pts(((2023, 12, 31), 1)), as_of=D(2024, 1, 15))
    # baseline 0 at 2022-12-31 (plan start); progress = 1/3 = 33.33 %; expected = 365/1096 = 33.30 %
    # lag −0.03 → on track
    assert (a.baseline, a.baseline_year, a.baseline_source) == (0, 2022, "plan_start")
    assert a.progress == approx(100 / 3) and a.status is Status.ON_TRACK
    a = assess(ROADS, pts(((2023, 12, 31), 1), ((2024, 6, 30), 1)), as_of=D(2024, 7, 15))
    # still 1 of 3 at 2024-06-30: expected = 547/1096 = 49.91 %, lag 16.58 → at risk
    assert a.expected == approx(547 / 1096 * 100) and a.status is Status.AT_RISK
    a = assess(ROADS, pts(((2023, 12, 31), 1), ((2024, 12, 31), 3)), as_of=D(2025, 1, 15))
    assert a.status is Status.ACHIEVED
    # not built by the deadline: off track
    a = assess(ROADS, pts(((2025, 12, 31), 2)), as_of=D(2026, 1, 15))
    assert a.status is Status.OFF_TRACK and a.progress == approx(200 / 3)


def test_running_total_turns_increments_into_totals():
    totals = running_total(pts(((2024, 12, 31), 2), ((2023, 12, 31), 1), ((2024, 6, 30), 0)))
    assert [(p.when, p.value) for p in totals] == [(D(2023, 12, 31), 1), (D(2024, 6, 30), 1), (D(2024, 12, 31), 3)]


# ---------------------------------------------------------------- coverage and per_unit (shares)

def test_coverage_reaches_100_percent():
    s = spec("coverage", comparator=">=", value=100, unit="%", year=2025, baseline_value=40, baseline_year=2022)
    a = assess(s, pts(((2024, 12, 31), 70)), as_of=D(2025, 1, 10))
    # progress = (70 − 40) / (100 − 40) = 50 %; expected 66.70 %; lag 16.7 → at risk
    assert a.progress == approx(50) and a.status is Status.AT_RISK and a.sdg is None
    assert assess(s, pts(((2024, 12, 31), 100)), as_of=D(2025, 1, 10)).status is Status.ACHIEVED


def test_per_unit_share_of_villages_with_their_director():
    # 每个村（社区）配备1名儿童主任: the points are the share of villages that have one
    s = spec("per_unit", comparator=">=", value=1, unit="名", year=2025)
    a = assess(s, pts(((2023, 6, 30), 80), ((2024, 6, 30), 95)), as_of=D(2024, 7, 1))
    # baseline = first share 80 (2023-06-30); progress = (95 − 80) / (100 − 80) = 75 %
    # expected = 366 / 915 days (2023-06-30 → 2024-06-30 → 2025-12-31) = 40 % → on track
    assert a.progress == approx(75) and a.expected == approx(40) and a.status is Status.ON_TRACK
    assert assess(s, pts(((2024, 6, 30), 100)), as_of=D(2024, 7, 1)).status is Status.ACHIEVED


# ---------------------------------------------------------------- frequency

FREQ = spec("frequency", comparator=">=", value=100, year=2025)  # share of schools each semester


@pytest.mark.parametrize("share, status", [
    (100, Status.ON_TRACK),   # every unit this semester; recurring, so not "achieved" before the deadline
    (90, Status.ON_TRACK),    # 10 short: not more than 10
    (80, Status.AT_RISK),     # 20 short: more than 10, not more than 25
    (60, Status.OFF_TRACK),   # 40 short
])
def test_frequency_each_unit_each_semester(share, status):
    a = assess(FREQ, pts(((2023, 7, 31), 100), ((2024, 1, 31), share)), as_of=D(2024, 2, 15))
    assert a.status is status and a.progress == approx(share) and a.expected == 100
    assert a.latest_when == D(2024, 1, 31)


def test_frequency_after_the_deadline():
    assert assess(FREQ, pts(((2025, 12, 31), 100)), as_of=D(2026, 1, 15)).status is Status.ACHIEVED
    assert assess(FREQ, pts(((2025, 12, 31), 95)), as_of=D(2026, 1, 15)).status is Status.OFF_TRACK


def test_frequency_counts_against_the_required_count():
    # a department reporting for itself: 每学期至少组织2次, held once → 50 % of the requirement
    s = spec("frequency", comparator=">=", value=2, unit="次", year=2025)
    a = assess(s, pts(((2024, 1, 31), 1)), as_of=D(2024, 2, 1))
    assert a.progress == approx(50) and a.status is Status.OFF_TRACK
    assert assess(s, pts(((2024, 1, 31), 3)), as_of=D(2024, 2, 1)).status is Status.ON_TRACK


def test_frequency_no_data():
    assert assess(FREQ, [], as_of=D(2024, 2, 1)).status is Status.NO_DATA


# ---------------------------------------------------------------- annual_change

# 近视率平均每年降低1个百分点以上, from 52.0 % in 2022, by 2025 (3 years: 3 points in all)
MYOPIA = spec("annual_change", comparator=">=", value=1, direction="decrease", unit="个百分点",
              year=2025, baseline_value=52.0, baseline_year=2022)


def test_annual_change_on_track_but_last_year_missed():
    a = assess(MYOPIA, pts(((2023, 6, 30), 51.5), ((2023, 12, 31), 50.8), ((2024, 12, 31), 50.2)),
               as_of=D(2025, 3, 1))
    # year values: 2023 → 50.8 (the later of its two points), 2024 → 50.2
    # 2023: 52.0 − 50.8 = 1.2 ≥ 1 (met); 2024: 50.8 − 50.2 = 0.6 < 1 (missed)
    assert [(y.year, round(y.change, 6), y.met) for y in a.yearly] == [(2023, 1.2, True), (2024, 0.6, False)]
    # total 1.8 of 3 needed → progress 60 %; 2 of 3 years → expected 66.67 %; lag 6.67 → on track
    assert a.progress == approx(60) and a.expected == approx(200 / 3)
    assert a.status is Status.ON_TRACK
    assert any("2024 年当年未达到要求" in r for r in a.reasons)
    assert any("2024年" in r and "未达到" in r for r in a.reasons)
    assert a.sdg is None


@pytest.mark.parametrize("v2024, status, progress", [
    (50.5, Status.AT_RISK, 50),          # total 1.5 / 3 = 50 %; lag 16.67
    (51.0, Status.OFF_TRACK, 100 / 3),   # total 1.0 / 3 = 33.3 %; lag 33.3
    (48.9, Status.ACHIEVED, 100),        # total 3.1 ≥ 3: the whole period's change is done
])
def test_annual_change_statuses(v2024, status, progress):
    a = assess(MYOPIA, pts(((2023, 12, 31), 50.8), ((2024, 12, 31), v2024)), as_of=D(2025, 3, 1))
    assert a.status is status and a.progress == approx(progress)


def test_annual_change_wrong_direction():
    a = assess(MYOPIA, pts(((2023, 12, 31), 52.4)), as_of=D(2024, 3, 1))
    # rose 0.4: progress 0, expected 33.3, lag 33.3 → off track
    assert a.status is Status.OFF_TRACK and a.progress == 0
    assert a.yearly[0].change == approx(-0.4) and not a.yearly[0].met


def test_annual_change_after_the_deadline():
    # 52.0 → 48.9 in 3 years: 1.033 a year ≥ 1 → achieved
    done = assess(MYOPIA, pts(((2023, 12, 31), 51), ((2025, 12, 31), 48.9)), as_of=D(2026, 2, 1))
    assert done.status is Status.ACHIEVED
    # 52.0 → 49.5: 0.833 a year < 1 → off track
    late = assess(MYOPIA, pts(((2023, 12, 31), 51), ((2025, 12, 31), 49.5)), as_of=D(2026, 2, 1))
    assert late.status is Status.OFF_TRACK
    # a gap year: 2023 → 2025 over 2 years is (51 − 49.5) / 2 = 0.75 a year
    assert late.yearly[-1].change == approx(0.75)


def test_annual_change_not_due_then_no_data():
    # the first year's change is known only once 2023 is over
    assert assess(MYOPIA, [], as_of=D(2023, 6, 30)).status is Status.NOT_DUE
    assert assess(MYOPIA, [], as_of=D(2024, 3, 1)).status is Status.NO_DATA


# ---------------------------------------------------------------- milestone

def test_milestone_is_the_coordinators_judgement():
    s = spec("milestone", year=2025)
    assert assess(s, [], as_of=D(2024, 6, 1)).status is Status.NOT_DUE  # before its year
    assert assess(s, [], as_of=D(2025, 6, 1)).status is Status.NO_DATA  # its year, no verdict
    a = assess(s, [], as_of=D(2024, 6, 1), judgement=Status.ACHIEVED)
    assert a.status is Status.ACHIEVED and a.progress == 100
    assert assess(s, [], as_of=D(2024, 6, 1), judgement=Status.ON_TRACK).status is Status.ON_TRACK
    assert assess(s, [], as_of=D(2025, 6, 1), judgement=Status.AT_RISK).status is Status.AT_RISK
    # the deadline passed without "achieved": off track
    assert assess(s, [], as_of=D(2026, 1, 5), judgement=Status.AT_RISK).status is Status.OFF_TRACK
    assert assess(s, [], as_of=D(2026, 1, 5), judgement="achieved").status is Status.ACHIEVED


# ---------------------------------------------------------------- roll-ups

def A(status):
    return Assessment(status=status, latest=None, latest_when=None, baseline=None, baseline_year=None,
                      progress=None, expected=None, sdg=None, reasons=[], disagreement=None)


def test_roll_up_weighted_mean_of_scores():
    items = [(A(Status.ACHIEVED), 1), (A(Status.ON_TRACK), 1), (A(Status.AT_RISK), 2),
             (A(Status.OFF_TRACK), 1), (A(Status.NO_DATA), 1), (A(Status.NOT_DUE), 1)]
    r = roll_up(items)
    # (100·1 + 100·1 + 50·2 + 0·1 + 0·1) / (1 + 1 + 2 + 1 + 1) = 300 / 6 = 50 (not due left out)
    # 50 ≥ 50 (group_at_risk) but < 80 (group_on_track) → at risk
    assert r.score == approx(50) and r.status is Status.AT_RISK
    assert r.total == 6 and r.with_data == 4 and r.weight == 6
    assert r.counts[Status.NO_DATA] == 1 and r.counts[Status.NOT_DUE] == 1 and r.counts[Status.AT_RISK] == 1
    assert "暂无数据的按 0 分计入" in r.summary
    # no data left out instead: 300 / 5 = 60 → still at risk
    r = roll_up(items, Thresholds(missing_counts_as_zero=False))
    assert r.score == approx(60)


def test_roll_up_statuses():
    # 3 on track + 1 at risk: 350 / 4 = 87.5 ≥ 80 → on track
    r = roll_up([(A(Status.ON_TRACK), 1)] * 3 + [(A(Status.AT_RISK), 1)])
    assert r.score == approx(87.5) and r.status is Status.ON_TRACK
    # 2 off track + 1 at risk: 50 / 3 = 16.7 < 50 → off track
    r = roll_up([(A(Status.OFF_TRACK), 1)] * 2 + [(A(Status.AT_RISK), 1)])
    assert r.score == approx(50 / 3) and r.status is Status.OFF_TRACK
    # all achieved (not-due ones aside) → achieved
    assert roll_up([(A(Status.ACHIEVED), 1), (A(Status.NOT_DUE), 1)]).status is Status.ACHIEVED
    # achieved + on track: 100, but not every target achieved → on track
    assert roll_up([(A(Status.ACHIEVED), 1), (A(Status.ON_TRACK), 1)]).status is Status.ON_TRACK
    assert roll_up([(A(Status.NOT_DUE), 1)] * 2).status is Status.NOT_DUE
    r = roll_up([(A(Status.NO_DATA), 1)] * 2)
    assert r.status is Status.NO_DATA and r.score is None and r.with_data == 0
    r = roll_up([])
    assert r.status is Status.NO_DATA and r.total == 0 and r.score is None


def test_roll_up_weights():
    # weight 3 on the off-track target: (100·1 + 0·3) / 4 = 25 → off track
    r = roll_up([(A(Status.ON_TRACK), 1), (A(Status.OFF_TRACK), 3)])
    assert r.score == approx(25) and r.status is Status.OFF_TRACK
    for bad in (-1, float("inf"), "heavy", None):
        with pytest.raises(ValueError, match="权重"):
            roll_up([(A(Status.ON_TRACK), bad)])


def test_roll_up_groups_weighs_children_equally():
    task_a = roll_up([(A(Status.ON_TRACK), 1)] * 4)        # score 100
    task_b = roll_up([(A(Status.AT_RISK), 1)])             # score 50
    task_c = roll_up([(A(Status.NOT_DUE), 1)])             # left out
    r = roll_up_groups([(task_a, 1), (task_b, 1), (task_c, 1)])
    # (100 + 50) / 2 = 75: each task counts once, not each target (flat would be 450/5 = 90)
    assert r.score == approx(75) and r.status is Status.AT_RISK
    assert r.total == 6 and r.counts[Status.ON_TRACK] == 4 and r.with_data == 5
    # a task with no data at all counts 0: (100 + 0) / 2 = 50
    empty = roll_up([(A(Status.NO_DATA), 1)])
    assert roll_up_groups([(task_a, 1), (empty, 1)]).score == approx(50)
    assert roll_up_groups([(task_c, 1)]).status is Status.NOT_DUE
    assert roll_up_groups([]).status is Status.NO_DATA


def test_assess_then_roll_up():
    # the ≤ example on track, the cumulative at risk, a milestone achieved:
    # (100 + 50 + 100) / 3 = 83.3 → on track
    items = [(assess(CARIES, pts(((2023, 12, 31), 35)), as_of=D(2024, 7, 15)), 1),
             (assess(ROADS, pts(((2023, 12, 31), 1), ((2024, 6, 30), 1)), as_of=D(2024, 7, 15)), 1),
             (assess(spec("milestone", year=2024), [], as_of=D(2024, 7, 15), judgement=Status.ACHIEVED), 1)]
    r = roll_up(items)
    assert isinstance(r, RollUp) and r.score == approx(250 / 3) and r.status is Status.ON_TRACK


# ---------------------------------------------------------------- thresholds

def test_thresholds_defaults_and_overrides():
    t = DEFAULT_THRESHOLDS
    assert (t.at_risk_gap, t.off_track_gap, t.sdg_on_track, t.sdg_accelerate, t.sdg_limited) == \
        (10.0, 25.0, 0.95, 0.5, -0.1)
    assert (t.group_on_track, t.group_at_risk, t.score_at_risk, t.sdg_zero_replacement) == (80, 50, 50, 0.001)
    t = Thresholds.from_mapping({"at_risk_gap": 5, "off_track_gap": "20", "missing_counts_as_zero": "false"})
    assert (t.at_risk_gap, t.off_track_gap, t.missing_counts_as_zero) == (5, 20.0, False)
    assert Thresholds.from_mapping({}) == DEFAULT_THRESHOLDS == Thresholds.from_mapping(None)
    # a stricter gap changes the verdict: lag 10.45 → with at_risk_gap 12 it is on track
    a = assess(CARIES, pts(((2024, 12, 31), 33.5)), as_of=D(2025, 1, 31),
               thresholds=Thresholds(at_risk_gap=12))
    assert a.status is Status.ON_TRACK


@pytest.mark.parametrize("overrides, message", [
    ({"at_risk": 5}, "未知的阈值设置"),
    ({"at_risk_gap": "abc"}, "应为数值"),
    ({"at_risk_gap": True}, "有限的数值"),
    ({"at_risk_gap": float("nan")}, "有限的数值"),
    ({"at_risk_gap": 30}, "at_risk_gap"),                        # 30 > off_track_gap 25
    ({"off_track_gap": 120}, "≤ 100"),
    ({"sdg_accelerate": 0.99}, "sdg_limited"),                   # 0.99 > sdg_on_track 0.95
    ({"sdg_limited": 0.6}, "sdg_accelerate"),                    # limited above accelerate
    ({"sdg_zero_replacement": 0}, "sdg_zero_replacement"),
    ({"group_at_risk": 90}, "group_on_track"),
    ({"score_at_risk": -1}, "score_at_risk"),
    ({"missing_counts_as_zero": "maybe"}, "true 或 false"),
])
def test_bad_thresholds_are_rejected_in_chinese(overrides, message):
    with pytest.raises(ValueError, match=message) as e:
        Thresholds.from_mapping(overrides)
    assert "阈值设置" in str(e.value)


def test_bad_thresholds_rejected_when_built_directly_too():
    with pytest.raises(ValueError, match="阈值设置有误"):
        Thresholds(at_risk_gap=-1)
    with pytest.raises(ValueError, match="键值对"):
        Thresholds.from_mapping([("at_risk_gap", 1)])


def test_decimals_and_datetimes_from_the_database_are_accepted():
    from decimal import Decimal
    s = spec(comparator="<=", value=Decimal("30"), year=2025, baseline_value=Decimal("38"), baseline_year=2022)
    a = assess(s, [Point(dt.datetime(2023, 12, 31, 8, 0), Decimal("35"))], as_of=dt.datetime(2024, 6, 30, 12, 0))
    # the same numbers as test_le_target_on_track
    assert a.status is Status.ON_TRACK and a.progress == approx(37.5) and a.latest_when == D(2023, 12, 31)
    assert a.sdg.ratio == approx(1.0419, abs=1e-4)
