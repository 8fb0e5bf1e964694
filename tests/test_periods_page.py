"""The coordinator's periods page (/plans/<id>/periods/): generate a plan's periods by kind,
move their reporting dates (validated, nothing saved on error), delete one nobody has
reported for; every change audited; only the plan's own coordinators get in."""
import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.audit.models import AuditEntry
from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm
from cfcity.reporting import services, workflow
from cfcity.reporting.models import Assignment, Period
from tests.test_reporting import county  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db
D = datetime.date


def login(user):
    c = Client()
    c.force_login(user)
    return c


def page(county):
    return f"/plans/{county['plan'].pk}/periods/"


def edit(client, county, period, **dates):
    return client.post(page(county), {"action": "edit", "period": period.pk, **dates})


GOOD = {"opens": "2024-12-10", "deadline": "2025-01-20", "closes": "2025-02-28"}


def audit(action):
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


# --- the list -------------------------------------------------------------------------------

def test_the_page_lists_the_periods_with_their_dates_and_reports(county):
    workflow.open_report(county["task"], county["health"], county["period"], user=county["reporter"])
    r = login(county["coordinator"]).get(page(county))
    html = r.content.decode()
    assert r.status_code == 200
    assert "填报周期" in html and county["plan"].title in html
    table = html[html.index("<table"):]
    assert table.index("2023年") < table.index("2024年") < table.index("2025年")
    row = html[html.index(f'id="period-{county["period"].pk}"'):]
    row = row[:row.index("</tr>")]
    assert "2024-01-01 至 2024-12-31" in row  # starts–ends
    assert "2024-12-01 至 2025-02-14" in row  # opens–closes
    assert "2025-01-15" in row  # the deadline
    assert '<td class="num">1</td>' in row and "已有报告，不能删除" in row
    other = Period.objects.get(plan=county["plan"], kind="year", year=2025)
    row = html[html.index(f'id="period-{other.pk}"'):]
    assert '<td class="num">0</td>' in row[:row.index("</tr>")] and "删除" in row[:row.index("</tr>")]


# --- generating -----------------------------------------------------------------------------

def test_generating_quarters_for_the_plan_years_is_audited_and_assigns(county):
    plan, coordinator = county["plan"], county["coordinator"]
    lead = Assignment.objects.get(task=county["task"], org_unit=county["health"])
    lead.delete()  # as if the plan had changed since: the page puts the lead back, as the command does
    r = login(coordinator).post(page(county), {"action": "generate", "kind": "quarter"}, follow=True)
    assert r.status_code == 200
    quarters = Period.objects.filter(plan=plan, kind="quarter")
    assert quarters.count() == 12 and sorted({q.year for q in quarters}) == [2023, 2024, 2025]
    html = r.content.decode()
    assert "已生成 12 个填报周期" in html and "2025年第四季度" in html and "新增任务分工 1 条" in html
    assert Assignment.objects.filter(task=county["task"], org_unit=county["health"], role="lead").exists()
    [entry] = audit("reporting.periods.created")[-1:]
    assert entry.actor == coordinator and entry.org_unit == plan.area
    assert entry.data["after"][0] == "2023年第一季度" and len(entry.data["after"]) == 12
    # a second time: nothing new, nothing logged
    before = AuditEntry.objects.count()
    r = login(coordinator).post(page(county), {"action": "generate", "kind": "quarter"}, follow=True)
    assert "季度填报周期都已存在" in r.content.decode()
    assert Period.objects.filter(plan=plan, kind="quarter").count() == 12
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("kind", ["", "month", "x" * 5000])
def test_generating_an_unknown_kind_is_refused(county, kind):
    before = (Period.objects.count(), AuditEntry.objects.count())
    r = login(county["coordinator"]).post(page(county), {"action": "generate", "kind": kind}, follow=True)
    assert r.status_code == 200 and "请选择填报周期类型" in r.content.decode()
    assert (Period.objects.count(), AuditEntry.objects.count()) == before


