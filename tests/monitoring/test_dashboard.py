"""The dashboards: the pages render for a plan with real verdicts (accepted values →
``services.recompute`` → ``TargetStatus``), show exactly the stored numbers, take the year
and unit filters (and shrug off bad ones), let the coordinator set a baseline and judge a
milestone (and nobody else), and cost the same number of SQL queries however much data
there is."""
import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import html

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.audit.models import AuditEntry
from cfcity.monitoring import engine, services
from cfcity.monitoring.models import Judgement, Observation, TargetStatus, Warning
from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm
from cfcity.reporting import services as reporting
from cfcity.reporting.models import Evidence, Period, Report
from tests.test_reporting import county  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

# values each target had at the end of each year, by the unit that reports it
VALUES = {
    "每千人口3岁以下婴幼儿托位数": {2023: 2.6, 2024: 3.1, 2025: 3.6},   # level, lead 县卫生健康局
    "建设儿童友好街区": {2023: 1, 2024: 2, 2025: 4},                     # cumulative 3—5 处
    "儿童总体近视率": {2023: 50, 2024: 49.5, 2025: 47.5},                # annual change, −1/年
    "儿童医疗保健服务机构覆盖率": {2024: 96, 2025: 100},                  # plan-level coverage
}


def observe(target, unit, period, value):
    Observation.objects.update_or_create(
        target=target, org_unit=unit, period=period,
        defaults={"value": Decimal(str(value)), "accepted_at": timezone.now()})


@pytest.fixture
def dash(county):
    """The county of tests/test_reporting.py with three years of accepted values, a village
    under its town (so the tree is as deep as it will get), a town share, reports with
    evidence, and the engine's verdicts."""
    plan, health = county["plan"], county["health"]
    OrgUnit.objects.create(name="东村", kind=OrgUnit.Kind.VILLAGE, parent=county["town"])
    periods = {p.year: p for p in Period.objects.filter(plan=plan, kind="year")}
    targets = {t.indicator: t for t in pm.Target.objects.filter(plan=plan)}
    for name, by_year in VALUES.items():
        for year, v in by_year.items():
            observe(targets[name], health, periods[year], v)
    streets = targets["建设儿童友好街区"]
    reporting.set_share(streets, county["town"], 2, actor=county["coordinator"])
    observe(streets, county["town"], periods[2025], 1)
    task = county["task"]
    for year in (2023, 2024):
        report = Report.objects.create(task=task, org_unit=health, period=periods[year], status=Report.Status.ACCEPTED,
                                       stage=Report.Stage.IN_PROGRESS, submitted_at=timezone.now())
        Evidence.objects.create(report=report, file=f"evidence/{year}/x.pdf", original_name="托位名单.pdf",
                                content_type="application/pdf", extension="pdf", size=10, sha256="0" * 64)
    services.recompute([plan])
    county.update(periods=periods, targets=targets, client=Client())
    county["client"].force_login(county["leader"])
    return county


def page(client, url, status=200):
    r = client.get(url)
    assert r.status_code == status, r.content.decode()[:2000]
    return r, (html.fromstring(r.content.decode()) if r.content else None)


def css(el, selector: str) -> list:
    """The elements under ``el`` matching a simple CSS selector (tags, .class, #id, [attr],
    [attr="v"], descendants) — lxml's own needs the cssselect package."""
    xp = "."
    for part in selector.split():
        m = re.fullmatch(r"([\w*]*)((?:[.#][\w-]+|\[[^\]]+\])*)", part)
        conds = []
        for c in re.findall(r"\.[\w-]+|#[\w-]+|\[[^\]]+\]", m.group(2)):
            if c[0] == ".":
                conds.append(f"contains(concat(' ', normalize-space(@class), ' '), ' {c[1:]} ')")
            elif c[0] == "#":
                conds.append(f"@id='{c[1:]}'")
            elif "=" in c:
                k, v = c[1:-1].split("=", 1)
                conds.append(f"@{k}={v}" if v[0] == '"' else f"@{k}='{v}'")
            else:
                conds.append(f"@{c[1:-1]}")
        xp += "//" + (m.group(1) or "*") + "".join(f"[{c}]" for c in conds)
    return el.xpath(xp)


