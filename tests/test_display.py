"""How targets, dates and periods read on the page (no database)."""
import datetime
from decimal import Decimal

import pytest

from cfcity.plans import display
from cfcity.plans.importer import Baseline, Target


def T(**kw):
    return Target(**{"indicator": "指标", **kw})


@pytest.mark.parametrize("value, text", [
    (4.0, "4"), (4, "4"), (95.8, "95.8"), (0.85, "0.85"), (Decimal("4.5000000000"), "4.5"),
    (Decimal("100.0000000000"), "100"), (Decimal("1E+2"), "100"), (None, ""),
])
def test_number(value, text):
    assert display.number(value) == text


def test_level_target():
    t = T(indicator="每千人口3岁以下婴幼儿托位数", comparator=">=", value=4.5, unit="个", year=2025)
    assert display.target_text(t) == "每千人口3岁以下婴幼儿托位数 ≥ 4.5 个（2025年）"


def test_percent_has_no_space_and_strict_comparators():
    assert display.target_text(T(indicator="普惠性幼儿园覆盖率", comparator=">", value=90.0,
                                 unit="%", year=2025)) == "普惠性幼儿园覆盖率 ＞ 90%（2025年）"
    assert display.target_text(T(indicator="12岁儿童龋患率", comparator="<=", value=30,
                                 unit="%", year=2025)) == "12岁儿童龋患率 ≤ 30%（2025年）"


def test_exact_value_has_no_sign():
    t = T(indicator="新建改扩建中小学", comparator="==", value=4, unit="所", year=2025, kind="cumulative")
    assert display.target_text(t) == "新建改扩建中小学 4 所（2025年）"


def test_range():
    t = T(indicator="建设儿童友好街区", comparator="between", value=3, value_max=5, unit="处",
          year=2025, kind="cumulative")
    assert display.target_text(t) == "建设儿童友好街区 3—5 处（2025年）"


def test_inferred_year_says_end_of_plan():
    t = T(indicator="本科及以上学历专任老师比例", comparator=">=", value=95.8, unit="%",
          year=2025, year_inferred=True)
    assert display.target_text(t) == "本科及以上学历专任老师比例 ≥ 95.8%（2025年，方案期末）"


def test_annual_change():
    t = T(indicator="儿童总体近视率", comparator=">=", value=1, unit="个百分点", year=2025,
          year_inferred=True, kind="annual_change", direction="decrease")
    assert display.target_text(t) == "儿童总体近视率 每年降低 ≥ 1 个百分点（2025年，方案期末）"


def test_full_coverage():
    t = T(indicator="义务教育学校课后服务覆盖率", comparator=">=", value=100, unit="%",
          year=2025, kind="coverage")
    assert display.target_text(t) == "义务教育学校课后服务覆盖率：全覆盖（2025年）"


def test_frequency_adds_period_only_when_missing():
    assert display.target_text(T(indicator="学生在校期间每天校园体育活动时间", comparator=">=",
                                 value=1, unit="小时", kind="frequency", per="天")) \
        == "学生在校期间每天校园体育活动时间 ≥ 1 小时"
    assert display.target_text(T(indicator="组织家庭教育指导活动", comparator=">=", value=2,
                                 unit="次", kind="frequency", per="学期")) \
        == "组织家庭教育指导活动 ≥ 2 次（每学期）"


def test_per_unit():
    t = T(indicator="镇（街道）配备儿童督导员", comparator=">=", value=1, unit="名",
          kind="per_unit", per="镇（街道）", year=2025)
    assert display.target_text(t) == "每个镇（街道）配备儿童督导员 ≥ 1 名（2025年）"


def test_milestone():
    t = T(indicator="三级儿童议事会体系基本形成", kind="milestone", year=2025)
    assert display.target_text(t) == "三级儿童议事会体系基本形成（2025年）"


def test_kind_labels_cover_every_kind():
    from cfcity.plans.importer.model import KINDS

    assert [display.kind_label(k) for k in KINDS] == [
        "水平值", "累计建设", "全覆盖", "年度变化", "频次", "按单位配备", "节点任务"]


def test_baseline_text_from_importer_and_model_shapes():
    t = T(comparator=">=", value=4.5, unit="%", baseline=Baseline(value=2.1, year=2022))
    assert display.baseline_text(t) == "基期值 2.1%（2022年）"
    assert display.baseline_text(T()) == ""

    class Stored:
        unit = "个"
        baseline_value = Decimal("2.1000000000")
        baseline_year = None
    assert display.baseline_text(Stored()) == "基期值 2.1 个"


def test_dates_periods_numerals():
    assert display.date_text(datetime.date(2022, 10, 19)) == "2022年10月19日"
    assert display.date_text(None) == ""
    assert display.period_text(2021, 2025) == "2021—2025年"
    assert display.period_text(None, 2025) == "2025年"
    assert [display.chinese_numeral(n) for n in (1, 5, 10, 13, 20, 42)] == \
        ["一", "五", "十", "十三", "二十", "四十二"]


def test_target_body_leaves_the_year_to_its_column():
    from types import SimpleNamespace
    t = SimpleNamespace(indicator="每千人口3岁以下婴幼儿托位数", comparator=">=", value=4.5, value_max=None,
                        unit="个", year=2025, year_inferred=False, kind="level", per=None, direction=None)
    assert display.target_body(t) == "每千人口3岁以下婴幼儿托位数 ≥ 4.5 个"
    assert display.target_text(t) == "每千人口3岁以下婴幼儿托位数 ≥ 4.5 个（2025年）"