def test_a_plan_without_years_says_so(county):
    plan = county["plan"]
    pm.Plan.objects.filter(pk=plan.pk).update(period_start=None, period_end=None)
    r = login(county["coordinator"]).post(page(county), {"action": "generate", "kind": "half"}, follow=True)
    assert "方案没有实施期限" in r.content.decode()
    assert not Period.objects.filter(plan=plan, kind="half").exists()


# --- changing dates -------------------------------------------------------------------------

def test_changing_the_dates_saves_and_audits_them(county):
    period, coordinator = county["period"], county["coordinator"]
    c = login(coordinator)
    r = edit(c, county, period, **GOOD)
    assert r.status_code == 302
    period.refresh_from_db()
    assert (period.opens, period.deadline, period.closes) == (D(2024, 12, 10), D(2025, 1, 20), D(2025, 2, 28))
    [entry] = audit("reporting.period.changed")
    assert entry.actor == coordinator and entry.object_id == str(period.pk) and entry.org_unit == county["plan"].area
    assert entry.data == {"before": {"opens": "2024-12-01", "deadline": "2025-01-15", "closes": "2025-02-14"},
                          "after": {"opens": "2024-12-10", "deadline": "2025-01-20", "closes": "2025-02-28"}}
    html = c.get(page(county)).content.decode()
    assert "已修改2024年的填报日期" in html and "2024-12-10 至 2025-02-28" in html and "2025-01-20" in html
    # the reporters see the new deadline
    mine = login(county["reporter"]).get(f"/my/?period={period.pk}").content.decode()
    assert "2025年1月20日" in mine


def test_only_what_changed_is_recorded_and_the_same_dates_record_nothing(county):
    period, c = county["period"], login(county["coordinator"])
    edit(c, county, period, opens="2024-12-01", deadline="2025-01-31", closes="2025-02-14")
    [entry] = audit("reporting.period.changed")
    assert entry.data == {"before": {"deadline": "2025-01-15"}, "after": {"deadline": "2025-01-31"}}
    r = edit(c, county, period, opens="2024-12-01", deadline="2025-01-31", closes="2025-02-14")
    assert r.status_code == 302 and len(audit("reporting.period.changed")) == 1
    assert "日期没有变化" in c.get(page(county)).content.decode()


@pytest.mark.parametrize("dates,field,message", [
    (dict(GOOD, deadline="2024-11-30"), "deadline", "报送期限（2024年11月30日）不能早于开始填报日期（2024年12月10日）"),
    (dict(GOOD, closes="2025-01-19"), "closes", "结束填报日期（2025年1月19日）不能早于报送期限（2025年1月20日）"),
    (dict(GOOD, opens=""), "opens", "请填写开始填报日期"),
    (dict(GOOD, deadline="   "), "deadline", "请填写报送期限"),
    (dict(GOOD, closes="下个月"), "closes", "结束填报日期“下个月”不是有效的日期，请按 2025-01-15 的格式填写"),
    (dict(GOOD, deadline="2025-02-30"), "deadline", "报送期限“2025-02-30”不是有效的日期"),
    (dict(GOOD, opens="2" * 100_000), "opens", "开始填报日期不是有效的日期"),
    (dict(GOOD, opens="0024-12-10"), "opens", "开始填报日期的年份应在 2000—2100 年之间"),
    ({"deadline": "2025-01-20", "closes": "2025-02-28"}, "opens", "请填写开始填报日期"),  # field missing
], ids=["deadline-before-opens", "closes-before-deadline", "empty", "blank", "not-a-date", "no-such-day",
        "huge", "year-0024", "missing"])
def test_bad_dates_are_explained_and_nothing_is_saved(county, dates, field, message):
    period = county["period"]
    before = (period.opens, period.deadline, period.closes)
    r = edit(login(county["coordinator"]), county, period, **dates)
    html = r.content.decode()
    assert r.status_code == 422
    assert message in html and f'data-field="{field}"' in html
    assert "2024年的日期有 1 处需要修改，没有保存" in html
    period.refresh_from_db()
    assert (period.opens, period.deadline, period.closes) == before
    assert not audit("reporting.period.changed")
    assert len(html) < 50_000  # a huge paste is not sent back