def text(el) -> str:
    return re.sub(r"\s+", " ", el.text_content()).strip()


def messages_of(r) -> list[str]:
    return [str(m) for m in r.context["messages"]]


def pct(v) -> str:
    return "—" if v is None else f"{v:.1f}%"


# ---------------------------------------------------------------- pages and numbers

def test_index_goes_straight_to_the_only_plan(dash):
    r = dash["client"].get("/dashboard/")
    assert r.status_code == 302 and r["Location"] == f"/dashboard/{dash['plan'].pk}/"


def test_index_shows_a_city_coordinators_counties_side_by_side(world):
    city = OrgUnit.objects.get(name="淄博市")
    office = OrgUnit.objects.create(name="市妇儿工委办公室", kind=OrgUnit.Kind.DEPARTMENT, parent=city)
    u = User.objects.create_user("city", password="x")
    Membership.objects.create(user=u, org_unit=office, role=Role.COORDINATOR)
    services.recompute([world["plan"], world["other_plan"]])
    c = Client()
    c.force_login(u)
    r, doc = page(c, "/dashboard/")
    rows = css(doc, "table.plans-table tbody tr")
    assert sorted(text(css(tr, "td")[0]) for tr in rows) == ["临淄区", "桓台县"]
    for tr, row in zip(rows, r.context["rows"]):  # each plan with the engine's roll-up of its verdicts
        assert row["roll"].label in text(tr)
    # the county's own users see only their plan: straight to it
    c.force_login(world["leader"])
    assert c.get("/dashboard/")["Location"] == f"/dashboard/{world['plan'].pk}/"


def test_overview_shows_the_stored_verdicts(dash):
    plan = dash["plan"]
    r, doc = page(dash["client"], f"/dashboard/{plan.pk}/")
    statuses = {s.target_id: s for s in TargetStatus.objects.filter(target__plan=plan, org_unit=plan.area)}
    assert len(statuses) == pm.Target.objects.filter(plan=plan).count() == 6
    rows = css(doc, "table.key-numbers tr[data-target]")
    assert len(rows) == 6
    for tr in rows:
        s = statuses[int(tr.get("data-target"))]
        cell = {td.get("data-field"): text(td) for td in css(tr, "td[data-field]")}
        assert cell["status"] == engine.Status(s.status).label
        assert cell["progress"] == pct(s.progress)
        assert cell["expected"] == pct(s.expected)
        if s.sdg_category:
            assert engine.SdgCategory(s.sdg_category).label in cell["sdg"]
    # the level target ends below its target after the deadline: 严重滞后, shown with its latest value
    bed = statuses[dash["targets"]["每千人口3岁以下婴幼儿托位数"].pk]
    assert bed.status == "off_track" and bed.latest == 3.6
    # the overall roll-up is the engine's over the stored verdicts
    expected = engine.roll_up([(engine.Assessment(engine.Status(s.status)), 1.0) for s in statuses.values()],
                              services.thresholds())
    overall = text(css(doc, "section.overall")[0])
    assert expected.status.label in overall and f"{expected.score:.0f} 分" in overall
    assert f"暂无数据 {expected.counts[engine.Status.NO_DATA]} 个" in overall
    assert "汇总方法" in overall and "暂无数据按 0 分计入" in overall
    # status board: both domains, their actions as tiles linking down
    tiles = css(doc, ".board .tile a")
    assert len(css(doc, ".board .domain-card")) == 2 and len(tiles) == 2
    # league tables: the lead departments, and the town with its share
    leagues = text(css(doc, ".leagues")[0])
    assert "县卫生健康局" in leagues and "县住房城乡建设局" in leagues and "果里镇" in leagues
    # the chart's data are there for the browser, and the assets are the app's own
    assert doc.get_element_by_id("status-chart-data") is not None
    body = r.content.decode()
    assert "/static/vendor/echarts/echarts.min.js" in body and "/static/cfcity/charts.js" in body
    assert "/static/cfcity/print.css" in body


def test_drill_down_domain_action_task(dash):
    plan, c = dash["plan"], dash["client"]
    _, doc = page(c, f"/dashboard/{plan.pk}/")
    domain_link = css(doc, ".board .domain-card h3 a")[1].get("href")
    _, doc = page(c, domain_link)
    assert "公共服务友好" in text(css(doc, "h1")[0])
    action_link = css(doc, "ul.tiles .tile a")[0].get("href")
    _, doc = page(c, action_link)
    assert "实施托育服务提升行动" in text(css(doc, "h1")[0])
    task_links = [a.get("href") for a in css(doc, ".task-card h3 a")]
    assert len(task_links) == 2
    r, doc = page(c, task_links[0])
    assert "发展普惠托育" in text(css(doc, "h1")[0])
    # the task page: the target's numbers, its reasons, its chart data, lead units, reports with evidence
    target = dash["targets"]["每千人口3岁以下婴幼儿托位数"]
    s = TargetStatus.objects.get(target=target, org_unit=plan.area)
    card = doc.get_element_by_id(f"target-{target.pk}")
    cell = {dd.get("data-field"): text(dd) for dd in css(card, "dd[data-field]")}
    assert cell["status"] == "严重滞后" and cell["progress"] == pct(s.progress)
    assert cell["latest"].startswith("3.6 个")
    assert [text(li) for li in css(card, ".reasons li")] == s.reasons
    chart = r.context["rows"][0].chart_data
    assert chart["points"] == [["2023年", 2.6], ["2024年", 3.1], ["2025年", 3.6]]
    assert chart["target"] == 4.5 and chart["expected"] == [["2022年", 2.1], ["2025年", 4.5]]
    assert css(card, '[data-chart="trend"]')[0].get("data-chart-data") == f"trend-data-{target.pk}"
    assert "县卫生健康局" in text(css(doc, ".units")[0])
    reports = css(doc, "table.reports-table tbody tr")
    assert len(reports) == 2 and "1 份" in text(reports[0])
    links = {a.get("href") for a in css(doc, "table.reports-table a")}
    assert links == {f"/reports/{dash['periods'][y].pk}/{dash['task'].pk}/{dash['health'].pk}/" for y in (2023, 2024)}
    # a leader reads, and has no coordinator forms
    assert not css(doc, ".coordinator-forms")


def test_both_views_and_why_where_they_disagree(dash):
    plan = dash["plan"]
    target = dash["targets"]["每千人口3岁以下婴幼儿托位数"]
    TargetStatus.objects.filter(target=target, org_unit=plan.area).update(
        status="on_track", sdg_category="accelerate", sdg_ratio=0.42,
        disagreement="按直线进度仍在允许范围内，但近两年增速只有所需增速的 42%。")
    _, doc = page(dash["client"], f"/dashboard/{plan.pk}/")
    row = css(doc, f'tr[data-target="{target.pk}"]')[0]
    assert "进展正常" in text(row) and "有进展但需加速" in text(row) and "增速比 0.42" in text(row)
    note = text(row.getnext())
    assert "两种评估不一致" in note and "所需增速的 42%" in note
    _, doc = page(dash["client"], f"/dashboard/{plan.pk}/tasks/{target.task_id}/")
    card = css(doc, f"#target-{target.pk}")[0]
    cell = {dd.get("data-field"): text(dd) for dd in css(card, "dd[data-field]")}
    assert cell["status"] == "进展正常" and cell["sdg"] == "有进展但需加速 增速比 0.42"
    assert "所需增速的 42%" in text(css(card, ".disagree")[0])