def test_every_bad_field_is_told_at_once(county):
    r = edit(login(county["coordinator"]), county, county["period"], opens="", deadline="昨天", closes="2025-13-01")
    html = r.content.decode()
    assert r.status_code == 422 and "有 3 处需要修改" in html
    assert "请填写开始填报日期" in html and "报送期限“昨天”不是有效的日期" in html
    assert "结束填报日期“2025-13-01”不是有效的日期" in html
    # a date that cannot be read does not hide the order of the two that can
    r = edit(login(county["coordinator"]), county, county["period"], opens="2025-01-10", deadline="x",
             closes="2025-01-01")
    html = r.content.decode()
    assert "有 2 处需要修改" in html and "报送期限“x”不是有效的日期" in html
    assert "结束填报日期（2025年1月1日）不能早于开始填报日期（2025年1月10日）" in html


def test_other_ways_of_writing_a_date_are_understood():
    assert services.parse_date("2025/1/5", "x") == D(2025, 1, 5)
    assert services.parse_date(" 2025年1月5日 ", "x") == D(2025, 1, 5)
    assert services.parse_date(D(2025, 1, 5), "x") == D(2025, 1, 5)
    with pytest.raises(services.ReportingError, match="不是有效的日期"):
        services.parse_date("2025-1", "x")


def test_the_service_refuses_bad_dates_without_a_page(county):
    period = county["period"]
    with pytest.raises(services.PeriodInvalid) as e:
        services.change_period_dates(period, opens=D(2025, 1, 1), deadline=D(2024, 12, 1), closes=D(2025, 2, 1))
    assert set(e.value.errors) == {"deadline"}
    assert services.change_period_dates(period, opens=D(2025, 1, 1), deadline=D(2025, 1, 1),
                                        closes=D(2025, 1, 1)) is True  # all on one day is allowed


# --- deleting -------------------------------------------------------------------------------

def test_a_period_without_reports_is_deleted_and_audited(county):
    period = Period.objects.get(plan=county["plan"], kind="year", year=2025)
    r = login(county["coordinator"]).post(page(county), {"action": "delete", "period": period.pk}, follow=True)
    assert "已删除填报周期：2025年" in r.content.decode()
    assert not Period.objects.filter(pk=period.pk).exists()
    [entry] = audit("reporting.period.deleted")
    assert entry.actor == county["coordinator"] and entry.object_id == str(period.pk)
    assert entry.object_repr == "2025年" and entry.data["before"]["deadline"] == "2026-01-15"


def test_a_period_with_a_report_cannot_be_deleted(county):
    period = county["period"]
    workflow.open_report(county["task"], county["health"], period, user=county["reporter"])  # a draft is enough
    r = login(county["coordinator"]).post(page(county), {"action": "delete", "period": period.pk}, follow=True)
    assert "2024年已有 1 份报告，不能删除" in r.content.decode()
    assert Period.objects.filter(pk=period.pk).exists() and period.reports.count() == 1
    assert not audit("reporting.period.deleted")
    with pytest.raises(services.ReportingError):
        services.delete_period(period, actor=county["coordinator"])


# --- who may -------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["reporter", "approver", "leader", "edu_reporter"])
def test_other_roles_may_neither_see_nor_change(county, persona):
    period = county["period"]
    logged = AuditEntry.objects.count()
    c = login(county[persona])
    assert c.get(page(county)).status_code == 403
    assert edit(c, county, period, **GOOD).status_code == 403
    assert c.post(page(county), {"action": "delete", "period": period.pk}).status_code == 403
    assert c.post(page(county), {"action": "generate", "kind": "quarter"}).status_code == 403
    period.refresh_from_db()
    assert period.deadline == D(2025, 1, 15) and Period.objects.filter(plan=county["plan"]).count() == 3
    assert AuditEntry.objects.count() == logged