def test_warnings_are_those_the_user_may_see(dash):
    plan = dash["plan"]
    Warning.objects.all().delete()  # the rules' own (overdue reports …): only these two here
    for unit, message in ((dash["health"], "托位数严重滞后，请县卫生健康局说明"),
                          (dash["edu_reporter"].membership.org_unit, "教育局逾期未报")):
        Warning.objects.create(plan=plan, kind="off_track", severity="high", org_unit=unit, key=message,
                               message=message, clear_by="x", task=dash["task"])
    _, doc = page(dash["client"], f"/dashboard/{plan.pk}/")  # the leader: the whole county
    body = text(doc)
    assert "托位数严重滞后" in body and "教育局逾期未报" in body
    c = Client()
    c.force_login(dash["reporter"])  # 县卫生健康局: its own only
    _, doc = page(c, f"/dashboard/{plan.pk}/")
    body = text(doc)
    assert "托位数严重滞后" in body and "教育局逾期未报" not in body
    _, doc = page(c, f"/dashboard/{plan.pk}/tasks/{dash['task'].pk}/")
    assert "托位数严重滞后" in text(doc)
    # many: the most severe are listed, and how many more there are
    for i in range(20):
        Warning.objects.create(plan=plan, kind="stale", severity="low", org_unit=dash["health"], key=f"s{i}",
                               message=f"数据长期未更新{i}", clear_by="x")
    r, doc = page(c, f"/dashboard/{plan.pk}/")
    items = css(doc, ".monitor-warnings li")
    assert len(items) == 12 and "托位数严重滞后" in text(items[0])
    assert "另有 9 条预警未显示" in text(doc)


def test_reports_on_the_task_page_are_scoped(dash):
    edu = dash["edu_reporter"].membership.org_unit
    c = Client()
    c.force_login(dash["edu_reporter"])
    _, doc = page(c, f"/dashboard/{dash['plan'].pk}/tasks/{dash['task'].pk}/")
    assert not css(doc, "table.reports-table")  # the health bureau's reports are not theirs
    Report.objects.create(task=dash["task"], org_unit=edu, period=dash["periods"][2024],
                          status=Report.Status.SUBMITTED, submitted_at=timezone.now())
    Report.objects.create(task=dash["task"], org_unit=edu, period=dash["periods"][2025])  # a draft
    _, doc = page(c, f"/dashboard/{dash['plan'].pk}/tasks/{dash['task'].pk}/")
    rows = css(doc, "table.reports-table tbody tr")
    assert len(rows) == 1 and "县教育体育局" in text(rows[0]) and "已报送" in text(rows[0])


# ---------------------------------------------------------------- filters

def test_year_filter_shows_that_year_end(dash):
    plan = dash["plan"]
    target = dash["targets"]["每千人口3岁以下婴幼儿托位数"]
    r, doc = page(dash["client"], f"/dashboard/{plan.pk}/?year=2024")
    assert not messages_of(r)
    assert r.context["board"].as_of == datetime.date(2024, 12, 31)
    # the verdict as the engine gives it on 31 December 2024, from the data known then
    past = {x.target_id: x for x in services.assess_plans([plan], datetime.date(2024, 12, 31))
            if x.org_unit_id == plan.area_id}[target.pk]
    assert past.latest == 3.1
    row = css(doc, f'tr[data-target="{target.pk}"]')[0]
    cell = {td.get("data-field"): text(td) for td in css(row, "td[data-field]")}
    assert cell["status"] == engine.Status(past.status).label and cell["progress"] == pct(past.progress)
    assert cell["latest"].startswith("3.1")
    assert "2024年底的情况" in text(css(doc, ".summary")[0])
    # links down keep the filter
    assert css(doc, ".board .domain-card h3 a")[0].get("href").endswith("?year=2024")
    # and the task page lists that year's reports only
    _, doc = page(dash["client"], f"/dashboard/{plan.pk}/tasks/{dash['task'].pk}/?year=2024")
    assert [text(css(tr, "td")[0]) for tr in css(doc, "table.reports-table tbody tr")] == ["2024年"]


def test_unit_filter_narrows_to_the_units_tasks(dash):
    plan = dash["plan"]
    r, doc = page(dash["client"], f"/dashboard/{plan.pk}/?unit={dash['health'].pk}")
    assert not messages_of(r)
    shown = {int(tr.get("data-target")) for tr in css(doc, "table.key-numbers tr[data-target]")}
    assert shown == {dash["targets"]["每千人口3岁以下婴幼儿托位数"].pk}
    assert len(css(doc, ".board .domain-card")) == 1
    # a domain the unit has no task in: the whole domain, with a word why
    first = pm.Domain.objects.get(plan=plan, number=1)
    r, _ = page(dash["client"], f"/dashboard/{plan.pk}/domains/{first.pk}/?unit={dash['health'].pk}")
    assert any("没有承担任务" in m for m in messages_of(r))


@pytest.mark.parametrize("query,word", [
    ("year=abc", "年份“abc”"), ("year=1999", "年份“1999”"), ("year=2031", "年份“2031”"),
    ("year=99999999999999999999999", "年份“"), ("year=-1", "年份“-1”"), ("year=2024.0", "年份"),
    ("unit=abc", "没有找到单位“abc”"), ("unit=999999", "没有找到单位“999999”"),
    ("unit=" + "9" * 40, "没有找到单位“"), ("unit=<script>", "没有找到单位"),
    ("year=²⁰²⁴", "年份“²⁰²⁴”"), ("unit=²", "没有找到单位“²”"), ("year=٢٠٢٤", "年份"), ("year=2024&year=x", "年份“x”"),
])
def test_bad_filters_are_ignored_with_a_message(dash, query, word):
    plan = dash["plan"]
    for url in (f"/dashboard/{plan.pk}/", f"/dashboard/{plan.pk}/tasks/{dash['task'].pk}/",
                f"/dashboard/{plan.pk}/domains/{pm.Domain.objects.filter(plan=plan).first().pk}/"):
        r, doc = page(dash["client"], f"{url}?{query}")
        said = messages_of(r)
        assert len(said) == 1 and word in said[0], said
        assert r.context["filters"].year is None and r.context["filters"].unit is None
        assert "<script>" not in r.content.decode()


def test_a_unit_outside_the_scope_is_a_bad_filter(dash):
    """A department reporter may filter by its own unit, not by another department."""
    c = Client()
    c.force_login(dash["reporter"])
    r, _ = page(c, f"/dashboard/{dash['plan'].pk}/?unit={dash['office'].pk}")
    assert any("没有找到单位" in m for m in messages_of(r))
    r, _ = page(c, f"/dashboard/{dash['plan'].pk}/?unit={dash['health'].pk}")
    assert not messages_of(r) and r.context["filters"].unit == dash["health"]


def test_other_plans_and_objects_are_404(dash):
    plan, c = dash["plan"], dash["client"]
    other = pm.Domain.objects.exclude(plan=plan).first()
    assert other is None  # one plan here: ids of nothing are 404
    for url in (f"/dashboard/{plan.pk + 1000}/", f"/dashboard/{plan.pk}/domains/999999/",
                f"/dashboard/{plan.pk}/actions/999999/", f"/dashboard/{plan.pk}/tasks/999999/"):
        page(c, url, status=404)


# ---------------------------------------------------------------- coordinator forms

def coordinator(dash) -> Client:
    c = Client()
    c.force_login(dash["coordinator"])
    return c


def task_url(dash, target) -> str:
    return f"/dashboard/{dash['plan'].pk}/tasks/{target.task_id}/"


def test_coordinator_sets_a_baseline(dash):
    target = dash["targets"]["每千人口3岁以下婴幼儿托位数"]
    c = coordinator(dash)
    _, doc = page(c, task_url(dash, target))
    assert css(doc, f'input[name="baseline-{target.pk}-value"]')
    r = c.post(task_url(dash, target) + "?year=2024", {"form": "baseline", "target": target.pk,
                                                       f"baseline-{target.pk}-value": "1.8",
                                                       f"baseline-{target.pk}-year": "2020"})
    assert r.status_code == 302 and r["Location"].endswith("?year=2024")
    target.refresh_from_db()
    assert (target.has_baseline, target.baseline_value, target.baseline_year) == (True, Decimal("1.8"), 2020)
    entry = AuditEntry.objects.get(action="monitoring.baseline.set")
    assert entry.actor == dash["coordinator"] and entry.data == {"old": ["2.1", 2022], "new": ["1.8", 2020]}
    s = TargetStatus.objects.get(target=target, org_unit=dash["plan"].area)
    assert (s.baseline, s.baseline_year) == (1.8, 2020)  # recomputed
    r, doc = page(c, task_url(dash, target))
    assert any("基期值" in m for m in messages_of(r))
    assert "1.8 个（2020年）" in text(doc.get_element_by_id(f"target-{target.pk}"))