def test_anonymous_is_sent_to_login(county):
    r = Client().post(page(county), {"action": "delete", "period": county["period"].pk})
    assert r.status_code == 302 and "/login/" in r["Location"]
    assert Period.objects.filter(pk=county["period"].pk).exists()


def coordinator_of(area):
    office = OrgUnit.objects.create(name=f"{area.name}妇儿工委办公室", kind=OrgUnit.Kind.DEPARTMENT, parent=area)
    u = User.objects.create_user(f"fgw-{area.pk}", password="x")
    Membership.objects.create(user=u, org_unit=office, role=Role.COORDINATOR)
    return User.objects.get(pk=u.pk)


def test_a_coordinator_of_another_county_gets_404(county):
    other = coordinator_of(OrgUnit.objects.create(name="临淄区", kind=OrgUnit.Kind.AREA))
    period = county["period"]
    c = login(other)
    assert c.get(page(county)).status_code == 404
    assert edit(c, county, period, **GOOD).status_code == 404
    assert c.post(page(county), {"action": "delete", "period": period.pk}).status_code == 404
    period.refresh_from_db()
    assert period.deadline == D(2025, 1, 15) and not audit("reporting.period.changed")


def test_a_county_coordinator_may_not_set_up_the_citys_plan(county):
    """The city's plan is visible to the county (they work under it) but it is not theirs."""
    city = OrgUnit.objects.create(name="示例市", kind=OrgUnit.Kind.AREA)
    OrgUnit.objects.filter(pk=county["plan"].area_id).update(parent=city)
    city_plan = pm.Plan.objects.create(title="示例市儿童友好城市建设实施方案", area=city,
                                       period_start=2023, period_end=2025)
    c = login(county["coordinator"])
    assert c.get(f"/plans/{city_plan.pk}/periods/").status_code == 403
    assert c.post(f"/plans/{city_plan.pk}/periods/", {"action": "generate", "kind": "year"}).status_code == 403
    assert not Period.objects.filter(plan=city_plan).exists()
    # the city's coordinator may set up the county's plan (it is inside the city)
    assert login(coordinator_of(city)).get(page(county)).status_code == 200


def test_a_period_of_another_plan_is_not_found_through_this_page(county):
    other = pm.Plan.objects.create(title="另一个方案", area=county["plan"].area, period_start=2024, period_end=2024)
    [foreign] = services.create_periods(other, "year")
    c = login(county["coordinator"])
    for pk in (foreign.pk, "abc", "", "9" * 30, "１", "-1"):
        assert c.post(page(county), {"action": "delete", "period": pk}).status_code == 404
        assert c.post(page(county), {"action": "edit", "period": pk, **GOOD}).status_code == 404
    assert Period.objects.filter(pk=foreign.pk).exists()
    foreign.refresh_from_db()
    assert foreign.deadline == D(2025, 1, 15)


def test_a_superuser_may(county):
    admin = User.objects.create_superuser("root", password="x")
    assert login(admin).get(page(county)).status_code == 200


def test_an_unknown_action_is_refused(county):
    r = login(county["coordinator"]).post(page(county), {"action": "drop"}, follow=True)
    assert "未知的操作" in r.content.decode()


# --- where the coordinator finds it -----------------------------------------------------------

def test_the_plan_and_status_pages_link_to_it_for_the_coordinator_only(county):
    link = page(county)
    assert link in login(county["coordinator"]).get(f"/plans/{county['plan'].pk}/").content.decode()
    assert link in login(county["coordinator"]).get("/status/").content.decode()
    for persona in ("reporter", "leader"):
        assert link not in login(county[persona]).get(f"/plans/{county['plan'].pk}/").content.decode()
        assert link not in login(county[persona]).get("/status/").content.decode()
    assert link not in Client().get(f"/plans/{county['plan'].pk}/").content.decode()


def test_with_no_period_yet_the_status_page_leads_to_the_set_up(county):
    Period.objects.filter(plan=county["plan"]).delete()
    html = login(county["coordinator"]).get("/status/").content.decode()
    assert "还没有设置填报周期" in html and page(county) in html
    assert page(county) not in login(county["leader"]).get("/status/").content.decode()