@pytest.mark.parametrize("value,year,error", [
    ("", "2020", "请填写基期值"), ("很多", "2020", "基期值须为数字"), ("1.8", "", "请填写基期年份"),
    ("1.8", "二〇二〇", "年份须为整数"), ("1.8", "2030", "不能晚于方案截止年份"), ("1.8", "1800", "不能早于"),
    ("1" * 40, "2020", "数字太长"),
])
def test_a_bad_baseline_is_refused_with_the_reason(dash, value, year, error):
    target = dash["targets"]["每千人口3岁以下婴幼儿托位数"]
    r = coordinator(dash).post(task_url(dash, target), {"form": "baseline", "target": target.pk,
                                                        f"baseline-{target.pk}-value": value,
                                                        f"baseline-{target.pk}-year": year})
    assert r.status_code == 422
    card = html.fromstring(r.content.decode()).get_element_by_id(f"target-{target.pk}")
    assert error in text(card) and css(card, "details[open]")
    target.refresh_from_db()
    assert (target.baseline_value, target.baseline_year) == (Decimal("2.1"), 2022)
    assert not AuditEntry.objects.filter(action="monitoring.baseline.set").exists()


def test_coordinator_judges_a_milestone(dash):
    target = dash["targets"]["三级儿童议事会体系基本形成"]
    plan = dash["plan"]
    assert TargetStatus.objects.get(target=target, org_unit=plan.area).status == "no_data"
    c = coordinator(dash)
    _, doc = page(c, task_url(dash, target))
    assert css(doc, f'select[name="judgement-{target.pk}-status"]')
    r = c.post(task_url(dash, target), {"form": "judgement", "target": target.pk,
                                        f"judgement-{target.pk}-status": "achieved",
                                        f"judgement-{target.pk}-note": "县、镇、村三级儿童议事会均已成立，见会议纪要。"})
    assert r.status_code == 302
    j = Judgement.objects.get(target=target)
    assert (j.status, j.judged_by) == ("achieved", dash["coordinator"])
    assert TargetStatus.objects.get(target=target, org_unit=plan.area).status == "achieved"
    assert AuditEntry.objects.filter(action="monitoring.judgement.set", actor=dash["coordinator"]).count() == 1
    _, doc = page(c, task_url(dash, target))
    card = text(doc.get_element_by_id(f"target-{target.pk}"))
    assert "协调员判断" in card and "三级儿童议事会均已成立" in card
    # on the overview too
    _, doc = page(dash["client"], f"/dashboard/{plan.pk}/")
    row = css(doc, f'tr[data-target="{target.pk}"] td[data-field="status"]')[0]
    assert text(row) == "已达标"


@pytest.mark.parametrize("status,note,error", [
    ("achieved", "  ", "请写明判断依据"), ("", "有纪要", "请选择判断结果"),
    ("no_data", "有纪要", "请从列表中选择"), ("达标", "有纪要", "请从列表中选择"),
])
def test_a_bad_judgement_is_refused(dash, status, note, error):
    target = dash["targets"]["三级儿童议事会体系基本形成"]
    r = coordinator(dash).post(task_url(dash, target), {"form": "judgement", "target": target.pk,
                                                        f"judgement-{target.pk}-status": status,
                                                        f"judgement-{target.pk}-note": note})
    assert r.status_code == 422 and error in r.content.decode()
    assert not Judgement.objects.exists()


def test_a_number_target_cannot_be_judged_by_hand(dash):
    target = dash["targets"]["每千人口3岁以下婴幼儿托位数"]
    r = coordinator(dash).post(task_url(dash, target), {"form": "judgement", "target": target.pk,
                                                        f"judgement-{target.pk}-status": "achieved",
                                                        f"judgement-{target.pk}-note": "我说达标"})
    assert r.status_code == 422 and "只有节点任务" in r.content.decode()
    assert not Judgement.objects.exists()


def test_a_target_of_another_task_or_nonsense_is_refused(dash):
    other = dash["targets"]["建设儿童友好街区"]  # task (3), posted to task (2)'s page
    c = coordinator(dash)
    for data in ({"form": "baseline", "target": other.pk, f"baseline-{other.pk}-value": "1",
                  f"baseline-{other.pk}-year": "2020"},
                 {"form": "nonsense", "target": dash["task"].targets.get().pk},
                 {"form": "baseline", "target": "abc"}, {"form": "baseline", "target": "²"}, {}):
        r = c.post(f"/dashboard/{dash['plan'].pk}/tasks/{dash['task'].pk}/", data)
        assert r.status_code == 302
    other.refresh_from_db()
    assert not other.has_baseline
    assert not AuditEntry.objects.filter(action__startswith="monitoring.").exists()


@pytest.mark.parametrize("persona", ["leader", "reporter", "approver", "edu_reporter"])
def test_only_the_coordinator_may_change(dash, persona):
    target = dash["targets"]["三级儿童议事会体系基本形成"]
    c = Client()
    c.force_login(dash[persona])
    for data in ({"form": "baseline", "target": target.pk, f"baseline-{target.pk}-value": "1",
                  f"baseline-{target.pk}-year": "2020"},
                 {"form": "judgement", "target": target.pk, f"judgement-{target.pk}-status": "achieved",
                  f"judgement-{target.pk}-note": "好"}):
        assert c.post(task_url(dash, target), data).status_code == 403
    target.refresh_from_db()
    assert not target.has_baseline and not Judgement.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="monitoring.").exists()
    _, doc = page(c, task_url(dash, target))
    assert not css(doc, ".coordinator-forms")


def test_anonymous_is_sent_to_log_in(dash):
    r = Client().post(f"/dashboard/{dash['plan'].pk}/tasks/{dash['task'].pk}/", {"form": "baseline"})
    assert r.status_code == 302 and "/login/" in r["Location"]


# ---------------------------------------------------------------- queries do not grow with the data

def queries(client, url) -> int:
    client.get(url)  # warm up: the session, the first-request work
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    return len(ctx.captured_queries)


def grow(dash, n_towns=15):
    """Many more units (towns with shares and departments), observations, reports with
    evidence, verdicts and warnings."""
    plan, area = dash["plan"], dash["plan"].area
    streets = dash["targets"]["建设儿童友好街区"]
    bed = dash["targets"]["每千人口3岁以下婴幼儿托位数"]
    periods = dash["periods"]
    for i in range(n_towns):
        town = OrgUnit.objects.create(name=f"新镇{i}", kind=OrgUnit.Kind.TOWN, parent=area)
        dept = OrgUnit.objects.create(name=f"新部门{i}", kind=OrgUnit.Kind.DEPARTMENT, parent=area)
        reporting.set_share(streets, town, 1)
        reporting.assign(dash["task"], dept, "cooperating")
        for year, period in periods.items():
            observe(streets, town, period, year - 2022)
            observe(bed, dept, period, 3 + i / 10)
            for unit, task in ((town, streets.task), (dept, dash["task"])):
                report = Report.objects.create(task=task, org_unit=unit, period=period, status=Report.Status.ACCEPTED,
                                               submitted_at=timezone.now())
                Evidence.objects.create(report=report, file=f"evidence/{i}.pdf", original_name="材料.pdf",
                                        content_type="application/pdf", extension="pdf", size=1, sha256="1" * 64)
        Warning.objects.create(plan=plan, kind="overdue", severity="medium", org_unit=town, key=f"k{i}",
                               message=f"新镇{i}逾期", clear_by="报送", task=dash["task"])
    services.recompute([plan])


@pytest.mark.parametrize("persona", ["leader", "coordinator", "reporter"])
def test_queries_do_not_grow_with_the_data(dash, persona):
    c = Client()
    c.force_login(dash[persona])
    plan = dash["plan"]
    urls = [f"/dashboard/{plan.pk}/", f"/dashboard/{plan.pk}/tasks/{dash['task'].pk}/",
            f"/dashboard/{plan.pk}/tasks/{dash['task'].pk}/?year=2024",
            f"/dashboard/{plan.pk}/?year=2024&unit={dash['health'].pk}",
            f"/dashboard/{plan.pk}/domains/{pm.Domain.objects.filter(plan=plan).last().pk}/",
            f"/dashboard/{plan.pk}/actions/{dash['task'].action_id}/"]
    before = {u: queries(c, u) for u in urls}
    n_status = TargetStatus.objects.count()
    grow(dash)
    assert TargetStatus.objects.count() > n_status + 10 and Report.objects.count() > 80
    after = {u: queries(c, u) for u in urls}
    assert after == before
    # and the task page does show the growth
    _, doc = page(c, urls[1])
    if persona != "reporter":
        assert len(css(doc, "table.reports-table tbody tr")) > 40


def test_a_domain_or_action_without_tasks_still_renders(dash):
    plan = dash["plan"]
    empty = pm.Domain.objects.create(plan=plan, order=99, number=3, title="空的领域")
    bare = pm.Action.objects.create(domain=empty, order=99, number=9, title="还没有任务的行动")
    _, doc = page(dash["client"], f"/dashboard/{plan.pk}/domains/{empty.pk}/")
    assert "空的领域" in text(css(doc, "h1")[0])
    _, doc = page(dash["client"], f"/dashboard/{plan.pk}/actions/{bare.pk}/")
    assert "还没有任务的行动" in text(css(doc, "h1")[0]) and "暂无数据" in text(css(doc, "section.overall")[0])


def test_share_of_units_targets_read_as_percentages(dash):
    """A frequency or per-unit target is judged on the share of units meeting it: its values
    and its chart are in %, against 100 %."""
    from cfcity.monitoring.views import Row
    target = dash["targets"]["学生在校期间每天校园体育活动时间"]
    s = TargetStatus(target=target, org_unit=dash["plan"].area, status="at_risk", latest=80.0,
                     series=[["2024-06-30", 60.0], ["2024-12-31", 80.0]])
    row = Row(target, s)
    assert row.latest_text == "80%" and row.share_of_units
    chart = row.chart(dash["plan"].period_end)
    assert chart["unit"] == "%" and chart["target"] == 100.0
    assert chart["points"] == [["2024年6月", 60.0], ["2024年12月", 80.0]]
    milestone = Row(dash["targets"]["三级儿童议事会体系基本形成"], None)
    assert milestone.chart() is None and milestone.label == "暂无数据"


def test_a_judgement_cites_evidence_from_the_tasks_own_reports(dash):
    target = dash["targets"]["三级儿童议事会体系基本形成"]
    report = Report.objects.create(task=target.task, org_unit=dash["office"], period=dash["periods"][2024],
                                   status=Report.Status.ACCEPTED, submitted_at=timezone.now())
    minutes = Evidence.objects.create(report=report, file="evidence/2024/m.pdf", original_name="议事会会议纪要.pdf",
                                      content_type="application/pdf", extension="pdf", size=10, sha256="1" * 64)
    elsewhere = Evidence.objects.get(report__task=dash["task"], report__period__year=2023)  # task (2)'s file
    c = coordinator(dash)
    _, doc = page(c, task_url(dash, target))
    options = [text(o) for o in css(doc, f'select[name="judgement-{target.pk}-evidence"] option')]
    assert any("议事会会议纪要.pdf" in o for o in options) and not any("托位名单" in o for o in options)
    data = {"form": "judgement", "target": target.pk, f"judgement-{target.pk}-status": "achieved",
            f"judgement-{target.pk}-note": "三级议事会已成立。"}
    r = c.post(task_url(dash, target), {**data, f"judgement-{target.pk}-evidence": elsewhere.pk})
    assert r.status_code == 422 and "请从列表中选择本任务报告中的材料" in r.content.decode()
    assert not Judgement.objects.exists()
    r = c.post(task_url(dash, target), {**data, f"judgement-{target.pk}-evidence": minutes.pk})
    assert r.status_code == 302 and Judgement.objects.get(target=target).evidence == minutes
    _, doc = page(c, task_url(dash, target))
    card = doc.get_element_by_id(f"target-{target.pk}")
    assert css(card, f'a[href="/evidence/{minutes.pk}/"]')
